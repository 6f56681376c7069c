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

// SinhFromExp sets dst[i] = sinh(x[i]) for every i < len(x), given
// e[i] = e^x[i] as ExpTo computes it. e[i] is read only where
// 1 <= |x[i]| <= 700; elsewhere dst[i] depends on x[i] alone.
//
// dst may be e or x itself; otherwise it must overlap neither. It panics
// if len(dst) or len(e) is less than len(x).
//
// With e from ExpTo the error is below 2 ulp, and below 1 ulp for
// |x| < 1; see the package documentation for measured values. NaN, ±Inf,
// ±0 and |x| > 700 give what math.Sinh gives.
func SinhFromExp(dst, e, x []float64) {
	hypKernel(dst, e, nil, x, false, false)
}

// CoshFromExp sets dst[i] = cosh(x[i]) for every i < len(x), given
// e[i] = e^x[i] as ExpTo computes it. e[i] is read only where
// 1 <= |x[i]| <= 700; elsewhere dst[i] depends on x[i] alone. Since cosh
// is even, e[i] = e^|x[i]| gives the same result and is more accurate for
// negative x[i].
//
// Aliasing, panics, accuracy and special values are as for SinhFromExp,
// with math.Cosh as the reference.
func CoshFromExp(dst, e, x []float64) {
	hypKernel(dst, e, nil, x, true, false)
}

// hypKernel computes sinh (cosh: false) or cosh (cosh: true) of x. For
// 1 <= |x[i]| <= 700 it uses hi[i] + lo[i] = e^x[i], or e^|x[i]| when
// absExp is set, where lo may be nil for zero.
//
// On that path 2*sinh = E - 1/E and 2*cosh = E + 1/E are evaluated with
// compensation: the reciprocal's rounding error comes from an exact
// residual 1 - E*inv (one fused multiply-add) and the sum's from TwoSum,
// so the result is rounded once and its error is essentially the error
// of E, which counts double when 1/E or E - 1/E lies in a lower binade
// than E.
func hypKernel(dst, hi, lo, x []float64, cosh, absExp bool) {
	dst = dst[:len(x)]
	hi = hi[:len(x)]
	if lo != nil {
		lo = lo[:len(x)]
	}
	for i, v := range x {
		top := uint32(math.Float64bits(v)>>32) & 0x7fffffff
		if top < hypPolyTop {
			x2 := v * v
			if cosh {
				// 1 + x^2/2 with its rounding error (Fast2Sum,
				// x^2/2 < 1), then the small terms.
				h := 0.5 * x2
				s := 1 + h
				err := (1 - s) + h
				q := coshQ0 + x2*(coshQ1+x2*(coshQ2+x2*(coshQ3+x2*(coshQ4+x2*coshQ5))))
				dst[i] = s + (err + (x2*x2)*q)
			} else {
				p := sinhP0 + x2*(sinhP1+x2*(sinhP2+x2*(sinhP3+x2*(sinhP4+x2*(sinhP5+x2*sinhP6)))))
				dst[i] = v + (v*x2)*p
			}
			continue
		}
		if top > expFastTop {
			if cosh {
				dst[i] = math.Cosh(v)
			} else {
				dst[i] = math.Sinh(v)
			}
			continue
		}
		eh := hi[i]
		var el float64
		if lo != nil {
			el = lo[i]
		}
		inv := 1 / eh
		// 1/(eh+el) = inv + invLo to about 2^-100 relative.
		rho := math.FMA(-eh, inv, 1)
		invLo := inv * (rho - el*inv)
		if !cosh {
			inv, invLo = -inv, -invLo
		}
		// TwoSum: s + err = eh + inv exactly.
		s := eh + inv
		bb := s - eh
		err := (eh - (s - bb)) + (inv - bb)
		r := 0.5 * (s + (err + (el + invLo)))
		if absExp && !cosh && v < 0 {
			r = -r
		}
		dst[i] = r
	}
}

// hypChunk is the block size of SinhTo and CoshTo; their two buffers of
// this size stay on the stack.
const hypChunk = 256

// SinhTo sets dst[i] = sinh(x[i]) for every i < len(x). It computes
// e^|x[i]| in blocks of 256 as an unevaluated sum hi + lo, accurate to
// about 2^-57, which avoids both the reciprocal of a small e^x for
// negative x and most of the error of a rounded e^x. dst may be x itself;
// otherwise they must not overlap. It panics if len(dst) < len(x).
func SinhTo(dst, x []float64) {
	hypTo(dst, x, false)
}

// CoshTo sets dst[i] = cosh(x[i]) for every i < len(x), computing e^|x[i]|
// as SinhTo does. dst may be x itself; otherwise they must not overlap.
// It panics if len(dst) < len(x).
func CoshTo(dst, x []float64) {
	hypTo(dst, x, true)
}

func hypTo(dst, x []float64, cosh bool) {
	dst = dst[:len(x)]
	var hiBuf, loBuf [hypChunk]float64
	for len(x) > 0 {
		n := min(len(x), hypChunk)
		hi, lo := hiBuf[:n], loBuf[:n]
		expAbsDD(hi, lo, x[:n])
		hypKernel(dst[:n], hi, lo, x[:n], cosh, true)
		dst, x = dst[n:], x[n:]
	}
}
