package agg

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// dkey is a (group, value) pair of CountDistinct over a fixed-width column:
// integers by their two's-complement bits, floats by the bits of their
// float64 value with every NaN one key and -0 the key of +0.
type dkey struct {
	g int32
	k uint64
}

// nanKey is the key of every NaN.
const nanKey = 0x7ff8000000000001

// distinctK: CountDistinct over a fixed-width column. One hash set of
// (group, value) pairs holds every group's distinct values; the values are
// also kept in insertion order with their groups, to build the state.
// State: [list<input type> of the group's distinct values, in first-seen
// order].
type distinctK[T fixed] struct {
	dt      arrow.DataType
	float   bool
	set     map[dkey]struct{}
	grp     []int32
	val     []T
	cnt     []int64
	scratch []T
}

func newDistinct[T fixed](dt arrow.DataType) kernel {
	id := dt.ID()
	return &distinctK[T]{dt: dt, float: id == arrow.FLOAT32 || id == arrow.FLOAT64, set: map[dkey]struct{}{}}
}

func (k *distinctK[T]) grow(n int) { k.cnt = grown(k.cnt, n, 0) }

func (k *distinctK[T]) add(g int32, x T) {
	var key uint64
	if k.float {
		switch f := float64(x); {
		case f != f:
			key = nanKey
		case f == 0:
			key = 0
		default:
			key = math.Float64bits(f)
		}
	} else {
		key = uint64(int64(x))
	}
	n := len(k.set)
	k.set[dkey{g, key}] = struct{}{}
	if len(k.set) > n {
		k.grp = append(k.grp, g)
		k.val = append(k.val, x)
		k.cnt[g]++
	}
}

func (k *distinctK[T]) update(ids []int32, cols []arrow.Array, _ int64) {
	v, nb := values(cols[0], &k.scratch)[:len(ids)], validity(cols[0])
	for i, g := range ids {
		if g >= 0 && (nb.bits == nil || nb.ok(i)) {
			k.add(g, v[i])
		}
	}
}

func (k *distinctK[T]) merge(ids []int32, states []arrow.Array) {
	offs, child := listOffsets(states[0])
	lnb, cnb := validity(states[0]), validity(child)
	v := values(child, &k.scratch)
	for i, g := range ids {
		if g < 0 || lnb.bits != nil && !lnb.ok(i) {
			continue
		}
		for j := int(offs[i]); j < int(offs[i+1]); j++ {
			if cnb.bits == nil || cnb.ok(j) {
				k.add(g, v[j])
			}
		}
	}
}

func (k *distinctK[T]) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	offs, err := groupOffsets(k.cnt, n)
	if err != nil {
		return nil, err
	}
	child := buildFixed(mem, k.dt, scatter(k.val, k.grp, offs), nil)
	return []arrow.Array{buildList(mem, k.dt, offs, child)}, nil
}

func (k *distinctK[T]) final(mem memory.Allocator, n int) (arrow.Array, error) {
	return buildFixed(mem, arrow.PrimitiveTypes.Int64, k.cnt[:n], nil), nil
}
