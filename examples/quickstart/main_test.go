package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	var out bytes.Buffer
	dir := t.TempDir()
	args := []string{"-dir", dir, "-rows", "50000", "-workers", "2", "-memory", "67108864", "-progress=false"}
	if err := run(t.Context(), &out, io.Discard, args); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{"revenue by category", "top customers", "category\trevenue\torders\tavg_price", "customer_id\trevenue\torders"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// every order is in one category: the counts add up
	var total int64
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "category\t") {
			for _, row := range lines[i+1 : i+1+len(categories)] {
				f := strings.Split(row, "\t")
				var n int64
				for _, c := range f[2] {
					n = n*10 + int64(c-'0')
				}
				total += n
			}
		}
	}
	if total != 50000 {
		t.Errorf("orders over the categories add up to %d, want 50000:\n%s", total, s)
	}
	// a second run reuses the data, and writes a report and a summary
	out.Reset()
	report := filepath.Join(dir, "run.html")
	if err := run(t.Context(), &out, io.Discard, append(args, "-report", report)); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(report); err != nil || !strings.Contains(string(b), "dusk-data") {
		t.Errorf("report: %v, %d bytes", err, len(b))
	}
	if !strings.Contains(out.String(), "report: "+report) {
		t.Errorf("output lacks the report line:\n%s", out.String())
	}
}
