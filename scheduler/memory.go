package scheduler

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/spill"
)

// MemoryLimit sets the memory limit of each computation, in bytes: the
// values that tasks produce and that wait for their consumers are
// accounted (see [spill.SizeOf]) and, above a share of the limit, moved to
// the spill store and read back when needed, so that a computation over
// more data than memory finishes. n == 0 means the default: the
// DUSK_MEMORY_LIMIT environment variable when set ("4GiB", "60%", "none"),
// else [spill.DefaultLimitFraction] of the machine's memory or of the
// cgroup's limit. n < 0 means no limit: nothing is accounted or spilled.
//
// The limit applies to each computation on its own: computations running
// at the same time each have the whole limit.
func MemoryLimit(n int64) Option {
	return optionFunc(func(c *config) {
		c.spill.Limit = n
		c.limitSet = n != 0
	})
}

// SpillDir sets the directory in which computations make their private
// spill directory (removed when the computation ends). "" means the
// DUSK_SPILL_DIR environment variable when set, else the system's
// temporary directory. The directory must exist and be writable.
func SpillDir(dir string) Option {
	return optionFunc(func(c *config) { c.spill.Dir = dir })
}

// WithSpill sets every setting of the memory manager at once: thresholds,
// store, compression, codecs, allocator (see [spill.Config]). Its Limit
// and Dir follow the rules of MemoryLimit and SpillDir; its OnStats is
// ignored (the observer receives the figures).
func WithSpill(cfg spill.Config) Option {
	return optionFunc(func(c *config) {
		c.spill = cfg
		c.limitSet = cfg.Limit != 0
	})
}

// MemoryObserver is implemented by observers that want the memory
// figures of computations that have a memory limit: resident, spilled and
// read-back bytes, after every spill and read-back, and every 20 ms at most
// as values are kept and dropped, so that a computation that never spills
// is seen too.
type MemoryObserver interface {
	Memory(MemoryEvent)
}

// MemoryEvent is a snapshot of a computation's memory figures.
type MemoryEvent struct {
	Run  uint64
	Time time.Time
	spill.Stats
}

// resolveMemory fills the memory settings from the environment: the limit
// from DUSK_MEMORY_LIMIT unless an option set it, the spill directory from
// DUSK_SPILL_DIR unless an option set it. A malformed variable is kept as
// the error of every computation.
func (c *config) resolveMemory(getenv func(string) string) {
	if !c.limitSet {
		// The variable's limit when set, else the default limit.
		limit, _, err := spill.LimitFromEnv(getenv)
		if err != nil {
			c.memErr = err
		}
		c.spill.Limit = limit
		c.limitSet = true
	}
	if c.spill.Dir == "" {
		c.spill.Dir = getenv(spill.EnvSpillDir)
	}
}

// memRun is the memory side of one computation: the manager and the entry
// of each task's value it holds (nil for values it does not hold, which
// stay in the run's results).
type memRun struct {
	m       *spill.Manager
	entries []*spill.Entry
	// sample: an observer wants the figures, which the manager reports
	// only when it spills or reads back; keep and drop then sample them
	// too, at most every sampleEvery (last: when, in Unix nanoseconds).
	sample bool
	last   atomic.Int64
}

// sampleEvery is how often at most a computation that does not spill
// reports its memory figures to a MemoryObserver.
const sampleEvery = 20 * time.Millisecond

// maybeSample reports the figures when sampleEvery has passed since the
// last report.
func (mr *memRun) maybeSample() {
	if !mr.sample {
		return
	}
	now, last := time.Now().UnixNano(), mr.last.Load()
	if now-last < int64(sampleEvery) || !mr.last.CompareAndSwap(last, now) {
		return
	}
	mr.m.Sample()
}

