package npy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// firstChunk is how many bytes of data are allocated up front when the size
// of the input is unknown; the buffer then doubles as data arrives.
const firstChunk = 1 << 20

// Read reads one array from r: the header and exactly the number of data
// bytes it announces. It returns the shape (empty for a scalar) and the
// elements in C order as a []float64, []float32, []int64, []int32 or []bool,
// according to the dtype. Big-endian data is converted and Fortran-order
// data transposed. Arrays of more than MaxDataBytes bytes are refused.
func Read(r io.Reader) (shape []int, data any, err error) {
	return readArray(r, MaxDataBytes, remaining(r))
}

// ReadLimit is Read that also refuses, before allocating them, arrays whose
// data exceeds maxBytes bytes. A negative maxBytes is taken as zero, which
// admits only arrays with no elements.
func ReadLimit(r io.Reader, maxBytes int64) (shape []int, data any, err error) {
	return readArray(r, max(0, min(maxBytes, MaxDataBytes)), remaining(r))
}

// ReadFile reads the array stored in the file at path. Its errors are
// prefixed with the path.
func ReadFile(path string) ([]int, any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err // *PathError names the path
	}
	defer f.Close()
	shape, data, err := readArray(f, MaxDataBytes, remaining(f))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return shape, data, nil
}

// remaining returns how many bytes r holds from its current position when
// that is cheap and certain to know (the standard in-memory readers and
// regular files), or -1.
func remaining(r io.Reader) int64 {
	switch r := r.(type) {
	case *bytes.Reader:
		return int64(r.Len())
	case *bytes.Buffer:
		return int64(r.Len())
	case *strings.Reader:
		return int64(r.Len())
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		pos, err := r.Seek(0, io.SeekCurrent)
		if err != nil || pos > fi.Size() {
			return -1
		}
		return fi.Size() - pos
	}
	return -1
}

// readArray reads an array whose data may take at most limit bytes. avail is
// the number of bytes r holds, or -1 when unknown.
func readArray(r io.Reader, limit, avail int64) ([]int, any, error) {
	h, k, big, err := readHeader(r)
	if err != nil {
		return nil, nil, err
	}
	elems, nbytes, _ := checkShape(h.Shape, k.size) // validated by readHeader
	if nbytes > limit {
		return nil, nil, formatErr("array of %d bytes exceeds the limit of %d bytes", nbytes, limit)
	}
	if avail >= 0 {
		if left := avail - h.DataOffset; nbytes > left {
			return nil, nil, formatErr("data truncated: want %d bytes, got %d", nbytes, max(0, left))
		}
	}
	var data any
	switch k {
	case kindF8:
		data, err = readElems[float64](r, elems, k.size, big, avail >= 0)
	case kindF4:
		data, err = readElems[float32](r, elems, k.size, big, avail >= 0)
	case kindI8:
		data, err = readElems[int64](r, elems, k.size, big, avail >= 0)
	case kindI4:
		data, err = readElems[int32](r, elems, k.size, big, avail >= 0)
	case kindB1:
		data, err = readBools(r, elems, avail >= 0)
	}
	if err != nil {
		return nil, nil, err
	}
	if h.FortranOrder && len(h.Shape) > 1 && elems > 0 {
		switch s := data.(type) {
		case []float64:
			data = fortranToC(s, h.Shape)
		case []float32:
			data = fortranToC(s, h.Shape)
		case []int64:
			data = fortranToC(s, h.Shape)
		case []int32:
			data = fortranToC(s, h.Shape)
		case []bool:
			data = fortranToC(s, h.Shape)
		}
	}
	return h.Shape, data, nil
}

// readElems reads n elements of size bytes, stored big-endian when big, into
// a new slice. When sized, the input is known to hold them all and the slice
// is allocated at once; otherwise it grows as data arrives.
func readElems[T any](r io.Reader, n, size int, big, sized bool) ([]T, error) {
	s, err := fill[T](r, n, size, sized)
	if err != nil {
		return nil, err
	}
	if big != hostBigEndian {
		swapBytes(asBytes(s, size), size)
	}
	return s, nil
}

// fill reads n size-byte elements from r into a new slice.
func fill[T any](r io.Reader, n, size int, sized bool) ([]T, error) {
	want := int64(n) * int64(size)
	if sized || want <= firstChunk {
		s := make([]T, n)
		if err := readData(r, asBytes(s, size), 0, want); err != nil {
			return nil, err
		}
		return s, nil
	}
	s := make([]T, 0, firstChunk/size)
	for len(s) < n {
		if len(s) == cap(s) {
			s = slices.Grow(s, min(n-len(s), len(s)))
		}
		m := min(cap(s), n) - len(s)
		chunk := s[len(s) : len(s)+m]
		if err := readData(r, asBytes(chunk, size), int64(len(s))*int64(size), want); err != nil {
			return nil, err
		}
		s = s[:len(s)+m]
	}
	return s, nil
}

// readData fills b, which starts done bytes into a data section of want
// bytes, reporting a short read as truncation of the whole section.
func readData(r io.Reader, b []byte, done, want int64) error {
	n, err := io.ReadFull(r, b)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return formatErr("data truncated: want %d bytes, got %d", want, done+int64(n))
	default:
		return fmt.Errorf("npy: read data: %w", err)
	}
}

// readBools reads n one-byte booleans, each of which must be 0 or 1.
func readBools(r io.Reader, n int, sized bool) ([]bool, error) {
	// The bytes are checked through a []uint8 before any is seen as a bool.
	b, err := fill[uint8](r, n, 1, sized)
	if err != nil {
		return nil, err
	}
	for i, c := range b {
		if c > 1 {
			return nil, formatErr("invalid bool byte 0x%02x at element %d", c, i)
		}
	}
	if len(b) == 0 {
		return make([]bool, 0), nil
	}
	return unsafeBools(b), nil
}

// fortranToC returns the elements of src, stored in Fortran (column-major)
// order for shape, in C (row-major) order.
func fortranToC[T any](src []T, shape []int) []T {
	nd := len(shape)
	stride := make([]int, nd) // of each axis in src
	step := 1
	for k, d := range shape {
		stride[k] = step
		step *= d
	}
	dst := make([]T, len(src))
	idx := make([]int, nd)
	off := 0
	for i := range dst {
		dst[i] = src[off]
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			off += stride[k]
			if idx[k] < shape[k] {
				break
			}
			off -= stride[k] * shape[k]
			idx[k] = 0
		}
	}
	return dst
}
