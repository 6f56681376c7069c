//go:build !openblas

package array

// BLAS names the BLAS implementation matrix products use: gonum's pure Go
// one by default (see blas_openblas.go for the openblas build tag).
const BLAS = "gonum"
