package array_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dusk-go/dusk/array"
)

func Example() {
	ctx := context.Background()
	x := array.Ones([]int{10, 1000}, array.Chunks(1, 250))
	y := x.Exp().Mul(x.Sinh()).Sum() // lazy: one fused kernel per chunk
	v, err := y.Float(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.6f\n", v)
	// Output: 31945.280495
}

func ExampleFromSlice() {
	ctx := context.Background()
	x := array.FromSlice([]float64{1, 2, 3, 4, 5, 6}, []int{2, 3})
	cols, _ := x.Sum(array.Axis(0)).Compute(ctx)
	rows, _ := x.Mean(array.Axis(1)).Compute(ctx)
	fmt.Println(cols.Float64s(), rows.Float64s())
	// Output: [5 7 9] [2 5]
}

func ExampleArray_Slice() {
	ctx := context.Background()
	x := array.Arange(0, 12, 1).Reshape(3, 4)
	r, _ := x.Slice(array.From(1), array.All().Step(-2)).Compute(ctx) // x[1:, ::-2]
	fmt.Println(r.Shape(), r.Float64s())
	// Output: [2 2] [7 5 11 9]
}

func ExampleArray_Transpose() {
	ctx := context.Background()
	x := array.Arange(0, 6, 1).Reshape(2, 3)
	r, _ := x.Add(x.T().T()).T().Compute(ctx)
	fmt.Println(r.Shape(), r.Float64s())
	// Output: [3 2] [0 6 2 8 4 10]
}

func ExampleArray_Add() {
	ctx := context.Background()
	x := array.FromSlice([]float64{1, 2, 3}, nil)
	col := array.FromSlice([]float64{10, 20}, []int{2, 1})
	r, _ := x.Add(col).Mul(2).Compute(ctx) // broadcast to 2×3
	fmt.Println(r.Shape(), r.Float64s())
	// Output: [2 3] [22 24 26 42 44 46]
}

func ExampleWhere() {
	ctx := context.Background()
	x := array.FromSlice([]float64{-2, -1, 0, 1, 2}, nil)
	r, _ := array.Where(x.Lt(0), 0, x).Compute(ctx)
	c, _ := x.Clip(-1, 1).Compute(ctx)
	fmt.Println(r.Float64s(), c.Float64s())
	// Output: [0 0 0 1 2] [-1 -1 0 1 1]
}

func ExampleArray_Var() {
	ctx := context.Background()
	x := array.FromSlice([]float64{2, 4, 4, 4, 5, 5, 7, 9}, nil)
	pop, _ := x.Var().Float(ctx)
	sample, _ := x.Std(array.DDof(1)).Float(ctx)
	fmt.Printf("%.4f %.4f\n", pop, sample)
	// Output: 4.0000 2.1381
}

func ExampleArray_ArgMax() {
	ctx := context.Background()
	x := array.FromSlice([]float64{3, 9, 2, 7, 9, 1}, []int{2, 3})
	flat, _ := x.ArgMax().Compute(ctx)
	perRow, _ := x.ArgMax(array.Axis(1)).Compute(ctx)
	fmt.Println(flat.Int64s(), perRow.Int64s())
	// Output: [1] [1 1]
}

func ExampleArray_NanMean() {
	ctx := context.Background()
	x := array.FromSlice([]float64{1, 2, 0, 4}, nil)
	x = array.Where(x.Eq(0), x.Div(0), x) // 0/0 is NaN
	m, _ := x.NanMean().Float(ctx)
	fmt.Println(m)
	// Output: 2.3333333333333335
}

func ExampleArray_MatMul() {
	ctx := context.Background()
	a := array.FromSlice([]float64{1, 2, 3, 4}, []int{2, 2})
	b := array.Arange(0, 6, 1).Reshape(2, 3)
	r, _ := a.MatMul(b).Compute(ctx)
	m, _ := r.Dense()
	fmt.Println(m.At(1, 2), r.Float64s())
	// Output: 26 [6 9 12 12 19 26]
}

func ExampleConcatenate() {
	ctx := context.Background()
	a := array.Ones([]int{2})
	b := array.Zeros([]int{3})
	c, _ := array.Concatenate(0, a, b).Compute(ctx)
	s, _ := array.Stack(0, a, a.Mul(2)).Compute(ctx)
	fmt.Println(c.Float64s(), s.Shape(), s.Float64s())
	// Output: [1 1 0 0 0] [2 2] [1 1 2 2]
}

func ExampleArray_Take() {
	ctx := context.Background()
	x := array.Arange(0, 10, 1).Mul(10)
	t, _ := x.Take(0, []int{3, -1, 0}).Compute(ctx)
	m, _ := x.Mask(0, []bool{true, false, true, false, false, false, false, false, false, true}).Compute(ctx)
	fmt.Println(t.Float64s(), m.Float64s())
	// Output: [30 90 0] [0 20 90]
}

func ExampleArray_MapBlocks() {
	ctx := context.Background()
	x := array.Arange(0, 6, 1, array.Chunks(3))
	// each chunk becomes its own running total
	y := x.MapBlocks(func(_ context.Context, b array.Block) (array.Block, error) {
		out := make([]float64, len(b.Float64s))
		s := 0.0
		for i, v := range b.Float64s {
			s += v
			out[i] = s
		}
		return array.Block{Float64s: out}, nil
	}, array.Name("cumsum"))
	r, _ := y.Compute(ctx)
	fmt.Println(r.Float64s())
	// Output: [0 1 3 3 7 12]
}

func ExampleArray_Store() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "x")
	if err := array.Arange(0, 8, 1, array.Chunks(3)).Store(ctx, path); err != nil {
		panic(err)
	}
	x := array.Load(path)
	s, _ := x.Sum().Float(ctx)
	fmt.Println(x.Chunks(), s)
	// Output: [[3 3 2]] 28
}

func ExampleUniform() {
	ctx := context.Background()
	a, _ := array.Uniform(7, []int{6}, array.Chunks(2)).Compute(ctx)
	b, _ := array.Uniform(7, []int{6}).Compute(ctx)
	fmt.Println(a.Float64s()[4] == b.Float64s()[4]) // independent of chunking
	// Output: true
}

func ExampleArray_Reshape() {
	ctx := context.Background()
	x := array.Arange(0, 6, 1, array.Chunks(3)).Reshape(2, -1)
	r, _ := x.Sum(array.Axis(1)).Compute(ctx)
	fmt.Println(x.Shape(), x.Chunks(), r.Float64s())
	// Output: [2 3] [[1 1] [3]] [3 12]
}

func ExampleArray_Err() {
	x := array.Ones([]int{3, 4})
	y := x.Add(array.Ones([]int{5})).Sum() // the mistake is kept
	fmt.Println(y.Err())
	// Output: array: shape mismatch: add: shapes [3 4] and [5] cannot broadcast (axis 1: 4 vs 5)
}

func ExampleArray_Graph() {
	x := array.Ones([]int{4, 100}, array.Chunks(1, 100))
	g, err := x.Exp().Sum().Graph()
	if err != nil {
		panic(err)
	}
	fmt.Println(len(g.Outputs()), strings.HasPrefix(g.DOT(), "digraph"))
	// Output: 1 true
}
