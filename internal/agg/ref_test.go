package agg

import (
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Test data is held as cells, one per row, canonical Go values: int64 for
// signed integers, date32, date64 and timestamp; uint64 for unsigned
// integers; float64 for floats (float32 widened); bool; string; nil for
// null.

// genIDs returns n group ids over ngroups (> 10) groups: about half the rows
// in the hot group 0, 5% -1, the rest uniform over groups 1 … ngroups-4
// except every tenth from 5 on; those and the last three groups are empty.
func genIDs(r *rand.Rand, n, ngroups int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		switch p := r.Float64(); {
		case p < 0.5:
			ids[i] = 0
		case p < 0.55:
			ids[i] = -1
		default:
			g := 1 + r.Intn(ngroups-4)
			if g%10 == 5 {
				g++
			}
			ids[i] = int32(g)
		}
	}
	return ids
}

var smallStrings = []string{"", "a", "ab", "b", "zz", "é", "a\x00b", strings.Repeat("long", 10)}

// genCells returns a column of dt for the rows of ids: 10% nulls and every
// row of group 1 null; for floats, group 2 all NaN and groups 3, 8, 13 …
// 20% NaN, +Inf or -Inf. Half the numbers come from a small set, to repeat.
func genCells(r *rand.Rand, dt arrow.DataType, ids []int32) []any {
	cells := make([]any, len(ids))
	for i, g := range ids {
		if g == 1 || r.Intn(10) == 0 {
			continue
		}
		small := r.Intn(2) == 0
		switch dt.ID() {
		case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
			v := int64(r.Uint64()) >> (64 - dt.(arrow.FixedWidthDataType).BitWidth())
			if small {
				v = int64(r.Intn(7) - 3)
			}
			cells[i] = v
		case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
			v := r.Uint64() >> (64 - dt.(arrow.FixedWidthDataType).BitWidth())
			if small {
				v = uint64(r.Intn(5))
			}
			cells[i] = v
		case arrow.FLOAT32, arrow.FLOAT64:
			v := r.NormFloat64() * 100
			specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
			switch {
			case g == 2:
				v = math.NaN()
			case g%5 == 3 && r.Intn(5) == 0:
				v = specials[r.Intn(3)]
			case small:
				v = []float64{0, math.Copysign(0, -1), 1.5, -2.25}[r.Intn(4)]
			}
			if dt.ID() == arrow.FLOAT32 {
				v = float64(float32(v))
			}
			cells[i] = v
		case arrow.BOOL:
			cells[i] = r.Intn(2) == 0
		case arrow.STRING, arrow.LARGE_STRING:
			if small {
				cells[i] = smallStrings[r.Intn(len(smallStrings))]
			} else {
				cells[i] = fmt.Sprintf("s%x", r.Intn(1<<20))
			}
		case arrow.DATE32:
			cells[i] = int64(r.Intn(40000) - 20000)
		case arrow.DATE64:
			cells[i] = int64(r.Intn(40000)-20000) * 86400000
		default: // TIMESTAMP
			cells[i] = r.Int63() - r.Int63()
		}
	}
	return cells
}

// buildCol returns cells as an array of dt from mem.
func buildCol(mem memory.Allocator, dt arrow.DataType, cells []any) arrow.Array {
	bld := array.NewBuilder(mem, dt)
	defer bld.Release()
	for _, c := range cells {
		if c == nil {
			bld.AppendNull()
			continue
		}
		switch b := bld.(type) {
		case *array.Int8Builder:
			b.Append(int8(c.(int64)))
		case *array.Int16Builder:
			b.Append(int16(c.(int64)))
		case *array.Int32Builder:
			b.Append(int32(c.(int64)))
		case *array.Int64Builder:
			b.Append(c.(int64))
		case *array.Uint8Builder:
			b.Append(uint8(c.(uint64)))
		case *array.Uint16Builder:
			b.Append(uint16(c.(uint64)))
		case *array.Uint32Builder:
			b.Append(uint32(c.(uint64)))
		case *array.Uint64Builder:
			b.Append(c.(uint64))
		case *array.Float32Builder:
			b.Append(float32(c.(float64)))
		case *array.Float64Builder:
			b.Append(c.(float64))
		case *array.BooleanBuilder:
			b.Append(c.(bool))
		case *array.StringBuilder:
			b.Append(c.(string))
		case *array.LargeStringBuilder:
			b.Append(c.(string))
		case *array.Date32Builder:
			b.Append(arrow.Date32(c.(int64)))
		case *array.Date64Builder:
			b.Append(arrow.Date64(c.(int64)))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(c.(int64)))
		default:
			panic(fmt.Sprintf("buildCol: %s", dt))
		}
	}
	return bld.NewArray()
}

