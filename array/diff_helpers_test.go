package array

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// randSizes splits n into random chunk sizes: ragged, with chunks of 1
// now and then, sometimes one chunk.
func randSizes(rng *rand.Rand, n int) []int {
	if n == 0 {
		return []int{0}
	}
	switch rng.IntN(4) {
	case 0:
		return []int{n}
	case 1:
		return regular(n, 1+rng.IntN(n))
	}
	var out []int
	for left := n; left > 0; {
		c := 1 + rng.IntN(min(left, 1+n/2))
		out = append(out, c)
		left -= c
	}
	return out
}

func randGrid(rng *rand.Rand, shape []int) [][]int {
	g := make([][]int, len(shape))
	for a, d := range shape {
		g[a] = randSizes(rng, d)
	}
	return g
}

// arrOf returns an engine array holding the reference's values, chunked
// randomly; now and then it is materialized (rechunked or passed through
// MapBlocks) so that kernels read chunks of tasks, not memory.
func arrOf(rng *rand.Rand, x refArr) *Array {
	opt := ChunkSizes(randGrid(rng, x.shape)...)
	var a *Array
	switch x.dtype {
	case Float64:
		a = FromSlice(slices.Clone(x.f), slices.Clone(x.shape), opt)
	case Int64:
		a = FromInt64s(slices.Clone(x.i), slices.Clone(x.shape), opt)
	default:
		a = FromBools(slices.Clone(x.b), slices.Clone(x.shape), opt)
	}
	switch rng.IntN(4) {
	case 0:
		a = a.Rechunk(ChunkSizes(randGrid(rng, x.shape)...))
		if a.Err() != nil {
			panic(a.Err())
		}
		// force a materialized input: a rechunk whose input has a
		// materialized leaf cannot be recomputed in place
		a = a.MapBlocks(func(_ context.Context, b Block) (Block, error) {
			return Block{Float64s: slices.Clone(b.Float64s), Int64s: slices.Clone(b.Int64s), Bools: slices.Clone(b.Bools)}, nil
		}, Name("copy"))
	case 1:
		a = a.Rechunk(ChunkSizes(randGrid(rng, x.shape)...))
	}
	return a
}

// refOfResult turns a result into a reference array.
func refOfResult(r *Result) refArr {
	return refArr{shape: r.Shape(), dtype: r.DType(), f: r.Float64s(), i: r.Int64s(), b: r.Bools()}
}

// same computes a and compares it with want (or with wantErr: both fail).
func same(t *testing.T, m mode, what string, a *Array, want refArr, wantErr error, rtol, atol float64) {
	t.Helper()
	r, err := a.Compute(context.Background(), m.opts...)
	if wantErr != nil {
		if err == nil {
			t.Errorf("%s: got no error, want one like %v", what, wantErr)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	if err := refClose(refOfResult(r), want, rtol, atol); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func newRng(t *testing.T, salt uint64) *rand.Rand {
	t.Helper()
	return rand.New(rand.NewPCG(uint64(len(t.Name()))*7919+salt, salt^0x9e3779b97f4a7c15))
}

// isBuildErr reports errors that the engine must find while building.
func isBuildErr(err error) bool {
	return errors.Is(err, ErrShape) || errors.Is(err, ErrAxis) || errors.Is(err, ErrType) || errors.Is(err, ErrValue)
}

// compatible returns a shape that broadcasts with s: a suffix of it with
// some lengths set to 1.
func compatible(rng *rand.Rand, s []int) []int {
	k := rng.IntN(len(s) + 1)
	out := slices.Clone(s[len(s)-k:])
	for a := range out {
		if rng.IntN(3) == 0 {
			out[a] = 1
		}
	}
	return out
}

func describeRef(x refArr) string { return fmt.Sprintf("%v %s", x.shape, x.dtype) }
