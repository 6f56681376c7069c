package array

import (
	"context"
	"testing"

	"github.com/dusk-go/dusk/scheduler"
)

// Benchmarks of the fused kernels on one core (Inline mode), in ns per
// element; `go run ./benchmarks array` measures the parallel cases.

func benchArray(b *testing.B, x *Array, elems int) {
	b.Helper()
	ctx := context.Background()
	for b.Loop() {
		if _, err := x.Compute(ctx, scheduler.WithMode(scheduler.Inline)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(elems), "ns/elem")
}

func BenchmarkExpSinhSum(b *testing.B) {
	x := Ones([]int{4, 1_000_000}, Chunks(1, 1_000_000))
	benchArray(b, x.Exp().Mul(x.Sinh()).Sum(), 4_000_000)
}

func BenchmarkSumMemory(b *testing.B) {
	data := make([]float64, 4_000_000)
	benchArray(b, FromSlice(data, nil, Chunks(1_000_000)).Sum(), len(data))
}

func BenchmarkSumArange(b *testing.B) {
	benchArray(b, Arange(0, 4e6, 1, Chunks(1_000_000)).Sum(), 4_000_000)
}

func BenchmarkTransposeMean(b *testing.B) {
	x := Uniform(1, []int{2000, 2000}, Chunks(1000, 1000))
	benchArray(b, x.Add(x.T()).Mean(Axis(0)), 4_000_000)
}

func BenchmarkAddMaterialize(b *testing.B) {
	x := Uniform(1, []int{4_000_000}, Chunks(1_000_000))
	benchArray(b, x.Add(1), 4_000_000)
}
