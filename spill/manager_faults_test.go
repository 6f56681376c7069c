package spill_test

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/spilltest"
	"github.com/dusk-go/dusk/spill"
)

// TestStoreFull: a store that fails a write stops the manager; the next
// Begin and Put return the error, which names the value, and every value is
// still there or released cleanly.
func TestStoreFull(t *testing.T) {
	for _, end := range []string{"take", "release"} {
		t.Run(end, func(t *testing.T) {
			// The writes wait until all three values are in, so that the
			// failure cannot overtake a Put however the goroutines run.
			gate := newGatedStore()
			mem := gate.MemStore
			cfg := memStoreConfig(spilltest.FailAfter(gate, 3000))
			cfg.IOWorkers = 1 // the values are written in order: v0 fits, v1 does not
			m := newManager(t, cfg)
			var entries []*spill.Entry
			for i := range 3 {
				e, err := m.Put(label(fmt.Sprint("v", i)), floats(200, i), 1600) // two pieces each
				if err != nil {
					gate.open()
					t.Fatalf("Put(v%d): %v", i, err)
				}
				entries = append(entries, e)
			}
			gate.open()
			waitFor(t, "the write to fail", func() bool { return m.Err() != nil })
			check := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, spilltest.ErrDiskFull) || !strings.Contains(err.Error(), "v1") {
					t.Errorf("%s: got %v, want an error wrapping ErrDiskFull that names v1", what, err)
				}
			}
			check("Err", m.Err())
			var tk spill.Ticket
			check("Begin", m.Begin(hangContext(t), &tk, nil, true, 0))
			check("Begin with inputs", m.Begin(hangContext(t), &tk, entries[:1], false, 0))
			var rel atomic.Int32
			_, err := m.Put(label("v3"), &tracked{data: floats(10, 3), released: &rel}, 80)
			check("Put", err)
			if rel.Load() != 1 {
				t.Errorf("the refused value: got %d releases, want 1", rel.Load())
			}
			if s := m.Stats(); s.Spills != 1 || s.Spilled != 1600 || s.Resident != 3200 {
				t.Errorf("stats: spills %d, spilled %d, resident %d, want 1, 1600, 3200", s.Spills, s.Spilled, s.Resident)
			}
			for i, e := range entries {
				if end == "release" {
					m.Release(e)
					continue
				}
				v, err := m.Take(hangContext(t), e)
				if err != nil {
					t.Fatalf("Take(v%d): got %v, want the value", i, err)
				}
				if !rawEqual(v, floats(200, i)) {
					t.Errorf("Take(v%d): got a different value", i)
				}
			}
			if s := m.Stats(); s.Spilled != 0 || s.Resident != 0 {
				t.Errorf("after %s: spilled %d, resident %d, want 0, 0", end, s.Spilled, s.Resident)
			}
			// The failed write's pieces are deleted too.
			waitFor(t, "the store to be emptied", func() bool { return mem.Len() == 0 })
			if err := m.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
		})
	}
}

func TestCorruptReadBack(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	corrupt := spilltest.Corrupt(spill.NewMemStore())
	cfg := memStoreConfig(corrupt)
	cfg.Allocator = alloc
	m := newManager(t, cfg)

	rec := buildRecord(alloc, 50)
	want := buildRecord(alloc, 50)
	defer want.Release()
	recSize := spill.SizeOf(rec)
	er, err := m.Put(label("records/2"), rec, recSize)
	if err != nil {
		t.Fatal(err)
	}
	ef, err := m.Put(label("floats/9"), floats(500, 9), 4000)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "both values to spill", func() bool { return m.Stats().Spilled == recSize+4000 })

	ctx := hangContext(t)
	var tk spill.Ticket
	if err := m.Begin(ctx, &tk, []*spill.Entry{er, ef}, false, 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		e     *spill.Entry
		label string
	}{{er, "records/2"}, {ef, "floats/9"}} {
		v, err := m.Load(ctx, &tk, c.e)
		if !errors.Is(err, spill.ErrCorrupt) || !strings.Contains(err.Error(), c.label) {
			t.Errorf("Load(%s) of corrupted bytes: got %v, %v, want an error wrapping ErrCorrupt that names %s", c.label, v, err, c.label)
		}
	}
	m.Finish(&tk)
	if corrupt.Corrupted() == 0 {
		t.Fatal("the store corrupted nothing")
	}
	// The failed read-backs lost nothing: with clean reads the values
	// come back.
	corrupt.Enable(false)
	if err := m.Begin(ctx, &tk, []*spill.Entry{er, ef}, false, 0); err != nil {
		t.Fatal(err)
	}
	v, err := m.Load(ctx, &tk, er)
	if err != nil {
		t.Fatalf("Load(records/2) after corruption ended: %v", err)
	}
	if !array.RecordEqual(v.(arrow.Record), want) {
		t.Errorf("records/2: got a different record")
	}
	v, err = m.Load(ctx, &tk, ef)
	if err != nil || !rawEqual(v, floats(500, 9)) {
		t.Errorf("Load(floats/9) after corruption ended: got %v, want the value", err)
	}
	m.Finish(&tk)
	m.Release(er)
	m.Release(ef)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestStoreOpenFails: the store is opened by the first spill, on an I/O
