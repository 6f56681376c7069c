package kernels

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/decimal256"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// RowComparer compares the rows of two records on sort keys, for range
// partitioning against boundary rows and for merging sorted runs. The
// records are borrowed for the comparer's lifetime. It is safe for
// concurrent use.
type RowComparer struct {
	cmps []func(i, j int) int
}

// NewRowComparer compares rows of a with rows of b on keys, whose Col index
// into both records. The key columns' types must be identical in a and b
// (an error wrapping [ErrType] otherwise).
func NewRowComparer(a, b arrow.Record, keys []SortKey) (*RowComparer, error) {
	bcols := make([]int, len(keys))
	for k, key := range keys {
		bcols[k] = key.Col
	}
	return newRowComparer("row comparer", a, b, keys, bcols)
}

// newRowComparer compares column keys[k].Col of a with column bcols[k] of b.
func newRowComparer(kernel string, a, b arrow.Record, keys []SortKey, bcols []int) (*RowComparer, error) {
	if a == nil || b == nil {
		return nil, errorf(ErrArgument, kernel, "nil record")
	}
	rc := &RowComparer{cmps: make([]func(i, j int) int, len(keys))}
	for k, key := range keys {
		if key.Col < 0 || key.Col >= int(a.NumCols()) || bcols[k] < 0 || bcols[k] >= int(b.NumCols()) {
			return nil, errorf(ErrArgument, kernel, "key %d: column %d, %d out of range for %d, %d columns", k, key.Col, bcols[k], a.NumCols(), b.NumCols())
		}
		c, err := colCompare(kernel, a.Column(key.Col), b.Column(bcols[k]), key.Desc, key.NullsFirst)
		if err != nil {
			return nil, err
		}
		rc.cmps[k] = c
	}
	return rc, nil
}

// Compare orders row i of a against row j of b: -1 when i sorts before j,
// +1 after, 0 when they are equal on every key.
func (c *RowComparer) Compare(i, j int) int {
	for _, f := range c.cmps {
		if r := f(i, j); r != 0 {
			return r
		}
	}
	return 0
}

// RangePartition assigns each row of rec to one of len(bounds)+1 ranges
// for a range-partitioned sort: bounds holds boundary rows whose columns
// 0..len(keys)-1 are the key columns in keys' order (with the same types as
// rec's columns keys[k].Col), sorted by keys. Row r goes to the first range
// i whose boundary row i it sorts strictly before (a row equal to a boundary
// goes right of it), or to range bounds.NumRows() when there is none:
// out[r] = i, found by binary search. out must hold at least rec.NumRows()
// entries (an error wrapping [ErrLength] otherwise); entries past them are
// left alone. rec and bounds are borrowed.
func RangePartition(rec arrow.Record, keys []SortKey, bounds arrow.Record, out []int32) error {
	const name = "range partition"
	if rec == nil || bounds == nil {
		return errorf(ErrArgument, name, "nil record")
	}
	n := int(rec.NumRows())
	if len(out) < n {
		return errorf(ErrLength, name, "output of %d entries for %d rows", len(out), n)
	}
	out = out[:n]
	bcols := make([]int, len(keys))
	for k := range bcols {
		bcols[k] = k
	}
	rc, err := newRowComparer(name, rec, bounds, keys, bcols)
	if err != nil {
		return err
	}
	nb := int(bounds.NumRows())
	if nb == 0 || len(keys) == 0 {
		// No key: every row equals every boundary and goes right of all.
		for r := range out {
			out[r] = int32(nb)
		}
		return nil
	}
	if len(keys) == 1 && rangeByKeys(name, rec.Column(keys[0].Col), bounds.Column(0), keys[0], out) {
		return nil
	}
	for r := range out {
		lo, hi := 0, nb
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if rc.Compare(r, m) < 0 {
				hi = m
			} else {
				lo = m + 1
			}
		}
		out[r] = int32(lo)
	}
	return nil
}

// rangeByKeys is RangePartition's path for one key of a type with a pure
// normalised key and no nulls on either side: binary search over uint64s.
// It reports false, doing nothing, when the key does not qualify.
func rangeByKeys(kernel string, x, y arrow.Array, key SortKey, out []int32) bool {
	switch x.DataType().ID() {
	case arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY, arrow.DICTIONARY:
		return false
	}
	kx, err1 := newKeyCol(kernel, x, key)
	ky, err2 := newKeyCol(kernel, y, key)
	if err1 != nil || err2 != nil || kx.norm == nil || !kx.pure || kx.null != nil || ky.null != nil {
		return false
	}
	nb := y.Len()
	bidx := make([]int32, nb)
	for i := range bidx {
		bidx[i] = int32(i)
	}
	bk := make([]uint64, nb)
	ky.norm(bidx, bk, 0)
	const block = 1024
	var ids [block]int32
	var ks [block]uint64
	for lo := 0; lo < len(out); lo += block {
		m := min(block, len(out)-lo)
		for i := range m {
			ids[i] = int32(lo + i)
		}
		kx.norm(ids[:m], ks[:m], 0)
		for i, v := range ks[:m] {
			// The first bound above v, halving without a data-dependent
			// branch (the compiler makes the step a conditional move).
			base, n := 0, nb
			for n > 1 {
				half := n >> 1
				if bk[base+half-1] <= v {
					base += half
				}
				n -= half
			}
			if bk[base] <= v {
				base++
			}
			out[lo+i] = int32(base)
		}
	}
	return true
}

