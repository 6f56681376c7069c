package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// hangGuard bounds how long a test waits for something that should happen
// at once, so that a bug fails the test instead of hanging it. It is never
// used to assert speed.
const hangGuard = 20 * time.Second

// executeGuarded runs s.Execute in another goroutine and fails the test if
// it has not returned within hangGuard.
func executeGuarded(t *testing.T, ctx context.Context, s *scheduler.Scheduler, g *graph.Graph) ([]any, error) {
	t.Helper()
	type result struct {
		out []any
		err error
	}
	ch := make(chan result, 1)
	go func() {
		out, err := s.Execute(ctx, g)
		ch <- result{out, err}
	}()
	select {
	case r := <-ch:
		return r.out, r.err
	case <-time.After(hangGuard):
		t.Fatalf("Execute did not return within %v", hangGuard)
		return nil, nil
	}
}

func TestTaskErrorNamesKeyAndOp(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			b := graph.NewBuilder(8)
			var parts []graph.ID
			for i := range 6 {
				fn := constFunc(i)
				if i == 3 {
					fn = func(context.Context, []any) (any, error) {
						return nil, fmt.Errorf("line 7: %w", errTaskFailed)
					}
				}
				parts = append(parts, b.Add(graph.K("parse", i), fn, graph.Hints{Op: "read-csv(data/*.csv)"}))
			}
			b.Add(graph.Single("total"), constFunc(0), graph.Hints{Op: "sum"}, parts...)
			out, err := scheduler.New(m.opts...).Execute(context.Background(), mustBuild(t, b))
			if out != nil {
				t.Fatalf("outputs: got %v, want nil on error", out)
			}
			var te *scheduler.TaskError
			if !errors.As(err, &te) {
				t.Fatalf("error: got %T %v, want a *scheduler.TaskError", err, err)
			}
			if te.Key != graph.K("parse", 3) || te.Op != "read-csv(data/*.csv)" {
				t.Fatalf("TaskError: got key %v, op %q, want parse[3], %q", te.Key, te.Op, "read-csv(data/*.csv)")
			}
			if !errors.Is(err, errTaskFailed) {
				t.Fatalf("errors.Is(%v, errTaskFailed): got false, want true", err)
			}
			want := "read-csv(data/*.csv): task parse[3]: line 7: injected task failure"
			if err.Error() != want {
				t.Fatalf("message: got %q, want %q", err.Error(), want)
			}
		})
	}
}

// TestFailureCancelsOthers: when a task fails, a sibling blocked on its
// context returns (concurrent modes), no task starts after the failure
// (one-at-a-time modes), and the error names the failed task, not the
// cancelled sibling.
func TestFailureCancelsOthers(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			concurrent := concurrentMode(m.name, m.opts)
			started := make(chan struct{})
			var siblingErr atomic.Value
			var failedAt atomic.Int64 // order of events, to check what started after the failure
			var seq atomic.Int64
			var startedAfter atomic.Int32
			noteStart := func() {
				if failedAt.Load() != 0 {
					startedAfter.Add(1)
				}
				seq.Add(1)
			}

			b := graph.NewBuilder(8)
			var roots []graph.ID
			if concurrent {
				roots = append(roots, b.Add(graph.K("sibling", 0), func(ctx context.Context, _ []any) (any, error) {
					noteStart()
					close(started)
					select {
					case <-ctx.Done():
						siblingErr.Store(fmt.Sprint(ctx.Err()))
						return nil, ctx.Err()
					case <-time.After(hangGuard):
						siblingErr.Store("not cancelled")
						return nil, errors.New("sibling: context not cancelled")
					}
				}, graph.Hints{Op: "wait"}))
			}
			roots = append(roots, b.Add(graph.K("fail", 0), func(context.Context, []any) (any, error) {
				noteStart()
				if concurrent {
					select {
					case <-started:
					case <-time.After(hangGuard):
						return nil, errors.New("sibling never started")
					}
				}
				failedAt.Store(seq.Add(1))
				return nil, errTaskFailed
			}, graph.Hints{Op: "boom"}))
			for i := range 4 {
				roots = append(roots, b.Add(graph.K("other", i), func(context.Context, []any) (any, error) {
					noteStart()
					return i, nil
				}, graph.Hints{Op: "other"}))
			}
			b.Add(graph.Single("join"), func(context.Context, []any) (any, error) {
				return nil, errors.New("join ran although a dependency failed")
			}, graph.Hints{Op: "join"}, roots...)
			out, err := executeGuarded(t, context.Background(), scheduler.New(m.opts...), mustBuild(t, b))
			if out != nil {
				t.Fatalf("outputs: got %v, want nil", out)
			}
			var te *scheduler.TaskError
			if !errors.As(err, &te) || te.Key != graph.K("fail", 0) || te.Op != "boom" {
				t.Fatalf("error: got %v, want a *TaskError for fail[0] (boom)", err)
			}
			if !errors.Is(err, errTaskFailed) {
				t.Fatalf("errors.Is(%v, errTaskFailed): got false, want true", err)
			}
			if concurrent {
				if got := siblingErr.Load(); got != context.Canceled.Error() {
					t.Fatalf("sibling blocked on ctx.Done: got %v, want its context cancelled", got)
				}
			} else if n := startedAfter.Load(); n != 0 {
				t.Fatalf("tasks started after the failure: got %d, want 0", n)
			}
		})
	}
}

