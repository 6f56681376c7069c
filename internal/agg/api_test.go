package agg

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

func TestCheck(t *testing.T) {
	i32, i64, u8 := arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Uint8
	f32, f64, str := arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String
	b, ts := arrow.FixedWidthTypes.Boolean, &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Europe/Paris"}
	ok := []struct {
		spec Spec
		in   []arrow.DataType
		want arrow.DataType
	}{
		{Spec{Kind: Sum}, []arrow.DataType{i32}, i64},
		{Spec{Kind: Sum}, []arrow.DataType{u8}, arrow.PrimitiveTypes.Uint64},
		{Spec{Kind: Sum}, []arrow.DataType{f32}, f64},
		{Spec{Kind: Mean}, []arrow.DataType{i32}, f64},
		{Spec{Kind: Min}, []arrow.DataType{ts}, ts},
		{Spec{Kind: Max}, []arrow.DataType{str}, str},
		{Spec{Kind: First}, []arrow.DataType{b}, b},
		{Spec{Kind: Last}, []arrow.DataType{f32}, f32},
		{Spec{Kind: Count}, []arrow.DataType{str}, i64},
		{Spec{Kind: CountRows}, nil, i64},
		{Spec{Kind: CountDistinct}, []arrow.DataType{arrow.FixedWidthTypes.Date32}, i64},
		{Spec{Kind: Var, DDof: 1}, []arrow.DataType{u8}, f64},
		{Spec{Kind: Std}, []arrow.DataType{f64}, f64},
		{Spec{Kind: Median}, []arrow.DataType{i64}, f64},
		{Spec{Kind: Quantile, Q: 1}, []arrow.DataType{i64}, f64},
		{Spec{Kind: Corr}, []arrow.DataType{i32, f32}, f64},
		{Spec{Kind: Any}, []arrow.DataType{b}, b},
		{Spec{Kind: All}, []arrow.DataType{b}, b},
	}
	for _, c := range ok {
		got, err := Check(c.spec, c.in)
		if err != nil || !arrow.TypeEqual(got, c.want) {
			t.Errorf("Check(%s, %v): got %v, %v, want %v", specName(c.spec), c.in, got, err, c.want)
		}
	}
	bad := []struct {
		spec Spec
		in   []arrow.DataType
		want string
	}{
		{Spec{Kind: Sum}, []arrow.DataType{str}, "sum of a string column"},
		{Spec{Kind: Sum}, []arrow.DataType{i32, i32}, "sum takes 1 input column, got 2"},
		{Spec{Kind: Quantile, Q: 1.5}, []arrow.DataType{f64}, "quantile q=1.5 outside [0, 1]"},
		{Spec{Kind: Quantile, Q: math.NaN()}, []arrow.DataType{f64}, "outside [0, 1]"},
		{Spec{Kind: Corr}, []arrow.DataType{f64}, "corr takes 2 input columns, got 1"},
		{Spec{Kind: Corr}, []arrow.DataType{f64, str}, "corr of a string column"},
		{Spec{Kind: CountRows}, []arrow.DataType{f64}, "count_rows takes 0 input columns, got 1"},
		{Spec{Kind: Mean}, []arrow.DataType{b}, "mean of a bool column"},
		{Spec{Kind: Any}, []arrow.DataType{i32}, "any of a int32 column"},
		{Spec{Kind: Min}, []arrow.DataType{arrow.BinaryTypes.Binary}, "min of a binary column"},
		{Spec{Kind: Median}, []arrow.DataType{arrow.FixedWidthTypes.Date64}, "median of a date64 column"},
		{Spec{Kind: Var, DDof: -1}, []arrow.DataType{f64}, "ddof -1 < 0"},
		{Spec{Kind: Max}, []arrow.DataType{nil}, "has no type"},
		{Spec{}, []arrow.DataType{f64}, "unknown aggregation"},
		{Spec{Kind: All + 1}, []arrow.DataType{f64}, "unknown aggregation"},
	}
	for _, c := range bad {
		_, err := Check(c.spec, c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%s, %v): got %v, want %v", specName(c.spec), c.in, err, c.want)
		}
		if _, err2 := StateTypes(c.spec, c.in); err2 == nil {
			t.Errorf("StateTypes(%s, %v): got no error, want %v", specName(c.spec), c.in, c.want)
		}
		if _, err3 := New(c.spec, c.in, memory.DefaultAllocator); err3 == nil {
			t.Errorf("New(%s, %v): got no error, want %v", specName(c.spec), c.in, c.want)
		}
	}
}

// TestStateTypes checks that State returns arrays of the types StateTypes
// gives, for every case.
func TestStateTypes(t *testing.T) {
	mem := checkedMem(t)
	for _, c := range allCases() {
		types, err := StateTypes(c.spec, c.inputs)
		noErr(t, err)
		a := newAcc(t, c, mem)
		empty := nil2(c.inputs, mem)
		noErr(t, a.Update(nil, 3, empty, 0))
		release(empty)
		states := state(t, a, mem)
		if len(states) != len(types) {
			t.Fatalf("%s: got %v states, want %v", c.name(), len(states), len(types))
		}
		for i, s := range states {
			if !arrow.TypeEqual(s.DataType(), types[i]) || s.Len() != 3 {
				t.Errorf("%s state %d: got %v × %d, want %v × 3", c.name(), i, s.DataType(), s.Len(), types[i])
			}
		}
		release(states)
		a.Release()
	}
}

