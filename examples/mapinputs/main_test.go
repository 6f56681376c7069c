package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	const seeds, samples = 6, 20_000
	var out bytes.Buffer
	args := []string{"-seeds", fmt.Sprint(seeds), "-samples", fmt.Sprint(samples), "-workers", "3"}
	if err := run(t.Context(), &out, args); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	// The expected count, computed here with the same generator and test.
	total := 0
	for seed := range uint64(seeds) {
		r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
		for range samples {
			x, y := r.Float64(), r.Float64()
			if x*x+y*y <= 1 {
				total++
			}
		}
	}
	pi := fmt.Sprintf("pi ≈ %.6f", 4*float64(total)/float64(seeds*samples))
	hitsLine := fmt.Sprintf("hits %s of %s", thousands(total), thousands(seeds*samples))
	s := out.String()
	if n := strings.Count(s, hitsLine); n != 2 {
		t.Errorf("output has %q %d times, want 2 (serial and scheduler.Map):\n%s", hitsLine, n, s)
	}
	for _, field := range []string{"6 seeds", "20,000 random points", pi, "serial loop:", "scheduler.Map:", "on 3 workers", "identical, in input order: yes", "speed-up:", "ideal 3x"} {
		if !strings.Contains(s, field) {
			t.Errorf("output lacks %q:\n%s", field, s)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, &bytes.Buffer{}, []string{"-seeds", "4", "-samples", "1000000"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-seeds", "0"}, {"-samples", "-1"}, {"-workers", "-2"}, {"extra"}, {"-nosuchflag"}} {
		if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
			t.Errorf("run(%q): got no error, want one", args)
		}
	}
}
