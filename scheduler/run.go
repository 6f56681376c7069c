package scheduler

import (
	"context"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/spill"
)

// run is one parallel computation of a graph.
type run struct {
	g       *graph.Graph
	obs     Observer
	id      uint64
	parent  context.Context
	opCtx   []context.Context // the task context of each operation, with pprof labels
	results []any
	mem     *memRun // nil without a memory limit
	// pending[t] counts t's dependency edges whose task has not finished;
	// t is ready when it reaches zero. refs[t] counts t's consumer edges
	// that have not run; t's value is released when it reaches zero.
	pending  []int32 // updated with atomic.AddInt32 once workers run
	refs     []int32
	isOutput []bool
	// left counts the tasks without dependents that have not finished:
	// every task is an ancestor of one of them, so the run is complete when
	// it reaches zero, and workers update one shared counter only for them.
	left    atomic.Int64
	workers []*worker

	stopped atomic.Bool // set when the run ends: success, failure or cancellation
	done    chan struct{}
	endOnce sync.Once
	idle    atomic.Int32
	wake    chan struct{}

	errMu       sync.Mutex
	err         error // the first task error
	interrupted bool  // the caller's context was cancelled first
	cancel      context.CancelCauseFunc
}

type worker struct {
	deque
	id     int
	args   []any
	ins    []*spill.Entry
	ticket spill.Ticket
	ready  []graph.ID
	stolen []graph.ID
	curOp  int
	ran    int64
	steals int64
	rng    uint64
	_      [64]byte // keeps the next worker's deque off this one's cache line
}

func runParallel(ctx context.Context, g *graph.Graph, c *config) ([]any, error) {
	n := g.Len()
	nw := min(c.workers, n)
	id := runIDs.Add(1)
	mem, err := newMemRun(c, g, c.observer, id)
	if err != nil {
		return nil, err
	}
	r := &run{
		g:        g,
		obs:      c.observer,
		id:       id,
		mem:      mem,
		parent:   ctx,
		results:  make([]any, n),
		pending:  make([]int32, n),
		refs:     make([]int32, n),
		isOutput: make([]bool, n),
		done:     make(chan struct{}),
		wake:     make(chan struct{}, nw),
	}
	for _, o := range g.Outputs() {
		r.isOutput[o] = true
	}
	var sinks int64
	nroots := 0
	for id := range n {
		t := graph.ID(id)
		nd := int32(len(g.Deps(t)))
		r.pending[id] = nd
		nc := int32(len(g.Dependents(t)))
		r.refs[id] = nc
		if nc == 0 {
			sinks++
		}
		if nd == 0 {
			nroots++
		}
	}
	r.left.Store(sinks)
	roots := make([]graph.ID, 0, nroots)
	for _, id := range g.ByPriority() {
		if r.pending[id] == 0 {
			roots = append(roots, id)
		}
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	r.cancel = cancel
	r.opCtx = opContexts(runCtx, g)
	stopWatch := context.AfterFunc(ctx, func() { r.fail(-1, context.Cause(ctx)) })

	start := time.Now()
	if r.obs != nil {
		r.obs.RunStarted(RunInfo{Run: r.id, Tasks: n, Ops: opTasks(g), Workers: nw, Start: start})
	}

	// Roots are dealt out in contiguous blocks of the priority order, so
	// that neighbouring partitions (which usually meet in the same
	// consumer) run on the same worker.
	r.workers = make([]*worker, nw)
	for i := range nw {
		w := &worker{id: i, curOp: -1, rng: uint64(i)*0x9E3779B97F4A7C15 + 1}
		// The block becomes the deque itself, reversed so that its first
		// task is on top; capping it keeps pushes off the next block.
		block := roots[i*len(roots)/nw : (i+1)*len(roots)/nw : (i+1)*len(roots)/nw]
		slices.Reverse(block)
		w.items = block
		r.workers[i] = w
	}
	var wg sync.WaitGroup
	for _, w := range r.workers[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(w)
		}()
	}
	r.work(r.workers[0])
	pprof.SetGoroutineLabels(ctx)
	wg.Wait()
	stopWatch()
	cancel(nil)

	ran := 0
	for _, w := range r.workers {
		ran += int(w.ran)
	}
	err = r.outcome(ran)
	var out []any
	if err == nil {
		if mem != nil {
			out, err = mem.outputs(ctx, g, r.results)
		} else {
			out = make([]any, len(g.Outputs()))
			for i, o := range g.Outputs() {
				out[i] = r.results[o]
			}
		}
	}
	if err != nil {
		for i, v := range r.results {
			if v != nil {
				release(v)
				r.results[i] = nil
			}
		}
	}
	var memStats spill.Stats
	if mem != nil {
		err = mem.close(err)
		memStats = mem.stats()
	}
	if r.obs != nil {
		s := RunSummary{Run: r.id, Start: start, Duration: time.Since(start), Tasks: ran, Err: err, Memory: memStats}
		for _, w := range r.workers {
			s.TasksPerWorker = append(s.TasksPerWorker, w.ran)
			s.Steals += w.steals
		}
		r.obs.RunFinished(s)
	}
	return out, err
}

