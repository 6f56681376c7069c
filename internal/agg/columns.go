package agg

import (
	"fmt"
	"math"
	"slices"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// fixed is the Go type of a fixed-width column: the numeric types, int32
// for date32, int64 for date64 and timestamp, and uint8 (0 or 1) for bool,
// whose bit-packed values are unpacked into a scratch slice.
type fixed interface {
	int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64
}

// bitmap is an Arrow validity bitmap and the array's offset into it; nil
// bits means every row is valid.
type bitmap struct {
	bits []byte
	off  int
}

func (b bitmap) ok(i int) bool {
	i += b.off
	return b.bits[i>>3]>>(i&7)&1 != 0
}

// validity returns a's validity bitmap, nil when a has no nulls.
func validity(a arrow.Array) bitmap {
	if a.NullN() == 0 {
		return bitmap{}
	}
	d := a.Data()
	return bitmap{d.Buffers()[0].Bytes(), d.Offset()}
}

// values returns the values of the fixed-width column a, without copying,
// or for a bool column its values as 0 and 1 in *scratch.
func values[T fixed](a arrow.Array, scratch *[]T) []T {
	n := a.Len()
	if n == 0 {
		return nil
	}
	d := a.Data()
	if a.DataType().ID() == arrow.BOOL {
		s := slices.Grow((*scratch)[:0], n)[:n]
		bits, off := d.Buffers()[1].Bytes(), d.Offset()
		for i := range s {
			j := off + i
			s[i] = T(bits[j>>3] >> (j & 7) & 1)
		}
		*scratch = s
		return s
	}
	return arrow.GetValues[T](d, 1)
}

// floats returns the numeric column a as float64, without copying when it
// is float64 and converted into *scratch otherwise.
func floats(a arrow.Array, scratch *[]float64) []float64 {
	switch a.DataType().ID() {
	case arrow.FLOAT64:
		return values[float64](a, nil)
	case arrow.FLOAT32:
		return convert(values[float32](a, nil), scratch)
	case arrow.INT8:
		return convert(values[int8](a, nil), scratch)
	case arrow.INT16:
		return convert(values[int16](a, nil), scratch)
	case arrow.INT32:
		return convert(values[int32](a, nil), scratch)
	case arrow.INT64:
		return convert(values[int64](a, nil), scratch)
	case arrow.UINT8:
		return convert(values[uint8](a, nil), scratch)
	case arrow.UINT16:
		return convert(values[uint16](a, nil), scratch)
	case arrow.UINT32:
		return convert(values[uint32](a, nil), scratch)
	default:
		return convert(values[uint64](a, nil), scratch)
	}
}

func convert[T fixed](v []T, scratch *[]float64) []float64 {
	s := slices.Grow((*scratch)[:0], len(v))[:len(v)]
	for i, x := range v {
		s[i] = float64(x)
	}
	*scratch = s
	return s
}

// listOffsets returns the offsets of the list column a (len(a)+1 of them,
// indexes into its child) and its child.
func listOffsets(a arrow.Array) ([]int32, arrow.Array) {
	l := a.(*array.List)
	if l.Len() == 0 {
		return nil, l.ListValues()
	}
	return arrow.GetOffsets[int32](l.Data(), 1), l.ListValues()
}

// grown returns s grown to n elements, the new ones set to fill, with
// amortized growth of the capacity.
func grown[T any](s []T, n int, fill T) []T {
	old := len(s)
	if n <= old {
		return s
	}
	s = slices.Grow(s, n-old)[:n]
	for i := old; i < n; i++ {
		s[i] = fill
	}
	return s
}

// buffer returns a new buffer of n bytes from mem (contents undefined).
func buffer(mem memory.Allocator, n int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(n)
	return b
}

// validBuffer returns the validity bitmap of valid (nil: all valid) and the
// number of nulls; the buffer is nil when there are none.
func validBuffer(mem memory.Allocator, valid []bool) (*memory.Buffer, int) {
	nulls := 0
	for _, ok := range valid {
		if !ok {
			nulls++
		}
	}
	if nulls == 0 {
		return nil, 0
	}
	b := buffer(mem, int(bitutil.BytesForBits(int64(len(valid)))))
	bits := b.Bytes()
	clear(bits)
	for i, ok := range valid {
		if ok {
			bitutil.SetBit(bits, i)
		}
	}
	return b, nulls
}

// makeArray builds an array of dt from buffers and children, taking over
// the caller's references to the buffers (but not to the children).
func makeArray(dt arrow.DataType, n int, bufs []*memory.Buffer, children []arrow.ArrayData, nulls int) arrow.Array {
	d := array.NewData(dt, n, bufs, children, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	a := array.MakeFromData(d)
	d.Release()
	return a
}

// buildFixed returns a new array of dt holding vals, null where valid is
// false (valid nil: no nulls). For bool, a value is true when non-zero.
func buildFixed[T fixed](mem memory.Allocator, dt arrow.DataType, vals []T, valid []bool) arrow.Array {
	n := len(vals)
	vb, nulls := validBuffer(mem, valid)
	var db *memory.Buffer
	if dt.ID() == arrow.BOOL {
		db = buffer(mem, int(bitutil.BytesForBits(int64(n))))
		bits := db.Bytes()
		clear(bits)
		for i, v := range vals {
			if v != 0 {
				bitutil.SetBit(bits, i)
			}
		}
	} else {
		var zero T
		db = buffer(mem, n*int(unsafe.Sizeof(zero)))
		copy(arrow.GetData[T](db.Bytes()), vals)
	}
	return makeArray(dt, n, []*memory.Buffer{vb, db}, nil, nulls)
}

// buildStrings returns a new string (O int32) or large_string (O int64)
// array holding vals, null where valid is false.
func buildStrings[O int32 | int64](mem memory.Allocator, dt arrow.DataType, vals []string, valid []bool) (arrow.Array, error) {
	total := 0
	for i, s := range vals {
		if valid == nil || valid[i] {
			total += len(s)
		}
	}
	var zero O
	if unsafe.Sizeof(zero) == 4 && total > math.MaxInt32 {
		return nil, fmt.Errorf("agg: %d bytes of strings overflow a %s array", total, dt)
	}
	vb, nulls := validBuffer(mem, valid)
	ob := buffer(mem, (len(vals)+1)*int(unsafe.Sizeof(zero)))
	db := buffer(mem, total)
	offs, data := arrow.GetData[O](ob.Bytes()), db.Bytes()[:0]
	for i, s := range vals {
		offs[i] = O(len(data))
		if valid == nil || valid[i] {
			data = append(data, s...)
		}
	}
	offs[len(vals)] = O(len(data))
	return makeArray(dt, len(vals), []*memory.Buffer{vb, ob, db}, nil, nulls), nil
}

// buildList returns a new list<elem> array of len(offsets)-1 rows over
// child, which it releases.
func buildList(mem memory.Allocator, elem arrow.DataType, offsets []int32, child arrow.Array) arrow.Array {
	ob := buffer(mem, 4*len(offsets))
	copy(arrow.GetData[int32](ob.Bytes()), offsets)
	a := makeArray(arrow.ListOf(elem), len(offsets)-1, []*memory.Buffer{nil, ob}, []arrow.ArrayData{child.Data()}, 0)
	child.Release()
	return a
}

// groupOffsets returns the list offsets of n groups holding cnt[g] values
// each, or an error when they overflow int32.
func groupOffsets[C int | int64](cnt []C, n int) ([]int32, error) {
	offs := make([]int32, n+1)
	total := int64(0)
	for g := 0; g < n; g++ {
		total += int64(cnt[g])
		if total > math.MaxInt32 {
			return nil, fmt.Errorf("agg: %d state values overflow a list array", total)
		}
		offs[g+1] = int32(total)
	}
	return offs, nil
}

// scatter returns vals reordered by group (a stable counting sort), where
// grp[i] is the group of vals[i] and offs the groups' offsets.
func scatter[T any](vals []T, grp []int32, offs []int32) []T {
	out := make([]T, len(vals))
	next := slices.Clone(offs[:len(offs)-1])
	for i, g := range grp {
		if int(g) < len(next) {
			out[next[g]] = vals[i]
			next[g]++
		}
	}
	return out[:offs[len(offs)-1]]
}
