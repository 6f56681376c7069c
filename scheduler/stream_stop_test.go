package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/scheduler"
)

// TestStreamInfiniteInputBreak reads an input sequence that never ends,
// breaks after k results, and checks that the loop ends, that no more than
// k+window calls started, that the results were right and that no
// goroutine is left.
func TestStreamInfiniteInputBreak(t *testing.T) {
	const k, window = 25, 5
	for _, kind := range streamKinds {
		for _, m := range executionModes() {
			t.Run(kind.name+"/"+m.name, func(t *testing.T) {
				var reads, calls atomic.Int64
				opts := append(slices.Clone(m.opts), scheduler.Window(window))
				var got []int
				for v, err := range kind.stream(context.Background(), naturals(&reads), func(_ context.Context, x int) (int, error) {
					calls.Add(1)
					jitter(3, x)
					return mapRef(x), nil
				}, opts...) {
					if err != nil {
						t.Fatalf("got error %v, want nil", err)
					}
					got = append(got, v)
					if len(got) == k {
						break
					}
				}
				goleak.VerifyNone(t)
				if len(got) != k {
					t.Fatalf("results: got %v, want %v", len(got), k)
				}
				if kind.ordered {
					if want := mapRefSeq(iota0(k)); !slices.Equal(got, want) {
						t.Errorf("results: got %v, want %v", got, want)
					}
				}
				if c := calls.Load(); c > k+window {
					t.Errorf("calls started: got %v, want at most k+window = %v", c, k+window)
				}
				// One input may be read and wait for a window slot.
				if r := reads.Load(); r > k+window+1 {
					t.Errorf("inputs read: got %v, want at most %v", r, k+window+1)
				}
			})
		}
	}
}

// TestStreamBreakDefaultWindow breaks out of a stream with the default
// window (four per worker) and checks the calls started.
func TestStreamBreakDefaultWindow(t *testing.T) {
	const k, workers = 10, 3
	for _, kind := range streamKinds {
		t.Run(kind.name, func(t *testing.T) {
			var reads, calls atomic.Int64
			n := 0
			for _, err := range kind.stream(context.Background(), naturals(&reads), func(_ context.Context, x int) (int, error) {
				calls.Add(1)
				return x, nil
			}, scheduler.Workers(workers)) {
				if err != nil {
					t.Fatalf("got error %v, want nil", err)
				}
				if n++; n == k {
					break
				}
			}
			goleak.VerifyNone(t)
			if c := calls.Load(); c > k+4*workers {
				t.Errorf("calls started: got %v, want at most %v", c, k+4*workers)
			}
		})
	}
}

// TestStreamCancel cancels the context in the middle of a stream over an
// endless input and checks that the stream ends with an error that
// errors.Is matches with context.Canceled, leaving no goroutine.
func TestStreamCancel(t *testing.T) {
	for _, kind := range streamKinds {
		for _, m := range executionModes() {
			t.Run(kind.name+"/"+m.name, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				var reads atomic.Int64
				n := 0
				pairs := 0
				var last error
				for v, err := range kind.stream(ctx, naturals(&reads), func(ctx context.Context, x int) (int, error) {
					if err := ctx.Err(); err != nil {
						return 0, err
					}
					return x, nil
				}, m.opts...) {
					pairs++
					if last != nil {
						t.Fatalf("pair (%v, %v) after the error %v", v, err, last)
					}
					if err != nil {
						last = err
						continue
					}
					if n++; n == 10 {
						cancel()
					}
				}
				goleak.VerifyNone(t)
				if !errors.Is(last, context.Canceled) {
					t.Fatalf("last error: got %v, want one that errors.Is context.Canceled", last)
				}
			})
		}
	}
}

// TestStreamCancelledBefore checks that a stream with a context cancelled
// before it starts yields just the context's error and runs nothing.
func TestStreamCancelledBefore(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, kind := range streamKinds {
		for _, m := range executionModes() {
			t.Run(kind.name+"/"+m.name, func(t *testing.T) {
				var calls atomic.Int64
				pairs := drain(t, kind.stream(ctx, slices.Values(iota0(100)), func(_ context.Context, x int) (int, error) {
					calls.Add(1)
					return x, nil
				}, m.opts...))
				if len(pairs) != 1 || !errors.Is(pairs[0].err, context.Canceled) {
					t.Fatalf("pairs: got %v, want one error that errors.Is context.Canceled", pairs)
				}
				if c := calls.Load(); c != 0 {
					t.Errorf("calls: got %v, want 0", c)
				}
			})
		}
	}
}

