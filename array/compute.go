package array

import (
	"context"
	"fmt"
	"slices"
	"unsafe"

	arrow "github.com/apache/arrow/go/v15/arrow"
	aarray "github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"gonum.org/v1/gonum/mat"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"

	// DUSK_DASHBOARD serves the live dashboard of every computation
	_ "github.com/dusk-go/dusk/scheduler/dashboard"
)

// Result is a computed array: its shape and its elements, dense, in C
// order. It is plain Go memory that the caller owns.
type Result struct {
	shape []int
	dt    DType
	f     []float64
	i     []int64
	b     []bool
}

// Shape returns the result's shape (a copy).
func (r *Result) Shape() []int { return slices.Clone(r.shape) }

// DType returns the element type.
func (r *Result) DType() DType { return r.dt }

// Float64s returns the elements of a Float64 result, without copying (nil
// for another type; Cast before computing to convert).
func (r *Result) Float64s() []float64 { return r.f }

// Int64s returns the elements of an Int64 result, without copying.
func (r *Result) Int64s() []int64 { return r.i }

// Bools returns the elements of a Bool result, without copying.
func (r *Result) Bools() []bool { return r.b }

// Scalar returns the only element of a 0-d (or one-element) result as a
// float64 (1 or 0 for bools).
func (r *Result) Scalar() (float64, error) {
	if numel(r.shape) != 1 {
		return 0, fmt.Errorf("%w: scalar of a result of shape %v", ErrShape, r.shape)
	}
	switch r.dt {
	case Int64:
		return float64(r.i[0]), nil
	case Bool:
		return b2f(r.b[0]), nil
	}
	return r.f[0], nil
}

// Dense returns a 2-D Float64 result as a gonum matrix sharing its memory.
func (r *Result) Dense() (*mat.Dense, error) {
	if len(r.shape) != 2 || r.dt != Float64 {
		return nil, fmt.Errorf("%w: a matrix needs a 2-D float64 result, got %v %s", ErrShape, r.shape, r.dt)
	}
	if r.shape[0] == 0 || r.shape[1] == 0 {
		return nil, fmt.Errorf("%w: gonum matrices cannot be empty (shape %v)", ErrShape, r.shape)
	}
	return mat.NewDense(r.shape[0], r.shape[1], r.f), nil
}

// Arrow returns the elements as a flat Arrow array (C order) that shares
// the result's memory for Float64 and Int64 (bools are bit-packed, so a
// Bool result is copied into memory from mem). The caller releases it; the
// result's memory stays owned by Go's garbage collector, so no allocator
// accounting applies to the shared buffers.
func (r *Result) Arrow(mem memory.Allocator) arrow.Array {
	switch r.dt {
	case Float64:
		buf := memory.NewBufferBytes(bytesOf(r.f))
		data := aarray.NewData(arrow.PrimitiveTypes.Float64, len(r.f), []*memory.Buffer{nil, buf}, nil, 0, 0)
		defer data.Release()
		return aarray.NewFloat64Data(data)
	case Int64:
		buf := memory.NewBufferBytes(bytesOf(r.i))
		data := aarray.NewData(arrow.PrimitiveTypes.Int64, len(r.i), []*memory.Buffer{nil, buf}, nil, 0, 0)
		defer data.Release()
		return aarray.NewInt64Data(data)
	}
	bld := aarray.NewBooleanBuilder(mem)
	defer bld.Release()
	bld.AppendValues(r.b, nil)
	return bld.NewArray()
}

func bytesOf[T float64 | int64](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*8)
}

// plan returns the lowered graph of x and its output chunks.
func (x *Array) plan() (*graph.Graph, *chunks, *lowering, error) {
	if err := x.Err(); err != nil {
		return nil, nil, nil, err
	}
	lw := newLowering()
	c, err := lw.lower(x.n)
	if err != nil {
		return nil, nil, nil, err
	}
	// each distinct chunk task is an output once
	seen := map[graph.ID]bool{}
	for _, id := range c.ids {
		if !seen[id] {
			seen[id] = true
			lw.b.Output(id)
		}
	}
	g, err := lw.b.Build()
	if err != nil {
		return nil, nil, nil, err
	}
	g, err = graph.Optimize(g)
	if err != nil {
		return nil, nil, nil, err
	}
	return g, c, lw, nil
}

// Compute runs the computation on the scheduler that opts configure
// (workers, memory limit, mode: see the scheduler package) and returns the
// dense result.
func (x *Array) Compute(ctx context.Context, opts ...scheduler.Option) (*Result, error) {
	g, c, _, err := x.plan()
	if err != nil {
		return nil, err
	}
	s := scheduler.New(opts...)
	vals, err := s.Execute(ctx, g)
	if err != nil {
		return nil, err
	}
	// outputs come in the order they were marked: the distinct chunk ids
	byID := map[graph.ID]any{}
	k := 0
	for _, id := range c.ids {
		if _, ok := byID[id]; !ok {
			byID[id] = vals[k]
			k++
		}
	}
	shape := x.n.shape()
	res := &Result{shape: slices.Clone(shape), dt: x.n.dtype()}
	if len(c.ids) == 1 {
		res.set(byID[c.ids[0]])
		return res, nil
	}
	total := numel(shape)
	out := newValues(res.dt, total)
	starts := c.g.starts()
	k = 0
	forEachIndex(c.g.counts(), func(idx []int) {
		origin := make([]int, len(idx))
		for a, i := range idx {
			origin[a] = starts[a][i]
		}
		copyOverlap(out, shape, make([]int, len(shape)), byID[c.ids[k]], c.g.chunkShape(idx), origin)
		k++
	})
	res.set(out)
	return res, nil
}

func (r *Result) set(v any) {
	switch v := v.(type) {
	case []float64:
		r.f = v
	case []int64:
		r.i = v
	case []bool:
		r.b = v
	}
}

// Float computes a one-element array (a full reduction) and returns it as
// a float64.
func (x *Array) Float(ctx context.Context, opts ...scheduler.Option) (float64, error) {
	r, err := x.Compute(ctx, opts...)
	if err != nil {
		return 0, err
	}
	return r.Scalar()
}
