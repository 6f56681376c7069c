package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// TestDelayedDiamondRunsSharedCallOnce builds a diamond (a source, two
// calls of it, a join of those) and checks that the source runs once per
// computation, whether several outputs share it or one call takes it
// twice as an argument.
func TestDelayedDiamondRunsSharedCallOnce(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			var runs atomic.Int64
			src := scheduler.Delay0("src", func(context.Context) (int, error) {
				runs.Add(1)
				return 10, nil
			})
			left := scheduler.Delay1("left", func(_ context.Context, x int) (int, error) { return x + 1, nil }, src)
			right := scheduler.Delay1("right", func(_ context.Context, x int) (int, error) { return x * 2, nil }, src)
			join := scheduler.Delay2("join", func(_ context.Context, a, b int) (int, error) { return 100*a + b, nil }, left, right)

			out, err := scheduler.ComputeAll(context.Background(), []scheduler.Node{left, right, join, src}, m.opts...)
			if err != nil {
				t.Fatalf("ComputeAll: got error %v, want nil", err)
			}
			if want := []any{11, 20, 1120, 10}; fmt.Sprint(out) != fmt.Sprint(want) {
				t.Errorf("ComputeAll: got %v, want %v", out, want)
			}
			if got := runs.Load(); got != 1 {
				t.Errorf("source runs in ComputeAll: got %v, want 1", got)
			}

			runs.Store(0)
			if v, err := join.Compute(context.Background(), m.opts...); v != 1120 || err != nil {
				t.Errorf("join.Compute: got (%v, %v), want (1120, nil)", v, err)
			}
			if got := runs.Load(); got != 1 {
				t.Errorf("source runs in Compute: got %v, want 1", got)
			}

			runs.Store(0)
			twice := scheduler.Delay2("twice", func(_ context.Context, a, b int) (int, error) { return a*1000 + b, nil }, src, src)
			many := scheduler.DelayN("many", func(_ context.Context, xs []int) (int, error) { return len(xs) * xs[0], nil }, src, scheduler.Value(10), src, src)
			out, err = scheduler.ComputeAll(context.Background(), []scheduler.Node{twice, many, twice}, m.opts...)
			if err != nil {
				t.Fatalf("ComputeAll: got error %v, want nil", err)
			}
			if want := []any{10010, 40, 10010}; fmt.Sprint(out) != fmt.Sprint(want) {
				t.Errorf("ComputeAll(twice, many, twice): got %v, want %v", out, want)
			}
			if got := runs.Load(); got != 1 {
				t.Errorf("source runs with repeated arguments: got %v, want 1", got)
			}
		})
	}
}

// TestDelayedMixedArguments computes calls of every arity whose arguments
// mix plain values and other calls of several types.
func TestDelayedMixedArguments(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			d0 := scheduler.Delay0("five", func(context.Context) (int, error) { return 5, nil })
			d1 := scheduler.Delay1("as", func(_ context.Context, n int) (string, error) { return strings.Repeat("a", n), nil }, d0)
			d1v := scheduler.Delay1("itoa", func(_ context.Context, n int) (string, error) { return strconv.Itoa(n), nil }, scheduler.Value(42))
			d2 := scheduler.Delay2("cat", func(_ context.Context, s string, n int) (string, error) { return s + strconv.Itoa(n), nil }, d1, scheduler.Value(3))
			d3 := scheduler.Delay3("fmt", func(_ context.Context, s string, f float64, n int) (string, error) {
				return fmt.Sprintf("%s|%.1f|%d", s, f, n), nil
			}, d2, scheduler.Value(2.5), d0)
			dn := scheduler.DelayN("lens", func(_ context.Context, xs []string) (int, error) {
				n := 0
				for _, x := range xs {
					n += len(x)
				}
				return n, nil
			}, d1, scheduler.Value("xyz"), d2, d3, d1v)
			dv := scheduler.Delay2("values", func(_ context.Context, a []int, b map[string]int) (int, error) {
				return len(a) + b["k"], nil
			}, scheduler.Value([]int{1, 2}), scheduler.Value(map[string]int{"k": 40}))

			out, err := scheduler.ComputeAll(context.Background(), []scheduler.Node{d0, d1, d1v, d2, d3, dn, dv}, m.opts...)
			if err != nil {
				t.Fatalf("ComputeAll: got error %v, want nil", err)
			}
			want := []any{5, "aaaaa", "42", "aaaaa3", "aaaaa3|2.5|5", 5 + 3 + 6 + 12 + 2, 42}
			for i := range want {
				if out[i] != want[i] {
					t.Errorf("output %d: got %#v, want %#v", i, out[i], want[i])
				}
			}
			if s, err := d3.Compute(context.Background(), m.opts...); s != "aaaaa3|2.5|5" || err != nil {
				t.Errorf("d3.Compute: got (%q, %v), want (%q, nil)", s, err, "aaaaa3|2.5|5")
			}
			if n, err := dn.Compute(context.Background(), m.opts...); n != 28 || err != nil {
				t.Errorf("dn.Compute: got (%v, %v), want (28, nil)", n, err)
			}
		})
	}
}

