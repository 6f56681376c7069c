package h2o

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// generate returns what g writes, split into the header and the rows'
// fields.
func generate(t *testing.T, g Groupby) (header string, rows [][]string, raw []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := g.WriteCSV(t.Context(), &buf); err != nil {
		t.Fatalf("%s: WriteCSV: %v", g.Name(), err)
	}
	raw = buf.Bytes()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for _, l := range lines[1:] {
		rows = append(rows, strings.Split(l, ","))
	}
	return lines[0], rows, raw
}

func TestGroupbyName(t *testing.T) {
	for _, tc := range []struct {
		g    Groupby
		want string
	}{
		{Groupby{N: 1e7, K: 100}, "G1_1e7_1e2_0_0"},
		{Groupby{N: 1e8, K: 10, NAPercent: 5, Sorted: true}, "G1_1e8_1e1_5_1"},
		{Groupby{N: 1e9, K: 2}, "G1_1e9_2e0_0_0"},
	} {
		if got := tc.g.Name(); got != tc.want {
			t.Errorf("%+v.Name(): got %q, want %q", tc.g, got, tc.want)
		}
	}
}

func TestGroupbyInvalid(t *testing.T) {
	for _, g := range []Groupby{
		{N: 0, K: 1}, {N: 10, K: 0}, {N: 10, K: 11}, {N: 10, K: 2, NAPercent: -1}, {N: 10, K: 2, NAPercent: 101},
	} {
		if err := g.WriteCSV(t.Context(), &bytes.Buffer{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: got %v, want ErrInvalid", g, err)
		}
	}
}

// TestGroupbyDeterministic checks that the bytes depend on the parameters
// and the seed only, not on the number of goroutines.
func TestGroupbyDeterministic(t *testing.T) {
	for _, base := range []Groupby{
		{N: 3*blockRows + 17, K: 10},
		{N: 2*blockRows + 5, K: 7, NAPercent: 10},
		{N: 2*blockRows + 5, K: 1000, NAPercent: 3, Sorted: true},
	} {
		var first [sha256.Size]byte
		for i, w := range []int{1, 2, 3, 8} {
			g := base
			g.Workers = w
			_, _, raw := generate(t, g)
			sum := sha256.Sum256(raw)
			if i == 0 {
				first = sum
			} else if sum != first {
				t.Errorf("%s: %d workers wrote other bytes than 1 worker", g.Name(), w)
			}
		}
		other := base
		other.Seed = 1
		if _, _, raw := generate(t, other); sha256.Sum256(raw) == first {
			t.Errorf("%s: seed 1 wrote the same bytes as seed 0", base.Name())
		}
	}
}

// colStats collects the distinct values and missing count of each column.
type colStats struct {
	distinct []map[string]bool
	missing  []int
}

func statsOf(rows [][]string, cols int) colStats {
	s := colStats{distinct: make([]map[string]bool, cols), missing: make([]int, cols)}
	for c := range cols {
		s.distinct[c] = map[string]bool{}
	}
	for _, r := range rows {
		for c, f := range r {
			if f == "" {
				s.missing[c]++
				continue
			}
			s.distinct[c][f] = true
		}
	}
	return s
}

// TestGroupbyColumns checks the header, every value's form and range, and
// the distinct count of each column on a small data set.
func TestGroupbyColumns(t *testing.T) {
	g := Groupby{N: 200_000, K: 20, Seed: 42}
	header, rows, _ := generate(t, g)
	if header != GroupbyHeader {
		t.Errorf("header: got %q, want %q", header, GroupbyHeader)
	}
	if int64(len(rows)) != g.N {
		t.Fatalf("got %d rows, want %d", len(rows), g.N)
	}
	k, nk := int64(g.K), g.N/int64(g.K)
	intIn := func(s string, lo, hi int64) bool {
		v, err := strconv.ParseInt(s, 10, 64)
		return err == nil && v >= lo && v <= hi && strconv.FormatInt(v, 10) == s
	}
	idIn := func(s string, width int, hi int64) bool {
		d, ok := strings.CutPrefix(s, "id")
		return ok && len(d) == width && intIn(strings.TrimLeft(d, "0"), 1, hi)
	}
	var sumV3 float64
	for i, r := range rows {
		if len(r) != 9 {
			t.Fatalf("row %d: got %d fields, want 9: %q", i, len(r), r)
		}
		ok := idIn(r[0], 3, k) && idIn(r[1], 3, k) && idIn(r[2], 10, nk) &&
			intIn(r[3], 1, k) && intIn(r[4], 1, k) && intIn(r[5], 1, nk) &&
			intIn(r[6], 1, 5) && intIn(r[7], 1, 15)
		v3, err := strconv.ParseFloat(r[8], 64)
		if dot := strings.IndexByte(r[8], '.'); dot >= 0 && len(r[8])-dot-1 > 6 {
			ok = false
		}
		if !ok || err != nil || v3 < 0 || v3 > 100 {
			t.Fatalf("row %d out of range: %q", i, r)
		}
		sumV3 += v3
	}
	s := statsOf(rows, 9)
	for c, want := range []int64{k, k, nk, k, k, nk, 5, 15} {
		got := int64(len(s.distinct[c]))
		// N/K values drawn N times: all but about e^-K of them appear.
		if got > want || got < want*99/100 {
			t.Errorf("column %d: got %d distinct values, want %d", c+1, got, want)
		}
	}
	if got := len(s.distinct[8]); got < len(rows)*9/10 {
		t.Errorf("v3: got %d distinct values of %d, want nearly all", got, len(rows))
	}
	if mean := sumV3 / float64(len(rows)); mean < 49.5 || mean > 50.5 {
		t.Errorf("v3: got mean %v, want about 50", mean)
	}
	for c, m := range s.missing {
		if m != 0 {
			t.Errorf("column %d: got %d missing, want 0", c+1, m)
		}
	}
}

// TestGroupbyNA checks that each column has exactly floor(N*p/100) missing
// cells, and that the other cells are those of the data set without them.
func TestGroupbyNA(t *testing.T) {
	for _, pct := range []int{1, 5, 60, 100} {
		g := Groupby{N: 2*blockRows + 999, K: 10, NAPercent: pct}
		_, rows, _ := generate(t, g)
		s := statsOf(rows, 9)
		want := int(g.N * int64(pct) / 100)
		for c, m := range s.missing {
			if m != want {
				t.Errorf("%s column %d: got %d missing, want %d", g.Name(), c+1, m, want)
			}
		}
		full := g
		full.NAPercent = 0
		_, all, _ := generate(t, full)
		for i := range rows {
			for c, f := range rows[i] {
				if f != "" && f != all[i][c] {
					t.Fatalf("%s row %d column %d: got %q, want %q as without missing values", g.Name(), i, c+1, f, all[i][c])
				}
			}
		}
	}
}

// TestGroupbySorted checks that the sorted data set is the unsorted one's
// rows in the order of setkeyv(id1..id6), missing keys first.
func TestGroupbySorted(t *testing.T) {
	for _, g := range []Groupby{
		{N: 2*blockRows + 3, K: 1000, NAPercent: 5, Sorted: true},
		{N: 50_000, K: 3, Sorted: true, Workers: 3},
	} {
		_, sorted, rawSorted := generate(t, g)
		u := g
		u.Sorted = false
		_, _, rawUnsorted := generate(t, u)
		a := strings.Split(string(rawSorted), "\n")
		b := strings.Split(string(rawUnsorted), "\n")
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("%s: the sorted rows are not the unsorted rows", g.Name())
		}
		less := func(x, y []string) int {
			for c := range 6 {
				xa, ya := x[c], y[c]
				if c >= 3 { // integers: compare as numbers, missing first
					xv, _ := strconv.ParseInt("0"+xa, 10, 64)
					yv, _ := strconv.ParseInt("0"+ya, 10, 64)
					if xv != yv {
						return int(xv - yv)
					}
					continue
				}
				if r := strings.Compare(xa, ya); r != 0 {
					return r
				}
			}
			return 0
		}
		for i := 1; i < len(sorted); i++ {
			if less(sorted[i-1], sorted[i]) > 0 {
				t.Fatalf("%s: row %d %q sorts after row %d %q", g.Name(), i-1, sorted[i-1], i, sorted[i])
			}
		}
	}
}

func TestGroupbyCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := (Groupby{N: 10 * blockRows, K: 10}).WriteCSV(ctx, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	if err := (Groupby{N: 10 * blockRows, K: 10, Sorted: true}).WriteCSV(ctx, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("sorted: got %v, want context.Canceled", err)
	}
}

type failWriter struct{ after int }

var errWrite = errors.New("disk full")

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after--; f.after < 0 {
		return 0, errWrite
	}
	return len(p), nil
}

func TestGroupbyWriteError(t *testing.T) {
	for after := range 3 {
		err := (Groupby{N: 8 * blockRows, K: 10}).WriteCSV(t.Context(), &failWriter{after: after})
		if !errors.Is(err, errWrite) {
			t.Errorf("failing after %d writes: got %v, want %v", after, err, errWrite)
		}
	}
}

func BenchmarkGroupbyWriteCSV(b *testing.B) {
	g := Groupby{N: 1_000_000, K: 100}
	var n countingWriter
	n.w = discardWriter{}
	for b.Loop() {
		if err := g.WriteCSV(b.Context(), &n); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(n.n / int64(b.N))
	b.ReportMetric(float64(g.N)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

type discardWriter struct{}

func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