// TestStreamBreakReleasesHeldResults breaks out of an ordered stream while
// later results wait for their turn, and checks that each result the loop
// did not receive is released exactly once, and the one it received is
// not. Known bug: consume keeps results that finished out of order in a
// local map and returns without releasing them when the loop breaks, an
// error is yielded or the context is cancelled; only the results still in
// the channel are released. (The sleep only makes the bug likely to show;
// a correct implementation passes whatever the timing.)
func TestStreamBreakReleasesHeldResults(t *testing.T) {
	for _, stop := range []string{"break", "error"} {
		t.Run(stop, func(t *testing.T) {
			var log ownedLog
			var kept *ownedInt
			later := make(chan int, 2)
			zeroDone := make(chan struct{})
			opts := []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(5), scheduler.Window(5)}
			for v, err := range scheduler.Stream(context.Background(), slices.Values(iota0(5)), func(_ context.Context, x int) (*ownedInt, error) {
				switch x {
				case 0:
					defer close(zeroDone)
					for range 2 {
						<-later
					}
					time.Sleep(20 * time.Millisecond) // let 2 and 3 reach the consumer first
					return log.make(x), nil
				case 1:
					if stop == "error" {
						// Fail only once 2 and 3 wait for their turn: an
						// error stops the reading of inputs, and 0 waits
						// for 2 and 3.
						<-zeroDone
						return nil, errHelperBoom
					}
					return log.make(x), nil
				case 4:
					return nil, fmt.Errorf("input 4: %w", errHelperBoom)
				}
				defer func() { later <- x }()
				return log.make(x), nil
			}, opts...) {
				if err != nil {
					if stop != "error" {
						t.Fatalf("got error %v, want nil", err)
					}
					break
				}
				kept = v
				if stop == "break" {
					break
				}
			}
			for _, o := range log.all() {
				want := int32(1)
				if o == kept {
					want = 0
				}
				if got := o.released.Load(); got != want {
					t.Errorf("result %d: released %d times, want %d", o.v, got, want)
				}
			}
		})
	}
}

// TestStreamStopReleasesNoNilResult stops streams early many times and
// checks that they never call Release on the zero result of an input that
// did not run. Known bug: after cancellation, work sends a zero result with
// an error for each job left, and the stream's final drain releases every
// result in the channel, calling Release on nil pointers (a crash for a
// Release that dereferences its receiver). The bug shows only when a job
// is left after the break, which is likely over many runs but not certain.
func TestStreamStopReleasesNoNilResult(t *testing.T) {
	before := nilReleases.Load()
	for range 200 {
		for _, err := range scheduler.Stream(context.Background(), naturals(new(atomic.Int64)), func(_ context.Context, x int) (*ownedInt, error) {
			return &ownedInt{v: x}, nil
		}, scheduler.WithMode(scheduler.Parallel), scheduler.Workers(4), scheduler.Window(8)) {
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			break
		}
	}
	if got := nilReleases.Load() - before; got != 0 {
		t.Errorf("Release calls on nil results: got %v, want 0", got)
	}
}

// TestStreamPanicInLoopBodyStopsStream panics in the body of the loop over
// a stream of an endless input: the panic must reach the caller unchanged
// and the stream must stop its goroutines on the way out, as for a break.
// Known bug: stream's cleanup (stopFeed, cancel, waiting for the feeder and
// workers, releasing leftovers) runs after consume returns normally, not in
// a defer, so a panic or runtime.Goexit (t.Fatal) in the loop body leaves
// the feeder and the workers blocked forever.
func TestStreamPanicInLoopBodyStopsStream(t *testing.T) {
	for _, kind := range streamKinds {
		t.Run(kind.name, func(t *testing.T) {
			got := func() (p any) {
				defer func() { p = recover() }()
				for range kind.stream(context.Background(), naturals(new(atomic.Int64)), func(_ context.Context, x int) (int, error) {
					return x, nil
				}, scheduler.Workers(3)) {
					panic("loop body")
				}
				return nil
			}()
			if got != "loop body" {
				t.Errorf("recovered: got %v, want the loop body's panic", got)
			}
			goleak.VerifyNone(t)
		})
	}
}
