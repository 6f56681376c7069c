package kernels

import (
	"cmp"
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/decimal256"
)

// SortKey orders by one column: ascending unless Desc, nulls after every
// value unless NullsFirst (in either direction). Floats order NaN after
// every number (NaN is the largest float, as in DuckDB and Polars: last
// ascending, first descending) and -0 equal to +0; strings and binaries
// order by bytes; bools false before true; dictionaries by their values.
type SortKey struct {
	Col        int
	Desc       bool
	NullsFirst bool
}

// How rows are sorted. Each key is bound to its column as a keyCol: a
// comparator of two rows (a closure over the typed slices, built once) and,
// for the types that have one, a normaliser that maps a row to a uint64 whose
// unsigned order is the key's order (sign bit flipped for signed integers,
// the IEEE trick for floats, a dictionary entry's rank among the dictionary's
// sorted values, complemented for Desc). Text has no such key, so it is
// normalised 7 bytes at a time: bytes [7d, 7d+7) of the row, big-endian, and
// in the low byte how many bytes remain (8 meaning more than 7), so equal
// keys with a low byte of 8 need the next depth d+1 to be told apart.
//
// sortRange sorts a range of the permutation that is equal on the keys
// before key: it moves the key's nulls to one end (a range of its own, equal
// on the key, sorted by the next key), radix-sorts the rest by the
// normalised key (stable, see radixSort), then sorts each run of equal keys
// by the next key, or by the next depth for text.
// Ranges of at most smallSort rows, and keys without a normaliser, are
// sorted by comparison, with the row index as the last key: ties among equal
// rows are broken by index, which is what stability asks for.

const smallSort = 256

// keyCol is one sort key bound to a column.
type keyCol struct {
	cmp        func(i, j int) int                         // the key's order, nulls included
	null       func(i int) bool                           // nil when no row is null
	norm       func(idx []int32, out []uint64, depth int) // nil: compared only
	deep       func(k uint64) bool                        // text: rows with key k need the next depth
	nullsFirst bool
	pure       bool // norm is a function of the value alone (not of a dictionary)
}

// keyColsOf binds keys to the columns of rec. Keys on null-type columns are
// dropped: they do not order anything.
func keyColsOf(kernel string, rec arrow.Record, keys []SortKey) ([]keyCol, error) {
	if rec == nil {
		return nil, errorf(ErrArgument, kernel, "nil record")
	}
	if rec.NumRows() > math.MaxInt32 {
		return nil, errorf(ErrArgument, kernel, "%d rows, more than int32 indices address", rec.NumRows())
	}
	cols := make([]keyCol, 0, len(keys))
	for _, k := range keys {
		if k.Col < 0 || k.Col >= int(rec.NumCols()) {
			return nil, errorf(ErrArgument, kernel, "sort key column %d out of range for %d columns", k.Col, rec.NumCols())
		}
		a := rec.Column(k.Col)
		if a.DataType().ID() == arrow.NULL {
			continue
		}
		kc, err := newKeyCol(kernel, a, k)
		if err != nil {
			return nil, err
		}
		cols = append(cols, kc)
	}
	return cols, nil
}