// TestDelayedBigFan sums 1000 delayed calls with one DelayN.
func TestDelayedBigFan(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			parts := make([]scheduler.Arg[int], 1000)
			want := 0
			for i := range parts {
				parts[i] = scheduler.Delay1("square", func(_ context.Context, x int) (int, error) { return x * x, nil }, scheduler.Value(i))
				want += i * i
			}
			sum := scheduler.DelayN("sum", func(_ context.Context, xs []int) (int, error) {
				s := 0
				for _, x := range xs {
					s += x
				}
				return s, nil
			}, parts...)
			if got, err := sum.Compute(context.Background(), m.opts...); got != want || err != nil {
				t.Fatalf("sum.Compute: got (%v, %v), want (%v, nil)", got, err, want)
			}
		})
	}
}

// TestDelayedKey checks that Key names the call and tells calls of the same
// name apart.
func TestDelayedKey(t *testing.T) {
	a := scheduler.Delay0("load", func(context.Context) (int, error) { return 1, nil })
	b := scheduler.Delay0("load", func(context.Context) (int, error) { return 1, nil })
	if a.Key().Name != "load" || b.Key().Name != "load" || a.Key() == b.Key() {
		t.Errorf("keys: got %v and %v, want two distinct load[n]", a.Key(), b.Key())
	}
	if a.Key() != a.Key() {
		t.Errorf("Key: got %v then %v, want the same key each time", a.Key(), a.Key())
	}
}

// TestDelayedNilFunc checks that a nil function, of the computed call or
// of one it depends on, is reported with errors.Is ErrNilFunc and the
// call's key.
func TestDelayedNilFunc(t *testing.T) {
	bad := scheduler.Delay1[int, int]("broken", nil, scheduler.Value(1))
	if _, err := bad.Compute(context.Background()); !errors.Is(err, scheduler.ErrNilFunc) || !strings.Contains(fmt.Sprint(err), bad.Key().String()) {
		t.Errorf("Compute: got error %v, want ErrNilFunc naming %v", err, bad.Key())
	}
	dep := scheduler.Delay0[int]("nothing", nil)
	top := scheduler.Delay1("top", func(_ context.Context, x int) (int, error) { return x, nil }, dep)
	if _, err := top.Compute(context.Background()); !errors.Is(err, scheduler.ErrNilFunc) || !strings.Contains(fmt.Sprint(err), dep.Key().String()) {
		t.Errorf("Compute of a call of it: got error %v, want ErrNilFunc naming %v", err, dep.Key())
	}
}

// TestDelayedNilArgument checks that a nil argument or a nil *Delayed, as
// an argument of any arity or as an output, is reported with errors.Is
// ErrNilArgument.
func TestDelayedNilArgument(t *testing.T) {
	var nilD *scheduler.Delayed[int]
	one := scheduler.Value(1)
	id := func(_ context.Context, x int) (int, error) { return x, nil }
	add := func(_ context.Context, a, b int) (int, error) { return a + b, nil }
	add3 := func(_ context.Context, a, b, c int) (int, error) { return a + b + c, nil }
	sum := func(_ context.Context, xs []int) (int, error) { return len(xs), nil }
	cases := []struct {
		name string
		node scheduler.Node
	}{
		{"Delay1 nil Arg", scheduler.Delay1("f", id, nil)},
		{"Delay1 nil *Delayed", scheduler.Delay1("f", id, nilD)},
		{"Delay2 second", scheduler.Delay2("f", add, one, nilD)},
		{"Delay3 third", scheduler.Delay3("f", add3, one, one, nil)},
		{"DelayN nil Arg", scheduler.DelayN("f", sum, one, nil, one)},
		{"DelayN nil *Delayed", scheduler.DelayN("f", sum, one, nilD)},
		{"deep", scheduler.Delay1("g", id, scheduler.Delay1("f", id, nilD))},
		{"nil output", nil},
		{"nil *Delayed output", nilD},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scheduler.ComputeAll(context.Background(), []scheduler.Node{c.node})
			if !errors.Is(err, scheduler.ErrNilArgument) {
				t.Errorf("got error %v, want ErrNilArgument", err)
			}
		})
	}
	if _, err := nilD.Compute(context.Background()); !errors.Is(err, scheduler.ErrNilArgument) {
		t.Errorf("nil *Delayed Compute: got error %v, want ErrNilArgument", err)
	}
}

