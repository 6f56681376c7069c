package fastmath

import "math"

// ExpSinhTo works on groups of four elements. A group takes the shared
// path, without a branch per element, when the reduction's k of each of
// its elements has esKMin <= |k| <= esKMax; otherwise the group and the
// elements after it go to expSinhScalar, until esRun of them in a row are
// in range.
const (
	// expShiftBits is the encoding of expShift. For |x*N/ln2| < 2^51,
	// the bits of x*N/ln2 + expShift minus expShiftBits are k as a
	// signed integer; for larger |x|, ±Inf and NaN they are far outside
	// [-esKMax, esKMax].
	expShiftBits = 0x4338000000000000

	// |x| >= 1 gives |k| >= 369 (N/ln2 = 369.33), and |k| >= 369 gives
	// |x| > 0.99775: the shared path computes sinh for all |x| >= 1 and
	// for a few |x| just below. |k| <= 258529 gives |x| < 699.998,
	// within ExpTo's inline range.
	esKMin = 369
	esKMax = 258529

	// The test of a group works on zigzag(k) = 2|k| - (k < 0), which is
	// in [esZMin, esZMax] exactly when esKMin <= |k| <= esKMax.
	esZMin = 2*esKMin - 1
	esZMax = 2 * esKMax

	// esTopLow is the upper 32 bits of 0.99775266: inputs whose upper 32
	// bits, sign cleared, are below it have |k| < esKMin.
	esTopLow = 0x3fefed97

	// esRun is the number of inputs in a row with 1 <= |x| <= 700 after
	// which expSinhScalar hands back to the groups: where inputs outside
	// are common (many |x| < 1), the scalar loop runs on instead of
	// mispredicting the test of nearly every group; where they are rare,
	// little of the group loop is given up.
	esRun = 16
)

// expPair holds, for table index i, 2^(i/N) as expTab does (tail, bits)
// and 2^(-i/N) = 2^((N-i)/N) / 2 the same way (tailN, bitsN): bitsN is the
// encoding of 2^(-i/N) plus i<<(52-expBits), so that subtracting the
// shifted k of the reduction gives 2^(-k/N) = 2^-floor(k/N) * 2^(-i/N).
type expPair struct {
	tail, tailN float64
	bits, bitsN uint64
}

var expPairTab = makeExpPairTab()

// makeExpPairTab derives the pair table from expTab: entry N-i, halved,
// is 2^(-i/N), with the same relative tail.
func makeExpPairTab() *[expN]expPair {
	tab := new([expN]expPair)
	for i := range tab {
		tab[i].tail, tab[i].bits = expTab[i].tail, expTab[i].bits
		if i == 0 {
			tab[i].bitsN = math.Float64bits(1)
			continue
		}
		j := expN - i
		hi := math.Float64frombits(expTab[j].bits + uint64(j)<<(52-expBits))
		tab[i].tailN = expTab[j].tail
		tab[i].bitsN = math.Float64bits(hi/2) + uint64(i)<<(52-expBits)
	}
	return tab
}