// Split splits rec into n records by part: row r goes to record part[r]
// when part[r] >= 0 and is dropped when part[r] < 0, and rows keep their
// order within each record. It returns n records with rec's schema (empty
// ones included), owned by the caller; rec and part are borrowed. part must
// hold at least rec.NumRows() entries; a part >= n is an error wrapping
// [ErrArgument] that names its row.
//
// Split makes two passes over part (counting each record's rows, then
// giving each row its position in its record) and then one pass per column
// that scatters values straight into the n records' buffers. Types without
// a direct path (as for Take) are gathered with Take instead.
func Split(mem memory.Allocator, rec arrow.Record, part []int32, n int) ([]arrow.Record, error) {
	const name = "split"
	if rec == nil {
		return nil, errorf(ErrArgument, name, "nil record")
	}
	rows := int(rec.NumRows())
	switch {
	case n < 0:
		return nil, errorf(ErrArgument, name, "negative part count %d", n)
	case len(part) < rows:
		return nil, errorf(ErrLength, name, "%d parts for %d rows", len(part), rows)
	case rows > math.MaxInt32:
		return nil, errorf(ErrArgument, name, "%d rows, more than int32 indices address", rows)
	}
	sp := &splitter{mem: mem, part: part[:rows], dest: make([]int32, rows), counts: make([]int, n)}
	for r, p := range sp.part {
		if p < 0 {
			continue
		}
		if int(p) >= n {
			return nil, errorf(ErrArgument, name, "part %d of row %d out of range for %d parts", p, r, n)
		}
		sp.dest[r] = int32(sp.counts[p])
		sp.counts[p]++
	}
	cols := make([][]arrow.Array, n)
	for p := range cols {
		cols[p] = make([]arrow.Array, 0, rec.NumCols())
	}
	releaseAll := func() {
		for _, cs := range cols {
			for _, c := range cs {
				c.Release()
			}
		}
	}
	for _, c := range rec.Columns() {
		outs, err := sp.column(c)
		if err != nil {
			releaseAll()
			return nil, err
		}
		for p, o := range outs {
			cols[p] = append(cols[p], o)
		}
	}
	recs := make([]arrow.Record, n)
	for p := range recs {
		recs[p] = array.NewRecord(rec.Schema(), cols[p], int64(sp.counts[p]))
	}
	releaseAll()
	return recs, nil
}

// splitter scatters the rows of the columns of one record: row r goes to
// position dest[r] of part part[r], which has counts[part[r]] rows.
type splitter struct {
	mem    memory.Allocator
	part   []int32
	dest   []int32
	counts []int
	order  []int32 // kept rows grouped by part, for the Take path; built on first use
}

func (sp *splitter) column(c arrow.Array) ([]arrow.Array, error) {
	dt := c.DataType()
	d := c.Data()
	n := len(sp.counts)
	outs := make([]arrow.Array, n)
	if dt.ID() == arrow.NULL {
		for p := range outs {
			outs[p] = array.NewNull(sp.counts[p])
		}
		return outs, nil
	}
	var vals [][]*memory.Buffer // per part, the buffers after the validity
	switch dt.ID() {
	case arrow.BOOL:
		vals = perPart(sp.bits(valueBits(c)))
	case arrow.STRING, arrow.BINARY:
		vals = splitText[int32](sp, c)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		vals = splitText[int64](sp, c)
	case arrow.DICTIONARY:
		vals = perPart(sp.fixed(dt.(*arrow.DictionaryType).IndexType.(arrow.FixedWidthDataType).Bytes(), d))
	default:
		w := fixedWidth(dt)
		if w == 0 {
			return sp.byTake(c)
		}
		vals = perPart(sp.fixed(w, d))
	}
	validity, nulls := sp.validity(c)
	for p := range outs {
		bufs := append([]*memory.Buffer{validity[p]}, vals[p]...)
		if dt.ID() == arrow.DICTIONARY {
			od := array.NewDataWithDictionary(dt, sp.counts[p], bufs, nulls[p], 0, d.Dictionary().(*array.Data))
			release(bufs...)
			outs[p] = array.MakeFromData(od)
			od.Release()
			continue
		}
		outs[p] = build(dt, sp.counts[p], nulls[p], bufs...)
	}
	return outs, nil
}

