package frame

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/kernels"
	dio "github.com/dusk-go/dusk/io"
)

// compiledStep is a step of a stage, ready to run on batches.
type compiledStep struct {
	filter  evalFn
	project []evalFn
	out     *arrow.Schema // the schema after the step
	limit   int64         // for a head step
	isHead  bool
	text    string // the step, for errors
}

// compileSteps compiles a stage's steps for batches of its source's schema.
func compileSteps(s *stageNode) ([]compiledStep, error) {
	in := s.source.schema()
	out := make([]compiledStep, len(s.steps))
	for i, st := range s.steps {
		c := compiledStep{out: in, text: st.String()}
		switch {
		case st.filter != nil:
			fn, err := compile(st.filter, in)
			if err != nil {
				return nil, err
			}
			c.filter = fn
		case st.project != nil:
			for _, e := range st.project.exprs {
				fn, err := compile(e, in)
				if err != nil {
					return nil, err
				}
				c.project = append(c.project, fn)
			}
			c.out = newProject(s.source, st.project.exprs, st.project.names).out
		default:
			c.limit, c.isHead = st.limit, true
		}
		out[i] = c
		in = c.out
	}
	return out, nil
}

// runSteps applies steps to rec, which it takes ownership of, and returns
// the result, which the caller owns.
func runSteps(ctx context.Context, mem memory.Allocator, rec arrow.Record, steps []compiledStep) (arrow.Record, error) {
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			rec.Release()
			return nil, err
		}
		next, err := runStep(mem, rec, st)
		rec.Release()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.text, err)
		}
		rec = next
	}
	return rec, nil
}

// runStep applies one step to a borrowed record.
func runStep(mem memory.Allocator, rec arrow.Record, st compiledStep) (arrow.Record, error) {
	switch {
	case st.filter != nil:
		v, err := st.filter(mem, rec)
		if err != nil {
			return nil, err
		}
		defer v.release()
		if v.op.IsScalar() {
			if b, ok := v.op.Scalar.(bool); ok && b {
				rec.Retain()
				return rec, nil
			}
			return rec.NewSlice(0, 0), nil
		}
		mask, ok := v.op.Array.(*array.Boolean)
		if !ok {
			return nil, fmt.Errorf("frame: internal error: filter condition gave %s", v.op.Array.DataType())
		}
		return kernels.Filter(mem, rec, mask)
	case st.project != nil:
		cols := make([]arrow.Array, 0, len(st.project))
		defer func() {
			for _, c := range cols {
				c.Release()
			}
		}()
		for _, fn := range st.project {
			c, err := column(mem, fn, rec)
			if err != nil {
				return nil, err
			}
			cols = append(cols, c)
		}
		return array.NewRecord(st.out, cols, rec.NumRows()), nil
	}
	n := min(st.limit, rec.NumRows())
	return rec.NewSlice(0, n), nil
}

// lowering builds the task graph of an optimized plan.
type lowering struct {
	b    *graph.Builder
	mem  memory.Allocator
	log  *slog.Logger   // strategy choices, at debug level
	keys map[string]int // how often each key name was used
}

func newLowering(mem memory.Allocator, log *slog.Logger) *lowering {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &lowering{b: graph.NewBuilder(0), mem: mem, log: log, keys: map[string]int{}}
}

// name returns a key name not used before: base, then base#2, base#3...
func (l *lowering) name(base string) string {
	l.keys[base]++
	if n := l.keys[base]; n > 1 {
		return fmt.Sprintf("%s#%d", base, n)
	}
	return base
}

