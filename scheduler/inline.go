package scheduler

import (
	"context"
	"runtime/pprof"
	"time"

	"github.com/dusk-go/dusk/graph"
)

// runInline runs every task of g in the calling goroutine, in the graph's
// priority order (its topological order when it has none). It releases
// intermediate values after their last consumer, like the parallel run.
func runInline(ctx context.Context, g *graph.Graph, c *config) ([]any, error) {
	n := g.Len()
	order := g.ByPriority()
	refs := make([]int32, n)
	isOutput := make([]bool, n)
	for id := range n {
		refs[id] = int32(len(g.Dependents(graph.ID(id))))
	}
	for _, o := range g.Outputs() {
		isOutput[o] = true
	}
	results := make([]any, n)
	opCtx := opContexts(ctx, g)
	defer pprof.SetGoroutineLabels(ctx)

	obs := c.observer
	id := runIDs.Add(1)
	start := time.Now()
	if obs != nil {
		obs.RunStarted(RunInfo{Run: id, Tasks: n, Ops: opTasks(g), Workers: 1, Start: start})
	}
	var (
		err  error
		done int
		args []any
	)
	curOp := -1
	for _, t := range order {
		if ctx.Err() != nil {
			err = cancelled(context.Cause(ctx), done, n)
			break
		}
		args = args[:0]
		for _, d := range g.Deps(t) {
			args = append(args, results[d])
		}
		op := g.OpIndex(t)
		if op != curOp {
			curOp = op
			pprof.SetGoroutineLabels(opCtx[op])
		}
		v, terr := runTask(opCtx[op], obs, id, 0, g, t, args)
		clear(args)
		if terr != nil {
			release(v)
			if ctx.Err() != nil {
				err = cancelled(context.Cause(ctx), done, n)
			} else {
				err = &TaskError{Key: g.Key(t), Op: g.Op(t), Err: terr}
			}
			break
		}
		if len(g.Dependents(t)) == 0 && !isOutput[t] {
			release(v) // nobody consumes it and nobody receives it
		} else {
			results[t] = v
		}
		done++
		for _, d := range g.Deps(t) {
			refs[d]--
			if refs[d] == 0 && !isOutput[d] {
				release(results[d])
				results[d] = nil
			}
		}
	}
	var out []any
	if err == nil {
		out = make([]any, len(g.Outputs()))
		for i, o := range g.Outputs() {
			out[i] = results[o]
		}
	} else {
		for _, v := range results {
			release(v)
		}
	}
	if obs != nil {
		obs.RunFinished(RunSummary{Run: id, Start: start, Duration: time.Since(start), Tasks: done, TasksPerWorker: []int64{int64(done)}, Err: err})
	}
	return out, err
}
