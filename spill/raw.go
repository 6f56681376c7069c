package spill

import (
	"encoding/binary"
	"fmt"
	"io"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// number lists the element types of the dense slices that spill as raw
// little-endian bytes.
type number interface {
	float64 | float32 | int64 | int32 | int16 | int8 |
		uint64 | uint32 | uint16 | uint8 | bool
}

// rawCodec encodes a dense []T as its elements in little-endian byte order,
// with nothing around them: the slice's length is the encoded size over the
// element size. On little-endian machines encoding writes the slice's own
// memory and decoding reads straight into the new slice: one copy each way.
type rawCodec[T number] struct{}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

func (rawCodec[T]) Name() string {
	var z T
	return fmt.Sprintf("raw-%T", z)
}

func (rawCodec[T]) Accepts(v any) bool {
	_, ok := v.([]T)
	return ok
}

func (c rawCodec[T]) Encode(w io.Writer, v any) error {
	s, ok := v.([]T)
	if !ok {
		return fmt.Errorf("spill: %s codec cannot encode %T", c.Name(), v)
	}
	if len(s) == 0 {
		return nil
	}
	if littleEndian {
		_, err := w.Write(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0]))))
		return err
	}
	return binary.Write(w, binary.LittleEndian, s)
}

func (c rawCodec[T]) Decode(r io.Reader, size int64, _ memory.Allocator) (any, error) {
	var z T
	es := int64(unsafe.Sizeof(z))
	if size%es != 0 {
		return nil, fmt.Errorf("spill: %s codec: %d bytes is not a whole number of %d-byte elements", c.Name(), size, es)
	}
	s := make([]T, size/es)
	if len(s) == 0 {
		return s, nil
	}
	if _, ok := any(z).(bool); ok {
		// A byte other than 0 or 1 is not a valid bool: read bytes and
		// convert.
		b := make([]byte, len(s))
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("spill: %s codec: %w", c.Name(), err)
		}
		bs := any(s).([]bool)
		for i, x := range b {
			bs[i] = x != 0
		}
		return s, nil
	}
	var err error
	if littleEndian {
		_, err = io.ReadFull(r, unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), size))
	} else {
		err = binary.Read(r, binary.LittleEndian, s)
	}
	if err != nil {
		return nil, fmt.Errorf("spill: %s codec: %w", c.Name(), err)
	}
	return s, nil
}
