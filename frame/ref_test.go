package frame

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// This file holds the reference the differential tests compare with: random
// records, their rows as Go values, and a row-by-row evaluator of bound
// expressions that follows the documented semantics with plain Go code.

// testSchema is the schema of randomRecords.
var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "j", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "g", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
}, nil)

var testWords = []string{"", "a", "ab", "abc", "B", "Ab", "é", "straße", "x y", "ABC", "naïve", "zz"}

// randomRecords returns parts records of testSchema with about rows rows
// in all (some empty), with nulls, zeros, extremes, NaN and infinities.
func randomRecords(mem memory.Allocator, r *rand.Rand, parts, rows int) []arrow.Record {
	var out []arrow.Record
	for p := range parts {
		n := 0
		if p%4 != 3 { // every fourth partition is empty
			n = r.IntN(2*rows/parts + 1)
		}
		b := array.NewRecordBuilder(mem, testSchema)
		for range n {
			null := func() bool { return r.IntN(7) == 0 }
			ib := b.Field(0).(*array.Int64Builder)
			switch {
			case null():
				ib.AppendNull()
			case r.IntN(20) == 0:
				ib.Append([]int64{math.MaxInt64, math.MinInt64, 0}[r.IntN(3)])
			default:
				ib.Append(r.Int64N(41) - 20)
			}
			jb := b.Field(1).(*array.Int32Builder)
			if null() {
				jb.AppendNull()
			} else {
				jb.Append(int32(r.IntN(11) - 5))
			}
			fb := b.Field(2).(*array.Float64Builder)
			switch {
			case null():
				fb.AppendNull()
			case r.IntN(25) == 0:
				fb.Append([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1)}[r.IntN(5)])
			default:
				fb.Append(math.Round((r.Float64()*40-20)*1000) / 1000)
			}
			gb := b.Field(3).(*array.Float32Builder)
			if null() {
				gb.AppendNull()
			} else {
				gb.Append(float32(r.IntN(200)-100) / 8)
			}
			sb := b.Field(4).(*array.StringBuilder)
			if null() {
				sb.AppendNull()
			} else {
				sb.Append(testWords[r.IntN(len(testWords))])
			}
			bb := b.Field(5).(*array.BooleanBuilder)
			if null() {
				bb.AppendNull()
			} else {
				bb.Append(r.IntN(2) == 0)
			}
			db := b.Field(6).(*array.Date32Builder)
			if null() {
				db.AppendNull()
			} else {
				db.Append(arrow.Date32(r.IntN(40000) - 10000)) // 1942 to 2079
			}
			tb := b.Field(7).(*array.TimestampBuilder)
			if null() {
				tb.AppendNull()
			} else {
				tb.Append(arrow.Timestamp(r.Int64N(4e15) - 1e15))
			}
		}
		out = append(out, b.NewRecord())
		b.Release()
	}
	return out
}

// rowsOf returns the rows of records as Go values: int64, float64 (float32
// widened), string, bool, int32 days for dates, int64 ticks for timestamps,
// nil for null.
func rowsOf(t testing.TB, recs ...arrow.Record) [][]any {
	t.Helper()
	var out [][]any
	for _, rec := range recs {
		for i := range int(rec.NumRows()) {
			row := make([]any, rec.NumCols())
			for c, col := range rec.Columns() {
				row[c] = cell(t, col, i)
			}
			out = append(out, row)
		}
	}
	return out
}

func tableRows(t testing.TB, tbl arrow.Table) [][]any {
	t.Helper()
	tr := array.NewTableReader(tbl, 0)
	defer tr.Release()
	var out [][]any
	for tr.Next() {
		out = append(out, rowsOf(t, tr.Record())...)
	}
	return out
}