// newMemRun returns the memory side of a computation of g under c, or nil
// when c has no limit.
func newMemRun(c *config, g *graph.Graph, obs Observer, run uint64) (*memRun, error) {
	if c.memErr != nil {
		return nil, c.memErr
	}
	if c.spill.Limit < 0 {
		return nil, nil
	}
	cfg := c.spill
	if cfg.Logger == nil {
		cfg.Logger = c.logger
		if cfg.Logger == nil {
			cfg.Logger = slog.Default()
		}
	}
	cfg.OnStats = nil
	if mo, ok := obs.(MemoryObserver); ok {
		cfg.OnStats = func(s spill.Stats) { mo.Memory(MemoryEvent{Run: run, Time: time.Now(), Stats: s}) }
	}
	m, err := spill.NewManager(cfg)
	if err != nil {
		return nil, err
	}
	return &memRun{m: m, entries: make([]*spill.Entry, g.Len()), sample: cfg.OnStats != nil}, nil
}

// begin waits for memory to run task id and fills args with the values of
// its dependencies, reading spilled ones back. On success the caller calls
// finish after the task.
func (mr *memRun) begin(ctx context.Context, tk *spill.Ticket, ins []*spill.Entry, g *graph.Graph, id graph.ID, results []any, args []any) ([]*spill.Entry, []any, error) {
	deps := g.Deps(id)
	ins = ins[:0]
	for _, d := range deps {
		ins = append(ins, mr.entries[d])
	}
	h := g.Hints(id)
	if err := mr.m.Begin(ctx, tk, ins, h.ReadsInput, h.Bytes); err != nil {
		return ins, args, err
	}
	args = args[:0]
	for i, d := range deps {
		v := results[d]
		if e := ins[i]; e != nil {
			var err error
			if v, err = mr.m.Load(ctx, tk, e); err != nil {
				mr.m.Finish(tk)
				return ins, args, err
			}
		}
		args = append(args, v)
	}
	return ins, args, nil
}

// keep hands task id's value v to the manager when it is accounted; it
// returns what the run keeps in its results (nil when the manager holds
// it). The caller then calls Finish.
func (mr *memRun) keep(g *graph.Graph, id graph.ID, v any) (any, error) {
	size := spill.SizeOf(v)
	if size <= 0 {
		return v, nil
	}
	e, err := mr.m.Put(g.Key(id), v, size)
	if err != nil {
		return nil, err
	}
	mr.entries[id] = e
	mr.maybeSample()
	return nil, nil
}

// drop releases task id's value, held by the manager or in results.
func (mr *memRun) drop(id graph.ID, results []any) {
	if e := mr.entries[id]; e != nil {
		mr.entries[id] = nil
		mr.m.Release(e)
		mr.maybeSample()
		return
	}
	release(results[id])
	results[id] = nil
}

// outputs returns the values of g's outputs, taking those the manager
// holds back from it.
func (mr *memRun) outputs(ctx context.Context, g *graph.Graph, results []any) ([]any, error) {
	out := make([]any, len(g.Outputs()))
	var taken map[graph.ID]any // an output listed twice is taken once
	for i, o := range g.Outputs() {
		out[i] = results[o]
		if v, ok := taken[o]; ok {
			out[i] = v
			continue
		}
		if e := mr.entries[o]; e != nil {
			v, err := mr.m.Take(ctx, e)
			if err != nil {
				for _, v := range taken {
					release(v)
				}
				return nil, &TaskError{Key: g.Key(o), Op: g.Op(o), Err: err}
			}
			mr.entries[o] = nil
			if taken == nil {
				taken = make(map[graph.ID]any)
			}
			taken[o] = v
			out[i] = v
		}
	}
	return out, nil
}

// close ends the manager: every value it still holds is released and the
// spill store removed. Its error is returned only when err is nil.
func (mr *memRun) close(err error) error {
	cerr := mr.m.Close()
	if err == nil && cerr != nil {
		return cerr
	}
	return err
}

// stats returns the manager's final figures.
func (mr *memRun) stats() spill.Stats { return mr.m.Stats() }