// panickingTask panics with v; its name is looked for in PanicError.Stack.
func panickingTask(v any) graph.Func {
	return func(context.Context, []any) (any, error) {
		panicWith(v)
		return nil, nil
	}
}

//go:noinline
func panicWith(v any) { panic(v) }

func TestPanicBecomesTaskError(t *testing.T) {
	wrapped := fmt.Errorf("decoding: %w", errTaskFailed)
	tests := []struct {
		name  string
		value any
		check func(t *testing.T, err error, pe *scheduler.PanicError)
	}{
		{"string", "boom", func(t *testing.T, err error, pe *scheduler.PanicError) {
			if pe.Value != "boom" {
				t.Fatalf("PanicError.Value: got %v, want boom", pe.Value)
			}
			if !strings.Contains(err.Error(), "boom") {
				t.Fatalf("message: got %q, want it to contain the panic value", err.Error())
			}
		}},
		{"error", wrapped, func(t *testing.T, err error, pe *scheduler.PanicError) {
			if !errors.Is(err, errTaskFailed) {
				t.Fatalf("errors.Is(%v, errTaskFailed): got false, want true", err)
			}
		}},
		{"runtime error", nil, func(t *testing.T, err error, pe *scheduler.PanicError) {
			var re runtime.Error
			if !errors.As(err, &re) {
				t.Fatalf("errors.As(%v, runtime.Error): got false, want true", err)
			}
		}},
		{"nil", nil, nil},
	}
	for _, m := range executionModes() {
		for _, tt := range tests {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				fn := panickingTask(tt.value)
				if tt.name == "runtime error" {
					fn = func(_ context.Context, in []any) (any, error) {
						var xs []int
						return xs[len(in)+5], nil // index out of range
					}
				}
				b := graph.NewBuilder(6)
				var parts []graph.ID
				for i := range 4 {
					parts = append(parts, b.Add(graph.K("ok", i), constFunc(i), graph.Hints{Op: "ok"}))
				}
				p := b.Add(graph.K("panics", 0), fn, graph.Hints{Op: "decode"}, parts[0])
				b.Add(graph.Single("join"), constFunc(0), graph.Hints{Op: "join"}, append(parts, p)...)
				out, err := executeGuarded(t, context.Background(), scheduler.New(m.opts...), mustBuild(t, b))
				if out != nil {
					t.Fatalf("outputs: got %v, want nil", out)
				}
				var te *scheduler.TaskError
				if !errors.As(err, &te) || te.Key != graph.K("panics", 0) || te.Op != "decode" {
					t.Fatalf("error: got %v, want a *TaskError for panics[0] (decode)", err)
				}
				var pe *scheduler.PanicError
				if !errors.As(err, &pe) {
					t.Fatalf("error: got %v, want a *scheduler.PanicError cause", err)
				}
				if len(pe.Stack) == 0 {
					t.Fatalf("PanicError.Stack: got empty, want the panicking goroutine's stack")
				}
				if tt.name != "runtime error" && !strings.Contains(string(pe.Stack), "panicWith") {
					t.Fatalf("PanicError.Stack: got\n%s\nwant it to contain the panicking function panicWith", pe.Stack)
				}
				if tt.check != nil {
					tt.check(t, err, pe)
				}
			})
		}
	}
}

