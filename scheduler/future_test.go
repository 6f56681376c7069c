package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// gatedFutures submits n futures to a scheduler with n workers, so that all
// run at once; future i returns 10*i once gate i is closed, or the error
// that fail(i) gives when it is not nil.
func gatedFutures(t *testing.T, n int, fail func(i int) error) ([]*scheduler.Future[int], []chan struct{}) {
	t.Helper()
	s := scheduler.New(scheduler.Workers(n))
	futures := make([]*scheduler.Future[int], n)
	gates := make([]chan struct{}, n)
	for i := range n {
		gates[i] = make(chan struct{})
		futures[i] = scheduler.Submit(context.Background(), func(context.Context) (int, error) {
			<-gates[i]
			if fail != nil {
				if err := fail(i); err != nil {
					return 0, err
				}
			}
			return 10 * i, nil
		}, s)
	}
	return futures, gates
}

// openAll closes the gates not closed yet and waits for the futures, so
// that no goroutine outlives the test.
func openAll(futures []*scheduler.Future[int], gates []chan struct{}, opened []bool) {
	for i, g := range gates {
		if !opened[i] {
			close(g)
		}
	}
	for _, f := range futures {
		<-f.Done()
	}
}

// TestSubmitResult checks the values of many futures, submitted with each
// mode's scheduler.
func TestSubmitResult(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			s := scheduler.New(m.opts...)
			var futures []*scheduler.Future[string]
			for i := range 50 {
				futures = append(futures, scheduler.Submit(context.Background(), func(context.Context) (string, error) {
					return fmt.Sprint(mapRef(i)), nil
				}, s))
			}
			keys := map[graph.Key]bool{}
			for i, f := range futures {
				v, err := f.Result(context.Background())
				if err != nil || v != fmt.Sprint(mapRef(i)) {
					t.Errorf("future %d: got (%q, %v), want (%q, nil)", i, v, err, fmt.Sprint(mapRef(i)))
				}
				if keys[f.Key()] || f.Key().Name != "submit" {
					t.Errorf("future %d: key %v is repeated or not submit[n]", i, f.Key())
				}
				keys[f.Key()] = true
				select {
				case <-f.Done():
				default:
					t.Errorf("future %d: Done not closed after Result returned", i)
				}
			}
		})
	}
}

// TestSubmitError checks that an error or a panic of the function comes
// back from Result as a *TaskError naming the future's key and operation.
func TestSubmitError(t *testing.T) {
	s := scheduler.New(scheduler.Workers(2))
	t.Run("error", func(t *testing.T) {
		f := scheduler.Submit(context.Background(), func(context.Context) (int, error) {
			return 0, fmt.Errorf("fetching: %w", errHelperBoom)
		}, s, scheduler.Op("fetch"))
		_, err := f.Result(context.Background())
		if !errors.Is(err, errHelperBoom) {
			t.Fatalf("got error %v, want errHelperBoom", err)
		}
		te := outerTaskError(t, err)
		if te.Key != f.Key() || te.Key.Name != "fetch" || te.Op != "fetch" {
			t.Errorf("TaskError: got key %v op %q, want key %v op fetch", te.Key, te.Op, f.Key())
		}
	})
	t.Run("panic", func(t *testing.T) {
		f := scheduler.Submit(context.Background(), func(context.Context) (int, error) {
			panic("future kaboom")
		}, s)
		_, err := f.Result(context.Background())
		var pe *scheduler.PanicError
		if !errors.As(err, &pe) || pe.Value != "future kaboom" {
			t.Fatalf("got error %v, want a *PanicError with value %q", err, "future kaboom")
		}
		if te := outerTaskError(t, err); te.Key != f.Key() || te.Op != "submit" {
			t.Errorf("TaskError: got key %v op %q, want key %v op submit", te.Key, te.Op, f.Key())
		}
	})
	t.Run("nil func", func(t *testing.T) {
		f := scheduler.Submit[int](context.Background(), nil, s)
		if _, err := f.Result(context.Background()); !errors.Is(err, scheduler.ErrNilFunc) {
			t.Fatalf("got error %v, want ErrNilFunc", err)
		}
	})
}

