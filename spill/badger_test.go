package spill_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/dusk-go/dusk/spill"
)

func TestOpenBadgerBadDir(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T) (dir, check string) // check: the directory that must stay empty ("" for none)
		want    error
		message string
	}{
		{
			name: "missing",
			setup: func(t *testing.T) (string, string) {
				parent := t.TempDir()
				return filepath.Join(parent, "no", "such"), parent
			},
			want:    fs.ErrNotExist,
			message: "does not exist",
		},
		{
			name: "file",
			setup: func(t *testing.T) (string, string) {
				parent := t.TempDir()
				f := filepath.Join(parent, "file")
				if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
					t.Fatal(err)
				}
				return f, ""
			},
			want:    syscall.ENOTDIR,
			message: "is not a directory",
		},
		{
			name: "unwritable",
			setup: func(t *testing.T) (string, string) {
				if os.Geteuid() == 0 {
					t.Skip("root ignores directory permissions")
				}
				dir := t.TempDir()
				if err := os.Chmod(dir, 0o500); err != nil {
					t.Fatal(err)
				}
				// Let t.TempDir's cleanup remove it.
				t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
				return dir, dir
			},
			want:    fs.ErrPermission,
			message: "is not writable",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, check := tt.setup(t)
			s, err := spill.OpenBadger(dir)
			if err == nil {
				_ = s.Close()
				t.Fatalf("OpenBadger(%s): got a store, want an error", dir)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want an error wrapping %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), tt.message) {
				t.Errorf("got %q, want it to name %s and say %q", err, dir, tt.message)
			}
			if check != "" {
				entries, err := os.ReadDir(check)
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 0 {
					t.Errorf("%s holds %d entries after the failed open, want 0", check, len(entries))
				}
			}
		})
	}
}

