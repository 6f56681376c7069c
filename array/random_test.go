package array

import (
	"context"
	"math"
	"slices"
	"testing"
)

// The normal generator passes a Kolmogorov–Smirnov test against the normal
// distribution function, and its tails have the right mass.
func TestNormalDistribution(t *testing.T) {
	const n = 400_000
	r, err := Normal(11, []int{n}, Chunks(n/7)).Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	z := slices.Clone(r.Float64s())
	slices.Sort(z)
	d := 0.0
	for k, v := range z {
		cdf := 0.5 * (1 + math.Erf(v/math.Sqrt2))
		d = max(d, math.Abs(cdf-float64(k)/n), math.Abs(cdf-float64(k+1)/n))
	}
	// 1.95/sqrt(n) is the KS critical value at the 0.1% level
	if crit := 1.95 / math.Sqrt(n); d > crit {
		t.Errorf("KS distance %.5f, want below %.5f", d, crit)
	}
	tail := 0
	for _, v := range z {
		if math.Abs(v) > zigR {
			tail++
		}
	}
	want := n * math.Erfc(zigR/math.Sqrt2) // P(|z| > r)
	if math.Abs(float64(tail)-want) > 5*math.Sqrt(want) {
		t.Errorf("%d values beyond ±%v, want about %.0f", tail, zigR, want)
	}
	if z[0] > -4 || z[n-1] < 4 {
		t.Errorf("extremes %v and %v: the tail is not sampled", z[0], z[n-1])
	}
}

func TestUniformDistribution(t *testing.T) {
	const n = 400_000
	r, err := Uniform(5, []int{n}).Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u := slices.Clone(r.Float64s())
	slices.Sort(u)
	d := 0.0
	for k, v := range u {
		d = max(d, math.Abs(v-float64(k)/n), math.Abs(v-float64(k+1)/n))
	}
	if crit := 1.95 / math.Sqrt(n); d > crit || u[0] < 0 || u[n-1] >= 1 {
		t.Errorf("KS distance %.5f (want below %.5f), range [%v, %v]", d, crit, u[0], u[n-1])
	}
}

func BenchmarkNormal(b *testing.B) {
	benchArray(b, Normal(1, []int{4_000_000}, Chunks(1_000_000)).Sum(), 4_000_000)
}

func BenchmarkUniform(b *testing.B) {
	benchArray(b, Uniform(1, []int{4_000_000}, Chunks(1_000_000)).Sum(), 4_000_000)
}
