package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// randomGraphsPerMode is how many random graphs each execution mode runs,
// each raw and after every pass: about 12,000 executions in all.
const randomGraphsPerMode = 400

// TestExecuteRandomDAGs compares the scheduler's outputs with a sequential
// reference evaluation over random graphs, raw and after each optimization
// pass, in every execution mode. It also checks that every task runs at most
// once (exactly once in the raw graph), never sees a released input, and
// that the executor releases each intermediate value exactly once and no
// output.
func TestExecuteRandomDAGs(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			s := scheduler.New(m.opts...)
			for seed := range uint64(randomGraphsPerMode) {
				spec := randomDAG(rand.New(rand.NewPCG(seed, 0x5eed)))
				want := spec.reference()
				for _, p := range graphPasses() {
					reg := newValueRegistry(len(spec.tasks))
					g, err := p.apply(spec.build(t, reg, nil))
					if err != nil {
						t.Fatalf("seed %d: %s: got error %v, want nil", seed, p.name, err)
					}
					out, err := s.Execute(context.Background(), g)
					if err != nil {
						t.Fatalf("seed %d, %s: Execute: got error %v, want nil", seed, p.name, err)
					}
					checkOutputs(t, fmt.Sprintf("seed %d, %s", seed, p.name), &spec, g, reg, out, want, p.name == "raw")
				}
			}
		})
	}
}

// checkOutputs checks one successful execution of a graph built from spec:
// the outputs' values, how often each task ran, and the releases. It then
// releases the outputs, as their owner.
func checkOutputs(t *testing.T, where string, spec *dagSpec, g *graph.Graph, reg *valueRegistry, out []any, want []uint64, raw bool) {
	t.Helper()
	if len(out) != len(spec.outputs) {
		t.Fatalf("%s: len(outputs): got %v, want %v", where, len(out), len(spec.outputs))
	}
	isOut := map[*countedValue]bool{}
	for i, o := range out {
		v, ok := o.(*countedValue)
		if !ok {
			t.Fatalf("%s: output %d: got %T, want *countedValue", where, i, o)
		}
		if w := want[spec.outputs[i]]; v.val != w {
			t.Fatalf("%s: output %d (%s): got %#x, want %#x", where, i, spec.tasks[spec.outputs[i]].key, v.val, w)
		}
		isOut[v] = true
	}

	// A task of the executed graph without dependents that is not an
	// output is never released: TestUnusedSinkReleased shows it. Its value
	// is the one made by the task whose key it has (the last stage of a
	// fused chain).
	index := make(map[graph.Key]int, len(spec.tasks))
	for i, task := range spec.tasks {
		index[task.key] = i
	}
	unreturnedSink := make([]bool, len(spec.tasks))
	outIDs := map[graph.ID]bool{}
	for _, o := range g.Outputs() {
		outIDs[o] = true
	}
	for id := range g.Len() {
		if len(g.Dependents(graph.ID(id))) == 0 && !outIDs[graph.ID(id)] {
			unreturnedSink[index[g.Key(graph.ID(id))]] = true
		}
	}

	for i, v := range reg.values() {
		if v == nil {
			if raw {
				t.Fatalf("%s: task %s did not run, want it run once", where, spec.tasks[i].key)
			}
			continue
		}
		got := v.released.Load()
		switch {
		case isOut[v]:
			if got != 0 {
				t.Fatalf("%s: output value of %s released %d times by the executor, want 0 (the caller owns it)", where, spec.tasks[i].key, got)
			}
		case unreturnedSink[i]:
			if got > 1 {
				t.Fatalf("%s: value of %s released %d times, want at most 1", where, spec.tasks[i].key, got)
			}
		default:
			if got != 1 {
				t.Fatalf("%s: intermediate value of %s released %d times, want 1", where, spec.tasks[i].key, got)
			}
		}
	}
	for v := range isOut {
		v.Release()
	}
}

// errTaskFailed is the cause of the failures the tests inject.
var errTaskFailed = errors.New("injected task failure")

