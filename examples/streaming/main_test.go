package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// want computes, without the scheduler, the line of each item: block i holds
// size·(1+(3i mod 7)) integers after block i-1's.
func want(items, size int) []string {
	var lines []string
	lo := 1
	for i := range items {
		hi := lo + size*(1+(3*i)%7) - 1
		best, steps := 0, -1
		for n := lo; n <= hi; n++ {
			s := 0
			for m := n; m != 1; s++ {
				if m%2 == 0 {
					m /= 2
				} else {
					m = 3*m + 1
				}
			}
			if s > steps {
				best, steps = n, s
			}
		}
		lines = append(lines, fmt.Sprintf("item %2d  [%d, %d]  %d takes %d steps", i, lo, hi, best, steps))
		lo = hi + 1
	}
	return lines
}

var itemLine = regexp.MustCompile(`item +\d+  \[\d+, \d+\]  \d+ takes \d+ steps`)

func TestRun(t *testing.T) {
	const items, size = 10, 300
	var out bytes.Buffer
	args := []string{"-items", fmt.Sprint(items), "-block", fmt.Sprint(size), "-target", "110", "-workers", "3"}
	if err := run(t.Context(), &out, args); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	ordered, rest, ok := strings.Cut(s, "scheduler.StreamUnordered")
	unordered, _, ok2 := strings.Cut(rest, "early stop")
	if !ok || !ok2 {
		t.Fatalf("output lacks its sections:\n%s", s)
	}
	expected := want(items, size)
	if got := itemLine.FindAllString(ordered, -1); !slices.Equal(got, expected) {
		t.Errorf("Stream printed\n%s\nwant, in input order,\n%s", strings.Join(got, "\n"), strings.Join(expected, "\n"))
	}
	got := itemLine.FindAllString(unordered, -1)
	slices.Sort(got)
	sorted := slices.Sorted(slices.Values(expected))
	if !slices.Equal(got, sorted) {
		t.Errorf("StreamUnordered printed\n%s\nwant, in any order,\n%s", strings.Join(got, "\n"), strings.Join(sorted, "\n"))
	}

	// The early stop: the first item, in input order, whose longest chain
	// reaches the target.
	var first string
	for _, l := range want(items, size) {
		f := strings.Fields(l)
		if steps, _ := strconv.Atoi(f[6]); steps >= 110 {
			first = fmt.Sprintf("found: %s takes %s steps (item %s, %s %s)", f[4], f[6], f[1], f[2], f[3])
			break
		}
	}
	if first == "" {
		t.Fatal("no item reaches the target: make the test's blocks bigger")
	}
	for _, field := range []string{"Stream kept input order: true", first, "0 still running"} {
		if !strings.Contains(s, field) {
			t.Errorf("output lacks %q:\n%s", field, s)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, &bytes.Buffer{}, []string{"-items", "4", "-block", "100000"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-items", "0"}, {"-block", "-1"}, {"-target", "0"}, {"-target", "5000"}, {"-workers", "-2"}, {"-window", "-1"}, {"extra"}, {"-nosuchflag"}} {
		if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
			t.Errorf("run(%q): got no error, want one", args)
		}
	}
}
