package fastmath

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// exactSum returns the sum of x rounded once to float64, and sum(|x|).
// 2200 bits hold any sum of fewer than 2^50 float64 values exactly.
func exactSum(x []float64) (sum, abs float64) {
	s := new(big.Float).SetPrec(2200)
	a := new(big.Float).SetPrec(2200)
	for _, v := range x {
		s.Add(s, big.NewFloat(v))
		a.Add(a, big.NewFloat(math.Abs(v)))
	}
	sum, _ = s.Float64()
	abs, _ = a.Float64()
	return sum, abs
}

func sumData(rng *rand.Rand, n int, kind int) []float64 {
	x := make([]float64, n)
	for i := range x {
		switch kind {
		case 0: // positive, one scale
			x[i] = rng.Float64()
		case 1: // mixed signs, heavy cancellation
			x[i] = rng.Float64()*2 - 1
		default: // mixed signs and magnitudes
			x[i] = (rng.Float64()*2 - 1) * math.Ldexp(1, rng.IntN(60)-30)
		}
	}
	return x
}

func TestSum(t *testing.T) {
	const u = 0x1p-53
	rng := rand.New(rand.NewPCG(9, 10))
	sizes := []int{0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 100, 1000, 2048, 2049, 100000}
	for _, n := range sizes {
		for kind := range 3 {
			x := sumData(rng, n, kind)
			want, abs := exactSum(x)
			got := Sum(x)
			if bound := float64(n/8+4) * u * abs; math.Abs(got-want) > bound {
				t.Errorf("Sum(n=%d, kind %d): got %v, want %v (bound %v)", n, kind, got, want, bound)
			}
			var p Pairwise
			for _, v := range x {
				p.Add(v)
			}
			bound := 2 * float64(bits.Len(uint(n))+1) * u * abs
			if got := p.Value(); math.Abs(got-want) > bound {
				t.Errorf("Pairwise(n=%d, kind %d): got %v, want %v (bound %v)", n, kind, got, want, bound)
			}
		}
	}
}

func TestSumShort(t *testing.T) {
	cases := []struct {
		x    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{}, 0},
		{[]float64{1.5}, 1.5},
		{[]float64{1, 2, 3}, 6},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9}, 45},
		{[]float64{math.Inf(1), 1}, math.Inf(1)},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, math.NaN()}, math.NaN()},
	}
	for _, c := range cases {
		var p Pairwise
		for _, v := range c.x {
			p.Add(v)
		}
		for name, got := range map[string]float64{"Sum": Sum(c.x), "Pairwise": p.Value()} {
			if !sameFloat(got, c.want) {
				t.Errorf("%s(%v): got %v, want %v", name, c.x, got, c.want)
			}
		}
	}
}

func TestPairwiseBlocks(t *testing.T) {
	// The intended use: one Add per block sum. About 10^7 copies of 0.1
	// summed one by one drift by more than 10^6 ulp; block sums combined
	// pairwise stay within the bound of one block's Sum plus the log2
	// levels of the cascade.
	block := make([]float64, 2048)
	for i := range block {
		block[i] = 0.1
	}
	const blocks = 5000
	var p Pairwise
	naive := 0.0
	for range blocks {
		p.Add(Sum(block))
		for _, v := range block {
			naive += v
		}
	}
	want := new(big.Float).SetPrec(200).Mul(big.NewFloat(0.1), big.NewFloat(blocks*2048))
	wf, _ := want.Float64()
	got := p.Value()
	bound := (float64(len(block)/8+4) + 2*float64(bits.Len(blocks)+1)) * 0x1p-53 * wf
	if math.Abs(got-wf) > bound {
		t.Errorf("Pairwise of block sums: got %v, want %v (bound %v)", got, wf, bound)
	}
	t.Logf("Pairwise of block sums: %v ulp; naive running sum: %v ulp", ulpDist(got, want), ulpDist(naive, want))
}

func TestPairwiseValueKeepsState(t *testing.T) {
	var p Pairwise
	for i := 1; i <= 1000; i++ {
		p.Add(float64(i))
		if want := float64(i * (i + 1) / 2); p.Value() != want {
			t.Fatalf("Value after %d adds: got %v, want %v", i, p.Value(), want)
		}
	}
}

func TestPairwiseAllocs(t *testing.T) {
	var p Pairwise
	if n := testing.AllocsPerRun(100, func() { p.Add(1); _ = p.Value() }); n != 0 {
		t.Errorf("allocations: got %v, want %v", n, 0)
	}
}

func TestDot(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 100, 2048} {
		x := make([]float64, n)
		y := make([]float64, n)
		want := 0.0
		for i := range x {
			x[i], y[i] = float64(i%7)-3, float64(i%5)*0.5
			want += x[i] * y[i]
		}
		if got := Dot(x, y); got != want {
			t.Errorf("n=%d: got %v, want %v", n, got, want)
		}
	}
}
