package kernels_test

import (
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/kernels"
)

func int64s(mem memory.Allocator, vals []int64, valid []bool) arrow.Array {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, valid)
	return b.NewArray()
}

func strs(mem memory.Allocator, vals ...string) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	return b.NewArray()
}

func ExampleArith() {
	mem := memory.NewGoAllocator()
	x := int64s(mem, []int64{7, 8, 9, 10}, []bool{true, true, false, true})
	defer x.Release()
	// x % 3, then x / 0: integer division by zero is null.
	r, _ := kernels.Arith(mem, kernels.Mod, kernels.ArrayOf(x), kernels.ScalarOf(int64(3), arrow.PrimitiveTypes.Int64), x.Len())
	defer r.Release()
	z, _ := kernels.Arith(mem, kernels.Div, kernels.ArrayOf(x), kernels.ScalarOf(int64(0), arrow.PrimitiveTypes.Int64), x.Len())
	defer z.Release()
	fmt.Println(r)
	fmt.Println(z)
	// Output:
	// [1 2 (null) 1]
	// [(null) (null) (null) (null)]
}

func ExampleCompare() {
	mem := memory.NewGoAllocator()
	x := int64s(mem, []int64{1, 5, 9}, []bool{true, false, true})
	defer x.Release()
	r, _ := kernels.Compare(mem, kernels.Ge, kernels.ArrayOf(x), kernels.ScalarOf(int64(5), arrow.PrimitiveTypes.Int64), x.Len())
	defer r.Release()
	fmt.Println(r)
	// Output: [false (null) true]
}

func ExampleAnd() {
	mem := memory.NewGoAllocator()
	b := array.NewBooleanBuilder(mem)
	b.AppendValues([]bool{true, false, false}, []bool{true, true, false})
	x := b.NewArray()
	b.Release()
	defer x.Release()
	// SQL logic: false AND null is false, true AND null is null.
	r, _ := kernels.And(mem, kernels.ArrayOf(x), kernels.NullOf(arrow.FixedWidthTypes.Boolean), x.Len())
	defer r.Release()
	fmt.Println(r)
	// Output: [(null) false (null)]
}

func ExampleFillNull() {
	mem := memory.NewGoAllocator()
	x := int64s(mem, []int64{1, 0, 3}, []bool{true, false, true})
	defer x.Release()
	isNull, _ := kernels.IsNull(mem, kernels.ArrayOf(x), x.Len())
	defer isNull.Release()
	r, _ := kernels.FillNull(mem, kernels.ArrayOf(x), kernels.ScalarOf(int64(-1), arrow.PrimitiveTypes.Int64), x.Len())
	defer r.Release()
	fmt.Println(isNull, r)
	// Output: [false true false] [1 -1 3]
}

func ExampleCast() {
	mem := memory.NewGoAllocator()
	s := strs(mem, "12", " 7 ", "x")
	defer s.Release()
	_, err := kernels.Cast(mem, s, arrow.PrimitiveTypes.Int64)
	var ce *kernels.CastError
	if errors.As(err, &ce) {
		fmt.Println(ce.Row, ce.Value)
	}
	fmt.Println(err)

	ts := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "+05:30"})
	ts.Append(1_700_000_000_123)
	t := ts.NewArray()
	ts.Release()
	defer t.Release()
	text, _ := kernels.Cast(mem, t, arrow.BinaryTypes.String)
	defer text.Release()
	fmt.Println(text)
	// Output:
	// 2 x
	// kernels: cast utf8 to int64: row 2: value "x" does not parse
	// ["2023-11-15T03:43:20.123+05:30"]
}

func ExampleSubstring() {
	mem := memory.NewGoAllocator()
	s := strs(mem, "Grüße", "hello", "")
	defer s.Release()
	sub, _ := kernels.Substring(mem, kernels.ArrayOf(s), 2, 3, s.Len())
	defer sub.Release()
	up, _ := kernels.Upper(mem, kernels.ArrayOf(sub), s.Len())
	defer up.Release()
	n, _ := kernels.Length(mem, kernels.ArrayOf(s), s.Len())
	defer n.Release()
	has, _ := kernels.Contains(mem, kernels.ArrayOf(s), "ll", s.Len())
	defer has.Release()
	fmt.Println(sub, up, n, has) // per code point: ß has no one-rune upper case
	// Output: ["rüß" "ell" ""] ["RÜß" "ELL" ""] [5 5 0] [false true false]
}

