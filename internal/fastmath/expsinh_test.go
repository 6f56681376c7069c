package fastmath

import (
	"math"
	"testing"
)

func TestExpSinhTo(t *testing.T) {
	xs := hypInputs(20000)
	xs = append(xs, math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		700.5, -700.5, 709.7, -708.3, 710, -710, 800, -800, 1e300, -1e300, -745.2, -1000)
	e := make([]float64, len(xs))
	s := make([]float64, len(xs))
	ExpSinhTo(e, s, xs)
	want := make([]float64, len(xs))
	ExpTo(want, xs)
	for i, x := range xs {
		if !sameFloat(e[i], want[i]) {
			t.Fatalf("exp(%v): got %v, want %v (as ExpTo)", x, e[i], want[i])
		}
	}
	worst, at := maxErr(len(xs), func(i int) float64 {
		x := xs[i]
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 700 {
			if !sameFloat(s[i], math.Sinh(x)) {
				t.Errorf("sinh(%v): got %v, want %v", x, s[i], math.Sinh(x))
			}
			return 0
		}
		sh, _ := refSinhCosh(x)
		return ulpDist(s[i], sh)
	})
	t.Logf("ExpSinhTo: sinh max error %.3f ulp at x = %v", worst, xs[at])
	if worst > 1.1 {
		t.Errorf("sinh max error %.3f ulp at x = %v, want at most 1.1", worst, xs[at])
	}
}

func BenchmarkExpSinhTo(b *testing.B) {
	x := make([]float64, 2048)
	for i := range x {
		x[i] = 1 + float64(i)/2048
	}
	e := make([]float64, len(x))
	s := make([]float64, len(x))
	for b.Loop() {
		ExpSinhTo(e, s, x)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/elem")
}
