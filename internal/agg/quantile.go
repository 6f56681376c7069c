package agg

import (
	"math"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// quantK: Median and Quantile, exact. Every non-null value is kept, as
// float64, in one slice in arrival order with its group in a parallel
// slice: 12 bytes a value (up to twice that while the slices grow), none
// per group. State and Final group the values with a counting sort; Final
// then sorts each group's values. State: [list<float64> of the group's
// non-null values, in arrival order].
type quantK struct {
	q       float64
	val     []float64
	grp     []int32
	scratch []float64
}

func (k *quantK) grow(int) {}

func (k *quantK) update(ids []int32, cols []arrow.Array, _ int64) {
	v, nb := floats(cols[0], &k.scratch)[:len(ids)], validity(cols[0])
	for i, g := range ids {
		if g >= 0 && (nb.bits == nil || nb.ok(i)) {
			k.val = append(k.val, v[i])
			k.grp = append(k.grp, g)
		}
	}
}

func (k *quantK) merge(ids []int32, states []arrow.Array) {
	offs, child := listOffsets(states[0])
	lnb, cnb := validity(states[0]), validity(child)
	v := floats(child, &k.scratch)
	for i, g := range ids {
		if g < 0 || lnb.bits != nil && !lnb.ok(i) {
			continue
		}
		for j := int(offs[i]); j < int(offs[i+1]); j++ {
			if cnb.bits == nil || cnb.ok(j) {
				k.val = append(k.val, v[j])
				k.grp = append(k.grp, g)
			}
		}
	}
}

// grouped returns the offsets of the n groups' values and a copy of the
// values ordered by group.
func (k *quantK) grouped(n int) ([]int32, []float64, error) {
	cnt := make([]int, n)
	for _, g := range k.grp {
		cnt[g]++
	}
	offs, err := groupOffsets(cnt, n)
	if err != nil {
		return nil, nil, err
	}
	return offs, scatter(k.val, k.grp, offs), nil
}

func (k *quantK) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	offs, vals, err := k.grouped(n)
	if err != nil {
		return nil, err
	}
	f64 := arrow.PrimitiveTypes.Float64
	return []arrow.Array{buildList(mem, f64, offs, buildFixed(mem, f64, vals, nil))}, nil
}

func (k *quantK) final(mem memory.Allocator, n int) (arrow.Array, error) {
	offs, vals, err := k.grouped(n)
	if err != nil {
		return nil, err
	}
	out, valid := make([]float64, n), make([]bool, n)
	for g := range out {
		if xs := vals[offs[g]:offs[g+1]]; len(xs) > 0 {
			out[g], valid[g] = quantile(xs, k.q), true
		}
	}
	return buildFixed(mem, arrow.PrimitiveTypes.Float64, out, valid), nil
}

// quantile returns the q-quantile of xs (not empty), which it reorders:
// with xs sorted, NaN after every number, and h = q*(len(xs)-1), it is
// xs[⌊h⌋] + (h-⌊h⌋)*(xs[⌊h⌋+1]-xs[⌊h⌋]), or xs[⌊h⌋] itself when h is whole
// or the two neighbours are equal.
func quantile(xs []float64, q float64) float64 {
	m := 0
	for _, x := range xs {
		if x == x {
			xs[m] = x
			m++
		}
	}
	for i := m; i < len(xs); i++ {
		xs[i] = math.NaN()
	}
	slices.Sort(xs[:m])
	h := q * float64(len(xs)-1)
	lo := int(h)
	a, frac := xs[lo], h-float64(lo)
	if frac == 0 || lo+1 >= len(xs) {
		return a
	}
	if b := xs[lo+1]; b != a {
		return a + frac*(b-a)
	}
	return a
}
