// Package gemm is the dense float64 matrix product of the array engine:
// Mul computes C += A·B for row-major matrices given as slices with row
// strides, so submatrices need no copy. Mul is single-threaded; the array
// package gets parallelism by running independent calls on disjoint row
// ranges of C at once. The code is portable Go: no assembly, no cgo and no
// GOEXPERIMENT.
//
// # Blocking
//
// Mul follows the usual layered scheme. The outer loops cut B into
// blocks of kc rows by nc columns (kc = 256, nc = 768) and A into blocks
// of mc rows by kc columns (mc = 48). Each block is copied ("packed")
// into a pooled buffer, then the macro-kernel walks the nr-column
// micro-panels of the packed B block and, inside that, the mr-row
// micro-panels of the packed A block, calling the micro-kernel once per
// mr×nr tile of C (mr = nr = 3). A B micro-panel (kc×nr, 6 KiB) is reused
// for mc/mr = 16 tiles while it sits in L1; the A block (96 KiB) stays in
// L2 and the B block (1.5 MiB) in L2 or L3. Each element of C is updated
// once per kc steps of depth.
//
// # Packing
//
// Packing rewrites a block so that the micro-kernel reads both operands
// strictly sequentially: an A micro-panel holds, for each depth step l,
// the mr values A[i..i+mr-1, l] next to each other, and a B micro-panel
// holds the nr values B[l, j..j+nr-1]. Rows and columns past the edge of
// the matrix are packed as zeros, so the micro-kernel always computes a
// full tile; edge tiles go to a scratch tile of which only the valid part
// is added to C. The buffers come from a sync.Pool, so a stream of calls
// allocates nothing. Products with m or n below the tile size, or with
// m*n*k of at most 1024, skip packing and use a plain loop.
//
// # Micro-kernel
//
// The micro-kernel keeps the 3×3 tile of sums in nine local variables and
// per depth step loads three values of A and three of B, then does nine
// multiply-adds. The loop is unrolled eight times and advances its
// slices by reslicing, so it has no bounds checks, and nothing escapes.
// With 16 SSE registers (one reserved by the Go ABI), nine accumulators,
// three B values and two temporaries is the largest tile the compiler
// keeps entirely in registers; larger tiles (4×3, 3×4, 4×4) spill to the
// stack inside the loop and measured 2-25% slower.
//
// The sums are written acc += a*b. With the default GOAMD64=v1 this
// compiles to a scalar multiply and add. math.FMA would need a CPU
// feature check and a fallback call at every use, which spills the
// accumulators and made the kernel about half as fast. Built with
// GOAMD64=v3 (or on arm64), the compiler fuses each multiply-add into one
// FMA instruction, which changes rounding slightly and raises the rate.
// Either way results agree with a naive triple loop to a relative 1e-12·k.
//
// # Performance
//
// Single-threaded GFLOP/s (2n³ per product) on the development machine,
// a 2-core x86-64 VM at about 3.9 GHz, against gonum's Dgemm
// (gonum.org/v1/gonum/blas/gonum, whose inner loops are SSE2 assembly)
// with GOMAXPROCS(1); best of several interleaved runs, by CPU time:
//
//	n     Mul v1   Mul v3   gonum
//	512    10.1     12.7     8.7
//	1000    9.9     12.6     9.7-10.1
//	2000   10.1     11.8     8.8-9.4
//	4000   10.0     11.1     7.9-8.5
//
// That is 1.0-1.3x gonum with GOAMD64=v1 and 1.25-1.5x with GOAMD64=v3.
// The micro-kernel alone, on panels in L1, runs at 11.2 (v1) and 13.8 (v3)
// GFLOP/s, close to the scalar limits of three floating-point operations
// per cycle (multiply and add ports) and two FMAs per cycle; Mul reaches
// about 90% of it. Scalar Go code cannot pass those limits, so further
// gains need vector instructions, which portable Go does not offer. The
// shared machine is noisy: wall-clock benchmarks vary by up to 2x between
// runs, so compare Mul and gonum within the same run.
package gemm