// TestSubmitSchedulerLimit submits 20 futures to a scheduler with two
// workers and checks that no more than two ever run at once.
func TestSubmitSchedulerLimit(t *testing.T) {
	s := scheduler.New(scheduler.Workers(2))
	var running, most atomic.Int64
	var futures []*scheduler.Future[int]
	for i := range 20 {
		futures = append(futures, scheduler.Submit(context.Background(), func(context.Context) (int, error) {
			r := running.Add(1)
			for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
			}
			for range 20 {
				runtime.Gosched()
			}
			running.Add(-1)
			return i, nil
		}, s))
	}
	if err := scheduler.Wait(context.Background(), futures...); err != nil {
		t.Fatalf("Wait: got error %v, want nil", err)
	}
	for i, f := range futures {
		if v, err := f.Result(context.Background()); v != i || err != nil {
			t.Errorf("future %d: got (%v, %v), want (%v, nil)", i, v, err, i)
		}
	}
	if got := most.Load(); got > 2 {
		t.Errorf("futures running at once: got %v, want at most 2", got)
	}
}

// TestSubmitCancelledWhileWaiting cancels the context of a future that
// waits for a place on a full scheduler: it fails with the context's error
// and its function never runs.
func TestSubmitCancelledWhileWaiting(t *testing.T) {
	s := scheduler.New(scheduler.Workers(1))
	hold := make(chan struct{})
	blocker := scheduler.Submit(context.Background(), func(context.Context) (int, error) {
		<-hold
		return 1, nil
	}, s)
	ctx, cancel := context.WithCancel(context.Background())
	var ran atomic.Bool
	f := scheduler.Submit(ctx, func(context.Context) (int, error) {
		ran.Store(true)
		return 2, nil
	}, s)
	cancel()
	<-f.Done() // before the place frees up
	close(hold)
	if _, err := f.Result(context.Background()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled future: got error %v, want one that errors.Is context.Canceled", err)
	}
	if ran.Load() {
		t.Errorf("cancelled future's function ran, want it not run")
	}
	if v, err := blocker.Result(context.Background()); v != 1 || err != nil {
		t.Errorf("blocker: got (%v, %v), want (1, nil)", v, err)
	}
}

// TestSubmitCancelledBeforeStart submits futures with a context cancelled
// beforehand to a scheduler with free places: none may run. (Submit's
// goroutine once selected between taking a place and ctx.Done(), and
// select picks at random when both are ready, so about half ran.)
func TestSubmitCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := scheduler.New(scheduler.Workers(4))
	var ran atomic.Int64
	var futures []*scheduler.Future[int]
	for range 100 {
		futures = append(futures, scheduler.Submit(ctx, func(context.Context) (int, error) {
			ran.Add(1)
			return 1, nil
		}, s))
	}
	for i, f := range futures {
		if _, err := f.Result(context.Background()); !errors.Is(err, context.Canceled) {
			t.Errorf("future %d: got error %v, want one that errors.Is context.Canceled", i, err)
		}
	}
	if got := ran.Load(); got != 0 {
		t.Errorf("functions run: got %v, want 0", got)
	}
}

// TestFutureResultExpiredContext checks that Result returns the error of
// its own context when that ends before the future, and the value later.
func TestFutureResultExpiredContext(t *testing.T) {
	futures, gates := gatedFutures(t, 1, nil)
	ctx, cancel := context.WithTimeout(context.Background(), -1)
	defer cancel()
	if _, err := futures[0].Result(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Result(expired ctx): got error %v, want context.DeadlineExceeded", err)
	}
	close(gates[0])
	if v, err := futures[0].Result(context.Background()); v != 0 || err != nil {
		t.Errorf("Result after the gate: got (%v, %v), want (0, nil)", v, err)
	}
}

// TestFutureResultOfDoneFutureWithExpiredContext checks that Result of a
// future that has finished returns its value even with an ended context:
// the future ended first. Known bug: Result selects on f.done and
// ctx.Done() together, and select picks at random when both are ready.
func TestFutureResultOfDoneFutureWithExpiredContext(t *testing.T) {
	f := scheduler.Submit(context.Background(), func(context.Context) (int, error) { return 7, nil })
	<-f.Done()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 50 {
		if v, err := f.Result(ctx); v != 7 || err != nil {
			t.Fatalf("Result: got (%v, %v), want (7, nil)", v, err)
		}
	}
}

