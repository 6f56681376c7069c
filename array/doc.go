// Package array will hold dusk's chunked N-d numeric arrays with fused
// elementwise and reduction kernels.
//
// It is not built yet.
package array
