//go:build openblas

package array

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int);
*/
import "C"

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// With the openblas build tag, matrix products run on the system's
// OpenBLAS through gonum's netlib bindings (cgo). Build with, on Debian:
//
//	apt install libopenblas-dev
//	go build -tags openblas ./...
//
// Each product runs on one OpenBLAS thread: dusk runs one per core, as it
// does with its own kernel, so OpenBLAS's threads would only compete.
func init() {
	blas64.Use(netlib.Implementation{})
	C.openblas_set_num_threads(1)
}

// BLAS names the implementation of matrix products.
const BLAS = "openblas"

// splitProducts: products are split into several single-threaded tasks
// per core.
const splitProducts = true

// productTasksPerCore is how many tasks a matrix product is split into
// per core: one task per core: each call packs its panels, so fewer, larger calls pay less packing.
const productTasksPerCore = 1

// gemm computes C += A·B on row-major matrices.
func gemm(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	blas64.Gemm(blas.NoTrans, blas.NoTrans, 1,
		blas64.General{Rows: m, Cols: k, Data: a, Stride: lda},
		blas64.General{Rows: k, Cols: n, Data: b, Stride: ldb},
		1, blas64.General{Rows: m, Cols: n, Data: c, Stride: ldc})
}
