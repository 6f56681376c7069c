package agg

import (
	"bytes"
	"encoding/binary"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// This file holds the kernels over string (offsets O = int32) and
// large_string (O = int64) columns: Min, Max, First, Last and
// CountDistinct. Values are read as byte slices of the Arrow buffers and
// copied into Go strings only when they become a group's state.

// strCol is a string column's offsets, bytes and validity.
type strCol[O int32 | int64] struct {
	off  []O
	data []byte
	nb   bitmap
}

func strColOf[O int32 | int64](a arrow.Array) strCol[O] {
	c := strCol[O]{nb: validity(a)}
	if a.Len() == 0 {
		return c
	}
	d := a.Data()
	c.off = arrow.GetOffsets[O](d, 1)
	if b := d.Buffers()[2]; b != nil {
		c.data = b.Bytes()
	}
	return c
}

func (c strCol[O]) at(i int) []byte { return c.data[c.off[i]:c.off[i+1]] }

func (c strCol[O]) valid(i int) bool { return c.nb.bits == nil || c.nb.ok(i) }

func newString[O int32 | int64](k Kind, dt arrow.DataType) kernel {
	if k == CountDistinct {
		return &strDistinctK[O]{dt: dt, set: map[string]struct{}{}}
	}
	return &strK[O]{dt: dt, kind: k}
}

// strK: Min, Max (byte-wise order), First and Last over strings. Min and
// Max remember, per batch, the row of each group's best candidate (cand,
// -1 for none; touched lists the groups that have one) and copy only the
// winners when the batch is done. First scans a batch forwards and Last
// backwards, so each copies at most one value per group and batch.
// State: Min, Max: [value, null when the group has no value]; First, Last:
// [value, null when none; position int64].
type strK[O int32 | int64] struct {
	dt      arrow.DataType
	kind    Kind
	val     []string
	seen    []bool
	pos     []int64
	cand    []int32
	touched []int32
}

func (k *strK[O]) grow(n int) {
	k.val = grown(k.val, n, "")
	k.seen = grown(k.seen, n, false)
	k.pos = grown(k.pos, n, 0)
	k.cand = grown(k.cand, n, -1)
}

func (k *strK[O]) update(ids []int32, cols []arrow.Array, base int64) {
	c := strColOf[O](cols[0])
	switch k.kind {
	case Min, Max:
		k.fold(ids, c)
	case First:
		for i, g := range ids {
			if g >= 0 && c.valid(i) {
				if p := base + int64(i); !k.seen[g] || p < k.pos[g] {
					k.val[g], k.pos[g], k.seen[g] = string(c.at(i)), p, true
				}
			}
		}
	default: // Last
		for i := len(ids) - 1; i >= 0; i-- {
			if g := ids[i]; g >= 0 && c.valid(i) {
				if p := base + int64(i); !k.seen[g] || p > k.pos[g] {
					k.val[g], k.pos[g], k.seen[g] = string(c.at(i)), p, true
				}
			}
		}
	}
}

func (k *strK[O]) merge(ids []int32, states []arrow.Array) {
	c := strColOf[O](states[0])
	if k.kind == Min || k.kind == Max {
		k.fold(ids, c)
		return
	}
	pos, last := values[int64](states[1], nil)[:len(ids)], k.kind == Last
	for i, g := range ids {
		if g >= 0 && c.valid(i) {
			if p := pos[i]; !k.seen[g] || (p < k.pos[g]) != last {
				k.val[g], k.pos[g], k.seen[g] = string(c.at(i)), p, true
			}
		}
	}
}

// fold folds the strings of c into the Min or Max of their groups.
func (k *strK[O]) fold(ids []int32, c strCol[O]) {
	max, cand, val, seen := k.kind == Max, k.cand, k.val, k.seen
	for i, g := range ids {
		if g < 0 || !c.valid(i) {
			continue
		}
		s := c.at(i)
		if j := cand[g]; j >= 0 {
			if d := bytes.Compare(s, c.at(int(j))); max && d > 0 || !max && d < 0 {
				cand[g] = int32(i)
			}
		} else if !seen[g] || max && string(s) > val[g] || !max && string(s) < val[g] {
			cand[g] = int32(i)
			k.touched = append(k.touched, g)
		}
	}
	for _, g := range k.touched {
		val[g], seen[g], cand[g] = string(c.at(int(cand[g]))), true, -1
	}
	k.touched = k.touched[:0]
}

func (k *strK[O]) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	v, err := buildStrings[O](mem, k.dt, k.val[:n], k.seen[:n])
	if err != nil || k.kind == Min || k.kind == Max {
		return []arrow.Array{v}, err
	}
	return []arrow.Array{v, buildFixed(mem, arrow.PrimitiveTypes.Int64, k.pos[:n], nil)}, nil
}

func (k *strK[O]) final(mem memory.Allocator, n int) (arrow.Array, error) {
	return buildStrings[O](mem, k.dt, k.val[:n], k.seen[:n])
}

// strDistinctK: CountDistinct over strings. The hash set's keys are the
// group (4 bytes) followed by the value; val holds the keys' value parts in
// insertion order with their groups in grp. State: [list<input type> of the
// group's distinct values, in first-seen order].
type strDistinctK[O int32 | int64] struct {
	dt  arrow.DataType
	set map[string]struct{}
	grp []int32
	val []string
	cnt []int64
	key []byte
}

func (k *strDistinctK[O]) grow(n int) { k.cnt = grown(k.cnt, n, 0) }

func (k *strDistinctK[O]) add(g int32, s []byte) {
	k.key = append(binary.LittleEndian.AppendUint32(k.key[:0], uint32(g)), s...)
	if _, ok := k.set[string(k.key)]; ok {
		return
	}
	key := string(k.key)
	k.set[key] = struct{}{}
	k.grp = append(k.grp, g)
	k.val = append(k.val, key[4:])
	k.cnt[g]++
}

func (k *strDistinctK[O]) update(ids []int32, cols []arrow.Array, _ int64) {
	c := strColOf[O](cols[0])
	for i, g := range ids {
		if g >= 0 && c.valid(i) {
			k.add(g, c.at(i))
		}
	}
}

func (k *strDistinctK[O]) merge(ids []int32, states []arrow.Array) {
	offs, child := listOffsets(states[0])
	lnb, c := validity(states[0]), strColOf[O](child)
	for i, g := range ids {
		if g < 0 || lnb.bits != nil && !lnb.ok(i) {
			continue
		}
		for j := int(offs[i]); j < int(offs[i+1]); j++ {
			if c.valid(j) {
				k.add(g, c.at(j))
			}
		}
	}
}

func (k *strDistinctK[O]) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	offs, err := groupOffsets(k.cnt, n)
	if err != nil {
		return nil, err
	}
	child, err := buildStrings[O](mem, k.dt, scatter(k.val, k.grp, offs), nil)
	if err != nil {
		return nil, err
	}
	return []arrow.Array{buildList(mem, k.dt, offs, child)}, nil
}

func (k *strDistinctK[O]) final(mem memory.Allocator, n int) (arrow.Array, error) {
	return buildFixed(mem, arrow.PrimitiveTypes.Int64, k.cnt[:n], nil), nil
}