// goroutine; its error stops the manager and is what Begin and Put return.
func TestStoreOpenFails(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	openErr := fmt.Errorf("open spill store in /mnt/scratch: %w", fs.ErrPermission)
	tests := []struct {
		name     string
		cfg      spill.Config
		wantIs   error
		wantText string
	}{
		{"store func", spill.Config{Store: func() (spill.Store, error) { return nil, openErr }}, fs.ErrPermission, "/mnt/scratch"},
		{"nil store", spill.Config{Store: func() (spill.Store, error) { return nil, nil }}, nil, "no store"},
		{"missing dir", spill.Config{Dir: missing}, fs.ErrNotExist, missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Limit, cfg.SpillAt, cfg.PauseAt = 1<<20, 1e-6, 1
			m := newManager(t, cfg)
			e, err := m.Put(label("part/0"), floats(100, 0), 800)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the spill to fail", func() bool { return m.Err() != nil })
			var tk spill.Ticket
			for what, err := range map[string]error{
				"Err":   m.Err(),
				"Begin": m.Begin(hangContext(t), &tk, nil, true, 0),
			} {
				if tt.wantIs != nil && !errors.Is(err, tt.wantIs) || !strings.Contains(fmt.Sprint(err), tt.wantText) {
					t.Errorf("%s: got %v, want an error wrapping %v that contains %q", what, err, tt.wantIs, tt.wantText)
				}
			}
			_, err = m.Put(label("part/1"), floats(1, 1), 8)
			if !strings.Contains(fmt.Sprint(err), tt.wantText) {
				t.Errorf("Put: got %v, want an error containing %q", err, tt.wantText)
			}
			// The value was not lost.
			v, err := m.Take(hangContext(t), e)
			if err != nil || !rawEqual(v, floats(100, 0)) {
				t.Errorf("Take: got %v, want the value", err)
			}
			if err := m.Close(); err != nil {
				t.Errorf("Close: got %v, want nil (no store was opened)", err)
			}
		})
	}
}

// faultyGets is a store whose Gets hand back a piece cut short, a piece
// with a byte too many, or nothing (a lost key), while fault is set.
type faultyGets struct {
	spill.Store
	fault atomic.Value // string: "", "short", "long" or "lost"
}

func (f *faultyGets) Get(key []byte, fn func([]byte) error) error {
	fault, _ := f.fault.Load().(string)
	if fault == "lost" {
		return fmt.Errorf("faulty store: get %x: %w", key, spill.ErrNotFound)
	}
	return f.Store.Get(key, func(v []byte) error {
		switch fault {
		case "short":
			v = v[:len(v)-1]
		case "long":
			v = append(append([]byte{}, v...), 0)
		}
		return fn(v)
	})
}

// TestBadPieces: pieces of the wrong length, or missing, give an error
// that names the value (never a panic or a wrong value), and a later
// clean read-back succeeds.
func TestBadPieces(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	store := &faultyGets{Store: spill.NewMemStore()}
	cfg := memStoreConfig(store)
	cfg.Allocator = alloc
	cfg.Compression = spill.ZSTD
	m := newManager(t, cfg)
	rec := buildRecord(alloc, 60)
	want := buildRecord(alloc, 60)
	defer want.Release()
	recSize := spill.SizeOf(rec)
	er, err := m.Put(label("rec"), rec, recSize)
	if err != nil {
		t.Fatal(err)
	}
	ef, err := m.Put(label("floats"), floats(300, 5), 2400)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := m.Put(label("bools"), []bool{true, false, true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the values to spill", func() bool { return m.Stats().Spilled == recSize+2400+3 })
	ctx := hangContext(t)
	entries := []*spill.Entry{er, ef, eb}
	for _, fault := range []string{"short", "long", "lost"} {
		store.fault.Store(fault)
		var tk spill.Ticket
		if err := m.Begin(ctx, &tk, entries, false, 0); err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			v, err := m.Load(ctx, &tk, e)
			want := spill.ErrCorrupt
			if fault == "lost" {
				want = spill.ErrNotFound
			}
			if !errors.Is(err, want) || !strings.Contains(fmt.Sprint(err), "result of ") {
				t.Errorf("%s piece: Load: got %v, %v, want an error wrapping %v that names the value", fault, v, err, want)
			}
		}
		m.Finish(&tk)
	}
	store.fault.Store("")
	var tk spill.Ticket
	if err := m.Begin(ctx, &tk, entries, false, 0); err != nil {
		t.Fatal(err)
	}
	v, err := m.Load(ctx, &tk, er)
	if err != nil || !array.RecordEqual(v.(arrow.Record), want) {
		t.Errorf("clean Load(rec): got %v, want the record", err)
	}
	if v, err := m.Load(ctx, &tk, ef); err != nil || !rawEqual(v, floats(300, 5)) {
		t.Errorf("clean Load(floats): got %v, want the value", err)
	}
	if v, err := m.Load(ctx, &tk, eb); err != nil || !rawEqual(v, []bool{true, false, true}) {
		t.Errorf("clean Load(bools): got %v, %v, want the value", v, err)
	}
	m.Finish(&tk)
	for _, e := range entries {
		m.Release(e)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}
