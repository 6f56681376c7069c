package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/dusk-go/dusk/frame"
	"github.com/dusk-go/dusk/internal/h2o"
	"github.com/dusk-go/dusk/scheduler"
)

func ioSuite() suite {
	return suite{
		name: "io",
		doc:  "reading the db-benchmark groupby CSV (1e7 rows, ~0.5 GB) into memory, CSV to Parquet, Parquet back; -peers adds DuckDB and Polars",
		cases: []benchCase{
			{name: "csv-read", doc: "frame.ReadCSV(G1_1e7_1e2_0_0.csv).Compute: the whole file into Arrow columns; best of 3", run: csvRead},
			{name: "csv-to-parquet", doc: "ReadCSV(...).WriteParquet (Snappy), one file per 64 MiB block, then ReadParquet(...).Compute; best of 2", run: csvToParquet},
		},
	}
}

// dataDirOf returns the directory of generated data sets: -data-dir, else
// $DUSK_BENCH_DATA, else <tmp>/dusk-bench.
func dataDirOf(o options) string {
	if o.dataDir != "" {
		return o.dataDir
	}
	if d := os.Getenv("DUSK_BENCH_DATA"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), "dusk-bench")
}

// groupbyData returns the path of the G1 CSV of the benchmark's size (1e7
// rows; 1e5 with -quick), generating it when it is not there yet.
func groupbyData(ctx context.Context, o options) (string, h2o.Groupby, error) {
	g := h2o.Groupby{N: 1e7, K: 100}
	if o.quick {
		g.N = 1e5
	}
	dir := dataDirOf(o)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", g, err
	}
	path, err := g.EnsureCSV(ctx, dir)
	return path, g, err
}

// checkGroupbySchema checks the types the CSV reader inferred.
func checkGroupbySchema(s *arrow.Schema) error {
	want := []arrow.Type{arrow.STRING, arrow.STRING, arrow.STRING, arrow.INT64, arrow.INT64, arrow.INT64, arrow.INT64, arrow.INT64, arrow.FLOAT64}
	if s.NumFields() != len(want) {
		return fmt.Errorf("got %d columns, want %d", s.NumFields(), len(want))
	}
	for i, f := range s.Fields() {
		if f.Type.ID() != want[i] {
			return fmt.Errorf("column %s: got type %s, want %s", f.Name, f.Type, want[i])
		}
	}
	return nil
}

// bestOf runs fn n times and returns the shortest time.
func bestOf(n int, fn func() error) (time.Duration, error) {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		if err := fn(); err != nil {
			return 0, err
		}
		best = min(best, time.Since(start))
	}
	return best, nil
}

func schedOpts(o options) []scheduler.Option {
	return []scheduler.Option{scheduler.Workers(o.workers)}
}

func csvRead(ctx context.Context, o options, emit func(result) error) error {
	path, g, err := groupbyData(ctx, o)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	reps := 3
	if o.quick {
		reps = 1
	}
	d, err := bestOf(reps, func() error {
		tbl, err := frame.ReadCSV(ctx, path).Compute(ctx, schedOpts(o)...)
		if err != nil {
			return err
		}
		defer tbl.Release()
		if tbl.NumRows() != g.N {
			return fmt.Errorf("read %d rows, want %d", tbl.NumRows(), g.N)
		}
		return checkGroupbySchema(tbl.Schema())
	})
	if err != nil {
		return err
	}
	secs := d.Seconds()
	if err := emit(result{Metric: "seconds", Value: secs, Unit: "s", Target: "≤ 0.7 (1e7 rows, 2 cores)"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "mb_per_s", Value: float64(st.Size()) / 1e6 / secs, Unit: "MB/s"}); err != nil {
		return err
	}
	return emitPeers(ctx, o, peerReadCSV, path, secs, emit)
}

// emitPeers runs task on each peer engine when -peers is set and reports
// its seconds and dusk's time as a ratio of it, from the same run.
func emitPeers(ctx context.Context, o options, task, path string, dusk float64, emit func(result) error) error {
	if !o.peers {
		return nil
	}
	for _, engine := range []string{peerDuckDB, peerPolars} {
		r, err := runPeer(ctx, engine, task, path, o.workers)
		if err != nil {
			return err
		}
		if err := emit(result{Metric: engine + "_seconds", Value: r.Seconds, Unit: "s"}); err != nil {
			return err
		}
		if err := emit(result{Metric: "ratio_vs_" + engine, Value: dusk / r.Seconds, Unit: "x", Target: "< 1 is faster"}); err != nil {
			return err
		}
	}
	return nil
}

func csvToParquet(ctx context.Context, o options, emit func(result) error) error {
	path, g, err := groupbyData(ctx, o)
	if err != nil {
		return err
	}
	out, err := os.MkdirTemp(dataDirOf(o), "parquet-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(out)
	reps := 2
	if o.quick {
		reps = 1
	}
	dir := ""
	d, err := bestOf(reps, func() error {
		os.RemoveAll(dir)
		dir, err = os.MkdirTemp(out, "run-")
		if err != nil {
			return err
		}
		_, err := frame.ReadCSV(ctx, path).WriteParquet(ctx, dir, frame.ParquetWriteOptions{}, schedOpts(o)...)
		return err
	})
	if err != nil {
		return err
	}
	if err := emit(result{Metric: "write_seconds", Value: d.Seconds(), Unit: "s"}); err != nil {
		return err
	}
	d, err = bestOf(reps, func() error {
		tbl, err := frame.ReadParquet(ctx, dir).Compute(ctx, schedOpts(o)...)
		if err != nil {
			return err
		}
		defer tbl.Release()
		if tbl.NumRows() != g.N {
			return fmt.Errorf("read %d rows back, want %d", tbl.NumRows(), g.N)
		}
		return checkGroupbySchema(tbl.Schema())
	})
	if err != nil {
		return err
	}
	return emit(result{Metric: "read_seconds", Value: d.Seconds(), Unit: "s"})
}