// ExpSinhTo sets e[i] = e^x[i] and s[i] = sinh(x[i]) for every i <
// len(x), sharing one argument reduction: e^-x comes from the same k and
// r as e^x (the table entry of -k and the polynomial at -r), so sinh needs
// neither a second exponential nor a division. This is the kernel of an
// expression that uses both Exp and Sinh of one operand.
//
// The polynomial is evaluated as its even part p and odd part q, shared
// by e^r - 1 = p + q and e^-r - 1 = p - q. The loop takes four elements at
// a time as independent chains and tests their range once per group;
// where that test fails, a scalar loop with the same steps takes over.
//
// e[i] is within 0.55 ulp, as ExpTo's result is; beyond ExpTo's inline
// range (|x| > 700.000001), for NaN and for ±Inf it is ExpTo's result bit
// for bit. Elsewhere it may be the neighbour of ExpTo's result (about 2
// inputs in 10^4), since ExpTo sums the terms of the same polynomial in
// another order. s[i] is within 1.05 ulp for |x| >= 1 (1.03 measured:
// 2*sinh is the difference of the two scales plus the difference of the
// small terms) and sinhPoly's 0.82 ulp for |x| < 0.99775; in between, k
// decides which path an input takes, with either bound. Beyond ExpTo's
// inline range, for NaN and for ±Inf s[i] is math.Sinh's result. Every
// result depends on x[i] alone, not on its position in x. It costs about
// 1.0 ns per element more than ExpTo alone (3.1 against 2.1 ns where
// 1 <= |x| <= 700), against 1.6 ns for SinhFromExp after ExpTo (which is
// within 1.6 ulp).
//
// e and s must not overlap x or each other. It panics if len(e) or len(s)
// is less than len(x).
func ExpSinhTo(e, s, x []float64) {
	e = e[:len(x)]
	s = s[:len(x)]
	tab := expPairTab
	i := 0
	for i < len(x)-3 {
		va, vb, vc, vd := x[i], x[i+1], x[i+2], x[i+3]
		// k of each element and the range test of the group; then the
		// steps of expSinhScalar's common path, statement by statement
		// for the four elements.
		kda := float64(va*expInvLn2N) + expShift
		kdb := float64(vb*expInvLn2N) + expShift
		kdc := float64(vc*expInvLn2N) + expShift
		kdd := float64(vd*expInvLn2N) + expShift
		kia := math.Float64bits(kda)
		kib := math.Float64bits(kdb)
		kic := math.Float64bits(kdc)
		kid := math.Float64bits(kdd)
		kda -= expShift
		kdb -= expShift
		kdc -= expShift
		kdd -= expShift
		wa := int64(kia - expShiftBits)
		wb := int64(kib - expShiftBits)
		wc := int64(kic - expShiftBits)
		wd := int64(kid - expShiftBits)
		za := uint64(wa<<1^wa>>63) - esZMin
		zb := uint64(wb<<1^wb>>63) - esZMin
		zc := uint64(wc<<1^wc>>63) - esZMin
		zd := uint64(wd<<1^wd>>63) - esZMin
		if max(za, zb, zc, zd) > esZMax-esZMin {
			i += expSinhScalar(e[i:], s[i:], x[i:], esRun)
			continue
		}
		ra := va - kda*expLn2HiN - kda*expLn2LoN
		rb := vb - kdb*expLn2HiN - kdb*expLn2LoN
		rc := vc - kdc*expLn2HiN - kdc*expLn2LoN
		rd := vd - kdd*expLn2HiN - kdd*expLn2LoN
		ta := &tab[kia&(expN-1)]
		tb := &tab[kib&(expN-1)]
		tc := &tab[kic&(expN-1)]
		td := &tab[kid&(expN-1)]
		sha := kia << (52 - expBits)
		shb := kib << (52 - expBits)
		shc := kic << (52 - expBits)
		shd := kid << (52 - expBits)
		scalea := math.Float64frombits(ta.bits + sha)
		scaleb := math.Float64frombits(tb.bits + shb)
		scalec := math.Float64frombits(tc.bits + shc)
		scaled := math.Float64frombits(td.bits + shd)
		scaleNa := math.Float64frombits(ta.bitsN - sha)
		scaleNb := math.Float64frombits(tb.bitsN - shb)
		scaleNc := math.Float64frombits(tc.bitsN - shc)
		scaleNd := math.Float64frombits(td.bitsN - shd)
		r2a := ra * ra
		r2b := rb * rb
		r2c := rc * rc
		r2d := rd * rd
		pa := r2a * (expC2 + r2a*expC4)
		pb := r2b * (expC2 + r2b*expC4)
		pc := r2c * (expC2 + r2c*expC4)
		pd := r2d * (expC2 + r2d*expC4)
		qa := ra + r2a*(ra*expC3)
		qb := rb + r2b*(rb*expC3)
		qc := rc + r2c*(rc*expC3)
		qd := rd + r2d*(rd*expC3)
		tmpa := (ta.tail + pa) + qa
		tmpb := (tb.tail + pb) + qb
		tmpc := (tc.tail + pc) + qc
		tmpd := (td.tail + pd) + qd
		tmpNa := (ta.tailN + pa) - qa
		tmpNb := (tb.tailN + pb) - qb
		tmpNc := (tc.tailN + pc) - qc
		tmpNd := (td.tailN + pd) - qd
		sta := scalea * tmpa
		stb := scaleb * tmpb
		stc := scalec * tmpc
		std := scaled * tmpd
		e[i] = scalea + sta
		e[i+1] = scaleb + stb
		e[i+2] = scalec + stc
		e[i+3] = scaled + std
		s[i] = 0.5 * ((scalea - scaleNa) + (sta - scaleNa*tmpNa))
		s[i+1] = 0.5 * ((scaleb - scaleNb) + (stb - scaleNb*tmpNb))
		s[i+2] = 0.5 * ((scalec - scaleNc) + (stc - scaleNc*tmpNc))
		s[i+3] = 0.5 * ((scaled - scaleNd) + (std - scaleNd*tmpNd))
		i += 4
	}
	expSinhScalar(e[i:], s[i:], x[i:], len(x))
}

// expSinhScalar is ExpSinhTo one element at a time, for every x: the
// group loop's steps, with sinhPoly for sinh where |k| < esKMin, and
// expTail and math.Sinh beyond ExpTo's inline range, for NaN and for
// ±Inf. Its tests use the bits of x where they can, which are known
// before the reduction, so that a mispredicted branch costs less. It
// returns after clean inputs in a row with 1 <= |x| <= 700, or at the
// end of x, the number of elements it has set.
func expSinhScalar(e, s, x []float64, clean int) int {
	e = e[:len(x)]
	s = s[:len(x)]
	tab := expPairTab
	run := 0
	for i, v := range x {
		top := uint32(math.Float64bits(v)>>32) & 0x7fffffff
		if top > expFastTop {
			e[i] = expTail(v)
			s[i] = math.Sinh(v)
			run = 0
			continue
		}
		// k, r, the scale 2^(k/N) and e^r - 1 = p + q
		kd := float64(v*expInvLn2N) + expShift
		ki := math.Float64bits(kd)
		kd -= expShift
		r := v - kd*expLn2HiN - kd*expLn2LoN
		t := &tab[ki&(expN-1)]
		sh := ki << (52 - expBits)
		scale := math.Float64frombits(t.bits + sh)
		r2 := r * r
		p := r2 * (expC2 + r2*expC4)
		q := r + r2*(r*expC3)
		tmp := (t.tail + p) + q
		st := scale * tmp
		e[i] = scale + st
		if top < hypPolyTop {
			run = 0
			// |k| < esKMin: always where |x| < 0.99775, never where |x| >= 1
			if w := int64(ki - expShiftBits); top < esTopLow || uint64(w<<1^w>>63) < esZMin {
				s[i] = sinhPoly(v)
				continue
			}
		}
		// 2^(-k/N) and e^-r - 1 = p - q; 2*sinh = (scale - scaleN) +
		// (scale*tmp - scaleN*tmpN)
		scaleN := math.Float64frombits(t.bitsN - sh)
		tmpN := (t.tailN + p) - q
		s[i] = 0.5 * ((scale - scaleN) + (st - scaleN*tmpN))
		if run++; run == clean {
			return i + 1
		}
	}
	return len(x)
}
