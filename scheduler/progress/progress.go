package progress

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/dusk-go/dusk/scheduler"
)

// DefaultDelay is how long a computation must run before its progress is
// drawn.
const DefaultDelay = time.Second

// defaultWidth is the width used when neither Width nor the terminal gives
// one.
const defaultWidth = 80

// defaultRefresh is how often the lines are redrawn.
const defaultRefresh = 120 * time.Millisecond

// Terminal detection, replaced by the tests.
var (
	isTerminal = term.IsTerminal
	termSize   = term.GetSize
)

type config struct {
	delay   time.Duration
	force   int // 0: when w is a terminal, 1: always, -1: never
	width   int
	refresh time.Duration
}

// Option configures a [Bar].
type Option func(*config)

// Delay sets how long a computation must run before anything is drawn for
// it (default [DefaultDelay]); computations that end sooner stay silent.
// Zero draws every computation.
func Delay(d time.Duration) Option {
	return func(c *config) { c.delay = max(d, 0) }
}

// Force(true) draws even when the writer is not a terminal (tests, CI logs);
// Force(false) never draws. Without it, drawing happens only on a terminal.
func Force(on bool) Option {
	return func(c *config) {
		if on {
			c.force = 1
		} else {
			c.force = -1
		}
	}
}

// Width fixes the width of the lines in columns. By default it is the
// terminal's width, or 80 when the terminal reports none. n <= 0 restores
// the default.
func Width(n int) Option {
	return func(c *config) { c.width = max(n, 0) }
}

// Bar is a [scheduler.Observer] and [scheduler.MemoryObserver] that draws the
// progress of computations. Its methods only update counters, so they never
// block a worker: drawing happens on a goroutine of the Bar that lives while
// computations run, and stops after the last one finished. One Bar may serve
// several computations at once; each gets its own group of lines.
type Bar struct {
	cfg config
	out io.Writer // nil when off
	// file is out when it is a terminal the drawing library may query for
	// its size on every redraw.
	file  *os.File
	width int

	runs sync.Map // uint64 -> *run

	mu      sync.Mutex
	order   []*run        // runs not yet handed off by the drawer, by start
	done    chan struct{} // closed when the current drawer exits
	drawing bool
	notify  chan struct{}
	broken  atomic.Bool
}

var (
	_ scheduler.Observer       = (*Bar)(nil)
	_ scheduler.MemoryObserver = (*Bar)(nil)
)

// New returns an observer that draws progress to w: per operation, tasks
// done of total (a running count for streams) and bytes produced; per
// computation, tasks done, bytes produced and, when it has a memory limit
// and values were spilled, bytes spilled and read back. Nothing is drawn for a computation that ends within the
// delay (see [Delay]). The Bar is off, every method a no-op, when w is not a
// terminal, unless [Force](true).
func New(w io.Writer, opts ...Option) *Bar {
	cfg := config{delay: DefaultDelay, refresh: defaultRefresh}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	b := &Bar{cfg: cfg, notify: make(chan struct{}, 1)}
	if w == nil || cfg.force < 0 {
		return b
	}
	fd, isTerm := terminalFD(w)
	if !isTerm && cfg.force == 0 {
		return b
	}
	b.out = w
	b.width = cfg.width
	if b.width == 0 && isTerm {
		if tw, _, err := termSize(fd); err == nil && tw > 0 {
			b.width = tw
			// A real terminal that reports its size: the drawing library
			// follows its resizes.
			if f, ok := w.(*os.File); ok {
				b.file = f
			}
		}
	}
	if b.width <= 0 {
		b.width = defaultWidth
	}
	return b
}

// terminalFD reports w's file descriptor and whether it is a terminal.
func terminalFD(w io.Writer) (int, bool) {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return -1, false
	}
	fd := int(f.Fd())
	return fd, isTerminal(fd)
}

// FromEnv returns New(os.Stderr), which draws when standard error is a
// terminal; the environment variable DUSK_PROGRESS=0 turns it off (a
// [scheduler.NopObserver]) and DUSK_PROGRESS=1 forces it on.
func FromEnv() scheduler.Observer {
	switch os.Getenv("DUSK_PROGRESS") {
	case "0":
		return scheduler.NopObserver{}
	case "1":
		return New(os.Stderr, Force(true))
	}
	b := New(os.Stderr)
	if !b.On() {
		return scheduler.NopObserver{}
	}
	return b
}

