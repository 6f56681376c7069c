package h2o

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// FormatVersion names the generator's output: files written by another
// version are regenerated. It changes whenever the bytes generated for the
// same parameters change.
const FormatVersion = 1

// EnsureCSV returns the path of dir/<Name>.csv, writing it first unless a
// file of this version, seed and size is already there (see [ensureCSV]).
func (g Groupby) EnsureCSV(ctx context.Context, dir string) (path string, err error) {
	if err := g.validate(); err != nil {
		return "", err
	}
	return ensureCSV(ctx, dir, g.Name(), g.Seed, g.N, g.WriteCSV)
}

// marker is the content of <file>.h2o, written after the CSV is complete:
// what the CSV holds and how long it is.
type marker struct {
	Format int    `json:"format"`
	Name   string `json:"name"`
	Seed   uint64 `json:"seed"`
	Rows   int64  `json:"rows"`
	Bytes  int64  `json:"bytes"`
}

// ensureCSV makes dir/<name>.csv hold what write writes. A file is reused
// when its marker dir/<name>.csv.h2o names this format, name, seed and
// rows and the file has the marker's size; otherwise write runs into a
// temporary file in dir that is renamed into place when complete (so a
// reader never sees a partial file), and the marker is written after it.
// On error or cancellation the temporary file is removed.
func ensureCSV(ctx context.Context, dir, name string, seed uint64, rows int64,
	write func(context.Context, io.Writer) error) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("h2o: %w", err)
	}
	path := filepath.Join(dir, name+".csv")
	markerPath := path + ".h2o"
	want := marker{Format: FormatVersion, Name: name, Seed: seed, Rows: rows}
	if ok, err := upToDate(path, markerPath, want); err != nil {
		return "", err
	} else if ok {
		return path, nil
	}

	_ = os.Remove(markerPath) // the CSV is about to change
	tmp, err := os.CreateTemp(dir, "."+name+".csv.tmp-*")
	if err != nil {
		return "", fmt.Errorf("h2o: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return "", fmt.Errorf("h2o: %w", err)
	}
	cw := &countingWriter{w: tmp}
	if err := write(ctx, cw); err != nil {
		return "", fmt.Errorf("h2o: writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("h2o: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("h2o: %w", err)
	}
	done = true

	want.Bytes = cw.n
	b, err := json.Marshal(want)
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(markerPath, append(b, '\n')); err != nil {
		return "", fmt.Errorf("h2o: %w", err)
	}
	return path, nil
}

// upToDate reports whether path exists with a marker equal to want (but
// for Bytes) and the size the marker records.
func upToDate(path, markerPath string, want marker) (bool, error) {
	b, err := os.ReadFile(markerPath)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("h2o: %w", err)
	}
	var m marker
	if json.Unmarshal(b, &m) != nil {
		return false, nil // a damaged marker: regenerate
	}
	size := m.Bytes
	m.Bytes = 0
	if m != want {
		return false, nil
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("h2o: %w", err)
	}
	return fi.Mode().IsRegular() && fi.Size() == size, nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	err = tmp.Chmod(0o644)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
