package frame

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	dio "github.com/dusk-go/dusk/io"
	"github.com/dusk-go/dusk/scheduler"
	// DUSK_DASHBOARD serves the live dashboard of every computation
	_ "github.com/dusk-go/dusk/scheduler/dashboard"
)

// prepared is an optimized plan with the scheduler that will run it.
type prepared struct {
	plan  node
	sched *scheduler.Scheduler
	mem   memory.Allocator
}

func (f *Frame) prepare(opts []scheduler.Option) (*prepared, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	plan, err := optimize(f.plan)
	if err != nil {
		return nil, err
	}
	s := scheduler.New(opts...)
	return &prepared{plan: plan, sched: s, mem: s.Allocator()}, nil
}

// graph lowers the plan and runs the generic graph passes on it.
func (p *prepared) graph() (*graph.Graph, error) {
	g, err := build(p.plan, p.mem, p.sched.Logger())
	if err != nil {
		return nil, err
	}
	return graph.Optimize(g)
}

// Compute runs the frame's plan on the scheduler that opts configure
// (workers, memory limit, mode, allocator: see the scheduler package) and
// returns the rows as a table whose chunks are the partitions, in order.
// The caller owns the table and must Release it.
func (f *Frame) Compute(ctx context.Context, opts ...scheduler.Option) (arrow.Table, error) {
	p, err := f.prepare(opts)
	if err != nil {
		return nil, err
	}
	g, err := p.graph()
	if err != nil {
		return nil, err
	}
	outs, err := p.sched.Execute(ctx, g)
	if err != nil {
		return nil, err
	}
	schema := p.plan.schema()
	recs := make([]arrow.Record, 0, len(outs))
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var bad error
	for _, o := range outs {
		r, err := conform(o.(arrow.Record), schema)
		if err != nil && bad == nil {
			bad = err
		}
		if r != nil {
			recs = append(recs, r)
		}
	}
	if bad != nil {
		return nil, bad
	}
	return array.NewTableFromRecords(schema, recs), nil
}

// conform takes ownership of rec and returns it with the plan's schema
// (readers may differ in field metadata or nullability); different column
// types are an error.
func conform(rec arrow.Record, schema *arrow.Schema) (arrow.Record, error) {
	if rec.Schema().Equal(schema) {
		return rec, nil
	}
	defer rec.Release()
	if err := sameSchema(schema, rec.Schema()); err != nil {
		return nil, fmt.Errorf("frame: internal error: a partition %s", err)
	}
	return array.NewRecord(schema, rec.Columns(), rec.NumRows()), nil
}

