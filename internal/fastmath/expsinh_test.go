package fastmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// expSinhInputs returns hypInputs plus the edges of ExpSinhTo's paths:
// around |k| = esKMin (|x| just below 1) and |k| = esKMax (|x| just below
// 700), ExpTo's inline limit, and the special values.
func expSinhInputs(random int) []float64 {
	xs := hypInputs(random)
	for _, k := range []float64{esKMin - 0.5, esKMin + 0.5, esKMax - 0.5, esKMax + 0.5} {
		b := k / expInvLn2N
		w := b
		for range 20 {
			xs = append(xs, w, -w)
			w = math.Nextafter(w, 0)
		}
		w = b
		for range 20 {
			w = math.Nextafter(w, math.Inf(1))
			xs = append(xs, w, -w)
		}
	}
	for i := 0; i <= 2000; i++ {
		v := 0.997 + float64(i)*2e-6 // dense where the sinh paths meet
		xs = append(xs, v, -v)
	}
	return append(xs, math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		5e-324, -5e-324, 700, -700, 700.000001, -700.000001, 700.5, -700.5,
		709.7, -708.3, 710, -710, 800, -800, 1e300, -1e300, -745.2, -1000)
}

func TestExpSinhTo(t *testing.T) {
	random := 20000
	if testing.Short() {
		random = 2000
	}
	xs := expSinhInputs(random)
	e := make([]float64, len(xs))
	s := make([]float64, len(xs))
	ExpSinhTo(e, s, xs)
	want := make([]float64, len(xs))
	ExpTo(want, xs)
	// beyond ExpTo's inline range (|x| > 700.000001), NaN and ±Inf
	beyond := func(x float64) bool { return uint32(math.Float64bits(x)>>32)&0x7fffffff > expFastTop }
	neighbours := 0
	for i, x := range xs {
		switch {
		case beyond(x):
			if !sameFloat(e[i], want[i]) || !sameFloat(s[i], math.Sinh(x)) {
				t.Errorf("exp, sinh(%v): got %v, %v, want %v, %v (ExpTo, math.Sinh)", x, e[i], s[i], want[i], math.Sinh(x))
			}
		case e[i] != want[i]:
			neighbours++
			if !within1Ulp(e[i], want[i]) {
				t.Errorf("exp(%v): got %v, want %v (ExpTo) or a neighbour", x, e[i], want[i])
			}
		}
	}
	// One reference exponential per input serves both errors; sinh of
	// |x| < 0.5 comes from its series.
	distE := make([]float64, len(xs))
	distS := make([]float64, len(xs))
	maxErr(len(xs), func(i int) float64 {
		x := xs[i]
		if beyond(x) {
			return 0
		}
		ep := refExp(x)
		distE[i] = ulpDist(e[i], ep)
		sh, _ := refSinhCosh(x)
		if math.Abs(x) >= 0.5 {
			sh = newRef().Sub(ep, newRef().Quo(newRef().SetInt64(1), ep))
			sh.SetMantExp(sh, -1)
		}
		distS[i] = ulpDist(s[i], sh)
		return 0
	})
	atE, atS, small := 0, 0, 0.0
	for i, x := range xs {
		if distE[i] > distE[atE] {
			atE = i
		}
		if distS[i] > distS[atS] {
			atS = i
		}
		if math.Abs(x) < 1 {
			small = max(small, distS[i])
		}
	}
	worstE, worstS := distE[atE], distS[atS]
	t.Logf("ExpSinhTo: %d inputs; exp max error %.4f ulp at x = %v (%d neighbours of ExpTo's result); sinh max error %.4f ulp at x = %v (%.4f ulp for |x| < 1)",
		len(xs), worstE, xs[atE], neighbours, worstS, xs[atS], small)
	if worstE > 0.55 {
		t.Errorf("exp max error %.4f ulp at x = %v, want at most 0.55", worstE, xs[atE])
	}
	if worstS > 1.05 {
		t.Errorf("sinh max error %.4f ulp at x = %v, want at most 1.05", worstS, xs[atS])
	}
}

// TestExpSinhToPosition checks that a result depends on its input alone:
// alone in a slice (the scalar loop), each input gives the same bits as in
// a group of four copies of itself (the group loop, where the input is in
// its range) and as in a long shuffled slice (both loops).
func TestExpSinhToPosition(t *testing.T) {
	xs := expSinhInputs(2000)
	rng := rand.New(rand.NewPCG(9, 10))
	rng.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	e := make([]float64, len(xs))
	s := make([]float64, len(xs))
	ExpSinhTo(e, s, xs)
	var e1, s1, e4, s4 [4]float64
	for i, x := range xs {
		ExpSinhTo(e1[:1], s1[:1], xs[i:i+1])
		if !sameFloat(e1[0], e[i]) || !sameFloat(s1[0], s[i]) {
			t.Fatalf("exp, sinh(%v) alone: got %v, %v, want %v, %v (as in the slice)", x, e1[0], s1[0], e[i], s[i])
		}
		x4 := [4]float64{x, x, x, x}
		ExpSinhTo(e4[:], s4[:], x4[:])
		for j := range 4 {
			if !sameFloat(e4[j], e1[0]) || !sameFloat(s4[j], s1[0]) {
				t.Fatalf("exp, sinh(%v) in a group: got %v, %v, want %v, %v (alone)", x, e4[j], s4[j], e1[0], s1[0])
			}
		}
	}
}

