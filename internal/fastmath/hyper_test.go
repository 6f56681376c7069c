package fastmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// hypInputs returns the accuracy-test inputs for sinh and cosh: random
// values at several scales, a dense grid on [-2, 2], tiny values, and
// values where e^x or e^-x is just above a power of two (there the
// result may lie in a lower binade than the larger of e^x and e^-x, the
// worst case of the e^x path).
func hypInputs(random int) []float64 {
	rng := rand.New(rand.NewPCG(3, 4))
	var xs []float64
	for range random {
		s := rng.Float64()*2 - 1
		xs = append(xs, s*700, s*20, s*3)
	}
	for i := -20000; i <= 20000; i++ {
		xs = append(xs, float64(i)/10000)
	}
	for e := -300; e <= 0; e++ {
		v := math.Pow(10, float64(e))
		xs = append(xs, v, -v)
	}
	for j := 1; j < 1000; j++ {
		b := float64(j) * math.Ln2
		for range 50 {
			d := b + rng.Float64()*math.Exp(-2*b)
			xs = append(xs, d, -d)
			d = b + rng.Float64()*1e-3
			xs = append(xs, d, -d)
		}
	}
	for _, v := range []float64{1, 700} {
		for _, w := range []float64{v, math.Nextafter(v, 0), math.Nextafter(v, 2*v)} {
			xs = append(xs, w, -w)
		}
	}
	return xs
}

func TestHyperbolicAccuracy(t *testing.T) {
	random := 50000
	if testing.Short() {
		random = 5000
	}
	xs := hypInputs(random)
	wantS := make([]*big.Float, len(xs))
	wantC := make([]*big.Float, len(xs))
	maxErr(len(xs), func(i int) float64 {
		wantS[i], wantC[i] = refSinhCosh(xs[i])
		return 0
	})
	e := make([]float64, len(xs))
	ExpTo(e, xs)
	absX := make([]float64, len(xs))
	for i, v := range xs {
		absX[i] = math.Abs(v)
	}
	eAbs := make([]float64, len(xs))
	ExpTo(eAbs, absX)
	got := make([]float64, len(xs))
	cases := []struct {
		name  string
		run   func()
		want  []*big.Float
		bound float64
	}{
		{"SinhFromExp", func() { SinhFromExp(got, e, xs) }, wantS, 2},
		{"CoshFromExp", func() { CoshFromExp(got, e, xs) }, wantC, 2},
		{"CoshFromExp(e^|x|)", func() { CoshFromExp(got, eAbs, xs) }, wantC, 2},
		{"SinhTo", func() { SinhTo(got, xs) }, wantS, 2},
		{"CoshTo", func() { CoshTo(got, xs) }, wantC, 2},
	}
	for _, c := range cases {
		c.run()
		worst, at := maxErr(len(xs), func(i int) float64 { return ulpDist(got[i], c.want[i]) })
		small, _ := maxErr(len(xs), func(i int) float64 {
			if math.Abs(xs[i]) >= 1 {
				return 0
			}
			return ulpDist(got[i], c.want[i])
		})
		large, _ := maxErr(len(xs), func(i int) float64 {
			if math.Abs(xs[i]) < 1 {
				return 0
			}
			return ulpDist(got[i], c.want[i])
		})
		t.Logf("%s: %d inputs, max error %.4f ulp at x=%v (|x| < 1: %.4f ulp, |x| >= 1: %.4f ulp)",
			c.name, len(xs), worst, xs[at], small, large)
		if worst > c.bound {
			t.Errorf("%s(%v): error %v ulp, want <= %v; got %v, want %v",
				c.name, xs[at], worst, c.bound, got[at], c.want[at].Text('g', 20))
		}
	}
}

func TestHyperbolicSpecial(t *testing.T) {
	xs := []float64{
		math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		700.5, -700.5, 710, -710, 710.4, -710.4, 710.5, -710.5, 800, -800, 1e300, -1e300,
	}
	e := make([]float64, len(xs))
	ExpTo(e, xs)
	got := make([]float64, len(xs))
	check := func(name string, ref func(float64) float64) {
		t.Helper()
		for i, x := range xs {
			if want := ref(x); !sameFloat(got[i], want) {
				t.Errorf("%s(%v): got %v, want %v", name, x, got[i], want)
			}
		}
	}
	SinhFromExp(got, e, xs)
	check("SinhFromExp", math.Sinh)
	SinhTo(got, xs)
	check("SinhTo", math.Sinh)
	CoshFromExp(got, e, xs)
	check("CoshFromExp", math.Cosh)
	CoshTo(got, xs)
	check("CoshTo", math.Cosh)
}

