package spilltest_test

import (
	"bytes"
	"errors"
	"syscall"
	"testing"

	"github.com/dusk-go/dusk/internal/spilltest"
	"github.com/dusk-go/dusk/spill"
)

// stored returns a copy of the value under key in s.
func stored(t *testing.T, s spill.Store, key string) []byte {
	t.Helper()
	var got []byte
	if err := s.Get([]byte(key), func(v []byte) error {
		got = append([]byte{}, v...)
		return nil
	}); err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	return got
}

func TestFailAfter(t *testing.T) {
	mem := spill.NewMemStore()
	f := spilltest.FailAfter(mem, 100)
	defer f.Close()
	steps := []struct {
		key     string
		size    int
		wantErr bool
	}{
		{"a", 60, false},
		{"b", 40, false}, // exactly 100: still fits
		{"c", 1, true},   // 101
		{"d", 0, false},  // nothing to write
		{"e", 50, true},
	}
	for _, st := range steps {
		err := f.Put([]byte(st.key), make([]byte, st.size))
		if st.wantErr {
			if !errors.Is(err, spilltest.ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) {
				t.Errorf("Put(%s, %d bytes): got %v, want an error wrapping ErrDiskFull and ENOSPC", st.key, st.size, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Put(%s, %d bytes): got %v, want nil", st.key, st.size, err)
		}
	}
	if got, want := f.Written(), int64(100); got != want {
		t.Errorf("Written: got %d, want %d", got, want)
	}
	// Failed Puts wrote nothing underneath.
	if got, want := mem.Len(), 3; got != want {
		t.Errorf("keys in the wrapped store: got %d, want %d", got, want)
	}
	if got := stored(t, f, "a"); len(got) != 60 {
		t.Errorf("Get through the wrapper: got %d bytes, want 60", len(got))
	}
	if err := f.Delete([]byte("a")); err != nil || mem.Len() != 2 {
		t.Errorf("Delete through the wrapper: got %v and %d keys left, want nil and 2", err, mem.Len())
	}
}

func TestCorrupting(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) spill.Store
	}{
		{"mem", func(t *testing.T) spill.Store { return spill.NewMemStore() }},
		{"badger", func(t *testing.T) spill.Store {
			s, err := spill.OpenBadger(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testCorrupting(t, st.open(t)) })
	}
}

func testCorrupting(t *testing.T, under spill.Store) {
	c := spilltest.Corrupt(under)
	defer c.Close()
	// Large enough for badger's value log (memory-mapped, read-only).
	want := bytes.Repeat([]byte("0123456789"), 100<<10)
	if err := c.Put([]byte("k"), want); err != nil {
		t.Fatal(err)
	}
	if err := c.Put([]byte("empty"), nil); err != nil {
		t.Fatal(err)
	}

	c.Enable(false)
	if got := stored(t, c, "k"); !bytes.Equal(got, want) {
		t.Errorf("Get with corruption off: got a value differing from the one put")
	}

	c.Enable(true)
	got := stored(t, c, "k")
	bad := append([]byte{}, want...)
	bad[len(bad)/2] ^= 0xff
	if !bytes.Equal(got, bad) {
		t.Errorf("Get with corruption on: got a value differing from the stored one with its middle byte flipped")
	}
	if got := stored(t, under, "k"); !bytes.Equal(got, want) {
		t.Errorf("stored bytes after a corrupted Get differ from those put")
	}
	if got := stored(t, c, "empty"); len(got) != 0 {
		t.Errorf("Get of an empty value: got %q, want empty", got)
	}
	if got := c.Corrupted(); got != 1 {
		t.Errorf("Corrupted: got %d, want 1", got)
	}
	if err := c.Get([]byte("missing"), func([]byte) error { return nil }); !errors.Is(err, spill.ErrNotFound) {
		t.Errorf("Get of a missing key: got %v, want ErrNotFound", err)
	}
}

func TestCounting(t *testing.T) {
	c := spilltest.Count(spill.NewMemStore())
	for _, n := range []int{10, 20} {
		if err := c.Put([]byte{byte(n)}, make([]byte, n)); err != nil {
			t.Fatal(err)
		}
	}
	stored(t, c, "\x0a")
	_ = c.Get([]byte("missing"), func([]byte) error { return nil })
	if err := c.Delete([]byte{10}, []byte{20}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_ = c.Put([]byte("after"), []byte("close")) // fails: not counted
	for _, x := range []struct {
		name      string
		got, want int64
	}{
		{"Puts", c.Puts.Load(), 2},
		{"PutBytes", c.PutBytes.Load(), 30},
		{"Gets", c.Gets.Load(), 1},
		{"GetBytes", c.GetBytes.Load(), 10},
		{"Deletes", c.Deletes.Load(), 2},
		{"Closes", c.Closes.Load(), 1},
	} {
		if x.got != x.want {
			t.Errorf("%s: got %d, want %d", x.name, x.got, x.want)
		}
	}
}
