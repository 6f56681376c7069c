package kernels

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/decimal256"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Take returns the rows of a at idx, in idx's order, as a new array of
// len(idx) rows allocated from mem and owned by the caller; a and idx are
// borrowed. idx[i] = -1 makes row i of the result null; any other index
// outside [0, a.Len()) is an error wrapping [ErrArgument] that names the
// index and its position. An index may repeat.
//
// Columns of every fixed-width type (numbers, date32, date64, timestamp,
// time, duration, decimals, fixed_size_binary), bool, string, large_string,
// binary, large_binary and the null type are gathered directly, and
// dictionary columns by their indices (the result shares a's dictionary).
// Any other type is gathered by concatenating slices of runs of consecutive
// indices, which is slower but general.
func Take(mem memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	const name = "take"
	if a == nil {
		return nil, errorf(ErrArgument, name, "nil array")
	}
	neg, err := checkIndices(name, idx, a.Len())
	if err != nil {
		return nil, err
	}
	return takeArray(mem, a, idx, neg)
}

// TakeRecord applies Take to every column of rec and returns a new record of
// len(idx) rows with rec's schema, owned by the caller.
func TakeRecord(mem memory.Allocator, rec arrow.Record, idx []int32) (arrow.Record, error) {
	const name = "take"
	if rec == nil {
		return nil, errorf(ErrArgument, name, "nil record")
	}
	neg, err := checkIndices(name, idx, int(rec.NumRows()))
	if err != nil {
		return nil, err
	}
	cols := make([]arrow.Array, 0, rec.NumCols())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, c := range rec.Columns() {
		t, err := takeArray(mem, c, idx, neg)
		if err != nil {
			return nil, err
		}
		cols = append(cols, t)
	}
	return array.NewRecord(rec.Schema(), cols, int64(len(idx))), nil
}

// checkIndices checks that every index is -1 or in [0, n) and reports
// whether any is -1.
func checkIndices(kernel string, idx []int32, n int) (bool, error) {
	neg := false
	for i, j := range idx {
		if uint64(uint32(j)) < uint64(n) {
			continue
		}
		if j == -1 {
			neg = true
			continue
		}
		return false, errorf(ErrArgument, kernel, "index %d at position %d out of range for %d rows", j, i, n)
	}
	return neg, nil
}

// takeArray gathers rows of a at checked indices; neg: some index is -1.
func takeArray(mem memory.Allocator, a arrow.Array, idx []int32, neg bool) (arrow.Array, error) {
	dt := a.DataType()
	d := a.Data()
	n := len(idx)
	if dt.ID() == arrow.NULL {
		return array.NewNull(n), nil
	}
	switch w := fixedWidth(dt); {
	case dt.ID() == arrow.DICTIONARY, dt.ID() == arrow.BOOL, w > 0,
		dt.ID() == arrow.STRING, dt.ID() == arrow.BINARY, dt.ID() == arrow.LARGE_STRING, dt.ID() == arrow.LARGE_BINARY:
	default:
		return takeRuns(mem, a, idx)
	}
	validity, nulls := takeValidity(mem, a, idx, neg)
	switch dt.ID() {
	case arrow.BOOL:
		src := valueBits(a)
		vals, _ := bitmapOf(mem, n, func(w int) uint64 { return gatherBits(src, idx, w) })
		return build(dt, n, nulls, validity, vals), nil
	case arrow.STRING, arrow.BINARY:
		return takeText[int32](mem, a, idx, validity, nulls)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return takeText[int64](mem, a, idx, validity, nulls)
	case arrow.DICTIONARY:
		vals := takeFixed(mem, dt.(*arrow.DictionaryType).IndexType.(arrow.FixedWidthDataType).Bytes(), d, idx, neg)
		out := array.NewDataWithDictionary(dt, n, []*memory.Buffer{validity, vals}, nulls, 0, d.Dictionary().(*array.Data))
		release(validity, vals)
		defer out.Release()
		return array.MakeFromData(out), nil
	}
	vals := takeFixed(mem, fixedWidth(dt), d, idx, neg)
	return build(dt, n, nulls, validity, vals), nil
}

// bitView reads single bits of a bitmap that starts at bit off.
type bitView struct {
	bm  []byte
	off int
}

func (v bitView) at(i int) bool {
	i += v.off
	return v.bm[i>>3]>>(i&7)&1 != 0
}

// validView is a's validity, with bm nil when a has no nulls.
func validView(a arrow.Array) bitView {
	d := a.Data()
	if nullCount(a) == 0 || d.Buffers()[0] == nil {
		return bitView{}
	}
	return bitView{bm: d.Buffers()[0].Bytes(), off: d.Offset()}
}

