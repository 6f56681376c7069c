package npy

import (
	"fmt"
	"math"
	"math/bits"
	"unsafe"
)

// DType is a NumPy array-protocol type string (a "descr"), such as "<f8".
type DType string

// The element types the package reads and writes. Write always uses these
// little-endian descrs; Read also accepts their big-endian (">f8") and native
// ("=f8") spellings, and "<b1", ">b1" or "=b1" for Bool.
const (
	Float64 DType = "<f8" // []float64
	Float32 DType = "<f4" // []float32
	Int64   DType = "<i8" // []int64
	Int32   DType = "<i4" // []int32
	Bool    DType = "|b1" // []bool, one byte per element holding 0 or 1
)

const (
	// MaxDataBytes is the largest data section Read accepts (1 TiB).
	// ReadLimit may lower it, never raise it.
	MaxDataBytes int64 = 1 << 40

	// MaxHeaderLen is the largest header, in bytes after the length field,
	// that Read accepts and Write produces.
	MaxHeaderLen = 1 << 20
)

// Header describes a .npy file as recorded before its data.
type Header struct {
	// DType is the element type, normalized to one of the package's
	// constants: a file recorded as ">f8" or "=f8" reports Float64. Read
	// converts the byte order.
	DType DType
	// Shape is the array's shape; empty for a scalar.
	Shape []int
	// FortranOrder reports that the data is stored in column-major order.
	// Read transposes such data to C order.
	FortranOrder bool
	// DataOffset is the number of bytes before the data: magic, version,
	// header length field and header.
	DataOffset int64
}

// FormatError reports input that is not a .npy file this package can read,
// or arguments Write cannot encode.
type FormatError struct {
	Reason string
}

func (e *FormatError) Error() string { return "npy: " + e.Reason }

func formatErr(format string, args ...any) error {
	return &FormatError{Reason: fmt.Sprintf(format, args...)}
}

// kind is a supported element type, independent of byte order.
type kind struct {
	dtype DType
	size  int // bytes per element
}

var (
	kindF8 = &kind{Float64, 8}
	kindF4 = &kind{Float32, 4}
	kindI8 = &kind{Int64, 8}
	kindI4 = &kind{Int32, 4}
	kindB1 = &kind{Bool, 1}
)

// lookupDescr maps a descr to its kind and whether its elements are stored
// big-endian. It returns a nil kind for descrs the package does not support.
func lookupDescr(descr string) (k *kind, bigEndian bool) {
	if len(descr) != 3 {
		return nil, false
	}
	order, code := descr[0], descr[1:]
	switch code {
	case "f8":
		k = kindF8
	case "f4":
		k = kindF4
	case "i8":
		k = kindI8
	case "i4":
		k = kindI4
	case "b1":
		k = kindB1
	default:
		return nil, false
	}
	switch order {
	case '<', '=':
		return k, false
	case '>':
		return k, true
	case '|':
		if k.size == 1 {
			return k, false
		}
	}
	return nil, false
}

// kindOf returns the kind of a slice Write accepts, its length and its
// memory as bytes in the machine's byte order.
func kindOf(data any) (*kind, int, []byte, error) {
	switch s := data.(type) {
	case []float64:
		return kindF8, len(s), asBytes(s, 8), nil
	case []float32:
		return kindF4, len(s), asBytes(s, 4), nil
	case []int64:
		return kindI8, len(s), asBytes(s, 8), nil
	case []int32:
		return kindI4, len(s), asBytes(s, 4), nil
	case []bool:
		return kindB1, len(s), asBytes(s, 1), nil
	}
	return nil, 0, nil, formatErr("unsupported data type %T (want []float64, []float32, []int64, []int32 or []bool)", data)
}

// asBytes views the memory of s, whose elements are size bytes, as bytes.
func asBytes[T any](s []T, size int) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*size)
}

// unsafeBools views b, whose bytes must all be 0 or 1, as bools.
func unsafeBools(b []byte) []bool {
	return unsafe.Slice((*bool)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

// hostBigEndian reports whether the machine stores integers big-endian.
var hostBigEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 0
}()

// swapBytes reverses the byte order of each size-byte element of b in place.
func swapBytes(b []byte, size int) {
	switch size {
	case 8:
		for i := 0; i+8 <= len(b); i += 8 {
			b[i], b[i+1], b[i+2], b[i+3], b[i+4], b[i+5], b[i+6], b[i+7] =
				b[i+7], b[i+6], b[i+5], b[i+4], b[i+3], b[i+2], b[i+1], b[i]
		}
	case 4:
		for i := 0; i+4 <= len(b); i += 4 {
			b[i], b[i+1], b[i+2], b[i+3] = b[i+3], b[i+2], b[i+1], b[i]
		}
	}
}

// checkShape validates shape and returns the number of elements and data
// bytes of an array of that shape with size-byte elements. Dimensions must be
// non-negative, and the product of the non-zero dimensions times size must
// fit in an int, even when a zero dimension makes the array empty.
func checkShape(shape []int, size int) (elems int, nbytes int64, err error) {
	prod, zero := uint64(size), false
	for _, d := range shape {
		if d < 0 {
			return 0, 0, formatErr("invalid shape %v: negative dimension %d", shape, d)
		}
		if d == 0 {
			zero = true
			continue
		}
		hi, lo := bits.Mul64(prod, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, 0, formatErr("invalid shape %v: size overflows", shape)
		}
		prod = lo
	}
	if zero {
		return 0, 0, nil
	}
	return int(prod) / size, int64(prod), nil
}
