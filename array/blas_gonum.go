//go:build !openblas

package array

import gemmpkg "github.com/dusk-go/dusk/internal/gemm"

// BLAS names the implementation of matrix products: dusk's own pure-Go
// kernel by default (see blas_openblas.go for the openblas build tag).
const BLAS = "dusk-go"

// splitProducts: the pure-Go kernel is single-threaded, so a matrix
// product is split into several tasks per core.
const splitProducts = true

// productTasksPerCore is how many tasks a matrix product is split into
// per core: several tasks per core balance the load.
const productTasksPerCore = 4

// gemm computes C += A·B on row-major matrices.
func gemm(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	gemmpkg.Mul(m, n, k, a, lda, b, ldb, c, ldc)
}