// TestExecuteErrorReleasesEverything makes one task of random graphs fail
// and checks the error and that every value computed has been released
// exactly once (outputs included: no value is returned), in every mode and
// after every pass.
func TestExecuteErrorReleasesEverything(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			s := scheduler.New(m.opts...)
			for seed := range uint64(randomGraphsPerMode / 4) {
				r := rand.New(rand.NewPCG(seed, 0xfa11))
				spec := randomDAG(r)
				// The failing task must run after every pass: a needed
				// task that Dedup cannot merge away (it has no token).
				var candidates []int
				need := spec.needed()
				for i, task := range spec.tasks {
					if need[i] && task.token == "" {
						candidates = append(candidates, i)
					}
				}
				if len(candidates) == 0 {
					continue
				}
				failing := candidates[r.IntN(len(candidates))]
				fail := func(i int) (any, error) {
					if i == failing {
						return nil, fmt.Errorf("task %d: %w", i, errTaskFailed)
					}
					return nil, nil
				}
				for _, p := range graphPasses() {
					where := fmt.Sprintf("seed %d, %s, failing %s", seed, p.name, spec.tasks[failing].key)
					reg := newValueRegistry(len(spec.tasks))
					g, err := p.apply(spec.build(t, reg, fail))
					if err != nil {
						t.Fatalf("%s: got error %v, want nil", where, err)
					}
					out, err := s.Execute(context.Background(), g)
					if out != nil {
						t.Fatalf("%s: Execute returned %d values with an error, want none", where, len(out))
					}
					if !errors.Is(err, errTaskFailed) {
						t.Fatalf("%s: Execute: got error %v, want one that reaches errTaskFailed", where, err)
					}
					if !namesTask(err, spec.tasks[failing].key) {
						t.Fatalf("%s: Execute: got error %v, want a *TaskError naming %s", where, err, spec.tasks[failing].key)
					}
					for i, v := range reg.values() {
						if v != nil {
							if got := v.released.Load(); got != 1 {
								t.Fatalf("%s: value of %s released %d times after the failure, want 1", where, spec.tasks[i].key, got)
							}
						}
					}
				}
			}
		})
	}
}

// TestExecuteErrorReleasesPartialResult checks that a value a failing task
// returns along with its error is released by the executor.
func TestExecuteErrorReleasesPartialResult(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			partial := &countedValue{task: -1}
			b := graph.NewBuilder(3)
			a := b.Add(graph.K("a", 0), constFunc(1), graph.Hints{Op: "a"})
			c := b.Add(graph.K("b", 0), constFunc(2), graph.Hints{Op: "b"})
			b.Add(graph.K("fail", 0), func(context.Context, []any) (any, error) {
				return partial, errTaskFailed
			}, graph.Hints{Op: "fail"}, a, c)
			g := mustBuild(t, b)
			if _, err := scheduler.New(m.opts...).Execute(context.Background(), g); !errors.Is(err, errTaskFailed) {
				t.Fatalf("Execute: got error %v, want errTaskFailed", err)
			}
			if got := partial.released.Load(); got != 1 {
				t.Fatalf("releases of the failing task's partial value: got %d, want 1", got)
			}
		})
	}
}

