package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	const parts, rows = 5, 3000
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-parts", fmt.Sprint(parts), "-rows", fmt.Sprint(rows), "-workers", "3"}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()

	// The expected answer, from the same generator, in two passes.
	var good []float64
	for i := range parts {
		r := rand.New(rand.NewPCG(uint64(i), 42))
		for range rows {
			if u := r.IntN(100); u >= 4 {
				good = append(good, 20+5*r.NormFloat64())
			}
		}
	}
	mean := 0.0
	for _, x := range good {
		mean += x
	}
	mean /= float64(len(good))
	variance := 0.0
	for _, x := range good {
		variance += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(variance / float64(len(good)))

	m := regexp.MustCompile(`good readings (\d+) of (\d+), mean ([\d.]+), spread ([\d.]+)`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("output lacks the results:\n%s", s)
	}
	if m[1] != fmt.Sprint(len(good)) || m[2] != fmt.Sprint(parts*rows) {
		t.Errorf("good readings %s of %s, want %d of %d", m[1], m[2], len(good), parts*rows)
	}
	gotMean, _ := strconv.ParseFloat(m[3], 64)
	gotSD, _ := strconv.ParseFloat(m[4], 64)
	if math.Abs(gotMean-mean) > 2e-6 || math.Abs(gotSD-sd) > 2e-6 {
		t.Errorf("mean %v spread %v, want %.6f %.6f", gotMean, gotSD, mean, sd)
	}
	for _, field := range []string{
		"calls so far: load 0, clean 0, combine 0, mean 0, spread 0",
		"calls: load 5, clean 5, combine 1, mean 1, spread 1 (combine shared, run once)",
		"same results: true",
		"calls: load 10, clean 10, combine 2, mean 1, spread 1",
	} {
		if !strings.Contains(s, field) {
			t.Errorf("output lacks %q:\n%s", field, s)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, &bytes.Buffer{}, []string{"-parts", "4", "-rows", "1000"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-parts", "0"}, {"-rows", "-1"}, {"-workers", "-2"}, {"extra"}, {"-nosuchflag"}} {
		if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
			t.Errorf("run(%q): got no error, want one", args)
		}
	}
}
