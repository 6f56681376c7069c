package frame

import (
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/hashtable"
	"github.com/dusk-go/dusk/internal/kernels"
)

// Per-group top-k without sorting. A group-by top-k keeps few rows of
// many, so sorting every row by (group keys, order keys) does n log n
// comparisons to throw almost all of them away. Instead every row gets a
// dense group id from the hash table the group-by uses, and each group
// keeps its best rows so far in a few slots, best first: a row that beats
// the group's worst kept row (or finds a free slot) is inserted in rank
// order, and the worst falls out. That is one pass, one hash probe and
// usually one comparison per row.
//
// Rows are visited in row order and a row enters only when it is strictly
// better than a kept one, so of rows equal on the order keys the earlier
// wins: the rows kept are exactly those the stable sort keeps.
//
// The slots of all groups are one flat array, laid out one of two ways.
// When the groups have k rows or more on average, the common case and the
// one that matters for speed, every group gets k slots and the rows are
// first filtered against a per-group threshold (keepByCodeFixed). When
// groups are small, a fixed k slots each would mostly stay empty, so a
// group gets min(k, its row count) of them, found by counting the rows of
// each group first: the array never holds more entries than rec has rows,
// and once every row is visited each group's slots are full, so the array
// is the answer as it stands. Either way the groups come out in order of
// first appearance.
//
// The order keys are compared through a code when there is one (a single
// numeric key without nulls: orderCoder), else through the sort kernel's
// row comparer, which is the sort's own order by construction.

// maxSlotK is the largest k the slot algorithm takes. A row that enters a
// full group shifts the worse slots down, up to k moves, so with a large k
// and rows arriving in improving order the work grows as n*k; past this
// bound sorting, whose cost does not depend on k, is the safer choice.
const maxSlotK = 64

// codeBlock is how many rows' order codes are computed at a time: enough
// to amortise the call to the typed code loop, small enough to stay in L1.
const codeBlock = 1024

// firstPerGroup keeps, for each group of rec on groupKeys, the first k rows
// in the order of by, of rows equal on by the earlier ones: the rows that a
// stable sort by (groupKeys, by) puts first in each group. The output has
// groups in order of their first row in rec and each group's rows in the
// order of by (Grouped.TopK promises no order; sortFirstPerGroup, which
// the slot algorithm falls back on, orders groups by key). rec is
// borrowed; the result is owned by the caller.
func firstPerGroup(mem memory.Allocator, rec arrow.Record, groupKeys, by []kernels.SortKey, k int) (arrow.Record, error) {
	keep, ok, err := slotFirstIndices(rec, groupKeys, by, k)
	if err != nil {
		return nil, err
	}
	if !ok {
		return sortFirstPerGroup(mem, rec, groupKeys, by, k)
	}
	return kernels.TakeRecord(mem, rec, keep)
}

// slotFirstIndices returns the rows firstPerGroup keeps, found with the
// slot algorithm, or ok false when the algorithm does not apply (k above
// maxSlotK, no group keys, a group key type the hash table does not take,
// a key column out of range) and the caller must sort. rec is borrowed.
func slotFirstIndices(rec arrow.Record, groupKeys, by []kernels.SortKey, k int) (keep []int32, ok bool, err error) {
	if rec == nil || k > maxSlotK || len(groupKeys) == 0 || rec.NumRows() > math.MaxInt32 {
		return nil, false, nil
	}
	ncols := int(rec.NumCols())
	for _, key := range append(append([]kernels.SortKey(nil), groupKeys...), by...) {
		if key.Col < 0 || key.Col >= ncols {
			// Let the sort report the bad key.
			return nil, false, nil
		}
	}
	n := int(rec.NumRows())
	if n == 0 || k <= 0 {
		return []int32{}, true, nil
	}
	cols := make([]arrow.Array, len(groupKeys))
	types := make([]arrow.DataType, len(groupKeys))
	for i, key := range groupKeys {
		cols[i] = rec.Column(key.Col)
		types[i] = cols[i].DataType()
	}
	// The table groups as the sort does: null is a key value, NaN equals
	// NaN and -0 equals +0. It does not take every type the sort does
	// (decimals, nested types, the null type); those fall back to sorting.
	tbl, err := hashtable.New(types, true)
	if err != nil {
		return nil, false, nil
	}
	ids := make([]int32, n)
	if err := tbl.Insert(cols, ids); err != nil {
		return nil, false, err
	}
	groups := tbl.Len()

	live := make([]kernels.SortKey, 0, len(by))
	for _, key := range by {
		// A key on a column of nulls orders nothing (the sort drops it too).
		if rec.Column(key.Col).DataType().ID() != arrow.NULL {
			live = append(live, key)
		}
	}
	code := orderCoder(rec, live)
	if code != nil && fixedSlots(groups, k, n) {
		return keepByCodeFixed(ids, code, groups, k), true, nil
	}

	// Group g owns slots[off[g]:off[g+1]]; fill[g] counts those in use.
	fill := make([]int32, groups)
	for _, g := range ids {
		fill[g]++
	}
	off := make([]int32, groups+1)
	for g, c := range fill {
		off[g+1] = off[g] + min(c, int32(k))
		fill[g] = 0
	}
	slots := make([]int32, off[groups])
	if code != nil {
		keepByCode(ids, code, off, fill, slots)
		return slots, true, nil
	}
	cmp, err := kernels.NewRowComparer(rec, rec, live)
	if err != nil {
		return nil, false, err
	}
	keepByComparer(ids, cmp, off, fill, slots)
	return slots, true, nil
}

