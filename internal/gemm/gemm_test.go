package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// naiveMul is the reference: C += A·B with a plain triple loop.
func naiveMul(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				s += a[i*lda+l] * b[l*ldb+j]
			}
			c[i*ldc+j] += s
		}
	}
}

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.Float64()*2 - 1
	}
	return s
}

// matLen is the number of values a rows×cols matrix with the given
// stride needs.
func matLen(rows, cols, stride int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*stride + cols
}

// checkCase runs Mul and the reference on the same random inputs and
// compares every element of C, including the gaps between rows, which
// must stay untouched.
func checkCase(t *testing.T, rng *rand.Rand, m, n, k, padA, padB, padC int) {
	t.Helper()
	lda, ldb, ldc := k+padA, n+padB, n+padC
	a := randSlice(rng, matLen(m, k, lda))
	b := randSlice(rng, matLen(k, n, ldb))
	c := randSlice(rng, matLen(m, n, ldc))
	want := append([]float64(nil), c...)
	naiveMul(m, n, k, a, lda, b, ldb, want, ldc)
	Mul(m, n, k, a, lda, b, ldb, c, ldc)
	// Inputs are in [-1, 1], so each sum of k products and the initial
	// value is at most k+1 in magnitude.
	tol := 1e-12 * float64(k+1)
	for i, w := range want {
		if got := c[i]; math.Abs(got-w) > tol {
			t.Fatalf("m=%d n=%d k=%d pads=%d,%d,%d: c[%d] got %v, want %v",
				m, n, k, padA, padB, padC, i, got, w)
		}
	}
}

func TestMulShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// Sizes around every block boundary: 0, 1, primes, multiples of the
	// register tile and of the cache blocks, and one past or short of
	// them.
	dims := []int{0, 1, 2, 3, 4, 5, 7, 8, 13, 31, 64, mr * 5, mc - 1, mc, mc + 1,
		kc - 1, kc, kc + 1, 257, 2*kc + 3}
	// The race detector slows the naive reference about tenfold; the
	// smaller limit still crosses every block boundary in each dimension.
	limit := 3_000_000
	if raceEnabled || testing.Short() {
		limit = 300_000
	}
	for _, m := range dims {
		for _, n := range dims {
			for _, k := range dims {
				if m*n*k > limit {
					continue
				}
				checkCase(t, rng, m, n, k, 0, 0, 0)
			}
		}
	}
}

func TestMulRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	cases := 300
	if raceEnabled || testing.Short() {
		cases = 60
	}
	for range cases {
		m, n, k := rng.IntN(150), rng.IntN(150), rng.IntN(600)
		checkCase(t, rng, m, n, k, rng.IntN(4)*rng.IntN(9), rng.IntN(4)*rng.IntN(9), rng.IntN(4)*rng.IntN(9))
	}
}

// TestMulWideBlocks covers more columns than one packed block of B holds.
func TestMulWideBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	checkCase(t, rng, 7, nc+nr+1, 3, 2, 5, 1)
	checkCase(t, rng, mc+2, nc+2, kc+5, 0, 0, 0)
}

// TestMulSubmatrix multiplies blocks in the middle of larger matrices
// and checks that nothing outside the output block changes.
func TestMulSubmatrix(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const rows, cols = 300, 310
	a := randSlice(rng, rows*cols)
	b := randSlice(rng, rows*cols)
	c := randSlice(rng, rows*cols)
	want := append([]float64(nil), c...)
	for _, s := range []struct{ i, j, m, n, k int }{
		{0, 0, 300, 310, 300}, {5, 7, 130, 129, 261}, {299, 309, 1, 1, 1}, {3, 4, 2, 150, 200},
	} {
		off := s.i*cols + s.j
		naiveMul(s.m, s.n, s.k, a[off:], cols, b[off:], cols, want[off:], cols)
		Mul(s.m, s.n, s.k, a[off:], cols, b[off:], cols, c[off:], cols)
		for i, w := range want {
			if got := c[i]; math.Abs(got-w) > 1e-12*float64(s.k+2) {
				t.Fatalf("block %+v: c[%d] got %v, want %v", s, i, got, w)
			}
		}
	}
}

func TestMulSpecialValues(t *testing.T) {
	// NaN and ±Inf propagate as in the naive product; a zero in A does
	// not hide an Inf in B.
	for _, m := range []int{1, 9} {
		n, k := 9, 9
		a := make([]float64, m*k)
		b := make([]float64, k*n)
		for i := range b {
			b[i] = 1
		}
		b[4*n+2] = math.Inf(1)
		c := make([]float64, m*n)
		Mul(m, n, k, a, k, b, n, c, n)
		for i := range m {
			for j := range n {
				got := c[i*n+j]
				if j == 2 {
					if !math.IsNaN(got) {
						t.Errorf("m=%d: c[%d,%d] got %v, want NaN", m, i, j, got)
					}
				} else if got != 0 {
					t.Errorf("m=%d: c[%d,%d] got %v, want 0", m, i, j, got)
				}
			}
		}
	}
}