// work is a worker's loop: run its own newest task, else steal, else park
// until there is work or the run ends.
func (r *run) work(w *worker) {
	next := graph.ID(-1)
	for !r.stopped.Load() {
		if next < 0 {
			if next = w.pop(); next < 0 {
				if next = r.steal(w); next < 0 {
					if !r.park() {
						return
					}
					continue
				}
			}
		}
		next = r.exec(w, next)
	}
}

// exec runs task id on worker w and returns one task it made ready, which
// the worker runs next, or -1. The other tasks it made ready go onto the
// worker's deque.
func (r *run) exec(w *worker, id graph.ID) graph.ID {
	g := r.g
	deps := g.Deps(id)
	op := g.OpIndex(id)
	ctx := r.opCtx[op]
	var args []any
	if r.mem != nil {
		var err error
		if w.ins, args, err = r.mem.begin(ctx, &w.ticket, w.ins, g, id, r.results, w.args); err != nil {
			clear(w.ins)
			r.fail(id, err)
			return -1
		}
	} else {
		args = w.args[:0]
		for _, d := range deps {
			args = append(args, r.results[d])
		}
	}
	w.args = args
	if op != w.curOp {
		w.curOp = op
		pprof.SetGoroutineLabels(ctx)
	}
	v, err := runTask(ctx, r.obs, r.id, w.id, g, id, args)
	clear(args)
	sink := len(g.Dependents(id)) == 0
	if err == nil && sink && !r.isOutput[id] {
		release(v) // nobody consumes it and nobody receives it
		v = nil
	}
	if r.mem != nil {
		if err == nil && v != nil {
			v, err = r.mem.keep(g, id, v)
		}
		r.mem.m.Finish(&w.ticket)
		clear(w.ins)
	}
	if err != nil {
		release(v)
		r.fail(id, err)
		return -1
	}
	w.ran++
	r.results[id] = v
	// A value with one consumer, and a task with one dependency, need no
	// shared counter: the common case of chains and trees costs no atomic
	// operation.
	for _, d := range deps {
		if (len(g.Dependents(d)) == 1 || atomic.AddInt32(&r.refs[d], -1) == 0) && !r.isOutput[d] {
			if r.mem != nil {
				r.mem.drop(d, r.results)
			} else {
				release(r.results[d])
				r.results[d] = nil
			}
		}
	}
	ready := w.ready[:0]
	for _, c := range g.Dependents(id) {
		if len(g.Deps(c)) == 1 || atomic.AddInt32(&r.pending[c], -1) == 0 {
			ready = append(ready, c)
		}
	}
	w.ready = ready
	if sink && r.left.Add(-1) == 0 {
		r.end()
		return -1
	}
	switch len(ready) {
	case 0:
		return -1
	case 1:
		return ready[0]
	}
	if g.Ordered() {
		sortByPriority(g, ready)
	}
	w.pushReversed(ready[1:])
	r.signal(len(ready) - 1)
	return ready[0]
}

// steal takes the older half of another worker's deque, keeps all but the
// newest of them on w's deque and returns that one, or -1 when every deque
// is empty.
func (r *run) steal(w *worker) graph.ID {
	nw := len(r.workers)
	w.rng ^= w.rng << 13
	w.rng ^= w.rng >> 7
	w.rng ^= w.rng << 17
	first := int(w.rng % uint64(nw))
	for i := range nw {
		v := r.workers[(first+i)%nw]
		if v == w {
			continue
		}
		w.stolen = v.stealHalf(w.stolen[:0])
		if k := len(w.stolen); k > 0 {
			w.steals++
			if k > 1 {
				w.push(w.stolen[:k-1])
				r.signal(k - 1)
			}
			return w.stolen[k-1]
		}
	}
	return -1
}

