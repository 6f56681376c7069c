package hashtable

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/dusk-go/dusk/internal/hashing"
)

// Constants of the byte hash (the multipliers of wyhash) and of HashRows.
const (
	wyp0     = 0xa0761d6478bd642f
	wyp1     = 0xe7037ed1a0b428db
	wyp2     = 0x8ebc6af09c88c6e3
	rowSeed  = 0x243f6a8885a308d3 // initial row hash
	nullHash = 0x13198a2e03707344 // contribution of a null value
)

func mum(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }
func le32(b []byte) uint64 { return uint64(binary.LittleEndian.Uint32(b)) }

// hashBytes is a wyhash-style 64-bit hash of b: 16 bytes per
// multiply-fold step, every output bit depending on every input bit.
func hashBytes(b []byte) uint64 {
	n := len(b)
	seed := uint64(wyp0)
	var x, y uint64
	switch {
	case n >= 4 && n <= 8:
		x, y = le32(b), le32(b[n-4:])
	case n > 8 && n <= 16:
		x, y = le64(b), le64(b[n-8:])
	case n > 16:
		p := b
		for len(p) > 16 {
			seed = mum(le64(p)^wyp1, le64(p[8:])^seed)
			p = p[16:]
		}
		x, y = le64(b[n-16:]), le64(b[n-8:])
	case n > 0:
		x = uint64(b[0])<<16 | uint64(b[n>>1])<<8 | uint64(b[n-1])
	}
	return mum(wyp1^uint64(n), mum(x^wyp1, y^seed^wyp2))
}

// HashRows computes a 64-bit hash per row of the key columns into out,
// for hash partitioning: take the top bits (hash >> (64 - bits)) or
// (hash * P) >> 64. Equal keys hash equally whatever array they come from:
// chunks, slices and dictionary-encoded strings hash like plain strings.
// Integers hash by value whatever their width and signedness (an int8 5
// like a uint64 5; temporal types like their integers), floats by their
// normalised bits (-0 like 0, all NaNs alike) and a null contributes a
// fixed value. All columns must have length n and len(out) >= n. The
// columns are only read.
func HashRows(cols []arrow.Array, out []uint64) error {
	if len(cols) == 0 {
		return fmt.Errorf("hashtable: HashRows needs at least one column")
	}
	views := make([]view, len(cols))
	specs := make([]colSpec, len(cols))
	n := 0
	for c, a := range cols {
		if a == nil {
			return fmt.Errorf("hashtable: nil key column")
		}
		if c == 0 {
			n = a.Len()
		}
		s, err := specOf(a.DataType())
		if err != nil {
			return err
		}
		if a.Len() != n {
			return fmt.Errorf("hashtable: key column %d has %d rows, want %d", c, a.Len(), n)
		}
		if views[c], err = viewOf(a, s); err != nil {
			return err
		}
		specs[c] = s
	}
	if len(out) < n {
		return fmt.Errorf("hashtable: got %d hash slots for %d rows", len(out), n)
	}
	if n == 0 {
		return nil
	}
	out = out[:n]
	for i := range out {
		out[i] = rowSeed
	}
	var x []uint64
	for c := range cols {
		v, s := &views[c], specs[c]
		switch v.kind {
		case kStr32:
			hashStrings(v, arrow.Int32Traits.CastFromBytes(v.vals)[v.off:v.off+n+1], out)
		case kStr64:
			hashStrings(v, arrow.Int64Traits.CastFromBytes(v.vals)[v.off:v.off+n+1], out)
		case kDict:
			dh := make([]uint64, v.dict.n)
			for j := range dh {
				dh[j] = nullHash
				if !v.dict.isNull(j) {
					dh[j] = hashBytes(v.dict.str(v.vkind, j))
				}
			}
			for i := range out {
				h := uint64(nullHash)
				if !v.isNull(i) {
					h = dh[v.index(i)]
				}
				out[i] = hashing.Mix64(out[i] + h)
			}
		default:
			if x == nil {
				x = make([]uint64, min(n, chunk))
			}
			for s0 := 0; s0 < n; s0 += chunk {
				e := min(n, s0+chunk)
				xs := x[:e-s0]
				fillFixed(s.kind, s.width, v, s0, xs)
				if s.kind == kSigned {
					// by value: sign-extended, like the unsigned types
					for i := range xs {
						xs[i] ^= signBit
					}
				}
				if v.nullsIn(s0, e) {
					for i := range xs {
						if v.isNull(s0 + i) {
							xs[i] = nullHash
						}
					}
				}
				o := out[s0:e]
				for i, h := range xs {
					o[i] = hashing.Mix64(o[i] + h)
				}
			}
		}
	}
	return nil
}

// hashStrings folds the hashes of a string column, given its offsets from
// the view's first row, into out.
func hashStrings[O int32 | int64](v *view, offs []O, out []uint64) {
	for i := range out {
		h := uint64(nullHash)
		if v.valid == nil || !v.isNull(i) {
			h = hashBytes(v.data[offs[i]:offs[i+1]])
		}
		out[i] = hashing.Mix64(out[i] + h)
	}
}