func TestOpenBadgerPrivateDir(t *testing.T) {
	parent := t.TempDir()
	s, err := spill.OpenBadger(parent)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := s.Dir()
	if filepath.Dir(dir) != parent || !strings.HasPrefix(filepath.Base(dir), "dusk-spill-") {
		t.Errorf("Dir() = %s, want %s/dusk-spill-*", dir, parent)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o700 {
		t.Errorf("private directory mode: got %v, want %v", got, fs.FileMode(0o700))
	}
	// Two stores in one spill directory do not collide.
	s2, err := spill.OpenBadger(parent)
	if err != nil {
		t.Fatalf("second OpenBadger in the same directory: %v", err)
	}
	if s2.Dir() == dir {
		t.Errorf("two stores share directory %s", dir)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestBadgerErrorsNameStore(t *testing.T) {
	s, err := spill.OpenBadger(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Get([]byte("k"), func([]byte) error { return nil })
	if !strings.Contains(err.Error(), s.Dir()) {
		t.Errorf("got %q, want it to name the store directory %s", err, s.Dir())
	}
	// Badger refuses values larger than a value-log file.
	err = s.Put([]byte("big"), make([]byte, 300<<20))
	if err == nil || !strings.Contains(err.Error(), s.Dir()) || !strings.Contains(err.Error(), `"big"`) {
		t.Errorf("Put of 300 MiB: got %v, want an error naming the store and the key", err)
	}
}

func TestBadgerLiveBytes(t *testing.T) {
	s, err := spill.OpenBadger(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put([]byte("a"), make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := s.Put([]byte("b"), make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	if got, want := s.LiveBytes(), int64(1<<20+1000); got < want-64 || got > want+64 {
		t.Errorf("LiveBytes after two Puts: got %d, want about %d", got, want)
	}
	if err := s.Delete([]byte("a"), []byte("b")); err != nil {
		t.Fatal(err)
	}
	if got := s.LiveBytes(); got < -64 || got > 64 {
		t.Errorf("LiveBytes after deleting everything: got %d, want about 0", got)
	}
}

// diskUsage returns the bytes of disk blocks the files under dir use
// (badger's value-log files are sparse: their length says little).
func diskUsage(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			n += st.Blocks * 512
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBadgerReclaim checks that the disk space of deleted values comes
// back once the store is empty, and only then.
func TestBadgerReclaim(t *testing.T) {
	s, err := spill.OpenBadger(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 5 // 5 × 64 MiB: more than one value-log file
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("piece-%d", i))
		if err := s.Put(keys[i], testValue(spill.MaxPieceSize, byte(i))); err != nil {
			t.Fatal(err)
		}
	}
	// Overwriting a key does not make it count twice.
	if err := s.Put(keys[0], testValue(spill.MaxPieceSize, 0)); err != nil {
		t.Fatal(err)
	}
	full := diskUsage(t, s.Dir())
	if full < n*spill.MaxPieceSize {
		t.Fatalf("disk usage after %d puts of 64 MiB: got %d bytes, want at least %d", n, full, n*spill.MaxPieceSize)
	}
	// One key left: nothing may be dropped.
	if err := s.Delete(keys[:n-1]...); err != nil {
		t.Fatal(err)
	}
	got, err := getCopy(s, keys[n-1])
	if err != nil || !bytes.Equal(got, testValue(spill.MaxPieceSize, n-1)) {
		t.Fatalf("Get of the last key after deleting the others: got %d bytes, %v, want the value put", len(got), err)
	}
	if err := s.Delete(keys[n-1]); err != nil {
		t.Fatal(err)
	}
	if after := diskUsage(t, s.Dir()); after > 64<<20 {
		t.Errorf("disk usage after deleting every key: got %d bytes, want at most %d (was %d)", after, 64<<20, full)
	}
	if got := s.LiveBytes(); got != 0 {
		t.Errorf("LiveBytes after reclaim: got %d, want 0", got)
	}
	// The store works on afterwards.
	if err := s.Put([]byte("again"), testValue(2<<20, 7)); err != nil {
		t.Fatal(err)
	}
	if got, err := getCopy(s, []byte("again")); err != nil || !bytes.Equal(got, testValue(2<<20, 7)) {
		t.Errorf("Get after reclaim: got %d bytes, %v, want the value put", len(got), err)
	}
}

// TestBadgerReclaimConcurrent empties the store often while goroutines
// put, read and delete, so that reclaim runs between their operations:
// every value read must be the one put.
func TestBadgerReclaimConcurrent(t *testing.T) {
	s, err := spill.OpenBadger(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const goroutines, perG, size = 4, 24, 4 << 20 // 384 MiB in all
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perG; i++ {
				key := []byte(fmt.Sprintf("g%d-%d", g, i))
				want := testValue(size, byte(g*perG+i))
				if err := s.Put(key, want); err != nil {
					errs <- err
					return
				}
				got, err := getCopy(s, key)
				if err == nil && !bytes.Equal(got, want) {
					err = fmt.Errorf("%s: got %d bytes differing from the %d put", key, len(got), len(want))
				}
				if err == nil {
					err = s.Delete(key)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// At least one reclaim ran (the last Delete's, if none before): what is
	// left is what was put since, under one value-log file, plus badger's
	// own files.
	if after, limit := diskUsage(t, s.Dir()), int64(320<<20); after > limit {
		t.Errorf("disk usage after deleting every key: got %d bytes, want at most %d", after, limit)
	}
}

// TestBadgerFilesOwnerOnly: the store's files, those badger makes at Open
// and those it makes while values are put, are readable by the owner only.
func TestBadgerFilesOwnerOnly(t *testing.T) {
	st, err := spill.OpenBadger(t.TempDir())
	if err != nil {
		t.Fatalf("OpenBadger: got error %v, want nil", err)
	}
	defer st.Close()
	val := make([]byte, 1<<20)
	for i := range 40 { // past a memtable and the sweep interval
		if err := st.Put([]byte{'k', byte(i)}, val); err != nil {
			t.Fatalf("Put: got error %v, want nil", err)
		}
	}
	err = filepath.WalkDir(st.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s: mode %v, want no group or other permissions", p, perm)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", st.Dir(), err)
	}
}
