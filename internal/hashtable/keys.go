package hashtable

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Keys returns the distinct keys in id order, one new array per key
// column allocated from mem; the caller releases them. Each array has the
// column's type, except that a dictionary column comes back as a plain
// array of its value type (string, large_string, binary or large_binary).
// Float keys come back normalised: -0 as 0 and every NaN as the quiet NaN
// 0x7ff8000000000000 (0x7fc00000 for float32).
func (t *Table) Keys(mem memory.Allocator) ([]arrow.Array, error) {
	n := int(t.n)
	codes, nulls := make([]uint64, n), make([]bool, n)
	out := make([]arrow.Array, 0, len(t.specs))
	for c, s := range t.specs {
		nn := t.decode(c, codes, nulls)
		var a arrow.Array
		var err error
		switch s.kind {
		case kStr32, kStr64:
			a, err = buildStrings(mem, s.typ, s.kind, t.interns[c], codes, nulls, nn)
		case kDict:
			vt := s.typ.(*arrow.DictionaryType).ValueType
			a, err = buildStrings(mem, vt, s.vkind, t.interns[c], codes, nulls, nn)
		default:
			a = buildFixed(mem, s, codes, nulls, nn)
		}
		if err != nil {
			for _, o := range out {
				o.Release()
			}
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// decode writes the code and nullness of column c for every id and
// returns the number of nulls.
func (t *Table) decode(c int, codes []uint64, nulls []bool) int {
	nn := 0
	w := len(t.specs) + 1
	for id := range codes {
		var x uint64
		var null bool
		switch t.mode {
		case modeDirect, modeString:
			x, null = t.keys[id], int32(id) == t.nullID
		case modePacked:
			x, null = t.lay[c].get(t.keys[id])
		default:
			x, null = t.wkeys[id*w+c], t.wkeys[id*w+w-1]>>c&1 != 0
		}
		if null {
			x = 0
			nn++
		}
		codes[id], nulls[id] = x, null
	}
	return nn
}

func newBuf(mem memory.Allocator, size int) *memory.Buffer {
	b := memory.NewResizableBuffer(mem)
	b.Resize(size)
	return b
}

// validity returns a validity bitmap for nulls, or nil when nn is 0.
func validity(mem memory.Allocator, nulls []bool, nn int) *memory.Buffer {
	if nn == 0 {
		return nil
	}
	b := newBuf(mem, int(bitutil.BytesForBits(int64(len(nulls)))))
	bm := b.Bytes()
	clear(bm)
	for i, isNull := range nulls {
		if !isNull {
			bitutil.SetBit(bm, i)
		}
	}
	return b
}

func finish(dt arrow.DataType, n, nn int, bufs []*memory.Buffer) arrow.Array {
	d := array.NewData(dt, n, bufs, nil, nn, 0)
	a := array.MakeFromData(d)
	d.Release()
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	return a
}

func buildFixed(mem memory.Allocator, s colSpec, codes []uint64, nulls []bool, nn int) arrow.Array {
	n := len(codes)
	valid := validity(mem, nulls, nn)
	if s.kind == kBool {
		b := newBuf(mem, int(bitutil.BytesForBits(int64(n))))
		bm := b.Bytes()
		clear(bm)
		for i, x := range codes {
			if x != 0 {
				bitutil.SetBit(bm, i)
			}
		}
		return finish(s.typ, n, nn, []*memory.Buffer{valid, b})
	}
	b := newBuf(mem, n*s.width)
	vals := b.Bytes()
	var tmp [8]byte
	for i, x := range codes {
		if s.kind == kSigned && !nulls[i] {
			x ^= signBit
		}
		binary.LittleEndian.PutUint64(tmp[:], x)
		copy(vals[i*s.width:(i+1)*s.width], tmp[:s.width])
	}
	return finish(s.typ, n, nn, []*memory.Buffer{valid, b})
}

func buildStrings(mem memory.Allocator, dt arrow.DataType, k kind, in *intern, codes []uint64, nulls []bool, nn int) (arrow.Array, error) {
	n := len(codes)
	size := 0
	for i, x := range codes {
		if !nulls[i] {
			size += in.offs[x+1] - in.offs[x]
		}
	}
	if k == kStr32 && size > math.MaxInt32 {
		return nil, fmt.Errorf("hashtable: %d bytes of keys overflow %v offsets", size, dt)
	}
	ow := 4
	if k == kStr64 {
		ow = 8
	}
	offs, data := newBuf(mem, (n+1)*ow), newBuf(mem, size)
	ob, db := offs.Bytes(), data.Bytes()
	pos := 0
	for i, x := range codes {
		if k == kStr32 {
			binary.LittleEndian.PutUint32(ob[i*4:], uint32(pos))
		} else {
			binary.LittleEndian.PutUint64(ob[i*8:], uint64(pos))
		}
		if !nulls[i] {
			pos += copy(db[pos:], in.value(x))
		}
	}
	if k == kStr32 {
		binary.LittleEndian.PutUint32(ob[n*4:], uint32(pos))
	} else {
		binary.LittleEndian.PutUint64(ob[n*8:], uint64(pos))
	}
	return finish(dt, n, nn, []*memory.Buffer{validity(mem, nulls, nn), offs, data}), nil
}
