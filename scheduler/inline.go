package scheduler

import (
	"context"
	"runtime/pprof"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/spill"
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
	mem, err := newMemRun(c, g, obs, id)
	if err != nil {
		return nil, err
	}
	var (
		ticket spill.Ticket
		ins    []*spill.Entry
	)
	start := time.Now()
	if obs != nil {
		obs.RunStarted(RunInfo{Run: id, Tasks: n, Ops: opTasks(g), Workers: 1, Start: start})
	}
	var (
		done int
		args []any
	)
	curOp := -1
	for _, t := range order {
		if ctx.Err() != nil {
			err = cancelled(context.Cause(ctx), done, n)
			break
		}
		op := g.OpIndex(t)
		if mem != nil {
			var merr error
			if ins, args, merr = mem.begin(opCtx[op], &ticket, ins, g, t, results, args); merr != nil {
				clear(ins)
				err = taskFailure(ctx, g, t, merr, done)
				break
			}
		} else {
			args = args[:0]
			for _, d := range g.Deps(t) {
				args = append(args, results[d])
			}
		}
		if op != curOp {
			curOp = op
			pprof.SetGoroutineLabels(opCtx[op])
		}
		v, terr := runTask(opCtx[op], obs, id, 0, g, t, args)
		clear(args)
		if terr == nil && len(g.Dependents(t)) == 0 && !isOutput[t] {
			release(v) // nobody consumes it and nobody receives it
			v = nil
		}
		if mem != nil {
			if terr == nil && v != nil {
				v, terr = mem.keep(g, t, v)
			}
			mem.m.Finish(&ticket)
			clear(ins)
		}
		if terr != nil {
			release(v)
			err = taskFailure(ctx, g, t, terr, done)
			break
		}
		results[t] = v
		done++
		for _, d := range g.Deps(t) {
			refs[d]--
			if refs[d] == 0 && !isOutput[d] {
				if mem != nil {
					mem.drop(d, results)
				} else {
					release(results[d])
					results[d] = nil
				}
			}
		}
	}
	var out []any
	if err == nil {
		if mem != nil {
			out, err = mem.outputs(ctx, g, results)
		} else {
			out = make([]any, len(g.Outputs()))
			for i, o := range g.Outputs() {
				out[i] = results[o]
			}
		}
	}
	if err != nil {
		for _, v := range results {
			release(v)
		}
	}
	var memStats spill.Stats
	if mem != nil {
		err = mem.close(err)
		memStats = mem.stats()
	}
	if obs != nil {
		obs.RunFinished(RunSummary{Run: id, Start: start, Duration: time.Since(start), Tasks: done, TasksPerWorker: []int64{int64(done)}, Err: err, Memory: memStats})
	}
	return out, err
}

// taskFailure returns the error of an inline run whose task t failed with
// err after done tasks: the cancellation when ctx ended, else a TaskError.
func taskFailure(ctx context.Context, g *graph.Graph, t graph.ID, err error, done int) error {
	if ctx.Err() != nil {
		return cancelled(context.Cause(ctx), done, g.Len())
	}
	return &TaskError{Key: g.Key(t), Op: g.Op(t), Err: err}
}
