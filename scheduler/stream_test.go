package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// streamPair is one (value, error) pair that a stream yielded.
type streamPair[R any] struct {
	v   R
	err error
}

// drain runs the loop over seq to its end and returns every pair. It fails
// the test if a pair follows an error: an error ends a stream.
func drain[R any](t *testing.T, seq iter.Seq2[R, error]) []streamPair[R] {
	t.Helper()
	var out []streamPair[R]
	for v, err := range seq {
		if n := len(out); n > 0 && out[n-1].err != nil {
			t.Fatalf("pair %d (%v, %v) follows the error %v: want the stream to end at its error", n, v, err, out[n-1].err)
		}
		out = append(out, streamPair[R]{v, err})
	}
	return out
}

// values returns the values of pairs without error, failing the test on
// any error.
func values[R any](t *testing.T, pairs []streamPair[R]) []R {
	t.Helper()
	out := make([]R, 0, len(pairs))
	for i, p := range pairs {
		if p.err != nil {
			t.Fatalf("pair %d: got error %v, want nil", i, p.err)
		}
		out = append(out, p.v)
	}
	return out
}

// naturals is an input sequence that never ends; reads counts the inputs
// taken from it.
func naturals(reads *atomic.Int64) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; ; i++ {
			reads.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

// streamKinds are the two streaming maps, for the tests that hold for both.
var streamKinds = []struct {
	name    string
	ordered bool
	stream  func(context.Context, iter.Seq[int], func(context.Context, int) (int, error), ...scheduler.Option) iter.Seq2[int, error]
}{
	{"ordered", true, scheduler.Stream[int, int]},
	{"unordered", false, scheduler.StreamUnordered[int, int]},
}

// jitter delays a call by an amount chosen by (seed, i): nothing, a few
// yields of the processor, or (one time in sixteen) a short sleep, so that
// calls finish in an order unrelated to their inputs.
func jitter(seed uint64, i int) {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	switch d := r.IntN(16); {
	case d == 0:
		time.Sleep(time.Duration(10+r.IntN(40)) * time.Microsecond)
	case d < 4:
		for range d * 3 {
			runtime.Gosched()
		}
	}
}

// TestStreamInputOrderWithJitter checks that Stream yields exactly the
// sequential results, in input order, while calls finish in random order,
// in every mode and for several windows.
func TestStreamInputOrderWithJitter(t *testing.T) {
	for _, m := range executionModes() {
		for _, window := range []int{0, 1, 3, 16} {
			t.Run(fmt.Sprintf("%s/window=%d", m.name, window), func(t *testing.T) {
				in := iota0(300)
				opts := append(slices.Clone(m.opts), scheduler.Window(window))
				got := values(t, drain(t, scheduler.Stream(context.Background(), slices.Values(in), func(_ context.Context, x int) (int, error) {
					jitter(uint64(window), x)
					return mapRef(x), nil
				}, opts...)))
				if !slices.Equal(got, mapRefSeq(in)) {
					t.Fatalf("Stream: got %v, want %v", got, mapRefSeq(in))
				}
			})
		}
	}
}

// TestStreamLaterInputsFinishFirst forces the calls to finish in reverse
// input order with gates and checks that Stream still yields input order.
func TestStreamLaterInputsFinishFirst(t *testing.T) {
	const n = 8
	gates := make([]chan struct{}, n)
	finished := make([]chan struct{}, n)
	for i := range n {
		gates[i], finished[i] = make(chan struct{}), make(chan struct{})
	}
	var order []int // written by one call at a time: each waits for its gate
	go func() {
		for i := n - 1; i >= 0; i-- {
			close(gates[i])
			<-finished[i]
		}
	}()
	opts := []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(n), scheduler.Window(n)}
	got := values(t, drain(t, scheduler.Stream(context.Background(), slices.Values(iota0(n)), func(_ context.Context, x int) (int, error) {
		<-gates[x]
		order = append(order, x)
		close(finished[x])
		return 10 * x, nil
	}, opts...)))
	if want := []int{7, 6, 5, 4, 3, 2, 1, 0}; !slices.Equal(order, want) {
		t.Errorf("completion order: got %v, want %v", order, want)
	}
	if want := []int{0, 10, 20, 30, 40, 50, 60, 70}; !slices.Equal(got, want) {
		t.Errorf("yielded: got %v, want %v", got, want)
	}
}

// TestStreamUnorderedCompletionOrder lets one call finish at a time, in a
// shuffled order, each after the previous result was yielded, and checks
// that StreamUnordered yields that order.
func TestStreamUnorderedCompletionOrder(t *testing.T) {
	const n = 8
	for seed := range uint64(5) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			perm := iota0(n)
			rand.New(rand.NewPCG(seed, 1)).Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			gates := make([]chan struct{}, n)
			for i := range gates {
				gates[i] = make(chan struct{})
			}
			close(gates[perm[0]])
			opts := []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(n), scheduler.Window(n)}
			var got []int
			for v, err := range scheduler.StreamUnordered(context.Background(), slices.Values(iota0(n)), func(ctx context.Context, x int) (int, error) {
				select {
				case <-gates[x]:
					return x, nil
				case <-ctx.Done(): // only if the test fails and breaks
					return 0, ctx.Err()
				}
			}, opts...) {
				if err != nil {
					t.Fatalf("got error %v, want nil", err)
				}
				got = append(got, v)
				if len(got) < n {
					close(gates[perm[len(got)]])
				}
			}
			if !slices.Equal(got, perm) {
				t.Fatalf("yield order: got %v, want %v", got, perm)
			}
		})
	}
}

