package fastmath

import (
	"math"
	"math/big"
	"runtime"
	"sync"
)

// refPrec is the working precision of the math/big references: far more
// than needed to measure errors of a fraction of an ulp.
const refPrec = 200

func newRef() *big.Float { return new(big.Float).SetPrec(refPrec) }

// refLn2 is ln 2 to refPrec bits, from ln 2 = 2*atanh(1/3) =
// 2 * sum_n (1/3)^(2n+1)/(2n+1).
var refLn2 = func() *big.Float {
	const prec = refPrec + 64
	third := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1), big.NewFloat(3))
	ninth := new(big.Float).SetPrec(prec).Mul(third, third)
	pow := new(big.Float).SetPrec(prec).Set(third)
	sum := new(big.Float).SetPrec(prec)
	term := new(big.Float).SetPrec(prec)
	for n := 0; n < prec; n++ { // each step gains more than 3 bits
		term.Quo(pow, new(big.Float).SetInt64(int64(2*n+1)))
		sum.Add(sum, term)
		pow.Mul(pow, ninth)
	}
	return newRef().Mul(sum, big.NewFloat(2))
}()

// refExp returns e^x to about refPrec bits: x = k*ln2 + r, then e^r from
// its Taylor series at r/2^8 followed by 8 squarings.
func refExp(x float64) *big.Float {
	const halvings = 8
	k := math.Round(x / math.Ln2)
	r := newRef().SetFloat64(x)
	r.Sub(r, newRef().Mul(refLn2, newRef().SetFloat64(k)))
	r.SetMantExp(r, -halvings)
	sum := newRef().SetInt64(1)
	term := newRef().SetInt64(1)
	for n := int64(1); ; n++ {
		term.Mul(term, r)
		term.Quo(term, newRef().SetInt64(n))
		if term.Sign() == 0 || term.MantExp(nil) < -refPrec-8 {
			break
		}
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	return sum.SetMantExp(sum, int(k))
}

// refSinhCosh returns sinh(x) and cosh(x) to about refPrec bits. For
// small |x| it sums the series directly, avoiding the cancellation in
// (e^x - e^-x)/2.
func refSinhCosh(x float64) (sinh, cosh *big.Float) {
	if math.Abs(x) < 0.5 {
		xb := newRef().SetFloat64(x)
		x2 := newRef().Mul(xb, xb)
		sinh, cosh = newRef().Set(xb), newRef().SetInt64(1)
		st, ct := newRef().Set(xb), newRef().SetInt64(1)
		for n := int64(1); ; n++ {
			st.Mul(st, x2)
			st.Quo(st, newRef().SetInt64((2*n)*(2*n+1)))
			ct.Mul(ct, x2)
			ct.Quo(ct, newRef().SetInt64((2*n-1)*(2*n)))
			if ct.Sign() == 0 || ct.MantExp(nil) < -refPrec-8 {
				break
			}
			sinh.Add(sinh, st)
			cosh.Add(cosh, ct)
		}
		return sinh, cosh
	}
	ep := refExp(x)
	em := newRef().Quo(newRef().SetInt64(1), ep)
	sinh = newRef().Sub(ep, em)
	cosh = newRef().Add(ep, em)
	return sinh.SetMantExp(sinh, -1), cosh.SetMantExp(cosh, -1)
}

// ulpDist returns |got - want| in units of the ulp of want's binade
// (subnormal spacing below the normal range). Infinite got or want count
// as +Inf unless they are equal.
func ulpDist(got float64, want *big.Float) float64 {
	if math.IsInf(got, 0) || want.IsInf() {
		if wf, _ := want.Float64(); wf == got {
			return 0
		}
		return math.Inf(1)
	}
	if want.Sign() == 0 {
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	}
	diff := newRef().Sub(newRef().SetFloat64(got), want)
	// want = m * 2^e with 0.5 <= |m| < 1, so it lies in [2^(e-1), 2^e)
	// where the ulp is 2^(e-53).
	ulpExp := max(want.MantExp(nil)-53, -1074)
	d, _ := diff.SetMantExp(diff, -ulpExp).Float64()
	return math.Abs(d)
}

// maxErr evaluates dist(i) for i in [0, n) on all CPUs and returns the
// largest value and the index where it occurred.
func maxErr(n int, dist func(i int) float64) (worst float64, at int) {
	workers := runtime.GOMAXPROCS(0)
	type res struct {
		worst float64
		at    int
	}
	out := make([]res, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := res{at: -1}
			for i := w; i < n; i += workers {
				if d := dist(i); d > r.worst || r.at < 0 || math.IsNaN(d) {
					r = res{d, i}
					if math.IsNaN(d) {
						d = math.Inf(1)
						r.worst = d
					}
				}
			}
			out[w] = r
		}()
	}
	wg.Wait()
	worst, at = 0, -1
	for _, r := range out {
		if r.at >= 0 && (at < 0 || r.worst > worst) {
			worst, at = r.worst, r.at
		}
	}
	return worst, at
}
