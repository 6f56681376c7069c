package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// primesBelow counts the primes below n by trial division.
func primesBelow(lo, hi int) int {
	count := 0
	for k := max(lo, 2); k < hi; k++ {
		prime := true
		for d := 2; d*d <= k; d++ {
			if k%d == 0 {
				prime = false
				break
			}
		}
		if prime {
			count++
		}
	}
	return count
}

func TestRun(t *testing.T) {
	const n, parts = 30_000, 5
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-n", fmt.Sprint(n), "-parts", fmt.Sprint(parts), "-workers", "2"}); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	// Every future is printed once, as it completes, with its right count.
	lines := regexp.MustCompile(`future (\d+) \(submit\[\d+\]\) \[(\d+), (\d+)\): (\d+) primes`).FindAllStringSubmatch(s, -1)
	if len(lines) != parts {
		t.Fatalf("got %d completed futures, want %d:\n%s", len(lines), parts, s)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		var lo, hi, got int
		fmt.Sscan(l[2]+" "+l[3]+" "+l[4], &lo, &hi, &got)
		if want := primesBelow(lo, hi); got != want {
			t.Errorf("future %s: [%d, %d) has %d primes, want %d", l[1], lo, hi, got, want)
		}
		seen[l[1]] = true
	}
	if len(seen) != parts {
		t.Errorf("futures printed: %v, want each of 0..%d once", seen, parts-1)
	}
	for _, field := range []string{
		fmt.Sprintf("total: %d primes below %d", primesBelow(0, n), n),
		"[100, 10): bad range", "a *TaskError: true", "the bad range: true",
		"the other future still completed: 25 primes below 100",
	} {
		if !strings.Contains(s, field) {
			t.Errorf("output lacks %q:\n%s", field, s)
		}
	}
}

func TestCountPrimes(t *testing.T) {
	for _, r := range [][2]int{{0, 0}, {0, 2}, {0, 3}, {2, 3}, {0, 1000}, {997, 1010}, {262_000, 262_200}, {0, 600_000}} {
		got, err := countPrimes(t.Context(), r[0], r[1])
		if want := primesBelow(r[0], r[1]); err != nil || got != want {
			t.Errorf("countPrimes(%d, %d): got %d, %v, want %d", r[0], r[1], got, err, want)
		}
	}
	if _, err := countPrimes(t.Context(), 5, 4); !errors.Is(err, errBadRange) {
		t.Errorf("countPrimes(5, 4): got %v, want errBadRange", err)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, &bytes.Buffer{}, []string{"-n", "1000000", "-parts", "4"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-n", "1"}, {"-parts", "0"}, {"-n", "10", "-parts", "11"}, {"-workers", "-2"}, {"extra"}, {"-nosuchflag"}} {
		if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
			t.Errorf("run(%q): got no error, want one", args)
		}
	}
}
