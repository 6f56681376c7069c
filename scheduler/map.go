package scheduler

import (
	"context"

	"github.com/dusk-go/dusk/graph"
)

// Map applies fn to every input on the workers and returns the results in
// input order, like a process pool's map. Each input is one task of a graph
// run by the scheduler, with the same work stealing, observer events and
// error handling as any computation. The first error (or panic) of fn
// cancels the context of the calls still running and is returned as a
// *[TaskError] whose key is op[i] for input i (op is "map" unless the
// [Op] option names it); Map then returns no results.
//
// Map returns at once with no results for no inputs, and ErrNilFunc for a
// nil fn. On error, results already computed that have a Release method
// are released.
func Map[T, R any](ctx context.Context, inputs []T, fn func(context.Context, T) (R, error), opts ...Option) ([]R, error) {
	if fn == nil {
		return nil, ErrNilFunc
	}
	c := helperConfig(opts)
	op := c.op
	if op == "" {
		op = "map"
	}
	out := make([]R, len(inputs))
	ok := make([]bool, len(inputs)) // which results were computed
	if len(inputs) == 0 {
		return out, nil
	}
	b := graph.NewBuilder(len(inputs))
	h := graph.Hints{Op: op}
	for i := range inputs {
		b.Add(graph.K(op, i), func(ctx context.Context, _ []any) (any, error) {
			r, err := fn(ctx, inputs[i])
			if err != nil {
				release(r) // a value returned with an error is dropped
				return nil, err
			}
			out[i], ok[i] = r, true
			return nil, nil
		}, h)
	}
	g, err := b.Build()
	if err != nil {
		return nil, err
	}
	if _, err := execute(ctx, g, &c); err != nil {
		for i, r := range out {
			if ok[i] {
				release(r)
			}
		}
		return nil, err
	}
	return out, nil
}
