package spill_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dusk-go/dusk/spill"
)

// storeKind opens one kind of Store for a test; every behaviour test runs
// on each kind.
type storeKind struct {
	name string
	open func(t *testing.T) spill.Store
	// after checks what a closed store left behind (nil: nothing to check).
	after func(t *testing.T, s spill.Store)
}

func storeKinds() []storeKind {
	return []storeKind{
		{
			name: "mem",
			open: func(t *testing.T) spill.Store { return spill.NewMemStore() },
			after: func(t *testing.T, s spill.Store) {
				m := s.(*spill.MemStore)
				if m.Len() != 0 || m.Bytes() != 0 {
					t.Errorf("closed MemStore holds %d keys, %d bytes, want 0, 0", m.Len(), m.Bytes())
				}
			},
		},
		{
			name: "badger",
			open: func(t *testing.T) spill.Store {
				s, err := spill.OpenBadger(t.TempDir())
				if err != nil {
					t.Fatalf("OpenBadger: %v", err)
				}
				return s
			},
			after: func(t *testing.T, s spill.Store) {
				dir := s.(*spill.BadgerStore).Dir()
				if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("private directory %s after Close: stat error %v, want not-exist", dir, err)
				}
				parent := dir[:strings.LastIndexByte(dir, os.PathSeparator)]
				entries, err := os.ReadDir(parent)
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 0 {
					t.Errorf("spill directory %s after Close holds %d entries, want 0", parent, len(entries))
				}
			},
		},
	}
}

// forEachStore runs test on a fresh store of each kind and closes it
// afterwards.
func forEachStore(t *testing.T, test func(t *testing.T, s spill.Store)) {
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			s := k.open(t)
			defer func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			test(t, s)
		})
	}
}

// testValue returns n bytes that differ with seed and position, so that a
// value read from the wrong place or offset is caught.
func testValue(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31+i>>8) ^ seed
	}
	return b
}

// getCopy returns a copy of the value under key.
func getCopy(s spill.Store, key []byte) ([]byte, error) {
	var got []byte
	err := s.Get(key, func(v []byte) error {
		got = append([]byte{}, v...)
		return nil
	})
	return got, err
}

func TestStoreRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 1 << 10, 1<<20 + 1, spill.MaxPieceSize}
	forEachStore(t, func(t *testing.T, s spill.Store) {
		for i, n := range sizes {
			key := []byte(fmt.Sprintf("piece-%d", i))
			want := testValue(n, byte(i))
			buf := append([]byte{}, want...)
			if err := s.Put(key, buf); err != nil {
				t.Fatalf("Put(%d bytes): %v", n, err)
			}
			// The store must have copied the value: the caller reuses buf.
			for j := range buf {
				buf[j] = 0xAA
			}
		}
		for i, n := range sizes {
			key := []byte(fmt.Sprintf("piece-%d", i))
			got, err := getCopy(s, key)
			if err != nil {
				t.Fatalf("Get(%s): %v", key, err)
			}
			if !bytes.Equal(got, testValue(n, byte(i))) {
				t.Errorf("Get(%s): got %d bytes differing from the %d put", key, len(got), n)
			}
		}
	})
}

func TestStoreOverwrite(t *testing.T) {
	forEachStore(t, func(t *testing.T, s spill.Store) {
		key := []byte("k")
		for i, n := range []int{1 << 20, 10, 2 << 20} {
			if err := s.Put(key, testValue(n, byte(i))); err != nil {
				t.Fatal(err)
			}
			got, err := getCopy(s, key)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, testValue(n, byte(i))) {
				t.Errorf("after overwrite %d: got %d bytes, want the %d just put", i, len(got), n)
			}
		}
	})
}

func TestStoreMissingKey(t *testing.T) {
	forEachStore(t, func(t *testing.T, s spill.Store) {
		called := false
		err := s.Get([]byte("nope"), func([]byte) error { called = true; return nil })
		if !errors.Is(err, spill.ErrNotFound) {
			t.Fatalf("got %v, want an error wrapping ErrNotFound", err)
		}
		if !strings.Contains(err.Error(), `"nope"`) {
			t.Errorf("got %q, want it to name the key", err)
		}
		if called {
			t.Error("fn called for a missing key")
		}
		// A binary key is named in hex.
		err = s.Get([]byte{0, 1, 0xff}, func([]byte) error { return nil })
		if !errors.Is(err, spill.ErrNotFound) || !strings.Contains(err.Error(), "0x0001ff") {
			t.Errorf("got %v, want ErrNotFound naming 0x0001ff", err)
		}
	})
}

func TestStoreGetReturnsFnError(t *testing.T) {
	forEachStore(t, func(t *testing.T, s spill.Store) {
		if err := s.Put([]byte("k"), []byte("v")); err != nil {
			t.Fatal(err)
		}
		want := errors.New("checksum mismatch")
		if err := s.Get([]byte("k"), func([]byte) error { return want }); !errors.Is(err, want) {
			t.Errorf("got %v, want %v", err, want)
		}
	})
}