// Stream runs the frame's plan and yields its partitions in order, each as
// soon as it and the ones before it are done, without holding them all:
// at most scheduler.Window partitions are computed ahead of the loop. The
// loop body owns each record it receives and must Release it. An error ends
// the sequence; breaking out of the loop stops the computation, and no
// goroutine is left when the loop is over. A plan with a boundary (Head)
// is computed first and then yielded.
func (f *Frame) Stream(ctx context.Context, opts ...scheduler.Option) iter.Seq2[arrow.Record, error] {
	return func(yield func(arrow.Record, error) bool) {
		p, err := f.prepare(opts)
		if err != nil {
			yield(nil, err)
			return
		}
		schema := p.plan.schema()
		fns, ok, err := perPartition(p.plan, p.mem)
		if err != nil {
			yield(nil, err)
			return
		}
		if !ok {
			p.streamGraph(ctx, yield)
			return
		}
		sopts := append(slices.Clone(opts), scheduler.Op(streamOp(p.plan)))
		for rec, err := range scheduler.Stream(ctx, slices.Values(fns), func(ctx context.Context, fn partFunc) (arrow.Record, error) {
			rec, err := fn(ctx)
			if err != nil {
				return nil, err
			}
			return conform(rec, schema)
		}, sopts...) {
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// streamOp names the tasks of a stream for errors and progress.
func streamOp(plan node) string {
	if s, ok := plan.(*stageNode); ok {
		_, op := stageName(s)
		return op
	}
	return "frame: stream"
}

// streamGraph computes the whole graph and yields its outputs one by one,
// releasing those the loop did not take.
func (p *prepared) streamGraph(ctx context.Context, yield func(arrow.Record, error) bool) {
	g, err := p.graph()
	if err != nil {
		yield(nil, err)
		return
	}
	outs, err := p.sched.Execute(ctx, g)
	if err != nil {
		yield(nil, err)
		return
	}
	schema := p.plan.schema()
	for i, o := range outs {
		rec, err := conform(o.(arrow.Record), schema)
		if err != nil || !yield(rec, nil) {
			for _, rest := range outs[i+1:] {
				rest.(arrow.Record).Release()
			}
			if err != nil {
				yield(nil, err)
			}
			return
		}
	}
}

// CSVWriteOptions configure WriteCSV; see io.CSVWriteOptions.
type CSVWriteOptions = dio.CSVWriteOptions

// ParquetWriteOptions configure WriteParquet; see io.ParquetWriteOptions.
type ParquetWriteOptions = dio.ParquetWriteOptions

// IPCWriteOptions configure WriteIPC; see io.IPCWriteOptions.
type IPCWriteOptions = dio.IPCWriteOptions

// WriteCSV writes the frame to dir (created if needed) as one CSV file per
// partition, part-00000.csv, part-00001.csv..., and returns their paths in
// order. See WriteParquet for what happens on failure.
func (f *Frame) WriteCSV(ctx context.Context, dir string, wo CSVWriteOptions, opts ...scheduler.Option) ([]string, error) {
	return f.write(ctx, dir, ".csv", func(path string, s *arrow.Schema) (dio.RecordWriter, error) {
		return dio.CreateCSV(path, s, wo)
	}, opts)
}

// WriteParquet writes the frame to dir (created if needed) as one Parquet
// file per partition, part-00000.parquet, part-00001.parquet..., and
// returns their paths in order. Each file is written under a temporary name
// and renamed when complete; if the computation fails, the files it wrote
// are removed, so a failed write leaves no file behind. A dir that already
// holds part files of the format is an error (remove them first): mixing
// two writes' parts would make a wrong dataset.
func (f *Frame) WriteParquet(ctx context.Context, dir string, wo ParquetWriteOptions, opts ...scheduler.Option) ([]string, error) {
	return f.write(ctx, dir, ".parquet", func(path string, s *arrow.Schema) (dio.RecordWriter, error) {
		return dio.CreateParquet(path, s, wo)
	}, opts)
}

// WriteIPC writes the frame to dir (created if needed) as one Arrow IPC
// file per partition, part-00000.arrow, ..., and returns their paths in
// order. See WriteParquet for what happens on failure.
func (f *Frame) WriteIPC(ctx context.Context, dir string, wo IPCWriteOptions, opts ...scheduler.Option) ([]string, error) {
	return f.write(ctx, dir, ".arrow", func(path string, s *arrow.Schema) (dio.RecordWriter, error) {
		return dio.CreateIPC(path, s, wo)
	}, opts)
}

type createFunc func(path string, schema *arrow.Schema) (dio.RecordWriter, error)

func (f *Frame) write(ctx context.Context, dir, ext string, create createFunc, opts []scheduler.Option) ([]string, error) {
	p, err := f.prepare(opts)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("frame: write: %w", err)
	}
	if old, _ := filepath.Glob(filepath.Join(dir, "part-*"+ext)); len(old) > 0 {
		return nil, fmt.Errorf("frame: write: %s already holds %d part files (%s, ...): remove them first", dir, len(old), filepath.Base(old[0]))
	}
	l := newLowering(p.mem, p.sched.Logger())
	ids, err := l.lower(p.plan)
	if err != nil {
		return nil, err
	}
	schema := p.plan.schema()
	paths := make([]string, len(ids))
	writes := make([]graph.ID, len(ids))
	for i, id := range ids {
		paths[i] = filepath.Join(dir, fmt.Sprintf("part-%05d%s", i, ext))
		path := paths[i]
		writes[i] = l.b.Add(graph.K(l.name("write"+ext), i), func(ctx context.Context, deps []any) (any, error) {
			return nil, writeFile(create, path, schema, deps[0].(arrow.Record))
		}, graph.Hints{Op: "frame: write " + filepath.Join(dir, "part-*"+ext)}, id)
	}
	l.b.Output(writes...)
	g, err := l.b.Build()
	if err == nil {
		g, err = graph.Optimize(g)
	}
	if err != nil {
		return nil, err
	}
	if _, err := p.sched.Execute(ctx, g); err != nil {
		for _, path := range paths {
			os.Remove(path)
		}
		return nil, err
	}
	return paths, nil
}

// writeFile writes one borrowed record to a file.
func writeFile(create createFunc, path string, schema *arrow.Schema, rec arrow.Record) error {
	rec.Retain()
	rec, err := conform(rec, schema)
	if err != nil {
		return err
	}
	defer rec.Release()
	w, err := create(path, schema)
	if err != nil {
		return err
	}
	if err := w.Write(rec); err != nil {
		return errors.Join(err, w.Abort())
	}
	return w.Close()
}