// valueBits is the value bitmap of a boolean array.
func valueBits(a arrow.Array) bitView {
	d := a.Data()
	if b := d.Buffers()[1]; b != nil {
		return bitView{bm: b.Bytes(), off: d.Offset()}
	}
	return bitView{}
}

// validFunc reports whether a row of a is valid; nil when all are.
func validFunc(a arrow.Array) func(i int) bool {
	v := validView(a)
	d, ok := a.(*array.Dictionary)
	if !ok {
		if v.bm == nil {
			return nil
		}
		return v.at
	}
	dict := dictionaryOf(d)
	dv := validView(dict)
	dict.Release()
	if dv.bm == nil {
		if v.bm == nil {
			return nil
		}
		return v.at
	}
	ix := indexReader(d)
	return func(i int) bool { return (v.bm == nil || v.at(i)) && dv.at(ix(i)) }
}

// dictionaryOf is the dictionary of a dictionary array as a new array, to be
// released (arrow's Dictionary() caches it in the array, a write that would
// race with other readers of the same borrowed array). Views of its buffers
// stay valid while a lives.
func dictionaryOf(a arrow.Array) arrow.Array { return array.MakeFromData(a.Data().Dictionary()) }

// indexReader reads the dictionary indices of d.
func indexReader(d *array.Dictionary) func(i int) int {
	data := d.Data()
	switch d.DataType().(*arrow.DictionaryType).IndexType.(arrow.FixedWidthDataType).BitWidth() {
	case 8:
		v := arrow.GetValues[uint8](data, 1)
		return func(i int) int { return int(v[i]) }
	case 16:
		v := arrow.GetValues[uint16](data, 1)
		return func(i int) int { return int(v[i]) }
	case 32:
		v := arrow.GetValues[uint32](data, 1)
		return func(i int) int { return int(v[i]) }
	}
	v := arrow.GetValues[uint64](data, 1)
	return func(i int) int { return int(v[i]) }
}

// dictRanks gives each dictionary entry the rank of its value among the
// distinct values (equal values share a rank).
func dictRanks(kernel string, dict arrow.Array) ([]uint64, error) {
	kc, err := newKeyCol(kernel, dict, SortKey{})
	if err != nil {
		return nil, err
	}
	perm := sortIndices([]keyCol{kc}, dict.Len())
	rank := make([]uint64, len(perm))
	r := uint64(0)
	for i, p := range perm {
		if i > 0 && kc.cmp(int(perm[i-1]), int(p)) != 0 {
			r++
		}
		rank[p] = r
	}
	return rank, nil
}

func bit01(b bool) int {
	if b {
		return 1
	}
	return 0
}

// gatherBits is word w of the bits of src at idx (0 at index -1).
func gatherBits(src bitView, idx []int32, w int) uint64 {
	base := w << 6
	var v uint64
	for k, j := range idx[base:min(base+64, len(idx))] {
		if j >= 0 && src.at(int(j)) {
			v |= 1 << k
		}
	}
	return v
}

// takeValidity is the validity of the gathered rows (nil without nulls).
func takeValidity(mem memory.Allocator, a arrow.Array, idx []int32, neg bool) (*memory.Buffer, int) {
	n := len(idx)
	src := validView(a)
	if n == 0 || src.bm == nil && !neg {
		return nil, 0
	}
	var buf *memory.Buffer
	set := 0
	if src.bm == nil {
		buf, set = bitmapOf(mem, n, func(w int) uint64 {
			base := w << 6
			var v uint64
			for k, j := range idx[base:min(base+64, n)] {
				v |= uint64(^uint32(j)>>31) << k
			}
			return v
		})
	} else {
		buf, set = bitmapOf(mem, n, func(w int) uint64 { return gatherBits(src, idx, w) })
	}
	if set == n {
		buf.Release()
		return nil, 0
	}
	return buf, n - set
}

// takeFixed gathers the values of a fixed-width buffer of width w.
func takeFixed(mem memory.Allocator, w int, d arrow.ArrayData, idx []int32, neg bool) *memory.Buffer {
	switch w {
	case 1:
		return gatherAt[uint8](mem, d, idx, neg)
	case 2:
		return gatherAt[uint16](mem, d, idx, neg)
	case 4:
		return gatherAt[uint32](mem, d, idx, neg)
	case 8:
		return gatherAt[uint64](mem, d, idx, neg)
	case 16:
		return gatherAt[decimal128.Num](mem, d, idx, neg)
	case 32:
		return gatherAt[decimal256.Num](mem, d, idx, neg)
	}
	// Other widths (fixed_size_binary): copy w bytes per row.
	buf, out := newValues[uint8](mem, len(idx)*w)
	var in []byte
	if b := d.Buffers()[1]; b != nil {
		in = b.Bytes()[d.Offset()*w:]
	}
	for i, j := range idx {
		if j >= 0 {
			copy(out[i*w:(i+1)*w], in[int(j)*w:])
		} else {
			clear(out[i*w : (i+1)*w])
		}
	}
	return buf
}