func TestExpSinhToLength(t *testing.T) {
	for _, n := range []int{0, 1, 3, 4, 5, 17, 64} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = 1 + float64(i)/8
		}
		e := make([]float64, n+2)
		s := make([]float64, n+2)
		e[n], s[n+1] = 9, 9
		ExpSinhTo(e, s, xs)
		if e[n] != 9 || s[n+1] != 9 {
			t.Errorf("n=%d: elements past len(x): got %v, %v, want 9, 9", n, e[n], s[n+1])
		}
	}
	xs := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct {
		name string
		e, s []float64
	}{{"short e", make([]float64, 4), make([]float64, 5)}, {"short s", make([]float64, 5), make([]float64, 4)}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: got no panic, want one", c.name)
				}
			}()
			ExpSinhTo(c.e, c.s, xs)
		}()
	}
}

func TestExpSinhToAllocs(t *testing.T) {
	x := make([]float64, 2048)
	for i := range x {
		x[i] = float64(i)/100 - 10
	}
	e := make([]float64, len(x))
	s := make([]float64, len(x))
	if n := testing.AllocsPerRun(10, func() { ExpSinhTo(e, s, x) }); n != 0 {
		t.Errorf("allocations: got %v, want %v", n, 0)
	}
}

// BenchmarkExpSinhTo runs blocks of 2048 elements: x=1..2 (the original
// case), x=1 (the array benchmark's input), |x| in 1..5 with random signs,
// and x=±5, where a fifth of the inputs have |x| < 1.
func BenchmarkExpSinhTo(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct {
		name string
		gen  func(i int) float64
	}{
		{"x=1..2", func(i int) float64 { return 1 + float64(i)/2048 }},
		{"x=1", func(int) float64 { return 1 }},
		{"|x|=1..5", func(int) float64 { return (1 + 4*rng.Float64()) * float64(1-2*rng.IntN(2)) }},
		{"x=±5", func(int) float64 { return 10*rng.Float64() - 5 }},
	} {
		b.Run(c.name, func(b *testing.B) {
			x := make([]float64, 2048)
			for i := range x {
				x[i] = c.gen(i)
			}
			e := make([]float64, len(x))
			s := make([]float64, len(x))
			for b.Loop() {
				ExpSinhTo(e, s, x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(x)), "ns/elem")
		})
	}
}

func TestExpSinhToConstants(t *testing.T) {
	if got := math.Float64bits(expShift); got != expShiftBits {
		t.Errorf("expShiftBits: got %#x, want %#x", uint64(expShiftBits), got)
	}
	// |x| >= 1 takes the shared path: k(1) is esKMin.
	if k := math.Round(1 * expInvLn2N); k != esKMin {
		t.Errorf("k of 1: got %v, want esKMin = %v", k, esKMin)
	}
	// The shared path stays within ExpTo's inline range (|x| < 700).
	if top := (esKMax + 0.5) / expInvLn2N * (1 + 0x1p-50); top >= 700 {
		t.Errorf("largest |x| of the shared path: got %v, want < 700", top)
	}
	for _, k := range []int64{-esKMax - 1, -esKMax, -esKMin, -esKMin + 1, 0, esKMin - 1, esKMin, esKMax, esKMax + 1} {
		z := uint64(k<<1 ^ k>>63)
		in := esKMin <= max(k, -k) && max(k, -k) <= esKMax
		if got := z-esZMin <= esZMax-esZMin; got != in {
			t.Errorf("range test of k = %d: got %v, want %v", k, got, in)
		}
	}
}

// TestExpPairTable checks the entries of 2^(-i/N) as TestExpTable checks
// those of 2^(i/N); the entries of 2^(i/N) must be expTab's.
func TestExpPairTable(t *testing.T) {
	for i := range expN {
		en := expPairTab[i]
		if en.tail != expTab[i].tail || en.bits != expTab[i].bits {
			t.Errorf("pair[%d]: got 2^(i/N) entry {%v %#x}, want expTab's {%v %#x}", i, en.tail, en.bits, expTab[i].tail, expTab[i].bits)
		}
		hi := math.Float64frombits(en.bitsN - uint64(i)<<(52-expBits))
		want := refPow2(-i)
		if d := ulpDist(hi, want); d > 0.5 {
			t.Errorf("pair[%d]: hi %v is %v ulp from 2^(-%d/N), want <= 0.5", i, hi, d, i)
		}
		got := newRef().SetFloat64(en.tailN)
		got.Add(got, newRef().SetInt64(1))
		got.Mul(got, newRef().SetFloat64(hi))
		rel := newRef().Quo(newRef().Sub(got, want), want)
		if r, _ := rel.Float64(); math.Abs(r) > 0x1p-100 {
			t.Errorf("pair[%d]: hi*(1+tailN) relative error: got %v, want <= 2^-100", i, r)
		}
	}
}
