package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/spilltest"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

// This file tests computations under a memory limit: intermediates many
// times the limit, Arrow records from a checked allocator, and the faults
// of the spill store.

// wideGraph describes a computation whose intermediates are many times a
// small memory limit: parts producers (ReadsInput) make partitions of n
// float64 values, a map stage rewrites each one, a pairing stage combines
// partition i with partition (i+parts/2)%parts (so that values are held
// across the order, in every worker), and a tree reduction sums everything.
type wideGraph struct {
	parts, n int
	// mk and combine make and combine partitions; values are []float64
	// or arrow.Record depending on the test.
	mk      func(i int) (any, error)
	mapf    func(v any, i int) (any, error)
	combine func(a, b any) (any, error)
	total   func(v any) (float64, error)
}

func (w *wideGraph) build(t testing.TB) *graph.Graph {
	t.Helper()
	b := graph.NewBuilder(4 * w.parts)
	src := make([]graph.ID, w.parts)
	for i := range w.parts {
		p := b.Add(graph.K("make", i), func(context.Context, []any) (any, error) { return w.mk(i) },
			graph.Hints{Op: "make", ReadsInput: true})
		src[i] = b.Add(graph.K("map", i), func(_ context.Context, in []any) (any, error) { return w.mapf(in[0], i) },
			graph.Hints{Op: "map"}, p)
	}
	var level []graph.ID
	for i := range w.parts {
		level = append(level, b.Add(graph.K("pair", i), func(_ context.Context, in []any) (any, error) {
			return w.combine(in[0], in[1])
		}, graph.Hints{Op: "pair"}, src[i], src[w.parts-1-i]))
	}
	sums := make([]graph.ID, len(level))
	for i, id := range level {
		sums[i] = b.Add(graph.K("sum", i), func(_ context.Context, in []any) (any, error) { return w.total(in[0]) },
			graph.Hints{Op: "sum"}, id)
	}
	b.Add(graph.Single("total"), func(_ context.Context, in []any) (any, error) {
		s := 0.0
		for _, v := range in {
			s += v.(float64)
		}
		return s, nil
	}, graph.Hints{Op: "total"}, sums...)
	g, err := b.Build()
	if err != nil {
		t.Fatalf("Build: got error %v, want nil", err)
	}
	// Fused but not ordered: every producer runs before the pairs (the
	// builder's order), so memory fills up and must spill; the Order pass
	// would interleave them and keep memory low.
	g, err = graph.Fuse(g)
	if err != nil {
		t.Fatalf("Fuse: got error %v, want nil", err)
	}
	return g
}

// floatWide returns a wideGraph over []float64 partitions.
func floatWide(parts, n int) *wideGraph {
	return &wideGraph{
		parts: parts, n: n,
		mk: func(i int) (any, error) {
			s := make([]float64, n)
			for j := range s {
				s[j] = float64(i*n+j) * 0.5
			}
			return s, nil
		},
		mapf: func(v any, i int) (any, error) {
			in := v.([]float64)
			out := make([]float64, len(in))
			for j, x := range in {
				out[j] = 2*x + float64(i)
			}
			return out, nil
		},
		combine: func(a, b any) (any, error) {
			x, y := a.([]float64), b.([]float64)
			out := make([]float64, len(x))
			for j := range x {
				out[j] = x[j] - 0.25*y[j]
			}
			return out, nil
		},
		total: func(v any) (float64, error) {
			s := 0.0
			for _, x := range v.([]float64) {
				s += x
			}
			return s, nil
		},
	}
}

// memRecorder is an observer that keeps the memory figures of runs.
type memRecorder struct {
	scheduler.NopObserver
	mu      sync.Mutex
	events  int
	summary scheduler.RunSummary
}

func (r *memRecorder) Memory(scheduler.MemoryEvent) {
	r.mu.Lock()
	r.events++
	r.mu.Unlock()
}

func (r *memRecorder) RunFinished(s scheduler.RunSummary) {
	r.mu.Lock()
	r.summary = s
	r.mu.Unlock()
}

