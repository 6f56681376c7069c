package hashtable

import (
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
)

// chunk is the number of rows whose codes are computed column by column
// before they are probed row by row; the scratch stays in L1/L2.
const chunk = 2048

// codeAbsent marks a string that a lookup did not find in the intern table.
const codeAbsent = ^uint64(0)

// Dictionary remap entries: 0 not yet mapped, then these, then code+remapBase.
const (
	remapNull   = 1
	remapAbsent = 2
	remapBase   = 3
)

type mode uint8

const (
	modeDirect mode = iota // one fixed-width column: the code is the key
	modeString             // one string-like column: the intern code picks the id
	modePacked             // several columns packed into one 64-bit word
	modeWide               // several columns: one word per column and a null mask
)

// slot is one entry of the open-addressing arrays: the key (modeDirect,
// modePacked) or the row hash (modeWide) and id+1, 0 marking an empty slot.
type slot struct {
	key uint64
	id  uint32
}

// Table assigns dense ids to distinct keys. Not safe for concurrent use.
type Table struct {
	specs      []colSpec
	nullsEqual bool
	mode       mode
	n          int32 // number of ids given out
	nullID     int32 // id of the null key in the one-column modes, or -1

	interns  []*intern // per column; nil for fixed-width columns
	codeToID []int32   // modeString: id of each intern code, -1 if none

	// index of the keys: a dense array or open-addressing slots
	dense  []uint32 // id+1 of key dlo+i, 0 if none; nil when hashing
	dlo    uint64
	slots  []slot // hashed index; modeWide always hashes
	shift  uint   // home slot of hash h: h >> shift
	growAt int
	// reserve is the key count the index is sized for at least (Reserve).
	reserve int
	keys    []uint64 // modeDirect, modeString: code of each id; modePacked: packed word
	hs      []uint64 // hashes of a batch of rows
	sink    uint64   // sum of the prefetch loads, so that they stay

	lay          []field  // modePacked layout
	obsLo, obsHi []uint64 // modeDirect, modePacked: observed code ranges
	seen         []bool

	wkeys []uint64 // modeWide: len(specs)+1 words per id

	// per-call and per-chunk scratch
	views   []view
	codes   [][]uint64
	nulls   [][]bool
	hasNull []bool
	skip    []bool
	pk      []uint64
	wbuf    []uint64
	remap   [][]uint64
}

// New returns a table for keys of these types: int8..int64, uint8..uint64,
// float32, float64, bool, string, large_string, binary, large_binary,
// date32, date64, timestamp, time32, time64, duration and dictionaries
// with integer indices and string-like values (a string-like column also
// takes its value type plain or dictionary-encoded). nullsEqual: true for
// group-by (null is a key value, all nulls of a column equal), false for
// joins (a row with a null key never matches and gets no id).
func New(types []arrow.DataType, nullsEqual bool) (*Table, error) {
	k := len(types)
	if k == 0 || k > 64 {
		return nil, fmt.Errorf("hashtable: got %d key columns, want 1 to 64", k)
	}
	t := &Table{
		nullsEqual: nullsEqual, nullID: -1, specs: make([]colSpec, k),
		interns: make([]*intern, k), views: make([]view, k), hs: make([]uint64, batch),
		codes: make([][]uint64, k), nulls: make([][]bool, k), hasNull: make([]bool, k),
		remap: make([][]uint64, k),
	}
	for c, dt := range types {
		s, err := specOf(dt)
		if err != nil {
			return nil, err
		}
		t.specs[c] = s
		if s.interned() {
			t.interns[c] = newIntern()
		}
		t.codes[c] = make([]uint64, chunk)
		t.nulls[c] = make([]bool, chunk)
	}
	switch {
	case k == 1 && t.specs[0].interned():
		t.mode = modeString
		return t, nil
	case k == 1:
		t.mode = modeDirect
	default:
		t.mode = modePacked
		t.lay = make([]field, k)
		t.pk = make([]uint64, chunk)
		t.skip = make([]bool, chunk)
	}
	t.obsLo, t.obsHi, t.seen = make([]uint64, k), make([]uint64, k), make([]bool, k)
	t.reindex(0, false)
	return t, nil
}

