package fastmath

import (
	"math"
	"math/big"
	"math/bits"
)

// Reduction x = k*ln2/N + r with N = 2^expBits table entries.
const (
	expBits = 8
	expN    = 1 << expBits

	// expInvLn2N is N/ln2 rounded to float64.
	expInvLn2N = 0x1.71547652b82fep+08
	// expLn2HiN + expLn2LoN = ln2/N within 2^-88 relative. The high
	// part has 34 significant bits, so kd*expLn2HiN is exact for
	// |k| < 2^19, which covers the fast path (|k| <= 261482).
	expLn2HiN = 0x1.62e42fef8p-09
	expLn2LoN = 0x1.1cf79abc9e3b4p-44
	// expShift = 1.5*2^52: adding it to |z| < 2^51 rounds z to an
	// integer (ties to even) and leaves that integer, modulo 2^51, in the
	// low mantissa bits.
	expShift = 0x1.8p52

	// expFastTop is the upper 32 bits of 700.0. ExpTo computes inputs
	// whose upper 32 bits, sign cleared, are at most this (|x| below
	// 700.000001) inline: for them the scale 2^(k/N) and the result are
	// normal and scale*tmp loses at most 2^-13 ulp to underflow.
	expFastTop = 0x4085e000

	// [expTailMin, expTailMax] is the rest of the range with normal,
	// finite results; expTail computes it with a rescaled scale. Outside
	// it the result overflows or is subnormal and math.Exp takes over.
	expTailMin = -708.39 // e^-708.39 > 2^-1022
	expTailMax = 709.78  // e^709.78 < MaxFloat64

	// Minimax coefficients (Remez, absolute error) of e^r - 1 - r on
	// |r| <= 1.0001*ln2/(2N): the approximation error is below 5e-18,
	// at most 0.045 ulp of the result.
	expC2 = 0x1.fffffffffffd4p-2
	expC3 = 0x1.5555571d82c6bp-3
	expC4 = 0x1.55555769ab3f5p-5
)

// expEntry holds 2^(i/N) as hi*(1+tail): hi is 2^(i/N) rounded to
// float64 and tail is the relative error of hi, rounded again, so the
// table contributes about 2^-106 instead of half an ulp. bits holds hi's
// bits minus i<<(52-expBits): adding the shifted k of the reduction
// cancels i and puts the integer part of k/N into the exponent field.
type expEntry struct {
	tail float64
	bits uint64
}

var expTab = makeExpTab()

// makeExpTab computes 2^(i/N) for i in [0, N) with math/big at 256 bits.
// The roots 2^(1/2^m) come from repeated square roots of 2; entry i is
// entry i-with-its-lowest-bit-cleared times the root for that bit, so
// every entry is a product of at most expBits roots.
func makeExpTab() *[expN]expEntry {
	const prec = 256
	newF := func() *big.Float { return new(big.Float).SetPrec(prec) }
	var roots [expBits + 1]*big.Float // roots[m] = 2^(1/2^m)
	roots[0] = newF().SetInt64(2)
	for m := 1; m <= expBits; m++ {
		roots[m] = newF().Sqrt(roots[m-1])
	}
	var vals [expN]*big.Float
	vals[0] = newF().SetInt64(1)
	one := newF().SetInt64(1)
	tab := new([expN]expEntry)
	for i := range tab {
		if i > 0 {
			// Clear the lowest set bit j of i: 2^(2^j/N) = 2^(1/2^(expBits-j)).
			j := bits.TrailingZeros(uint(i))
			vals[i] = newF().Mul(vals[i&^(1<<j)], roots[expBits-j])
		}
		hi, _ := vals[i].Float64()
		t := newF().Quo(vals[i], newF().SetFloat64(hi))
		tail, _ := t.Sub(t, one).Float64()
		tab[i] = expEntry{
			tail: tail,
			bits: math.Float64bits(hi) - uint64(i)<<(52-expBits),
		}
	}
	return tab
}

// ExpTo sets dst[i] = e^x[i] for every i < len(x).
//
// dst may be x itself; otherwise dst and x must not overlap. ExpTo panics
// if len(dst) < len(x); elements of dst past len(x) are left unchanged.
//
// For -708.39 <= x[i] <= 709.78 (all normal, finite results) the result
// is within 0.55 ulp of the exact value; see the package documentation.
// All other inputs, NaN and ±Inf included, go to math.Exp, so overflow,
// underflow, subnormal results and special values match math.Exp bit
// for bit.
func ExpTo(dst, x []float64) {
	dst = dst[:len(x)]
	tab := expTab
	for i, v := range x {
		// The range test runs on the integer side: it keeps the
		// floating-point ports, the bottleneck of this loop, free.
		if uint32(math.Float64bits(v)>>32)&0x7fffffff > expFastTop {
			dst[i] = expTail(v)
			continue
		}
		// k = round(v*N/ln2) sits in the low bits of kd's encoding.
		kd := float64(v*expInvLn2N) + expShift
		ki := math.Float64bits(kd)
		kd -= expShift
		// r = v - k*ln2/N with |r| <= 1.0001*ln2/(2N). v - kd*hi is
		// exact (the product is exact and Sterbenz's lemma applies to
		// the difference); the low part adds an error below 2^-77.
		r := v - kd*expLn2HiN - kd*expLn2LoN
		e := &tab[ki&(expN-1)]
		// scale = hi * 2^floor(k/N); the wrap-around of the shift is
		// exact modulo 2^64 for any k in range.
		scale := math.Float64frombits(e.bits + ki<<(52-expBits))
		// e^v = scale * (1+tail) * e^r ~ scale * (1 + tmp).
		r2 := r * r
		tmp := e.tail + r + r2*(expC2+r*expC3+r2*expC4)
		dst[i] = scale + scale*tmp
	}
}

// expTail computes e^v for the inputs ExpTo does not take inline. In
// [expTailMin, expTailMax] it runs the same algorithm with the scale moved
// 2^64 towards 1, so that neither the scale nor scale*tmp leaves the
// normal range, and then scales back, exactly since the result is normal.
func expTail(v float64) float64 {
	if !(v >= expTailMin && v <= expTailMax) {
		return math.Exp(v)
	}
	sbits, tmp := expCore(v)
	back := 0x1p64
	if v < 0 {
		sbits += 64 << 52
		back = 0x1p-64
	} else {
		sbits -= 64 << 52
	}
	scale := math.Float64frombits(sbits)
	return (scale + scale*tmp) * back
}

// expCore is the reduction and polynomial of ExpTo for |v| <= 709.78:
// e^v ~ scale*(1+tmp) with scale = Float64frombits(sbits). The hot loops
// (ExpTo, SinhTo, CoshTo) repeat these steps inline, since a call per
// element would cost more than the computation; expCore serves the cold
// paths.
func expCore(v float64) (sbits uint64, tmp float64) {
	kd := float64(v*expInvLn2N) + expShift
	ki := math.Float64bits(kd)
	kd -= expShift
	r := v - kd*expLn2HiN - kd*expLn2LoN
	e := &expTab[ki&(expN-1)]
	r2 := r * r
	return e.bits + ki<<(52-expBits), e.tail + r + r2*(expC2+r*expC3+r2*expC4)
}