func perPart(bufs []*memory.Buffer) [][]*memory.Buffer {
	out := make([][]*memory.Buffer, len(bufs))
	for p, b := range bufs {
		out[p] = []*memory.Buffer{b}
	}
	return out
}

// validity scatters c's validity: per part a bitmap (nil without nulls) and
// its null count.
func (sp *splitter) validity(c arrow.Array) ([]*memory.Buffer, []int) {
	bufs := make([]*memory.Buffer, len(sp.counts))
	nulls := make([]int, len(sp.counts))
	v := validView(c)
	if v.bm == nil {
		return bufs, nulls
	}
	bufs = sp.bits(v)
	for p, b := range bufs {
		nulls[p] = sp.counts[p] - countSet(bitSrc{bm: b.Bytes()}, sp.counts[p])
		if nulls[p] == 0 {
			b.Release()
			bufs[p] = nil
		}
	}
	return bufs, nulls
}

// bits scatters the bits of src into one bitmap per part.
func (sp *splitter) bits(src bitView) []*memory.Buffer {
	bufs := make([]*memory.Buffer, len(sp.counts))
	bms := make([][]byte, len(sp.counts))
	for p, k := range sp.counts {
		bufs[p], _ = newBitmap(sp.mem, k)
		bms[p] = bufs[p].Bytes()
		clear(bms[p])
	}
	if src.bm == nil {
		return bufs
	}
	for r, p := range sp.part {
		if p >= 0 && src.at(r) {
			d := sp.dest[r]
			bms[p][d>>3] |= 1 << (d & 7)
		}
	}
	return bufs
}

// fixed scatters a fixed-width value buffer of width w.
func (sp *splitter) fixed(w int, d arrow.ArrayData) []*memory.Buffer {
	switch w {
	case 1:
		return splitFixed[uint8](sp, d)
	case 2:
		return splitFixed[uint16](sp, d)
	case 4:
		return splitFixed[uint32](sp, d)
	case 8:
		return splitFixed[uint64](sp, d)
	case 16:
		return splitFixed[decimal128.Num](sp, d)
	case 32:
		return splitFixed[decimal256.Num](sp, d)
	}
	bufs := make([]*memory.Buffer, len(sp.counts))
	outs := make([][]byte, len(sp.counts))
	for p, k := range sp.counts {
		bufs[p], outs[p] = newValues[uint8](sp.mem, k*w)
	}
	if len(sp.part) == 0 {
		return bufs
	}
	in := d.Buffers()[1].Bytes()[d.Offset()*w:]
	for r, p := range sp.part {
		if p >= 0 {
			copy(outs[p][int(sp.dest[r])*w:], in[r*w:(r+1)*w])
		}
	}
	return bufs
}

func splitFixed[T fixedRaw](sp *splitter, d arrow.ArrayData) []*memory.Buffer {
	bufs := make([]*memory.Buffer, len(sp.counts))
	outs := make([][]T, len(sp.counts))
	for p, k := range sp.counts {
		bufs[p], outs[p] = newValues[T](sp.mem, k)
	}
	if len(sp.part) == 0 {
		return bufs
	}
	in := arrow.GetValues[T](d, 1)[:len(sp.part)]
	for r, p := range sp.part {
		if p >= 0 {
			outs[p][sp.dest[r]] = in[r]
		}
	}
	return bufs
}

// splitText scatters a string or binary array: each row's length into its
// part's offsets, a prefix sum per part, then each row's bytes.
func splitText[O offsetT](sp *splitter, c arrow.Array) [][]*memory.Buffer {
	x := viewOf[O](c)
	np := len(sp.counts)
	obufs := make([]*memory.Buffer, np)
	offs := make([][]O, np)
	for p, k := range sp.counts {
		obufs[p], offs[p] = newValues[O](sp.mem, k+1)
		offs[p][0] = 0
	}
	for r, p := range sp.part {
		if p >= 0 {
			offs[p][sp.dest[r]+1] = x.offs[r+1] - x.offs[r]
		}
	}
	datas := make([][]byte, np)
	out := make([][]*memory.Buffer, np)
	for p, o := range offs {
		for i := 1; i < len(o); i++ {
			o[i] += o[i-1]
		}
		var dbuf *memory.Buffer
		dbuf, datas[p] = newValues[uint8](sp.mem, int(o[len(o)-1]))
		out[p] = []*memory.Buffer{obufs[p], dbuf}
	}
	for r, p := range sp.part {
		if p >= 0 {
			o, d := offs[p], sp.dest[r]
			copy(datas[p][o[d]:o[d+1]], x.data[x.offs[r]:x.offs[r+1]])
		}
	}
	return out
}