func TestMulZeroDims(t *testing.T) {
	// Nothing is read or written, so nil slices are fine.
	Mul(0, 5, 5, nil, 5, nil, 5, nil, 5)
	Mul(5, 0, 5, nil, 5, nil, 0, nil, 0)
	c := []float64{1, 2, 3, 4}
	Mul(2, 2, 0, nil, 0, nil, 2, c, 2)
	for i, want := range []float64{1, 2, 3, 4} {
		if got := c[i]; got != want {
			t.Errorf("k=0: c[%d] got %v, want %v", i, got, want)
		}
	}
}

func TestMulPanics(t *testing.T) {
	s := make([]float64, 16)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"negative", func() { Mul(-1, 2, 2, s, 2, s, 2, s, 2) }},
		{"short A", func() { Mul(4, 4, 4, s[:15], 4, s, 4, s, 4) }},
		{"short B", func() { Mul(4, 4, 4, s, 4, s[:12], 4, s, 4) }},
		{"short C", func() { Mul(4, 4, 4, s, 4, s, 4, s[:3], 4) }},
		{"lda < k", func() { Mul(2, 2, 4, s, 3, s, 2, s, 2) }},
		{"ldb < n", func() { Mul(2, 4, 2, s, 2, s, 3, s, 4) }},
		{"ldc < n", func() { Mul(2, 4, 2, s, 2, s, 4, s, 3) }},
		{"short large A", func() {
			Mul(40, 40, 40, make([]float64, 1599), 40, make([]float64, 1600), 40, make([]float64, 1600), 40)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("got no panic, want one")
				}
			}()
			tc.f()
		})
	}
}

// TestMulConcurrent runs Mul from several goroutines on disjoint row
// ranges of one output, the way the array package splits a product.
func TestMulConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const m, n, k, parts = 203, 171, 290, 5
	a := randSlice(rng, m*k)
	b := randSlice(rng, k*n)
	c := randSlice(rng, m*n)
	want := append([]float64(nil), c...)
	naiveMul(m, n, k, a, k, b, n, want, n)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*m/parts, (p+1)*m/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				// Repeat on scratch copies so the pool is shared.
				scratch := make([]float64, (hi-lo)*n)
				Mul(hi-lo, n, k, a[lo*k:], k, b, n, scratch, n)
			}
			Mul(hi-lo, n, k, a[lo*k:], k, b, n, c[lo*n:], n)
		}()
	}
	wg.Wait()
	for i, w := range want {
		if got := c[i]; math.Abs(got-w) > 1e-12*float64(k+1) {
			t.Fatalf("c[%d] got %v, want %v", i, got, w)
		}
	}
}

func TestMulAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops buffers at random under the race detector")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	const m, n, k = 100, 90, 300
	a, b, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float64, m*n)
	Mul(m, n, k, a, k, b, n, c, n)
	if got := testing.AllocsPerRun(20, func() { Mul(m, n, k, a, k, b, n, c, n) }); got > 0.5 {
		t.Errorf("allocations per call: got %v, want 0", got)
	}
}

func TestPackLayout(t *testing.T) {
	// A 4×2 block of A packs into two micro-panels of mr rows; the
	// second is zero-padded below row 3.
	a := []float64{1, 2, 9, 3, 4, 9, 5, 6, 9, 7, 8}
	dst := make([]float64, 2*mr*2)
	for i := range dst {
		dst[i] = -1
	}
	packA(dst, a, 3, 4, 2)
	want := []float64{1, 3, 5, 2, 4, 6, 7, 0, 0, 8, 0, 0}
	if fmt.Sprint(dst) != fmt.Sprint(want) {
		t.Errorf("packA: got %v, want %v", dst, want)
	}
	// A 2×4 block of B packs into two micro-panels of nr columns.
	b := []float64{1, 2, 3, 4, 9, 5, 6, 7, 8}
	dst = make([]float64, 2*2*nr)
	for i := range dst {
		dst[i] = -1
	}
	packB(dst, b, 5, 2, 4)
	want = []float64{1, 2, 3, 5, 6, 7, 4, 0, 0, 8, 0, 0}
	if fmt.Sprint(dst) != fmt.Sprint(want) {
		t.Errorf("packB: got %v, want %v", dst, want)
	}
}
