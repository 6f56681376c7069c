package io

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"golang.org/x/sync/errgroup"
)

// ErrNoFiles is returned when a path, glob or directory names no input file.
var ErrNoFiles = errors.New("no input files")

// ResolvePaths expands the paths a user gave into the files to read, in a
// deterministic order: a glob pattern (with *, ? or [) gives its matches,
// sorted; a directory gives the regular files under it (recursively,
// sorted, skipping names that start with "." or "_", as other engines
// do for their metadata) whose names end in one of exts (any file when exts
// is empty); any other path must be an existing regular file. A path that
// matches nothing is an error naming it; so is a file listed twice.
func ResolvePaths(paths []string, exts ...string) ([]string, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("io: %w: no path given", ErrNoFiles)
	}
	var out []string
	seen := make(map[string]string)
	add := func(given, p string) error {
		if first, dup := seen[p]; dup {
			return fmt.Errorf("io: %s is listed twice (by %q and %q)", p, first, given)
		}
		seen[p] = given
		out = append(out, p)
		return nil
	}
	for _, given := range paths {
		var found []string
		if strings.ContainsAny(given, "*?[") {
			m, err := filepath.Glob(given)
			if err != nil {
				return nil, fmt.Errorf("io: bad glob pattern %q: %w", given, err)
			}
			for _, p := range m {
				st, err := os.Stat(p)
				if err != nil {
					return nil, fmt.Errorf("io: %w", err)
				}
				if st.Mode().IsRegular() {
					found = append(found, p)
				}
			}
			slices.Sort(found)
		} else {
			st, err := os.Stat(given)
			if err != nil {
				return nil, fmt.Errorf("io: %w", err)
			}
			switch {
			case st.IsDir():
				found, err = listDir(given, exts)
				if err != nil {
					return nil, err
				}
			case st.Mode().IsRegular():
				found = []string{given}
			default:
				return nil, fmt.Errorf("io: %s is not a regular file or a directory", given)
			}
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("io: %w: %q matches no file", ErrNoFiles, given)
		}
		for _, p := range found {
			if err := add(given, p); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func listDir(dir string, exts []string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if len(exts) > 0 && !slices.ContainsFunc(exts, func(e string) bool { return strings.HasSuffix(name, e) }) {
			return nil
		}
		found = append(found, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("io: listing %s: %w", dir, err)
	}
	slices.Sort(found)
	return found, nil
}

// atomicFile is a file written under a temporary name in the target's
// directory and renamed to the target by commit.
type atomicFile struct {
	*os.File
	target string
	done   bool
}

// createAtomic creates a temporary file beside path. The directory must
// exist.
func createAtomic(path string) (*atomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("io: creating %s: %w", path, err)
	}
	return &atomicFile{File: f, target: path}, nil
}

// commit syncs and closes the temporary file and renames it to the target.
// On error the temporary file is removed.
func (a *atomicFile) commit() error {
	if a.done {
		return nil
	}
	a.done = true
	err := a.File.Sync()
	if cerr := a.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.File.Name(), a.target)
	}
	if err != nil {
		os.Remove(a.File.Name())
		return fmt.Errorf("io: writing %s: %w", a.target, err)
	}
	return nil
}

// abort closes and removes the temporary file; after commit it does nothing.
func (a *atomicFile) abort() error {
	if a.done {
		return nil
	}
	a.done = true
	a.File.Close()
	if err := os.Remove(a.File.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("io: removing the temporary file of %s: %w", a.target, err)
	}
	return nil
}

// agreeSchemas checks that the files of one dataset (paths, in order, with
// their schemas) have the same schema, naming the first file that differs
// and the field, and returns it with every field nullable that is nullable
// in any file.
func agreeSchemas(paths []string, schemas []*arrow.Schema) (*arrow.Schema, error) {
	sc := schemas[0]
	for i, s := range schemas[1:] {
		if err := schemaDiff(schemas[0], paths[0], s, paths[i+1]); err != nil {
			return nil, err
		}
		sc = widenNullability(sc, s)
	}
	return sc, nil
}

// writerStatus is where a RecordWriter is in its life.
type writerStatus int

const (
	writerOpen writerStatus = iota
	writerClosed
	writerAborted
)

// writerState is the part of a RecordWriter's state that every format
// shares: the target path, open, closed or aborted, and the error that
// aborted it.
type writerState struct {
	path  string
	state writerStatus
	err   error
}

// usable returns nil for an open writer, or why it cannot be used.
func (w *writerState) usable() error {
	switch {
	case w.err != nil:
		return fmt.Errorf("io: %s was aborted by an earlier error: %w", w.path, w.err)
	case w.state == writerClosed:
		return fmt.Errorf("io: writing %s: the writer is closed", w.path)
	case w.state == writerAborted:
		return fmt.Errorf("io: writing %s: the writer was aborted", w.path)
	}
	return nil
}

// openParallelism bounds the files a dataset opens at once (reading
// footers and schemas).
const openParallelism = 16

// openEach opens every path with open, several at a time, and returns the
// results in path order. With several failures the error is the first in
// path order; ctx cancels the opening.
func openEach[T any](ctx context.Context, paths []string, open func(string) (T, error)) ([]T, error) {
	out := make([]T, len(paths))
	errs := make([]error, len(paths))
	var g errgroup.Group
	g.SetLimit(openParallelism)
	for i, path := range paths {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return nil
			}
			out[i], errs[i] = open(path)
			return nil
		})
	}
	g.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