// nil2 returns empty columns of these types.
func nil2(types []arrow.DataType, mem memory.Allocator) []arrow.Array {
	out := make([]arrow.Array, len(types))
	for i, dt := range types {
		out[i] = buildCol(mem, dt, nil)
	}
	return out
}

func TestErrors(t *testing.T) {
	mem := checkedMem(t)
	f64 := arrow.PrimitiveTypes.Float64
	c := testCase{spec: Spec{Kind: Mean}, inputs: []arrow.DataType{f64}}
	a := newAcc(t, c, mem)
	col := buildCol(mem, f64, []any{1.0, 2.0})
	defer col.Release()
	i64 := buildCol(mem, arrow.PrimitiveTypes.Int64, []any{int64(1), int64(2)})
	defer i64.Release()
	errs := []struct {
		err  error
		want string
	}{
		{a.Update([]int32{0, 0}, 1, nil, 0), "update got 0 columns, want 1"},
		{a.Update([]int32{0}, 1, []arrow.Array{col}, 0), "has 2 rows, want 1"},
		{a.Update([]int32{0, 0}, 1, []arrow.Array{i64}, 0), "column 0 is int64, want float64"},
		{a.Update([]int32{0, 0}, -1, []arrow.Array{col}, 0), "groups outside"},
		{a.Merge([]int32{0, 0}, 1, []arrow.Array{col}), "merge got 1 columns, want 2"},
		{a.Merge([]int32{0, 0}, 1, []arrow.Array{i64, i64}), "column 0 is int64, want float64"},
	}
	for _, e := range errs {
		if e.err == nil || !strings.Contains(e.err.Error(), e.want) {
			t.Errorf("got %v, want %v", e.err, e.want)
		}
	}
	utc := &arrow.TimestampType{Unit: arrow.Second, TimeZone: "UTC"}
	paris := &arrow.TimestampType{Unit: arrow.Second, TimeZone: "Europe/Paris"}
	ts := newAcc(t, testCase{spec: Spec{Kind: Min}, inputs: []arrow.DataType{utc}}, mem)
	tcol := buildCol(mem, paris, []any{int64(1), int64(2)})
	if err := ts.Update([]int32{0, 0}, 1, []arrow.Array{tcol}, 0); err == nil {
		t.Errorf("Update of a %v column into %v: got %v, want an error", paris, utc, err)
	}
	tcol.Release()
	ts.Release()
	a.Release()
	a.Release()
	if err := a.Update([]int32{0, 0}, 1, []arrow.Array{col}, 0); err == nil {
		t.Errorf("Update after Release: got %v, want an error", err)
	}
	if _, err := a.Final(mem); err == nil {
		t.Errorf("Final after Release: got %v, want an error", err)
	}
}

// TestSemantics checks small cases by hand: SQL nulls, NaN order,
// interpolation, ddof, Corr edge cases.
func TestSemantics(t *testing.T) {
	mem := checkedMem(t)
	f64 := arrow.PrimitiveTypes.Float64
	nan, inf := math.NaN(), math.Inf(1)
	// groups: 0 = {1, 2, 4, null}, 1 = {NaN, 3}, 2 = {null}, 3 = {}, 4 = {inf, 5}
	ids := []int32{0, 0, 0, 0, 1, 1, 2, -1, 4, 4}
	x := []any{1.0, 2.0, 4.0, nil, nan, 3.0, nil, 100.0, inf, 5.0}
	y := []any{2.0, 4.0, 8.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0}
	cases := []struct {
		spec Spec
		want []any
	}{
		{Spec{Kind: Sum}, []any{7.0, nan, nil, nil, inf}},
		{Spec{Kind: Mean}, []any{7.0 / 3, nan, nil, nil, inf}},
		{Spec{Kind: Min}, []any{1.0, 3.0, nil, nil, 5.0}},
		{Spec{Kind: Max}, []any{4.0, nan, nil, nil, inf}},
		{Spec{Kind: Count}, []any{int64(3), int64(2), int64(0), int64(0), int64(2)}},
		{Spec{Kind: CountRows}, []any{int64(4), int64(2), int64(1), int64(0), int64(2)}},
		{Spec{Kind: CountDistinct}, []any{int64(3), int64(2), int64(0), int64(0), int64(2)}},
		{Spec{Kind: First}, []any{1.0, nan, nil, nil, inf}},
		{Spec{Kind: Last}, []any{4.0, 3.0, nil, nil, 5.0}},
		{Spec{Kind: Var, DDof: 1}, []any{7.0 / 3, nan, nil, nil, nan}},
		{Spec{Kind: Var, DDof: 3}, []any{nil, nil, nil, nil, nil}},
		{Spec{Kind: Std}, []any{math.Sqrt(14.0 / 9), nan, nil, nil, nan}},
		{Spec{Kind: Median}, []any{2.0, nan, nil, nil, inf}},
		{Spec{Kind: Quantile, Q: 0.25}, []any{1.5, nan, nil, nil, inf}},
		{Spec{Kind: Quantile}, []any{1.0, 3.0, nil, nil, 5.0}},
		{Spec{Kind: Corr}, []any{1.0, nan, nil, nil, nil}},
	}
	xcol, ycol := buildCol(mem, f64, x), buildCol(mem, f64, y)
	defer xcol.Release()
	defer ycol.Release()
	for _, c := range cases {
		tc := testCase{spec: c.spec, inputs: []arrow.DataType{f64}}
		cols := []arrow.Array{xcol}
		switch c.spec.Kind {
		case CountRows:
			tc.inputs, cols = nil, nil
		case Corr:
			tc.inputs, cols = []arrow.DataType{f64, f64}, []arrow.Array{xcol, ycol}
		}
		a := newAcc(t, tc, mem)
		noErr(t, a.Update(ids, 5, cols, 0))
		got := final(t, a, mem)
		for g, v := range readCells(got) {
			w, _ := c.want[g].(float64)
			if !sameCell(v, want{v: c.want[g], tol: 1e-12 * math.Abs(w)}) {
				t.Errorf("%s group %d: got %v, want %v", specName(c.spec), g, v, c.want[g])
			}
		}
		got.Release()
		a.Release()
	}
}

