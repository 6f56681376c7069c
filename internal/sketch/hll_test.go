package sketch

import (
	"bytes"
	"fmt"
	"math"
	"testing"

	"github.com/dusk-go/dusk/internal/hashing"
)

// within3SE reports whether est is within three standard errors of n.
func within3SE(est float64, n int, p uint8) bool {
	se := 1.04 / math.Sqrt(float64(uint(1)<<p))
	return math.Abs(est-float64(n)) <= 3*se*float64(n)
}

func TestEstimateRange(t *testing.T) {
	top := 10_000_000
	if testing.Short() {
		top = 1_000_000
	}
	for _, p := range []uint8{10, 14} {
		h := NewHLL(p)
		added := 0
		for n := 100; n <= top; n *= 10 {
			for ; added < n; added++ {
				h.Add(uint64(added))
			}
			if est := h.Estimate(); !within3SE(est, n, p) {
				t.Errorf("p=%d n=%d: got %v, want %v within 3 standard errors", p, n, est, n)
			}
		}
	}
}

// TestEstimateCurve checks every precision along a fine grid of counts,
// including the range where small- and large-register estimates meet.
func TestEstimateCurve(t *testing.T) {
	for p := uint8(MinP); p <= MaxP; p++ {
		h := NewHLL(p)
		added := 0
		for n := 10.0; n < 2e5; n *= 1.5 {
			for ; added < int(n); added++ {
				h.Add(hashing.Mix64(uint64(added) + uint64(p)<<40))
			}
			// small sketches are coarse: allow four standard errors
			se := 1.04 / math.Sqrt(float64(uint(1)<<p))
			if est := h.Estimate(); math.Abs(est-float64(added)) > 4*se*float64(added)+1 {
				t.Errorf("p=%d n=%d: got %v, want %v within 4 standard errors", p, added, est, added)
			}
		}
	}
}

func TestSmallRangeIsLinearCounting(t *testing.T) {
	h := NewHLL(14)
	for i := range 2000 {
		h.Add(uint64(i))
	}
	m, v := float64(len(h.reg)), 0.0
	for _, r := range h.reg {
		if r == 0 {
			v++
		}
	}
	lc := m * math.Log(m/v)
	if got := h.Estimate(); math.Abs(got-lc) > 1e-3*lc {
		t.Errorf("got %v, want %v (linear counting)", got, lc)
	}
}

func TestDuplicatesAndEmpty(t *testing.T) {
	h := NewHLL(12)
	if got, want := h.Estimate(), 0.0; got != want {
		t.Errorf("empty: got %v, want %v", got, want)
	}
	for range 5 {
		for i := range 1000 {
			h.Add(uint64(i))
		}
	}
	if est := h.Estimate(); !within3SE(est, 1000, 12) {
		t.Errorf("got %v, want %v", est, 1000)
	}
	a := NewHLL(12)
	hashes := make([]uint64, 1000)
	for i := range hashes {
		hashes[i] = uint64(i)
	}
	a.AddAll(hashes)
	if !bytes.Equal(a.reg, h.reg) {
		t.Errorf("AddAll: got registers %v, want %v", a.reg[:8], h.reg[:8])
	}
}

// TestSharedTopBits feeds hashes that all share their top 8 bits, as the
// rows of one hash partition do.
func TestSharedTopBits(t *testing.T) {
	h := NewHLL(14)
	n := 100_000
	for i := range n {
		h.Add(0xab<<56 | hashing.Mix64(uint64(i))>>8)
	}
	if est := h.Estimate(); !within3SE(est, n, 14) {
		t.Errorf("got %v, want %v", est, n)
	}
}

func TestMerge(t *testing.T) {
	a, b, u := NewHLL(13), NewHLL(13), NewHLL(13)
	for i := range 300_000 {
		if i < 200_000 {
			a.Add(uint64(i))
		}
		if i >= 100_000 {
			b.Add(uint64(i))
		}
		u.Add(uint64(i))
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.reg, u.reg) {
		t.Errorf("merged registers differ from the union's")
	}
	if got, want := a.Estimate(), u.Estimate(); got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	if err := a.Merge(NewHLL(12)); err == nil {
		t.Errorf("got %v, want an error for different precisions", err)
	}
}

func TestMarshal(t *testing.T) {
	h := NewHLL(11)
	for i := range 50_000 {
		h.Add(uint64(i))
	}
	data, err := h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var g HLL
	if err := g.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if got, want := g.Estimate(), h.Estimate(); got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, want := g.P(), h.P(); got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	data[10] = 0 // g must not alias data
	if !bytes.Equal(g.reg, h.reg) {
		t.Errorf("got registers that alias the input")
	}
	bad := map[string][]byte{
		"empty":    nil,
		"magic":    {'X', 1, 4},
		"version":  {'H', 2, 4},
		"p":        {'H', 1, 17},
		"short":    append([]byte{'H', 1, 4}, make([]byte, 15)...),
		"register": append([]byte{'H', 1, 4}, append(make([]byte, 15), 62)...),
	}
	for name, d := range bad {
		if err := g.UnmarshalBinary(d); err == nil {
			t.Errorf("%s: got %v, want an error", name, err)
		}
	}
}

func TestNewHLLRange(t *testing.T) {
	for _, p := range []uint8{0, 3, 17} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("p=%d: got no panic, want one", p)
				}
			}()
			NewHLL(p)
		}()
	}
	if got, want := len(NewHLL(16).reg), 65536; got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func BenchmarkAdd(b *testing.B) {
	h := NewHLL(14)
	hashes := make([]uint64, 1<<16)
	for i := range hashes {
		hashes[i] = uint64(i)
	}
	b.ResetTimer()
	for range b.N {
		h.AddAll(hashes)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(hashes)), "ns/hash")
}

func ExampleHLL() {
	h := NewHLL(14)
	for i := range 1_000_000 {
		h.Add(uint64(i % 250_000)) // 250,000 distinct values, each 4 times
	}
	fmt.Printf("about %.0f thousand distinct\n", h.Estimate()/1000)
	// Output: about 247 thousand distinct
}
