package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type regionSum struct {
	revenue       float64
	units, orders int64
}

// expected reads the CSV files the run wrote and computes the summary with
// plain Go.
func expected(t *testing.T, dir string) (map[string]regionSum, int64, int64) {
	paths, err := filepath.Glob(filepath.Join(dir, "orders-*.csv"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no CSV input in %s: %v", dir, err)
	}
	want := map[string]regionSum{}
	var total, kept int64
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] { // order_id,region,product,qty,price,status
			total++
			qty, _ := strconv.ParseInt(rec[3], 10, 64)
			price, _ := strconv.ParseFloat(rec[4], 64)
			if rec[5] != "ok" || qty <= 0 {
				continue
			}
			kept++
			s := want[rec[1]]
			s.revenue += float64(qty) * price
			s.units += qty
			s.orders++
			want[rec[1]] = s
		}
	}
	return want, total, kept
}

func TestRun(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "parquet")
	var buf bytes.Buffer
	args := []string{"-files", "3", "-rows", "2000", "-dir", in, "-out", out, "-workers", "2"}
	if err := run(t.Context(), &buf, args); err != nil {
		t.Fatalf("run: %v\n%s", err, buf.String())
	}
	s := buf.String()
	want, total, kept := expected(t, in)
	if total != 6000 {
		t.Errorf("the CSV files hold %d rows, want 6000", total)
	}
	if parts, _ := filepath.Glob(filepath.Join(out, "*.parquet")); len(parts) == 0 {
		t.Errorf("no Parquet files in %s", out)
	}
	if line := fmt.Sprintf("kept:    %d of %d rows", kept, total); !strings.Contains(s, line) {
		t.Errorf("output lacks %q:\n%s", line, s)
	}

	// The summary: one line per region, sorted, with the right sums.
	_, table, ok := strings.Cut(s, "\nregion ")
	if !ok {
		t.Fatalf("output lacks the summary:\n%s", s)
	}
	var order []string
	for _, line := range strings.Split(table, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) != 4 {
			break
		}
		order = append(order, f[0])
		w, ok := want[f[0]]
		if !ok {
			t.Errorf("unexpected region %q", f[0])
			continue
		}
		revenue, _ := strconv.ParseFloat(f[1], 64)
		if math.Abs(revenue-w.revenue) > 0.006 || f[2] != fmt.Sprint(w.units) || f[3] != fmt.Sprint(w.orders) {
			t.Errorf("%s: got %s %s %s, want %.2f %d %d", f[0], f[1], f[2], f[3], w.revenue, w.units, w.orders)
		}
	}
	if len(order) != len(want) || !slices.IsSorted(order) {
		t.Errorf("regions %v: want the %d regions, sorted", order, len(want))
	}

	// A second run into the same output directory fails: it holds parts.
	if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
		t.Error("second run into the same -out: got no error, want one")
	}
}

func TestTempDirsRemoved(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	if err := run(t.Context(), &bytes.Buffer{}, []string{"-files", "2", "-rows", "100"}); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := run(ctx, &bytes.Buffer{}, []string{"-files", "2", "-rows", "100"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-files", "0"}, {"-rows", "-1"}, {"-workers", "-2"}, {"extra"}, {"-nosuchflag"}} {
		if err := run(t.Context(), &bytes.Buffer{}, args); err == nil {
			t.Errorf("run(%q): got no error, want one", args)
		}
	}
}