// TestNoAllocs checks that updating known groups allocates nothing.
func TestNoAllocs(t *testing.T) {
	mem := checkedMem(t)
	f64, str := arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String
	ids := []int32{0, 1, 2, 0, -1, 1, 2, 2}
	fcol := buildCol(mem, f64, []any{1.0, nil, 3.0, 4.0, 5.0, 6.0, math.NaN(), 8.0})
	scol := buildCol(mem, str, []any{"b", "a", nil, "c", "x", "d", "e", "a"})
	defer fcol.Release()
	defer scol.Release()
	for _, c := range []testCase{
		{spec: Spec{Kind: Sum}, inputs: []arrow.DataType{f64}},
		{spec: Spec{Kind: Mean}, inputs: []arrow.DataType{f64}},
		{spec: Spec{Kind: Min}, inputs: []arrow.DataType{f64}},
		{spec: Spec{Kind: Count}, inputs: []arrow.DataType{f64}},
		{spec: Spec{Kind: CountRows}},
		{spec: Spec{Kind: Var}, inputs: []arrow.DataType{f64}},
		{spec: Spec{Kind: Corr}, inputs: []arrow.DataType{f64, f64}},
		{spec: Spec{Kind: First}, inputs: []arrow.DataType{f64}},
		{spec: Spec{Kind: CountDistinct}, inputs: []arrow.DataType{f64}},
		{spec: Spec{Kind: Min}, inputs: []arrow.DataType{str}},
		{spec: Spec{Kind: Max}, inputs: []arrow.DataType{str}},
		{spec: Spec{Kind: First}, inputs: []arrow.DataType{str}},
		{spec: Spec{Kind: Last}, inputs: []arrow.DataType{str}},
		{spec: Spec{Kind: CountDistinct}, inputs: []arrow.DataType{str}},
	} {
		var cols []arrow.Array
		for _, dt := range c.inputs {
			cols = append(cols, map[arrow.Type]arrow.Array{arrow.FLOAT64: fcol, arrow.STRING: scol}[dt.ID()])
		}
		a := newAcc(t, c, mem)
		noErr(t, a.Update(ids, 3, cols, 0))
		if n := testing.AllocsPerRun(20, func() { _ = a.Update(ids, 3, cols, 0) }); n != 0 {
			t.Errorf("%s: got %v allocations per Update, want 0", c.name(), n)
		}
		a.Release()
	}
}

// TestSlicedBool merges sliced bool states and inputs at odd offsets.
func TestSlicedBool(t *testing.T) {
	mem := checkedMem(t)
	b := arrow.FixedWidthTypes.Boolean
	cells := []any{true, nil, false, true, true, false, nil, true, false, false, true}
	col := buildCol(mem, b, cells)
	defer col.Release()
	for _, k := range []Kind{Any, All, Min, Max, First, Last, CountDistinct} {
		c := testCase{spec: Spec{Kind: k}, inputs: []arrow.DataType{b}}
		for lo := 0; lo < 5; lo++ {
			s := array.NewSlice(col, int64(lo), int64(len(cells)))
			ids := make([]int32, s.Len())
			for i := range ids {
				ids[i] = int32(i % 3)
			}
			a := newAcc(t, c, mem)
			noErr(t, a.Update(ids, 3, []arrow.Array{s}, int64(lo)))
			got := final(t, a, mem)
			w := reference(c.spec, [][]any{cells[lo:]}, ids, 3)
			for g, v := range readCells(got) {
				if !sameCell(v, w[g]) {
					t.Errorf("%s from %d, group %d: got %v, want %v", k, lo, g, v, w[g].v)
				}
			}
			got.Release()
			a.Release()
			s.Release()
		}
	}
}