func TestHyperbolicValues(t *testing.T) {
	cases := []struct{ x, sinh, cosh float64 }{
		{0, 0, 1},
		{1e-300, 1e-300, 1},
		{-1e-300, -1e-300, 1},
		{5e-324, 5e-324, 1},
		{1e-10, 1e-10, 1},
		{1, 1.1752011936438014, 1.5430806348152437},
		{-1, -1.1752011936438014, 1.5430806348152437},
		{0.5, 0.5210953054937474, 1.1276259652063807},
		{20, 2.4258259770489514e+08, 2.4258259770489514e+08},
	}
	for _, c := range cases {
		x := []float64{c.x}
		e := make([]float64, 1)
		ExpTo(e, x)
		got := make([]float64, 1)
		for _, f := range []struct {
			name string
			run  func()
			want float64
		}{
			{"SinhFromExp", func() { SinhFromExp(got, e, x) }, c.sinh},
			{"SinhTo", func() { SinhTo(got, x) }, c.sinh},
			{"CoshFromExp", func() { CoshFromExp(got, e, x) }, c.cosh},
			{"CoshTo", func() { CoshTo(got, x) }, c.cosh},
		} {
			f.run()
			// Exact for |x| tiny or zero, else within 1 ulp of the
			// correctly rounded value.
			exact := math.Abs(c.x) < 1e-9
			if exact && got[0] != f.want || !within1Ulp(got[0], f.want) {
				t.Errorf("%s(%v): got %v, want %v", f.name, c.x, got[0], f.want)
			}
		}
	}
}

func TestHyperbolicAliasAndLength(t *testing.T) {
	// Every path represented, in a block longer than the 256-element
	// buffers an implementation might use.
	rng := rand.New(rand.NewPCG(7, 8))
	xs := make([]float64, 3*256+17)
	for i := range xs {
		xs[i] = (rng.Float64()*2 - 1) * []float64{0.5, 5, 720}[i%3]
	}
	xs[5] = math.NaN()
	e := make([]float64, len(xs))
	ExpTo(e, xs)
	for _, f := range []struct {
		name string
		run  func(dst, e, x []float64)
	}{
		{"SinhFromExp", SinhFromExp},
		{"CoshFromExp", CoshFromExp},
		{"SinhTo", func(dst, _, x []float64) { SinhTo(dst, x) }},
		{"CoshTo", func(dst, _, x []float64) { CoshTo(dst, x) }},
	} {
		want := make([]float64, len(xs))
		f.run(want, e, xs)
		onX := append([]float64(nil), xs...)
		f.run(onX, e, onX)
		onE := append([]float64(nil), e...)
		f.run(onE, onE, xs)
		for i := range xs {
			if !sameFloat(onX[i], want[i]) || !sameFloat(onE[i], want[i]) {
				t.Fatalf("%s(%v) in place: got %v and %v, want %v", f.name, xs[i], onX[i], onE[i], want[i])
			}
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with short dst: got no panic, want one", f.name)
				}
			}()
			f.run(make([]float64, 3), e, xs)
		}()
		f.run(nil, nil, nil)
	}
}

func TestHyperbolicAllocs(t *testing.T) {
	x := make([]float64, 2048)
	for i := range x {
		x[i] = float64(i)/100 - 10
	}
	d := make([]float64, 2048)
	for name, f := range map[string]func(){
		"SinhTo":      func() { SinhTo(d, x) },
		"CoshTo":      func() { CoshTo(d, x) },
		"SinhFromExp": func() { SinhFromExp(d, x, x) },
	} {
		if n := testing.AllocsPerRun(10, f); n != 0 {
			t.Errorf("%s allocations: got %v, want %v", name, n, 0)
		}
	}
}