func gatherAt[T fixedRaw](mem memory.Allocator, d arrow.ArrayData, idx []int32, neg bool) *memory.Buffer {
	buf, out := newValues[T](mem, len(idx))
	in := arrow.GetValues[T](d, 1)
	out = out[:len(idx)]
	switch {
	case !neg:
		for i, j := range idx {
			out[i] = in[j]
		}
	case len(in) == 0: // every index is -1
		clear(out)
	default:
		// Index -1 reads row 0: the value under a null is unspecified.
		for i, j := range idx {
			out[i] = in[max(j, 0)]
		}
	}
	return buf
}

// takeText gathers a string or binary array: the offsets in one pass, then
// the bytes of each row in one copy.
func takeText[O offsetT](mem memory.Allocator, a arrow.Array, idx []int32, validity *memory.Buffer, nulls int) (arrow.Array, error) {
	x := viewOf[O](a)
	n := len(idx)
	obuf, offs := newValues[O](mem, n+1)
	offs = offs[:n+1]
	offs[0] = 0
	// starts[i] is row i's start in x.data, so that the copy pass reads the
	// source offsets sequentially rather than at random again.
	sbuf, starts := newValues[O](mem, n)
	defer sbuf.Release()
	total := 0
	for i, j := range idx {
		if j >= 0 {
			lo := x.offs[j]
			starts[i] = lo
			total += int(x.offs[j+1] - lo)
		} else {
			starts[i] = 0
		}
		offs[i+1] = O(total)
	}
	if _, small := any(O(0)).(int32); small && total > math.MaxInt32 {
		release(validity, obuf)
		return nil, errorf(ErrOverflow, "take", "result has %d bytes of data, more than %s offsets address", total, a.DataType())
	}
	dbuf, data := newValues[uint8](mem, total)
	for i, lo := range starts[:n] {
		d := data[offs[i]:offs[i+1]]
		copy(d, x.data[lo:int(lo)+len(d)])
	}
	return build(a.DataType(), n, nulls, validity, obuf, dbuf), nil
}

// takeRuns gathers any type by concatenating slices of a, one per run of
// consecutive indices, and null arrays for runs of -1.
func takeRuns(mem memory.Allocator, a arrow.Array, idx []int32) (arrow.Array, error) {
	var parts []arrow.Array
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for i := 0; i < len(idx); {
		j := i + 1
		if idx[i] < 0 {
			for j < len(idx) && idx[j] < 0 {
				j++
			}
			parts = append(parts, array.MakeArrayOfNull(mem, a.DataType(), j-i))
		} else {
			for j < len(idx) && idx[j] == idx[j-1]+1 {
				j++
			}
			parts = append(parts, array.NewSlice(a, int64(idx[i]), int64(idx[i])+int64(j-i)))
		}
		i = j
	}
	if len(parts) == 0 {
		return array.NewSlice(a, 0, 0), nil
	}
	out, err := array.Concatenate(parts, mem)
	if err != nil {
		return nil, errorf(ErrType, "take", "cannot take from %s: %v", a.DataType(), err)
	}
	return out, nil
}

// concatColumn concatenates arrays of one type. Dictionary arrays that share
// one dictionary keep it; others get a new one (arrow's Concatenate is not
// used on dictionaries: in this arrow version it can mix up their values).
func concatColumn(mem memory.Allocator, parts []arrow.Array) (arrow.Array, error) {
	if parts[0].DataType().ID() != arrow.DICTIONARY {
		return concat(mem, parts)
	}
	dict := dictionaryOf(parts[0])
	defer dict.Release()
	idx := make([]arrow.Array, len(parts))
	for i, p := range parts {
		dd := dictionaryOf(p)
		same := dd.Data() == dict.Data() || sameValues(dd, dict)
		dd.Release()
		if !same {
			return unifyDictionaries(mem, parts)
		}
		idx[i] = p.(*array.Dictionary).Indices()
	}
	all, err := concat(mem, idx)
	if err != nil {
		return nil, err
	}
	defer all.Release()
	d := all.Data()
	out := array.NewDataWithDictionary(parts[0].DataType(), d.Len(), d.Buffers(), all.NullN(), 0, dict.Data().(*array.Data))
	defer out.Release()
	return array.MakeFromData(out), nil
}

