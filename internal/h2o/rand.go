package h2o

import (
	"math/bits"
	"math/rand/v2"

	"github.com/dusk-go/dusk/internal/hashing"
)

// derive returns a seed for the stream named by the tags under seed.
func derive(seed uint64, tags ...uint64) uint64 {
	h := hashing.Mix64(seed ^ 0x9e3779b97f4a7c15)
	for _, t := range tags {
		h = hashing.Mix64(h ^ hashing.Mix64(t+0x632be59bd9b4e019))
	}
	return h
}

// newStream returns the PCG stream named by (seed, tags...).
func newStream(seed uint64, tags ...uint64) *rand.PCG {
	a := derive(seed, tags...)
	return rand.NewPCG(a, hashing.Mix64(a^0xda942042e4dd58b5))
}

// below maps a uniform 64-bit word to [0, n) by the high half of u*n
// (Lemire's multiply-shift without rejection); the bias is under n/2^64,
// far below anything a benchmark's data can show.
func below(u, n uint64) uint64 {
	hi, _ := bits.Mul64(u, n)
	return hi
}

// A perm is a keyed pseudo-random permutation of [0, n): a balanced Feistel
// network over the smallest even number of bits that covers n, with cycle
// walking for the values outside [0, n). Evaluating it needs no memory, so
// a random shuffle of a billion keys can be computed row by row, in
// parallel.
type perm struct {
	n    uint64
	half uint   // bits in each half
	mask uint64 // (1<<half)-1
	keys [feistelRounds]uint64
}

const feistelRounds = 4

func newPerm(n, key uint64) perm {
	p := perm{n: n}
	b := uint(bits.Len64(max(n-1, 1)))
	b += b & 1
	p.half = max(b/2, 1)
	p.mask = 1<<p.half - 1
	for i := range p.keys {
		p.keys[i] = derive(key, uint64(i))
	}
	return p
}

// at returns the image of i, which must be in [0, n).
func (p *perm) at(i uint64) uint64 {
	x := i
	for {
		x = p.round(x)
		if x < p.n {
			return x
		}
	}
}

func (p *perm) round(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	for _, k := range p.keys {
		l, r = r, l^(hashing.Mix64(r^k)&p.mask)
	}
	return l<<p.half | r
}