// lower adds the tasks of n and returns the IDs of its partitions, in
// order.
func (l *lowering) lower(n node) ([]graph.ID, error) {
	switch x := n.(type) {
	case *stageNode:
		return l.lowerStage(x)
	case *concatNode:
		var ids []graph.ID
		for _, in := range x.ins {
			part, err := l.lower(in)
			if err != nil {
				return nil, err
			}
			ids = append(ids, part...)
		}
		return ids, nil
	case *limitNode:
		ids, err := l.lower(x.input)
		if err != nil {
			return nil, err
		}
		limit, schema, mem := x.n, x.schema(), l.mem
		id := l.b.Add(graph.K(l.name("head"), 0), func(ctx context.Context, deps []any) (any, error) {
			recs := make([]arrow.Record, len(deps))
			for i, d := range deps {
				recs[i] = d.(arrow.Record)
			}
			return head(mem, schema, recs, limit)
		}, graph.Hints{Op: fmt.Sprintf("frame: head(%d)", x.n)}, ids...)
		return []graph.ID{id}, nil
	case *aggregateNode:
		return l.lowerAggregate(x)
	case *joinNode:
		return l.lowerJoin(x)
	case *sortNode:
		return l.lowerSort(x)
	case *topKNode:
		return l.lowerTopK(x)
	case *groupTopKNode:
		return l.lowerGroupTopK(x)
	case *scanNode, *memoryNode, *filterNode, *projectNode:
		// Not fused (the fuse pass did not run): a stage of its own.
		f, err := fuseStages(n)
		if err != nil {
			return nil, err
		}
		return l.lower(f)
	}
	return nil, fmt.Errorf("frame: internal error: cannot lower %T", n)
}

// stageName is the key name and the operation of a stage's tasks, such as
// "read-csv+filter+project" and "frame: read_csv("data/*.csv") | filter(...)".
func stageName(s *stageNode) (key, op string) {
	var keys, ops []string
	switch src := s.source.(type) {
	case *scanNode:
		keys = append(keys, "read-"+src.ds.Format())
		ops = append(ops, fmt.Sprintf("read_%s(%q)", src.ds.Format(), src.source))
	case *memoryNode:
		keys = append(keys, "memory")
		ops = append(ops, "memory")
	}
	for _, st := range s.steps {
		switch {
		case st.filter != nil:
			keys = append(keys, "filter")
			ops = append(ops, "filter("+st.filter.String()+")")
		case st.project != nil:
			keys = append(keys, "project")
			ops = append(ops, "project("+strings.TrimPrefix(st.project.String(), "Project ")+")")
		default:
			keys = append(keys, "head")
			ops = append(ops, fmt.Sprintf("head(%d)", st.limit))
		}
	}
	if len(keys) == 0 {
		keys = []string{"stage"}
	}
	return strings.Join(keys, "+"), "frame: " + strings.Join(ops, " | ")
}

func (l *lowering) lowerStage(s *stageNode) ([]graph.ID, error) {
	base, op := stageName(s)
	key := l.name(base)
	if fns, ok, err := sourceFuncs(s, l.mem); err != nil {
		return nil, err
	} else if ok {
		ids := make([]graph.ID, len(fns))
		for i, fn := range fns {
			ids[i] = l.b.Add(graph.K(key, i), func(ctx context.Context, _ []any) (any, error) {
				return fn(ctx)
			}, graph.Hints{Op: op, ReadsInput: true})
		}
		return ids, nil
	}
	steps, err := compileSteps(s)
	if err != nil {
		return nil, err
	}
	ins, err := l.lower(s.source)
	if err != nil {
		return nil, err
	}
	mem := l.mem
	ids := make([]graph.ID, len(ins))
	for i, in := range ins {
		ids[i] = l.b.Add(graph.K(key, i), func(ctx context.Context, deps []any) (any, error) {
			rec := deps[0].(arrow.Record)
			rec.Retain()
			return runSteps(ctx, mem, rec, steps)
		}, graph.Hints{Op: op}, in)
	}
	return ids, nil
}

// partFunc computes one partition and returns a record the caller owns.
type partFunc func(ctx context.Context) (arrow.Record, error)

// sourceFuncs returns one function per partition of a stage over a scan or
// in-memory data, each reading its partition and running the stage's steps;
// ok is false for stages over other nodes.
func sourceFuncs(s *stageNode, mem memory.Allocator) (fns []partFunc, ok bool, err error) {
	switch s.source.(type) {
	case *scanNode, *memoryNode:
	default:
		return nil, false, nil
	}
	steps, err := compileSteps(s)
	if err != nil {
		return nil, false, err
	}
	switch src := s.source.(type) {
	case *scanNode:
		parts := src.ds.Partitions(src.filter)
		opts := dio.ReadOptions{Columns: src.columns, Filter: src.filter, Allocator: mem}
		for _, p := range parts {
			fns = append(fns, func(ctx context.Context) (arrow.Record, error) {
				rec, err := p.Read(ctx, opts)
				if err != nil {
					return nil, err
				}
				out, err := runSteps(ctx, mem, rec, steps)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				return out, nil
			})
		}
	case *memoryNode:
		for i := range src.numPartitions() {
			fns = append(fns, func(ctx context.Context) (arrow.Record, error) {
				out, err := runSteps(ctx, mem, src.partition(i), steps)
				if err != nil {
					return nil, fmt.Errorf("partition %d: %w", i, err)
				}
				return out, nil
			})
		}
	}
	return fns, true, nil
}

