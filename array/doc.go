// Package array holds dusk's lazy, chunked N-dimensional arrays: Dask's
// array for Go. An Array is a plan; Compute runs it on all cores, chunk by
// chunk, under the scheduler's memory limit.
//
//	x := array.Ones([]int{10, 10_000_000}, array.Chunks(1, 1_000_000))
//	y := x.Exp().Mul(x.Sinh()).Sum()   // still lazy
//	v, err := y.Float(ctx)             // one fused pass per chunk
//
// # Arrays
//
// An array has a shape, an element type (Float64 first-class; Int64 for
// indices and exact integers; Bool for masks and comparisons) and a chunk
// grid: the chunk sizes along each axis (Chunks, ChunkSizes, or automatic
// chunks of about DefaultChunkBytes that keep trailing axes whole). Sources
// are generators (Ones, Zeros, Full, Arange, Linspace, and the seeded
// Uniform and Normal, whose values depend only on the seed and the
// element's position, never on chunking or workers), memory used in place
// (FromSlice, FromDense, FromArrow), and stored arrays (Load). Operations
// return new arrays; mistakes (shapes that do not broadcast, an axis out
// of range, a type an operation does not take) are found while building,
// kept in the result, passed on by later operations, and returned by Err
// and Compute, matching ErrShape, ErrAxis, ErrType or ErrValue with
// errors.Is.
//
// # Fusion
//
// Elementwise operations and views (Slice, Index, Transpose, BroadcastTo,
// ExpandDims) never run on their own. The largest expression of them over
// leaves (generators, memory, and the chunks of anything that must
// materialize: reductions, matrix products, rechunks, loads, MapBlocks)
// compiles into one kernel: a short program of typed block operations,
// each distinct subexpression once, with Sinh and Cosh sharing the
// exponential Exp of the same operand computes. The kernel walks its chunk
// in blocks of 2048 elements that stay in cache; a reduction folds each
// block into its partial result as it is made, so `(exp(x)*sinh(x)).sum()`
// writes no intermediate array at all. Views compose into the affine index
// maps of the leaves: a transpose or a slice reads its input in place, and
// a slice of an expression reads only the sliced elements of its inputs.
// A region's chunk grid is the coarsest one whose chunks each read one
// chunk of every materialized input, so inputs with different chunkings
// are aligned without copies. Explain shows the kernels.
//
// # Reductions
//
// Sum, Prod, Mean, Var, Std (DDof), Min, Max, ArgMin, ArgMax, Any, All and
// their NaN-skipping variants reduce along any axes (Axis) or all of them,
// as a tree: a partial result per chunk, merged FanIn at a time along the
// reduced axes. Floating-point sums are pairwise over blocks, variances
// merge partial means and squared deviations (Chan et al.), and ArgMin and
// ArgMax give the first index on ties, as NumPy does.
//
// # Structure and linear algebra
//
// Rechunk, Reshape (without moving data when the chunks are runs of
// elements that fit the new shape, else after a rechunk along the first
// axis), Concatenate and Stack (the inputs' chunks unchanged), Take and
// Mask (positions along an axis), MatMul and Dot, MapBlocks for user
// functions with declared output chunks, and Store and Load (one NumPy .npy
// file per chunk, so arrays larger than memory stream to and from disk).
//
// A matrix product is a blocked product of chunks: one task per output
// chunk, whose row panels are split so that each core gets several tasks.
// Each task runs a single-threaded kernel: dusk's own packed pure-Go DGEMM
// (internal/gemm) by default, or OpenBLAS (set to one thread per call)
// through gonum.org/v1/netlib with the openblas build tag, which needs cgo
// and Debian's libopenblas-dev:
//
//	go build -tags openblas ./...
//
// # Values, ownership and memory
//
// The value of a task is one chunk's elements in C order, a []float64,
// []int64 or []bool, which the scheduler accounts against the memory limit
// and spills as raw bytes. Chunk values are never modified once made.
// Memory given to FromSlice, FromDense or FromArrow is read in place and
// must not change while an array over it may be computed. Compute returns
// a Result that the caller owns; its Float64s, Dense and Arrow views share
// its memory.
//
// # Numbers
//
// Float arithmetic is IEEE: NaN and ±Inf propagate, division by zero gives
// ±Inf or NaN. Exp uses a table-driven kernel within 0.55 ulp of the
// correctly rounded result, Sinh and Cosh within 1.6 ulp, and 1.05 ulp when
// Sinh shares the exponential of an Exp of the same operand (see
// internal/fastmath, whose tests measure these bounds against 200-bit
// references); other functions call the math package. Integer arithmetic wraps like Go's; integer
// FloorDiv and Mod by zero, and casts of NaN or out-of-range floats to
// int64, are errors of the computation that name the element.
package array
