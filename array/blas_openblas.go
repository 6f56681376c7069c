//go:build openblas

package array

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// With the openblas build tag, matrix products run on the system's
// OpenBLAS through gonum's netlib bindings (cgo). Build with, on Debian:
//
//	apt install libopenblas-dev
//	CGO_LDFLAGS="-lopenblas" go build -tags openblas ./...
func init() { blas64.Use(netlib.Implementation{}) }

// BLAS names the implementation of matrix products.
const BLAS = "openblas"

// splitProducts: OpenBLAS threads each product itself.
const splitProducts = false

// gemm computes C += A·B on row-major matrices.
func gemm(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas64.General{Rows: m, Cols: k, Data: a, Stride: lda},
		blas64.General{Rows: k, Cols: n, Data: b, Stride: ldb},
		1, blas64.General{Rows: m, Cols: n, Data: c, Stride: ldc})
}
