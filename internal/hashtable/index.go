package hashtable

import (
	"math/bits"

	"github.com/dusk-go/dusk/internal/hashing"
)

// The index of one-word keys (modeDirect, modePacked) is either a dense
// array indexed by key-dlo, when the key range is small for the number of
// keys, or open-addressing slots probed linearly from the top bits of the
// key's hash. reindex chooses between them whenever the range or the
// number of keys outgrows the current one, so a table can move both ways.
const (
	minSlots   = 64
	denseMin   = 1 << 16 // a dense array this long is always allowed
	denseRatio = 32      // a longer one needs a key per denseRatio entries
	touchMin   = 1 << 14 // slot arrays this long get the prefetch pass
	batch      = 256     // rows per prefetch pass

	maxDenseSpan = 1 << 40 // direct keys spanning more are always hashed
)

// slotHash is the hash of a one-word key.
func slotHash(k uint64) uint64 { return hashing.Mix64(k) }

// observe widens the observed code range of column c by the non-null
// codes of the current chunk and reports whether it had any.
func (t *Table) observe(c, m int) bool {
	mn, mx, ok := minMax(t.codes[c][:m], t.nullsOf(c, m))
	if !ok {
		return false
	}
	if !t.seen[c] {
		t.seen[c], t.obsLo[c], t.obsHi[c] = true, mn, mx
	}
	t.obsLo[c], t.obsHi[c] = min(t.obsLo[c], mn), max(t.obsHi[c], mx)
	return true
}

// covers reports whether the dense array holds keys lo..hi.
func (t *Table) covers(lo, hi uint64) bool {
	return lo >= t.dlo && hi-t.dlo < uint64(len(t.dense))
}

// denseRange returns the first key and length a dense array would have,
// and whether one is allowed for need keys.
func (t *Table) denseRange(need int) (lo uint64, size int, ok bool) {
	if t.mode == modePacked {
		total := uint(0)
		for _, f := range t.lay {
			total += f.bits
		}
		if uint64(1)<<min(total, 63) > maxDenseSpan {
			return 0, 0, false
		}
		size = 1 << total
	} else if t.seen[0] {
		span := t.obsHi[0] - t.obsLo[0]
		if span >= maxDenseSpan {
			return 0, 0, false
		}
		size = 1 << bits.Len64(span)
		// centre the spare room around the observed range
		lo = t.obsLo[0] - min(t.obsLo[0], (uint64(size)-1-span)/2)
		lo = min(lo, ^uint64(0)-uint64(size-1))
	}
	return lo, size, size <= max(denseMin, denseRatio*need)
}

// reindex rebuilds the index for n+extra keys; keysChanged says that
// t.keys were re-encoded, so the old index cannot be reused.
func (t *Table) reindex(extra int, keysChanged bool) {
	need := int(t.n) + extra
	if lo, size, ok := t.denseRange(need); ok {
		if !keysChanged && t.dense != nil && lo == t.dlo && size == len(t.dense) {
			return
		}
		d := make([]uint32, size)
		for id, k := range t.keys {
			if int32(id) != t.nullID {
				d[k-lo] = uint32(id) + 1
			}
		}
		t.dense, t.dlo, t.slots = d, lo, nil
		return
	}
	// A reservation sizes hashed slots that grow because they are full,
	// and those rebuilt for a relayout once a sixteenth of it is in (the
	// slots would soon grow to it anyway), not earlier relayouts (slots of
	// the full size cleared for a few keys, again and again while the key
	// ranges widen) nor a dense array (chosen by the keys seen).
	if !keysChanged || 16*need >= t.reserve {
		need = max(need, t.reserve)
	}
	capacity := minSlots
	for capacity/2 < need {
		capacity *= 2
	}
	if keysChanged || t.dense != nil {
		t.slots = nil
	}
	t.dense = nil
	t.rehash(capacity)
}

// rehash rebuilds the slots with the given power-of-two capacity, from the
// old slots in order when there are some (their home slots then come in
// increasing order, so the writes are nearly sequential) or from the keys.
func (t *Table) rehash(capacity int) {
	old := t.slots
	t.slots = make([]slot, capacity)
	t.shift = uint(64 - bits.TrailingZeros(uint(capacity)))
	t.growAt = capacity / 10 * 7
	if old == nil {
		if t.mode == modeWide {
			w := len(t.specs) + 1
			for id := range int(t.n) {
				t.place(slot{key: wideHash(t.wkeys[id*w : id*w+w]), id: uint32(id) + 1})
			}
			return
		}
		for id, k := range t.keys {
			if int32(id) != t.nullID {
				t.place(slot{key: k, id: uint32(id) + 1})
			}
		}
		return
	}
	// start after an empty slot, so that no cluster wraps around first
	start := 0
	for old[start].id != 0 {
		start++
	}
	for i := range old {
		if s := old[(start+i)&(len(old)-1)]; s.id != 0 {
			t.place(s)
		}
	}
}