// chainsGraph returns a graph of width independent chains of depth tasks,
// and a counter of the tasks that ran. With checkCtx, each task returns its
// context's error if it has one, as well-behaved tasks do; else the tasks
// ignore their context.
func chainsGraph(t *testing.T, width, depth int, checkCtx bool) (*graph.Graph, *atomic.Int32) {
	ran := new(atomic.Int32)
	b := graph.NewBuilder(width * depth)
	for i := range width {
		prev := graph.ID(-1)
		for j := range depth {
			fn := func(ctx context.Context, in []any) (any, error) {
				if checkCtx && ctx.Err() != nil {
					return nil, ctx.Err()
				}
				ran.Add(1)
				return j, nil
			}
			if prev < 0 {
				prev = b.Add(graph.K(fmt.Sprintf("chain%d", i), j), fn, graph.Hints{Op: "step"})
			} else {
				prev = b.Add(graph.K(fmt.Sprintf("chain%d", i), j), fn, graph.Hints{Op: "step"}, prev)
			}
		}
	}
	return mustBuild(t, b), ran
}

// TestCancelBeforeRun: a context cancelled (or past its deadline) before
// Execute is called gives an error matching the context's error (tasks that
// check their context; TestCancelBeforeRunIgnoredByTasks covers the others).
func TestCancelBeforeRun(t *testing.T) {
	myCause := errors.New("user pressed ^C")
	ctxs := []struct {
		name string
		ctx  func() context.Context
		want error
	}{
		{"cancel", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, context.Canceled},
		{"deadline", func() context.Context {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			cancel()
			return ctx
		}, context.DeadlineExceeded},
		{"cause", func() context.Context {
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(myCause)
			return ctx
		}, myCause},
	}
	for _, m := range executionModes() {
		for _, c := range ctxs {
			t.Run(m.name+"/"+c.name, func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				s := scheduler.New(m.opts...)
				g, _ := chainsGraph(t, 16, 64, true)
				out, err := executeGuarded(t, c.ctx(), s, g)
				if out != nil {
					t.Fatalf("outputs: got %d values, want nil", len(out))
				}
				if !errors.Is(err, c.want) {
					t.Fatalf("error: got %v, want one matching %v", err, c.want)
				}
				var te *scheduler.TaskError
				if errors.As(err, &te) {
					t.Fatalf("error: got a *TaskError for %s (%v), want a cancellation error", te.Key, err)
				}
			})
		}
	}
}

// TestCancelBeforeRunIgnoredByTasks: with a context cancelled before
// Execute, a graph whose tasks do not look at their context must not
// report success either. Inline mode checks the context before every task;
// the parallel run learns of the cancellation only from a context.AfterFunc
// goroutine and often finishes the whole graph (here 1024 tasks) first.
func TestCancelBeforeRunIgnoredByTasks(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			s := scheduler.New(m.opts...)
			for i := range 50 {
				g, ran := chainsGraph(t, 16, 64, false)
				_, err := s.Execute(ctx, g)
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("run %d: got error %v after %d tasks ran, want context.Canceled", i, err, ran.Load())
				}
			}
		})
	}
}

// TestCancelDuringRun cancels the caller's context while a task waits on
// it: Execute returns an error matching context.Canceled, the tasks that
// depend on the cancelled one never run, and no goroutine is left.
func TestCancelDuringRun(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			started := make(chan struct{})
			var after atomic.Int32
			b := graph.NewBuilder(16)
			var parts []graph.ID
			for i := range 8 {
				parts = append(parts, b.Add(graph.K("part", i), constFunc(i), graph.Hints{Op: "part"}))
			}
			blocked := b.Add(graph.K("blocked", 0), func(ctx context.Context, _ []any) (any, error) {
				close(started)
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-time.After(hangGuard):
					return nil, errors.New("context not cancelled")
				}
			}, graph.Hints{Op: "wait"}, parts...)
			b.Add(graph.K("after", 0), func(context.Context, []any) (any, error) {
				after.Add(1)
				return nil, nil
			}, graph.Hints{Op: "after"}, blocked)
			g := mustBuild(t, b)

			var once sync.Once
			go func() {
				select {
				case <-started:
					once.Do(cancel)
				case <-time.After(hangGuard):
				}
			}()
			out, err := executeGuarded(t, ctx, scheduler.New(m.opts...), g)
			if out != nil {
				t.Fatalf("outputs: got %v, want nil", out)
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("error: got %v, want one matching context.Canceled", err)
			}
			if n := after.Load(); n != 0 {
				t.Fatalf("tasks run after the cancelled one: got %d, want 0", n)
			}
		})
	}
}