// perPartition returns the functions of every partition of an optimized
// plan that is per-partition all the way (stages over sources, and Concats
// of them); ok is false when the plan has a boundary, such as a Limit.
func perPartition(n node, mem memory.Allocator) (fns []partFunc, ok bool, err error) {
	switch x := n.(type) {
	case *stageNode:
		return sourceFuncs(x, mem)
	case *concatNode:
		for _, in := range x.ins {
			f, ok, err := perPartition(in, mem)
			if err != nil || !ok {
				return nil, ok, err
			}
			fns = append(fns, f...)
		}
		return fns, true, nil
	}
	return nil, false, nil
}

// head returns the first n rows of the borrowed records, in order, as one
// record the caller owns.
func head(mem memory.Allocator, schema *arrow.Schema, recs []arrow.Record, n int64) (arrow.Record, error) {
	var parts []arrow.Record
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for _, r := range recs {
		if n <= 0 {
			break
		}
		k := min(n, r.NumRows())
		if k > 0 {
			parts = append(parts, r.NewSlice(0, k))
			n -= k
		}
	}
	return concatRecords(mem, schema, parts)
}

// concatRecords copies borrowed records of one schema into one record the
// caller owns.
func concatRecords(mem memory.Allocator, schema *arrow.Schema, recs []arrow.Record) (arrow.Record, error) {
	switch len(recs) {
	case 0:
		cols := make([]arrow.Array, schema.NumFields())
		for i, f := range schema.Fields() {
			cols[i] = array.MakeArrayOfNull(mem, f.Type, 0)
		}
		defer func() {
			for _, c := range cols {
				c.Release()
			}
		}()
		return array.NewRecord(schema, cols, 0), nil
	case 1:
		recs[0].Retain()
		return recs[0], nil
	}
	cols := make([]arrow.Array, 0, schema.NumFields())
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for i := range schema.NumFields() {
		arrs := make([]arrow.Array, len(recs))
		for j, r := range recs {
			arrs[j] = r.Column(i)
		}
		c, err := concatColumn(mem, arrs)
		if err != nil {
			return nil, fmt.Errorf("frame: concatenating column %q: %w", schema.Field(i).Name, err)
		}
		cols = append(cols, c)
	}
	return array.NewRecord(schema, cols, rows), nil
}

// concatColumn concatenates the pieces of one column. Dictionary pieces
// are first given one dictionary (Arrow Go v15's Concatenate would mix up
// the indices of pieces with different dictionaries, and fails on empty
// dictionary pieces, which are left out).
func concatColumn(mem memory.Allocator, arrs []arrow.Array) (arrow.Array, error) {
	dt, ok := arrs[0].DataType().(*arrow.DictionaryType)
	if !ok {
		return array.Concatenate(arrs, mem)
	}
	var parts []arrow.Array
	for _, a := range arrs {
		if a.Len() > 0 {
			parts = append(parts, a)
		}
	}
	switch len(parts) {
	case 0:
		arrs[0].Retain()
		return arrs[0], nil
	case 1:
		parts[0].Retain()
		return parts[0], nil
	}
	chunked := arrow.NewChunked(dt, parts)
	defer chunked.Release()
	unified, err := array.UnifyChunkedDicts(mem, chunked)
	if err != nil {
		return nil, err
	}
	defer unified.Release()
	return array.Concatenate(unified.Chunks(), mem)
}

// build lowers an optimized plan to a graph whose outputs are its
// partitions, in order.
func build(plan node, mem memory.Allocator, log *slog.Logger) (*graph.Graph, error) {
	l := newLowering(mem, log)
	ids, err := l.lower(plan)
	if err != nil {
		return nil, err
	}
	l.b.Output(ids...)
	return l.b.Build()
}
