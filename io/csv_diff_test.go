package io

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// csvBlockSizes are the block sizes the differential tests split files
// with: tiny ones put boundaries everywhere, inside quoted newlines too.
var csvBlockSizes = []int64{1, 2, 3, 7, 13, 64, 1000, 1 << 20}

// TestCSVDifferential reads random CSV files at many block sizes and
// compares the rows of all partitions, in order, with the reference
// parser's.
func TestCSVDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	dir := t.TempDir()
	for iter := 0; iter < 60; iter++ {
		gen := csvGenOptions{
			rows:        rng.IntN(40),
			crInQuotes:  iter%2 == 0,
			crlf:        iter%3 == 0,
			blankLines:  iter%4 == 0,
			bom:         iter%5 == 0,
			noFinalLine: iter%2 == 1,
		}
		data, _ := csvGen(rng, gen)
		path := csvWriteFile(t, dir, fmt.Sprintf("f%d.csv", iter), data)
		names, ref, rerr := csvRefParse(data, csvRefOptions{delim: ',', quote: '"'})
		if rerr != nil {
			t.Fatalf("the generator wrote bad CSV: %v\n%q", rerr, data)
		}
		want := csvRowsString(csvRefCells(ref))
		for _, bs := range csvBlockSizes {
			ds, rows, err := csvOpenRead(t, []string{path}, CSVOptions{BlockSize: bs, Schema: csvStringSchema(names)})
			if err != nil {
				t.Fatalf("file %d, block size %d: %v\n%q", iter, bs, err, data)
			}
			if got := csvRowsString(rows); got != want {
				t.Fatalf("file %d, block size %d (%d partitions): got rows\n%s\nwant\n%s\ndata %q", iter, bs, len(ds.Partitions(nil)), got, want, data)
			}
		}
	}
}

// TestCSVEncodingCSV compares the field splitting with encoding/csv's
// where both apply: no carriage return inside quoted fields (encoding/csv
// turns "\r\n" there into "\n"), no BOM, and nulls read as "".
func TestCSVEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	dir := t.TempDir()
	for iter := 0; iter < 40; iter++ {
		data, ncols := csvGen(rng, csvGenOptions{rows: rng.IntN(30), crlf: true, blankLines: true, noFinalLine: iter%2 == 0})
		if ncols == 1 {
			continue // encoding/csv skips blank lines even with one column
		}
		r := csv.NewReader(strings.NewReader(data))
		want, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		path := csvWriteFile(t, dir, fmt.Sprintf("f%d.csv", iter), data)
		for _, bs := range []int64{5, 100, 1 << 20} {
			_, rows, err := csvOpenRead(t, []string{path}, CSVOptions{BlockSize: bs, Schema: csvStringSchema(want[0]), NullValues: []string{}})
			if err != nil {
				t.Fatal(err)
			}
			got := [][]string{want[0]}
			for _, row := range rows {
				fields := make([]string, len(row))
				for i, c := range row {
					s, err := strconv.Unquote(c[1:])
					if err != nil {
						t.Fatal(err)
					}
					fields[i] = s
				}
				got = append(got, fields)
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
				t.Fatalf("block size %d: got %q, want %q", bs, got, want)
			}
		}
	}
}

// TestCSVPartitionsConcurrent reads the partitions of one dataset from
// several goroutines at once, twice, and checks they give the rows of the
// whole file.
func TestCSVPartitionsConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	data, _ := csvGen(rng, csvGenOptions{rows: 400, crInQuotes: true, crlf: true, blankLines: true})
	path := csvWriteFile(t, t.TempDir(), "f.csv", data)
	names, ref, _ := csvRefParse(data, csvRefOptions{delim: ',', quote: '"'})
	want := csvRefCells(ref)
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{BlockSize: 50, Schema: csvStringSchema(names)})
	if err != nil {
		t.Fatal(err)
	}
	parts := ds.Partitions(nil)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for round := 0; round < 2; round++ {
		got := make([][][]string, len(parts))
		var wg sync.WaitGroup
		errs := make(chan error, len(parts))
		// Read in reverse order, so that partitions need the quote counts
		// of blocks nobody has read yet.
		for i := len(parts) - 1; i >= 0; i-- {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec, err := parts[i].Read(context.Background(), ReadOptions{Allocator: mem})
				if err != nil {
					errs <- err
					return
				}
				got[i] = csvRecordRows(nil, rec)
				rec.Release()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var all [][]string
		for _, g := range got {
			all = append(all, g...)
		}
		if csvRowsString(all) != csvRowsString(want) {
			t.Fatalf("round %d: got\n%s\nwant\n%s", round, csvRowsString(all), csvRowsString(want))
		}
	}
}

// TestCSVDifferentialOptions compares with the reference parser under
// comments, escapes and no quoting, whose boundaries come from scanning.
func TestCSVDifferentialOptions(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	dir := t.TempDir()
	for iter := 0; iter < 30; iter++ {
		var b strings.Builder
		b.WriteString("# a comment with a \" quote\na,b,c\n")
		for r := rng.IntN(30); r > 0; r-- {
			switch rng.IntN(5) {
			case 0:
				b.WriteString("#x\"y,z\n")
			case 1:
				b.WriteString("1,\"q\\\"\n\",z\n") // an escaped quote and a quoted newline
			case 2:
				b.WriteString("\"\",\"a,b\"\"c\",\n")
			default:
				fmt.Fprintf(&b, "%d,x%d,\"%d\"\n", r, r, r)
			}
		}
		data := b.String()
		path := csvWriteFile(t, dir, fmt.Sprintf("f%d.csv", iter), data)
		ro := csvRefOptions{delim: ',', quote: '"', escape: '\\', comment: '#'}
		names, ref, rerr := csvRefParse(data, ro)
		if rerr != nil {
			t.Fatal(rerr)
		}
		want := csvRowsString(csvRefCells(ref))
		for _, bs := range csvBlockSizes {
			_, rows, err := csvOpenRead(t, []string{path}, CSVOptions{BlockSize: bs, Escape: '\\', Comment: '#', Schema: csvStringSchema(names)})
			if err != nil {
				t.Fatalf("block size %d: %v", bs, err)
			}
			if got := csvRowsString(rows); got != want {
				t.Fatalf("block size %d: got\n%s\nwant\n%s\ndata %q", bs, got, want, data)
			}
		}
	}
	// No quoting: quotes are text, every newline ends a row.
	data := "a\tb\n5'10\"\tx\"y\n\"q\t\"\n"
	path := csvWriteFile(t, dir, "nq.tsv", data)
	_, ref, _ := csvRefParse(data, csvRefOptions{delim: '\t'})
	for _, bs := range csvBlockSizes {
		_, rows, err := csvOpenRead(t, []string{path}, CSVOptions{BlockSize: bs, NoQuote: true, Delimiter: '\t'})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := csvRowsString(rows), csvRowsString(csvRefCells(ref)); got != want {
			t.Fatalf("block size %d: got\n%s\nwant\n%s", bs, got, want)
		}
	}
}

// csvCompareErrors checks that a read error matches the reference's.
func csvCompareErrors(t *testing.T, err error, ref *csvRefError, path string) {
	t.Helper()
	var ce *CSVError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *CSVError like %v", err, ref)
	}
	csvErrorAt(t, err, path, int64(ref.line), ref.col, ref.kind)
}
