package frame

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/kernels"
)

// Merging raw rows by their hashes. A bucket whose pieces are all raw
// (partitions with about one group per row, see partialOf) holds input
// rows that carry their key hashes. The hash table of the other merges
// codes every key first: each string is interned (a probe of a table of
// all the column's distinct strings, which for a column of 1e5 strings
// misses the cache on most rows), the codes are packed into a word, and
// the word is hashed and probed again; at the end the keys are decoded and
// the strings copied out of the intern tables. Here a row costs one probe
// of a table of (hash, group) slots with the hash it already has, and the
// keys are compared only when two hashes are equal: for new groups almost
// never, for a repeated key once per column. Each group remembers its
// first row, and the output keys are those rows, gathered from the pieces
// in group order (groups are numbered in the order of their first rows,
// so the gathers read the pieces in order).
//
// Key columns of the types rawKeyOK takes are compared by value with the
// hash table's equality (nulls equal one another); floats, whose -0 and
// NaNs the hash table normalises in its output, and dictionaries, which it
// returns decoded, take the general path.

// A slot of the raw merge's open-addressing table is one word: 32 bits of
// the key hash above those that pick the home slot (rawTag) and the group
// id+1 (0: empty). Eight slots share a cache line, and the table of a
// bucket of millions of rows stays a quarter of the size of one holding
// whole hashes at half load, which a computation pays for in page faults
// as much as in cache misses.
func rawTag(h uint64) uint64 { return h >> 24 << 32 }

// rawKeyOK reports whether the raw merge takes key columns of type dt.
func rawKeyOK(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64, arrow.DURATION,
		arrow.BOOL, arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return true
	}
	return false
}

// rawMergeable reports whether mergePartials can merge recs with
// mergeRaw: a final merge of raw records only (empty ones aside), whose
// key columns have the same types, all of which rawKeyOK takes.
func rawMergeable(p *aggPlan, recs []arrow.Record) bool {
	var first arrow.Record
	for _, r := range recs {
		if r.NumRows() == 0 {
			continue
		}
		if !isRaw(r) {
			return false
		}
		if first == nil {
			first = r
		}
		for _, c := range p.keyIdx {
			dt := r.Schema().Field(c).Type
			if !rawKeyOK(dt) || !arrow.TypeEqual(dt, first.Schema().Field(c).Type) {
				return false
			}
		}
	}
	return first != nil
}

// keyEqual compares row i of a with row j of b, two arrays of one type
// that rawKeyOK takes: equal values, or both null.
func keyEqual(a arrow.Array, i int, b arrow.Array, j int) bool {
	an, bn := a.IsNull(i), b.IsNull(j)
	if an || bn {
		return an && bn
	}
	switch x := a.(type) {
	case *array.String:
		return x.Value(i) == b.(*array.String).Value(j)
	case *array.LargeString:
		return x.Value(i) == b.(*array.LargeString).Value(j)
	case *array.Binary:
		return bytes.Equal(x.Value(i), b.(*array.Binary).Value(j))
	case *array.LargeBinary:
		return bytes.Equal(x.Value(i), b.(*array.LargeBinary).Value(j))
	case *array.Boolean:
		return x.Value(i) == b.(*array.Boolean).Value(j)
	}
	w := a.DataType().(arrow.FixedWidthDataType).BitWidth() / 8
	return bytes.Equal(fixedValue(a, i, w), fixedValue(b, j, w))
}

// fixedValue returns the bytes of row i of a fixed-width array of w-byte
// values.
func fixedValue(a arrow.Array, i, w int) []byte {
	d := a.Data()
	o := (d.Offset() + i) * w
	return d.Buffers()[1].Bytes()[o : o+w]
}

