package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

var benchSizes = []int{512, 1000, 2000}

func benchMatrices(size int) (a, b, c []float64) {
	rng := rand.New(rand.NewPCG(21, 22))
	return randSlice(rng, size*size), randSlice(rng, size*size), make([]float64, size*size)
}

// reportGFLOPS reports the rate of an n×n×n product (2n³ operations).
func reportGFLOPS(b *testing.B, n int) {
	flops := 2 * float64(n) * float64(n) * float64(n) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkMul measures one call of Mul, which runs on one goroutine.
func BenchmarkMul(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			x, y, z := benchMatrices(n)
			for b.Loop() {
				Mul(n, n, n, x, n, y, n, z, n)
			}
			reportGFLOPS(b, n)
		})
	}
}

// BenchmarkGonum1Thread measures gonum's pure-Go Dgemm on one thread, the
// baseline for BenchmarkMul.
func BenchmarkGonum1Thread(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			x, y, z := benchMatrices(n)
			ga := blas64.General{Rows: n, Cols: n, Stride: n, Data: x}
			gb := blas64.General{Rows: n, Cols: n, Stride: n, Data: y}
			gc := blas64.General{Rows: n, Cols: n, Stride: n, Data: z}
			for b.Loop() {
				blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 1, gc)
			}
			reportGFLOPS(b, n)
		})
	}
}
