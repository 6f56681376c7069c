package h2o

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testJoin is a join data set small enough for tests: key spaces of N/1000,
// N/100 and N keys.
func testJoin(n int64) Join {
	return Join{N: n, divisors: [3]int64{1000, 100, 1}}
}

func generateJoin(t *testing.T, j Join, tab JoinTable) (header string, rows [][]string, raw []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := j.WriteCSV(t.Context(), tab, &buf); err != nil {
		t.Fatalf("%s: WriteCSV: %v", j.Name(tab), err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for _, l := range lines[1:] {
		rows = append(rows, strings.Split(l, ","))
	}
	return lines[0], rows, buf.Bytes()
}

func TestJoinNames(t *testing.T) {
	j := Join{N: 1e7}
	want := map[JoinTable]string{
		JoinLeft: "J1_1e7_NA_0_0", JoinSmall: "J1_1e7_1e1_0_0", JoinMedium: "J1_1e7_1e4_0_0", JoinBig: "J1_1e7_1e7_0_0",
	}
	for _, tab := range JoinTables() {
		if got := j.Name(tab); got != want[tab] {
			t.Errorf("Name(%v): got %q, want %q", tab, got, want[tab])
		}
	}
	if got, want := (Join{N: 1e9, NAPercent: 5, Sorted: true}).Name(JoinMedium), "J1_1e9_1e6_5_1"; got != want {
		t.Errorf("Name: got %q, want %q", got, want)
	}
	headers := map[JoinTable]string{
		JoinLeft: "id1,id2,id3,id4,id5,id6,v1", JoinSmall: "id1,id4,v2",
		JoinMedium: "id1,id2,id4,id5,v2", JoinBig: "id1,id2,id3,id4,id5,id6,v2",
	}
	for tab, h := range headers {
		if got := j.Header(tab); got != h {
			t.Errorf("Header(%v): got %q, want %q", tab, got, h)
		}
	}
}

func TestJoinInvalid(t *testing.T) {
	for _, j := range []Join{{N: 0}, {N: 1e6 + 1}, {N: 999_999}, {N: 1e6, NAPercent: 101}} {
		if err := j.WriteCSV(t.Context(), JoinLeft, &bytes.Buffer{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: got %v, want ErrInvalid", j, err)
		}
	}
	if err := (Join{N: 1e6}).WriteCSV(t.Context(), JoinTable(9), &bytes.Buffer{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("table 9: got %v, want ErrInvalid", err)
	}
}

// TestJoinKeys checks the R script's invariants: each table's key columns
// hold every key of their pool, the right tables' own key is unique, keys
// are in 1..1.1n, 90% of each pool matches the other side, the string ids
// spell the integer ones and the values are in range.
func TestJoinKeys(t *testing.T) {
	j := testJoin(200_000)
	n := [3]int64{j.keys(0), j.keys(1), j.keys(2)}
	sets := map[JoinTable][3]map[int64]int{}
	for _, tab := range JoinTables() {
		header, rows, _ := generateJoin(t, j, tab)
		if header != j.Header(tab) {
			t.Errorf("%v header: got %q, want %q", tab, header, j.Header(tab))
		}
		if int64(len(rows)) != j.Rows(tab) {
			t.Fatalf("%v: got %d rows, want %d", tab, len(rows), j.Rows(tab))
		}
		k := tab.keyCols()
		var cols [3]map[int64]int
		for l := range k {
			cols[l] = map[int64]int{}
		}
		for i, r := range rows {
			if len(r) != 2*k+1 {
				t.Fatalf("%v row %d: got %q, want %d fields", tab, i, r, 2*k+1)
			}
			for l := range k {
				v, err := strconv.ParseInt(r[l], 10, 64)
				if err != nil || v < 1 || v > n[l]+n[l]/10 {
					t.Fatalf("%v row %d: id%d = %q, want 1..%d", tab, i, l+1, r[l], n[l]+n[l]/10)
				}
				if r[k+l] != "id"+r[l] {
					t.Fatalf("%v row %d: id%d = %q, want %q", tab, i, l+4, r[k+l], "id"+r[l])
				}
				cols[l][v]++
			}
			if v, err := strconv.ParseFloat(r[2*k], 64); err != nil || v < 0 || v > 100 {
				t.Fatalf("%v row %d: value %q, want 0..100", tab, i, r[2*k])
			}
		}
		// Shuffled: about half the neighbouring keys ascend.
		up := 0
		for i := 1; i < len(rows); i++ {
			if a, _ := strconv.Atoi(rows[i-1][k-1]); a < must(strconv.Atoi(rows[i][k-1])) {
				up++
			}
		}
		if frac := float64(up) / float64(len(rows)-1); len(rows) > 1000 && (frac < 0.45 || frac > 0.55) {
			t.Errorf("%v id%d: %v of neighbouring keys ascend, want about half", tab, k, frac)
		}
		for l := range k {
			if got := int64(len(cols[l])); got != n[l] {
				t.Errorf("%v id%d: got %d distinct keys, want the pool's %d", tab, l+1, got, n[l])
			}
		}
		sets[tab] = cols
	}
	// Keys drawn with replacement are spread evenly: about N/n rows each.
	for v, c := range sets[JoinLeft][0] {
		if mean := float64(j.N) / float64(n[0]); float64(c) < 0.8*mean || float64(c) > 1.2*mean {
			t.Errorf("left id1: key %d in %d rows, want about %v", v, c, mean)
		}
	}
	// The right tables' own keys are unique.
	for tab, l := range map[JoinTable]int{JoinSmall: 0, JoinMedium: 1, JoinBig: 2} {
		for v, c := range sets[tab][l] {
			if c != 1 {
				t.Fatalf("%v id%d: key %d appears %d times, want once", tab, l+1, v, c)
			}
		}
	}
	// All right tables draw from the same x∪r pool; 0.9n of it is on the left.
	for l := range 3 {
		common := 0
		for v := range sets[JoinBig][l] {
			if _, ok := sets[JoinLeft][l][v]; ok {
				common++
			}
		}
		if want := int(n[l] * 9 / 10); common != want {
			t.Errorf("id%d: left and big share %d keys, want %d", l+1, common, want)
		}
	}
	for v := range sets[JoinMedium][0] {
		if _, ok := sets[JoinSmall][0][v]; !ok {
			t.Errorf("medium id1 key %d is not in small's pool", v)
		}
	}
}

func TestJoinDeterministic(t *testing.T) {
	for _, base := range []Join{testJoin(150_000), {N: 150_000, NAPercent: 10, Sorted: true, divisors: [3]int64{1000, 100, 1}}} {
		for _, tab := range JoinTables() {
			var first [sha256.Size]byte
			for i, w := range []int{1, 2, 5} {
				j := base
				j.Workers = w
				_, _, raw := generateJoin(t, j, tab)
				if sum := sha256.Sum256(raw); i == 0 {
					first = sum
				} else if sum != first {
					t.Errorf("%s: %d workers wrote other bytes than 1", j.Name(tab), w)
				}
			}
		}
	}
}

// TestJoinNA checks the missing values of the left table: whole keys of
// each id column, floor(n*p/100) of them, written "" and "idNA", and
// floor(N*p/100) rows of v1; the right tables have none.
func TestJoinNA(t *testing.T) {
	j := testJoin(100_000)
	j.NAPercent = 10
	_, rows, _ := generateJoin(t, j, JoinLeft)
	_, full, _ := generateJoin(t, testJoin(100_000), JoinLeft)
	for l := range 3 {
		n := j.keys(l)
		present, missingKeys := map[string]bool{}, map[string]bool{}
		for i, r := range rows {
			if r[l] == "" {
				if r[3+l] != "idNA" {
					t.Fatalf("row %d: id%d missing but id%d = %q, want idNA", i, l+1, l+4, r[3+l])
				}
				missingKeys[full[i][l]] = true
				continue
			}
			if r[l] != full[i][l] {
				t.Fatalf("row %d: id%d = %q, want %q as without missing values", i, l+1, r[l], full[i][l])
			}
			present[r[l]] = true
		}
		want := n * 10 / 100
		if int64(len(missingKeys)) != want {
			t.Errorf("id%d: got %d missing keys, want %d", l+1, len(missingKeys), want)
		}
		for k := range missingKeys {
			if present[k] {
				t.Errorf("id%d: key %s is missing in some rows only", l+1, k)
			}
		}
	}
	missing := 0
	for _, r := range rows {
		if r[6] == "" {
			missing++
		}
	}
	if want := int(j.N * 10 / 100); missing != want {
		t.Errorf("v1: got %d missing, want %d", missing, want)
	}
	for _, tab := range []JoinTable{JoinSmall, JoinMedium, JoinBig} {
		_, _, raw := generateJoin(t, j, tab)
		if bytes.Contains(raw, []byte(",,")) || bytes.Contains(raw, []byte("NA")) {
			t.Errorf("%v: has missing values, want none", tab)
		}
	}
}

// TestJoinSorted checks the sort keys of each table and that sorting keeps
// the rows' keys.
func TestJoinSorted(t *testing.T) {
	by := map[JoinTable][]int{JoinLeft: {0, 1, 2}, JoinSmall: {0}, JoinMedium: {1}, JoinBig: {2}}
	for _, tab := range JoinTables() {
		j := testJoin(100_000)
		_, plain, _ := generateJoin(t, j, tab)
		j.Sorted = true
		_, sorted, _ := generateJoin(t, j, tab)
		keysOf := func(rows [][]string) []string {
			var out []string
			for _, r := range rows {
				out = append(out, strings.Join(r[:len(r)-1], ","))
			}
			slices.Sort(out)
			return out
		}
		if !slices.Equal(keysOf(plain), keysOf(sorted)) {
			t.Fatalf("%v: the sorted table's keys are not the unsorted one's", tab)
		}
		for i := 1; i < len(sorted); i++ {
			for _, c := range by[tab] {
				a, _ := strconv.ParseInt(sorted[i-1][c], 10, 64)
				b, _ := strconv.ParseInt(sorted[i][c], 10, 64)
				if a < b {
					break
				}
				if a > b {
					t.Fatalf("%v: row %d %q sorts after row %d %q", tab, i-1, sorted[i-1], i, sorted[i])
				}
			}
		}
	}
}

func BenchmarkJoinWriteCSV(b *testing.B) {
	for _, tab := range []JoinTable{JoinLeft, JoinBig} {
		b.Run(tab.String(), func(b *testing.B) {
			j := Join{N: 1_000_000}
			n := countingWriter{w: discardWriter{}}
			for b.Loop() {
				if err := j.WriteCSV(b.Context(), tab, &n); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(n.n / int64(b.N))
			b.ReportMetric(float64(j.N)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
