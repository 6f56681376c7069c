package scheduler

import (
	"context"
	"iter"
	"sync"
	"time"

	"github.com/dusk-go/dusk/graph"
)

// Stream applies fn to the inputs on the workers and yields the results in
// input order as they become available (a process pool's imap). At most
// Window inputs (default four per worker) are held at once, in flight or
// finished and waiting for their turn, so inputs may be a sequence of any
// length: it is read only as fast as results are consumed.
//
// The first error (or panic) of fn stops the reading of inputs; the
// results of the inputs before it are yielded, then the error, as a
// *[TaskError] whose key is op[i] for input i (op is "stream" unless the
// [Op] option names it), and the sequence ends. Breaking out of the loop
// cancels the calls in flight and waits for them: when the loop is over, no
// goroutine of the stream is left. A cancelled ctx ends the sequence with an
// error that errors.Is matches with context.Canceled.
func Stream[T, R any](ctx context.Context, inputs iter.Seq[T], fn func(context.Context, T) (R, error), opts ...Option) iter.Seq2[R, error] {
	return stream(ctx, inputs, fn, true, opts)
}

// StreamUnordered is [Stream] yielding each result as soon as it is ready,
// in completion order (imap_unordered, as_completed). The first error is
// yielded as soon as it happens and ends the sequence.
func StreamUnordered[T, R any](ctx context.Context, inputs iter.Seq[T], fn func(context.Context, T) (R, error), opts ...Option) iter.Seq2[R, error] {
	return stream(ctx, inputs, fn, false, opts)
}

type streamResult[R any] struct {
	i   int
	r   R
	err error
}

func stream[T, R any](parent context.Context, inputs iter.Seq[T], fn func(context.Context, T) (R, error), ordered bool, opts []Option) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		var zero R
		if fn == nil {
			yield(zero, ErrNilFunc)
			return
		}
		if inputs == nil {
			return
		}
		c := helperConfig(opts)
		op := c.op
		if op == "" {
			op = "stream"
		}
		if c.mode == Inline {
			c.workers = 1 // one call at a time
		}
		window := c.streamWindow()
		c.workers = min(c.workers, window) // more could never have work
		s := &streamRun[T, R]{
			fn: fn, op: op, obs: c.observer, id: runIDs.Add(1),
			jobs:    make(chan streamJob[T]),
			results: make(chan streamResult[R], window),
			slots:   make(chan struct{}, window),
		}
		ctx, cancel := context.WithCancelCause(parent)
		feedCtx, stopFeed := context.WithCancel(ctx)
		start := time.Now()
		if s.obs != nil {
			s.obs.RunStarted(RunInfo{Run: s.id, Tasks: -1, Workers: c.workers, Start: start})
		}
		var feeder, workers sync.WaitGroup
		feeder.Add(1)
		go func() {
			defer feeder.Done()
			s.feed(feedCtx, inputs)
		}()
		perWorker := make([]int64, c.workers)
		for w := range c.workers {
			workers.Add(1)
			go func() {
				defer workers.Done()
				perWorker[w] = s.work(ctx, w)
			}()
		}
		closed := make(chan struct{})
		go func() {
			workers.Wait()
			close(s.results)
			close(closed)
		}()

		// Cleanup is deferred so that a panic or runtime.Goexit in the
		// loop body ends the stream like a break.
		err := errBreak
		defer func() {
			stopFeed()
			cancel(err)
			feeder.Wait()
			<-closed
			for r := range s.results { // results nobody will see: release them
				if r.err == nil {
					release(r.r)
				}
			}
			if s.obs == nil {
				return
			}
			var tasks int64
			for _, n := range perWorker {
				tasks += n
			}
			if err == errBreak {
				err = nil
			}
			s.obs.RunFinished(RunSummary{Run: s.id, Start: start, Duration: time.Since(start), Tasks: int(tasks), TasksPerWorker: perWorker, Err: err})
		}()
		err = s.consume(parent, ordered, stopFeed, yield)
	}
}

type streamJob[T any] struct {
	i int
	v T
}