// spillStores returns the stores the limit tests run over: in memory, and
// badger in a fresh directory that must be empty after the run.
func spillStores(t *testing.T) []struct {
	name string
	opt  func(t *testing.T, cfg spill.Config) scheduler.Option
	dir  func() string
} {
	var dir string
	return []struct {
		name string
		opt  func(t *testing.T, cfg spill.Config) scheduler.Option
		dir  func() string
	}{
		{"memstore", func(t *testing.T, cfg spill.Config) scheduler.Option {
			cfg.Store = func() (spill.Store, error) { return spill.NewMemStore(), nil }
			return scheduler.WithSpill(cfg)
		}, func() string { return "" }},
		{"badger", func(t *testing.T, cfg spill.Config) scheduler.Option {
			dir = t.TempDir()
			cfg.Dir = dir
			return scheduler.WithSpill(cfg)
		}, func() string { return dir }},
	}
}

func spillModes() []struct {
	name string
	opts []scheduler.Option
} {
	return []struct {
		name string
		opts []scheduler.Option
	}{
		{"inline", []scheduler.Option{scheduler.WithMode(scheduler.Inline)}},
		{"parallel-2", []scheduler.Option{scheduler.Workers(2)}},
		{"parallel-4", []scheduler.Option{scheduler.Workers(4)}},
	}
}

// TestSpillIntermediatesTenTimesTheLimit runs a graph whose intermediates
// total more than ten times the memory limit and checks that the result
// is the one of an unlimited run, that values were spilled and read back,
// and that the accounted peak stayed within the limit plus one partition.
func TestSpillIntermediatesTenTimesTheLimit(t *testing.T) {
	const parts, n = 32, 4096 // 32 KiB partitions
	w := floatWide(parts, n)
	partBytes := int64(8 * n)
	limit := 8 * partBytes // intermediates: 3 stages × 32 partitions = 12× the limit
	want, err := scheduler.New(scheduler.MemoryLimit(-1)).Execute(context.Background(), w.build(t))
	if err != nil {
		t.Fatalf("unlimited run: got error %v, want nil", err)
	}
	for _, st := range spillStores(t) {
		for _, m := range spillModes() {
			t.Run(st.name+"/"+m.name, func(t *testing.T) {
				rec := &memRecorder{}
				opts := append([]scheduler.Option{st.opt(t, spill.Config{Limit: limit})}, m.opts...)
				opts = append(opts, scheduler.WithObserver(rec))
				got, err := scheduler.New(opts...).Execute(context.Background(), w.build(t))
				if err != nil {
					t.Fatalf("Execute: got error %v, want nil", err)
				}
				if got[0] != want[0] {
					t.Fatalf("result: got %v, want %v", got[0], want[0])
				}
				ms := rec.summary.Memory
				if ms.Spills == 0 || ms.ReadBacks == 0 {
					t.Fatalf("spills %d, read-backs %d: want both > 0", ms.Spills, ms.ReadBacks)
				}
				if ms.Peak > limit+partBytes {
					t.Fatalf("accounted peak: got %d bytes, want at most the limit %d plus one partition %d", ms.Peak, limit, partBytes)
				}
				if ms.Resident != 0 || ms.Spilled != 0 {
					t.Fatalf("after the run: resident %d, spilled %d bytes, want 0 and 0", ms.Resident, ms.Spilled)
				}
				if rec.events == 0 {
					t.Fatalf("memory events: got 0, want some")
				}
				if d := st.dir(); d != "" {
					spilltest.AssertEmptyDir(t, d)
				}
			})
		}
	}
}

