package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/dusk-go/dusk/frame"
	"github.com/dusk-go/dusk/internal/hashing"
	"github.com/dusk-go/dusk/scheduler"
)

func oocSuite() suite {
	return suite{
		name: "ooc",
		doc:  "out-of-core: group-by of a generated 6 GB CSV (180M rows) under a 1 GiB memory limit, and a sort of a CSV 3× the limit",
		cases: []benchCase{
			{name: "groupby-6gb", doc: "ReadCSV(id, key in 0..999, v) -> group by key: sum(v), mean(v), 1 GiB limit; seconds and peak RSS", run: oocGroupBy},
			{name: "sort-3x", doc: "ReadCSV(48M rows, 1.6 GB) -> sort by v -> WriteParquet, 352 MiB limit (the data is 3× it); seconds and peak RSS", run: oocSort},
		},
	}
}

// oocRow is row i of the generated table: id i, key a hash of i mod 1000,
// and v in [0, 1e6) with 8 decimals from the same hash (about 33 bytes of
// CSV per row: 180M rows make 6 GB).
func oocRow(i int64) (key int64, v float64) {
	h := hashing.Mix64(uint64(i) + 0x9e3779b97f4a7c15)
	return int64(h % 1000), float64((h>>10)%100_000_000_000_000) / 1e8
}

// oocData writes (once) the CSV of n rows to dir and returns its path and
// the exact sum of v.
func oocData(ctx context.Context, dir string, n int64) (string, float64, error) {
	path := filepath.Join(dir, fmt.Sprintf("ooc8_%d.csv", n))
	// a compensated sum, exact to about 1e-16
	var sum, comp float64
	for i := range n {
		_, v := oocRow(i)
		y := v - comp
		t := sum + y
		comp = (t - sum) - y
		sum = t
	}
	if _, err := os.Stat(path); err == nil {
		return path, sum, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", 0, err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return "", 0, err
	}
	defer os.Remove(tmp)
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("id,key,v\n")
	// blocks formatted in parallel, written in order
	const block = 1 << 20
	workers := runtime.GOMAXPROCS(0)
	out := make([]chan []byte, workers)
	for k := range out {
		out[k] = make(chan []byte, 1)
	}
	var wg sync.WaitGroup
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(out[k])
			for lo := int64(k) * block; lo < n; lo += int64(workers) * block {
				if ctx.Err() != nil {
					return
				}
				buf := make([]byte, 0, block*32)
				for i := lo; i < min(lo+block, n); i++ {
					key, v := oocRow(i)
					buf = strconv.AppendInt(buf, i, 10)
					buf = append(buf, ',')
					buf = strconv.AppendInt(buf, key, 10)
					buf = append(buf, ',')
					buf = strconv.AppendFloat(buf, v, 'f', -1, 64)
					buf = append(buf, '\n')
				}
				out[k] <- buf
			}
		}()
	}
	var werr error
	for lo, k := int64(0), 0; lo < n; lo, k = lo+block, (k+1)%workers {
		buf, ok := <-out[k]
		if !ok {
			break
		}
		if werr == nil {
			_, werr = w.Write(buf)
		}
	}
	for _, c := range out {
		for range c {
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		f.Close()
		return "", 0, err
	}
	if werr == nil {
		werr = w.Flush()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return "", 0, werr
	}
	return path, sum, os.Rename(tmp, path)
}

