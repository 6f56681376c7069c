//go:build openblas

package array

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// With the openblas build tag, matrix products run on the system's
// OpenBLAS through gonum's netlib bindings (cgo). Build with, on Debian:
//
//	apt install libopenblas-dev
//	CGO_LDFLAGS="-lopenblas" go build -tags openblas ./...
func init() { blas64.Use(netlib.Implementation{}) }

// BLAS names the BLAS implementation matrix products use.
const BLAS = "openblas"
