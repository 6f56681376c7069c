package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-n", "5000", "-calls", "4", "-workers", "2"}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	want := fmt.Sprintf("%.4f", 5000*math.E*math.Sinh(1))
	for _, field := range []string{"4 calls", "5,000 ones", "serial:", "scheduler.Map:", "on 2 workers", "speed-up:", "ideal 2x", want} {
		if !strings.Contains(s, field) {
			t.Errorf("output lacks %q:\n%s", field, s)
		}
	}
}

func TestExpSinhSum(t *testing.T) {
	for _, n := range []int{0, 1, 3, 1 << 16, 1<<16 + 7} {
		x := make([]float64, n)
		want := 0.0
		for i := range x {
			x[i] = float64(i%5) / 4
			want += math.Exp(x[i]) * math.Sinh(x[i])
		}
		got, err := expSinhSum(t.Context(), x)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("n=%d: got %v, want %v", n, got, want)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, &bytes.Buffer{}, []string{"-n", "1000000", "-calls", "2"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "0"}, {"-calls", "-1"}, {"-workers", "-2"}, {"extra"}, {"-nosuchflag"}} {
		if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
			t.Errorf("run(%q): got no error, want one", args)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10_000_000: "10,000,000", -12345: "-12,345"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d): got %q, want %q", n, got, want)
		}
	}
}
