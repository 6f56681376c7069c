package main

import (
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/dusk-go/dusk/frame"
)

func frameSuite() suite {
	return suite{
		name: "frame",
		doc:  "lazy frame pipelines over the db-benchmark groupby CSV; -peers adds DuckDB and Polars",
		cases: []benchCase{
			{name: "filter-project", doc: "ReadCSV -> filter v3 > 50 -> v = v1*v3 -> select id1, v, streamed: rows and sum of v; best of 3", run: filterProject},
		},
	}
}

func filterProject(ctx context.Context, o options, emit func(result) error) error {
	path, _, err := groupbyData(ctx, o)
	if err != nil {
		return err
	}
	reps := 3
	if o.quick {
		reps = 1
	}
	var rows int64
	var sum float64
	d, err := bestOf(reps, func() error {
		rows, sum = 0, 0
		df := frame.ReadCSV(ctx, path).
			Filter(frame.Col("v3").Gt(frame.Lit(50.0))).
			WithColumns(frame.Col("v1").Mul(frame.Col("v3")).As("v")).
			Select("id1", "v")
		for rec, err := range df.Stream(ctx, schedOpts(o)...) {
			if err != nil {
				return err
			}
			rows += rec.NumRows()
			for _, v := range rec.Column(1).(*array.Float64).Float64Values() {
				sum += v
			}
			rec.Release()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rows == 0 {
		return fmt.Errorf("the filter kept no row")
	}
	secs := d.Seconds()
	if err := emit(result{Metric: "seconds", Value: secs, Unit: "s"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "rows", Value: float64(rows), Unit: "rows"}); err != nil {
		return err
	}
	if !o.peers {
		return nil
	}
	for _, engine := range []string{peerDuckDB, peerPolars} {
		r, err := runPeer(ctx, engine, peerFilterProject, path, o.workers)
		if err != nil {
			return err
		}
		if r.Rows != rows || math.Abs(r.Sum-sum) > 1e-9*math.Abs(sum) {
			return fmt.Errorf("%s kept %d rows with sum %v; dusk kept %d with sum %v", engine, r.Rows, r.Sum, rows, sum)
		}
		if err := emit(result{Metric: engine + "_seconds", Value: r.Seconds, Unit: "s"}); err != nil {
			return err
		}
		if err := emit(result{Metric: "ratio_vs_" + engine, Value: secs / r.Seconds, Unit: "x", Target: "< 1 is faster"}); err != nil {
			return err
		}
	}
	return nil
}
