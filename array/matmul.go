package array

import (
	"context"
	"fmt"
	"runtime"
	"slices"

	"github.com/dusk-go/dusk/graph"
)

// MatMul returns the matrix product x·y of two 2-D arrays, in float64.
// It is computed as a blocked product of chunks: the task for output chunk
// (i, j) multiplies row panel i of x by column panel j of y. By default the
// panels' product runs on dusk's own single-threaded pure-Go kernel
// (internal/gemm) and x's row chunks are split so that every core gets
// several tasks; with the openblas build tag it runs on OpenBLAS through
// gonum's netlib bindings, multi-threaded itself, without the split. The
// inner chunking of y is aligned to x's when they differ.
func (x *Array) MatMul(y *Array) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	if err := y.Err(); err != nil {
		return y
	}
	as, bs := x.n.shape(), y.n.shape()
	if len(as) != 2 || len(bs) != 2 {
		return failedf("%w: matmul needs 2-D arrays, got %v and %v", ErrShape, as, bs)
	}
	if as[1] != bs[0] {
		return failedf("%w: matmul %v × %v: inner dimensions %d and %d differ", ErrShape, as, bs, as[1], bs[0])
	}
	if x.n.dtype() == Bool || y.n.dtype() == Bool {
		return failedf("%w: matmul of %s and %s arrays", ErrType, x.n.dtype(), y.n.dtype())
	}
	a, b := castNode(x.n, Float64), castNode(y.n, Float64)
	inner := commonSizes(a.nominal()[1], b.nominal()[0])
	if ag := a.nominal(); !slices.Equal(ag[1], inner) {
		a = &rechunkNode{in: a, g: grid{ag[0], inner}}
	}
	if bg := b.nominal(); !slices.Equal(bg[0], inner) {
		b = &rechunkNode{in: b, g: grid{inner, bg[1]}}
	}
	// Output row chunks: A's row chunks, split so that there are enough
	// tasks for every core (the product of one task is single-threaded
	// with the pure-Go kernel).
	rows, cols := a.nominal()[0], b.nominal()[1]
	want := 1
	if splitProducts {
		want = max(1, (productTasksPerCore*runtime.GOMAXPROCS(0)+len(rows)*len(cols)-1)/(len(rows)*len(cols)))
	}
	var outRows []int
	var src []rowSource
	for i, r := range rows {
		pieces := regular(r, max(1, (r+want-1)/want))
		off := 0
		for _, p := range pieces {
			outRows = append(outRows, p)
			src = append(src, rowSource{chunk: i, off: off})
			off += p
		}
	}
	g := grid{outRows, slices.Clone(cols)}
	return wrap(&matmulNode{a: a, b: b, shp: []int{as[0], bs[1]}, g: g, rows: src})
}

// Dot is the dot product: MatMul for two 2-D arrays, the sum of the
// products for two 1-D arrays, a matrix-vector product for 2-D·1-D.
func (x *Array) Dot(y *Array) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	if err := y.Err(); err != nil {
		return y
	}
	as, bs := x.n.shape(), y.n.shape()
	switch {
	case len(as) == 1 && len(bs) == 1:
		if as[0] != bs[0] {
			return failedf("%w: dot of vectors of lengths %d and %d", ErrShape, as[0], bs[0])
		}
		return x.Cast(Float64).Mul(y.Cast(Float64)).Sum()
	case len(as) == 2 && len(bs) == 1:
		return x.MatMul(y.ExpandDims(1)).Index(1, 0)
	case len(as) == 2 && len(bs) == 2:
		return x.MatMul(y)
	}
	return failedf("%w: dot of %v and %v (1-D·1-D, 2-D·1-D or 2-D·2-D)", ErrShape, as, bs)
}

func (n *matmulNode) lower(lw *lowering) (*chunks, error) {
	a, err := lw.lower(n.a)
	if err != nil {
		return nil, err
	}
	b, err := lw.lower(n.b)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(a.g[1], b.g[0]) {
		return nil, fmt.Errorf("array: internal error: matmul inner grids %v and %v", a.g[1], b.g[0])
	}
	name := lw.name("matmul")
	op := fmt.Sprintf("array: matmul %v×%v", n.a.shape(), n.b.shape())
	K := len(a.g[1])
	c := &chunks{g: n.g, dt: Float64}
	k := 0
	for oi, rows := range n.g[0] {
		i, r0 := n.rows[oi].chunk, n.rows[oi].off
		for j, cols := range n.g[1] {
			deps := make([]graph.ID, 0, 2*K)
			inner := a.g[1]
			for kk := range K {
				deps = append(deps, a.ids[i*K+kk])
			}
			for kk := range K {
				deps = append(deps, b.ids[kk*len(b.g[1])+j])
			}
			fn := func(ctx context.Context, vals []any) (any, error) {
				out := make([]float64, rows*cols)
				for kk, depth := range inner {
					if err := ctx.Err(); err != nil {
						return nil, err
					}
					if rows == 0 || cols == 0 || depth == 0 {
						continue
					}
					av := vals[kk].([]float64)[r0*depth : (r0+rows)*depth]
					gemm(rows, cols, depth, av, depth, vals[K+kk].([]float64), cols, out, cols)
				}
				return out, nil
			}
			c.ids = append(c.ids, lw.b.Add(graph.K(name, k), fn, graph.Hints{Op: op, Bytes: int64(rows * cols * 8)}, deps...))
			k++
		}
	}
	return c, nil
}
