package kernels

import (
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/decimal256"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Type sets of the physical value types the generic kernels are written over.
type (
	signed interface {
		~int8 | ~int16 | ~int32 | ~int64
	}
	unsigned interface {
		~uint8 | ~uint16 | ~uint32 | ~uint64
	}
	integer  interface{ signed | unsigned }
	float    interface{ ~float32 | ~float64 }
	number   interface{ integer | float }
	ordered  interface{ number | ~string }
	offsetT  interface{ int32 | int64 }
	fixedRaw interface {
		uint8 | uint16 | uint32 | uint64 | decimal128.Num | decimal256.Num
	}
)

// newValues allocates a buffer of n values of T and returns it with a slice
// over it; the contents are undefined until written.
func newValues[T arrow.FixedWidthType](mem memory.Allocator, n int) (*memory.Buffer, []T) {
	var zero T
	size := int(unsafe.Sizeof(zero))
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * size)
	if n == 0 {
		return buf, nil
	}
	return buf, arrow.GetData[T](buf.Bytes())[:n]
}

// values returns the n values of a fixed-width array of physical type T,
// starting at the array's offset.
func values[T arrow.FixedWidthType](a arrow.Array) []T {
	d := a.Data()
	if d.Len() == 0 {
		return nil
	}
	return arrow.GetValues[T](d, 1)
}

// build wraps buffers into an array of type dt and length n, taking over the
// caller's references to the buffers (nil entries are allowed).
func build(dt arrow.DataType, n, nulls int, bufs ...*memory.Buffer) arrow.Array {
	d := array.NewData(dt, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	a := array.MakeFromData(d)
	d.Release()
	return a
}

func release(bufs ...*memory.Buffer) {
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
}

// fixedWidth reports the byte width of the values of a type with a validity
// bitmap and one fixed-width value buffer (numbers, temporal types, decimals,
// intervals, fixed_size_binary), or 0.
func fixedWidth(dt arrow.DataType) int {
	if _, ok := dt.(arrow.FixedWidthDataType); !ok || dt.ID() == arrow.BOOL {
		return 0
	}
	if _, nested := dt.(arrow.NestedType); nested {
		return 0
	}
	l := dt.Layout()
	if len(l.Buffers) != 2 || l.Buffers[1].Kind != arrow.KindFixedWidth || l.Buffers[1].ByteWidth <= 0 {
		return 0
	}
	return l.Buffers[1].ByteWidth
}
