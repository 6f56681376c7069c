package fastmath

import "math"

// Hyperbolic kernels. Inputs with |x| < 1 use a polynomial, so they need
// no exponential and have no cancellation; 1 <= |x| <= 700 combines e^x
// and its reciprocal; larger inputs, NaN and ±Inf go to math.Sinh and
// math.Cosh.
const (
	// hypPolyTop is the upper 32 bits of 1.0: inputs whose upper 32
	// bits, sign cleared, are below it have |x| < 1.
	hypPolyTop = 0x3ff00000

	// sinh(x) = x + x^3*P(x^2) on |x| <= 1: minimax (Remez) coefficients
	// with a relative error below 8.2e-18 (0.04 ulp).
	sinhP0 = 0x1.5555555555555p-3
	sinhP1 = 0x1.11111111110fep-7
	sinhP2 = 0x1.a01a01a01ed75p-13
	sinhP3 = 0x1.71de3a4e25c09p-19
	sinhP4 = 0x1.ae6460eaaa020p-26
	sinhP5 = 0x1.611cba690c7fcp-33
	sinhP6 = 0x1.b40fca14bb495p-41

	// cosh(x) = 1 + x^2/2 + x^4*Q(x^2) on |x| <= 1: minimax coefficients
	// with a relative error below 1.6e-17 (0.07 ulp).
	coshQ0 = 0x1.5555555555552p-5
	coshQ1 = 0x1.6c16c16c18a56p-10
	coshQ2 = 0x1.a01a019a92206p-16
	coshQ3 = 0x1.27e50160ce1fbp-22
	coshQ4 = 0x1.1ee7da544be66p-29
	coshQ5 = 0x1.98a916afca7a4p-37
)

// sinhPoly returns sinh(v) for |v| <= 1 (0.82 ulp measured).
func sinhPoly(v float64) float64 {
	x2 := v * v
	p := sinhP0 + x2*(sinhP1+x2*(sinhP2+x2*(sinhP3+x2*(sinhP4+x2*(sinhP5+x2*sinhP6)))))
	return v + (v*x2)*p
}

// coshPoly returns cosh(v) for |v| <= 1 (0.72 ulp measured): 1 + x^2/2
// keeps its rounding error (Fast2Sum, x^2/2 < 1) for the small terms.
func coshPoly(v float64) float64 {
	x2 := v * v
	h := 0.5 * x2
	s := 1 + h
	err := (1 - s) + h
	q := coshQ0 + x2*(coshQ1+x2*(coshQ2+x2*(coshQ3+x2*(coshQ4+x2*coshQ5))))
	return s + (err + (x2*x2)*q)
}

// SinhFromExp sets dst[i] = sinh(x[i]) for every i < len(x), given
// e[i] = e^x[i] as ExpTo computes it. e[i] is read only where
// 1 <= |x[i]| <= 700; elsewhere dst[i] depends on x[i] alone.
//
// dst may be e or x itself; otherwise it must overlap neither. It panics
// if len(dst) or len(e) is less than len(x).
//
// With e from ExpTo the error stays within about 1.6 ulp (1.55 measured),
// and within 0.82 ulp for |x| < 1; see the package documentation. NaN,
// ±Inf, ±0 and |x| > 700 give what math.Sinh gives.
func SinhFromExp(dst, e, x []float64) {
	dst = dst[:len(x)]
	e = e[:len(x)]
	for i, v := range x {
		top := uint32(math.Float64bits(v)>>32) & 0x7fffffff
		if top < hypPolyTop {
			dst[i] = sinhPoly(v)
			continue
		}
		if top > expFastTop {
			dst[i] = math.Sinh(v)
			continue
		}
		// 2*sinh = ev - 1/ev, rounded once: inv + inv*rho is 1/ev to
		// about 2^-100 (rho = 1 - ev*inv exactly, by a fused
		// multiply-add) and TwoSum keeps the subtraction's error.
		ev := e[i]
		inv := 1 / ev
		rho := math.FMA(-ev, inv, 1)
		s := ev - inv
		bb := s - ev
		err := (ev - (s - bb)) - (inv + bb)
		dst[i] = 0.5 * (s + (err - inv*rho))
	}
}

