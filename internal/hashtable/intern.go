package hashtable

import "math/bits"

// intern gives each distinct byte string of one key column a dense code
// 0, 1, 2... in order of first insertion. The bytes live once in arena.
// The open-addressing slots are probed linearly from the top bits of the
// string's hash; a slot holds a tag (27 low bits of the hash and a length
// class) and, for strings of up to 16 bytes, the bytes themselves, so that
// most probes read no other memory.
type intern struct {
	slots  []islot
	shift  uint
	growAt int
	arena  []byte
	offs   []int // value code spans arena[offs[code]:offs[code+1]]
}

type islot struct {
	w0, w1 uint64 // the bytes (length <= 16) or the arena offset and length
	tag    uint32 // hash<<5 | length (0..16), or longClass
	code   uint32 // code + 1; 0 when empty
	// hash is the string's whole hash, so that a resize places the slot
	// without reading the arena or hashing again: with 1e5 strings the
	// rehashing took a quarter of a string group-by. It also pads the
	// slot to 32 bytes, so that a slot never straddles two cache lines.
	hash uint64
}

const longClass = 17

func newIntern() *intern {
	s := &intern{offs: []int{0}}
	s.resize(64)
	return s
}

func (s *intern) len() int { return len(s.offs) - 1 }

func (s *intern) value(code uint64) []byte { return s.arena[s.offs[code]:s.offs[code+1]] }

// short loads a string of at most 8 bytes into a word.
func short(b []byte) uint64 {
	n := len(b)
	switch {
	case n >= 4:
		return le32(b) | le32(b[n-4:])<<(8*(n-4))
	case n > 0:
		return uint64(b[0]) | uint64(b[n/2])<<(8*(n/2)) | uint64(b[n-1])<<(8*(n-1))
	}
	return 0
}

// words returns the slot words of a string of at most 16 bytes.
func words(b []byte) (uint64, uint64) {
	n := len(b)
	if n <= 8 {
		return short(b), 0
	}
	return le64(b), le64(b[n-8:]) >> (8 * (16 - n))
}

// tagOf returns the slot tag of b, whose hash is h.
func tagOf(b []byte, h uint64) uint32 {
	c := uint32(len(b))
	if len(b) > 16 {
		c = longClass
	}
	return uint32(h)<<5 | c
}

func (s *intern) resize(capacity int) {
	old := s.slots
	s.slots = make([]islot, capacity)
	s.shift = uint(64 - bits.TrailingZeros(uint(capacity)))
	s.growAt = capacity / 10 * 7
	mask := uint64(capacity - 1)
	for _, o := range old {
		if o.code == 0 {
			continue
		}
		j := o.hash >> s.shift
		for s.slots[j].code != 0 {
			j = (j + 1) & mask
		}
		s.slots[j] = o
	}
}

// match reports whether slot sl, whose tag equals b's, holds b.
func (s *intern) match(sl *islot, b []byte) bool {
	if len(b) <= 16 {
		w0, w1 := words(b)
		return sl.w0 == w0 && sl.w1 == w1
	}
	return sl.w1 == uint64(len(b)) && string(s.arena[sl.w0:sl.w0+sl.w1]) == string(b)
}

// insert returns the code of b (whose hash is h), adding it when new.
func (s *intern) insert(b []byte, h uint64) uint64 {
	tag := tagOf(b, h)
	mask := uint64(len(s.slots) - 1)
	for j := h >> s.shift; ; j = (j + 1) & mask {
		sl := &s.slots[j]
		if sl.tag == tag && sl.code != 0 && s.match(sl, b) {
			return uint64(sl.code - 1)
		}
		if sl.code == 0 {
			if s.len() >= s.growAt {
				s.resize(2 * len(s.slots))
				return s.insert(b, h)
			}
			code := s.len()
			w0, w1 := uint64(len(s.arena)), uint64(len(b))
			if len(b) <= 16 {
				w0, w1 = words(b)
			}
			s.arena = append(s.arena, b...)
			s.offs = append(s.offs, len(s.arena))
			*sl = islot{w0: w0, w1: w1, tag: tag, code: uint32(code + 1), hash: h}
			return uint64(code)
		}
	}
}

// find returns the code of b, or codeAbsent.
func (s *intern) find(b []byte, h uint64) uint64 {
	tag := tagOf(b, h)
	mask := uint64(len(s.slots) - 1)
	for j := h >> s.shift; ; j = (j + 1) & mask {
		sl := &s.slots[j]
		if sl.code == 0 {
			return codeAbsent
		}
		if sl.tag == tag && s.match(sl, b) {
			return uint64(sl.code - 1)
		}
	}
}

// prefetch loads the home slots of the hashes hs (see Table.prefetch).
func (s *intern) prefetch(hs []uint64) uint64 {
	var x uint64
	if len(s.slots) >= touchMin {
		for _, h := range hs {
			x += s.slots[h>>s.shift].w0
		}
	}
	return x
}

// rows interns (insert) or looks up the non-null rows of a string column
// given by its offsets and bytes, writing codes; hs is scratch for a batch.
// It reports whether a lookup missed a string.
func internRows[O int32 | int64](s *intern, offs []O, data []byte, nulls []bool, codes, hs []uint64, insert bool) (x uint64, absent bool) {
	for b0 := 0; b0 < len(codes); b0 += batch {
		b1 := min(len(codes), b0+batch)
		h := hs[:b1-b0]
		for i := range h {
			h[i] = hashBytes(data[offs[b0+i]:offs[b0+i+1]])
		}
		x += s.prefetch(h)
		for i := b0; i < b1; i++ {
			if nulls != nil && nulls[i] {
				codes[i] = 0
				continue
			}
			v := data[offs[i]:offs[i+1]]
			if insert {
				codes[i] = s.insert(v, h[i-b0])
			} else if codes[i] = s.find(v, h[i-b0]); codes[i] == codeAbsent {
				absent = true
			}
		}
	}
	return x, absent
}