// sameValues reports whether x and y hold the same values and nulls (floats
// only when they are the same array: -0 and NaN payloads count). Unlike
// array.Equal it writes nothing into the arrays (no cached null count).
func sameValues(x, y arrow.Array) bool {
	id := x.DataType().ID()
	if x.Len() != y.Len() || id == arrow.FLOAT32 || id == arrow.FLOAT64 {
		return false
	}
	c, err := colCompare("merge", x, y, false, false)
	if err != nil {
		return false
	}
	for i := range x.Len() {
		if c(i, i) != 0 {
			return false
		}
	}
	return true
}

// unifyDictionaries concatenates dictionary arrays with different
// dictionaries. The new dictionary holds the distinct non-null values of
// theirs in sorted order (float values are not merged, so -0 and NaN
// payloads survive); a row pointing at a null entry becomes a null row.
func unifyDictionaries(mem memory.Allocator, parts []arrow.Array) (arrow.Array, error) {
	const name = "merge"
	dt := parts[0].DataType().(*arrow.DictionaryType)
	dicts := make([]arrow.Array, len(parts))
	for i, p := range parts {
		dicts[i] = dictionaryOf(p)
		defer dicts[i].Release()
	}
	values, err := concat(mem, dicts)
	if err != nil {
		return nil, err
	}
	defer values.Release()
	kc, err := newKeyCol(name, values, SortKey{})
	if err != nil {
		return nil, err
	}
	isFloat := values.DataType().ID() == arrow.FLOAT32 || values.DataType().ID() == arrow.FLOAT64
	valid := validFunc(values)
	remap := make([]int64, values.Len()) // entry of values -> entry of the new dictionary, -1: null
	var uniq []int32
	for _, p := range sortIndices([]keyCol{kc}, values.Len()) {
		if valid != nil && !valid(int(p)) {
			remap[p] = -1
			continue
		}
		if len(uniq) == 0 || isFloat || kc.cmp(int(uniq[len(uniq)-1]), int(p)) != 0 {
			uniq = append(uniq, p)
		}
		remap[p] = int64(len(uniq) - 1)
	}
	it := dt.IndexType.(arrow.FixedWidthDataType)
	limit := uint64(1)<<it.BitWidth() - 1
	if arrow.IsSignedInteger(it.ID()) {
		limit >>= 1
	}
	if len(uniq) > 0 && uint64(len(uniq)-1) > limit {
		return nil, errorf(ErrOverflow, name, "%d distinct dictionary values do not fit %s indices", len(uniq), it)
	}
	newDict, err := takeArray(mem, values, uniq, false)
	if err != nil {
		return nil, err
	}
	defer newDict.Release()

	n := 0
	for _, p := range parts {
		n += p.Len()
	}
	ibuf, ix := newValues[uint64](mem, n) // the indices as uint64, narrowed below
	defer ibuf.Release()
	rowValid := make([]bool, n)
	r, base := 0, 0
	for i, p := range parts {
		pv, read := validFunc(p), indexReader(p.(*array.Dictionary))
		for j := range p.Len() {
			if pv == nil || pv(j) {
				if e := remap[base+read(j)]; e >= 0 {
					ix[r], rowValid[r] = uint64(e), true
				}
			}
			r++
		}
		base += dicts[i].Len()
	}
	vbuf, set := bitmapOf(mem, n, func(w int) uint64 {
		var v uint64
		for k, ok := range rowValid[w<<6 : min(w<<6+64, n)] {
			v |= uint64(bit01(ok)) << k
		}
		return v
	})
	if set == n {
		vbuf.Release()
		vbuf = nil
	}
	var obuf *memory.Buffer
	switch it.BitWidth() {
	case 8:
		obuf = narrow[uint8](mem, ix)
	case 16:
		obuf = narrow[uint16](mem, ix)
	case 32:
		obuf = narrow[uint32](mem, ix)
	default:
		ibuf.Retain()
		obuf = ibuf
	}
	out := array.NewDataWithDictionary(dt, n, []*memory.Buffer{vbuf, obuf}, n-set, 0, newDict.Data().(*array.Data))
	release(vbuf, obuf)
	defer out.Release()
	return array.MakeFromData(out), nil
}

func narrow[T uint8 | uint16 | uint32](mem memory.Allocator, x []uint64) *memory.Buffer {
	buf, out := newValues[T](mem, len(x))
	for i, v := range x {
		out[i] = T(v)
	}
	return buf
}

func concat(mem memory.Allocator, parts []arrow.Array) (arrow.Array, error) {
	out, err := array.Concatenate(parts, mem)
	if err != nil {
		return nil, errorf(ErrType, "merge", "cannot concatenate %s: %v", parts[0].DataType(), err)
	}
	return out, nil
}
