package io

import (
	"math"
	"strings"
	"time"
)

// This file decides what column statistics prove about predicates. It knows
// nothing of Parquet: parquet_stats.go turns a column chunk's statistics
// into a columnStats, and mayMatch answers for one predicate.
//
// The rule everywhere: when in doubt, keep. A predicate prunes a row group
// only when the statistics prove that no row of it satisfies the predicate.
// Comparisons follow SQL (a null satisfies none of them) and IEEE 754 for
// floating point (NaN satisfies only !=).

// statKind says how a column's statistics are compared with a predicate's
// value, and which Go type the value must have.
type statKind uint8

const (
	statNone      statKind = iota // only the null count is known
	statInt                       // signed integers: bounds in lo.i/hi.i; value int64
	statUint                      // unsigned integers: bounds in lo.u/hi.u; value int64
	statFloat32                   // bounds in lo.f/hi.f; value float64
	statFloat64                   // bounds in lo.f/hi.f; value float64
	statBool                      // bounds 0/1 in lo.i/hi.i; value bool
	statString                    // bytewise order, bounds in lo.s/hi.s; value string
	statDate                      // days since the epoch in lo.i/hi.i; value time.Time
	statTimestamp                 // unit ticks since the epoch in lo.i/hi.i; value time.Time
)

// statValue is one bound of a column's values; the field used depends on
// the statKind.
type statValue struct {
	i int64
	u uint64
	f float64
	s string
}

// columnStats is what a row group's statistics say about one column that is
// not nested. The zero value proves nothing except for an empty row group.
type columnStats struct {
	kind statKind
	// rows is the number of rows of the row group.
	rows int64
	// hasNulls says whether nulls counts the column's nulls.
	hasNulls bool
	nulls    int64
	// hasMinMax says whether every non-null value v of the column lies in
	// lo <= v <= hi (bounds need not be tight). Floating point bounds ignore
	// NaN.
	hasMinMax bool
	lo, hi    statValue
	// unit is the length of one timestamp tick (statTimestamp only).
	unit time.Duration
}

// mayMatch reports whether some row that the statistics describe may
// satisfy p. It returns false only when the statistics prove that no row
// does.
func (s *columnStats) mayMatch(p Predicate) bool {
	if s.rows == 0 {
		return false
	}
	allNull := s.hasNulls && s.nulls >= s.rows
	switch p.Op {
	case IsNull:
		return !(s.hasNulls && s.nulls == 0)
	case NotNull:
		return !allNull
	case Eq, Ne, Lt, Le, Gt, Ge:
	default:
		return true
	}
	if allNull {
		return false // a null satisfies no comparison
	}
	if !s.hasMinMax {
		return true
	}
	switch s.kind {
	case statInt, statDate, statTimestamp, statBool:
		clo, chi, ok := s.intConstant(p.Value)
		if !ok {
			return true
		}
		return rangeMayMatch(p.Op, s.lo.i, s.hi.i, clo, chi, clo == chi, cmpOrdered[int64])
	case statUint:
		v, ok := asInt64(p.Value)
		if !ok {
			return true
		}
		if v < 0 {
			// Every value of the column is greater than v.
			return p.Op == Ne || p.Op == Gt || p.Op == Ge
		}
		return rangeMayMatch(p.Op, s.lo.u, s.hi.u, uint64(v), uint64(v), true, cmpOrdered[uint64])
	case statFloat32, statFloat64:
		v, ok := asFloat64(p.Value)
		if !ok || math.IsNaN(v) || math.IsNaN(s.lo.f) || math.IsNaN(s.hi.f) || s.lo.f > s.hi.f {
			return true
		}
		clo, chi := v, v
		if s.kind == statFloat32 {
			clo, chi = float32Bracket(v)
		}
		// != never prunes a float column: the statistics leave NaN out,
		// and NaN != v holds.
		return rangeMayMatch(p.Op, s.lo.f, s.hi.f, clo, chi, false, cmpOrdered[float64])
	case statString:
		v, ok := p.Value.(string)
		if !ok {
			return true
		}
		return rangeMayMatch(p.Op, s.lo.s, s.hi.s, v, v, true, strings.Compare)
	}
	return true
}

