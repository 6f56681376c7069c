package array

import (
	"math"

	"github.com/dusk-go/dusk/internal/hashing"
)

// The random generators are counter-based: element i of a stream keyed by
// the seed is a function of (key, i) alone, so values never depend on the
// chunking, the order of evaluation or the number of workers, and any
// slice of a random array can be computed without the rest.

const golden = 0x9e3779b97f4a7c15

// seedHash is the per-stream key of the counter-based generator.
func seedHash(seed uint64) uint64 { return hashing.Mix64(seed + golden) }

// uniformAt returns the uniform [0, 1) number of element i of the stream
// keyed sh: 53 random bits of one hash.
func uniformAt(sh, i uint64) float64 {
	h := hashing.Mix64(sh ^ (i * golden))
	return float64(h>>11) * 0x1p-53
}

// Normal numbers come from a ziggurat of zigLayers layers of equal area
// under exp(-x²/2) (Marsaglia and Tsang's method): one hash gives a layer,
// a sign and a uniform; when the point falls in the layer's core rectangle
// (98.8% of the time) it is the result, else the wedge or the tail is
// sampled with further hashes of the same element.
const (
	zigLayers = 128
	zigR      = 3.442619855899      // where the tail starts
	zigV      = 9.91256303526217e-3 // the area of each layer
)

// zigX[i] is the right edge of layer i (zigX[0] the base layer's virtual
// width, zigX[zigLayers] = 0); zigF[i] = exp(-zigX[i]²/2).
var zigX, zigF = zigTables()

func zigTables() (x, f [zigLayers + 1]float64) {
	pdf := func(v float64) float64 { return math.Exp(-0.5 * v * v) }
	x[0] = zigV / pdf(zigR)
	x[1] = zigR
	for i := 2; i < zigLayers; i++ {
		x[i] = math.Sqrt(-2 * math.Log(zigV/x[i-1]+pdf(x[i-1])))
	}
	x[zigLayers] = 0
	for i := range x {
		f[i] = pdf(x[i])
	}
	return x, f
}

// normalAt returns the standard normal number of element i of the stream
// keyed sh.
func normalAt(sh, i uint64) float64 {
	h := hashing.Mix64(sh ^ (i * golden))
	for {
		layer := h & (zigLayers - 1)
		u := float64(h>>11) * 0x1p-53
		z := u * zigX[layer]
		// the sign from bit 7, set without a branch (it is a coin flip)
		sign := (h & zigLayers) << (63 - 7)
		if z < zigX[layer+1] {
			return math.Float64frombits(math.Float64bits(z) | sign)
		}
		h = hashing.Mix64(h + golden)
		if layer == 0 {
			// the tail beyond zigR, by Marsaglia's exponential method
			for {
				a := -math.Log1p(-float64(h>>11)*0x1p-53) / zigR
				h = hashing.Mix64(h + golden)
				b := -math.Log1p(-float64(h>>11) * 0x1p-53)
				h = hashing.Mix64(h + golden)
				if 2*b > a*a {
					return math.Float64frombits(math.Float64bits(zigR+a) | sign)
				}
			}
		}
		// the wedge between the core and the curve
		if zigF[layer+1]+float64(h>>11)*0x1p-53*(zigF[layer]-zigF[layer+1]) < math.Exp(-0.5*z*z) {
			return math.Float64frombits(math.Float64bits(z) | sign)
		}
		h = hashing.Mix64(h + golden)
	}
}
