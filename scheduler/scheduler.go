package scheduler

import (
	"context"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/spill"
)

// Executor runs task graphs. [Scheduler] is the local, work-stealing
// executor; the memory manager and executors that hand tasks to other
// machines implement the same interface, so collections lower to a
// [graph.Graph] once and run on any of them.
type Executor interface {
	// Execute runs every task of g and returns the values of g.Outputs(),
	// in order. The caller owns the returned values (it must Release those
	// that need it). Intermediate values are released by the executor. On
	// error no value is returned and every value computed so far has been
	// released.
	Execute(ctx context.Context, g *graph.Graph) ([]any, error)
}

// Mode selects how a Scheduler runs tasks.
type Mode int

const (
	// Parallel runs tasks on Workers goroutines with work stealing.
	Parallel Mode = iota
	// Inline runs every task in the calling goroutine, one at a time, in
	// the graph's priority order: for debugging and for reference results.
	Inline
)

func (m Mode) String() string {
	if m == Inline {
		return "inline"
	}
	return "parallel"
}

// Option configures a Scheduler or one call of a helper (Map, Stream,
// Submit, Delayed's Compute). Options apply in order. A *Scheduler is itself
// an Option: passing it to a helper runs the helper with that scheduler's
// settings, replacing those of the options before it (pass it first and
// adjust after it), and shares its limit on running futures.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	workers  int
	mode     Mode
	observer Observer
	window   int
	op       string
	slots    chan struct{} // limit of running futures; shared by a Scheduler
	spill    spill.Config  // memory limit and spill settings
	limitSet bool          // spill.Limit was set by an option or the environment
	memErr   error         // a malformed DUSK_MEMORY_LIMIT
	alloc    memory.Allocator
	logger   *slog.Logger
}

// Workers sets the number of workers: tasks that run at once. n <= 0 means
// runtime.GOMAXPROCS(0), which is the default. With one worker a graph runs
// as in Inline mode: in the calling goroutine, in priority order.
func Workers(n int) Option {
	return optionFunc(func(c *config) { c.workers = n })
}

// WithMode selects Parallel (the default) or Inline execution.
func WithMode(m Mode) Option {
	return optionFunc(func(c *config) { c.mode = m })
}

// WithObserver sends the events of every computation to o.
//
// Several WithObserver options add up: every observer receives the events
// (a progress bar and a dashboard, say), in the order the options came.
// A nil observer is ignored.
func WithObserver(o Observer) Option {
	return optionFunc(func(c *config) {
		switch {
		case o == nil:
		case c.observer == nil:
			c.observer = o
		default:
			c.observer = tee{c.observer, o}
		}
	})
}

// tee sends every event to several observers, memory figures to those
// that take them.
type tee []Observer

func (t tee) RunStarted(i RunInfo) {
	for _, o := range t {
		o.RunStarted(i)
	}
}

func (t tee) TaskStarted(e TaskEvent) {
	for _, o := range t {
		o.TaskStarted(e)
	}
}

func (t tee) TaskFinished(e TaskEvent) {
	for _, o := range t {
		o.TaskFinished(e)
	}
}

func (t tee) RunFinished(s RunSummary) {
	for _, o := range t {
		o.RunFinished(s)
	}
}

func (t tee) Memory(e MemoryEvent) {
	for _, o := range t {
		if m, ok := o.(MemoryObserver); ok {
			m.Memory(e)
		}
	}
}

// Logger sends structured logs to l (slog.Default() when not set): at
// debug level, the start and end of computations, every value the memory
// manager spills and reads back, and the strategies frames choose (a
// group-by's number of buckets, broadcast or shuffle joins).
func Logger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// Logger returns the logger of s.
func (s *Scheduler) Logger() *slog.Logger {
	if s.cfg.logger == nil {
		return slog.Default()
	}
	return s.cfg.logger
}

