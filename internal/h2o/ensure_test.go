package h2o

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestEnsureCSV(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	g := Groupby{N: 1000, K: 10}
	path, err := g.EnsureCSV(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "G1_1e3_1e1_0_0.csv"); path != want {
		t.Errorf("path: got %q, want %q", path, want)
	}
	_, _, raw := generate(t, g)
	if b, _ := os.ReadFile(path); string(b) != string(raw) {
		t.Fatalf("the file is not what WriteCSV writes")
	}

	// A second call reuses the file: a same-size edit stays.
	b, _ := os.ReadFile(path)
	b[len(b)-2] ^= 1
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := g.EnsureCSV(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != string(b) {
		t.Errorf("EnsureCSV rewrote a file whose marker matched")
	}

	// A file of another size, or a marker of another seed, is rewritten.
	for _, change := range []func() error{
		func() error { return os.WriteFile(path, []byte("truncated"), 0o644) },
		func() error { g.Seed = 7; _, _, raw = generate(t, g); return nil },
		func() error { return os.Remove(path + ".h2o") },
	} {
		if err := change(); err != nil {
			t.Fatal(err)
		}
		if _, err := g.EnsureCSV(t.Context(), dir); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != string(raw) {
			t.Errorf("EnsureCSV kept a stale file")
		}
	}
	assertOnly(t, dir, "G1_1e3_1e1_0_0.csv", "G1_1e3_1e1_0_0.csv.h2o")
}

func TestEnsureCSVCancelLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	_, err := Groupby{N: 5e6, K: 100}.EnsureCSV(ctx, dir)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
	assertOnly(t, dir)
}

func TestJoinEnsureCSV(t *testing.T) {
	dir := t.TempDir()
	j := testJoin(2000)
	for _, tab := range JoinTables() {
		path, err := j.EnsureCSV(t.Context(), dir, tab)
		if err != nil {
			t.Fatal(err)
		}
		_, _, raw := generateJoin(t, j, tab)
		if b, _ := os.ReadFile(path); string(b) != string(raw) {
			t.Errorf("%v: the file is not what WriteCSV writes", tab)
		}
		if filepath.Base(path) != j.Name(tab)+".csv" {
			t.Errorf("%v: got path %q, want name %s.csv", tab, path, j.Name(tab))
		}
	}
}

// assertOnly checks that dir holds exactly the named files.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
	for i := range got {
		if got[i] != names[i] {
			t.Fatalf("%s holds %q, want %q", dir, got, names)
		}
	}
}