// signal wakes up to n parked workers after n tasks were pushed.
func (r *run) signal(n int) {
	for i := min(n, int(r.idle.Load())); i > 0; i-- {
		select {
		case r.wake <- struct{}{}:
		default:
			return
		}
	}
}

// park waits until a worker pushes new tasks or the run ends; it reports
// whether the worker should look for work again. The idle count is raised
// before the deques are checked once more, and pushers check it after
// pushing, so a push is never missed.
func (r *run) park() bool {
	r.idle.Add(1)
	defer r.idle.Add(-1)
	for _, v := range r.workers {
		if !v.empty() {
			return true
		}
	}
	select {
	case <-r.wake:
		return true
	case <-r.done:
		return false
	}
}

// fail records the first error and stops the run. id is the failed task, or
// -1 when the caller's context was cancelled.
func (r *run) fail(id graph.ID, err error) {
	r.errMu.Lock()
	if id < 0 && r.left.Load() == 0 {
		r.errMu.Unlock()
		return // cancelled after the last task finished: the result stands
	}
	if r.err == nil && !r.interrupted {
		if r.parent.Err() != nil {
			r.interrupted = true
		} else {
			r.err = &TaskError{Key: r.g.Key(id), Op: r.g.Op(id), Err: err}
		}
	}
	cause := r.err
	if cause == nil {
		cause = context.Cause(r.parent)
	}
	r.errMu.Unlock()
	r.cancel(cause)
	r.end()
}

func (r *run) end() {
	r.endOnce.Do(func() {
		r.stopped.Store(true)
		close(r.done)
	})
}

// outcome returns the run's error once its workers have stopped; ran is the
// number of tasks that finished.
func (r *run) outcome(ran int) error {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	if r.interrupted {
		return cancelled(context.Cause(r.parent), ran, r.g.Len())
	}
	return r.err
}

// opContexts returns, per operation of g, the context its tasks receive:
// ctx with the pprof label dusk_op.
func opContexts(ctx context.Context, g *graph.Graph) []context.Context {
	out := make([]context.Context, len(g.Ops()))
	for i, op := range g.Ops() {
		out[i] = pprof.WithLabels(ctx, pprof.Labels("dusk_op", op))
	}
	return out
}

// runTask runs task id of g on worker, reporting its start and end to obs
// when there is one.
func runTask(ctx context.Context, obs Observer, run uint64, worker int, g *graph.Graph, id graph.ID, args []any) (any, error) {
	if obs == nil {
		return call(ctx, g.Func(id), args)
	}
	ev := TaskEvent{Run: run, Key: g.Key(id), Op: g.Op(id), Worker: worker, Start: time.Now()}
	obs.TaskStarted(ev)
	v, err := call(ctx, g.Func(id), args)
	ev.End, ev.Err = time.Now(), err
	if err == nil {
		ev.Bytes = resultBytes(v, g.Hints(id).Bytes)
	}
	obs.TaskFinished(ev)
	return v, err
}

// call runs fn, turning a panic into a *PanicError. It is the one place
// where the scheduler recovers panics.
func call(ctx context.Context, fn graph.Func, args []any) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, newPanicError(p)
			if sp, ok := p.(*graph.StagePanic); ok {
				err = &TaskError{Key: sp.Key, Op: sp.Op, Err: newPanicError(sp.Value)}
			}
		}
	}()
	return fn(ctx, args)
}

func sortByPriority(g *graph.Graph, ids []graph.ID) {
	for i := 1; i < len(ids); i++ {
		x := ids[i]
		px := g.Priority(x)
		j := i
		for j > 0 && g.Priority(ids[j-1]) > px {
			ids[j] = ids[j-1]
			j--
		}
		ids[j] = x
	}
}

func newPanicError(p any) *PanicError {
	return &PanicError{Value: p, Stack: debug.Stack()}
}

func release(v any) { graph.Release(v) }