// place puts s into the first free slot from its home.
func (t *Table) place(s slot) {
	h := s.key
	if t.mode != modeWide {
		h = slotHash(h)
	}
	mask := uint64(len(t.slots) - 1)
	j := h >> t.shift
	for t.slots[j].id != 0 {
		j = (j + 1) & mask
	}
	t.slots[j] = s
}

// insertKeys assigns ids to one-word keys; rows with skip[i] get the null
// group (nullGroup) or -1. The dense array, if any, covers the keys.
func (t *Table) insertKeys(keys []uint64, skip []bool, ids []int32, nullGroup bool) {
	if t.dense != nil {
		// n and stored live in locals; nullGroup needs them in t
		d, lo, n, stored := t.dense, t.dlo, t.n, t.keys
		for i, k := range keys {
			if skip != nil && skip[i] {
				ids[i] = -1
				if nullGroup {
					t.n, t.keys = n, stored
					ids[i] = t.nullGroup(true)
					n, stored = t.n, t.keys
				}
				continue
			}
			p := &d[k-lo]
			if *p == 0 {
				n++
				*p = uint32(n)
				stored = append(stored, k)
			}
			ids[i] = int32(*p) - 1
		}
		t.n, t.keys = n, stored
		return
	}
	for s := 0; s < len(keys); s += batch {
		e := min(len(keys), s+batch)
		if i := t.insertHashed(keys[s:e], skip, s, ids[s:e], nullGroup); i < e-s {
			// the table grew at row s+i: carry on with the new index
			if skip != nil {
				skip = skip[s+i:]
			}
			t.insertKeys(keys[s+i:], skip, ids[s+i:], nullGroup)
			return
		}
	}
}

// prefetch loads the home slot of each hash in hs before the probes: the
// loads have no dependencies, so their cache misses overlap.
func (t *Table) prefetch(hs []uint64) {
	if len(t.slots) < touchMin {
		return
	}
	slots, shift := t.slots, t.shift
	var x uint64
	for _, h := range hs {
		x += slots[h>>shift].key
	}
	t.sink += x
}

// insertHashed inserts keys (rows off.. of skip) into the slots; it stops
// and returns the row index when the slots must grow first.
func (t *Table) insertHashed(keys []uint64, skip []bool, off int, ids []int32, nullGroup bool) int {
	hs := t.hs[:len(keys)]
	for i, k := range keys {
		hs[i] = slotHash(k)
	}
	t.prefetch(hs)
	slots, shift := t.slots, t.shift
	mask := uint64(len(slots) - 1)
	for i, k := range keys {
		if skip != nil && skip[off+i] {
			ids[i] = -1
			if nullGroup {
				ids[i] = t.nullGroup(true)
			}
			continue
		}
		for j := hs[i] >> shift; ; j = (j + 1) & mask {
			sl := &slots[j]
			if sl.key == k && sl.id != 0 {
				ids[i] = int32(sl.id) - 1
				break
			}
			if sl.id == 0 {
				if int(t.n) >= t.growAt {
					t.reindex(len(keys)-i, false)
					return i
				}
				sl.key, sl.id = k, uint32(t.n)+1
				t.keys = append(t.keys, k)
				ids[i] = t.n
				t.n++
				break
			}
		}
	}
	return len(keys)
}

// findKeys looks up one-word keys; rows with skip[i] get the null group
// (nullGroup) or -1, absent keys -1.
func (t *Table) findKeys(keys []uint64, skip []bool, ids []int32, nullGroup bool) {
	for i := range keys {
		if skip != nil && skip[i] {
			ids[i] = -1
			if nullGroup {
				ids[i] = t.nullGroup(false)
			}
		}
	}
	if t.dense != nil {
		d, lo := t.dense, t.dlo
		for i, k := range keys {
			if skip == nil || !skip[i] {
				id := int32(-1)
				if k-lo < uint64(len(d)) {
					id = int32(d[k-lo]) - 1
				}
				ids[i] = id
			}
		}
		return
	}
	mask := uint64(len(t.slots) - 1)
	for s := 0; s < len(keys); s += batch {
		e := min(len(keys), s+batch)
		hs := t.hs[:e-s]
		for i, k := range keys[s:e] {
			hs[i] = slotHash(k)
		}
		t.prefetch(hs)
		for i, k := range keys[s:e] {
			if skip != nil && skip[s+i] {
				continue
			}
			id := int32(-1)
			for j := hs[i] >> t.shift; ; j = (j + 1) & mask {
				sl := &t.slots[j]
				if sl.key == k && sl.id != 0 {
					id = int32(sl.id) - 1
					break
				}
				if sl.id == 0 {
					break
				}
			}
			ids[s+i] = id
		}
	}
}
