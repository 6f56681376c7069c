package array

import (
	"fmt"
	"slices"

	arrow "github.com/apache/arrow/go/v15/arrow"
	aarray "github.com/apache/arrow/go/v15/arrow/array"
	"gonum.org/v1/gonum/mat"
)

// The constructors over memory use the caller's memory in place: fused
// kernels read it directly, so nothing is copied. The caller must not
// modify it while an array built on it may still be computed.

func fromMem(op string, shape []int, n int, opts []Option, set func(*memNode)) *Array {
	if err := checkShape(op, shape); err != nil {
		return failed(err)
	}
	if numel(shape) != n {
		return failedf("%w: %s: %d values for shape %v (%d elements)", ErrShape, op, n, shape, numel(shape))
	}
	m := &memNode{shp: slices.Clone(shape), label: op}
	set(m)
	c := newConfig(opts)
	g, err := c.gridFor(op, shape, m.dt)
	if err != nil {
		return failed(err)
	}
	m.g = g
	return wrap(m)
}

// FromSlice returns an array of the given shape over data (C order), used
// in place. With no shape, data is 1-D.
func FromSlice(data []float64, shape []int, opts ...Option) *Array {
	if shape == nil {
		shape = []int{len(data)}
	}
	return fromMem("from slice", shape, len(data), opts, func(m *memNode) { m.dt, m.f = Float64, data })
}

// FromInt64s is FromSlice for int64 data.
func FromInt64s(data []int64, shape []int, opts ...Option) *Array {
	if shape == nil {
		shape = []int{len(data)}
	}
	return fromMem("from int64s", shape, len(data), opts, func(m *memNode) { m.dt, m.i = Int64, data })
}

// FromBools is FromSlice for bool data.
func FromBools(data []bool, shape []int, opts ...Option) *Array {
	if shape == nil {
		shape = []int{len(data)}
	}
	return fromMem("from bools", shape, len(data), opts, func(m *memNode) { m.dt, m.b = Bool, data })
}

// FromDense returns a 2-D array over a gonum matrix: in place when its
// rows are contiguous (stride equal to the number of columns, as for any
// matrix gonum allocated itself), else copied.
func FromDense(m *mat.Dense, opts ...Option) *Array {
	if m == nil || m.IsEmpty() {
		return failedf("%w: from dense: empty matrix", ErrShape)
	}
	raw := m.RawMatrix()
	data := raw.Data
	if raw.Stride != raw.Cols {
		data = make([]float64, raw.Rows*raw.Cols)
		for r := range raw.Rows {
			copy(data[r*raw.Cols:(r+1)*raw.Cols], raw.Data[r*raw.Stride:])
		}
	} else {
		data = data[:raw.Rows*raw.Cols]
	}
	return fromMem("from dense", []int{raw.Rows, raw.Cols}, len(data), opts, func(n *memNode) { n.dt, n.f = Float64, data })
}

// FromArrow returns an array of the given shape (nil: 1-D) over an Arrow
// float64 or int64 array, in place: the array's value buffer is read
// directly, so the caller must keep arr alive (not Released) while the
// array may be computed. A boolean Arrow array is bit-packed and is
// unpacked into a copy. Nulls have no array equivalent: an Arrow array
// with nulls is an error (fill them first).
func FromArrow(arr arrow.Array, shape []int, opts ...Option) *Array {
	if arr == nil {
		return failedf("%w: from arrow: nil array", ErrValue)
	}
	if arr.NullN() > 0 {
		return failedf("%w: from arrow: %s array has %d nulls (fill them first)", ErrValue, arr.DataType(), arr.NullN())
	}
	if shape == nil {
		shape = []int{arr.Len()}
	}
	switch a := arr.(type) {
	case *aarray.Float64:
		return fromMem("from arrow", shape, a.Len(), opts, func(m *memNode) { m.dt, m.f = Float64, a.Float64Values() })
	case *aarray.Int64:
		return fromMem("from arrow", shape, a.Len(), opts, func(m *memNode) { m.dt, m.i = Int64, a.Int64Values() })
	case *aarray.Boolean:
		b := make([]bool, a.Len())
		for k := range b {
			b[k] = a.Value(k)
		}
		return fromMem("from arrow", shape, a.Len(), opts, func(m *memNode) { m.dt, m.b = Bool, b })
	}
	return failed(fmt.Errorf("%w: from arrow: %s arrays are not supported (float64, int64, bool)", ErrType, arr.DataType()))
}
