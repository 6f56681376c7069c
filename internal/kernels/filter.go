package kernels

import (
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/decimal256"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// selection is a filter mask resolved to the rows it keeps: bit i of the
// words is set when mask row i is true and not null; bits past n are 0.
type selection struct {
	words []uint64
	n     int // rows in the mask
	count int // rows kept
}

func selectionOf(mask *array.Boolean) selection {
	n := mask.Len()
	m := ArrayOf(mask)
	v, d := validitySrc(m), boolSrc(m)
	s := selection{words: make([]uint64, words(n)), n: n}
	for w := range s.words {
		x := v.word(w) & d.word(w)
		if w == len(s.words)-1 {
			x &= tailMask(n)
		}
		s.words[w] = x
		s.count += bits.OnesCount64(x)
	}
	return s
}

// Filter keeps the rows of rec where mask is true (a null mask row drops the
// row) and returns a new record owned by the caller; rec and mask are
// borrowed. When every row is kept the result is rec itself, retained (no
// copy); when none is, its columns are empty arrays.
//
// Columns of every fixed-width type (numbers, temporal types, decimals,
// intervals), bool, string, large_string, binary, large_binary and the null
// type are filtered directly, and dictionary columns by their indices (the
// dictionary is shared). Any other type is filtered by concatenating slices
// of its kept runs, which is slower but general.
func Filter(mem memory.Allocator, rec arrow.Record, mask *array.Boolean) (arrow.Record, error) {
	const name = "filter"
	if rec == nil || mask == nil {
		return nil, errorf(ErrArgument, name, "nil record or mask")
	}
	if int64(mask.Len()) != rec.NumRows() {
		return nil, errorf(ErrLength, name, "mask length %d differs from record length %d", mask.Len(), rec.NumRows())
	}
	sel := selectionOf(mask)
	if sel.count == sel.n {
		rec.Retain()
		return rec, nil
	}
	cols := make([]arrow.Array, 0, rec.NumCols())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, c := range rec.Columns() {
		f, err := filterArray(mem, c, sel)
		if err != nil {
			return nil, err
		}
		cols = append(cols, f)
	}
	return array.NewRecord(rec.Schema(), cols, int64(sel.count)), nil
}

// FilterArray keeps the rows of a where mask is true, as Filter does for
// each column. a and mask are borrowed; the result is owned by the caller
// (a itself, retained, when every row is kept).
func FilterArray(mem memory.Allocator, a arrow.Array, mask *array.Boolean) (arrow.Array, error) {
	const name = "filter"
	if a == nil || mask == nil {
		return nil, errorf(ErrArgument, name, "nil array or mask")
	}
	if mask.Len() != a.Len() {
		return nil, errorf(ErrLength, name, "mask length %d differs from array length %d", mask.Len(), a.Len())
	}
	sel := selectionOf(mask)
	if sel.count == sel.n {
		a.Retain()
		return a, nil
	}
	return filterArray(mem, a, sel)
}

func filterArray(mem memory.Allocator, a arrow.Array, sel selection) (arrow.Array, error) {
	dt := a.DataType()
	d := a.Data()
	if dt.ID() == arrow.NULL {
		return array.NewNull(sel.count), nil
	}
	validity, nulls := filterValidity(mem, a, sel)
	switch dt.ID() {
	case arrow.BOOL:
		vals := filterBits(mem, boolSrc(ArrayOf(a)), sel)
		return build(dt, sel.count, nulls, validity, vals), nil
	case arrow.STRING, arrow.BINARY:
		return filterStrings[int32](mem, a, sel, validity, nulls)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return filterStrings[int64](mem, a, sel, validity, nulls)
	case arrow.DICTIONARY:
		idx := filterFixed(mem, dt.(*arrow.DictionaryType).IndexType.(arrow.FixedWidthDataType).Bytes(), d, sel)
		out := array.NewDataWithDictionary(dt, sel.count, []*memory.Buffer{validity, idx}, nulls, 0, d.Dictionary().(*array.Data))
		release(validity, idx)
		defer out.Release()
		return array.MakeFromData(out), nil
	}
	if w := fixedWidth(dt); w > 0 {
		vals := filterFixed(mem, w, d, sel)
		return build(dt, sel.count, nulls, validity, vals), nil
	}
	release(validity)
	return filterRuns(mem, a, sel)
}

// filterValidity is the validity bitmap of the kept rows (nil without nulls).
func filterValidity(mem memory.Allocator, a arrow.Array, sel selection) (*memory.Buffer, int) {
	if nullCount(a) == 0 {
		return nil, 0
	}
	buf := filterBits(mem, validitySrc(ArrayOf(a)), sel)
	set := countSet(bitSrc{bm: buf.Bytes()}, sel.count)
	if set == sel.count {
		buf.Release()
		return nil, 0
	}
	return buf, sel.count - set
}

// bitAppender appends bits to a bitmap at offset 0, a word at a time.
type bitAppender struct {
	out  bitWriter
	acc  uint64 // pending bits, the low fill of them valid
	fill uint
	word int
}

func (b *bitAppender) add(v uint64, k uint) { // appends the low k bits of v (k ≤ 64, higher bits 0)
	b.acc |= v << b.fill
	if b.fill+k >= 64 {
		b.out.put(b.word, b.acc)
		b.word++
		spill := b.fill + k - 64
		if b.fill == 0 {
			b.acc = 0
		} else {
			b.acc = v >> (64 - b.fill)
		}
		b.fill = spill
		return
	}
	b.fill += k
}

func (b *bitAppender) flush() {
	if b.fill > 0 {
		b.out.put(b.word, b.acc&(1<<b.fill-1))
	}
}

// filterBits gathers the kept bits of src into a new bitmap.
func filterBits(mem memory.Allocator, src bitSrc, sel selection) *memory.Buffer {
	buf, out := newBitmap(mem, sel.count)
	app := bitAppender{out: out}
	for w, s := range sel.words {
		if s == 0 {
			continue
		}
		v := src.word(w)
		if s == ^uint64(0) {
			app.add(v, 64)
			continue
		}
		for s != 0 {
			t := bits.TrailingZeros64(s)
			app.add(v>>t&1, 1)
			s &= s - 1
		}
	}
	app.flush()
	return buf
}

// filterFixed gathers the kept values of a fixed-width buffer of width w.
func filterFixed(mem memory.Allocator, w int, d arrow.ArrayData, sel selection) *memory.Buffer {
	switch w {
	case 1:
		return gather[uint8](mem, d, sel)
	case 2:
		return gather[uint16](mem, d, sel)
	case 4:
		return gather[uint32](mem, d, sel)
	case 8:
		return gather[uint64](mem, d, sel)
	case 16:
		return gather[decimal128.Num](mem, d, sel)
	case 32:
		return gather[decimal256.Num](mem, d, sel)
	}
	// Other widths (fixed_size_binary): copy w bytes per kept row.
	buf, out := newValues[uint8](mem, sel.count*w)
	in := d.Buffers()[1].Bytes()[d.Offset()*w:]
	j := 0
	for k, s := range sel.words {
		for s != 0 {
			i := k<<6 + bits.TrailingZeros64(s)
			j += copy(out[j:], in[i*w:(i+1)*w])
			s &= s - 1
		}
	}
	return buf
}

func gather[T fixedRaw](mem memory.Allocator, d arrow.ArrayData, sel selection) *memory.Buffer {
	buf, out := newValues[T](mem, sel.count)
	in := arrow.GetValues[T](d, 1)
	j := 0
	for k, s := range sel.words {
		base := k << 6
		switch s {
		case 0:
		case ^uint64(0):
			j += copy(out[j:], in[base:base+64])
		default:
			for s != 0 {
				out[j] = in[base+bits.TrailingZeros64(s)]
				j++
				s &= s - 1
			}
		}
	}
	return buf
}

// filterStrings copies the kept rows of a string or binary array run by run
// (a run is a stretch of consecutive kept rows within a selection word): the
// offsets of a run are rebased in one loop, its bytes copied in one copy.
func filterStrings[O offsetT](mem memory.Allocator, a arrow.Array, sel selection, validity *memory.Buffer, nulls int) (arrow.Array, error) {
	x := viewOf[O](a)
	obuf, offs := newValues[O](mem, sel.count+1)
	offs[0] = 0
	j := 0
	for k, s := range sel.words {
		base := k << 6
		for s != 0 {
			t := bits.TrailingZeros64(s)
			l := bits.TrailingZeros64(^(s >> t))
			lo, hi := base+t, base+t+l
			shift := offs[j] - x.offs[lo]
			for _, o := range x.offs[lo+1 : hi+1] {
				j++
				offs[j] = o + shift
			}
			if t+l >= 64 {
				break
			}
			s &^= 1<<(t+l) - 1
		}
	}
	dbuf, data := newValues[uint8](mem, int(offs[j]))
	d := 0
	for k, s := range sel.words {
		base := k << 6
		for s != 0 {
			t := bits.TrailingZeros64(s)
			l := bits.TrailingZeros64(^(s >> t))
			d += copy(data[d:], x.data[x.offs[base+t]:x.offs[base+t+l]])
			if t+l >= 64 {
				break
			}
			s &^= 1<<(t+l) - 1
		}
	}
	return build(a.DataType(), sel.count, nulls, validity, obuf, dbuf), nil
}

// filterRuns filters any type by concatenating slices of the kept runs.
func filterRuns(mem memory.Allocator, a arrow.Array, sel selection) (arrow.Array, error) {
	var runs []arrow.Array
	defer func() {
		for _, r := range runs {
			r.Release()
		}
	}()
	start := -1
	for i := 0; i <= sel.n; i++ {
		keep := i < sel.n && sel.words[i>>6]>>(i&63)&1 != 0
		switch {
		case keep && start < 0:
			start = i
		case !keep && start >= 0:
			runs = append(runs, array.NewSlice(a, int64(start), int64(i)))
			start = -1
		}
	}
	if len(runs) == 0 {
		return array.NewSlice(a, 0, 0), nil
	}
	out, err := array.Concatenate(runs, mem)
	if err != nil {
		return nil, errorf(ErrType, "filter", "cannot filter %s: %v", a.DataType(), err)
	}
	return out, nil
}
