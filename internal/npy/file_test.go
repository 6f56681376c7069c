package npy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, d := range allDTypes {
		for _, shape := range [][]int{{}, {3}, {2, 5, 7}, {4, 0}, {100000}} {
			path := filepath.Join(dir, "chunk.npy")
			n, _, _ := checkShape(shape, 1)
			want := sample(d, n)
			if err := WriteFile(path, shape, want); err != nil {
				t.Fatal(err)
			}
			gotShape, got, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !sameShape(gotShape, shape) || !sameData(got, want) {
				t.Errorf("%s %v: got shape %v, want %v, and the same data", d, shape, gotShape, shape)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			gotShape, got, err = Read(f) // a regular *os.File: sized read
			f.Close()
			if err != nil || !sameShape(gotShape, shape) || !sameData(got, want) {
				t.Errorf("%s %v via Read: got shape %v, err %v, want %v", d, shape, gotShape, err, shape)
			}
		}
	}
	if got := dirNames(t, dir); len(got) != 1 || got[0] != "chunk.npy" {
		t.Errorf("files: got %v, want %v", got, []string{"chunk.npy"})
	}
	fi, err := os.Stat(filepath.Join(dir, "chunk.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got&0o600 != 0o600 {
		t.Errorf("permissions: got %v, want at least %v", got, fs.FileMode(0o600))
	}
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()

	// Invalid arguments: nothing is created.
	path := filepath.Join(dir, "bad.npy")
	err := WriteFile(path, []int{3}, []float64{1})
	if want := path + ": npy: data has 1 elements, shape [3] needs 3"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %v", err, want)
	}

	// Missing directory.
	err = WriteFile(filepath.Join(dir, "missing", "x.npy"), []int{1}, []float64{1})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing directory: got %v, want %v", err, fs.ErrNotExist)
	}

	// The rename fails when path is a non-empty directory: the temporary
	// file must be removed.
	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(filepath.Join(sub, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(sub, []int{1}, []float64{1}); err == nil {
		t.Errorf("rename over a directory: got %v, want an error", err)
	}
	if got := dirNames(t, dir); len(got) != 1 || got[0] != "sub" {
		t.Errorf("files left: got %v, want %v", got, []string{"sub"})
	}

	// Replacing an existing file.
	path = filepath.Join(dir, "a.npy")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []int{2}, []int32{7, 8}); err != nil {
		t.Fatal(err)
	}
	if _, data, err := ReadFile(path); err != nil || !sameData(data, []int32{7, 8}) {
		t.Errorf("replaced file: got %v %v, want [7 8] <nil>", data, err)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.npy")
	if _, _, err := ReadFile(missing); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing file: got %v, want a not-exist error naming %s", err, missing)
	}

	for _, c := range readErrorCases {
		path := filepath.Join(dir, "bad.npy")
		if err := os.WriteFile(path, c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := ReadFile(path)
		if err == nil || !strings.HasPrefix(err.Error(), path+": npy: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q prefixed with the path", c.name, err, c.want)
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %T, want a wrapped *FormatError", c.name, err)
		}
	}

	// A file cut short after its header: the size check happens before
	// the data is allocated.
	path := filepath.Join(dir, "short.npy")
	if err := WriteFile(path, []int{1000}, make([]int64, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 128+100); err != nil {
		t.Fatal(err)
	}
	_, _, err := ReadFile(path)
	if want := path + ": npy: data truncated: want 8000 bytes, got 100"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %v", err, want)
	}
}