func cell(t testing.TB, a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch x := a.(type) {
	case *array.Int64:
		return x.Value(i)
	case *array.Int32:
		return int64(x.Value(i))
	case *array.Float64:
		return x.Value(i)
	case *array.Float32:
		return float64(x.Value(i))
	case *array.String:
		return x.Value(i)
	case *array.Boolean:
		return x.Value(i)
	case *array.Date32:
		return int32(x.Value(i))
	case *array.Timestamp:
		return int64(x.Value(i))
	}
	t.Fatalf("cell: unexpected array type %s", a.DataType())
	return nil
}

// sameValue compares two cells; NaN equals NaN, and -0 equals 0 only if
// both are the same zero.
func sameValue(a, b any) bool {
	fa, ok1 := a.(float64)
	fb, ok2 := b.(float64)
	if ok1 && ok2 {
		if math.IsNaN(fa) || math.IsNaN(fb) {
			return math.IsNaN(fa) && math.IsNaN(fb)
		}
		return fa == fb && math.Signbit(fa) == math.Signbit(fb)
	}
	return a == b
}

// refEval evaluates a bound expression on one row of a record with schema s.
func refEval(e exprNode, s *arrow.Schema, row []any) (any, error) {
	switch x := e.(type) {
	case *colExpr:
		v := row[s.FieldIndices(x.name)[0]]
		return v, nil
	case *litExpr:
		if x.val == nil {
			return nil, nil
		}
		switch v := x.val.(type) {
		case time.Time:
			if _, ok := x.typ.(*arrow.Date32Type); ok {
				return int32(arrow.Date32FromTime(v)), nil
			}
			ts, _ := arrow.TimestampFromTime(v, x.typ.(*arrow.TimestampType).Unit)
			return int64(ts), nil
		}
		return x.val, nil
	case *aliasExpr:
		return refEval(x.x, s, row)
	}
	args := make([]any, 0, 2)
	for _, c := range e.children() {
		v, err := refEval(c, s, row)
		if err != nil {
			return nil, err
		}
		args = append(args, v)
	}
	switch x := e.(type) {
	case *binaryExpr:
		return refBinary(x, args[0], args[1])
	case *unaryExpr:
		return refUnary(x, args[0])
	case *fillNullExpr:
		if args[0] == nil {
			return args[1], nil
		}
		return args[0], nil
	case *castExpr:
		return refCast(args[0], x.x.dataType(), x.to)
	case *matchExpr:
		if args[0] == nil {
			return nil, nil
		}
		str := args[0].(string)
		switch x.op {
		case matchContains:
			return strings.Contains(str, x.pattern), nil
		case matchStarts:
			return strings.HasPrefix(str, x.pattern), nil
		}
		return strings.HasSuffix(str, x.pattern), nil
	case *substrExpr:
		if args[0] == nil {
			return nil, nil
		}
		rs := []rune(args[0].(string))
		start, end := x.start-1, x.start-1+x.length
		start, end = max(start, 0), min(end, int64(len(rs)))
		if start >= end {
			return "", nil
		}
		return string(rs[start:end]), nil
	}
	return nil, fmt.Errorf("refEval: unknown node %T", e)
}

func refBinary(x *binaryExpr, a, b any) (any, error) {
	switch x.op {
	case opAnd:
		if a == false || b == false {
			return false, nil
		}
		if a == nil || b == nil {
			return nil, nil
		}
		return true, nil
	case opOr:
		if a == true || b == true {
			return true, nil
		}
		if a == nil || b == nil {
			return nil, nil
		}
		return false, nil
	}
	if a == nil || b == nil {
		return nil, nil
	}
	if x.op == opConcat {
		return a.(string) + b.(string), nil
	}
	if x.op.arithmetic() {
		switch av := a.(type) {
		case int64:
			bv := b.(int64)
			switch x.op {
			case opAdd:
				return av + bv, nil
			case opSub:
				return av - bv, nil
			case opMul:
				return av * bv, nil
			case opMod:
				if bv == 0 {
					return nil, nil
				}
				if bv == -1 {
					return int64(0), nil
				}
				return av % bv, nil
			}
		case float64:
			bv := b.(float64)
			switch x.op {
			case opAdd:
				return av + bv, nil
			case opSub:
				return av - bv, nil
			case opMul:
				return av * bv, nil
			case opDiv:
				return av / bv, nil
			case opMod:
				return math.Mod(av, bv), nil
			}
		}
		return nil, fmt.Errorf("refBinary: %s on %T", x.op, a)
	}
	c, ok := compareValues(a, b)
	if !ok {
		// NaN: every comparison is false except !=.
		return x.op == opNe, nil
	}
	switch x.op {
	case opEq:
		return c == 0, nil
	case opNe:
		return c != 0, nil
	case opLt:
		return c < 0, nil
	case opLe:
		return c <= 0, nil
	case opGt:
		return c > 0, nil
	}
	return c >= 0, nil
}