// CoshFromExp sets dst[i] = cosh(x[i]) for every i < len(x), given
// e[i] = e^x[i] as ExpTo computes it. e[i] is read only where
// 1 <= |x[i]| <= 700; elsewhere dst[i] depends on x[i] alone. Since cosh
// is even, e[i] = e^|x[i]| gives the same result and is more accurate for
// negative x[i].
//
// Aliasing and panics are as for SinhFromExp. The error stays within
// about 1.6 ulp (1.46 measured; 1.03 given e^|x|), and within 0.72 ulp for
// |x| < 1. NaN, ±Inf, ±0 and |x| > 700 give what math.Cosh gives.
func CoshFromExp(dst, e, x []float64) {
	dst = dst[:len(x)]
	e = e[:len(x)]
	for i, v := range x {
		top := uint32(math.Float64bits(v)>>32) & 0x7fffffff
		if top < hypPolyTop {
			dst[i] = coshPoly(v)
			continue
		}
		if top > expFastTop {
			dst[i] = math.Cosh(v)
			continue
		}
		// As in SinhFromExp, with a sum.
		ev := e[i]
		inv := 1 / ev
		rho := math.FMA(-ev, inv, 1)
		s := ev + inv
		bb := s - ev
		err := (ev - (s - bb)) + (inv - bb)
		dst[i] = 0.5 * (s + (err + inv*rho))
	}
}

// SinhTo sets dst[i] = sinh(x[i]) for every i < len(x). On the
// exponential path it computes E = e^|x[i]| itself, as an unevaluated sum
// hi + lo accurate to about 2^-57, so neither the rounding of e^x nor the
// reciprocal of a small e^x for negative x costs accuracy: the error is
// below 0.82 ulp. dst may be x itself; otherwise they must not overlap.
// It panics if len(dst) < len(x). Special values are as for SinhFromExp.
func SinhTo(dst, x []float64) {
	dst = dst[:len(x)]
	tab := expTab
	for i, v := range x {
		top := uint32(math.Float64bits(v)>>32) & 0x7fffffff
		if top < hypPolyTop {
			dst[i] = sinhPoly(v)
			continue
		}
		if top > expFastTop {
			dst[i] = math.Sinh(v)
			continue
		}
		// E = e^|v| as in ExpTo (see expCore), keeping the rounding
		// error of the last addition (Fast2Sum, scale > |scale*tmp|).
		// The conversion rounds st, so that no fused multiply-add can
		// change hi and break hi + lo = scale + st.
		a := math.Abs(v)
		kd := float64(a*expInvLn2N) + expShift
		ki := math.Float64bits(kd)
		kd -= expShift
		r := a - kd*expLn2HiN - kd*expLn2LoN
		e := &tab[ki&(expN-1)]
		scale := math.Float64frombits(e.bits + ki<<(52-expBits))
		r2 := r * r
		st := float64(scale * (e.tail + r + r2*(expC2+r*expC3+r2*expC4)))
		hi := scale + st
		lo := (scale - hi) + st
		// E - 1/E with 1/(hi+lo) ~ inv - lo*inv^2. inv < 0.37, so its
		// own rounding error is left alone (below 0.07 ulp); hi > inv
		// allows Fast2Sum.
		inv := 1 / hi
		s := hi - inv
		err := (hi - s) - inv
		dst[i] = math.Copysign(0.5*(s+(err+lo*(1+inv*inv))), v)
	}
}

// CoshTo sets dst[i] = cosh(x[i]) for every i < len(x), computing e^|x[i]|
// as SinhTo does; the error is below 0.72 ulp. dst may be x itself;
// otherwise they must not overlap. It panics if len(dst) < len(x).
// Special values are as for CoshFromExp.
func CoshTo(dst, x []float64) {
	dst = dst[:len(x)]
	tab := expTab
	for i, v := range x {
		top := uint32(math.Float64bits(v)>>32) & 0x7fffffff
		if top < hypPolyTop {
			dst[i] = coshPoly(v)
			continue
		}
		if top > expFastTop {
			dst[i] = math.Cosh(v)
			continue
		}
		// As in SinhTo, with E + 1/E.
		a := math.Abs(v)
		kd := float64(a*expInvLn2N) + expShift
		ki := math.Float64bits(kd)
		kd -= expShift
		r := a - kd*expLn2HiN - kd*expLn2LoN
		e := &tab[ki&(expN-1)]
		scale := math.Float64frombits(e.bits + ki<<(52-expBits))
		r2 := r * r
		st := float64(scale * (e.tail + r + r2*(expC2+r*expC3+r2*expC4)))
		hi := scale + st
		lo := (scale - hi) + st
		inv := 1 / hi
		s := hi + inv
		err := (hi - s) + inv
		dst[i] = 0.5 * (s + (err + lo*(1-inv*inv)))
	}
}
