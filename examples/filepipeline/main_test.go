package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the temporary input directory goes here
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-files", "12", "-rows", "400", "-workers", "2", "-show", "3"}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"on 2 workers", "input:  12 files",
		"sensors-0000.csv", "sensors-0002.csv", "… and 9 more files",
		"summary:", "files:        12", "temperature:", "dew point:", "elapsed:", "MB/s", "rows/s",
		"as generated: ok", "StreamUnordered", "3. sensors-", "stopped after 3 of 12 files",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if ordered, _, _ := strings.Cut(s, "summary:"); strings.Contains(ordered, "sensors-0003.csv") {
		t.Errorf("-show 3 printed a fourth file:\n%s", s)
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("temporary directory not removed: %v", left)
	}
}

func TestRunDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "in")
	if err := run(t.Context(), &bytes.Buffer{}, []string{"-files", "3", "-rows", "50", "-dir", dir, "-show", "0"}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := os.Stat(filepath.Join(dir, fileName(i))); err != nil {
			t.Errorf("input file %d not kept: %v", i, err)
		}
	}
}

func TestProcessFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv")
	data := header + "\r\n" +
		"1,s001,10.00,50.0,ok\n" +
		"2,s002,,50.0,err\n" +
		"3,s003,-999.00,50.0,ok\n" +
		"4,s004,20.00,100.0,ok\n" +
		"\n" +
		"5,s005,30.00,50.0,ok"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := processFile(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if st.rows != 5 || st.errRows != 1 || st.outliers != 1 || st.temp.n != 3 {
		t.Errorf("got rows %d, err %d, outliers %d, kept %d; want 5, 1, 1, 3", st.rows, st.errRows, st.outliers, st.temp.n)
	}
	if st.temp.mean != 20 || st.temp.stddev() != 10 || st.temp.min != 10 || st.temp.max != 30 {
		t.Errorf("got mean %v, sd %v, min %v, max %v; want 20, 10, 10, 30", st.temp.mean, st.temp.stddev(), st.temp.min, st.temp.max)
	}
	if st.hottest != "s005" {
		t.Errorf("hottest sensor: got %q, want s005", st.hottest)
	}
	// At 100% humidity the dew point is the temperature.
	wantDew := (dewPoint(10, 50) + 20 + dewPoint(30, 50)) / 3
	if math.Abs(st.dewMean-wantDew) > 1e-9 || math.Abs(dewPoint(20, 100)-20) > 1e-9 {
		t.Errorf("dew point: got mean %v, want %v", st.dewMean, wantDew)
	}
	if st.bytes != int64(len(data)) {
		t.Errorf("bytes: got %d, want %d", st.bytes, len(data))
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ data, want string }{
		{"time,x\n", "x.csv:1: want the header"},
		{header + "\n1,s1,2.0,3.0\n", "x.csv:2: got 4 fields, want 5"},
		{header + "\n1,s1,2.0,3.0,ok\n1,s1,abc,3.0,ok\n", "x.csv:3:6: temperature"},
		{header + "\n1,s1,2.0,300,ok\n", "x.csv:2:10: humidity"},
		{header + "\n1,s1,2.0,30,maybe\n", "x.csv:2:13: status \"maybe\""},
	} {
		var st fileStats
		_, err := parse("x.csv", []byte(tc.data), &st)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parse(%q): got error %v, want one containing %q", tc.data, err, tc.want)
		}
	}
}

func TestMomentsMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 1000)
	for i := range xs {
		xs[i] = 20 + 5*rng.NormFloat64()
	}
	var whole moments
	for _, x := range xs {
		whole.push(x)
	}
	for _, cut := range []int{0, 1, 499, 1000} {
		var a, b moments
		for _, x := range xs[:cut] {
			a.push(x)
		}
		for _, x := range xs[cut:] {
			b.push(x)
		}
		a.merge(b)
		if a.n != whole.n || math.Abs(a.mean-whole.mean) > 1e-12 || math.Abs(a.stddev()-whole.stddev()) > 1e-12 ||
			a.min != whole.min || a.max != whole.max {
			t.Errorf("cut %d: got %+v, want %+v", cut, a, whole)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	g1, err := generate(t.Context(), d1, 7, 200, 42)
	if err != nil {
		t.Fatal(err)
	}
	g2, err := generate(t.Context(), d2, 7, 200, 42)
	if err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(g1.path)
	b2, _ := os.ReadFile(g2.path)
	if !bytes.Equal(b1, b2) || g1.rows != g2.rows || g1.valid != g2.valid {
		t.Errorf("the same seed gave different files")
	}
	if g1.rows < 100 || g1.rows > 300 {
		t.Errorf("rows: got %d, want between 100 and 300", g1.rows)
	}
}

func TestCancelled(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, &bytes.Buffer{}, []string{"-files", "4", "-rows", "100"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-files", "0"}, {"-rows", "-1"}, {"-workers", "-2"}, {"extra"}} {
		if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
			t.Errorf("run(%q): got no error, want one", args)
		}
	}
}