// TestStreamUnorderedAllResults checks that StreamUnordered yields every
// result exactly once in every mode.
func TestStreamUnorderedAllResults(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			in := iota0(500)
			got := values(t, drain(t, scheduler.StreamUnordered(context.Background(), slices.Values(in), func(_ context.Context, x int) (int, error) {
				jitter(7, x)
				return mapRef(x), nil
			}, m.opts...)))
			slices.Sort(got)
			if !slices.Equal(got, mapRefSeq(in)) { // mapRef is increasing
				t.Fatalf("sorted results: got %v, want %v", got, mapRefSeq(in))
			}
		})
	}
}

// TestStreamWindowBoundsHeldInputs counts the inputs that a call started
// for and whose result the loop body has not finished with, and checks that
// it never exceeds the window.
func TestStreamWindowBoundsHeldInputs(t *testing.T) {
	for _, kind := range streamKinds {
		for _, workers := range []int{1, 2, 4, 8} {
			for _, window := range []int{1, 2, 3, 8} {
				t.Run(fmt.Sprintf("%s/workers=%d/window=%d", kind.name, workers, window), func(t *testing.T) {
					var held, most atomic.Int64
					opts := []scheduler.Option{scheduler.Workers(workers), scheduler.Window(window)}
					n := 0
					for _, err := range kind.stream(context.Background(), slices.Values(iota0(200)), func(_ context.Context, x int) (int, error) {
						h := held.Add(1)
						for m := most.Load(); h > m && !most.CompareAndSwap(m, h); m = most.Load() {
						}
						jitter(uint64(window), x)
						return x, nil
					}, opts...) {
						if err != nil {
							t.Fatalf("got error %v, want nil", err)
						}
						n++
						for range n % 4 { // hold the result a little
							runtime.Gosched()
						}
						held.Add(-1)
					}
					if n != 200 {
						t.Errorf("results: got %v, want 200", n)
					}
					if got := most.Load(); got > int64(window) {
						t.Errorf("most inputs held at once: got %v, want at most %v", got, window)
					}
				})
			}
		}
	}
}

// TestStreamWindowExactBound checks the exact window: with Window(1), the
// call for input 1 must not start while the result of input 0 is being
// yielded. Known bug: consume frees the window slot of a result before it
// calls yield, so the next input starts while the loop body still holds
// the previous result: Window(n) holds n+1 inputs. (The wait below only
// gives a wrong implementation time to show itself; a correct one passes
// whatever the timing.)
func TestStreamWindowExactBound(t *testing.T) {
	for _, kind := range streamKinds {
		t.Run(kind.name, func(t *testing.T) {
			started := make(chan int, 3)
			opts := []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(2), scheduler.Window(1)}
			for v, err := range kind.stream(context.Background(), slices.Values(iota0(3)), func(_ context.Context, x int) (int, error) {
				started <- x
				return x, nil
			}, opts...) {
				if err != nil {
					t.Fatalf("got error %v, want nil", err)
				}
				<-started // this result's own call
				if v > 0 {
					continue
				}
				select {
				case x := <-started:
					t.Fatalf("input %d started while the result of input %d was being yielded with Window(1)", x, v)
				case <-time.After(50 * time.Millisecond):
				}
			}
		})
	}
}

// TestStreamOrderedError checks that after a failure Stream yields the
// results of all inputs before the first failing one, in order, then its
// *TaskError (op[i]) and ends, even when later inputs fail first.
func TestStreamOrderedError(t *testing.T) {
	failing := map[int]bool{57: true, 58: true, 90: true, 120: true}
	for _, m := range executionModes() {
		for _, op := range []string{"", "parse"} {
			t.Run(fmt.Sprintf("%s/op=%q", m.name, op), func(t *testing.T) {
				opts := slices.Clone(m.opts)
				wantOp := "stream"
				if op != "" {
					opts, wantOp = append(opts, scheduler.Op(op)), op
				}
				pairs := drain(t, scheduler.Stream(context.Background(), slices.Values(iota0(200)), func(_ context.Context, x int) (int, error) {
					if failing[x] {
						return 0, fmt.Errorf("input %d: %w", x, errHelperBoom)
					}
					if x < 57 {
						jitter(11, x) // let the later failures come first
					}
					return mapRef(x), nil
				}, opts...))
				if len(pairs) != 58 {
					t.Fatalf("pairs: got %v, want 57 results and an error", len(pairs))
				}
				if got, want := values(t, pairs[:57]), mapRefSeq(iota0(57)); !slices.Equal(got, want) {
					t.Errorf("results before the error: got %v, want %v", got, want)
				}
				err := pairs[57].err
				if !errors.Is(err, errHelperBoom) {
					t.Fatalf("last pair: got error %v, want errHelperBoom", err)
				}
				if te := outerTaskError(t, err); te.Key != graph.K(wantOp, 57) || te.Op != wantOp {
					t.Errorf("TaskError: got key %v op %q, want key %v op %q", te.Key, te.Op, graph.K(wantOp, 57), wantOp)
				}
			})
		}
	}
}

