package hashtable

import (
	"math/bits"

	"github.com/dusk-go/dusk/internal/hashing"
)

// field is one column's place in a packed key: a code x is stored as
// x-lo+1 in bits [shift, shift+bits) of the word, 0 standing for null. A
// column that has shown no value yet has 0 bits.
type field struct {
	lo    uint64
	bits  uint
	shift uint
}

// fieldMask is the mask of b low bits (all ones for b = 64).
func fieldMask(b uint) uint64 { return 1<<b - 1 }

// covers reports whether f can store every code in [lo, hi].
func (f field) covers(lo, hi uint64) bool {
	return lo >= f.lo && hi-f.lo < fieldMask(f.bits)
}

// get returns the code and nullness stored for f in the packed word pk.
func (f field) get(pk uint64) (uint64, bool) {
	x := pk >> f.shift & fieldMask(f.bits)
	if x == 0 {
		return 0, true
	}
	return x - 1 + f.lo, false
}

func minMax(codes []uint64, nulls []bool) (mn, mx uint64, ok bool) {
	mn = ^uint64(0)
	if nulls == nil {
		for _, x := range codes {
			mn, mx = min(mn, x), max(mx, x)
		}
		return mn, mx, len(codes) > 0
	}
	for i, x := range codes {
		if !nulls[i] {
			mn, mx, ok = min(mn, x), max(mx, x), true
		}
	}
	return mn, mx, ok
}

// packed handles modePacked: each row's codes are packed into one word,
// which is the hash table key. An insert whose codes leave the layout
// widens it first, or moves the table to modeWide when 64 bits no longer
// suffice.
func (t *Table) packed(ids []int32, insert bool) {
	m := len(ids)
	if insert {
		widen := false
		for c := range t.specs {
			if t.observe(c, m) {
				widen = widen || !t.lay[c].covers(t.obsLo[c], t.obsHi[c])
			}
		}
		if widen && !t.relayout() {
			t.toWide()
			t.wide(ids, insert, false)
			return
		}
	}
	pk, skip := t.pk[:m], t.skip[:m]
	clear(pk)
	clear(skip)
	anySkip := false
	for c, f := range t.lay {
		codes, nulls := t.codes[c][:m], t.nullsOf(c, m)
		fm := fieldMask(f.bits)
		switch {
		case insert && f.bits > 0:
			for i, x := range codes {
				pk[i] |= (x - f.lo + 1) & fm << f.shift
			}
		case !insert && f.bits == 0:
			// no value of this column was inserted yet
			for i := range codes {
				if nulls == nil || !nulls[i] {
					skip[i], anySkip = true, true
				}
			}
		case !insert:
			// codes outside the layout cannot be in the table
			for i, x := range codes {
				d := x - f.lo
				if d >= fm && (nulls == nil || !nulls[i]) {
					skip[i], anySkip = true, true
				}
				pk[i] |= (d + 1) & fm << f.shift
			}
		}
		if nulls != nil {
			clr := ^(fm << f.shift)
			for i, isNull := range nulls {
				if isNull {
					pk[i] &= clr
					if !t.nullsEqual {
						skip[i], anySkip = true, true
					}
				}
			}
		}
	}
	if !anySkip {
		skip = nil
	}
	if insert {
		t.insertKeys(pk, skip, ids, false)
	} else {
		t.findKeys(pk, skip, ids, false)
	}
}

// relayout computes a layout holding the observed code ranges, first with
// a spare bit for each widened column, then as tight as possible. It
// re-encodes the keys and reports true if one fits in 64 bits.
func (t *Table) relayout() bool {
	lay := make([]field, len(t.lay))
	for pass := 0; pass < 2; pass++ {
		total := uint(0)
		for c, f := range t.lay {
			if t.seen[c] && (pass == 1 || !f.covers(t.obsLo[c], t.obsHi[c])) {
				f = t.fit(c, f, pass == 0)
			}
			f.shift = total
			total += f.bits
			lay[c] = f
		}
		if total <= 64 {
			t.repack(lay)
			return true
		}
	}
	return false
}

