// Command quickstart is dusk's first hour: it makes a data set of a few GB
// if it is not there yet (orders.csv: 60 million orders of 100,000
// products; products.csv: their categories), then joins, aggregates and
// ranks it out of core, under a 1 GiB memory limit, on every core, with a
// progress bar, and prints the results and the time each step took.
//
//	go run ./examples/quickstart                 # about 2.3 GB of CSV in $TMPDIR/dusk-quickstart
//	go run ./examples/quickstart -rows 1000000   # a small run
//	DUSK_DASHBOARD=127.0.0.1:8787 go run ./examples/quickstart -report run.html
//
// The same in pandas/Dask would be read_csv, merge, groupby().agg(),
// sort_values and nlargest.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/dusk-go/dusk/frame"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/scheduler/dashboard"
	"github.com/dusk-go/dusk/scheduler/progress"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

const products = 100_000

var categories = []string{"books", "games", "garden", "kitchen", "music", "office", "outdoor", "pets", "sports", "toys"}

func run(ctx context.Context, w, status io.Writer, args []string) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(status)
	dir := fs.String("dir", filepath.Join(os.TempDir(), "dusk-quickstart"), "where the data set is (made when missing)")
	rows := fs.Int64("rows", 60_000_000, "orders to generate")
	limit := fs.Int64("memory", 1<<30, "the memory limit in bytes")
	workers := fs.Int("workers", 0, "workers (0: all cores)")
	bar := fs.Bool("progress", true, "show a progress bar (on a terminal)")
	report := fs.String("report", "", "write an HTML report of the computations to this `file`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	orders, prods, err := ensureData(ctx, *dir, *rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "data: %s and %s (%s), ready in %v\n", orders, filepath.Base(prods), sizeOf(orders, prods), time.Since(start).Round(time.Millisecond))

	// dusk keeps its data under the limit; Go's collector is told too.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(*limit * 3 / 2))
	opts := []scheduler.Option{scheduler.Workers(*workers), scheduler.MemoryLimit(*limit)}
	if *bar {
		opts = append(opts, scheduler.WithObserver(progress.New(status)))
	}
	// DUSK_DASHBOARD=127.0.0.1:8787 serves the live dashboard
	rec, srv, err := dashboard.FromEnv()
	if err != nil {
		fmt.Fprintln(status, "quickstart: no dashboard:", err) // the job runs anyway
	}
	if srv != nil {
		defer srv.Close()
		fmt.Fprintf(status, "dashboard: %s\n", srv.URL())
	}
	if rec == nil && *report != "" {
		rec = dashboard.NewRecorder()
	}
	if rec != nil {
		opts = append(opts, scheduler.WithObserver(rec))
		defer func() {
			fmt.Fprint(w, "\n", rec.Summary())
			if *report != "" {
				if err := rec.WriteReport(*report); err != nil {
					fmt.Fprintln(status, "quickstart:", err)
				} else {
					fmt.Fprintf(w, "report: %s\n", *report)
				}
			}
		}()
	}

	sales := frame.ReadCSV(ctx, orders).
		WithColumns(frame.Col("qty").Cast(arrow.PrimitiveTypes.Float64).Mul(frame.Col("price")).As("revenue")).
		Join(frame.ReadCSV(ctx, prods), frame.Inner, "product_id")

	start = time.Now()
	byCategory, err := sales.GroupBy("category").
		Agg(frame.Sum("revenue").As("revenue"), frame.Len().As("orders"), frame.Mean("price").As("avg_price")).
		Sort(frame.Desc("revenue")).
		Compute(ctx, opts...)
	if err != nil {
		return err
	}
	defer byCategory.Release()
	fmt.Fprintf(w, "\nrevenue by category (join + group-by + sort, %v):\n", time.Since(start).Round(time.Millisecond))
	if err := printTable(w, byCategory); err != nil {
		return err
	}

	start = time.Now()
	top, err := sales.GroupBy("customer_id").
		Agg(frame.Sum("revenue").As("revenue"), frame.Len().As("orders")).
		TopK(5, frame.Desc("revenue"), frame.Asc("customer_id")).
		Compute(ctx, opts...)
	if err != nil {
		return err
	}
	defer top.Release()
	fmt.Fprintf(w, "\ntop customers (group-by over every customer + top-k, %v):\n", time.Since(start).Round(time.Millisecond))
	return printTable(w, top)
}