// readCells returns the rows of a as cells.
func readCells(a arrow.Array) []any {
	out := make([]any, a.Len())
	for i := range out {
		if a.IsNull(i) {
			continue
		}
		switch a := a.(type) {
		case *array.Int8:
			out[i] = int64(a.Value(i))
		case *array.Int16:
			out[i] = int64(a.Value(i))
		case *array.Int32:
			out[i] = int64(a.Value(i))
		case *array.Int64:
			out[i] = a.Value(i)
		case *array.Uint8:
			out[i] = uint64(a.Value(i))
		case *array.Uint16:
			out[i] = uint64(a.Value(i))
		case *array.Uint32:
			out[i] = uint64(a.Value(i))
		case *array.Uint64:
			out[i] = a.Value(i)
		case *array.Float32:
			out[i] = float64(a.Value(i))
		case *array.Float64:
			out[i] = a.Value(i)
		case *array.Boolean:
			out[i] = a.Value(i)
		case *array.String:
			out[i] = a.Value(i)
		case *array.LargeString:
			out[i] = a.Value(i)
		case *array.Date32:
			out[i] = int64(a.Value(i))
		case *array.Date64:
			out[i] = int64(a.Value(i))
		case *array.Timestamp:
			out[i] = int64(a.Value(i))
		default:
			panic(fmt.Sprintf("readCells: %s", a.DataType()))
		}
	}
	return out
}

// want is a reference result and its tolerance (floats only).
type want struct {
	v   any
	tol float64
}

// reference computes spec over the groups of cols directly: per group, the
// rows are collected and each kind computed from its definition.
func reference(spec Spec, cols [][]any, ids []int32, ngroups int) []want {
	rows := make([][]int, ngroups)
	for i, g := range ids {
		if g >= 0 {
			rows[g] = append(rows[g], i)
		}
	}
	out := make([]want, ngroups)
	for g := range out {
		out[g] = refGroup(spec, cols, rows[g])
	}
	return out
}

func refGroup(spec Spec, cols [][]any, rows []int) want {
	switch spec.Kind {
	case CountRows:
		return want{v: int64(len(rows))}
	case Corr:
		var xs, ys []float64
		for _, i := range rows {
			if cols[0][i] != nil && cols[1][i] != nil {
				xs, ys = append(xs, toFloat(cols[0][i])), append(ys, toFloat(cols[1][i]))
			}
		}
		return refCorr(xs, ys)
	}
	var vals []any
	for _, i := range rows {
		if c := cols[0][i]; c != nil {
			vals = append(vals, c)
		}
	}
	n := len(vals)
	switch spec.Kind {
	case Count:
		return want{v: int64(n)}
	case CountDistinct:
		set := map[any]bool{}
		for _, v := range vals {
			if f, ok := v.(float64); ok && f != f {
				v = "NaN"
			}
			set[v] = true // -0 == +0 as a map key
		}
		return want{v: int64(len(set))}
	}
	if n == 0 {
		return want{}
	}
	xs := make([]float64, n)
	for i, v := range vals {
		xs[i] = toFloat(v)
	}
	switch spec.Kind {
	case First:
		return want{v: vals[0]}
	case Last:
		return want{v: vals[n-1]}
	case Min, Max, Any, All:
		m := vals[0]
		for _, v := range vals[1:] {
			if (spec.Kind == Min || spec.Kind == All) && refLess(v, m) || (spec.Kind == Max || spec.Kind == Any) && refLess(m, v) {
				m = v
			}
		}
		return want{v: m}
	case Sum:
		switch vals[0].(type) {
		case int64, uint64:
			s := new(big.Int)
			for _, v := range vals {
				if u, ok := v.(uint64); ok {
					s.Add(s, new(big.Int).SetUint64(u))
				} else {
					s.Add(s, big.NewInt(v.(int64)))
				}
			}
			u := s.And(s, new(big.Int).SetUint64(math.MaxUint64)).Uint64()
			if _, ok := vals[0].(uint64); ok {
				return want{v: u}
			}
			return want{v: int64(u)}
		}
		s, scale := exactSum(xs)
		return want{v: s, tol: 1e-10 * scale}
	case Mean:
		s, scale := exactSum(xs)
		return want{v: s / float64(n), tol: 1e-10 * scale / float64(n)}
	case Var, Std:
		if n-spec.DDof <= 0 {
			return want{}
		}
		m2, scale := refM2(xs)
		v := m2 / float64(n-spec.DDof)
		tol := 1e-9*math.Abs(v) + 1e-12*scale/float64(n)
		if spec.Kind == Std {
			return want{v: math.Sqrt(v), tol: math.Sqrt(v+tol) - math.Sqrt(v)}
		}
		return want{v: v, tol: tol}
	default: // Median, Quantile
		q := spec.Q
		if spec.Kind == Median {
			q = 0.5
		}
		var sorted, nans []float64
		for _, x := range xs {
			if math.IsNaN(x) {
				nans = append(nans, x)
			} else {
				sorted = append(sorted, x)
			}
		}
		sort.Float64s(sorted)
		sorted = append(sorted, nans...)
		h := q * float64(n-1)
		lo := math.Floor(h)
		a := sorted[int(lo)]
		if h == lo || a == sorted[int(lo)+1] {
			return want{v: a}
		}
		return want{v: a + (h-lo)*(sorted[int(lo)+1]-a)}
	}
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case float64:
		return v
	case bool:
		if v {
			return 1
		}
		return 0
	}
	return math.NaN() // strings: unused
}

