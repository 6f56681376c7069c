package spill

import (
	"math/bits"
	"reflect"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Sizer is implemented by values that know how many bytes they hold. The
// scheduler accounts such values against the memory limit with the size
// they report (see [SizeOf]); values that are neither Sizers nor of a type
// SizeOf knows are not accounted.
//
// SizeBytes must be cheap (it is called once for every result a task
// returns) and must not be negative.
type Sizer interface {
	SizeBytes() int64
}

// SizeOf returns the bytes v holds, or 0 when it cannot tell; values of
// unknown size are not accounted.
//
// It knows:
//
//   - a [Sizer]: its SizeBytes (a negative answer counts as 0); a value
//     that is a Sizer is sized so even when it is also Arrow data;
//   - Arrow data: [arrow.Record], [arrow.Table], [arrow.Array],
//     [arrow.ArrayData], [*arrow.Chunked] and [*arrow.Column]: the sum of
//     the lengths (Len) of the distinct buffers they reach, through every
//     column, chunk, child and dictionary (the rule for shared buffers is
//     below). Validity bitmaps count, also when there is no null (Arrow's
//     builders always make one); the spare capacity (Cap - Len) and
//     padding an allocator keeps beyond a buffer's length do not;
//   - dense numeric slices ([]float64, []float32, []int64, []int32, []int16,
//     []int8, []uint64, []uint32, []uint16, []uint8, []bool): len × the
//     element's size (the slice's header and spare capacity are not
//     counted).
//
// Anything else counts 0. A nil value, a nil Arrow interface and a
// typed-nil pointer count 0; SizeOf never panics on them.
//
// # Shared Arrow buffers
//
// SizeOf counts the memory a value keeps alive, so:
//
//   - a [*memory.Buffer] reached more than once (two columns built on the
//     same buffer, a table whose chunks share buffers, the same dictionary
//     under several chunks) is counted once: buffers are told apart by
//     pointer;
//   - a slice of an array or record (NewSlice, array.NewSliceData) shares
//     its parent's buffers and counts each of them whole, not the sliced
//     part: the slice keeps the whole buffer alive;
//   - a buffer cut from another with [memory.SliceBuffer] (it has a
//     Parent) counts as its root parent, whole and once, for the same
//     reason.
//
// Two distinct buffers that wrap the same bytes without a Parent link (made
// by [memory.NewBufferBytes] over one slice) cannot be told apart and are
// each counted. The IPC readers of Arrow v15 copy every buffer of a record
// batch into a buffer of its own, so records read from IPC streams or files
// are counted exactly.
//
// SizeOf borrows v: it does not Retain or Release it, and v must stay valid
// during the call. It does not allocate for values it does not size, nor
// for Arrow values that reach at most 64 distinct buffers.
func SizeOf(v any) int64 {
	switch v := v.(type) {
	case nil, int, int64, int32, uint, uint64, uint32, float64, float32, string, bool:
		// The common unsized values, answered before any interface check.
		return 0
	case []float64:
		return int64(len(v)) * 8
	case []float32:
		return int64(len(v)) * 4
	case []int64:
		return int64(len(v)) * 8
	case []int32:
		return int64(len(v)) * 4
	case []int16:
		return int64(len(v)) * 2
	case []int8:
		return int64(len(v))
	case []uint64:
		return int64(len(v)) * 8
	case []uint32:
		return int64(len(v)) * 4
	case []uint16:
		return int64(len(v)) * 2
	case []uint8:
		return int64(len(v))
	case []bool:
		return int64(len(v))
	case Sizer:
		if isNil(v) {
			return 0
		}
		return max(v.SizeBytes(), 0)
	case arrow.Record:
		var s bufSet
		if !isNil(v) {
			s.addRecord(v)
		}
		return s.total
	case arrow.Table:
		var s bufSet
		if !isNil(v) {
			s.addTable(v)
		}
		return s.total
	case arrow.Array:
		var s bufSet
		if !isNil(v) {
			s.addArray(v)
		}
		return s.total
	case arrow.ArrayData:
		var s bufSet
		s.addData(v)
		return s.total
	case *arrow.Chunked:
		var s bufSet
		s.addChunked(v)
		return s.total
	case *arrow.Column:
		var s bufSet
		if v != nil {
			s.addChunked(v.Data())
		}
		return s.total
	}
	return 0
}

// isNil reports whether v, a non-nil interface value, holds a nil pointer
// (or nil map, slice, func or chan), on which calling a method could panic.
// It is called once for the value SizeOf walks, never on the unsized path;
// what Arrow reaches inside that value (columns, chunks, children) cannot
// be typed nil, as Arrow retains each when it builds the whole.
func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// smallBufs is how many distinct buffers bufSet tells apart without
// allocating.
const smallBufs = 64

// bufSet sums the lengths of the distinct root buffers it is given. It
// lives on the caller's stack: the first smallBufs buffers go into a fixed
// open-addressed hash table, at most half full, so there is no allocation
// and a lookup takes a probe or two; more move into a table on the heap
// that doubles as it fills.
//
// The tables hold the buffers' addresses, not pointers: the value being
// sized keeps the buffers alive during the call, and the Go heap does not
// move, so an address is a stable key; and a table of integers costs the
// garbage collector nothing (no write barriers, nothing to scan).
type bufSet struct {
	total int64
	n     int                    // distinct buffers counted
	small [2 * smallBufs]uintptr // the table while n <= smallBufs
	big   []uintptr              // the table after, when not nil
}

// add counts b's root buffer if it was not counted yet.
func (s *bufSet) add(b *memory.Buffer) {
	if b == nil {
		return
	}
	for p := b.Parent(); p != nil; p = p.Parent() {
		b = p
	}
	key := uintptr(unsafe.Pointer(b))
	tab := s.big
	if tab == nil {
		tab = s.small[:]
	}
	i, found := probe(tab, key)
	if found {
		return
	}
	s.n++
	s.total += int64(b.Len())
	if 2*s.n <= len(tab) {
		tab[i] = key
		return
	}
	// Past half full: move to a table twice as large, then insert.
	big := make([]uintptr, 2*len(tab))
	for _, k := range tab {
		if k != 0 {
			j, _ := probe(big, k)
			big[j] = k
		}
	}
	j, _ := probe(big, key)
	big[j] = key
	s.big = big
}

// probe looks key, not 0, up in the open-addressed table tab, whose length
// is a power of two and which has an empty slot (0): it returns key's slot,
// found, or the empty slot where key goes.
func probe(tab []uintptr, key uintptr) (i int, found bool) {
	// Fibonacci hashing: the top bits of the product index the table.
	mask := uint64(len(tab) - 1)
	shift := 64 - bits.TrailingZeros(uint(len(tab)))
	for j := uint64(key) * 0x9E3779B97F4A7C15 >> shift; ; j = (j + 1) & mask {
		switch tab[j] {
		case key:
			return int(j), true
		case 0:
			return int(j), false
		}
	}
}

func (s *bufSet) addData(d arrow.ArrayData) {
	// Dictionary() returns a typed-nil *array.Data when there is none.
	if dd, ok := d.(*array.Data); ok {
		if dd == nil {
			return
		}
	} else if d == nil || isNil(d) {
		return
	}
	for _, b := range d.Buffers() {
		s.add(b)
	}
	for _, c := range d.Children() {
		s.addData(c)
	}
	s.addData(d.Dictionary())
}

func (s *bufSet) addArray(a arrow.Array) {
	if a != nil {
		s.addData(a.Data())
	}
}

func (s *bufSet) addRecord(r arrow.Record) {
	for _, c := range r.Columns() {
		s.addArray(c)
	}
}

func (s *bufSet) addChunked(c *arrow.Chunked) {
	if c == nil {
		return
	}
	for _, a := range c.Chunks() {
		s.addArray(a)
	}
}

func (s *bufSet) addTable(t arrow.Table) {
	for i, n := 0, int(t.NumCols()); i < n; i++ {
		if col := t.Column(i); col != nil {
			s.addChunked(col.Data())
		}
	}
}