// Window bounds the inputs a streaming map holds at once: in flight, or
// finished and waiting to be yielded. n <= 0 means the default, four per
// worker; windows above 65,536 are taken as 65,536. A stream runs at most
// Window calls at once, whatever Workers says.
func Window(n int) Option {
	return optionFunc(func(c *config) { c.window = n })
}

// Op names the operation of a helper's tasks in errors, progress and
// profiles (default "map", "stream", "submit", or the delayed function's
// name).
func Op(name string) Option {
	return optionFunc(func(c *config) { c.op = name })
}

// Allocator sets the allocator of the Arrow data that computations make:
// the buffers that frame and array tasks allocate and the values read back
// from the spill store (unless WithSpill's Config names another). nil means
// memory.DefaultAllocator. Tests pass a memory.CheckedAllocator to check
// that every buffer is released.
func Allocator(mem memory.Allocator) Option {
	return optionFunc(func(c *config) { c.alloc = mem })
}

// resolve fills the defaults of unset settings. The window stays unset in
// a Scheduler's own settings so that it follows a helper's Workers option.
func (c *config) resolve() {
	if c.workers <= 0 {
		c.workers = runtime.GOMAXPROCS(0)
	}
	if c.alloc == nil {
		c.alloc = memory.DefaultAllocator
	}
	if c.spill.Allocator == nil {
		c.spill.Allocator = c.alloc
	}
	c.resolveMemory(os.Getenv)
	c.addProcessObservers()
}

// maxWindow bounds a stream's window: the window sizes buffers, and a
// smaller window still holds at most the inputs asked for.
const maxWindow = 1 << 16

func (c *config) streamWindow() int {
	w := c.window
	if w <= 0 {
		w = 4 * c.workers
	}
	return min(w, maxWindow)
}

// Scheduler is the local executor: one worker per core, each with its own
// deque of ready tasks; a finished task pushes the tasks it made ready onto
// its worker's deque and its worker runs the most urgent of them next; an
// idle worker steals the older half of another worker's deque. A Scheduler
// holds only settings: each computation starts its workers and stops them
// before it returns, so there is nothing to close. It is safe for concurrent
// use.
type Scheduler struct {
	cfg config
}

// New returns a scheduler with the given options.
func New(opts ...Option) *Scheduler {
	var c config
	for _, o := range opts {
		o.apply(&c)
	}
	c.resolve()
	c.slots = make(chan struct{}, c.workers)
	return &Scheduler{cfg: c}
}

var defaultScheduler = sync.OnceValue(func() *Scheduler { return New() })

// Default returns the scheduler that helpers use when no *Scheduler is
// passed: GOMAXPROCS workers, parallel mode, no observer.
func Default() *Scheduler { return defaultScheduler() }

func (s *Scheduler) apply(c *config) {
	*c = s.cfg
}

// Allocator returns the allocator that computations run by s use for Arrow
// data (see the Allocator option).
func (s *Scheduler) Allocator() memory.Allocator { return s.cfg.alloc }

// Workers returns the number of workers of s.
func (s *Scheduler) Workers() int { return s.cfg.workers }

// Execute runs g; see [Executor].
func (s *Scheduler) Execute(ctx context.Context, g *graph.Graph) ([]any, error) {
	return execute(ctx, g, &s.cfg)
}

// helperConfig resolves the options of one helper call on top of the
// default scheduler's settings.
func helperConfig(opts []Option) config {
	c := Default().cfg
	for _, o := range opts {
		o.apply(&c)
	}
	c.resolve()
	return c
}

var runIDs atomic.Uint64

func execute(ctx context.Context, g *graph.Graph, c *config) ([]any, error) {
	if ctx.Err() != nil {
		return nil, cancelled(context.Cause(ctx), 0, g.Len())
	}
	if c.mode == Inline || c.workers == 1 || g.Len() <= 1 {
		return runInline(ctx, g, c)
	}
	return runParallel(ctx, g, c)
}
