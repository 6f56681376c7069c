package agg

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// quantK: Median and Quantile, exact. Every non-null value is kept, as
// float64, with its group, in chunks in arrival order: one chunk per
// Update or Merge call (small calls share one), so a value is written once
// and never moved as more arrive. A chunk holds either an int32 group per
// value, or, for the lists a Merge takes from states when they hold two
// values or more on average, one (group, count) run per list: at most 12
// bytes a value either way, none per group, plus the room a call reserved
// for rows that turned out null. State groups the values with a counting
// sort; Final groups only those with a group each that way and gathers the
// runs of one group at a time, then selects each group's quantile in
// place. State: [list<float64> of the group's non-null values, in arrival
// order].
type quantK struct {
	q       float64
	chunks  []qchunk
	scratch []float64
}

// qchunk holds values and their groups: grp[i] is the group of val[i], or
// where grp is nil, runs give the groups of consecutive values.
type qchunk struct {
	val  []float64
	grp  []int32
	runs []qrun
}

// qrun says that the next n values of a chunk belong to group g.
type qrun struct{ g, n int32 }

// minChunk is the capacity, in values, of the smallest chunk of grouped
// values, so that many small Updates share chunks.
const minChunk = 1024

func (k *quantK) grow(int) {}

// single returns the chunk of values with a group each to append n more
// values to, within its capacity: the last chunk when it is of that kind
// and has room, a new one otherwise.
func (k *quantK) single(n int) *qchunk {
	if l := len(k.chunks); l > 0 {
		if c := &k.chunks[l-1]; c.grp != nil && cap(c.val)-len(c.val) >= n {
			return c
		}
	}
	size := max(n, minChunk)
	k.chunks = append(k.chunks, qchunk{val: make([]float64, 0, size), grp: make([]int32, 0, size)})
	return &k.chunks[len(k.chunks)-1]
}

func (k *quantK) update(ids []int32, cols []arrow.Array, _ int64) {
	v, nb := floats(cols[0], &k.scratch)[:len(ids)], validity(cols[0])
	c := k.single(len(ids))
	n := len(c.val)
	val, grp := c.val[n:n+len(ids)], c.grp[n:n+len(ids)]
	j := 0
	if nb.bits == nil {
		for i, g := range ids {
			// Writing before testing keeps the loop free of a second branch;
			// a skipped row is overwritten by the next one.
			val[j], grp[j] = v[i], g
			if g >= 0 {
				j++
			}
		}
	} else {
		for i, g := range ids {
			if g >= 0 && nb.ok(i) {
				val[j], grp[j] = v[i], g
				j++
			}
		}
	}
	c.val, c.grp = c.val[:n+j], c.grp[:n+j]
}

func (k *quantK) merge(ids []int32, states []arrow.Array) {
	offs, child := listOffsets(states[0])
	lnb, cnb := validity(states[0]), validity(child)
	v := floats(child, &k.scratch)
	taken := func(i int, g int32) bool {
		return g >= 0 && offs[i+1] > offs[i] && (lnb.bits == nil || lnb.ok(i))
	}
	lists, vals := 0, 0
	for i, g := range ids {
		if taken(i, g) {
			lists++
			vals += int(offs[i+1] - offs[i])
		}
	}
	switch {
	case vals == 0:
		return
	case vals < 2*lists:
		// Runs would cost more than a group per value.
		c := k.single(vals)
		for i, g := range ids {
			if !taken(i, g) {
				continue
			}
			for j := offs[i]; j < offs[i+1]; j++ {
				if cnb.bits == nil || cnb.ok(int(j)) {
					c.val = append(c.val, v[j])
					c.grp = append(c.grp, g)
				}
			}
		}
		return
	}
	c := qchunk{val: make([]float64, 0, vals), runs: make([]qrun, 0, lists)}
	for i, g := range ids {
		if !taken(i, g) {
			continue
		}
		lo, hi, n := int(offs[i]), int(offs[i+1]), len(c.val)
		if cnb.bits == nil {
			c.val = append(c.val, v[lo:hi]...)
		} else {
			for j := lo; j < hi; j++ {
				if cnb.ok(j) {
					c.val = append(c.val, v[j])
				}
			}
		}
		if m := len(c.val) - n; m > 0 {
			c.runs = append(c.runs, qrun{g, int32(m)})
		}
	}
	k.chunks = append(k.chunks, c)
}

