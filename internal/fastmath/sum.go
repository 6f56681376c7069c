package fastmath

import "math/bits"

// Sum returns the sum of x. It keeps 8 independent accumulators, so the
// additions pipeline, and combines them pairwise at the end. Its error is
// at most about (len(x)/8 + 4) * 2^-53 * sum(|x[i]|), well below that of a
// single running sum; NaN and ±Inf propagate as in ordinary addition.
func Sum(x []float64) float64 {
	var s0, s1, s2, s3, s4, s5, s6, s7 float64
	for len(x) >= 8 {
		s0 += x[0]
		s1 += x[1]
		s2 += x[2]
		s3 += x[3]
		s4 += x[4]
		s5 += x[5]
		s6 += x[6]
		s7 += x[7]
		x = x[8:]
	}
	var t float64
	for _, v := range x {
		t += v
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + t
}

// Pairwise sums a stream of values pairwise, the way a binary counter
// carries: level i holds the sum of 2^i consecutive values, and adding a
// value merges equal-sized levels, so every value passes through at most
// log2(n) additions and the error stays within about
// 2*log2(n) * 2^-53 * sum(|v|). It is meant for combining block results
// (for example Sum of each block) of an arbitrarily long column.
//
// Memory is fixed (64 levels), Add never allocates, and the zero value is
// an empty sum. Copying a Pairwise copies its state; assigning Pairwise{}
// resets it.
type Pairwise struct {
	n    uint64      // number of values added; bit i set: level i in use
	part [64]float64 // part[i]: sum of 2^i values while bit i of n is set
}

// Add adds v to the sum.
func (p *Pairwise) Add(v float64) {
	// The trailing ones of n are the full levels that v's carry merges.
	k := bits.TrailingZeros64(^p.n)
	for i := range k {
		v = p.part[i&63] + v
	}
	p.part[k&63] = v
	p.n++
}

// Value returns the sum of the values added so far, adding the levels
// from the smallest to the largest. It does not change p.
func (p *Pairwise) Value() float64 {
	var s float64
	for m := p.n; m != 0; m &= m - 1 {
		s += p.part[bits.TrailingZeros64(m)&63]
	}
	return s
}

// Dot returns the sum of x[i]*y[i] for i < len(x), with 8 accumulators
// like Sum. It panics if len(y) < len(x).
func Dot(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float64
	for len(x) >= 8 {
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		s4 += x[4] * y[4]
		s5 += x[5] * y[5]
		s6 += x[6] * y[6]
		s7 += x[7] * y[7]
		x, y = x[8:], y[8:]
	}
	var t float64
	for i, v := range x {
		t += v * y[i]
	}
	return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + t
}
