package spill_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/spilltest"
	"github.com/dusk-go/dusk/spill"
)

// label names a value, as a task key does.
type label string

func (l label) String() string { return string(l) }

// hangTimeout bounds every wait of these tests: reaching it means the
// manager hung, and the test fails instead of hanging. It is not a timing
// assertion.
const hangTimeout = 20 * time.Second

// newManager returns a manager that the test's cleanup closes (Close is
// idempotent, so tests may close it earlier).
func newManager(t *testing.T, cfg spill.Config) *spill.Manager {
	t.Helper()
	m, err := spill.NewManager(cfg)
	if err != nil {
		t.Fatalf("NewManager: got error %v, want nil", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// memStoreConfig returns a configuration that spills everything with a
// codec (the spill threshold is one byte) into a MemStore.
func memStoreConfig(mem spill.Store) spill.Config {
	return spill.Config{
		Limit:     1 << 20,
		SpillAt:   1e-6,
		PauseAt:   1,
		PieceSize: 1 << 10,
		Store:     func() (spill.Store, error) { return mem, nil },
	}
}

// waitFor polls cond until it holds, failing the test after hangTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", hangTimeout, what)
		}
		time.Sleep(time.Millisecond)
	}
}

// hangContext returns a context that ends after hangTimeout.
func hangContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), hangTimeout)
	t.Cleanup(cancel)
	return ctx
}

// floats returns n float64 values that depend on seed.
func floats(n, seed int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(seed)*1e3 + float64(i)*0.5
	}
	return s
}

// tracked is a value that counts its releases. It has a codec (see
// trackedCodec) unless noCodec is set.
type tracked struct {
	data     []float64
	noCodec  bool
	released *atomic.Int32
}

func (v *tracked) Release()         { v.released.Add(1) }
func (v *tracked) SizeBytes() int64 { return int64(8 * len(v.data)) }
func (v *tracked) SpillCodec() spill.Codec {
	if v.noCodec {
		return nil
	}
	return trackedCodec{v.released}
}

// trackedCodec is the own codec of *tracked: a Spillable type.
type trackedCodec struct{ released *atomic.Int32 }

func (trackedCodec) Name() string { return "tracked" }
func (trackedCodec) Accepts(v any) bool {
	_, ok := v.(*tracked)
	return ok
}
func (trackedCodec) Encode(w io.Writer, v any) error {
	return binary.Write(w, binary.LittleEndian, v.(*tracked).data)
}
func (c trackedCodec) Decode(r io.Reader, size int64, _ memory.Allocator) (any, error) {
	v := &tracked{data: make([]float64, size/8), released: c.released}
	if err := binary.Read(r, binary.LittleEndian, v.data); err != nil {
		return nil, err
	}
	return v, nil
}

// blob is a Sizer with no codec: it is accounted but never spilled.
type blob struct {
	n        int64
	released *atomic.Int32
}

func (b *blob) SizeBytes() int64 { return b.n }
func (b *blob) Release()         { b.released.Add(1) }

// labels is a type that only Config.Codecs knows.
type labels []string

type labelsCodec struct{}

func (labelsCodec) Name() string { return "labels" }
func (labelsCodec) Accepts(v any) bool {
	_, ok := v.(labels)
	return ok
}
func (labelsCodec) Encode(w io.Writer, v any) error {
	_, err := io.WriteString(w, strings.Join(v.(labels), "\n"))
	return err
}
func (labelsCodec) Decode(r io.Reader, size int64, _ memory.Allocator) (any, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != size {
		return nil, fmt.Errorf("labels: read %d bytes, want %d", len(b), size)
	}
	return labels(strings.Split(string(b), "\n")), nil
}

// gatedStore is a MemStore whose Puts wait until the gate is opened, so
// that a test can hold a write in flight.
type gatedStore struct {
	*spill.MemStore
	gate    chan struct{}
	waiting atomic.Int32
}

func newGatedStore() *gatedStore {
	return &gatedStore{MemStore: spill.NewMemStore(), gate: make(chan struct{})}
}

func (g *gatedStore) Put(key, value []byte) error {
	g.waiting.Add(1)
	<-g.gate
	g.waiting.Add(-1)
	return g.MemStore.Put(key, value)
}

func (g *gatedStore) open() { close(g.gate) }

func TestNewManagerConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     spill.Config
		wantErr error // nil: valid
	}{
		{"zero", spill.Config{}, nil},
		{"limit", spill.Config{Limit: 1000}, nil},
		{"negative limit", spill.Config{Limit: -1}, spill.ErrBadLimit},
		{"spill above pause", spill.Config{Limit: 1000, SpillAt: 0.9, PauseAt: 0.5}, spill.ErrBadLimit},
		{"pause above 1", spill.Config{Limit: 1000, PauseAt: 1.5}, spill.ErrBadLimit},
		{"negative spill", spill.Config{Limit: 1000, SpillAt: -0.1}, spill.ErrBadLimit},
		{"spill alone above default pause", spill.Config{Limit: 1000, SpillAt: 0.9}, nil},
		{"pause alone below default spill", spill.Config{Limit: 1000, PauseAt: 0.5}, nil},
		{"piece too large", spill.Config{Limit: 1000, PieceSize: spill.MaxPieceSize + 1}, errAny},
		{"negative piece", spill.Config{Limit: 1000, PieceSize: -1}, errAny},
		{"nil codec", spill.Config{Limit: 1000, Codecs: []spill.Codec{nil}}, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := spill.NewManager(tt.cfg)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("got error %v, want nil", err)
			case tt.wantErr == nil:
				defer m.Close()
				if tt.cfg.Limit > 0 && m.Limit() != tt.cfg.Limit {
					t.Errorf("Limit: got %d, want %d", m.Limit(), tt.cfg.Limit)
				}
				if m.Limit() <= 0 {
					t.Errorf("Limit: got %d, want > 0", m.Limit())
				}
			case err == nil:
				m.Close()
				t.Fatalf("got no error, want one")
			case tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("got %v, want an error wrapping %v", err, tt.wantErr)
			}
		})
	}
}

var errAny = errors.New("any error")