// offsets returns the offsets of the n groups' values.
func (k *quantK) offsets(n int) ([]int32, error) {
	cnt := make([]int, n)
	for _, c := range k.chunks {
		for _, g := range c.grp {
			cnt[g]++
		}
		for _, r := range c.runs {
			cnt[r.g] += int(r.n)
		}
	}
	return groupOffsets(cnt, n)
}

// scatter writes k's values into dst ordered by group, in arrival order
// within a group (a counting sort); offs are the groups' offsets. It
// writes into the caller's slice so that State can fill the Arrow buffer
// directly instead of copying a grouped slice into it.
func (k *quantK) scatter(dst []float64, offs []int32) {
	next := slices.Clone(offs[:len(offs)-1])
	for _, c := range k.chunks {
		if c.grp != nil {
			val := c.val[:len(c.grp)]
			for i, g := range c.grp {
				dst[next[g]] = val[i]
				next[g]++
			}
			continue
		}
		pos := 0
		for _, r := range c.runs {
			next[r.g] += int32(copy(dst[next[r.g]:], c.val[pos:pos+int(r.n)]))
			pos += int(r.n)
		}
	}
}

func (k *quantK) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	offs, err := k.offsets(n)
	if err != nil {
		return nil, err
	}
	total := int(offs[n])
	f64 := arrow.PrimitiveTypes.Float64
	db := buffer(mem, 8*total)
	k.scatter(arrow.GetData[float64](db.Bytes())[:total], offs)
	child := makeArray(f64, total, []*memory.Buffer{nil, db}, nil, 0)
	return []arrow.Array{buildList(mem, f64, offs, child)}, nil
}

func (k *quantK) final(mem memory.Allocator, n int) (arrow.Array, error) {
	// The values with a group each are grouped by a counting sort into
	// one slice, where a group's quantile is selected in place. Runs are
	// not copied into it: a group with runs gathers its pieces into a
	// scratch slice the size of the largest group, which stays in cache,
	// instead of every value being written to and read back from a slice
	// as large as all of them.
	single, runOffs := make([]int, n), make([]int32, n+1)
	total := 0
	for _, c := range k.chunks {
		total += len(c.val)
		for _, g := range c.grp {
			single[g]++
		}
		for _, r := range c.runs {
			runOffs[r.g+1]++
		}
	}
	if total > math.MaxInt32 {
		// The same limit as State's, so that a Final never succeeds
		// where the State it could be split into would fail.
		return nil, fmt.Errorf("agg: %d state values overflow a list array", total)
	}
	offs, err := groupOffsets(single, n)
	if err != nil {
		return nil, err
	}
	vals := make([]float64, offs[n])
	next := slices.Clone(offs[:n])
	for g := range n {
		runOffs[g+1] += runOffs[g]
	}
	parts, nextRun := make([][]float64, runOffs[n]), slices.Clone(runOffs[:n])
	for _, c := range k.chunks {
		val := c.val[:len(c.grp)]
		for i, g := range c.grp {
			vals[next[g]] = val[i]
			next[g]++
		}
		pos := 0
		for _, r := range c.runs {
			end := pos + int(r.n)
			parts[nextRun[r.g]] = c.val[pos:end:end]
			nextRun[r.g]++
			pos = end
		}
	}
	out, valid := make([]float64, n), make([]bool, n)
	var buf []float64
	for g := range out {
		xs := vals[offs[g]:offs[g+1]]
		if runOffs[g] < runOffs[g+1] {
			buf = append(buf[:0], xs...)
			for _, p := range parts[runOffs[g]:runOffs[g+1]] {
				buf = append(buf, p...)
			}
			xs = buf
		}
		if len(xs) > 0 {
			out[g], valid[g] = quantile(xs, k.q), true
		}
	}
	return buildFixed(mem, arrow.PrimitiveTypes.Float64, out, valid), nil
}

// quantile returns the q-quantile of xs (not empty), which it reorders:
// with xs sorted, NaN after every number, and h = q*(len(xs)-1), it is
// xs[⌊h⌋] + (h-⌊h⌋)*(xs[⌊h⌋+1]-xs[⌊h⌋]), or xs[⌊h⌋] itself when h is whole
// or the two neighbours are equal. -0 and +0 are equal here, so where both
// occur a zero result may have either sign.
//
// Only the two ranks are needed, so it selects xs[⌊h⌋] (expected linear
// time) instead of sorting, and takes its upper neighbour as the smallest
// value above it.
func quantile(xs []float64, q float64) float64 {
	// Move the numbers before the NaNs; the first loop only reads, as
	// most groups have no NaN.
	m := 0
	for m < len(xs) && xs[m] == xs[m] {
		m++
	}
	for _, x := range xs[m:] {
		if x == x {
			xs[m] = x
			m++
		}
	}
	for i := m; i < len(xs); i++ {
		xs[i] = math.NaN()
	}
	h := q * float64(len(xs)-1)
	lo := int(h)
	frac := h - float64(lo)
	if lo >= m {
		return xs[lo] // NaN
	}
	nums := xs[:m]
	end := selectNth(nums, lo, 2*bits.Len(uint(m)))
	a := nums[lo]
	if frac == 0 || lo+1 >= len(xs) {
		return a
	}
	b := xs[lo+1] // NaN when lo is the last number
	if lo+1 < m {
		b = nums[lo+1]
		for _, x := range nums[lo+2 : end] {
			if x < b {
				b = x
			}
		}
	}
	if b != a {
		return a + frac*(b-a)
	}
	return a
}