func TestStoreDelete(t *testing.T) {
	forEachStore(t, func(t *testing.T, s spill.Store) {
		keys := [][]byte{[]byte("a"), []byte("b"), []byte("c")}
		for i, k := range keys {
			if err := s.Put(k, testValue(100<<10, byte(i))); err != nil {
				t.Fatal(err)
			}
		}
		// Missing keys are not an error.
		if err := s.Delete(keys[0], []byte("missing"), keys[2]); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := s.Delete(); err != nil {
			t.Fatalf("Delete(): %v", err)
		}
		for _, k := range [][]byte{keys[0], keys[2]} {
			if _, err := getCopy(s, k); !errors.Is(err, spill.ErrNotFound) {
				t.Errorf("Get(%s) after Delete: got %v, want ErrNotFound", k, err)
			}
		}
		got, err := getCopy(s, keys[1])
		if err != nil || !bytes.Equal(got, testValue(100<<10, 1)) {
			t.Errorf("Get(b) after deleting a and c: got %d bytes, %v, want the value put", len(got), err)
		}
		// A deleted key can be put again.
		if err := s.Put(keys[0], []byte("again")); err != nil {
			t.Fatal(err)
		}
		if got, err := getCopy(s, keys[0]); err != nil || string(got) != "again" {
			t.Errorf("Get(a) after re-Put: got %q, %v, want \"again\"", got, err)
		}
	})
}

func TestStoreDeleteMany(t *testing.T) {
	// More keys than one badger transaction holds.
	const n = 50000
	forEachStore(t, func(t *testing.T, s spill.Store) {
		keys := make([][]byte, n)
		for i := range keys {
			keys[i] = []byte(fmt.Sprintf("key-%06d", i))
			if err := s.Put(keys[i], []byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Delete(keys...); err != nil {
			t.Fatalf("Delete(%d keys): %v", n, err)
		}
		for _, i := range []int{0, n / 2, n - 1} {
			if _, err := getCopy(s, keys[i]); !errors.Is(err, spill.ErrNotFound) {
				t.Errorf("Get(%s) after Delete: got %v, want ErrNotFound", keys[i], err)
			}
		}
	})
}

func TestStoreConcurrent(t *testing.T) {
	const goroutines, perG = 8, 20
	forEachStore(t, func(t *testing.T, s spill.Store) {
		var wg sync.WaitGroup
		errs := make(chan error, goroutines)
		for g := 0; g < goroutines; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perG; i++ {
					key := []byte(fmt.Sprintf("g%d-%d", g, i))
					want := testValue(64<<10+i*1000, byte(g*perG+i))
					if err := s.Put(key, want); err != nil {
						errs <- err
						return
					}
					// Read back this goroutine's values and another's.
					got, err := getCopy(s, key)
					if err != nil {
						errs <- err
						return
					}
					if !bytes.Equal(got, want) {
						errs <- fmt.Errorf("%s: got %d bytes, want the %d put", key, len(got), len(want))
						return
					}
					other := []byte(fmt.Sprintf("g%d-%d", (g+1)%goroutines, i))
					if err := s.Get(other, func([]byte) error { return nil }); err != nil && !errors.Is(err, spill.ErrNotFound) {
						errs <- err
						return
					}
					if i%2 == 1 {
						if err := s.Delete(key); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

func TestStoreClosed(t *testing.T) {
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			s := k.open(t)
			if err := s.Put([]byte("k"), testValue(2<<20, 1)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("second Close: got %v, want nil", err)
			}
			if err := s.Put([]byte("k"), []byte("v")); !errors.Is(err, spill.ErrClosed) {
				t.Errorf("Put after Close: got %v, want ErrClosed", err)
			}
			if err := s.Get([]byte("k"), func([]byte) error { return nil }); !errors.Is(err, spill.ErrClosed) {
				t.Errorf("Get after Close: got %v, want ErrClosed", err)
			}
			if err := s.Delete([]byte("k")); !errors.Is(err, spill.ErrClosed) {
				t.Errorf("Delete after Close: got %v, want ErrClosed", err)
			}
			k.after(t, s)
		})
	}
}

// TestStoreCloseWhileBusy closes a store while other goroutines use it:
// every operation either succeeds or returns ErrClosed, none panics.
func TestStoreCloseWhileBusy(t *testing.T) {
	for _, k := range storeKinds() {
		t.Run(k.name, func(t *testing.T) {
			s := k.open(t)
			var wg sync.WaitGroup
			errs := make(chan error, 4)
			for g := 0; g < 4; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						key := []byte(fmt.Sprintf("g%d-%d", g, i%4))
						err := s.Put(key, testValue(256<<10, byte(i)))
						if err == nil {
							err = s.Get(key, func([]byte) error { return nil })
						}
						if err == nil {
							err = s.Delete(key)
						}
						if errors.Is(err, spill.ErrClosed) {
							return
						}
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			if err := s.Put([]byte("x"), testValue(4<<20, 0)); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("got %v, want nil or ErrClosed", err)
			}
			k.after(t, s)
		})
	}
}