// On reports whether the Bar draws anything.
func (b *Bar) On() bool { return b != nil && b.out != nil && !b.broken.Load() }

// run is the state of one computation. Workers touch only its atomics; the
// drawer owns the rest.
type run struct {
	id    uint64
	start time.Time
	tasks int // -1 for streams

	known map[string]*opState // read-only after RunStarted
	order []*opState          // known ops, in the order of RunInfo.Ops
	extra sync.Map            // string -> *opState: ops not announced
	seq   atomic.Int64

	done, bytes       atomic.Int64
	spilled, readBack atomic.Int64
	end               atomic.Pointer[ending]

	// drawer only
	shown  bool
	gone   bool // ended and handled: leaves Bar.order
	header barLine
	shownN map[*opState]bool
}

type ending struct {
	at  time.Time
	err error
}

type opState struct {
	name  string
	total int // -1 when unknown
	seq   int64
	done  atomic.Int64
	bytes atomic.Int64
	line  barLine // drawer only
}

func (r *run) op(name string) *opState {
	if o := r.known[name]; o != nil {
		return o
	}
	if v, ok := r.extra.Load(name); ok {
		return v.(*opState)
	}
	o := &opState{name: name, total: -1, seq: r.seq.Add(1)}
	v, _ := r.extra.LoadOrStore(name, o)
	return v.(*opState)
}

func (b *Bar) lookup(id uint64) *run {
	if b.out == nil {
		return nil
	}
	v, ok := b.runs.Load(id)
	if !ok {
		return nil
	}
	return v.(*run)
}

// RunStarted registers a computation; its lines appear once it has run for
// the delay.
func (b *Bar) RunStarted(info scheduler.RunInfo) {
	if !b.On() {
		return
	}
	r := &run{id: info.Run, start: time.Now(), tasks: info.Tasks, known: make(map[string]*opState, len(info.Ops))}
	for _, o := range info.Ops {
		if s := r.known[o.Op]; s != nil {
			s.total += o.Tasks
			continue
		}
		s := &opState{name: o.Op, total: o.Tasks}
		r.known[o.Op] = s
		r.order = append(r.order, s)
	}
	b.runs.Store(info.Run, r)
	b.mu.Lock()
	b.order = append(b.order, r)
	if !b.drawing {
		b.drawing = true
		b.done = make(chan struct{})
		go b.draw(b.done)
	}
	b.mu.Unlock()
	b.wake()
}

// TaskStarted does nothing: progress counts finished tasks.
func (b *Bar) TaskStarted(scheduler.TaskEvent) {}

// TaskFinished counts a task that succeeded and the bytes it produced.
func (b *Bar) TaskFinished(e scheduler.TaskEvent) {
	r := b.lookup(e.Run)
	if r == nil || e.Err != nil {
		return
	}
	o := r.op(e.Op)
	o.done.Add(1)
	r.done.Add(1)
	if e.Bytes > 0 {
		o.bytes.Add(e.Bytes)
		r.bytes.Add(e.Bytes)
	}
}

// Memory records the bytes spilled and read back of a computation with a
// memory limit.
func (b *Bar) Memory(e scheduler.MemoryEvent) {
	if r := b.lookup(e.Run); r != nil {
		r.setMemory(e.SpilledTotal, e.ReadBackTotal)
	}
}

func (r *run) setMemory(spilled, readBack int64) {
	storeMax(&r.spilled, spilled)
	storeMax(&r.readBack, readBack)
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// RunFinished ends a computation: its lines are drawn one last time, as
// complete, or as stopped when it failed.
func (b *Bar) RunFinished(s scheduler.RunSummary) {
	r := b.lookup(s.Run)
	if r == nil {
		return
	}
	if s.Memory.Limit > 0 {
		r.setMemory(s.Memory.SpilledTotal, s.Memory.ReadBackTotal)
	}
	r.end.Store(&ending{at: time.Now(), err: s.Err})
	b.runs.Delete(s.Run)
	b.wake()
}

// Wait blocks until every computation started so far has finished and its
// lines are fully drawn. It returns at once when the Bar is off.
func (b *Bar) Wait() {
	b.mu.Lock()
	d := b.done
	b.mu.Unlock()
	if d != nil {
		<-d
	}
}

func (b *Bar) wake() {
	select {
	case b.notify <- struct{}{}:
	default:
	}
}