// fixedSlots reports whether keepByCodeFixed, which gives every group k
// slots, suits groups groups of n rows in all: when the groups have k rows
// or more on average, so that most slots fill and the slot arrays stay
// within a few words per row.
func fixedSlots(groups, k, n int) bool {
	return int64(groups)*int64(k) <= int64(n)
}

// keepByCodeFixed is keepByCode for groups that mostly fill their slots,
// laid out for the cache rather than for size. The slot arrays of many
// groups outgrow the L2 cache, and a row's visit to them is a cache miss
// followed by a branch on the loaded value that random data makes
// unpredictable, so each miss is paid in full. Most rows of a big group
// do not enter, though, and that takes only the group's threshold: the
// code of its worst kept row once it is full, MaxUint64 before. So each
// block of rows is first filtered against the thresholds (one word per
// group, read without branches, so that the misses of a block overlap),
// and only the candidates left visit the slots. A candidate's threshold
// may have dropped since the filter read it, and one equal to it does not
// enter either; the slots decide.
//
// Group g's fill count and the codes of its kept rows lie together in
// state[g*(k+1):(g+1)*(k+1)], its rows in rows[g*k:(g+1)*k]. It returns the
// kept rows, groups in order of first appearance.
func keepByCodeFixed(ids []int32, code func(s int, out []uint64), groups, k int) []int32 {
	thr := make([]uint64, groups)
	for g := range thr {
		thr[g] = math.MaxUint64
	}
	stride := k + 1
	state := make([]uint64, groups*stride)
	rows := make([]int32, groups*k)
	var buf [codeBlock]uint64
	var cand [codeBlock]int32
	for s := 0; s < len(ids); s += codeBlock {
		codes := buf[:min(codeBlock, len(ids)-s)]
		code(s, codes)
		blk := ids[s : s+len(codes)]
		m := 0
		for i, c := range codes {
			// Keep row i as a candidate when c <= thr: the subtraction
			// borrows when thr < c.
			cand[m] = int32(i)
			_, borrow := bits.Sub64(thr[blk[i]], c, 0)
			m += int(borrow ^ 1)
		}
		for _, i := range cand[:m] {
			g, c := int(blk[i]), codes[i]
			st := state[g*stride : (g+1)*stride : (g+1)*stride]
			best := st[1:]
			j := int(st[0])
			if j < k {
				st[0]++
			} else {
				// The group is full: the row enters only by beating its
				// worst, which it replaces. Equal is not enough, the
				// earlier row wins a tie.
				j = k - 1
				if c >= best[j] {
					continue
				}
			}
			rs := rows[g*k : (g+1)*k : (g+1)*k]
			for ; j > 0 && c < best[j-1]; j-- {
				best[j], rs[j] = best[j-1], rs[j-1]
			}
			best[j], rs[j] = c, int32(s+int(i))
			if st[0] == uint64(k) {
				thr[g] = best[k-1]
			}
		}
	}
	// Close up the slots of groups with fewer than k rows.
	keep := rows[:0]
	for g := range groups {
		keep = append(keep, rows[g*k:g*k+int(state[g*stride])]...)
	}
	return keep
}

// keepByCode fills each group's slots with its best rows, where a row's
// rank is its order code (code(s, out) writes the codes of rows s,
// s+1...; a smaller code ranks first). The codes of the kept rows are
// kept beside them, so the comparison with a group's worst row reads a
// small array instead of the column at a random row.
func keepByCode(ids []int32, code func(s int, out []uint64), off, fill, slots []int32) {
	best := make([]uint64, len(slots))
	var buf [codeBlock]uint64
	for s := 0; s < len(ids); s += codeBlock {
		codes := buf[:min(codeBlock, len(ids)-s)]
		code(s, codes)
		for i, c := range codes {
			g := ids[s+i]
			lo, hi := off[g], off[g+1]
			j := lo + fill[g]
			if j < hi {
				fill[g]++
			} else {
				// The group is full: the row enters only by beating its
				// worst, which it replaces. Equal is not enough, the
				// earlier row wins a tie.
				j = hi - 1
				if c >= best[j] {
					continue
				}
			}
			for ; j > lo && c < best[j-1]; j-- {
				best[j], slots[j] = best[j-1], slots[j-1]
			}
			best[j], slots[j] = c, int32(s+i)
		}
	}
}