// TestFusedStageErrorNamesStage: after Fuse, an error of a stage names that
// stage's key and operation, and errors.Is still reaches the cause.
func TestFusedStageErrorNamesStage(t *testing.T) {
	for _, failing := range []string{"a", "b", "c"} {
		for _, m := range executionModes() {
			t.Run(failing+"/"+m.name, func(t *testing.T) {
				g := fusedChain(t, func(name string, in []any) (any, error) {
					if name == failing {
						return nil, fmt.Errorf("stage %s: %w", name, errTaskFailed)
					}
					return name, nil
				})
				_, err := scheduler.New(m.opts...).Execute(context.Background(), g)
				if !errors.Is(err, errTaskFailed) {
					t.Fatalf("error: got %v, want one matching errTaskFailed", err)
				}
				tes := taskErrors(err)
				if len(tes) == 0 {
					t.Fatalf("error: got %v, want a *TaskError", err)
				}
				inner := tes[len(tes)-1] // the one whose cause is the stage's own error
				// The last stage's error is the fused task's own: it
				// carries the chain's joined operation.
				wantOp := failing + "-op"
				if failing == "c" {
					wantOp = "a-op → b-op → c-op"
				}
				if want := graph.K(failing, 0); inner.Key != want || inner.Op != wantOp {
					t.Fatalf("innermost TaskError: got key %v op %q, want %v %q (error %q)", inner.Key, inner.Op, want, wantOp, err)
				}
				if !strings.Contains(err.Error(), failing+"[0]") {
					t.Fatalf("message: got %q, want it to name %s[0]", err.Error(), failing)
				}
			})
		}
	}
}

// fusedChain returns the graph src → a → b → c after Fuse (one task keyed
// c[0]); stage calls fn with its name, and src returns a countedValue.
func fusedChain(t *testing.T, fn func(name string, in []any) (any, error)) *graph.Graph {
	t.Helper()
	b := graph.NewBuilder(3)
	prev := graph.ID(-1)
	for _, name := range []string{"a", "b", "c"} {
		f := func(_ context.Context, in []any) (any, error) { return fn(name, in) }
		if prev < 0 {
			prev = b.Add(graph.K(name, 0), f, graph.Hints{Op: name + "-op"})
		} else {
			prev = b.Add(graph.K(name, 0), f, graph.Hints{Op: name + "-op"}, prev)
		}
	}
	g, err := graph.Fuse(mustBuild(t, b))
	if err != nil {
		t.Fatalf("Fuse: got error %v, want nil", err)
	}
	if g.Len() != 1 {
		t.Fatalf("tasks after Fuse: got %d, want 1", g.Len())
	}
	return g
}

// TestFusedStagePanicReleasesInput: when a fused stage panics, the value
// the previous stage handed it is released, and the error names the stage
// that panicked.
func TestFusedStagePanicReleasesInput(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			av := &countedValue{}
			g := fusedChain(t, func(name string, in []any) (any, error) {
				switch name {
				case "a":
					return av, nil
				case "b":
					panic("stage b panics")
				}
				return nil, nil
			})
			_, err := scheduler.New(m.opts...).Execute(context.Background(), g)
			var pe *scheduler.PanicError
			if !errors.As(err, &pe) {
				t.Fatalf("error: got %v, want a *PanicError", err)
			}
			if got := av.released.Load(); got != 1 {
				t.Errorf("releases of stage a's value after stage b panicked: got %d, want 1", got)
			}
			if !namesTask(err, graph.K("b", 0)) {
				t.Errorf("error: got %q, want a *TaskError naming the panicking stage b[0]", err)
			}
		})
	}
}

// TestFusedStageErrorReleasesPartialResult: a value that a fused stage
// other than the last returns along with its error is released, as the
// scheduler does for a task's partial result.
func TestFusedStageErrorReleasesPartialResult(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			bv := &countedValue{}
			g := fusedChain(t, func(name string, in []any) (any, error) {
				if name == "b" {
					return bv, errTaskFailed
				}
				return name, nil
			})
			if _, err := scheduler.New(m.opts...).Execute(context.Background(), g); !errors.Is(err, errTaskFailed) {
				t.Fatalf("error: got %v, want errTaskFailed", err)
			}
			if got := bv.released.Load(); got != 1 {
				t.Fatalf("releases of stage b's partial value: got %d, want 1", got)
			}
		})
	}
}