func newKeyCol(kernel string, a arrow.Array, k SortKey) (keyCol, error) {
	c, err := colCompare(kernel, a, a, k.Desc, k.NullsFirst)
	if err != nil {
		return keyCol{}, err
	}
	kc := keyCol{cmp: c, nullsFirst: k.NullsFirst, pure: true}
	if valid := validFunc(a); valid != nil {
		kc.null = func(i int) bool { return !valid(i) }
	}
	var flip uint64
	if k.Desc {
		flip = ^flip
	}
	switch a.DataType().ID() {
	case arrow.INT8:
		kc.norm = normInt(values[int8](a), 1<<7, flip)
	case arrow.INT16:
		kc.norm = normInt(values[int16](a), 1<<15, flip)
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		kc.norm = normInt(values[int32](a), 1<<31, flip)
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
		kc.norm = normInt(values[int64](a), 1<<63, flip)
	case arrow.UINT8:
		kc.norm = normInt(values[uint8](a), 0, flip)
	case arrow.UINT16:
		kc.norm = normInt(values[uint16](a), 0, flip)
	case arrow.UINT32:
		kc.norm = normInt(values[uint32](a), 0, flip)
	case arrow.UINT64:
		kc.norm = normInt(values[uint64](a), 0, flip)
	case arrow.FLOAT32:
		kc.norm = normFloat(values[float32](a), flip)
	case arrow.FLOAT64:
		kc.norm = normFloat(values[float64](a), flip)
	case arrow.BOOL:
		v := valueBits(a)
		kc.norm = func(idx []int32, out []uint64, _ int) {
			for i, j := range idx {
				out[i] = uint64(bit01(v.at(int(j)))) ^ flip
			}
		}
	case arrow.STRING, arrow.BINARY:
		kc.norm, kc.deep = normText(viewOf[int32](a), flip)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		kc.norm, kc.deep = normText(viewOf[int64](a), flip)
	case arrow.DICTIONARY:
		ix := indexReader(a.(*array.Dictionary))
		dict := dictionaryOf(a)
		rank, err := dictRanks(kernel, dict)
		dict.Release()
		if err != nil {
			return keyCol{}, err
		}
		kc.norm = func(idx []int32, out []uint64, _ int) {
			for i, j := range idx {
				out[i] = rank[ix(int(j))] ^ flip
			}
		}
		kc.pure = false
	}
	return kc, nil
}

func normInt[T integer](v []T, bias, flip uint64) func([]int32, []uint64, int) {
	return func(idx []int32, out []uint64, _ int) {
		out = out[:len(idx)]
		for i, j := range idx {
			out[i] = (uint64(v[j]) + bias) ^ flip
		}
	}
}

func normFloat[T float](v []T, flip uint64) func([]int32, []uint64, int) {
	return func(idx []int32, out []uint64, _ int) {
		out = out[:len(idx)]
		for i, j := range idx {
			out[i] = floatKey(float64(v[j])) ^ flip
		}
	}
}