// TestStreamUnorderedError checks that StreamUnordered yields the
// *TaskError of the failing input as the stream's last pair.
func TestStreamUnorderedError(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			var calls atomic.Int64
			pairs := drain(t, scheduler.StreamUnordered(context.Background(), slices.Values(iota0(200)), func(_ context.Context, x int) (int, error) {
				calls.Add(1)
				if x == 57 {
					return 0, errHelperBoom
				}
				return mapRef(x), nil
			}, m.opts...))
			if len(pairs) == 0 {
				t.Fatal("got no pairs, want results and an error")
			}
			last := pairs[len(pairs)-1]
			if !errors.Is(last.err, errHelperBoom) {
				t.Fatalf("last pair: got error %v, want errHelperBoom", last.err)
			}
			if te := outerTaskError(t, last.err); te.Key != graph.K("stream", 57) {
				t.Errorf("TaskError.Key: got %v, want stream[57]", te.Key)
			}
			seen := map[int]bool{}
			for _, v := range values(t, pairs[:len(pairs)-1]) {
				if seen[v] {
					t.Errorf("result %d yielded twice", v)
				}
				seen[v] = true
			}
			if c := calls.Load(); c == 200 && len(pairs) == 200 {
				t.Logf("every input ran before the error was seen (allowed)")
			}
		})
	}
}

// TestStreamPanic checks that a panic ends the stream with a *TaskError
// whose cause is a *PanicError.
func TestStreamPanic(t *testing.T) {
	for _, kind := range streamKinds {
		for _, m := range executionModes() {
			t.Run(kind.name+"/"+m.name, func(t *testing.T) {
				pairs := drain(t, kind.stream(context.Background(), slices.Values(iota0(20)), func(_ context.Context, x int) (int, error) {
					if x == 5 {
						panic("stream kaboom")
					}
					return x, nil
				}, m.opts...))
				if len(pairs) == 0 {
					t.Fatal("got no pairs, want an error")
				}
				err := pairs[len(pairs)-1].err
				var pe *scheduler.PanicError
				if !errors.As(err, &pe) || pe.Value != "stream kaboom" {
					t.Fatalf("last pair: got error %v, want a *PanicError with value %q", err, "stream kaboom")
				}
				if te := outerTaskError(t, err); te.Key != graph.K("stream", 5) {
					t.Errorf("TaskError.Key: got %v, want stream[5]", te.Key)
				}
				if kind.ordered {
					if got := values(t, pairs[:len(pairs)-1]); !slices.Equal(got, iota0(5)) {
						t.Errorf("results before the panic: got %v, want %v", got, iota0(5))
					}
				}
			})
		}
	}
}

// TestStreamNilFuncAndInputs checks the degenerate streams: a nil function
// yields ErrNilFunc once; nil or empty inputs yield nothing.
func TestStreamNilFuncAndInputs(t *testing.T) {
	for _, kind := range streamKinds {
		t.Run(kind.name, func(t *testing.T) {
			pairs := drain(t, kind.stream(context.Background(), slices.Values(iota0(3)), nil))
			if len(pairs) != 1 || !errors.Is(pairs[0].err, scheduler.ErrNilFunc) {
				t.Errorf("nil fn: got %v, want one ErrNilFunc", pairs)
			}
			id := func(_ context.Context, x int) (int, error) { return x, nil }
			if pairs := drain(t, kind.stream(context.Background(), nil, id)); len(pairs) != 0 {
				t.Errorf("nil inputs: got %v, want no pairs", pairs)
			}
			if pairs := drain(t, kind.stream(context.Background(), slices.Values([]int{}), id)); len(pairs) != 0 {
				t.Errorf("empty inputs: got %v, want no pairs", pairs)
			}
		})
	}
}

// TestStreamInlineModeRunsOneCallAtATime checks that WithMode(Inline)
// runs one call at a time, as it does for Map and Compute. Known bug: the
// streams ignore the mode and run Workers calls at once. (The wait only
// gives a wrong implementation time to show itself.)
func TestStreamInlineModeRunsOneCallAtATime(t *testing.T) {
	for _, kind := range streamKinds {
		t.Run(kind.name, func(t *testing.T) {
			started := make(chan int, 4)
			opts := []scheduler.Option{scheduler.WithMode(scheduler.Inline), scheduler.Workers(4)}
			for _, err := range kind.stream(context.Background(), slices.Values(iota0(4)), func(_ context.Context, x int) (int, error) {
				if x > 0 {
					started <- x
					return x, nil
				}
				select {
				case y := <-started:
					return 0, fmt.Errorf("input %d started while input 0 ran in inline mode", y)
				case <-time.After(50 * time.Millisecond):
					return x, nil
				}
			}, opts...) {
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
