// Command etl runs a CSV → Parquet extract-transform-load job with frames,
// the dusk form of the dask.dataframe job
//
//	df = dd.read_csv("in/*.csv")
//	df = df[(df.status == "ok") & (df.qty > 0)]
//	df["revenue"] = df.qty * df.price
//	df.to_parquet("out/")
//	dd.read_parquet("out/").groupby("region").agg(...).compute().sort_index()
//
// It writes -files CSV files of -rows orders each (order_id, region,
// product, qty, price, status) into a temporary directory (or -dir), with
// scheduler.Map. Then frame.ReadCSV reads them all by a glob, Filter keeps
// the completed orders of positive quantity, WithColumns adds the revenue,
// and WriteParquet writes the result to -out, one file per partition. The
// Parquet files are read back with frame.ReadParquet to count their rows
// and to sum the revenue, units and orders of each region, sorted by
// region.
//
//	go run ./examples/etl
//	go run ./examples/etl -files 16 -rows 1000000 -dir /tmp/orders -out /tmp/orders-parquet
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/dusk-go/dusk/frame"
	"github.com/dusk-go/dusk/scheduler"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "etl:", err)
		os.Exit(1)
	}
}

var (
	regions  = []string{"north", "south", "east", "west", "central"}
	products = []string{"apple", "bread", "cheese", "dates", "eggs", "flour"}
	statuses = []string{"ok", "ok", "ok", "ok", "ok", "ok", "ok", "cancelled", "returned", "ok"}
)

func run(ctx context.Context, w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet("etl", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	files := fs.Int("files", 4, "CSV files to generate")
	rows := fs.Int("rows", 100_000, "orders per file")
	dir := fs.String("dir", "", "directory for the CSV input, kept (default: a temporary directory)")
	out := fs.String("out", "", "directory for the Parquet output, kept; it must hold no Parquet parts (default: a temporary directory)")
	workers := fs.Int("workers", 0, "workers (0: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *files <= 0:
		return fmt.Errorf("-files %d: want a positive number of files", *files)
	case *rows <= 0:
		return fmt.Errorf("-rows %d: want a positive number of rows", *rows)
	case *workers < 0:
		return fmt.Errorf("-workers %d: want a positive number, or 0 for GOMAXPROCS", *workers)
	}
	s := scheduler.New(scheduler.Workers(*workers))
	for _, d := range []*string{dir, out} {
		if *d != "" {
			continue
		}
		tmp, err := os.MkdirTemp("", "dusk-etl-")
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, os.RemoveAll(tmp)) }()
		*d = tmp
	}
	fmt.Fprintf(w, "dusk etl: CSV → filter → revenue → Parquet, on %d workers (%d CPUs)\n\n", s.Workers(), runtime.NumCPU())

	// Extract's input: the CSV files, written in parallel.
	start := time.Now()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	parts := make([]int, *files)
	for i := range parts {
		parts[i] = i
	}
	if _, err := scheduler.Map(ctx, parts, func(ctx context.Context, i int) (struct{}, error) {
		return struct{}{}, writeCSV(filepath.Join(*dir, fmt.Sprintf("orders-%03d.csv", i)), i, *rows)
	}, s); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	fmt.Fprintf(w, "input:   %d CSV files, %d rows, in %s (%s)\n", *files, *files**rows, *dir, roundDuration(time.Since(start)))

	// Extract, transform, load.
	start = time.Now()
	orders := frame.ReadCSV(ctx, filepath.Join(*dir, "orders-*.csv"))
	clean := orders.
		Filter(frame.Col("status").Eq(frame.Lit("ok")).And(frame.Col("qty").Gt(frame.Lit(0)))).
		WithColumns(frame.Col("qty").Mul(frame.Col("price")).As("revenue"))
	written, err := clean.WriteParquet(ctx, *out, frame.ParquetWriteOptions{}, s)
	if err != nil {
		return fmt.Errorf("etl: %w", err)
	}
	fmt.Fprintf(w, "output:  %d Parquet files in %s (%s)\n", len(written), *out, roundDuration(time.Since(start)))

	// Read the Parquet back: row count and a summary per region.
	start = time.Now()
	pq := frame.ReadParquet(ctx, *out)
	kept := int64(0)
	for rec, err := range pq.Select("order_id").Stream(ctx, s) {
		if err != nil {
			return fmt.Errorf("count: %w", err)
		}
		kept += rec.NumRows()
		rec.Release()
	}
	fmt.Fprintf(w, "kept:    %d of %d rows (dropped %d cancelled, returned or empty orders)\n",
		kept, *files**rows, int64(*files**rows)-kept)
	fmt.Fprintf(w, "columns: %v\n\n", pq.Columns())

	summary := pq.GroupBy("region").
		Agg(frame.Sum("revenue").As("revenue"), frame.Sum("qty").As("units"), frame.Len().As("orders")).
		Sort(frame.Asc("region"))
	tbl, err := summary.Compute(ctx, s)
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	defer tbl.Release()
	fmt.Fprintf(w, "%-8s %14s %10s %8s\n", "region", "revenue", "units", "orders")
	tr := array.NewTableReader(tbl, 0)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		region := rec.Column(0).(*array.String)
		revenue := rec.Column(1).(*array.Float64)
		units := rec.Column(2).(*array.Int64)
		count := rec.Column(3).(*array.Int64)
		for i := range int(rec.NumRows()) {
			fmt.Fprintf(w, "%-8s %14.2f %10d %8d\n", region.Value(i), revenue.Value(i), units.Value(i), count.Value(i))
		}
	}
	if err := tr.Err(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nread back and summarised in %s\n", roundDuration(time.Since(start)))
	return nil
}

// writeCSV writes file part's rows orders, from a generator seeded by part:
// order ids are unique across files, quantities run from -1 to 9, prices
// from 0.50 to 99.99, and about one order in five is not "ok".
func writeCSV(path string, part, rows int) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	r := rand.New(rand.NewPCG(uint64(part), 7))
	bw := bufio.NewWriter(f)
	fmt.Fprintln(bw, "order_id,region,product,qty,price,status")
	for k := range rows {
		fmt.Fprintf(bw, "%d,%s,%s,%d,%.2f,%s\n", part*rows+k,
			regions[r.IntN(len(regions))], products[r.IntN(len(products))],
			r.IntN(11)-1, 0.5+float64(r.IntN(9950))/100, statuses[r.IntN(len(statuses))])
	}
	return bw.Flush()
}

// roundDuration rounds d to a precision that suits it.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
