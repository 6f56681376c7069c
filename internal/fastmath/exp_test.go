package fastmath

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// expInputs returns the accuracy-test inputs: random values across the
// finite range, a dense grid on [-1, 1], values near 0, the integers and
// points next to the reduction boundaries (odd multiples of ln2/(2N)).
func expInputs(random int) []float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	var xs []float64
	for range random {
		xs = append(xs, expTailMin+rng.Float64()*(expTailMax-expTailMin))
	}
	for i := -10000; i <= 10000; i++ {
		xs = append(xs, float64(i)/10000)
	}
	for e := -320; e <= 0; e++ {
		v := math.Pow(10, float64(e))
		xs = append(xs, v, -v, math.Nextafter(v, 0), -math.Nextafter(v, 0))
	}
	for i := -708; i <= 709; i++ {
		xs = append(xs, float64(i))
	}
	for range 20000 {
		k := float64(rng.IntN(2*260000) - 260000)
		b := (k + 0.5) * math.Ln2 / expN
		xs = append(xs, b, math.Nextafter(b, 0), math.Nextafter(b, math.Inf(1)))
	}
	for _, v := range []float64{expTailMin, expTailMax, 700, -700, 704, -704, 708, -708} {
		for _, w := range []float64{v, math.Nextafter(v, 0), math.Nextafter(v, 2*v)} {
			if w >= expTailMin && w <= expTailMax {
				xs = append(xs, w)
			}
		}
	}
	for range 20000 {
		xs = append(xs, 700+rng.Float64()*(expTailMax-700), -700-rng.Float64()*(700+expTailMin))
	}
	return xs
}

func TestExpToAccuracy(t *testing.T) {
	random := 200000
	if testing.Short() {
		random = 20000
	}
	xs := expInputs(random)
	got := make([]float64, len(xs))
	ExpTo(got, xs)
	worst, at := maxErr(len(xs), func(i int) float64 { return ulpDist(got[i], refExp(xs[i])) })
	t.Logf("ExpTo: %d inputs, max error %.4f ulp at x=%v", len(xs), worst, xs[at])
	if worst > 1 {
		t.Errorf("ExpTo(%v): error %v ulp, want <= 1; got %v, want %v",
			xs[at], worst, got[at], refExp(xs[at]).Text('g', 20))
	}
}

func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

