package h2o

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestAppendUint(t *testing.T) {
	for _, tc := range []struct {
		v     uint64
		width int
		want  string
	}{
		{0, 1, "0"}, {7, 1, "7"}, {7, 3, "007"}, {42, 3, "042"}, {100, 3, "100"},
		{1000, 3, "1000"}, {123, 10, "0000000123"}, {math.MaxUint64, 1, "18446744073709551615"},
	} {
		if got := string(appendUint(nil, tc.v, tc.width)); got != tc.want {
			t.Errorf("appendUint(%d, %d): got %q, want %q", tc.v, tc.width, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		v := r.Uint64() >> r.IntN(64)
		w := r.IntN(21)
		if got, want := string(appendUint(nil, v, w)), fmt.Sprintf("%0*d", w, v); got != want {
			t.Fatalf("appendUint(%d, %d): got %q, want %q", v, w, got, want)
		}
	}
}

// TestAppendMicro checks that the text is R's shortest form of round(x, 6)
// and parses back to the nearest float64 of m/1e6.
func TestAppendMicro(t *testing.T) {
	for _, tc := range []struct {
		m    uint64
		want string
	}{
		{0, "0"}, {1, "0.000001"}, {23574912, "23.574912"}, {5100000, "5.1"},
		{42000000, "42"}, {100000000, "100"}, {99999999, "99.999999"}, {10, "0.00001"},
	} {
		if got := string(appendMicro(nil, tc.m)); got != tc.want {
			t.Errorf("appendMicro(%d): got %q, want %q", tc.m, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		m := r.Uint64N(100*microScale + 1)
		s := string(appendMicro(nil, m))
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		if want := float64(m) / microScale; f != want {
			t.Fatalf("appendMicro(%d) = %q parses to %v, want %v", m, s, f, want)
		}
		if want := strconv.FormatFloat(float64(m)/microScale, 'f', -1, 64); s != want {
			t.Fatalf("appendMicro(%d): got %q, want %q", m, s, want)
		}
	}
}

func TestUniformMicroRange(t *testing.T) {
	for _, tc := range []struct {
		u    uint64
		want uint64
	}{{0, 0}, {math.MaxUint64, 100 * microScale}, {1 << 63, 50 * microScale}} {
		if got := uniformMicro(tc.u); got != tc.want {
			t.Errorf("uniformMicro(%#x): got %d, want %d", tc.u, got, tc.want)
		}
	}
}

func TestLexCompare(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		a, b := r.Uint64N(3000), r.Uint64N(3000)
		if r.IntN(10) == 0 {
			a = 0 // missing
		}
		w := []int{3, 10}[r.IntN(2)]
		want := 0
		switch {
		case a == b:
		case a == 0:
			want = -1
		case b == 0:
			want = 1
		default:
			want = strings.Compare(fmt.Sprintf("id%0*d", w, a), fmt.Sprintf("id%0*d", w, b))
		}
		if got := lexCompare(a, b, w); got != want {
			t.Fatalf("lexCompare(%d, %d, %d): got %d, want %d", a, b, w, got, want)
		}
	}
}

func TestPermIsBijection(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 10, 11, 100, 1000, 4097, 65536, 100001} {
		p := newPerm(n, n*7+1)
		seen := make([]bool, n)
		identity := true
		for i := range n {
			v := p.at(i)
			if v >= n {
				t.Fatalf("n=%d: at(%d) = %d, out of range", n, i, v)
			}
			if seen[v] {
				t.Fatalf("n=%d: at(%d) = %d twice", n, i, v)
			}
			seen[v] = true
			identity = identity && v == i
		}
		if n >= 10 && identity {
			t.Errorf("n=%d: the permutation is the identity", n)
		}
	}
}

func TestPrettySci(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{1, "1e0"}, {10, "1e1"}, {100, "1e2"}, {1e7, "1e7"}, {5e8, "5e8"}, {1e9, "1e9"},
		{15_000_000, "1.5e7"}, {123, "1.23e2"}, {200_000, "2e5"},
	} {
		if got := prettySci(tc.n); got != tc.want {
			t.Errorf("prettySci(%d): got %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestNATotalAndMask(t *testing.T) {
	if got, want := naTotal(1e7, 5), uint64(500_000); got != want {
		t.Errorf("naTotal(1e7, 5): got %d, want %d", got, want)
	}
	if got, want := naTotal(99, 5), uint64(4); got != want {
		t.Errorf("naTotal(99, 5): got %d, want %d", got, want)
	}
	// Over the blocks of a column the counts add up to the total.
	const n = 3*blockRows + 123
	for _, pct := range []int{0, 1, 50, 73, 100} {
		total := naTotal(n, pct)
		var sum uint64
		for b := range numBlocks(n) {
			lo, hi := blockRange(b, n)
			m := naMask(9, tagGroupbyNA, 0, b, lo, hi, n, total)
			for i := range uint64(hi - lo) {
				if m[i/64]&(1<<(i%64)) != 0 {
					sum++
				}
			}
			for i := uint64(hi - lo); i < uint64(len(m))*64; i++ {
				if m[i/64]&(1<<(i%64)) != 0 {
					t.Fatalf("pct %d block %d: bit %d past the block's %d rows is set", pct, b, i, hi-lo)
				}
			}
		}
		if sum != total {
			t.Errorf("pct %d: got %d missing, want %d", pct, sum, total)
		}
	}
}