// byTake splits a column of a type without a direct path with Take.
func (sp *splitter) byTake(c arrow.Array) ([]arrow.Array, error) {
	starts := make([]int, len(sp.counts)+1)
	for p, k := range sp.counts {
		starts[p+1] = starts[p] + k
	}
	if sp.order == nil {
		sp.order = make([]int32, starts[len(sp.counts)])
		for r, p := range sp.part {
			if p >= 0 {
				sp.order[starts[p]+int(sp.dest[r])] = int32(r)
			}
		}
	}
	outs := make([]arrow.Array, 0, len(sp.counts))
	for p := range sp.counts {
		t, err := takeArray(sp.mem, c, sp.order[starts[p]:starts[p+1]], false)
		if err != nil {
			for _, o := range outs {
				o.Release()
			}
			return nil, err
		}
		outs = append(outs, t)
	}
	return outs, nil
}

// MergeSorted merges records that are each sorted by keys into one record
// sorted by keys, owned by the caller; recs are borrowed. The merge is
// stable: rows equal on every key come in the order of recs, then of their
// rows. All records must have the same column types as recs[0] (an error
// wrapping [ErrType] otherwise); the result has recs[0]'s schema. A single
// non-empty record's columns are returned as they are, retained.
//
// The records' columns are concatenated, a heap of the runs' current rows
// picks the next row (each step one sift, log(len(recs)) comparisons), and
// Take gathers the merged order. Dictionary columns whose dictionaries are
// all the same keep it; others get a unified dictionary.
func MergeSorted(mem memory.Allocator, recs []arrow.Record, keys []SortKey) (arrow.Record, error) {
	const name = "merge"
	if len(recs) == 0 || recs[0] == nil {
		return nil, errorf(ErrArgument, name, "no records")
	}
	schema := recs[0].Schema()
	total := int64(0)
	for i, r := range recs {
		if r == nil {
			return nil, errorf(ErrArgument, name, "nil record %d", i)
		}
		if r.NumCols() != recs[0].NumCols() {
			return nil, errorf(ErrType, name, "record %d has %d columns, record 0 %d", i, r.NumCols(), recs[0].NumCols())
		}
		for c, col := range r.Columns() {
			if !arrow.TypeEqual(col.DataType(), recs[0].Column(c).DataType()) {
				return nil, errorf(ErrType, name, "column %d of record %d is %s, of record 0 %s", c, i, col.DataType(), recs[0].Column(c).DataType())
			}
		}
		total += r.NumRows()
	}
	if total > math.MaxInt32 {
		return nil, errorf(ErrArgument, name, "%d rows, more than int32 indices address", total)
	}
	// Empty records take no part.
	var runs []arrow.Record
	for _, r := range recs {
		if r.NumRows() > 0 {
			runs = append(runs, r)
		}
	}
	if len(runs) <= 1 {
		if _, err := keyColsOf(name, recs[0], keys); err != nil {
			return nil, err
		}
		if len(runs) == 0 {
			return TakeRecord(mem, recs[0], nil)
		}
		return array.NewRecord(schema, runs[0].Columns(), runs[0].NumRows()), nil
	}
	cols := make([]arrow.Array, 0, len(schema.Fields()))
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	parts := make([]arrow.Array, len(runs))
	for c := range int(recs[0].NumCols()) {
		for i, r := range runs {
			parts[i] = r.Column(c)
		}
		all, err := concatColumn(mem, parts)
		if err != nil {
			return nil, err
		}
		cols = append(cols, all)
	}
	all := array.NewRecord(schema, cols, total)
	defer all.Release()
	kc, err := keyColsOf(name, all, keys)
	if err != nil {
		return nil, err
	}
	// pos[i] is run i's current row in all, end[i] its end. Ties between
	// runs go to the lower row index, which is the earlier record.
	pos, end := make([]int32, len(runs)), make([]int32, len(runs))
	h := make([]int32, len(runs))
	start := int32(0)
	for i, r := range runs {
		pos[i], end[i] = start, start+int32(r.NumRows())
		start = end[i]
		h[i] = int32(i)
	}
	c := rowOrder(kc)
	less := func(a, b int32) bool { return c(pos[a], pos[b]) < 0 }
	for i := len(h)/2 - 1; i >= 0; i-- {
		heapDown(h, i, less)
	}
	idx := make([]int32, 0, total)
	for len(h) > 0 {
		t := h[0]
		idx = append(idx, pos[t])
		pos[t]++
		if pos[t] == end[t] {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		heapDown(h, 0, less)
	}
	return TakeRecord(mem, all, idx)
}

// heapDown and heapUp keep h a binary heap with the least element (by less)
// at the root.
func heapDown(h []int32, i int, less func(a, b int32) bool) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && less(h[r], h[l]) {
			m = r
		}
		if !less(h[m], h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func heapUp(h []int32, i int, less func(a, b int32) bool) {
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}
