package kernels

import (
	"encoding/binary"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Bitmaps are processed 64 bits at a time. A bitSrc is a read-only view of a
// bitmap starting at an arbitrary bit offset (array slices start mid-byte),
// or a constant when bm is nil: every word of it is fill. Word w of a source
// is bits [64w, 64w+64) of the view; bits past the end of bm read as 0.

type bitSrc struct {
	bm   []byte
	off  int
	fill uint64
}

func constBits(set bool) bitSrc {
	if set {
		return bitSrc{fill: ^uint64(0)}
	}
	return bitSrc{}
}

func (s bitSrc) word(w int) uint64 {
	if s.bm == nil {
		return s.fill
	}
	return loadWord(s.bm, s.off+w<<6)
}

// loadWord returns the 64 bits of bm starting at bit pos, least significant
// bit first; bits past the end of bm read as 0.
func loadWord(bm []byte, pos int) uint64 {
	i, sh := pos>>3, uint(pos&7)
	if i+9 <= len(bm) {
		w := binary.LittleEndian.Uint64(bm[i:])
		if sh != 0 {
			w = w>>sh | uint64(bm[i+8])<<(64-sh)
		}
		return w
	}
	var lo uint64
	var hi byte
	for k := 0; k < 8 && i+k < len(bm); k++ {
		lo |= uint64(bm[i+k]) << (8 * k)
	}
	if i+8 < len(bm) {
		hi = bm[i+8]
	}
	w := lo >> sh
	if sh != 0 {
		w |= uint64(hi) << (64 - sh)
	}
	return w
}

// validitySrc is the validity of an operand as a bit source: a null scalar is
// all zeros; a valid scalar and an array without nulls are all ones.
func validitySrc(o Operand) bitSrc {
	if o.Array == nil {
		return constBits(o.Scalar != nil)
	}
	d := o.Array.Data()
	if d.DataType().ID() == arrow.NULL {
		return constBits(false)
	}
	if nullCount(o.Array) == 0 || d.Buffers()[0] == nil {
		return constBits(true)
	}
	return bitSrc{bm: d.Buffers()[0].Bytes(), off: d.Offset()}
}

// boolSrc is the values of a boolean operand as a bit source (a null scalar
// reads as false; its validity says it is null).
func boolSrc(o Operand) bitSrc {
	if o.Array == nil {
		b, _ := o.Scalar.(bool)
		return constBits(b)
	}
	d := o.Array.Data()
	var bm []byte
	if buf := d.Buffers()[1]; buf != nil {
		bm = buf.Bytes()
	}
	if bm == nil {
		return constBits(false)
	}
	return bitSrc{bm: bm, off: d.Offset()}
}

// nullCount is a's null count, computed without writing to a (arrow's NullN
// caches a lazily computed count in the shared Data, which would race with
// other readers of the same borrowed array).
func nullCount(a arrow.Array) int {
	d := a.Data()
	if d.DataType().ID() == arrow.NULL {
		return d.Len()
	}
	if n := d.NullN(); n != array.UnknownNullCount {
		return n
	}
	b := d.Buffers()[0]
	if b == nil {
		return 0
	}
	return d.Len() - countSet(bitSrc{bm: b.Bytes(), off: d.Offset()}, d.Len())
}

// countSet counts the set bits among the first n bits of s.
func countSet(s bitSrc, n int) int {
	c := 0
	nw := n >> 6
	for w := 0; w < nw; w++ {
		c += bits.OnesCount64(s.word(w))
	}
	if r := n & 63; r != 0 {
		c += bits.OnesCount64(s.word(nw) & (1<<r - 1))
	}
	return c
}

// bitWriter writes whole words into a bitmap buffer at offset 0. The buffer's
// capacity is a multiple of 64 bytes (memory.Buffer rounds it up), so a whole
// last word always fits; tailMask zeroes the bits past the length.
type bitWriter struct {
	b []byte
}

func (w bitWriter) put(i int, v uint64) { binary.LittleEndian.PutUint64(w.b[i<<3:], v) }

// tailMask is the mask of the valid bits of the last word of an n-bit bitmap.
func tailMask(n int) uint64 {
	if r := n & 63; r != 0 {
		return 1<<r - 1
	}
	return ^uint64(0)
}

func words(n int) int { return (n + 63) >> 6 }

// newBitmap allocates an n-bit bitmap; its contents are undefined until written.
func newBitmap(mem memory.Allocator, n int) (*memory.Buffer, bitWriter) {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int((n + 7) >> 3))
	return buf, bitWriter{b: buf.Buf()}
}

// bitmapOf writes f(w) for every word w of an n-bit bitmap and returns it with
// its count of set bits. f must be a small closure: it runs once per 64 rows.
func bitmapOf(mem memory.Allocator, n int, f func(w int) uint64) (*memory.Buffer, int) {
	buf, out := newBitmap(mem, n)
	nw := words(n)
	set := 0
	for w := 0; w < nw; w++ {
		v := f(w)
		if w == nw-1 {
			v &= tailMask(n)
		}
		set += bits.OnesCount64(v)
		out.put(w, v)
	}
	return buf, set
}

// andValidity returns the validity of the rows where every operand is valid,
// as a new bitmap at offset 0, with its null count; or nil and 0 when no
// operand has nulls.
func andValidity(mem memory.Allocator, n int, ops ...Operand) (*memory.Buffer, int) {
	if n == 0 {
		return nil, 0
	}
	ss := make([]bitSrc, 0, len(ops))
	for _, o := range ops {
		s := validitySrc(o)
		if s.bm == nil {
			if s.fill == 0 { // a null scalar: every row is null
				buf, _ := bitmapOf(mem, n, func(int) uint64 { return 0 })
				return buf, n
			}
			continue
		}
		ss = append(ss, s)
	}
	if len(ss) == 0 {
		return nil, 0
	}
	buf, set := bitmapOf(mem, n, func(w int) uint64 {
		v := ss[0].word(w)
		for _, s := range ss[1:] {
			v &= s.word(w)
		}
		return v
	})
	return buf, n - set
}