// keysInChain returns the keys of the *TaskErrors in err's chain,
// outermost first.
func keysInChain(err error) []graph.Key {
	var keys []graph.Key
	for {
		var te *scheduler.TaskError
		if !errors.As(err, &te) {
			return keys
		}
		keys = append(keys, te.Key)
		err = te.Err
	}
}

// TestDelayedErrorNamesCall makes one call of several graphs fail, by
// error or by panic, and checks that the error names it. Chains are fused
// into one task: the error of an inner stage is a *TaskError naming the
// inner call inside the one naming the chain's last call, which errors.As
// finds first. Either way the message names the failing call's key.
func TestDelayedErrorNamesCall(t *testing.T) {
	inc := func(_ context.Context, x int) (int, error) { return x + 1, nil }
	fails := func(panics bool) func(context.Context, int) (int, error) {
		return func(context.Context, int) (int, error) {
			if panics {
				panic(errHelperBoom)
			}
			return 0, fmt.Errorf("failing call: %w", errHelperBoom)
		}
	}
	type graphCase struct {
		name string
		// build returns the outputs, the failing call's key and, for a
		// fused chain, the key of the chain's last call (errors.As finds
		// it first).
		build func(panics bool) (outs []scheduler.Node, bad, outer graph.Key)
	}
	cases := []graphCase{
		{"shared source", func(panics bool) ([]scheduler.Node, graph.Key, graph.Key) {
			bad := scheduler.Delay1("bad", fails(panics), scheduler.Value(1))
			a := scheduler.Delay1("a", inc, bad)
			b := scheduler.Delay1("b", inc, bad)
			join := scheduler.Delay2("join", func(_ context.Context, x, y int) (int, error) { return x + y, nil }, a, b)
			return []scheduler.Node{join}, bad.Key(), bad.Key()
		}},
		{"head of a chain", func(panics bool) ([]scheduler.Node, graph.Key, graph.Key) {
			bad := scheduler.Delay1("bad", fails(panics), scheduler.Value(1))
			mid := scheduler.Delay1("mid", inc, bad)
			last := scheduler.Delay1("last", inc, mid)
			return []scheduler.Node{last}, bad.Key(), last.Key()
		}},
		{"middle of a chain", func(panics bool) ([]scheduler.Node, graph.Key, graph.Key) {
			src := scheduler.Delay0("src", func(context.Context) (int, error) { return 1, nil })
			bad := scheduler.Delay1("bad", fails(panics), src)
			last := scheduler.Delay1("last", inc, bad)
			return []scheduler.Node{last}, bad.Key(), last.Key()
		}},
		{"end of a chain", func(panics bool) ([]scheduler.Node, graph.Key, graph.Key) {
			src := scheduler.Delay0("src", func(context.Context) (int, error) { return 1, nil })
			bad := scheduler.Delay1("bad", fails(panics), src)
			return []scheduler.Node{bad}, bad.Key(), bad.Key()
		}},
		{"one of a fan", func(panics bool) ([]scheduler.Node, graph.Key, graph.Key) {
			parts := make([]scheduler.Arg[int], 50)
			var bad graph.Key
			for i := range parts {
				fn := inc
				if i == 31 {
					fn = fails(panics)
				}
				d := scheduler.Delay1("part", fn, scheduler.Value(i))
				if i == 31 {
					bad = d.Key()
				}
				parts[i] = d
			}
			sum := scheduler.DelayN("sum", func(_ context.Context, xs []int) (int, error) { return len(xs), nil }, parts...)
			return []scheduler.Node{sum}, bad, bad
		}},
	}
	for _, m := range executionModes() {
		for _, c := range cases {
			for _, panics := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/panic=%v", m.name, c.name, panics), func(t *testing.T) {
					outs, bad, outer := c.build(panics)
					out, err := scheduler.ComputeAll(context.Background(), outs, m.opts...)
					if out != nil {
						t.Errorf("outputs: got %v, want nil", out)
					}
					if !errors.Is(err, errHelperBoom) {
						t.Fatalf("got error %v, want errHelperBoom in its chain", err)
					}
					if !strings.Contains(err.Error(), bad.String()) {
						t.Errorf("message %q does not name the failing call %v", err, bad)
					}
					keys := keysInChain(err)
					if len(keys) == 0 || keys[0] != outer {
						t.Errorf("TaskError keys, outermost first: got %v, want %v first", keys, outer)
					}
					if keys[len(keys)-1] != bad {
						t.Errorf("TaskError keys, outermost first: got %v, want %v last", keys, bad)
					}
					var pe *scheduler.PanicError
					if got := errors.As(err, &pe); got != panics {
						t.Errorf("errors.As(err, *PanicError): got %v, want %v", got, panics)
					}
				})
			}
		}
	}
}