// recordWide returns a wideGraph over Arrow records allocated from mem:
// one float64 column and one int64 column with nulls.
func recordWide(mem memory.Allocator, parts, n int) *wideGraph {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "x", Type: arrow.PrimitiveTypes.Float64},
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	build := func(f func(j int) (float64, int64, bool)) arrow.Record {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		xb := b.Field(0).(*array.Float64Builder)
		kb := b.Field(1).(*array.Int64Builder)
		for j := range n {
			x, k, ok := f(j)
			xb.Append(x)
			if ok {
				kb.Append(k)
			} else {
				kb.AppendNull()
			}
		}
		return b.NewRecord()
	}
	cols := func(v any) (*array.Float64, *array.Int64) {
		r := v.(arrow.Record)
		return r.Column(0).(*array.Float64), r.Column(1).(*array.Int64)
	}
	return &wideGraph{
		parts: parts, n: n,
		mk: func(i int) (any, error) {
			return build(func(j int) (float64, int64, bool) { return float64(i*n+j) / 3, int64(i + j), (i+j)%7 != 0 }), nil
		},
		mapf: func(v any, i int) (any, error) {
			x, k := cols(v)
			return build(func(j int) (float64, int64, bool) { return x.Value(j) * 1.5, k.Value(j) + int64(i), k.IsValid(j) }), nil
		},
		combine: func(a, b any) (any, error) {
			xa, ka := cols(a)
			xb, kb := cols(b)
			return build(func(j int) (float64, int64, bool) {
				return xa.Value(j) - xb.Value(j)/4, ka.Value(j) ^ kb.Value(j), ka.IsValid(j) && kb.IsValid(j)
			}), nil
		},
		total: func(v any) (float64, error) {
			x, k := cols(v)
			s := 0.0
			for j := range x.Len() {
				if k.IsValid(j) {
					s += x.Value(j) + float64(k.Value(j)%11)
				}
			}
			return s, nil
		},
	}
}

// TestSpillArrowRecords runs the wide graph over Arrow records from a
// checked allocator, read back into the same allocator, uncompressed and
// with LZ4 and ZSTD bodies, and checks that every byte is released.
func TestSpillArrowRecords(t *testing.T) {
	const parts, n = 16, 2048
	want := func() any {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		out, err := scheduler.New(scheduler.MemoryLimit(-1)).Execute(context.Background(), recordWide(mem, parts, n).build(t))
		if err != nil {
			t.Fatalf("unlimited run: got error %v, want nil", err)
		}
		return out[0]
	}()
	for _, comp := range []spill.Compression{spill.NoCompression, spill.LZ4, spill.ZSTD} {
		for _, st := range spillStores(t) {
			for _, m := range spillModes() {
				t.Run(fmt.Sprintf("%s/%s/%s", comp, st.name, m.name), func(t *testing.T) {
					mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
					defer mem.AssertSize(t, 0)
					w := recordWide(mem, parts, n)
					rec := &memRecorder{}
					limit := int64(6 * 2 * 8 * n) // six partitions of two 8-byte columns
					opts := append([]scheduler.Option{st.opt(t, spill.Config{Limit: limit, Compression: comp, Allocator: mem})}, m.opts...)
					opts = append(opts, scheduler.WithObserver(rec))
					got, err := scheduler.New(opts...).Execute(context.Background(), w.build(t))
					if err != nil {
						t.Fatalf("Execute: got error %v, want nil", err)
					}
					if got[0] != want {
						t.Fatalf("result: got %v, want %v", got[0], want)
					}
					if ms := rec.summary.Memory; ms.Spills == 0 || ms.ReadBacks == 0 {
						t.Fatalf("spills %d, read-backs %d: want both > 0", ms.Spills, ms.ReadBacks)
					}
					if d := st.dir(); d != "" {
						spilltest.AssertEmptyDir(t, d)
					}
				})
			}
		}
	}
}

// TestSpillOutputsReadBack: outputs that were spilled come back to the
// caller, who owns them.
func TestSpillOutputsReadBack(t *testing.T) {
	for _, m := range spillModes() {
		t.Run(m.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			const parts, n = 12, 1024
			w := recordWide(mem, parts, n)
			b := graph.NewBuilder(parts)
			for i := range parts {
				b.Add(graph.K("make", i), func(context.Context, []any) (any, error) { return w.mk(i) }, graph.Hints{Op: "make"})
			}
			g, err := b.Build()
			if err != nil {
				t.Fatal(err)
			}
			opts := append([]scheduler.Option{scheduler.WithSpill(spill.Config{
				Limit: int64(3 * 16 * n), Allocator: mem,
				Store: func() (spill.Store, error) { return spill.NewMemStore(), nil },
			})}, m.opts...)
			out, err := scheduler.New(opts...).Execute(context.Background(), g)
			if err != nil {
				t.Fatalf("Execute: got error %v, want nil", err)
			}
			for i, o := range out {
				wantRec, _ := w.mk(i)
				if !array.RecordEqual(o.(arrow.Record), wantRec.(arrow.Record)) {
					t.Errorf("output %d: got a different record", i)
				}
				wantRec.(arrow.Record).Release()
				o.(arrow.Record).Release()
			}
		})
	}
}