// mergeRaw merges raw records (rawMergeable) into the final groups.
func mergeRaw(p *aggPlan, mem memory.Allocator, recs []arrow.Record) (arrow.Record, error) {
	var total int64
	for _, r := range recs {
		total += r.NumRows()
	}
	if total >= 1<<31-1 {
		return nil, fmt.Errorf("%s: a merge of %d rows: more than 2^31-1 groups cannot be numbered", p.op(), total)
	}
	// Slots for every row at a load of at most three quarters: a raw
	// bucket's rows are mostly groups of their own. A row's home slot
	// comes from the low bits of its hash (the shuffle picked the bucket
	// by the top bits, which are alike in a bucket).
	capacity := 64
	for capacity/4*3 < int(total) {
		capacity *= 2
	}
	slots := make([]uint64, capacity)
	mask := uint64(capacity - 1)
	firstRec, firstRow := make([]int32, 0, total), make([]int32, 0, total)
	accs, err := p.newAccs(mem)
	if err != nil {
		return nil, err
	}
	defer releaseAccs(accs)
	keys := make([][]arrow.Array, len(recs))
	var ids []int32
	n := int32(0)
	for ri, rec := range recs {
		rows := int(rec.NumRows())
		if rows == 0 {
			continue
		}
		keys[ri] = columnsAt(rec, p.keyIdx)
		hashes := rawHashes(rec)
		if cap(ids) < rows {
			ids = make([]int32, rows)
		}
		ids = ids[:rows]
		for i, h := range hashes[:rows] {
			tag := rawTag(h)
			for j := h & mask; ; j = (j + 1) & mask {
				s := slots[j]
				if s == 0 {
					slots[j] = tag | uint64(n+1)
					firstRec, firstRow = append(firstRec, int32(ri)), append(firstRow, int32(i))
					ids[i] = n
					n++
					break
				}
				if s&^(1<<32-1) == tag {
					if id := int32(uint32(s)) - 1; sameKeys(keys[firstRec[id]], int(firstRow[id]), keys[ri], i) {
						ids[i] = id
						break
					}
				}
			}
		}
		for k, acc := range accs {
			if err := acc.Update(ids, int(n), columnsAt(rec, p.aggIdx[k]), 0); err != nil {
				return nil, fmt.Errorf("%s: %w", p.n.aggs[k].name, err)
			}
		}
	}
	cols, err := rawKeys(mem, keys, firstRec, firstRow, len(p.keyIdx))
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, acc := range accs {
		v, err := acc.Final(mem)
		if err != nil {
			return nil, err
		}
		cols = append(cols, v)
	}
	return array.NewRecord(p.n.out, cols, int64(n)), nil
}

// sameKeys reports whether row i of the key columns a equals row j of b.
func sameKeys(a []arrow.Array, i int, b []arrow.Array, j int) bool {
	for c := range a {
		if !keyEqual(a[c], i, b[c], j) {
			return false
		}
	}
	return true
}

// rawKeys gathers the key columns of the groups, whose first rows are
// (firstRec, firstRow) in increasing order of record, from the records'
// key columns keys: one gather per record, concatenated.
func rawKeys(mem memory.Allocator, keys [][]arrow.Array, firstRec, firstRow []int32, nk int) ([]arrow.Array, error) {
	out := make([]arrow.Array, 0, nk)
	fail := func(err error) ([]arrow.Array, error) {
		for _, c := range out {
			c.Release()
		}
		return nil, err
	}
	for c := range nk {
		var pieces []arrow.Array
		release := func() {
			for _, a := range pieces {
				a.Release()
			}
		}
		for g := 0; g < len(firstRec); {
			ri := firstRec[g]
			e := g
			for e < len(firstRec) && firstRec[e] == ri {
				e++
			}
			a, err := kernels.Take(mem, keys[ri][c], firstRow[g:e])
			if err != nil {
				release()
				return fail(err)
			}
			pieces = append(pieces, a)
			g = e
		}
		var col arrow.Array
		switch len(pieces) {
		case 0:
			return fail(fmt.Errorf("frame: internal error: a raw merge with no groups"))
		case 1:
			col = pieces[0]
			pieces = nil
		default:
			var err error
			col, err = array.Concatenate(pieces, mem)
			release()
			if err != nil {
				return fail(err)
			}
		}
		out = append(out, col)
	}
	return out, nil
}