func ExampleExtract() {
	mem := memory.NewGoAllocator()
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Second, TimeZone: "America/New_York"})
	b.Append(1_700_000_000) // 2023-11-14T22:13:20Z
	ts := b.NewArray()
	b.Release()
	defer ts.Release()
	for _, p := range []kernels.TimePart{kernels.Year, kernels.Month, kernels.Day, kernels.Hour, kernels.Weekday, kernels.ISOWeekday} {
		r, _ := kernels.Extract(mem, p, kernels.ArrayOf(ts), ts.Len())
		fmt.Print(p, "=", r.Value(0), " ")
		r.Release()
	}
	fmt.Println()
	// Output: year=2023 month=11 day=14 hour=17 weekday=2 iso_weekday=2
}

func ExampleFilter() {
	mem := memory.NewGoAllocator()
	x := int64s(mem, []int64{1, 2, 3, 4}, nil)
	defer x.Release()
	s := strs(mem, "a", "b", "c", "d")
	defer s.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: x.DataType()}, {Name: "s", Type: s.DataType()}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{x, s}, 4)
	defer rec.Release()
	mask, _ := kernels.Compare(mem, kernels.Ne, kernels.ArrayOf(x), kernels.ScalarOf(int64(2), arrow.PrimitiveTypes.Int64), 4)
	defer mask.Release()
	out, _ := kernels.Filter(mem, rec, mask)
	defer out.Release()
	fmt.Println(out.Column(0), out.Column(1))
	// Output: [1 3 4] ["a" "c" "d"]
}

func ExampleBroadcast() {
	mem := memory.NewGoAllocator()
	a, _ := kernels.Broadcast(mem, kernels.ScalarOf("ab", arrow.BinaryTypes.String), 3)
	defer a.Release()
	c, _ := kernels.Concat(mem, kernels.ArrayOf(a), kernels.ScalarOf("!", arrow.BinaryTypes.String), 3)
	defer c.Release()
	fmt.Println(a, c)
	// Output: ["ab" "ab" "ab"] ["ab!" "ab!" "ab!"]
}

func ExampleOr() {
	mem := memory.NewGoAllocator()
	bt := arrow.FixedWidthTypes.Boolean
	b := array.NewBooleanBuilder(mem)
	b.AppendValues([]bool{true, false, false}, []bool{true, true, false})
	x := b.NewArray()
	b.Release()
	defer x.Release()
	// SQL logic: true OR null is true, false OR null is null.
	r, _ := kernels.Or(mem, kernels.ArrayOf(x), kernels.NullOf(bt), x.Len())
	defer r.Release()
	not, _ := kernels.Not(mem, kernels.ArrayOf(x), x.Len())
	defer not.Release()
	fmt.Println(r, not)
	// Output: [true (null) (null)] [false true (null)]
}

func ExampleIsNotNull() {
	mem := memory.NewGoAllocator()
	x := int64s(mem, []int64{1, 0}, []bool{true, false})
	defer x.Release()
	r, _ := kernels.IsNotNull(mem, kernels.ArrayOf(x), x.Len())
	defer r.Release()
	fmt.Println(r, r.NullN())
	// Output: [true false] 0
}

func ExampleStartsWith() {
	mem := memory.NewGoAllocator()
	s := strs(mem, "data.csv", "DATA.CSV", "notes.txt")
	defer s.Release()
	lower, _ := kernels.Lower(mem, kernels.ArrayOf(s), s.Len())
	defer lower.Release()
	pre, _ := kernels.StartsWith(mem, kernels.ArrayOf(lower), "data", s.Len())
	defer pre.Release()
	suf, _ := kernels.EndsWith(mem, kernels.ArrayOf(lower), ".csv", s.Len())
	defer suf.Release()
	fmt.Println(lower, pre, suf)
	// Output: ["data.csv" "data.csv" "notes.txt"] [true true false] [true true false]
}

func ExampleWiden() {
	mem := memory.NewGoAllocator()
	b := array.NewInt32Builder(mem)
	b.AppendValues([]int32{1, -2}, nil)
	x := b.NewArray()
	b.Release()
	defer x.Release()
	fmt.Println(kernels.CanWiden(arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float64),
		kernels.CanWiden(arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int32))
	w, _ := kernels.Widen(mem, x, arrow.PrimitiveTypes.Float64)
	defer w.Release()
	fmt.Println(w.DataType(), w)
	// Output:
	// true false
	// float64 [1 -2]
}

func ExampleFilterArray() {
	mem := memory.NewGoAllocator()
	s := strs(mem, "a", "b", "c")
	defer s.Release()
	mb := array.NewBooleanBuilder(mem)
	mb.AppendValues([]bool{true, true, false}, []bool{true, false, true}) // a null keeps nothing
	mask := mb.NewBooleanArray()
	mb.Release()
	defer mask.Release()
	r, _ := kernels.FilterArray(mem, s, mask)
	defer r.Release()
	fmt.Println(r)
	// Output: ["a"]
}