type streamRun[T, R any] struct {
	fn      func(context.Context, T) (R, error)
	op      string
	obs     Observer
	id      uint64
	jobs    chan streamJob[T]
	results chan streamResult[R]
	// slots holds a token for every input taken and not yet yielded: it
	// bounds what the stream holds to the window. results has room for a
	// whole window, so workers never block on it.
	slots chan struct{}
	// feedErr is a panic of the input sequence; written before jobs is
	// closed, read after results is.
	feedErr error
}

// feed reads the inputs, taking a window slot for each, until they end or
// ctx is cancelled; it closes jobs when it stops.
func (s *streamRun[T, R]) feed(ctx context.Context, inputs iter.Seq[T]) {
	defer close(s.jobs)
	i := 0
	defer func() {
		// The input sequence runs here, not in the caller's goroutine: a
		// panic in it becomes the stream's error for input i.
		if p := recover(); p != nil {
			s.feedErr = &TaskError{Key: graph.K(s.op, i), Op: s.op, Err: newPanicError(p)}
		}
	}()
	for v := range inputs {
		select {
		case s.slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		select {
		case s.jobs <- streamJob[T]{i: i, v: v}:
		case <-ctx.Done():
			return
		}
		i++
	}
}

// work runs jobs until there are no more and returns how many it ran. After
// cancellation it drains the jobs without running them.
func (s *streamRun[T, R]) work(ctx context.Context, w int) int64 {
	var ran int64
	for j := range s.jobs {
		if ctx.Err() != nil {
			s.results <- streamResult[R]{i: j.i, err: context.Cause(ctx)}
			continue
		}
		key := graph.K(s.op, j.i)
		var ev TaskEvent
		if s.obs != nil {
			ev = TaskEvent{Run: s.id, Key: key, Op: s.op, Worker: w, Start: time.Now()}
			s.obs.TaskStarted(ev)
		}
		r, err := callTyped(ctx, s.fn, j.v)
		if s.obs != nil {
			ev.End, ev.Err = time.Now(), err
			if err == nil {
				ev.Bytes = resultBytes(r, 0)
			}
			s.obs.TaskFinished(ev)
		}
		if err != nil {
			err = &TaskError{Key: key, Op: s.op, Err: err}
		}
		ran++
		s.results <- streamResult[R]{i: j.i, r: r, err: err}
	}
	return ran
}

// consume yields results, in input order when ordered, until the inputs are
// done, an error happens or the loop breaks (errBreak). It returns the error
// that ended the stream.
func (s *streamRun[T, R]) consume(parent context.Context, ordered bool, stopFeed func(), yield func(R, error) bool) error {
	var zero R
	pending := map[int]streamResult[R]{}
	defer func() {
		for _, r := range pending { // waiting for their turn when the stream stopped
			if r.err == nil {
				release(r.r)
			}
		}
	}()
	next, yielded := 0, 0
	failedAt := -1
	var failure error
	for {
		res, ok := <-s.results
		if !ok {
			break
		}
		if res.err != nil && parent.Err() != nil {
			err := cancelled(context.Cause(parent), yielded, -1)
			yield(zero, err)
			return err
		}
		if !ordered {
			if res.err != nil {
				yield(zero, res.err)
				return res.err
			}
			more := yield(res.r, nil)
			<-s.slots
			yielded++
			if !more {
				return errBreak
			}
			continue
		}
		if res.err != nil && (failedAt < 0 || res.i < failedAt) {
			// Read no more inputs; the ones before this one still finish.
			failedAt, failure = res.i, res.err
			stopFeed()
		}
		pending[res.i] = res
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if r.err != nil {
				yield(zero, r.err)
				return r.err
			}
			more := yield(r.r, nil)
			<-s.slots
			next++
			yielded++
			if !more {
				return errBreak
			}
		}
	}
	if parent.Err() != nil {
		err := cancelled(context.Cause(parent), yielded, -1)
		yield(zero, err)
		return err
	}
	if failure == nil {
		failure = s.feedErr
	}
	if failure != nil {
		yield(zero, failure)
		return failure
	}
	return nil
}

// callTyped runs a typed user function, turning a panic into a *PanicError.
func callTyped[T, R any](ctx context.Context, fn func(context.Context, T) (R, error), v T) (r R, err error) {
	defer func() {
		if p := recover(); p != nil {
			var zero R
			r, err = zero, newPanicError(p)
		}
	}()
	return fn(ctx, v)
}