// Len returns the number of distinct keys, the next id to be given out.
func (t *Table) Len() int { return int(t.n) }

// Reserve sizes the table for about n distinct keys in all, so that
// inserting them does not grow and rehash it step by step. It is only a
// hint: a table holds any number of keys whatever was reserved.
func (t *Table) Reserve(n int) {
	if n <= t.reserve || n <= int(t.n) {
		return
	}
	t.reserve = n
	switch {
	case t.mode == modeWide:
		capacity := len(t.slots)
		for capacity/2 < n {
			capacity *= 2
		}
		if capacity > len(t.slots) {
			t.rehash(capacity)
		}
	default:
		// The slots take the reservation when they next grow (reindex):
		// sizing them now would have every relayout of a packed table,
		// which comes early while the key ranges widen, clear and rebuild
		// the full-size slots.
		t.keys = slices.Grow(t.keys, n-len(t.keys))
	}
}

// Insert assigns ids to rows [0, n) of cols (all of length n): existing
// keys get their id, new keys the next id. ids[i] = -1 for rows with a
// null key when the table was made with nullsEqual false. len(ids) >= n.
// The columns are only read.
func (t *Table) Insert(cols []arrow.Array, ids []int32) error {
	return t.run(cols, ids, true)
}

// Lookup finds the ids of rows of cols without inserting: -1 when the key
// is absent or, in a table made with nullsEqual false, null. (With
// nullsEqual true a null key is a value and finds its id if inserted.)
// The columns must have the table's types, except that string-like
// columns may come plain or dictionary-encoded with any index type.
func (t *Table) Lookup(cols []arrow.Array, ids []int32) error {
	return t.run(cols, ids, false)
}

func (t *Table) run(cols []arrow.Array, ids []int32, insert bool) error {
	n, err := t.prepare(cols, ids)
	if err != nil {
		return err
	}
	defer clear(t.views) // hold no borrowed buffers after the call
	for s := 0; s < n; s += chunk {
		e := min(n, s+chunk)
		if insert && int64(t.n)+int64(e-s) > math.MaxInt32 {
			return fmt.Errorf("hashtable: more than %d distinct keys", math.MaxInt32)
		}
		absent := false
		for c := range t.specs {
			absent = t.fill(c, s, e, insert) || absent
		}
		out := ids[s:e]
		switch t.mode {
		case modeDirect:
			t.direct(out, insert)
		case modeString:
			t.str(out, insert)
		case modePacked:
			t.packed(out, insert)
		default:
			t.wide(out, insert, absent)
		}
	}
	return nil
}

// prepare checks the arguments and sets up the views and dictionary remaps.
func (t *Table) prepare(cols []arrow.Array, ids []int32) (int, error) {
	if len(cols) != len(t.specs) {
		return 0, fmt.Errorf("hashtable: got %d key columns, want %d", len(cols), len(t.specs))
	}
	for c, a := range cols {
		v, err := viewOf(a, t.specs[c])
		if err == nil && v.n != cols[0].Len() {
			err = fmt.Errorf("hashtable: key column %d has %d rows, want %d", c, v.n, cols[0].Len())
		}
		if err != nil {
			clear(t.views)
			return 0, err
		}
		t.views[c] = v
		if v.dict != nil {
			r := t.remap[c]
			if cap(r) < v.dict.n {
				r = make([]uint64, v.dict.n)
			}
			r = r[:v.dict.n]
			clear(r)
			t.remap[c] = r
		}
	}
	n := cols[0].Len()
	if len(ids) < n {
		clear(t.views)
		return 0, fmt.Errorf("hashtable: got %d id slots for %d rows", len(ids), n)
	}
	return n, nil
}