// TestIntermediateReleasedDuringRun checks that an intermediate value is
// released as soon as its last consumer has run, not when the computation
// ends: in a diamond a → (b1, b2) → c → d → e, c sees a released, and e
// sees a, b1, b2 and c released.
func TestIntermediateReleasedDuringRun(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			vals := map[string]*countedValue{}
			for _, name := range []string{"a", "b1", "b2", "c", "d", "e"} {
				vals[name] = &countedValue{}
			}
			// checking returns a task that first checks that the named
			// values have been released exactly once.
			// Under a memory limit, a value that a write to the spill
			// store holds is released when the write ends: later, but
			// before Execute returns.
			deferred := strings.HasSuffix(m.name, "-spill")
			checking := func(self string, gone ...string) graph.Func {
				return func(context.Context, []any) (any, error) {
					for _, name := range gone {
						if got := vals[name].released.Load(); got != 1 && !(deferred && got == 0) {
							return nil, fmt.Errorf("%s ran with %s released %d times, want 1", self, name, got)
						}
					}
					return vals[self], nil
				}
			}
			b := graph.NewBuilder(6)
			a := b.Add(graph.K("a", 0), checking("a"), graph.Hints{})
			b1 := b.Add(graph.K("b1", 0), checking("b1"), graph.Hints{}, a)
			b2 := b.Add(graph.K("b2", 0), checking("b2"), graph.Hints{}, a)
			c := b.Add(graph.K("c", 0), checking("c", "a"), graph.Hints{}, b1, b2)
			d := b.Add(graph.K("d", 0), checking("d", "a", "b1", "b2"), graph.Hints{}, c)
			b.Add(graph.K("e", 0), checking("e", "a", "b1", "b2", "c"), graph.Hints{}, d)
			g := mustBuild(t, b)
			out, err := scheduler.New(m.opts...).Execute(context.Background(), g)
			if err != nil {
				t.Fatalf("Execute: got error %v, want nil", err)
			}
			if len(out) != 1 {
				t.Fatalf("outputs: got %v, want [e's value]", out)
			}
			if out[0] != vals["e"] {
				// Spilled and read back: a copy, and e's own value was
				// released when it was spilled.
				if _, ok := out[0].(*countedValue); !ok || !deferred || vals["e"].released.Load() != 1 {
					t.Fatalf("outputs: got %v, want [e's value]", out)
				}
				vals["e"].released.Add(-1)
			}
			for _, name := range []string{"a", "b1", "b2", "c", "d"} {
				if got := vals[name].released.Load(); got != 1 {
					t.Fatalf("releases of %s: got %d, want 1", name, got)
				}
			}
			if got := vals["e"].released.Load(); got != 0 {
				t.Fatalf("releases of the output e: got %d, want 0", got)
			}
		})
	}
}

// TestOutputThatIsAlsoAnInput checks that a value both consumed and
// returned is not released, and that a repeated output returns the same
// value twice.
func TestOutputThatIsAlsoAnInput(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			av, bv := &countedValue{val: 1}, &countedValue{val: 2}
			b := graph.NewBuilder(2)
			a := b.Add(graph.K("a", 0), func(context.Context, []any) (any, error) { return av, nil }, graph.Hints{})
			c := b.Add(graph.K("b", 0), func(_ context.Context, in []any) (any, error) {
				if in[0] != av {
					return nil, fmt.Errorf("input: got %v, want a's value", in[0])
				}
				return bv, nil
			}, graph.Hints{}, a)
			b.Output(a, c, a)
			out, err := scheduler.New(m.opts...).Execute(context.Background(), mustBuild(t, b))
			if err != nil {
				t.Fatalf("Execute: got error %v, want nil", err)
			}
			// Under a memory limit an output may have been spilled: then
			// the caller gets the value read back, and the executor has
			// released the original once.
			vals := make([]uint64, len(out))
			for i, o := range out {
				if v, ok := o.(*countedValue); ok {
					vals[i] = v.val
				}
			}
			if len(out) != 3 || vals[0] != 1 || vals[1] != 2 || vals[2] != 1 || out[0] != out[2] {
				t.Fatalf("outputs: got %v, want [a b a] with a twice the same value", out)
			}
			for i, v := range []*countedValue{av, bv} {
				want := int32(0)
				if out[i] != v {
					want = 1
				}
				if got := v.released.Load(); got != want {
					t.Fatalf("releases of output %d: got %d, want %d", i, got, want)
				}
			}
		})
	}
}