// bigTask is a graph of one task whose result is n float64s, under op.
func bigTask(t *testing.T, op string, n int) *graph.Graph {
	b := graph.NewBuilder(2)
	x := b.Add(graph.K("big", 0), func(context.Context, []any) (any, error) { return make([]float64, n), nil }, graph.Hints{Op: op})
	b.Add(graph.K("len", 0), func(_ context.Context, in []any) (any, error) { return len(in[0].([]float64)), nil }, graph.Hints{Op: "len"}, x)
	return mustBuild(t, b)
}

// TestSpillResultLargerThanLimit: one result larger than the limit stops
// the computation with an error that says so and names the operation.
func TestSpillResultLargerThanLimit(t *testing.T) {
	for _, m := range spillModes() {
		t.Run(m.name, func(t *testing.T) {
			opts := append([]scheduler.Option{scheduler.MemoryLimit(4096)}, m.opts...)
			_, err := scheduler.New(opts...).Execute(context.Background(), bigTask(t, "make big", 1000))
			var tl *spill.TooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("error: got %v, want a *spill.TooLargeError", err)
			}
			if tl.Size != 8000 || tl.Limit != 4096 {
				t.Fatalf("TooLargeError: got size %d limit %d, want 8000 and 4096", tl.Size, tl.Limit)
			}
			for _, s := range []string{"make big", "larger than the memory limit", "7.81 KiB", "4 KiB"} {
				if !strings.Contains(err.Error(), s) {
					t.Fatalf("error %q: want it to contain %q", err, s)
				}
			}
		})
	}
}

// faultGraph is a wide graph over []float64 that spills under limit.
func runFaulty(t *testing.T, opts ...scheduler.Option) error {
	t.Helper()
	w := floatWide(16, 1024)
	_, err := scheduler.New(opts...).Execute(context.Background(), w.build(t))
	return err
}

// TestSpillStoreFull: a store that fails after some bytes (a full disk)
// stops the computation with an error naming the cause, and leaves the
// store empty.
func TestSpillStoreFull(t *testing.T) {
	for _, m := range spillModes() {
		t.Run(m.name, func(t *testing.T) {
			base := spill.NewMemStore()
			cfg := spill.Config{Limit: 6 * 8 * 1024, Store: func() (spill.Store, error) { return spilltest.FailAfter(base, 20<<10), nil }}
			err := runFaulty(t, append([]scheduler.Option{scheduler.WithSpill(cfg)}, m.opts...)...)
			if !errors.Is(err, spilltest.ErrDiskFull) {
				t.Fatalf("error: got %v, want one wrapping ErrDiskFull", err)
			}
			if !strings.Contains(err.Error(), "spill: write the result of") {
				t.Fatalf("error %q: want it to say which result could not be written", err)
			}
			if base.Len() != 0 {
				t.Fatalf("store after the run: got %d values, want 0", base.Len())
			}
		})
	}
}

// TestSpillCorruptValue: a spilled value whose bytes changed is detected
// by its checksum when read back.
func TestSpillCorruptValue(t *testing.T) {
	for _, m := range spillModes() {
		t.Run(m.name, func(t *testing.T) {
			cfg := spill.Config{Limit: 6 * 8 * 1024, Store: func() (spill.Store, error) { return spilltest.Corrupt(spill.NewMemStore()), nil }}
			err := runFaulty(t, append([]scheduler.Option{scheduler.WithSpill(cfg)}, m.opts...)...)
			if !errors.Is(err, spill.ErrCorrupt) {
				t.Fatalf("error: got %v, want one wrapping spill.ErrCorrupt", err)
			}
			if !strings.Contains(err.Error(), "read back the result of") {
				t.Fatalf("error %q: want it to name the value read back", err)
			}
		})
	}
}

// TestSpillDirMissing: a spill directory that does not exist gives an
// error naming it, and nothing is created.
func TestSpillDirMissing(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "missing")
	err := runFaulty(t, scheduler.MemoryLimit(6*8*1024), scheduler.SpillDir(dir))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("error: got %v, want one naming %s that wraps fs.ErrNotExist", err, dir)
	}
	spilltest.AssertEmptyDir(t, parent)
}