func TestExpToSpecial(t *testing.T) {
	xs := []float64{
		math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0,
		709.8, 709.79, 710, 1000, 1e308, math.MaxFloat64,
		-745.2, -745.1, -1000, -1e308, -math.MaxFloat64,
		-708.4, -709, -710, -720, -740, -744, -745, // subnormal results
		5e-324, -5e-324, 2.2250738585072014e-308, 1e-320,
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 10000 {
		xs = append(xs, expTailMin-rng.Float64()*40, expTailMax+rng.Float64()*0.7)
	}
	got := make([]float64, len(xs))
	ExpTo(got, xs)
	for i, x := range xs {
		if want := math.Exp(x); !sameFloat(got[i], want) {
			t.Errorf("ExpTo(%v): got %v, want %v", x, got[i], want)
		}
	}
}

// within1Ulp reports whether got is want or one of its neighbours.
func within1Ulp(got, want float64) bool {
	return got == want || got == math.Nextafter(want, math.Inf(1)) || got == math.Nextafter(want, math.Inf(-1))
}

func TestExpToValues(t *testing.T) {
	cases := []struct{ x, want float64 }{
		// Exact results.
		{0, 1}, {math.Copysign(0, -1), 1}, {1e-300, 1}, {-1e-300, 1},
		// Correctly rounded results; ExpTo may be 1 ulp away.
		{1, math.E}, {-1, 1 / math.E}, {math.Ln2, 2}, {10 * math.Ln2, 1024},
		{10, 22026.465794806718}, {-10, 4.5399929762484854e-05},
	}
	for _, c := range cases {
		got := make([]float64, 1)
		ExpTo(got, []float64{c.x})
		if c.want == 1 && got[0] != 1 || !within1Ulp(got[0], c.want) {
			t.Errorf("ExpTo(%v): got %v, want %v", c.x, got[0], c.want)
		}
	}
}

// refPow2 returns 2^(i/N) by Newton's method on y^N = 2^i, independent of
// the square roots the table is built from.
func refPow2(i int) *big.Float {
	target := newRef().SetMantExp(newRef().SetInt64(1), i)
	y := newRef().SetFloat64(math.Pow(2, float64(i)/expN))
	for range 4 { // 53 bits doubled four times exceeds refPrec
		yn := newRef().Set(y) // y^(N-1) = y^N / y, with y^N by squaring
		for range expBits {
			yn.Mul(yn, yn)
		}
		// y -= (y^N - 2^i) / (N * y^N / y)
		num := newRef().Sub(yn, target)
		den := newRef().Quo(newRef().Mul(yn, newRef().SetInt64(expN)), y)
		y.Sub(y, num.Quo(num, den))
	}
	return y
}

func TestExpTable(t *testing.T) {
	for i := range expN {
		hi := math.Float64frombits(expTab[i].bits + uint64(i)<<(52-expBits))
		want := refPow2(i)
		if d := ulpDist(hi, want); d > 0.5 {
			t.Errorf("table[%d]: hi %v is %v ulp from 2^(%d/N), want <= 0.5", i, hi, d, i)
		}
		// hi*(1+tail) must match to far below an ulp.
		got := newRef().SetFloat64(expTab[i].tail)
		got.Add(got, newRef().SetInt64(1))
		got.Mul(got, newRef().SetFloat64(hi))
		rel := newRef().Quo(newRef().Sub(got, want), want)
		if r, _ := rel.Float64(); math.Abs(r) > 0x1p-100 {
			t.Errorf("table[%d]: hi*(1+tail) relative error: got %v, want <= 2^-100", i, r)
		}
	}
}

func TestExpConstants(t *testing.T) {
	ln2N := newRef().Quo(refLn2, newRef().SetInt64(expN))
	sum := newRef().Add(newRef().SetFloat64(expLn2HiN), newRef().SetFloat64(expLn2LoN))
	rel := newRef().Quo(newRef().Sub(sum, ln2N), ln2N)
	if r, _ := rel.Float64(); math.Abs(r) > 0x1p-88 {
		t.Errorf("hi+lo relative error: got %v, want <= 2^-88", r)
	}
	// kd*hi must be exact for every |k| <= 2^19.
	if tz := bits.TrailingZeros64(math.Float64bits(expLn2HiN) & (1<<52 - 1)); 53-tz > 34 {
		t.Errorf("hi has %d significant bits, want <= 34", 53-tz)
	}
	inv := newRef().Quo(newRef().SetInt64(expN), refLn2)
	if f, _ := inv.Float64(); f != expInvLn2N {
		t.Errorf("N/ln2: got %v, want %v", expInvLn2N, f)
	}
}

func TestExpToAliasAndLength(t *testing.T) {
	xs := []float64{-3, -0.5, 0, 0.25, 2, 700, 800, math.NaN()}
	want := make([]float64, len(xs))
	ExpTo(want, xs)
	inPlace := append([]float64(nil), xs...)
	ExpTo(inPlace, inPlace)
	long := []float64{9, 9, 9, 9, 9, 9, 9, 9, 9, 9}
	ExpTo(long, xs)
	for i := range xs {
		if !sameFloat(inPlace[i], want[i]) {
			t.Errorf("in place, x=%v: got %v, want %v", xs[i], inPlace[i], want[i])
		}
		if !sameFloat(long[i], want[i]) {
			t.Errorf("long dst, x=%v: got %v, want %v", xs[i], long[i], want[i])
		}
	}
	for _, v := range long[len(xs):] {
		if v != 9 {
			t.Errorf("dst past len(x): got %v, want %v", v, 9)
		}
	}
	ExpTo(nil, nil)
	defer func() {
		if recover() == nil {
			t.Errorf("ExpTo with short dst: got no panic, want one")
		}
	}()
	ExpTo(make([]float64, 2), xs)
}

func TestExpToAllocs(t *testing.T) {
	x := make([]float64, 2048)
	d := make([]float64, 2048)
	if n := testing.AllocsPerRun(10, func() { ExpTo(d, x) }); n != 0 {
		t.Errorf("allocations: got %v, want %v", n, 0)
	}
}
