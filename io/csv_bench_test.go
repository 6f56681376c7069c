package io

import (
	"bufio"
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

var (
	csvBenchRows    = flag.Int("csv.rows", 1_000_000, "rows of the file BenchmarkCSVRead reads (1e7 makes the ~0.5 GB db-benchmark file)")
	csvBenchWorkers = flag.Int("csv.workers", 2, "goroutines that read the partitions in BenchmarkCSVRead")
	csvBenchFile    = flag.String("csv.file", "", "a CSV file of the group-by shape for BenchmarkCSVRead to read instead of generating one (such as db-benchmark's G1_1e7_1e2_0_0.csv)")
)

// csvWriteGroupBy writes a CSV file of the shape of the db-benchmark
// group-by data (G1_<rows>_1e2_0_0): three string keys, three int keys, two
// small ints and a float with 6 decimals, such as
// id016,id039,id0000043591,20,56,3592,4,3,32.475807.
func csvWriteGroupBy(tb testing.TB, path string, rows int) int64 {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("id1,id2,id3,id4,id5,id6,v1,v2,v3\n")
	rng := rand.New(rand.NewPCG(1, 2))
	const k = 100
	nk := max(rows/k, 1)
	line := make([]byte, 0, 128)
	id := func(b []byte, v, width int) []byte {
		b = append(b, "id"...)
		s := strconv.Itoa(v)
		for i := len(s); i < width; i++ {
			b = append(b, '0')
		}
		return append(b, s...)
	}
	for i := 0; i < rows; i++ {
		line = line[:0]
		line = id(line, 1+rng.IntN(k), 3)
		line = append(line, ',')
		line = id(line, 1+rng.IntN(k), 3)
		line = append(line, ',')
		line = id(line, 1+rng.IntN(nk), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rng.IntN(k)), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rng.IntN(k)), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rng.IntN(nk)), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rng.IntN(5)), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, int64(1+rng.IntN(15)), 10)
		line = append(line, ',')
		line = strconv.AppendFloat(line, float64(rng.IntN(100_000_000))/1e6, 'f', 6, 64)
		line = append(line, '\n')
		w.Write(line)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	st, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return st.Size()
}

// csvReadAllParallel reads every partition with workers goroutines and
// returns the rows read.
func csvReadAllParallel(ctx context.Context, parts []Partition, workers int, opts ReadOptions) (int64, error) {
	var next, rows atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(parts) {
					return
				}
				rec, err := parts[i].Read(ctx, opts)
				if err != nil {
					errs[w] = err
					return
				}
				rows.Add(rec.NumRows())
				rec.Release()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return rows.Load(), nil
}

// BenchmarkCSVRead reads a db-benchmark group-by CSV file (1e6 rows by
// default, -csv.rows=10000000 for the 0.5 GB one) into Arrow records with
// -csv.workers goroutines (2 by default) reading partitions of an eighth of
// the file.
func BenchmarkCSVRead(b *testing.B) {
	ctx := context.Background()
	path, rows := *csvBenchFile, int64(*csvBenchRows)
	var size int64
	if path == "" {
		path = filepath.Join(b.TempDir(), "groupby.csv")
		size = csvWriteGroupBy(b, path, *csvBenchRows)
	} else {
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size, rows = st.Size(), -1
	}
	for _, bc := range []struct {
		name    string
		columns []string
		comment rune
	}{
		{"all", nil, 0},
		{"v1,v3", []string{"v1", "v3"}, 0},
		{"id1,id3", []string{"id1", "id3"}, 0},
		// With Comment set, row starts come from a scan of the file
		// instead of quote parity.
		{"all,comment", nil, '#'},
	} {
		b.Run(bc.name, func(b *testing.B) {
			start := time.Now()
			ds, err := OpenCSV(ctx, []string{path}, CSVOptions{BlockSize: min(max(size/8, 1<<20), DefaultCSVBlockSize), Comment: bc.comment})
			if err != nil {
				b.Fatal(err)
			}
			openTime := time.Since(start)
			parts := ds.Partitions(nil)
			mem := memory.NewGoAllocator()
			b.SetBytes(size)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				got, err := csvReadAllParallel(ctx, parts, *csvBenchWorkers, ReadOptions{Columns: bc.columns, Allocator: mem})
				if err != nil {
					b.Fatal(err)
				}
				if rows >= 0 && got != rows {
					b.Fatalf("got %d rows, want %d", got, rows)
				}
				rows = got
			}
			b.StopTimer()
			perRead := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(perRead.Seconds(), "s/read")
			b.ReportMetric(openTime.Seconds()*1e3, "ms/open")
			if bc.columns == nil {
				b.Logf("%d rows, %.1f MB in %d partitions: %.3f s per read, %.0f MB/s; open %v",
					rows, float64(size)/1e6, len(parts), perRead.Seconds(), float64(size)/1e6/perRead.Seconds(), openTime)
			}
		})
	}
}

// BenchmarkCSVParse parses 400,000 rows (20 MB) of the group-by shape held
// in memory, in one goroutine: the parser's speed without I/O and with the
// output buffers presized.
func BenchmarkCSVParse(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "groupby.csv")
	const rows = 400_000
	csvWriteGroupBy(b, path, rows)
	ds, err := OpenCSV(ctx, []string{path}, CSVOptions{})
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	data = data[ds.files[0].dataStart:]
	mem := memory.NewGoAllocator()
	_, outs, _ := ds.project(nil)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cols := make([]csvColumn, len(outs))
		for _, k := range outs {
			c := &cols[k]
			c.index, c.name, c.typ = k, ds.schema.Field(k).Name, ds.schema.Field(k).Type
			c.kind, c.width, c.parse, _ = csvKindOf(c.typ)
			c.init(mem, rows+rows/20, int(rows*1.05*ds.valBytes[k]))
		}
		ps := newCSVParser(ctx, &ds.cfg, mem, cols, outs)
		if _, st := ps.parse(data, 0, len(data), true); st != csvDone || ps.rows != rows {
			b.Fatalf("got %v, %d rows", st, ps.rows)
		}
		ps.release()
	}
}