// fit returns the narrowest field for column c's observed codes, with one
// more bit if room is set. When the codes grew downwards, half of the
// spare room goes below them, so that ranges growing in either direction
// cause only logarithmically many relayouts.
func (t *Table) fit(c int, old field, room bool) field {
	lo, span := t.obsLo[c], t.obsHi[c]-t.obsLo[c]
	full := t.specs[c].fullBits()
	b := full
	if span < ^uint64(0) {
		b = min(full, uint(bits.Len64(span+1)))
	}
	if room && b < full {
		b++
		if lo < old.lo && old.bits > 0 && b < 64 {
			lo -= min(lo, (fieldMask(b)-1-span)/2)
		}
	}
	return field{lo: lo, bits: b}
}

// repack re-encodes every packed key from t.lay to lay and rebuilds the
// slots.
func (t *Table) repack(lay []field) {
	for id, pk := range t.keys {
		var np uint64
		for c, f := range t.lay {
			if x, null := f.get(pk); !null {
				np |= (x - lay[c].lo + 1) << lay[c].shift
			}
		}
		t.keys[id] = np
	}
	t.lay = lay
	t.reindex(chunk, true)
}

// toWide moves a packed table to modeWide.
func (t *Table) toWide() {
	k := len(t.specs)
	w := k + 1
	t.wkeys = make([]uint64, 0, len(t.keys)*w+chunk*w)
	for _, pk := range t.keys {
		var nm uint64
		for c, f := range t.lay {
			x, null := f.get(pk)
			if null {
				nm |= 1 << c
			}
			t.wkeys = append(t.wkeys, x)
		}
		t.wkeys = append(t.wkeys, nm)
	}
	t.mode = modeWide
	t.keys, t.lay, t.obsLo, t.obsHi, t.seen, t.dense = nil, nil, nil, nil, nil, nil
	t.wbuf = make([]uint64, chunk*w)
	t.slots = nil
	capacity := minSlots
	for capacity/2 < max(int(t.n)+chunk, t.reserve) {
		capacity *= 2
	}
	t.rehash(capacity)
}

// wideHash hashes one wide key.
func wideHash(key []uint64) uint64 {
	h := uint64(rowSeed)
	for _, x := range key {
		h = hashing.Mix64(h + x)
	}
	return h
}

func wordsEqual(a, b []uint64) bool {
	b = b[:len(a)]
	for i, x := range a {
		if x != b[i] {
			return false
		}
	}
	return true
}

// wide handles modeWide: a key is one word per column (its code, 0 for
// null) and a word of null flags; the slots hold the row hash.
func (t *Table) wide(ids []int32, insert, absent bool) {
	m, k := len(ids), len(t.specs)
	w := k + 1
	buf, skip := t.wbuf[:m*w], t.skip[:m]
	clear(skip)
	anySkip := false
	for i := 0; i < m; i++ {
		buf[i*w+k] = 0
	}
	for c := range t.specs {
		codes, nulls := t.codes[c][:m], t.nullsOf(c, m)
		for i, x := range codes {
			buf[i*w+c] = x
			if absent && x == codeAbsent && (nulls == nil || !nulls[i]) {
				skip[i], anySkip = true, true
			}
		}
		for i, isNull := range nulls {
			if isNull {
				buf[i*w+k] |= 1 << c
				if !t.nullsEqual {
					skip[i], anySkip = true, true
				}
			}
		}
	}
	for i := range ids {
		if anySkip && skip[i] {
			ids[i] = -1
			continue
		}
		key := buf[i*w : i*w+w]
		h := wideHash(key)
		id := int32(-1)
		mask := uint64(len(t.slots) - 1)
		for j := h >> t.shift; ; j = (j + 1) & mask {
			sl := &t.slots[j]
			if sl.id == 0 {
				if !insert {
					break
				}
				if int(t.n) >= t.growAt {
					t.rehash(2 * len(t.slots))
					mask = uint64(len(t.slots) - 1)
					j = h>>t.shift - 1
					continue
				}
				sl.key, sl.id = h, uint32(t.n)+1
				t.wkeys = append(t.wkeys, key...)
				id = t.n
				t.n++
				break
			}
			if sl.key == h {
				o := int(sl.id-1) * w
				if wordsEqual(key, t.wkeys[o:o+w]) {
					id = int32(sl.id) - 1
					break
				}
			}
		}
		ids[i] = id
	}
}