// TestAsCompletedOrder lets the futures finish one at a time in a shuffled
// order, each after the previous one was yielded, and checks that
// AsCompleted yields them in that order, each once.
func TestAsCompletedOrder(t *testing.T) {
	const n = 8
	for seed := range uint64(4) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			perm := iota0(n)
			rand.New(rand.NewPCG(seed, 2)).Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			futures, gates := gatedFutures(t, n, nil)
			close(gates[perm[0]])
			var got []int
			for f, err := range scheduler.AsCompleted(context.Background(), futures...) {
				if err != nil {
					t.Fatalf("got error %v, want nil", err)
				}
				v, err := f.Result(context.Background())
				if err != nil {
					t.Fatalf("Result: got error %v, want nil", err)
				}
				got = append(got, v/10)
				if len(got) < n {
					close(gates[perm[len(got)]])
				}
			}
			if !slices.Equal(got, perm) {
				t.Fatalf("completion order: got %v, want %v", got, perm)
			}
		})
	}
}

// TestAsCompletedBreak breaks out of AsCompleted after two futures; the
// others finish later without blocking anything.
func TestAsCompletedBreak(t *testing.T) {
	const n = 6
	futures, gates := gatedFutures(t, n, nil)
	opened := make([]bool, n)
	close(gates[4])
	opened[4] = true
	k := 0
	for f, err := range scheduler.AsCompleted(context.Background(), futures...) {
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		k++
		if k == 1 {
			if f != futures[4] {
				t.Errorf("first yielded: got future %v, want future 4", f.Key())
			}
			close(gates[1])
			opened[1] = true
			continue
		}
		if f != futures[1] {
			t.Errorf("second yielded: got future %v, want future 1", f.Key())
		}
		break
	}
	if k != 2 {
		t.Errorf("futures yielded: got %v, want 2", k)
	}
	openAll(futures, gates, opened)
}

// TestAsCompletedContextEnds checks that AsCompleted yields (nil, ctx's
// error) and stops when its context ends before the futures do.
func TestAsCompletedContextEnds(t *testing.T) {
	futures, gates := gatedFutures(t, 3, nil)
	opened := []bool{true, false, false}
	close(gates[0])
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var yielded []*scheduler.Future[int]
	var last error
	for f, err := range scheduler.AsCompleted(ctx, futures...) {
		if last != nil {
			t.Fatalf("pair (%v, %v) after the error %v", f, err, last)
		}
		if err != nil {
			last = err
			if f != nil {
				t.Errorf("future with the error: got %v, want nil", f.Key())
			}
			continue
		}
		yielded = append(yielded, f)
		cancel() // futures 1 and 2 are still gated
	}
	if len(yielded) != 1 || yielded[0] != futures[0] {
		t.Errorf("yielded: got %d futures, want future 0 only", len(yielded))
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("last error: got %v, want context.Canceled", last)
	}
	if err := scheduler.Wait(ctx, futures...); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait(cancelled ctx): got %v, want context.Canceled", err)
	}
	openAll(futures, gates, opened)
}

// TestWaitFirstError checks that Wait returns the error of the future that
// failed first, in completion order, after waiting for all of them.
func TestWaitFirstError(t *testing.T) {
	errA, errB := errors.New("a failed"), errors.New("b failed")
	futures, gates := gatedFutures(t, 4, func(i int) error {
		switch i {
		case 1:
			return errA
		case 2:
			return errB
		}
		return nil
	})
	go func() {
		for _, i := range []int{0, 2, 3, 1} {
			close(gates[i])
			<-futures[i].Done()
		}
	}()
	err := scheduler.Wait(context.Background(), futures...)
	if !errors.Is(err, errB) || errors.Is(err, errA) {
		t.Fatalf("Wait: got %v, want the error of future 2 (b failed)", err)
	}
	if te := outerTaskError(t, err); te.Key != futures[2].Key() {
		t.Errorf("TaskError.Key: got %v, want %v", te.Key, futures[2].Key())
	}
	for i, f := range futures {
		select {
		case <-f.Done():
		default:
			t.Errorf("future %d not done when Wait returned", i)
		}
	}

	ok, okGates := gatedFutures(t, 3, nil)
	for _, g := range okGates {
		close(g)
	}
	if err := scheduler.Wait(context.Background(), ok...); err != nil {
		t.Errorf("Wait(all succeed): got %v, want nil", err)
	}
	if err := scheduler.Wait[int](context.Background()); err != nil {
		t.Errorf("Wait(no futures): got %v, want nil", err)
	}
}