// refLess orders cells: numbers with NaN greater than every number,
// strings byte-wise, false before true.
func refLess(a, b any) bool {
	switch a := a.(type) {
	case int64:
		return a < b.(int64)
	case uint64:
		return a < b.(uint64)
	case float64:
		b := b.(float64)
		return !math.IsNaN(a) && (math.IsNaN(b) || a < b)
	case string:
		return a < b.(string)
	case bool:
		return !a && b.(bool)
	}
	panic("refLess")
}

// exactSum returns the correctly rounded sum of xs (NaN when some x is NaN
// or infinities of both signs occur) and the sum of their magnitudes.
func exactSum(xs []float64) (float64, float64) {
	var nan, pinf, ninf bool
	s, scale := new(big.Float).SetPrec(4096), 0.0
	for _, x := range xs {
		switch {
		case math.IsNaN(x):
			nan = true
		case math.IsInf(x, 1):
			pinf = true
		case math.IsInf(x, -1):
			ninf = true
		default:
			s.Add(s, big.NewFloat(x))
			scale += math.Abs(x)
		}
	}
	switch {
	case nan || pinf && ninf:
		return math.NaN(), 0
	case pinf:
		return math.Inf(1), 0
	case ninf:
		return math.Inf(-1), 0
	}
	f, _ := s.Float64()
	return f, scale
}

// refM2 returns the sum of squared deviations of xs from their exact mean,
// NaN when some x is not finite, and the sum of squares.
func refM2(xs []float64) (float64, float64) {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return math.NaN(), 0
		}
	}
	s := new(big.Float).SetPrec(4096)
	for _, x := range xs {
		s.Add(s, big.NewFloat(x))
	}
	mean, _ := s.Quo(s, big.NewFloat(float64(len(xs)))).Float64()
	m2, scale := 0.0, 0.0
	for _, x := range xs {
		m2 += (x - mean) * (x - mean)
		scale += x * x
	}
	return m2, scale
}

func refCorr(xs, ys []float64) want {
	if len(xs) < 2 {
		return want{}
	}
	m2x, _ := refM2(xs)
	m2y, _ := refM2(ys)
	if m2x == 0 || m2y == 0 {
		return want{}
	}
	if math.IsNaN(m2x) || math.IsNaN(m2y) {
		return want{v: math.NaN()}
	}
	mean := func(v []float64) float64 { s, _ := exactSum(v); return s / float64(len(v)) }
	mx, my := mean(xs), mean(ys)
	cxy := 0.0
	for i := range xs {
		cxy += (xs[i] - mx) * (ys[i] - my)
	}
	return want{v: cxy / math.Sqrt(m2x*m2y), tol: 1e-9}
}

// sameCell reports whether got matches w.
func sameCell(got any, w want) bool {
	if got == nil || w.v == nil {
		return got == nil && w.v == nil
	}
	g, ok := got.(float64)
	if !ok {
		return got == w.v
	}
	v := w.v.(float64)
	switch {
	case math.IsNaN(g) || math.IsNaN(v):
		return math.IsNaN(g) && math.IsNaN(v)
	case g == v:
		return true
	}
	return math.Abs(g-v) <= w.tol
}
