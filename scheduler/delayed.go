package scheduler

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/dusk-go/dusk/graph"
)

// Delayed is a lazy function call (dask.delayed): nothing runs until
// Compute. Its arguments may be other Delayed calls, so calls form a graph;
// computing several of them at once runs a call they share only once.
// A Delayed is immutable and safe for concurrent use.
type Delayed[R any] struct {
	n *delayedNode
}

// Arg is an argument of a delayed call: another *[Delayed] whose result it
// is, or a plain value made with [Value].
type Arg[T any] interface {
	arg() delayedArg
}

type delayedArg struct {
	node  *delayedNode // nil for a plain value
	value any
}

type delayedNode struct {
	name string
	seq  int
	args []delayedArg
	// call receives the values of all arguments, in order.
	call func(ctx context.Context, args []any) (any, error)
}

var delayedSeq atomic.Int64

type valueArg[T any] struct{ v T }

func (a valueArg[T]) arg() delayedArg { return delayedArg{value: a.v} }

// Value makes a plain value an argument of a delayed call.
func Value[T any](v T) Arg[T] { return valueArg[T]{v} }

func (d *Delayed[R]) arg() delayedArg { return delayedArg{node: d.n} }

// Key returns the task key of the call: its name and a sequence number that
// tells calls of the same name apart.
func (d *Delayed[R]) Key() graph.Key { return graph.K(d.n.name, d.n.seq) }

func newDelayed[R any](name string, args []delayedArg, call func(ctx context.Context, args []any) (any, error)) *Delayed[R] {
	return &Delayed[R]{n: &delayedNode{name: name, seq: int(delayedSeq.Add(1)), args: args, call: call}}
}

// as converts a value computed by a call (or given by Value) back to its
// static type; a nil interface becomes the zero value.
func as[T any](v any) T {
	if v == nil {
		var zero T
		return zero
	}
	return v.(T)
}

// Delay0 returns the lazy call fn(ctx) named name.
func Delay0[R any](name string, fn func(context.Context) (R, error)) *Delayed[R] {
	var call func(ctx context.Context, args []any) (any, error)
	if fn != nil {
		call = func(ctx context.Context, _ []any) (any, error) { return fn(ctx) }
	}
	return newDelayed[R](name, nil, call)
}

// Delay1 returns the lazy call fn(ctx, a) named name.
func Delay1[A, R any](name string, fn func(context.Context, A) (R, error), a Arg[A]) *Delayed[R] {
	var call func(ctx context.Context, args []any) (any, error)
	if fn != nil {
		call = func(ctx context.Context, v []any) (any, error) { return fn(ctx, as[A](v[0])) }
	}
	return newDelayed[R](name, args(a), call)
}

// Delay2 returns the lazy call fn(ctx, a, b) named name.
func Delay2[A, B, R any](name string, fn func(context.Context, A, B) (R, error), a Arg[A], b Arg[B]) *Delayed[R] {
	var call func(ctx context.Context, args []any) (any, error)
	if fn != nil {
		call = func(ctx context.Context, v []any) (any, error) { return fn(ctx, as[A](v[0]), as[B](v[1])) }
	}
	return newDelayed[R](name, args(a, b), call)
}

// Delay3 returns the lazy call fn(ctx, a, b, c) named name.
func Delay3[A, B, C, R any](name string, fn func(context.Context, A, B, C) (R, error), a Arg[A], b Arg[B], c Arg[C]) *Delayed[R] {
	var call func(ctx context.Context, args []any) (any, error)
	if fn != nil {
		call = func(ctx context.Context, v []any) (any, error) {
			return fn(ctx, as[A](v[0]), as[B](v[1]), as[C](v[2]))
		}
	}
	return newDelayed[R](name, args(a, b, c), call)
}

// DelayN returns the lazy call fn(ctx, [a0, a1, ...]) named name: a
// function of a list of arguments of one type, such as a sum of partial
// results.
func DelayN[A, R any](name string, fn func(context.Context, []A) (R, error), list ...Arg[A]) *Delayed[R] {
	var call func(ctx context.Context, args []any) (any, error)
	if fn != nil {
		call = func(ctx context.Context, v []any) (any, error) {
			xs := make([]A, len(v))
			for i, x := range v {
				xs[i] = as[A](x)
			}
			return fn(ctx, xs)
		}
	}
	das := make([]delayedArg, len(list))
	for i, a := range list {
		das[i] = argOf(a)
	}
	return newDelayed[R](name, das, call)
}