// ensureData writes the data set into dir unless it is there.
func ensureData(ctx context.Context, dir string, rows int64) (orders, prods string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	orders = filepath.Join(dir, fmt.Sprintf("orders-%d.csv", rows))
	prods = filepath.Join(dir, "products.csv")
	if _, err := os.Stat(prods); err != nil {
		if err := writeCSV(ctx, prods, "product_id,category,name\n", products, func(b []byte, i int64) []byte {
			b = strconv.AppendInt(b, i, 10)
			b = append(b, ',')
			b = append(b, categories[mix(uint64(i))%uint64(len(categories))]...)
			b = append(b, ",product-"...)
			return append(strconv.AppendInt(b, i, 10), '\n')
		}); err != nil {
			return "", "", err
		}
	}
	if _, err := os.Stat(orders); err != nil {
		if err := writeCSV(ctx, orders, "order_id,customer_id,product_id,qty,price\n", rows, orderRow); err != nil {
			return "", "", err
		}
	}
	return orders, prods, nil
}

// orderRow formats order i: a customer among a million, a product, a
// quantity of 1 to 5 and a price of 1.00 to 500.00.
func orderRow(b []byte, i int64) []byte {
	h := mix(uint64(i) + 0x9e3779b97f4a7c15)
	b = strconv.AppendInt(b, i, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, h%1_000_000, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, (h>>20)%products, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, 1+(h>>40)%5, 10)
	b = append(b, ',')
	cents := 100 + (h>>44)%49_901
	b = strconv.AppendUint(b, cents/100, 10)
	b = append(b, '.', byte('0'+cents/10%10), byte('0'+cents%10), '\n')
	return b
}

func mix(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	return z ^ z>>31
}

// writeCSV writes rows formatted by row in parallel blocks, in order, to
// path (through a temporary file renamed at the end).
func writeCSV(ctx context.Context, path, header string, rows int64, row func([]byte, int64) []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString(header)
	const block = 1 << 18
	workers := runtime.GOMAXPROCS(0)
	outs := make([]chan []byte, workers)
	for k := range outs {
		outs[k] = make(chan []byte, 1)
		go func() {
			defer close(outs[k])
			for lo := int64(k) * block; lo < rows && ctx.Err() == nil; lo += int64(workers) * block {
				b := make([]byte, 0, block*40)
				for i := lo; i < min(lo+block, rows); i++ {
					b = row(b, i)
				}
				outs[k] <- b
			}
		}()
	}
	var werr error
	for k := 0; ; k = (k + 1) % workers {
		b, ok := <-outs[k]
		if !ok {
			break
		}
		if werr == nil {
			_, werr = bw.Write(b)
		}
	}
	for _, c := range outs {
		for range c {
		}
	}
	if err := ctx.Err(); err != nil {
		f.Close()
		return err
	}
	if werr == nil {
		werr = bw.Flush()
	}
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return os.Rename(tmp, path)
}

func sizeOf(paths ...string) string {
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// printTable prints a small table's rows.
func printTable(w io.Writer, tbl arrow.Table) error {
	s := tbl.Schema()
	for i, f := range s.Fields() {
		if i > 0 {
			fmt.Fprint(w, "\t")
		}
		fmt.Fprint(w, f.Name)
	}
	fmt.Fprintln(w)
	tr := array.NewTableReader(tbl, 0)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		for r := range int(rec.NumRows()) {
			for c := range int(rec.NumCols()) {
				if c > 0 {
					fmt.Fprint(w, "\t")
				}
				switch col := rec.Column(c).(type) {
				case *array.Float64:
					fmt.Fprintf(w, "%.2f", col.Value(r))
				default:
					fmt.Fprint(w, col.ValueStr(r))
				}
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}
