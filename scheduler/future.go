package scheduler

import (
	"context"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dusk-go/dusk/graph"
)

// Future is the pending result of a function started by [Submit]. Its
// methods are safe for concurrent use.
type Future[R any] struct {
	key  graph.Key
	done chan struct{}
	val  R
	err  error

	mu      sync.Mutex
	waiters []futureWaiter
}

type futureWaiter struct {
	ch chan<- int
	i  int
}

var futureSeq atomic.Int64

// Submit starts fn(ctx) and returns its future at once (an executor's
// submit). Futures submitted with the same *Scheduler (passed as an option;
// the default scheduler otherwise) share its limit: at most Workers of them
// run at once, the others wait for a place (not necessarily in submission
// order: each waiting future takes the next free place it sees). A future
// whose ctx is cancelled before it starts does not run and fails with the
// context's error. An error or panic of fn is returned by Result as a
// *[TaskError] with key op[n] (op is "submit" unless [Op] names it).
//
// A function that waits for futures of the same scheduler while it holds a
// place can deadlock it when every place is taken by such functions, as
// with any bounded pool: submit nested work to another *Scheduler.
func Submit[R any](ctx context.Context, fn func(context.Context) (R, error), opts ...Option) *Future[R] {
	c := helperConfig(opts)
	op := c.op
	if op == "" {
		op = "submit"
	}
	f := &Future[R]{key: graph.K(op, int(futureSeq.Add(1))), done: make(chan struct{})}
	if fn == nil {
		f.finish(*new(R), ErrNilFunc)
		return f
	}
	go func() {
		acquired := false
		select {
		case c.slots <- struct{}{}:
			acquired = true
		case <-ctx.Done():
		}
		if ctx.Err() != nil { // cancelled while waiting, or just as a place opened
			if acquired {
				<-c.slots
			}
			f.finish(*new(R), cancelled(context.Cause(ctx), 0, 1))
			return
		}
		defer func() { <-c.slots }()
		obs, id := c.observer, runIDs.Add(1)
		ev := TaskEvent{Run: id, Key: f.key, Op: op}
		if obs != nil {
			ev.Start = time.Now()
			obs.RunStarted(RunInfo{Run: id, Tasks: 1, Ops: []OpTasks{{Op: op, Tasks: 1}}, Workers: 1, Start: ev.Start})
			obs.TaskStarted(ev)
		}
		v, err := callTyped(ctx, func(ctx context.Context, _ struct{}) (R, error) { return fn(ctx) }, struct{}{})
		if err != nil {
			err = &TaskError{Key: f.key, Op: op, Err: err}
		}
		if obs != nil {
			ev.End, ev.Err = time.Now(), err
			ev.Bytes = resultBytes(v, 0)
			obs.TaskFinished(ev)
			n := int64(1)
			if err != nil {
				n = 0
			}
			obs.RunFinished(RunSummary{Run: id, Start: ev.Start, Duration: ev.End.Sub(ev.Start), Tasks: int(n), TasksPerWorker: []int64{n}, Err: err})
		}
		f.finish(v, err)
	}()
	return f
}

func (f *Future[R]) finish(v R, err error) {
	f.val, f.err = v, err
	f.mu.Lock()
	close(f.done)
	waiters := f.waiters
	f.waiters = nil
	f.mu.Unlock()
	for _, w := range waiters {
		w.ch <- w.i
	}
}

// notify sends i on ch when f is done (at once if it is). ch must have room.
func (f *Future[R]) notify(ch chan<- int, i int) {
	f.mu.Lock()
	select {
	case <-f.done:
		f.mu.Unlock()
		ch <- i
		return
	default:
	}
	f.waiters = append(f.waiters, futureWaiter{ch: ch, i: i})
	f.mu.Unlock()
}

// Key returns the future's task key, as its errors name it.
func (f *Future[R]) Key() graph.Key { return f.key }

// Done returns a channel that is closed when the future has its result.
func (f *Future[R]) Done() <-chan struct{} { return f.done }

// Result waits for the future and returns its value and error. If ctx ends
// first, it returns ctx's error; the function keeps running (cancel the
// context given to Submit to stop it).
func (f *Future[R]) Result(ctx context.Context) (R, error) {
	select {
	case <-f.done:
		return f.val, f.err
	default:
	}
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero R
		return zero, context.Cause(ctx)
	}
}

// AsCompleted yields the futures as they complete, each once, until all
// have completed or ctx ends; then it yields (nil, ctx's error) and stops.
// Breaking out of the loop is allowed at any time.
func AsCompleted[R any](ctx context.Context, futures ...*Future[R]) iter.Seq2[*Future[R], error] {
	return func(yield func(*Future[R], error) bool) {
		ch := make(chan int, len(futures))
		for i, f := range futures {
			f.notify(ch, i)
		}
		for range futures {
			select {
			case i := <-ch:
				if !yield(futures[i], nil) {
					return
				}
			case <-ctx.Done():
				yield(nil, context.Cause(ctx))
				return
			}
		}
	}
}

// Wait waits for all futures and returns the error of the first one (in
// completion order) that failed, or ctx's error if it ends first. It does
// not cancel the others.
func Wait[R any](ctx context.Context, futures ...*Future[R]) error {
	var first error
	for f, err := range AsCompleted(ctx, futures...) {
		if err != nil {
			return err
		}
		if f.err != nil && first == nil {
			first = f.err
		}
	}
	return first
}