// TestNoCodecStaysResident: a value no codec takes is counted and kept in
// memory while the others spill; a Spillable value spills with its own
// codec, and a type of Config.Codecs with that one.
func TestNoCodecStaysResident(t *testing.T) {
	mem := spill.NewMemStore()
	cfg := memStoreConfig(mem)
	cfg.Codecs = []spill.Codec{labelsCodec{}}
	m := newManager(t, cfg)
	var blobRel, trackRel, noCodecRel atomic.Int32

	b, err := m.Put(label("blob"), &blob{n: 5000, released: &blobRel}, 5000)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := m.Put(label("nocodec"), &tracked{data: floats(10, 1), noCodec: true, released: &noCodecRel}, 80)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Put(label("tracked"), &tracked{data: floats(300, 2), released: &trackRel}, 2400)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := m.Put(label("labels"), labels{"a", "bb", "ccc"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the values with a codec to spill", func() bool { return m.Stats().Spilled == 2500 })
	if s := m.Stats(); s.Resident != 5080 || s.Spills != 2 {
		t.Fatalf("resident %d, spills %d: want 5080 (the values with no codec), 2", s.Resident, s.Spills)
	}
	// The tracked value was released when it was spilled.
	if n := trackRel.Load(); n != 1 {
		t.Fatalf("releases of the spilled tracked value: got %d, want 1", n)
	}

	ctx := hangContext(t)
	var tk spill.Ticket
	if err := m.Begin(ctx, &tk, []*spill.Entry{b, nc, tr, lb}, false, 0); err != nil {
		t.Fatal(err)
	}
	for _, e := range []*spill.Entry{b, nc, tr, lb} {
		if _, err := m.Load(ctx, &tk, e); err != nil {
			t.Fatalf("Load: %v", err)
		}
	}
	v, _ := m.Load(ctx, &tk, tr)
	if got := v.(*tracked).data; !rawEqual(got, floats(300, 2)) {
		t.Errorf("tracked read back: got %v..., want %v...", got[:3], floats(3, 2))
	}
	v, _ = m.Load(ctx, &tk, lb)
	if got := strings.Join(v.(labels), ","); got != "a,bb,ccc" {
		t.Errorf("labels read back: got %q, want %q", got, "a,bb,ccc")
	}
	m.Finish(&tk)
	for _, e := range []*spill.Entry{b, nc, tr, lb} {
		m.Release(e)
	}
	if s := m.Stats(); s.Resident != 0 || s.Spilled != 0 || s.ReadBacks != 2 {
		t.Errorf("after Release: resident %d, spilled %d, read-backs %d, want 0, 0, 2", s.Resident, s.Spilled, s.ReadBacks)
	}
	if blobRel.Load() != 1 || noCodecRel.Load() != 1 || trackRel.Load() != 2 {
		t.Errorf("releases: blob %d, no codec %d, tracked %d, want 1, 1, 2 (the original and the read-back)",
			blobRel.Load(), noCodecRel.Load(), trackRel.Load())
	}
	// The I/O goroutines delete the keys of released values.
	waitFor(t, "the store to be emptied", func() bool { return mem.Len() == 0 })
}

func TestPutTooLarge(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	m := newManager(t, spill.Config{Limit: 4096, Store: func() (spill.Store, error) { return spill.NewMemStore(), nil }})
	var rel atomic.Int32
	rec := buildRecord(alloc, 200)
	size := spill.SizeOf(rec)
	if size <= 4096 {
		t.Fatalf("test record: %d bytes, want more than the limit", size)
	}
	for _, tc := range []struct {
		label string
		v     any
		size  int64
	}{
		{"scan/3", &tracked{data: floats(1000, 0), released: &rel}, 8000},
		{"frame/7", rec, size},
		{"one-byte-over", &blob{n: 4097, released: &rel}, 4097},
	} {
		e, err := m.Put(label(tc.label), tc.v, tc.size)
		var tle *spill.TooLargeError
		if !errors.As(err, &tle) {
			t.Fatalf("Put(%s, %d bytes): got %v, %v, want a *TooLargeError", tc.label, tc.size, e, err)
		}
		if tle.Label != tc.label || tle.Size != tc.size || tle.Limit != 4096 {
			t.Errorf("TooLargeError: got %+v, want label %s, size %d, limit 4096", *tle, tc.label, tc.size)
		}
		msg := err.Error()
		for _, want := range []string{tc.label, spill.FormatBytes(tc.size), spill.FormatBytes(4096)} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q: want it to contain %q", msg, want)
			}
		}
	}
	if n := rel.Load(); n != 2 {
		t.Errorf("releases of the refused values: got %d, want 2", n)
	}
	// Exactly the limit fits.
	e, err := m.Put(label("exact"), &blob{n: 4096, released: &rel}, 4096)
	if err != nil {
		t.Fatalf("Put of exactly the limit: got %v, want nil", err)
	}
	m.Release(e)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestTake: Take hands over a value, spilled, resident or being written;
// the caller owns it and the manager forgets it.
func TestTake(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	g := newGatedStore()
	cfg := memStoreConfig(g)
	cfg.Allocator = alloc
	cfg.IOWorkers = 1
	m := newManager(t, cfg)
	want := buildRecord(alloc, 30)
	defer want.Release()

	put := func(name string) *spill.Entry {
		rec := buildRecord(alloc, 30)
		e, err := m.Put(label(name), rec, spill.SizeOf(rec))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	ctx := hangContext(t)
	take := func(name string, e *spill.Entry) {
		v, err := m.Take(ctx, e)
		if err != nil {
			t.Errorf("Take(%s): %v", name, err)
			return
		}
		rec := v.(arrow.Record)
		if !array.RecordEqual(rec, want) {
			t.Errorf("Take(%s): got a different record", name)
		}
		rec.Release()
		m.Release(e) // the manager forgot e: this is a no-op
	}

	// Being written: the first write waits at the gate, and Take must
	// wait for it before the caller may release the value.
	writing := put("writing")
	waitFor(t, "the write to start", func() bool { return g.waiting.Load() == 1 })
	done := make(chan struct{})
	go func() { defer close(done); take("writing", writing) }()
	time.Sleep(10 * time.Millisecond) // let Take reach the wait; correctness does not depend on it
	g.open()
	<-done

	spilled := put("spilled")
	size := spill.SizeOf(want)
	waitFor(t, "the value to spill", func() bool { return m.Stats().Spilled == size })
	take("spilled", spilled)

	s := m.Stats()
	if s.Resident != 0 || s.Spilled != 0 || s.ReadBacks != 1 {
		t.Errorf("after Take: resident %d, spilled %d, read-backs %d, want 0, 0, 1", s.Resident, s.Spilled, s.ReadBacks)
	}
	waitFor(t, "the store to be emptied", func() bool { return g.Len() == 0 })
	// The manager holds none of the allocator's memory now: only want is
	// left.
	wantAlloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	w2 := buildRecord(wantAlloc, 30)
	if n, w := alloc.CurrentAlloc(), wantAlloc.CurrentAlloc(); n != w {
		t.Errorf("allocated after Take: got %d bytes, want %d (the test's own record)", n, w)
	}
	w2.Release()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestOnStats: the figures reported grow as values are spilled, and the
// last one reported is the final one.
func TestOnStats(t *testing.T) {
	var mu sync.Mutex
	var seen []spill.Stats
	cfg := memStoreConfig(spill.NewMemStore())
	cfg.IOWorkers = 4
	cfg.OnStats = func(s spill.Stats) {
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
	}
	m := newManager(t, cfg)
	var entries []*spill.Entry
	var total int64
	for i := range 200 {
		n := 10 + i%50
		e, err := m.Put(label(fmt.Sprint("s", i)), floats(n, i), int64(8*n))
		if err != nil {
			t.Fatal(err)
		}
		total += int64(8 * n)
		entries = append(entries, e)
	}
	waitFor(t, "everything to spill", func() bool { return m.Stats().Spilled == total })
	for _, e := range entries {
		m.Release(e)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("OnStats was never called")
	}
	for i := 1; i < len(seen); i++ {
		if seen[i].SpilledTotal < seen[i-1].SpilledTotal || seen[i].Spills < seen[i-1].Spills {
			t.Fatalf("report %d: spilled total %d after %d (spills %d after %d), want figures that do not go back",
				i, seen[i].SpilledTotal, seen[i-1].SpilledTotal, seen[i].Spills, seen[i-1].Spills)
		}
	}
	if last := seen[len(seen)-1]; last.SpilledTotal != total || last.Spills != 200 || last.Limit != 1<<20 {
		t.Errorf("last report: spilled total %d, spills %d, limit %d, want %d, 200, %d", last.SpilledTotal, last.Spills, last.Limit, total, 1<<20)
	}
}

// TestClose: Close releases what the manager holds, in memory or spilled,
// is idempotent, and afterwards the manager refuses work.
func TestClose(t *testing.T) {
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	for _, store := range []string{"mem", "badger"} {
		t.Run(store, func(t *testing.T) {
			dir := t.TempDir()
			var mem *spill.MemStore
			cfg := spill.Config{
				Limit: 20000, SpillAt: 0.1, PauseAt: 0.5, PieceSize: 512,
				Allocator: alloc, Compression: spill.LZ4,
			}
			if store == "mem" {
				mem = spill.NewMemStore()
				cfg.Store = func() (spill.Store, error) { return mem, nil }
			} else {
				cfg.Dir = dir
			}
			m := newManager(t, cfg)
			var rel atomic.Int32
			var entries []*spill.Entry
			put := func(name string, v any, size int64) {
				e, err := m.Put(label(name), v, size)
				if err != nil {
					t.Fatal(err)
				}
				entries = append(entries, e)
			}
			for i := range 5 {
				rec := buildRecord(alloc, 20)
				put(fmt.Sprint("rec", i), rec, spill.SizeOf(rec))
				put(fmt.Sprint("tracked", i), &tracked{data: floats(100, i), released: &rel}, 800)
			}
			put("blob", &blob{n: 100, released: &rel}, 100)
			waitFor(t, "some values to spill", func() bool { s := m.Stats(); return s.Spills > 0 && s.Resident <= 2000 })
			// A task holds one value in memory, read back if it was spilled.
			var tk spill.Ticket
			if err := m.Begin(hangContext(t), &tk, entries[:1], false, 0); err != nil {
				t.Fatal(err)
			}
			if _, err := m.Load(hangContext(t), &tk, entries[0]); err != nil {
				t.Fatal(err)
			}
			m.Finish(&tk)
			for range 2 {
				if err := m.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
			}
			if s := m.Stats(); s.Resident != 0 || s.Spilled != 0 {
				t.Errorf("after Close: resident %d, spilled %d, want 0, 0", s.Resident, s.Spilled)
			}
			if n := alloc.CurrentAlloc(); n != 0 {
				t.Errorf("allocated after Close: got %d bytes, want 0", n)
			}
			// Every tracked value in memory was released once: the originals
			// not spilled; the spilled ones were released when spilled.
			if n := rel.Load(); n != 6 {
				t.Errorf("releases: got %d, want 6 (5 tracked values and the blob)", n)
			}
			if _, err := m.Put(label("late"), &blob{n: 1, released: &rel}, 1); !errors.Is(err, spill.ErrClosed) {
				t.Errorf("Put after Close: got %v, want ErrClosed", err)
			}
			if n := rel.Load(); n != 7 {
				t.Errorf("the value refused after Close: got %d releases in all, want 7", n)
			}
			if err := m.Begin(hangContext(t), &tk, nil, true, 0); !errors.Is(err, spill.ErrClosed) {
				t.Errorf("Begin after Close: got %v, want ErrClosed", err)
			}
			if mem != nil && mem.Len() != 0 {
				t.Errorf("store after Close: %d keys, want 0", mem.Len())
			}
			spilltest.AssertEmptyDir(t, dir)
		})
	}
}

// TestReleaseWhileWriting: a value released while an I/O goroutine writes
// it is released once, when the write ends, and its pieces are deleted.
func TestReleaseWhileWriting(t *testing.T) {
	g := newGatedStore()
	cfg := memStoreConfig(g)
	cfg.IOWorkers = 1
	m := newManager(t, cfg)
	var rel atomic.Int32
	e, err := m.Put(label("w"), &tracked{data: floats(500, 1), released: &rel}, 4000)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the write to start", func() bool { return g.waiting.Load() == 1 })
	m.Release(e)
	if n := rel.Load(); n != 0 {
		t.Fatalf("releases while the encoder may still read the value: got %d, want 0", n)
	}
	g.open()
	waitFor(t, "the write to end", func() bool { return m.Stats().Resident == 0 })
	waitFor(t, "the store to be emptied", func() bool { return g.Len() == 0 })
	if n := rel.Load(); n != 1 {
		t.Errorf("releases after the write: got %d, want 1", n)
	}
	if s := m.Stats(); s.Spilled != 0 || s.Spills != 0 {
		t.Errorf("spilled %d, spills %d: want 0, 0 (the value was gone before it was written)", s.Spilled, s.Spills)
	}
}

// TestCloseDuringWrite: Close waits for the write in flight, then
// releases the value once.
func TestCloseDuringWrite(t *testing.T) {
	g := newGatedStore()
	cfg := memStoreConfig(g)
	cfg.IOWorkers = 1
	m := newManager(t, cfg)
	var rel atomic.Int32
	if _, err := m.Put(label("w"), &tracked{data: floats(500, 1), released: &rel}, 4000); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the write to start", func() bool { return g.waiting.Load() == 1 })
	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()
	g.open()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(hangTimeout):
		t.Fatal("Close did not return once the write ended")
	}
	if n := rel.Load(); n != 1 {
		t.Errorf("releases: got %d, want 1", n)
	}
	if s := m.Stats(); s.Resident != 0 || s.Spilled != 0 {
		t.Errorf("after Close: resident %d, spilled %d, want 0, 0", s.Resident, s.Spilled)
	}
}

// panickyCodec panics in Accepts, as a faulty user codec may.
type panickyCodec struct{ labelsCodec }

func (panickyCodec) Accepts(any) bool { panic("accepts broke") }

// TestPutCodecPanics: a user codec that panics while the manager looks for
// a value's codec gives an error from Put naming the value, and the value
// is released, instead of a crash of the worker.
func TestPutCodecPanics(t *testing.T) {
	m, err := spill.NewManager(spill.Config{Limit: 1 << 20, Codecs: []spill.Codec{panickyCodec{}},
		Store: func() (spill.Store, error) { return spill.NewMemStore(), nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var released atomic.Int32
	v := &releaseCounter{n: &released}
	_, err = m.Put(label("odd"), v, 100)
	if err == nil || !strings.Contains(err.Error(), "accepts broke") || !strings.Contains(err.Error(), "odd") {
		t.Fatalf("Put: got error %v, want one naming the panic and the value", err)
	}
	if got := released.Load(); got != 1 {
		t.Fatalf("releases of the value: got %d, want 1", got)
	}
}

type releaseCounter struct{ n *atomic.Int32 }

func (r *releaseCounter) Release() { r.n.Add(1) }