// selectCutoff is the length below which selectNth sorts what is left:
// insertion sort beats partitioning on a few values.
const selectCutoff = 16

// selectNth reorders xs (no NaN) so that xs[k] is the value sorting would
// put there, with no greater value before it and no smaller one after
// it (quickselect). It returns end > k such that the smallest value of
// xs[k+1:] is in xs[k+1:end], often much shorter, when k+1 < len(xs).
//
// budget bounds the partitions before it sorts what is left instead, so a
// run of bad pivots (inputs built against the pivot rule) costs at most
// O(n log n); 2*log2(n) is seldom reached by chance, since a pivot chosen
// as a median of three or nine rarely splits off less than a quarter.
func selectNth(xs []float64, k, budget int) int {
	lo, hi, end := 0, len(xs), len(xs)
	for hi-lo > selectCutoff && budget > 0 {
		budget--
		p := xs[lo+pivot(xs[lo:hi])]
		mid := lo + partitionLess(xs[lo:hi], p)
		if k < mid {
			// Every value of xs[mid:hi] is at least every value before
			// mid, and every value from hi on at least those, so the
			// smallest value after k lies before hi.
			end, hi = hi, mid
			continue
		}
		if (mid-lo)*8 < hi-lo {
			// Few values were below p: p may be one of many equal values,
			// which no pivot can split, so they are split off instead.
			eq := mid + partitionAtMost(xs[mid:hi], p)
			if k < eq {
				switch {
				case k+1 < eq:
					return k + 2
				case eq < hi:
					return hi
				}
				return end
			}
			mid = eq
		}
		lo = mid
	}
	if hi-lo > selectCutoff {
		slices.Sort(xs[lo:hi])
	} else {
		insertionSort(xs[lo:hi])
	}
	if k+1 < hi {
		return k + 2
	}
	return end
}

// pivot returns the index of a value of xs (len > selectCutoff) to
// partition around: the median of three values, or for long slices
// Tukey's ninther (a median of three medians of three), spread over xs so
// that sorted and organ-pipe runs still split near the middle.
func pivot(xs []float64) int {
	n := len(xs)
	if n < 128 {
		return median3(xs, 0, n/2, n-1)
	}
	s := n / 8
	return median3(xs, median3(xs, 0, s, 2*s), median3(xs, n/2-s, n/2, n/2+s), median3(xs, n-1-2*s, n-1-s, n-1))
}

// partitionLess reorders xs so that the values below p come first and
// returns how many there are (Lomuto's scheme). Every value is swapped and
// the count grows by the comparison's outcome, so the loop has no branch
// on the data to mispredict, which costs more on random values than the
// extra stores.
func partitionLess(xs []float64, p float64) int {
	i := 0
	for j, x := range xs {
		xs[j] = xs[i]
		xs[i] = x
		d := 0
		if x < p {
			d = 1
		}
		i += d
	}
	return i
}

// median3 returns which of the indexes a, b and c holds the median of
// their three values.
func median3(xs []float64, a, b, c int) int {
	if xs[b] < xs[a] {
		a, b = b, a
	}
	if xs[c] < xs[b] {
		if xs[c] < xs[a] {
			return a
		}
		return c
	}
	return b
}

func insertionSort(xs []float64) {
	for i := 1; i < len(xs); i++ {
		x, j := xs[i], i
		for ; j > 0 && x < xs[j-1]; j-- {
			xs[j] = xs[j-1]
		}
		xs[j] = x
	}
}

// partitionAtMost is partitionLess for the values at most p.
func partitionAtMost(xs []float64, p float64) int {
	i := 0
	for j, x := range xs {
		xs[j] = xs[i]
		xs[i] = x
		d := 0
		if x <= p {
			d = 1
		}
		i += d
	}
	return i
}