// TestMemoryLimitFromEnvironment: DUSK_MEMORY_LIMIT sets the limit, and a
// malformed value is the error of every computation, naming the variable.
func TestMemoryLimitFromEnvironment(t *testing.T) {
	t.Setenv(spill.EnvMemoryLimit, "48KiB")
	t.Setenv(spill.EnvSpillDir, t.TempDir())
	rec := &memRecorder{}
	if err := runFaulty(t, scheduler.WithObserver(rec)); err != nil {
		t.Fatalf("Execute: got error %v, want nil", err)
	}
	if got := rec.summary.Memory.Limit; got != 48<<10 {
		t.Fatalf("limit: got %d, want %d", got, 48<<10)
	}
	if rec.summary.Memory.Spills == 0 {
		t.Fatalf("spills: got 0, want some under a 48 KiB limit")
	}
	spilltest.AssertEmptyDir(t, os.Getenv(spill.EnvSpillDir))

	t.Setenv(spill.EnvMemoryLimit, "4XB")
	err := runFaulty(t)
	if !errors.Is(err, spill.ErrBadLimit) || !strings.Contains(err.Error(), "DUSK_MEMORY_LIMIT") {
		t.Fatalf("error: got %v, want a bad-limit error naming DUSK_MEMORY_LIMIT", err)
	}
	// An explicit option wins over the environment.
	if err := runFaulty(t, scheduler.MemoryLimit(-1)); err != nil {
		t.Fatalf("with MemoryLimit(-1): got error %v, want nil", err)
	}
}

// TestSpillDirIsPrivate: while a computation spills, its directory inside
// the spill directory is readable by its owner only.
func TestSpillDirIsPrivate(t *testing.T) {
	parent := t.TempDir()
	w := floatWide(16, 1024)
	g := w.build(t)
	var mode fs.FileMode
	var seen int
	rec := &dirProbe{parent: parent, mode: &mode, seen: &seen}
	_, err := scheduler.New(scheduler.MemoryLimit(6*8*1024), scheduler.SpillDir(parent), scheduler.Workers(1), scheduler.WithObserver(rec)).
		Execute(context.Background(), g)
	if err != nil {
		t.Fatalf("Execute: got error %v, want nil", err)
	}
	if seen == 0 {
		t.Fatalf("no spill directory seen during the run")
	}
	if mode.Perm() != 0o700 {
		t.Fatalf("spill directory mode: got %v, want 0700", mode.Perm())
	}
	spilltest.AssertEmptyDir(t, parent)
}

// dirProbe looks at the spill directory each time memory figures change.
type dirProbe struct {
	scheduler.NopObserver
	parent string
	mode   *fs.FileMode
	seen   *int
}

func (p *dirProbe) Memory(scheduler.MemoryEvent) {
	ents, _ := os.ReadDir(p.parent)
	for _, e := range ents {
		if info, err := e.Info(); err == nil && info.IsDir() {
			*p.mode = info.Mode()
			*p.seen++
		}
	}
}

// residentRecorder keeps the memory events of a run.
type residentRecorder struct {
	scheduler.NopObserver
	mu     sync.Mutex
	events []scheduler.MemoryEvent
}

func (r *residentRecorder) Memory(e scheduler.MemoryEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

// TestMemorySampledWithoutSpilling: a computation under a limit it never
// reaches still reports its resident bytes to a MemoryObserver.
func TestMemorySampledWithoutSpilling(t *testing.T) {
	w := floatWide(8, 1024)
	for _, m := range spillModes() {
		t.Run(m.name, func(t *testing.T) {
			rec := &residentRecorder{}
			opts := append([]scheduler.Option{scheduler.MemoryLimit(1 << 30), scheduler.WithObserver(rec)}, m.opts...)
			if _, err := scheduler.New(opts...).Execute(context.Background(), w.build(t)); err != nil {
				t.Fatalf("Execute: got error %v, want nil", err)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			resident := false
			for _, e := range rec.events {
				if e.Spills != 0 || e.Spilled != 0 {
					t.Errorf("event %+v: got a spill, want none", e.Stats)
				}
				resident = resident || e.Resident > 0
			}
			if !resident {
				t.Errorf("got %d memory events, none with resident bytes; want at least one", len(rec.events))
			}
		})
	}
}
