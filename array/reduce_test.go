package array

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

var reductions = []struct {
	name string
	fn   func(x *Array, opts ...ReduceOption) *Array
}{
	{"sum", (*Array).Sum}, {"prod", (*Array).Prod}, {"mean", (*Array).Mean}, {"var", (*Array).Var},
	{"std", (*Array).Std}, {"min", (*Array).Min}, {"max", (*Array).Max}, {"argmin", (*Array).ArgMin},
	{"argmax", (*Array).ArgMax}, {"any", (*Array).Any}, {"all", (*Array).All},
	{"nansum", (*Array).NanSum}, {"nanprod", (*Array).NanProd}, {"nanmean", (*Array).NanMean},
	{"nanvar", (*Array).NanVar}, {"nanstd", (*Array).NanStd}, {"nanmin", (*Array).NanMin},
	{"nanmax", (*Array).NanMax}, {"nanargmin", (*Array).NanArgMin}, {"nanargmax", (*Array).NanArgMax},
}

// reduceData is data whose sums and products stay finite: small floats
// with NaN now and then (and ties), small ints, bools.
func reduceData(rng *rand.Rand, shape []int, dt DType, nans bool) refArr {
	x := refNew(shape, dt)
	for k := range x.f {
		x.f[k] = float64(rng.IntN(9)-4) + 0.25*float64(rng.IntN(4))
		if nans && rng.IntN(5) == 0 {
			x.f[k] = math.NaN()
		}
	}
	for k := range x.i {
		x.i[k] = rng.Int64N(9) - 4
	}
	for k := range x.b {
		x.b[k] = rng.IntN(3) > 0
	}
	return x
}

func TestReduceDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 4)
			for trial := range 200 {
				red := reductions[trial%len(reductions)]
				shp := refRandShape(rng, 3, 40)
				dt := []DType{Float64, Float64, Int64, Bool}[rng.IntN(4)]
				x := reduceData(rng, shp, dt, rng.IntN(2) == 0)
				var axes []int
				if len(shp) > 0 && rng.IntN(3) > 0 {
					for a := range shp {
						if rng.IntN(2) == 0 {
							axes = append(axes, a-len(shp)*rng.IntN(2)) // some negative
						}
					}
					if red.name == "argmin" || red.name == "argmax" || red.name == "nanargmin" || red.name == "nanargmax" {
						axes = axes[:min(len(axes), 1)]
					}
				}
				ddof := rng.IntN(2)
				want, wantErr := refReduce(red.name, x, axes, ddof)
				opts := []ReduceOption{FanIn(2 + rng.IntN(3))}
				if axes != nil {
					opts = append(opts, Axis(axes...))
				}
				if ddof > 0 {
					opts = append(opts, DDof(ddof))
				}
				what := fmt.Sprintf("trial %d: %s(%s, axes %v, ddof %d)", trial, red.name, describeRef(x), axes, ddof)
				if (red.name == "min" || red.name == "max" || red.name == "nanmin" || red.name == "nanmax") && dt == Bool {
					// the engine asks for Any/All instead
					if err := red.fn(arrOf(rng, x), opts...).Err(); err == nil {
						t.Errorf("%s: got no error for a bool min/max", what)
					}
					continue
				}
				// An input through an elementwise step, so the fold is
				// fused with a kernel.
				a := arrOf(rng, x)
				if dt == Float64 && rng.IntN(2) == 0 {
					a = a.Mul(1)
				}
				same(t, m, what, red.fn(a, opts...), want, wantErr, 1e-12, 1e-12)
			}
		})
	}
}

func TestKeepDims(t *testing.T) {
	x := Arange(0, 24, 1).Reshape(2, 3, 4)
	got, err := x.Sub(x.Mean(Axis(1), KeepDims())).Sum(Axis(1)).Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got.Float64s() {
		if math.Abs(v) > 1e-12 {
			t.Fatalf("got %v, want zeros", got.Float64s())
		}
	}
	if s := x.Mean(Axis(1), KeepDims()).Shape(); fmt.Sprint(s) != "[2 1 4]" {
		t.Errorf("got shape %v, want [2 1 4]", s)
	}
}

// The two strategies of a tree reduction agree whatever the fan-in and
// the chunking: a differential over many chunkings of one array.
func TestReduceChunkingsAgree(t *testing.T) {
	rng := newRng(t, 5)
	x := reduceData(rng, []int{37, 23}, Float64, false)
	want, _ := refReduce("var", x, []int{0}, 1)
	for k := range 30 {
		a := arrOf(rng, x)
		same(t, executionModes()[k%5], fmt.Sprintf("chunking %v", a.Chunks()), a.Var(Axis(0), DDof(1), FanIn(2+k%5)), want, nil, 1e-12, 1e-12)
	}
}

// Large sums are pairwise: the error of a sum of 1e6 equal values stays
// within a few ulp.
func TestSumIsPairwise(t *testing.T) {
	v, err := Full([]int{1_000_003}, 0.1, Chunks(300_000)).Sum().Float(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// the exact sum of 1000003 copies of the float64 nearest 0.1
	want, _ := new(big.Float).SetPrec(200).Mul(big.NewFloat(0.1).SetPrec(200), big.NewFloat(1_000_003)).Float64()
	if ulps := math.Abs(v-want) / (math.Nextafter(want, math.Inf(1)) - want); ulps > 4 {
		t.Errorf("got %v, want %v (%v ulp off)", v, want, ulps)
	}
}