// TestDelayedCancelledContext checks that Compute with a cancelled context
// fails with the context's error and runs nothing.
func TestDelayedCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			var runs atomic.Int64
			parts := make([]scheduler.Arg[int], 20)
			for i := range parts {
				parts[i] = scheduler.Delay1("p", func(_ context.Context, x int) (int, error) {
					runs.Add(1)
					return x, nil
				}, scheduler.Value(i))
			}
			sum := scheduler.DelayN("sum", func(_ context.Context, xs []int) (int, error) { return len(xs), nil }, parts...)
			if _, err := sum.Compute(ctx, m.opts...); !errors.Is(err, context.Canceled) {
				t.Fatalf("got error %v, want one that errors.Is context.Canceled", err)
			}
			if got := runs.Load(); got != 0 {
				t.Errorf("calls run: got %v, want 0", got)
			}
		})
	}
}

// TestDelayedReleasesIntermediates checks ownership: the values of calls
// that are not outputs are released once after use, the outputs are not;
// when the computation fails every value made is released once.
func TestDelayedReleasesIntermediates(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			var log ownedLog
			src := scheduler.Delay0("src", func(context.Context) (*ownedInt, error) { return log.make(1), nil })
			a := scheduler.Delay1("a", func(_ context.Context, x *ownedInt) (*ownedInt, error) { return log.make(x.v + 1), nil }, src)
			b := scheduler.Delay1("b", func(_ context.Context, x *ownedInt) (*ownedInt, error) { return log.make(x.v * 10), nil }, src)
			join := scheduler.Delay2("join", func(_ context.Context, x, y *ownedInt) (*ownedInt, error) { return log.make(x.v + y.v), nil }, a, b)
			out, err := scheduler.ComputeAll(context.Background(), []scheduler.Node{join, a}, m.opts...)
			if err != nil {
				t.Fatalf("got error %v, want nil", err)
			}
			outs := map[*ownedInt]bool{out[0].(*ownedInt): true, out[1].(*ownedInt): true}
			if got := out[0].(*ownedInt).v; got != 12 {
				t.Errorf("join: got %v, want 12", got)
			}
			for _, o := range log.all() {
				want := int32(1)
				if outs[o] {
					want = 0
				}
				if got := o.released.Load(); got != want {
					t.Errorf("value %d: released %d times, want %d", o.v, got, want)
				}
			}

			var failed ownedLog
			src2 := scheduler.Delay0("src", func(context.Context) (*ownedInt, error) { return failed.make(1), nil })
			c := scheduler.Delay1("c", func(_ context.Context, x *ownedInt) (*ownedInt, error) { return failed.make(2), nil }, src2)
			d := scheduler.Delay1("d", func(_ context.Context, x *ownedInt) (*ownedInt, error) { return failed.make(3), nil }, src2)
			bad := scheduler.Delay2("bad", func(_ context.Context, x, y *ownedInt) (*ownedInt, error) {
				return failed.make(4), errHelperBoom // a value returned with an error is released too
			}, c, d)
			if _, err := scheduler.ComputeAll(context.Background(), []scheduler.Node{bad, c}, m.opts...); !errors.Is(err, errHelperBoom) {
				t.Fatalf("got error %v, want errHelperBoom", err)
			}
			for _, o := range failed.all() {
				if got := o.released.Load(); got != 1 {
					t.Errorf("after failure, value %d: released %d times, want 1", o.v, got)
				}
			}
		})
	}
}

// TestDelayedErrorWithNilPointerResult makes a call with a pointer result
// type fail with `return nil, err`, as Go functions do, and checks that the
// scheduler does not call Release on that nil pointer. Known bug: the
// delayed adapters return the typed nil pointer as a non-nil any, and the
// task runners (run.exec, runInline) release the value of a failed task, so
// a Release that dereferences its receiver crashes the program from a
// worker goroutine, outside any recover.
func TestDelayedErrorWithNilPointerResult(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			before := nilReleases.Load()
			bad := scheduler.Delay1("bad", func(context.Context, int) (*ownedInt, error) { return nil, errHelperBoom }, scheduler.Value(1))
			if _, err := bad.Compute(context.Background(), m.opts...); !errors.Is(err, errHelperBoom) {
				t.Fatalf("got error %v, want errHelperBoom", err)
			}
			if got := nilReleases.Load() - before; got != 0 {
				t.Errorf("Release calls on nil results: got %v, want 0", got)
			}
		})
	}
}