// floatKey maps a float to a uint64 in the same order, -0 equal to +0 and
// every NaN above +Inf. (A float32 widens to float64 exactly.)
func floatKey(x float64) uint64 {
	switch {
	case x != x:
		return math.MaxUint64
	case x == 0:
		return 1 << 63
	}
	b := math.Float64bits(x)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

func normText[O offsetT](v strView[O], flip uint64) (func([]int32, []uint64, int), func(uint64) bool) {
	norm := func(idx []int32, out []uint64, depth int) {
		start := 7 * depth
		out = out[:len(idx)]
		for i, j := range idx {
			out[i] = textKey(v.data[v.offs[j]:v.offs[j+1]], start) ^ flip
		}
	}
	return norm, func(k uint64) bool { return (k^flip)&0xff == 8 }
}

// textKey is bytes [start, start+7) of s big-endian in the high 7 bytes
// (zero-padded) and min(len(s)-start, 8) in the low byte.
func textKey(s []byte, start int) uint64 {
	if start >= len(s) {
		return 0
	}
	s = s[start:]
	if len(s) >= 8 {
		return binary.BigEndian.Uint64(s)&^0xff | 8
	}
	var k uint64
	for b, c := range s {
		k |= uint64(c) << (56 - 8*b)
	}
	return k | uint64(len(s))
}

// colCompare returns the order of row i of x against row j of y (arrays of
// the same type) under one key, nulls included. A dictionary row is null
// when its index or its dictionary entry is.
func colCompare(kernel string, x, y arrow.Array, desc, nullsFirst bool) (func(i, j int) int, error) {
	if !arrow.TypeEqual(x.DataType(), y.DataType()) {
		return nil, errorf(ErrType, kernel, "key types differ: %s and %s", x.DataType(), y.DataType())
	}
	if x.DataType().ID() == arrow.NULL {
		return func(int, int) int { return 0 }, nil
	}
	c, err := valueCompare(kernel, x, y, desc)
	if err != nil {
		return nil, err
	}
	return nullable(c, validFunc(x), validFunc(y), nullsFirst), nil
}

// valueCompare orders the values of two valid rows.
func valueCompare(kernel string, x, y arrow.Array, desc bool) (func(i, j int) int, error) {
	switch dt := x.DataType(); dt.ID() {
	case arrow.INT8:
		return numCmp(values[int8](x), values[int8](y), desc), nil
	case arrow.INT16:
		return numCmp(values[int16](x), values[int16](y), desc), nil
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		return numCmp(values[int32](x), values[int32](y), desc), nil
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
		return numCmp(values[int64](x), values[int64](y), desc), nil
	case arrow.UINT8:
		return numCmp(values[uint8](x), values[uint8](y), desc), nil
	case arrow.UINT16:
		return numCmp(values[uint16](x), values[uint16](y), desc), nil
	case arrow.UINT32:
		return numCmp(values[uint32](x), values[uint32](y), desc), nil
	case arrow.UINT64:
		return numCmp(values[uint64](x), values[uint64](y), desc), nil
	case arrow.FLOAT32:
		return numCmp(values[float32](x), values[float32](y), desc), nil
	case arrow.FLOAT64:
		return numCmp(values[float64](x), values[float64](y), desc), nil
	case arrow.DECIMAL128:
		return methodCmp(values[decimal128.Num](x), values[decimal128.Num](y), desc), nil
	case arrow.DECIMAL256:
		return methodCmp(values[decimal256.Num](x), values[decimal256.Num](y), desc), nil
	case arrow.BOOL:
		bx, by := valueBits(x), valueBits(y)
		if desc {
			return func(i, j int) int { return bit01(by.at(j)) - bit01(bx.at(i)) }, nil
		}
		return func(i, j int) int { return bit01(bx.at(i)) - bit01(by.at(j)) }, nil
	case arrow.STRING, arrow.BINARY:
		return textCmp(viewOf[int32](x), viewOf[int32](y), desc), nil
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return textCmp(viewOf[int64](x), viewOf[int64](y), desc), nil
	case arrow.DICTIONARY:
		vx, vy := dictionaryOf(x), dictionaryOf(y)
		inner, err := valueCompare(kernel, vx, vy, desc)
		vx.Release()
		vy.Release()
		if err != nil {
			return nil, err
		}
		ix, iy := indexReader(x.(*array.Dictionary)), indexReader(y.(*array.Dictionary))
		return func(i, j int) int { return inner(ix(i), iy(j)) }, nil
	default:
		return nil, errorf(ErrType, kernel, "cannot sort by %s", dt)
	}
}

// nullable puts nulls before or after the values ordered by c; vx and vy
// report valid rows (nil: every row is).
func nullable(c func(i, j int) int, vx, vy func(int) bool, nullsFirst bool) func(i, j int) int {
	if vx == nil && vy == nil {
		return c
	}
	nullSide := 1
	if nullsFirst {
		nullSide = -1
	}
	return func(i, j int) int {
		a, b := vx == nil || vx(i), vy == nil || vy(j)
		switch {
		case a && b:
			return c(i, j)
		case a == b:
			return 0
		case a:
			return -nullSide
		}
		return nullSide
	}
}

func numCmp[T number](x, y []T, desc bool) func(i, j int) int {
	if desc {
		return func(i, j int) int { return orderNum(y[j], x[i]) }
	}
	return func(i, j int) int { return orderNum(x[i], y[j]) }
}

// orderNum orders numbers with NaN above everything and equal to itself.
func orderNum[T number](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return bit01(a != a) - bit01(b != b)
}

func methodCmp[T interface{ Cmp(T) int }](x, y []T, desc bool) func(i, j int) int {
	if desc {
		return func(i, j int) int { return y[j].Cmp(x[i]) }
	}
	return func(i, j int) int { return x[i].Cmp(y[j]) }
}

func textCmp[O offsetT](x, y strView[O], desc bool) func(i, j int) int {
	if desc {
		return func(i, j int) int { return strings.Compare(y.at(j), x.at(i)) }
	}
	return func(i, j int) int { return strings.Compare(x.at(i), y.at(j)) }
}

// SortIndices returns the permutation that sorts rec by keys (the first key
// first): row out[0] of rec comes first. The sort is stable: rows equal on
// every key keep their order. With no keys it is the identity. A key column
// out of range is an error wrapping [ErrArgument]; a key of a type that has
// no order (lists, structs, …) one wrapping [ErrType].
//
// A single key of a number, temporal, bool or dictionary type is radix
// sorted in linear time; text keys are MSD-radix sorted 7 bytes at a time;
// later keys only sort the runs of rows equal on the earlier ones.
func SortIndices(rec arrow.Record, keys []SortKey) ([]int32, error) {
	cols, err := keyColsOf("sort", rec, keys)
	if err != nil {
		return nil, err
	}
	return sortIndices(cols, int(rec.NumRows())), nil
}

// TopKIndices returns the first k indices of SortIndices(rec, keys) without
// sorting every row: it keeps the k best rows in a heap, one comparison per
// row that does not enter it, then sorts those k. k >= the row count gives
// SortIndices; k <= 0 an empty slice.
func TopKIndices(rec arrow.Record, keys []SortKey, k int) ([]int32, error) {
	cols, err := keyColsOf("topk", rec, keys)
	if err != nil {
		return nil, err
	}
	n := int(rec.NumRows())
	if k >= n {
		return sortIndices(cols, n), nil
	}
	if k <= 0 {
		return []int32{}, nil
	}
	c := rowOrder(cols)
	worse := func(a, b int32) bool { return c(a, b) > 0 }
	h := make([]int32, 0, k)
	for r := range int32(n) {
		if len(h) < k {
			h = append(h, r)
			heapUp(h, len(h)-1, worse)
		} else if c(r, h[0]) < 0 {
			h[0] = r
			heapDown(h, 0, worse)
		}
	}
	slices.SortFunc(h, c)
	return h, nil
}

// rowOrder orders rows by cols, then by index.
func rowOrder(cols []keyCol) func(a, b int32) int {
	if len(cols) == 1 {
		c := cols[0].cmp
		return func(a, b int32) int {
			if r := c(int(a), int(b)); r != 0 {
				return r
			}
			return cmp.Compare(a, b)
		}
	}
	return func(a, b int32) int {
		for i := range cols {
			if r := cols[i].cmp(int(a), int(b)); r != 0 {
				return r
			}
		}
		return cmp.Compare(a, b)
	}
}

type rowSorter struct {
	cols       []keyCol
	idx, tidx  []int32
	keys, tkey []uint64
	hist       *[8][256]int
}

func sortIndices(cols []keyCol, n int) []int32 {
	s := &rowSorter{cols: cols, idx: make([]int32, n)}
	for i := range s.idx {
		s.idx[i] = int32(i)
	}
	s.sortRange(0, n, 0, 0)
	return s.idx
}

// sortRange sorts idx[lo:hi], whose rows are equal on the keys before key
// (and, for a text key, on its bytes before depth*7).
func (s *rowSorter) sortRange(lo, hi, key, depth int) {
	if hi-lo < 2 || key == len(s.cols) {
		return
	}
	col := &s.cols[key]
	if hi-lo > smallSort && col.norm != nil {
		if s.keys == nil {
			n := len(s.idx)
			s.tidx, s.keys, s.tkey, s.hist = make([]int32, n), make([]uint64, n), make([]uint64, n), new([8][256]int)
		}
		if depth == 0 && col.null != nil {
			lo, hi = s.splitNulls(lo, hi, key)
		}
	}
	if hi-lo < 2 {
		return
	}
	if hi-lo <= smallSort || col.norm == nil {
		slices.SortFunc(s.idx[lo:hi], rowOrder(s.cols[key:]))
		return
	}
	idx, keys := s.idx[lo:hi], s.keys[lo:hi]
	col.norm(idx, keys, depth)
	radixSort(keys, s.tkey[lo:hi], idx, s.tidx[lo:hi], s.hist)
	for a := lo; a < hi; {
		b := a + 1
		for b < hi && s.keys[b] == s.keys[a] {
			b++
		}
		if b-a > 1 {
			if col.deep != nil && col.deep(s.keys[a]) {
				s.sortRange(a, b, key, depth+1)
			} else {
				s.sortRange(a, b, key+1, 0)
			}
		}
		a = b
	}
}

// splitNulls moves the rows of idx[lo:hi] where key is null to the end the
// key puts them at, keeping order, sorts them by the next keys, and returns
// the range of the other rows.
func (s *rowSorter) splitNulls(lo, hi, key int) (int, int) {
	col := &s.cols[key]
	idx, tmp := s.idx[lo:hi], s.tidx[lo:hi]
	nv, nn := 0, 0
	for _, r := range idx {
		if col.null(int(r)) {
			tmp[nn] = r
			nn++
		} else {
			idx[nv] = r
			nv++
		}
	}
	if nn == 0 {
		return lo, hi
	}
	if col.nullsFirst {
		copy(idx[nn:], idx[:nv])
		copy(idx, tmp[:nn])
		s.sortRange(lo, lo+nn, key+1, 0)
		return lo + nn, hi
	}
	copy(idx[nv:], tmp[:nn])
	s.sortRange(lo+nv, hi, key+1, 0)
	return lo, lo + nv
}

// radixSort sorts k stably, permuting v alike; tk and tv are scratch of the
// same lengths. Only the bytes up to the highest one in which keys differ
// are sorted. Up to radixMSD keys are LSD-sorted a byte at a time; more are
// first scattered by that highest byte into 256 buckets, each then
// LSD-sorted while it is in cache.
func radixSort(k, tk []uint64, v, tv []int32, hist *[8][256]int) {
	var diff uint64
	for _, x := range k {
		diff |= x ^ k[0]
	}
	if diff == 0 {
		return
	}
	top := (bits.Len64(diff) - 1) / 8
	if len(k) <= radixMSD || top == 0 {
		radixLSD(k, tk, v, tv, hist, top)
		return
	}
	sh := uint(8 * top)
	var start [257]int
	for _, x := range k {
		start[x>>sh&0xff+1]++
	}
	for b := range 256 {
		start[b+1] += start[b]
	}
	next := start
	tk, tv = tk[:len(k)], tv[:len(k)]
	for i, x := range k {
		p := next[x>>sh&0xff]
		next[x>>sh&0xff] = p + 1
		tk[p], tv[p] = x, v[i]
	}
	for b := range 256 {
		lo, hi := start[b], start[b+1]
		radixLSD(tk[lo:hi], k[lo:hi], tv[lo:hi], v[lo:hi], hist, top-1)
	}
	copy(k, tk)
	copy(v, tv)
}

// radixMSD is the size above which radixSort splits by the highest byte first.
const radixMSD = 1 << 14

// radixLSD sorts k (and v) stably by bytes 0..top, skipping bytes in which
// every key agrees; short inputs by insertion.
func radixLSD(k, tk []uint64, v, tv []int32, hist *[8][256]int, top int) {
	n := len(k)
	if n <= 32 {
		for i := 1; i < n; i++ {
			x, y := k[i], v[i]
			j := i
			for ; j > 0 && k[j-1] > x; j-- {
				k[j], v[j] = k[j-1], v[j-1]
			}
			k[j], v[j] = x, y
		}
		return
	}
	clear(hist[:top+1])
	for _, x := range k {
		for b := 0; b <= top; b++ {
			hist[b][x>>(8*b)&0xff]++
		}
	}
	src, dst, si, di := k, tk[:n], v, tv[:n]
	for b := 0; b <= top; b++ {
		h, sh := &hist[b], uint(8*b)
		if h[src[0]>>sh&0xff] == n {
			continue
		}
		sum := 0
		for i, c := range h {
			h[i] = sum
			sum += c
		}
		for i, x := range src {
			p := h[x>>sh&0xff]
			h[x>>sh&0xff] = p + 1
			dst[p] = x
			di[p] = si[i]
		}
		src, dst, si, di = dst, src, di, si
	}
	if &src[0] != &k[0] {
		copy(k, src)
		copy(v, si)
	}
}