// TestUnusedSinkReleased: a task without dependents that is not an output
// (a graph with explicit outputs, not culled) computes a value that the
// executor neither returns nor releases, so nobody can release it.
func TestUnusedSinkReleased(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			unused := &countedValue{}
			b := graph.NewBuilder(3)
			a := b.Add(graph.K("a", 0), constFunc(1), graph.Hints{})
			b.Add(graph.K("unused", 0), func(context.Context, []any) (any, error) { return unused, nil }, graph.Hints{}, a)
			out := b.Add(graph.K("out", 0), constFunc(2), graph.Hints{}, a)
			b.Output(out)
			if _, err := scheduler.New(m.opts...).Execute(context.Background(), mustBuild(t, b)); err != nil {
				t.Fatalf("Execute: got error %v, want nil", err)
			}
			if got := unused.released.Load(); got != 1 {
				t.Fatalf("releases of the value of a task that is neither consumed nor returned: got %d, want 1", got)
			}
		})
	}
}

// TestEmptyAndSingleTaskGraphs runs the smallest graphs.
func TestEmptyAndSingleTaskGraphs(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			s := scheduler.New(m.opts...)
			out, err := s.Execute(context.Background(), mustBuild(t, graph.NewBuilder(0)))
			if err != nil || len(out) != 0 {
				t.Fatalf("empty graph: got %v, %v, want no outputs and nil", out, err)
			}
			b := graph.NewBuilder(1)
			b.Add(graph.Single("one"), constFunc(42), graph.Hints{})
			out, err = s.Execute(context.Background(), mustBuild(t, b))
			if err != nil || len(out) != 1 || out[0] != 42 {
				t.Fatalf("one task: got %v, %v, want [42] and nil", out, err)
			}
		})
	}
}

// TestExecuteConcurrently runs one graph from several goroutines on one
// scheduler: a Scheduler and a Graph are safe for concurrent use.
func TestExecuteConcurrently(t *testing.T) {
	spec := randomDAG(rand.New(rand.NewPCG(7, 7)))
	want := spec.reference()
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			s := scheduler.New(m.opts...)
			b := graph.NewBuilder(len(spec.tasks))
			ids := make([]graph.ID, len(spec.tasks))
			for i, task := range spec.tasks {
				deps := make([]graph.ID, len(task.deps))
				for j, d := range task.deps {
					deps[j] = ids[d]
				}
				seed := task.taskSeed()
				ids[i] = b.Add(task.key, func(_ context.Context, in []any) (any, error) {
					h := seed
					for _, v := range in {
						h = mix(h, v.(uint64))
					}
					return h, nil
				}, graph.Hints{Op: task.op}, deps...)
			}
			if spec.markOutputs {
				for _, o := range spec.outputs {
					b.Output(ids[o])
				}
			}
			g := mustBuild(t, b)
			errs := make(chan error, 8)
			for range 8 {
				go func() {
					out, err := s.Execute(context.Background(), g)
					if err == nil {
						for i, o := range out {
							if o != want[spec.outputs[i]] {
								err = fmt.Errorf("output %d: got %v, want %v", i, o, want[spec.outputs[i]])
								break
							}
						}
					}
					errs <- err
				}()
			}
			for range 8 {
				if err := <-errs; err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func constFunc(v any) graph.Func {
	return func(context.Context, []any) (any, error) { return v, nil }
}

func mustBuild(t testing.TB, b *graph.Builder) *graph.Graph {
	t.Helper()
	g, err := b.Build()
	if err != nil {
		t.Fatalf("Build: got error %v, want nil", err)
	}
	return g
}

// namesTask reports whether a *TaskError in err's chain names key.
func namesTask(err error, key graph.Key) bool {
	for _, te := range taskErrors(err) {
		if te.Key == key {
			return true
		}
	}
	return false
}

// taskErrors returns the *TaskErrors in err's chain, outermost first.
func taskErrors(err error) []*scheduler.TaskError {
	var out []*scheduler.TaskError
	for {
		var te *scheduler.TaskError
		if !errors.As(err, &te) {
			return out
		}
		out = append(out, te)
		err = te.Err
	}
}