// fill computes the codes of rows [s, e) of column c into t.codes[c]
// (0 for null rows) and sets t.hasNull[c] and, if set, t.nulls[c]. In a
// lookup, strings the table does not hold get codeAbsent and fill reports
// true.
func (t *Table) fill(c, s, e int, insert bool) (absent bool) {
	v, sp := &t.views[c], t.specs[c]
	codes, nulls := t.codes[c][:e-s], t.nulls[c][:e-s]
	hn := v.nullsIn(s, e)
	switch v.kind {
	case kStr32, kStr64:
		var nl []bool
		if hn {
			nl = nulls
			for i := range nl {
				nl[i] = v.isNull(s + i)
			}
		}
		var x uint64
		if v.kind == kStr32 {
			o := arrow.Int32Traits.CastFromBytes(v.vals)[v.off+s : v.off+e+1]
			x, absent = internRows(t.interns[c], o, v.data, nl, codes, t.hs, insert)
		} else {
			o := arrow.Int64Traits.CastFromBytes(v.vals)[v.off+s : v.off+e+1]
			x, absent = internRows(t.interns[c], o, v.data, nl, codes, t.hs, insert)
		}
		t.sink += x
	case kDict:
		remap := t.remap[c]
		hn2 := false
		for i := range codes {
			nulls[i], codes[i] = true, 0
			if hn && v.isNull(s+i) {
				hn2 = true
				continue
			}
			j := v.index(s + i)
			r := remap[j]
			if r == 0 {
				r = t.mapDict(c, j, insert)
				remap[j] = r
			}
			switch r {
			case remapNull:
				hn2 = true
			case remapAbsent:
				nulls[i], codes[i], absent = false, codeAbsent, true
			default:
				nulls[i], codes[i] = false, r-remapBase
			}
		}
		hn = hn2
	default:
		fillFixed(sp.kind, sp.width, v, s, codes)
		if hn {
			for i := range codes {
				nulls[i] = v.isNull(s + i)
				if nulls[i] {
					codes[i] = 0
				}
			}
		}
	}
	t.hasNull[c] = hn
	return absent
}

// mapDict interns (or looks up) dictionary entry j of column c.
func (t *Table) mapDict(c, j int, insert bool) uint64 {
	d := t.views[c].dict
	if d.isNull(j) {
		return remapNull
	}
	b := d.str(t.views[c].vkind, j)
	h := hashBytes(b)
	if insert {
		return t.interns[c].insert(b, h) + remapBase
	}
	code := t.interns[c].find(b, h)
	if code == codeAbsent {
		return remapAbsent
	}
	return code + remapBase
}

func (t *Table) nullsOf(c, m int) []bool {
	if t.hasNull[c] {
		return t.nulls[c][:m]
	}
	return nil
}

// nullGroup returns the id of the null key in the one-column modes.
func (t *Table) nullGroup(insert bool) int32 {
	if !t.nullsEqual {
		return -1
	}
	if t.nullID < 0 && insert {
		t.nullID = t.n
		t.keys = append(t.keys, 0)
		t.n++
	}
	return t.nullID
}

// direct handles modeDirect: the column's code is the hash table key.
func (t *Table) direct(ids []int32, insert bool) {
	keys := t.codes[0][:len(ids)]
	nulls := t.nullsOf(0, len(ids))
	if !insert {
		t.findKeys(keys, nulls, ids, true)
		return
	}
	// once the range is too wide for a dense array it stays so: skip
	// tracking it
	if t.dense != nil || !t.seen[0] || t.obsHi[0]-t.obsLo[0] < maxDenseSpan {
		if t.observe(0, len(ids)) && t.dense != nil && !t.covers(t.obsLo[0], t.obsHi[0]) {
			t.reindex(len(ids), false)
		}
	}
	t.insertKeys(keys, nulls, ids, true)
}

// str handles modeString: the intern code indexes codeToID.
func (t *Table) str(ids []int32, insert bool) {
	codes := t.codes[0][:len(ids)]
	nulls := t.nullsOf(0, len(ids))
	for len(t.codeToID) < t.interns[0].len() {
		t.codeToID = append(t.codeToID, -1)
	}
	c2i := t.codeToID
	for i, code := range codes {
		if nulls != nil && nulls[i] {
			ids[i] = t.nullGroup(insert)
			continue
		}
		if code >= uint64(len(c2i)) {
			ids[i] = -1
			continue
		}
		id := c2i[code]
		if id < 0 && insert {
			id = t.n
			c2i[code] = id
			t.keys = append(t.keys, code)
			t.n++
		}
		ids[i] = id
	}
}