// missingArg marks an argument given as nil, which Compute reports.
var missingArg = &delayedNode{name: "<nil argument>"}

type argument interface{ arg() delayedArg }

// argOf returns the argument of a, treating a nil Arg and a nil *Delayed
// as missing.
func argOf(a argument) delayedArg {
	if a == nil {
		return delayedArg{node: missingArg}
	}
	if d, ok := a.(interface{ isNil() bool }); ok && d.isNil() {
		return delayedArg{node: missingArg}
	}
	return a.arg()
}

func (d *Delayed[R]) isNil() bool { return d == nil }

func args(as ...argument) []delayedArg {
	out := make([]delayedArg, len(as))
	for i, a := range as {
		out[i] = argOf(a)
	}
	return out
}

// Node is any *Delayed, whatever its result type, for ComputeAll.
type Node interface {
	node() *delayedNode
}

func (d *Delayed[R]) node() *delayedNode {
	if d == nil {
		return nil
	}
	return d.n
}

// ErrNilArgument is the cause of the error for a delayed call given a nil
// argument or a nil *Delayed.
var ErrNilArgument = errors.New("scheduler: nil delayed argument")

// Compute runs the call and everything it depends on and returns its
// result.
func (d *Delayed[R]) Compute(ctx context.Context, opts ...Option) (R, error) {
	out, err := ComputeAll(ctx, []Node{d}, opts...)
	if err != nil {
		var zero R
		return zero, err
	}
	return as[R](out[0]), nil
}

// ComputeAll runs the calls together, sharing what they have in common, and
// returns their results in order. Ownership of the results passes to the
// caller.
func ComputeAll(ctx context.Context, nodes []Node, opts ...Option) ([]any, error) {
	g, err := delayedGraph(nodes)
	if err != nil {
		return nil, err
	}
	if g, err = graph.Optimize(g); err != nil {
		return nil, err
	}
	c := helperConfig(opts)
	return execute(ctx, g, &c)
}

// delayedGraph lowers the calls to a task graph: one task per distinct call,
// found by identity, so a call shared by several others or outputs runs
// once.
func delayedGraph(nodes []Node) (*graph.Graph, error) {
	b := graph.NewBuilder(len(nodes))
	ids := map[*delayedNode]graph.ID{}
	var add func(n *delayedNode) (graph.ID, error)
	add = func(n *delayedNode) (graph.ID, error) {
		if id, ok := ids[n]; ok {
			return id, nil
		}
		key := graph.K(n.name, n.seq)
		if n.call == nil {
			return 0, fmt.Errorf("delayed call %s: %w", key, ErrNilFunc)
		}
		var deps []graph.ID
		for i, a := range n.args {
			if a.node == missingArg {
				return 0, fmt.Errorf("delayed call %s: argument %d: %w", key, i, ErrNilArgument)
			}
			if a.node != nil {
				id, err := add(a.node)
				if err != nil {
					return 0, err
				}
				deps = append(deps, id)
			}
		}
		id := b.Add(key, delayedFunc(n), graph.Hints{Op: n.name}, deps...)
		ids[n] = id
		return id, nil
	}
	outs := make([]graph.ID, 0, len(nodes))
	for i, d := range nodes {
		var n *delayedNode
		if d != nil {
			n = d.node()
		}
		if n == nil {
			return nil, fmt.Errorf("delayed output %d: %w", i, ErrNilArgument)
		}
		id, err := add(n)
		if err != nil {
			return nil, err
		}
		outs = append(outs, id)
	}
	b.Output(outs...)
	return b.Build()
}

// delayedFunc adapts a call to a task function: the task's dependencies are
// the call's delayed arguments; plain values are filled in between them.
func delayedFunc(n *delayedNode) graph.Func {
	return func(ctx context.Context, deps []any) (any, error) {
		all := make([]any, len(n.args))
		k := 0
		for i, a := range n.args {
			if a.node != nil {
				all[i] = deps[k]
				k++
			} else {
				all[i] = a.value
			}
		}
		return n.call(ctx, all)
	}
}