// intConstant turns a predicate's value into the column's integer domain:
// the constant lies in [lo, hi]. hi == lo when the value is exact; a time
// that falls between two ticks (a date with a time of day, a timestamp finer
// than the column's unit) gives hi == lo+1.
func (s *columnStats) intConstant(v any) (lo, hi int64, ok bool) {
	switch s.kind {
	case statInt:
		lo, ok = asInt64(v)
		return lo, lo, ok
	case statBool:
		b, ok := v.(bool)
		if !ok {
			return 0, 0, false
		}
		if b {
			return 1, 1, true
		}
		return 0, 0, true
	case statDate:
		t, ok := v.(time.Time)
		if !ok {
			return 0, 0, false
		}
		return timeTicks(t, 24*time.Hour)
	case statTimestamp:
		t, ok := v.(time.Time)
		if !ok || s.unit <= 0 {
			return 0, 0, false
		}
		return timeTicks(t, s.unit)
	}
	return 0, 0, false
}

// timeTicks counts the ticks of length unit (a divisor of a second, or a
// multiple of one) from the Unix epoch to t, rounding down: it returns
// [n, n] when t falls on a tick and [n, n+1] when it falls between ticks n
// and n+1. ok is false when the count overflows an int64.
func timeTicks(t time.Time, unit time.Duration) (lo, hi int64, ok bool) {
	sec, nsec := t.Unix(), int64(t.Nanosecond()) // 0 <= nsec < 1e9
	var n int64
	var exact bool
	if unit >= time.Second {
		per := int64(unit / time.Second)
		n = floorDiv(sec, per)
		exact = nsec == 0 && sec-n*per == 0
	} else {
		perSec := int64(time.Second / unit)
		if sec > math.MaxInt64/perSec-1 || sec < math.MinInt64/perSec+1 {
			return 0, 0, false
		}
		n = sec*perSec + nsec/int64(unit)
		exact = nsec%int64(unit) == 0
	}
	if exact {
		return n, n, true
	}
	if n == math.MaxInt64 {
		return 0, 0, false
	}
	return n, n + 1, true
}

// floorDiv divides rounding toward negative infinity; b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// rangeMayMatch reports whether a column whose values lie in [lo, hi] may
// hold a value x with "x op c", for a constant c known to lie in [clo, chi].
// exact says that c == clo == chi and that equal means equal (it is false
// for floating point, whose statistics leave NaN out), which only != needs.
func rangeMayMatch[T any](op CmpOp, lo, hi, clo, chi T, exact bool, cmp func(a, b T) int) bool {
	switch op {
	case Eq:
		return cmp(lo, chi) <= 0 && cmp(clo, hi) <= 0
	case Ne:
		return !(exact && cmp(lo, hi) == 0 && cmp(lo, clo) == 0)
	case Lt:
		return cmp(lo, chi) < 0
	case Le:
		return cmp(lo, chi) <= 0
	case Gt:
		return cmp(hi, clo) > 0
	case Ge:
		return cmp(hi, clo) >= 0
	}
	return true
}

func cmpOrdered[T int64 | uint64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// asInt64 accepts a predicate value for an integer column: int64 as the
// Predicate documents, and the other Go integer types that fit an int64.
func asInt64(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint64:
		if x > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case uint:
		if uint64(x) > math.MaxInt64 {
			return 0, false
		}
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint8:
		return int64(x), true
	}
	return 0, false
}

// asFloat64 accepts a predicate value for a floating-point column: float64
// as the Predicate documents, or float32.
func asFloat64(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	}
	return 0, false
}

// float32Bracket returns the float32 values nearest v from below and from
// above (equal when v is a float32), so that a comparison with v means the
// same whether the reader compares in float64 or rounds v to float32.
func float32Bracket(v float64) (lo, hi float64) {
	f := float32(v) // round to nearest
	switch {
	case float64(f) == v:
		return v, v
	case float64(f) < v:
		return float64(f), float64(math.Nextafter32(f, float32(math.Inf(1))))
	default:
		return float64(math.Nextafter32(f, float32(math.Inf(-1)))), float64(f)
	}
}

// filterMayMatch reports whether a row group may hold a row satisfying the
// conjunction filter; stats returns the statistics of a column by name, or
// false when there are none (a nested column, a column the file lacks).
func filterMayMatch(filter []Predicate, stats func(column string) (*columnStats, bool)) bool {
	for _, p := range filter {
		s, ok := stats(p.Column)
		if !ok {
			continue
		}
		if !s.mayMatch(p) {
			return false
		}
	}
	return true
}