// keepByComparer is keepByCode for order keys that have no code, ranked by
// cmp, a comparer of rec with itself on the order keys. Comparisons are the
// expensive part here, so a row's place among the kept is found by binary
// search rather than by walking down from the worst.
func keepByComparer(ids []int32, cmp *kernels.RowComparer, off, fill, slots []int32) {
	for r, g := range ids {
		lo, hi := off[g], off[g+1]
		m := lo + fill[g]
		if m < hi {
			fill[g]++
		} else {
			m = hi - 1
			if cmp.Compare(r, int(slots[m])) >= 0 {
				continue
			}
		}
		// Place r after every kept row it does not beat: find the first
		// of slots[lo:m] that r sorts strictly before.
		a, b := lo, m
		for a < b {
			h := int32(uint32(a+b) >> 1)
			if cmp.Compare(r, int(slots[h])) < 0 {
				b = h
			} else {
				a = h + 1
			}
		}
		copy(slots[a+1:m+1], slots[a:m])
		slots[a] = int32(r)
	}
}

// orderCoder returns a function that writes, for rows s, s+1... of rec,
// a uint64 code whose unsigned order is the order of by, or nil when by
// has no such code: the common case of at most one key, on a column of a
// fixed-width numeric type without nulls. (A null needs a code outside
// the values' range, which integers do not leave.) The codes follow the
// sort kernel's order: integers in value order, floats with -0 equal to
// +0 and every NaN above +Inf, all reversed for Desc.
func orderCoder(rec arrow.Record, by []kernels.SortKey) func(s int, out []uint64) {
	switch len(by) {
	case 0:
		// No order at all: every row ties, and the first k rows win.
		return func(_ int, out []uint64) { clear(out) }
	case 1:
	default:
		return nil
	}
	a := rec.Column(by[0].Col)
	if a.NullN() != 0 || a.Len() == 0 {
		return nil
	}
	var flip uint64
	if by[0].Desc {
		flip = math.MaxUint64
	}
	d := a.Data()
	switch a.DataType().ID() {
	case arrow.INT8:
		return signedCodes(arrow.GetValues[int8](d, 1), flip)
	case arrow.INT16:
		return signedCodes(arrow.GetValues[int16](d, 1), flip)
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		return signedCodes(arrow.GetValues[int32](d, 1), flip)
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME64, arrow.DURATION:
		return signedCodes(arrow.GetValues[int64](d, 1), flip)
	case arrow.UINT8:
		return unsignedCodes(arrow.GetValues[uint8](d, 1), flip)
	case arrow.UINT16:
		return unsignedCodes(arrow.GetValues[uint16](d, 1), flip)
	case arrow.UINT32:
		return unsignedCodes(arrow.GetValues[uint32](d, 1), flip)
	case arrow.UINT64:
		return unsignedCodes(arrow.GetValues[uint64](d, 1), flip)
	case arrow.FLOAT32:
		return floatCodes(arrow.GetValues[float32](d, 1), flip)
	case arrow.FLOAT64:
		return floatCodes(arrow.GetValues[float64](d, 1), flip)
	}
	return nil
}

// signedCodes codes signed integers: the sign bit flipped puts them in
// unsigned order.
func signedCodes[T int8 | int16 | int32 | int64](v []T, flip uint64) func(int, []uint64) {
	return func(s int, out []uint64) {
		for i, x := range v[s : s+len(out)] {
			out[i] = uint64(int64(x)) ^ (1 << 63) ^ flip
		}
	}
}

func unsignedCodes[T uint8 | uint16 | uint32 | uint64](v []T, flip uint64) func(int, []uint64) {
	return func(s int, out []uint64) {
		for i, x := range v[s : s+len(out)] {
			out[i] = uint64(x) ^ flip
		}
	}
}

func floatCodes[T float32 | float64](v []T, flip uint64) func(int, []uint64) {
	return func(s int, out []uint64) {
		for i, x := range v[s : s+len(out)] {
			out[i] = floatOrderCode(float64(x)) ^ flip
		}
	}
}

// floatOrderCode maps a float to a uint64 in the sort kernel's float
// order: the IEEE trick (negative numbers complemented, positive ones with
// the sign bit set), with -0 mapped to +0 and every NaN to the top code.
// A float32 widens to float64 exactly, so one function serves both.
// It is written without branches on the value (x+0 is +0 for both zeros,
// the sign decides the mask, the NaN test compiles to a conditional move)
// because random data makes those branches unpredictable.
func floatOrderCode(x float64) uint64 {
	b := math.Float64bits(x + 0)
	c := b ^ (uint64(int64(b)>>63) | 1<<63)
	if x != x {
		c = math.MaxUint64
	}
	return c
}
