package kernels

import (
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

func popcount(v uint64) int { return bits.OnesCount64(v) }

// Broadcast materialises a scalar as an n-long array of its type, allocated
// from mem and owned by the caller. A null scalar gives an all-null array.
// Given an array operand of length n, Broadcast returns it retained.
// Types: numbers, bool, string, large_string, binary, large_binary, date32,
// date64, time32, time64, timestamp, duration.
func Broadcast(mem memory.Allocator, s Operand, n int) (arrow.Array, error) {
	const name = "broadcast"
	if err := check(name, n, s); err != nil {
		return nil, err
	}
	if s.Array != nil {
		s.Array.Retain()
		return s.Array, nil
	}
	dt := s.Type
	if s.Scalar == nil {
		if !broadcastable(dt) {
			return nil, errorf(ErrType, name, "unsupported type %s", dt)
		}
		return array.MakeArrayOfNull(mem, dt, n), nil
	}
	switch dt.ID() {
	case arrow.INT8:
		return fill(mem, dt, n, scalarNum[int8](s.Scalar)), nil
	case arrow.INT16:
		return fill(mem, dt, n, scalarNum[int16](s.Scalar)), nil
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		return fill(mem, dt, n, scalarNum[int32](s.Scalar)), nil
	case arrow.INT64, arrow.TIMESTAMP, arrow.DATE64, arrow.TIME64, arrow.DURATION:
		return fill(mem, dt, n, scalarNum[int64](s.Scalar)), nil
	case arrow.UINT8:
		return fill(mem, dt, n, scalarNum[uint8](s.Scalar)), nil
	case arrow.UINT16:
		return fill(mem, dt, n, scalarNum[uint16](s.Scalar)), nil
	case arrow.UINT32:
		return fill(mem, dt, n, scalarNum[uint32](s.Scalar)), nil
	case arrow.UINT64:
		return fill(mem, dt, n, scalarNum[uint64](s.Scalar)), nil
	case arrow.FLOAT32:
		return fill(mem, dt, n, scalarNum[float32](s.Scalar)), nil
	case arrow.FLOAT64:
		return fill(mem, dt, n, scalarNum[float64](s.Scalar)), nil
	case arrow.BOOL:
		v := s.Scalar.(bool)
		buf, _ := bitmapOf(mem, n, func(int) uint64 {
			if v {
				return ^uint64(0)
			}
			return 0
		})
		return build(dt, n, 0, nil, buf), nil
	case arrow.STRING, arrow.BINARY:
		return repeatString[int32](mem, name, dt, n, scalarStr(s.Scalar))
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return repeatString[int64](mem, name, dt, n, scalarStr(s.Scalar))
	}
	return nil, errorf(ErrType, name, "unsupported type %s", dt)
}

func broadcastable(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL,
		arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY,
		arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64, arrow.TIMESTAMP, arrow.DURATION:
		return true
	}
	return false
}

func fill[T number](mem memory.Allocator, dt arrow.DataType, n int, v T) arrow.Array {
	buf, out := newValues[T](mem, n)
	for i := range out {
		out[i] = v
	}
	return build(dt, n, 0, nil, buf)
}

func repeatString[O offsetT](mem memory.Allocator, name string, dt arrow.DataType, n int, s string) (arrow.Array, error) {
	var maxOff int64 = math.MaxInt64
	if _, small := any(O(0)).(int32); small {
		maxOff = math.MaxInt32
	}
	if len(s) > 0 && int64(n) > maxOff/int64(len(s)) {
		return nil, errorf(ErrOverflow, name, "%d copies of a %d-byte string overflow %s offsets", n, len(s), dt)
	}
	obuf, offs := newValues[O](mem, n+1)
	dbuf, data := newValues[uint8](mem, n*len(s))
	for i := 0; i < n; i++ {
		offs[i] = O(i * len(s))
		copy(data[i*len(s):], s)
	}
	offs[n] = O(n * len(s))
	return build(dt, n, 0, nil, obuf, dbuf), nil
}

// scalarAt returns row i of a (of a type Broadcast takes) as a scalar operand.
func scalarAt(a arrow.Array, i int) Operand {
	dt := a.DataType()
	if a.IsNull(i) {
		return NullOf(dt)
	}
	var v any
	switch a := a.(type) {
	case *array.Int8:
		v = a.Value(i)
	case *array.Int16:
		v = a.Value(i)
	case *array.Int32:
		v = a.Value(i)
	case *array.Int64:
		v = a.Value(i)
	case *array.Uint8:
		v = a.Value(i)
	case *array.Uint16:
		v = a.Value(i)
	case *array.Uint32:
		v = a.Value(i)
	case *array.Uint64:
		v = a.Value(i)
	case *array.Float32:
		v = a.Value(i)
	case *array.Float64:
		v = a.Value(i)
	case *array.Boolean:
		v = a.Value(i)
	case *array.String:
		v = a.Value(i)
	case *array.LargeString:
		v = a.Value(i)
	case *array.Binary:
		v = string(a.Value(i))
	case *array.LargeBinary:
		v = string(a.Value(i))
	case *array.Date32:
		v = a.Value(i)
	case *array.Date64:
		v = a.Value(i)
	case *array.Time32:
		v = a.Value(i)
	case *array.Time64:
		v = a.Value(i)
	case *array.Timestamp:
		v = a.Value(i)
	case *array.Duration:
		v = a.Value(i)
	}
	return ScalarOf(v, dt)
}

// foldScalars evaluates a kernel whose operands are all scalars: it runs f on
// one-row arrays and broadcasts the one-row result to n rows.
func foldScalars(mem memory.Allocator, n int, f func([]Operand) (arrow.Array, error), ops ...Operand) (arrow.Array, error) {
	ones := make([]Operand, len(ops))
	for i, o := range ops {
		a, err := Broadcast(mem, o, 1)
		if err != nil {
			for _, p := range ones[:i] {
				p.Array.Release()
			}
			return nil, err
		}
		ones[i] = ArrayOf(a)
	}
	defer func() {
		for _, o := range ones {
			o.Array.Release()
		}
	}()
	r, err := f(ones)
	if err != nil {
		return nil, err
	}
	defer r.Release()
	return Broadcast(mem, scalarAt(r, 0), n)
}
