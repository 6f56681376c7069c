package fastmath

import "math"

// ExpSinhTo sets e[i] = e^x[i] and s[i] = sinh(x[i]) for every i <
// len(x), sharing one argument reduction: e^-x comes from the same
// k and r as e^x (the table entry of -k and the polynomial at -r, whose
// even terms are those of r), so sinh needs neither a second exponential
// nor a division. This is the kernel of an expression that uses both
// Exp and Sinh of one operand.
//
// e[i] is exactly what ExpTo computes. s[i] is within 1.05 ulp for
// 1 <= |x| <= 700 (1.03 measured: 2*sinh is the difference of the two
// scales plus the difference of the small terms), sinhPoly's 0.82 ulp for
// |x| < 1, and math.Sinh's result beyond 700, for NaN and for ±Inf. It
// costs about 1.1 ns per element more than ExpTo alone, against 1.6 ns
// for SinhFromExp after ExpTo (which is within 1.6 ulp).
//
// e and s must not overlap x or each other. It panics if len(e) or len(s)
// is less than len(x).
func ExpSinhTo(e, s, x []float64) {
	e = e[:len(x)]
	s = s[:len(x)]
	tab := expTab
	for i, v := range x {
		top := uint32(math.Float64bits(v)>>32) & 0x7fffffff
		if top > expFastTop {
			e[i] = expTail(v)
			s[i] = math.Sinh(v)
			continue
		}
		kd := float64(v*expInvLn2N) + expShift
		ki := math.Float64bits(kd)
		kd -= expShift
		r := v - kd*expLn2HiN - kd*expLn2LoN
		ep := &tab[ki&(expN-1)]
		scale := math.Float64frombits(ep.bits + ki<<(52-expBits))
		r2 := r * r
		a := expC2 + r2*expC4
		b := r * expC3
		tmp := ep.tail + r + r2*(a+b)
		e[i] = scale + scale*tmp
		if top < hypPolyTop {
			s[i] = sinhPoly(v)
			continue
		}
		// e^-v = 2^(-k/N) * e^-r: the entry of -k, the polynomial at -r
		kn := -ki
		en := &tab[kn&(expN-1)]
		scaleN := math.Float64frombits(en.bits + kn<<(52-expBits))
		tmpN := en.tail - r + r2*(a-b)
		// 2*sinh = (scale - scaleN) + (scale*tmp - scaleN*tmpN)
		s[i] = 0.5 * ((scale - scaleN) + (scale*tmp - scaleN*tmpN))
	}
}
