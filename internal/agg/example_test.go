package agg_test

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/agg"
)

// A group-by over two partitions: each is accumulated with its own group
// ids, its partial states are merged into the global groups, and the
// merged accumulator gives the final values.
func Example() {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	in := []arrow.DataType{arrow.PrimitiveTypes.Float64}
	// Global groups: 0 = "a", 1 = "b", 2 = "c" (no non-null value).
	parts := []struct {
		base   int64   // global position of the partition's first row
		ids    []int32 // local group of each row
		vals   []float64
		valid  []bool
		global []int32 // global group of each local group
	}{
		{0, []int32{0, 1, 0, -1}, []float64{1, 10, 2, 99}, nil, []int32{0, 1}},
		{4, []int32{0, 1, 2, 0}, []float64{20, 4, 0, 30}, []bool{true, true, false, true}, []int32{1, 0, 2}},
	}
	for _, kind := range []agg.Kind{agg.Sum, agg.Mean, agg.Median, agg.First, agg.Count, agg.CountRows} {
		spec, cols := agg.Spec{Kind: kind}, in
		if kind == agg.CountRows {
			cols = nil
		}
		total, err := agg.New(spec, cols, mem)
		if err != nil {
			panic(err)
		}
		for _, p := range parts {
			b := array.NewFloat64Builder(mem)
			b.AppendValues(p.vals, p.valid)
			col := b.NewArray()
			b.Release()
			var batch []arrow.Array
			if cols != nil {
				batch = []arrow.Array{col}
			}
			a, _ := agg.New(spec, cols, mem)
			if err := a.Update(p.ids, len(p.global), batch, p.base); err != nil {
				panic(err)
			}
			states, _ := a.State(mem)
			if err := total.Merge(p.global, 3, states); err != nil {
				panic(err)
			}
			for _, s := range states {
				s.Release()
			}
			a.Release()
			col.Release()
		}
		out, _ := total.Final(mem)
		fmt.Println(kind, out)
		out.Release()
		total.Release()
	}
	fmt.Println("bytes held:", mem.CurrentAlloc())
	// Output:
	// sum [7 60 (null)]
	// mean [2.3333333333333335 20 (null)]
	// median [2 20 (null)]
	// first [1 10 (null)]
	// count [3 3 0]
	// count_rows [3 3 1]
	// bytes held: 0
}