// compareValues orders two non-null values of one type; ok is false when a
// NaN is involved.
func compareValues(a, b any) (int, bool) {
	switch av := a.(type) {
	case int64:
		return cmp3(av, b.(int64)), true
	case int32:
		return cmp3(av, b.(int32)), true
	case float64:
		bv := b.(float64)
		if math.IsNaN(av) || math.IsNaN(bv) {
			return 0, false
		}
		return cmp3(av, bv), true
	case string:
		return strings.Compare(av, b.(string)), true
	case bool:
		bv := b.(bool)
		switch {
		case av == bv:
			return 0, true
		case !av:
			return -1, true
		}
		return 1, true
	}
	panic(fmt.Sprintf("compareValues: %T", a))
}

func cmp3[T int64 | int32 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func refUnary(x *unaryExpr, a any) (any, error) {
	switch x.op {
	case opIsNull:
		return a == nil, nil
	case opIsNotNull:
		return a != nil, nil
	}
	if a == nil {
		return nil, nil
	}
	switch x.op {
	case opNot:
		return !a.(bool), nil
	case opLower:
		return strings.ToLower(a.(string)), nil
	case opUpper:
		return strings.ToUpper(a.(string)), nil
	case opLength:
		return int64(utf8.RuneCountInString(a.(string))), nil
	}
	var tm time.Time
	switch v := a.(type) {
	case int32:
		tm = arrow.Date32(v).ToTime()
	case int64:
		tm = arrow.Timestamp(v).ToTime(x.x.dataType().(*arrow.TimestampType).Unit)
	}
	switch x.op {
	case opYear:
		return int64(tm.Year()), nil
	case opMonth:
		return int64(tm.Month()), nil
	case opDay:
		return int64(tm.Day()), nil
	case opHour:
		return int64(tm.Hour()), nil
	case opMinute:
		return int64(tm.Minute()), nil
	case opSecond:
		return int64(tm.Second()), nil
	case opWeekday:
		return int64(tm.Weekday()), nil
	case opDayOfYear:
		return int64(tm.YearDay()), nil
	}
	return nil, fmt.Errorf("refUnary: %s", x.op)
}

// refCast converts the values the random expressions cast: integers and
// floats among themselves (widening), numbers and bools to strings, dates
// to timestamps.
func refCast(v any, from, to arrow.DataType) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch to.ID() {
	case arrow.INT64:
		if f, ok := v.(float64); ok {
			if math.IsNaN(f) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
				return nil, fmt.Errorf("cast out of range")
			}
			return int64(f), nil
		}
		return v.(int64), nil
	case arrow.FLOAT64:
		switch x := v.(type) {
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		}
	case arrow.STRING:
		switch x := v.(type) {
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		case bool:
			return strconv.FormatBool(x), nil
		case string:
			return x, nil
		}
	case arrow.TIMESTAMP:
		if d, ok := v.(int32); ok {
			return int64(d) * 86400 * 1e6, nil
		}
		return v, nil
	}
	return nil, fmt.Errorf("refCast: %T from %s to %s", v, from, to)
}