func oocGroupBy(ctx context.Context, o options, emit func(result) error) error {
	n, limit := int64(180_000_000), int64(1<<30)
	if o.quick {
		n, limit = 2_000_000, 64<<20
	}
	path, sum, err := oocData(ctx, dataDirOf(o), n)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	defer goMemoryLimit(limit)()
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	stop := sampleMemory()
	start := time.Now()
	df := frame.ReadCSV(ctx, path).GroupBy("key").Agg(frame.Sum("v"), frame.Mean("v"), frame.Len())
	opts := append(schedOpts(o), scheduler.MemoryLimit(limit))
	tbl, err := df.Compute(ctx, opts...)
	peaks := stop()
	if err != nil {
		return err
	}
	defer tbl.Release()
	secs := time.Since(start).Seconds()
	rss := peakRSS()
	// checks: 1000 groups, every row counted once, the sums add up
	var rows int64
	var total float64
	tr := array.NewTableReader(tbl, 0)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		for i := range int(rec.NumRows()) {
			total += rec.Column(1).(*array.Float64).Value(i)
			rows += rec.Column(3).(*array.Int64).Value(i)
		}
	}
	if tbl.NumRows() != 1000 || rows != n || math.Abs(total-sum) > 1e-9*sum {
		return fmt.Errorf("got %d groups, %d rows, sum %v; want 1000, %d, %v", tbl.NumRows(), rows, total, n, sum)
	}
	if err := emit(result{Metric: "csv_gb", Value: float64(st.Size()) / 1e9, Unit: "GB"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "seconds", Value: secs, Unit: "s", Target: "≤ Polars (10–13 s here)"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "peak_rss_mb", Value: float64(rss) / (1 << 20), Unit: "MB", Target: "≤ 1229 (1.2 GB)"}); err != nil {
		return err
	}
	return emitPeaks(emit, peaks)
}

// goMemoryLimit sets Go's soft memory limit to 1.5 × dusk's limit, as a
// user running out of core would (GOMEMLIMIT): dusk keeps the accounted
// data under its limit, but Go's collector, left alone, lets the garbage of
// released partitions grow the heap to twice the live data between
// collections. It returns the function that restores the previous limit.
func goMemoryLimit(limit int64) func() {
	prev := debug.SetMemoryLimit(limit * 3 / 2)
	return func() { debug.SetMemoryLimit(prev) }
}

// emitPeaks reports the sampled peaks: the process's own memory (RssAnon)
// and the mapped files (RssFile: badger's value log when values spill).
func emitPeaks(emit func(result) error, p memPeaks) error {
	if err := emit(result{Metric: "peak_anon_rss_mb", Value: float64(p.rssAnon) / (1 << 20), Unit: "MB"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "peak_file_rss_mb", Value: float64(p.rssFile) / (1 << 20), Unit: "MB"}); err != nil {
		return err
	}
	return emit(result{Metric: "peak_heap_mb", Value: float64(p.heap) / (1 << 20), Unit: "MB"})
}

func oocSort(ctx context.Context, o options, emit func(result) error) error {
	n, limit := int64(48_000_000), int64(352<<20)
	if o.quick {
		n, limit = 1_000_000, 7<<20
	}
	path, _, err := oocData(ctx, dataDirOf(o), n)
	if err != nil {
		return err
	}
	outDir, err := os.MkdirTemp(dataDirOf(o), "sorted-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(outDir)
	defer goMemoryLimit(limit)()
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	stop := sampleMemory()
	start := time.Now()
	opts := append(schedOpts(o), scheduler.MemoryLimit(limit))
	// partitions of 1/16 of the limit, as a user who sorts under a small
	// limit would choose
	csvOpts := frame.CSVOptions{BlockSize: limit / 16}
	paths, err := frame.ReadCSV(ctx, path, csvOpts).Sort(frame.Asc("v"), frame.Asc("id")).WriteParquet(ctx, outDir, frame.ParquetWriteOptions{}, opts...)
	peaks := stop()
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	rss := peakRSS()
	// check: the files hold every row, in order
	var rows int64
	prev := math.Inf(-1)
	for _, p := range paths {
		tbl, err := frame.ReadParquet(ctx, p).Compute(ctx)
		if err != nil {
			return err
		}
		tr := array.NewTableReader(tbl, 0)
		for tr.Next() {
			v := tr.Record().Column(2).(*array.Float64).Float64Values()
			for _, x := range v {
				if x < prev {
					tr.Release()
					tbl.Release()
					return fmt.Errorf("%s: %v after %v: not sorted", p, x, prev)
				}
				prev = x
			}
			rows += int64(len(v))
		}
		tr.Release()
		tbl.Release()
	}
	if rows != n {
		return fmt.Errorf("sorted %d rows, want %d", rows, n)
	}
	if err := emit(result{Metric: "seconds", Value: secs, Unit: "s"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "data_vs_limit", Value: float64(n*24) / float64(limit), Unit: "x", Target: "≥ 3"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "peak_rss_mb", Value: float64(rss) / (1 << 20), Unit: "MB"}); err != nil {
		return err
	}
	return emitPeaks(emit, peaks)
}
