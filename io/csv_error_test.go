package io

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
)

func TestCSVErrors(t *testing.T) {
	fare := map[string]arrow.DataType{"fare": arrow.PrimitiveTypes.Float64}
	for _, tc := range []struct {
		name string
		data string
		opts CSVOptions
		want string // the error, after "io: <path>:"
	}{
		{"value", "id,fare\n1,2.5\n2,abc\n", CSVOptions{ColumnTypes: fare}, `3:2 (column "fare"): cannot parse "abc" as float64`},
		{"value after quoted newlines", "id,fare\n\"a\nb\",1\n\"c\r\nd\",x\n", CSVOptions{ColumnTypes: fare}, `5:2 (column "fare"): cannot parse "x" as float64`},
		{"quoted value", "id,fare\n1,\"1,5\"\n", CSVOptions{ColumnTypes: fare}, `2:2 (column "fare"): cannot parse "1,5" as float64`},
		{"long value", "id,fare\n1," + strings.Repeat("é", 30) + "\n", CSVOptions{ColumnTypes: fare}, `2:2 (column "fare"): cannot parse "` + strings.Repeat("é", 20) + `..." as float64`},
		{"too few fields", "a,b,c\n1,2,3\n4,5\n", CSVOptions{}, `3:3 (column "c"): row has 2 fields, want 3`},
		{"too few fields at the end", "a,b\n1,2\n3", CSVOptions{}, `3:2 (column "b"): row has 1 fields, want 2`},
		{"too many fields", "a,b\n1,2\n3,4,5,6\n", CSVOptions{}, `3:3: row has 4 fields, want 2`},
		{"bare quote", "a,b\n1,x\"y\n", CSVOptions{}, `2:2 (column "b"): bare " in an unquoted field; quote the field and double its quotes, or set CSVOptions.NoQuote`},
		{"text after a closing quote", "a,b\n1,\"x\"y\n", CSVOptions{}, `2:2 (column "b"): unexpected 'y' after the closing " of a quoted field`},
		{"unclosed quote", "a,b\n1,2\n3,\"x\ny\n", CSVOptions{}, `3:2 (column "b"): quoted field is not closed at the end of the file`},
		{"comment and error", "#\"\na,b\n#\n1,2,3\n", CSVOptions{Comment: '#'}, `4:3: row has 3 fields, want 2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := csvWriteFile(t, t.TempDir(), "e.csv", tc.data)
			for _, bs := range []int64{1, 4, 1 << 20} {
				opts := tc.opts
				opts.BlockSize = bs
				ds, err := OpenCSV(context.Background(), []string{path}, opts)
				if err != nil {
					t.Fatal(err)
				}
				_, err = csvReadAll(t, ds, ReadOptions{})
				if want := "io: " + path + ":" + tc.want; err == nil || err.Error() != want {
					t.Errorf("block size %d: got %v, want %s", bs, err, want)
				}
			}
		})
	}
}

// TestCSVErrorLines: the line of an error is exact whatever partition
// finds it, far into a file of quoted newlines.
func TestCSVErrorLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	line := int64(2)
	for i := 0; i < 2000; i++ {
		if i%3 == 0 {
			b.WriteString("\"x\ny\",1\n")
			line += 2
		} else {
			b.WriteString("z,2\n")
			line++
		}
	}
	b.WriteString("bad,3.5\n")
	path := csvWriteFile(t, t.TempDir(), "lines.csv", b.String())
	for _, bs := range []int64{7, 64, 1000, 1 << 20} {
		ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{BlockSize: bs, ColumnTypes: map[string]arrow.DataType{"b": arrow.PrimitiveTypes.Int64}})
		if err != nil {
			t.Fatal(err)
		}
		// Read the partitions from the last: the one with the bad row
		// finds the error alone.
		parts := ds.Partitions(nil)
		for i := len(parts) - 1; i >= 0 && err == nil; i-- {
			var rec arrow.Record
			if rec, err = parts[i].Read(context.Background(), ReadOptions{}); err == nil {
				rec.Release()
			}
		}
		csvErrorAt(t, err, path, line, 2, ErrCSVValue)
		var ce *CSVError
		if errors.As(err, &ce) && (ce.Text != "3.5" || ce.ColumnName != "b") {
			t.Errorf("got text %q, column name %q, want 3.5 and b", ce.Text, ce.ColumnName)
		}
	}
}

func TestCSVSkipBadRows(t *testing.T) {
	data := "a,b\n1,x\n2\n3,y,z\nq,w\n4,\"v\nv\"\n5,\"unclosed\n6,u\n"
	path := csvWriteFile(t, t.TempDir(), "s.csv", data)
	want := csvRows(`i1|s"x"`, `i4|s"v\nv"`)
	for _, bs := range []int64{1, 5, 1 << 20} {
		ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{BlockSize: bs, SkipBadRows: true, ColumnTypes: map[string]arrow.DataType{"a": arrow.PrimitiveTypes.Int64}})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csvReadAll(t, ds, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := csvRowsString(rows); got != csvRowsString(want) {
			t.Errorf("block size %d: got\n%s\nwant\n%s", bs, got, csvRowsString(want))
		}
		// 2: too few; 3,y,z: too many; q: not an int; the unclosed quote
		// takes the rest of the file.
		if got := ds.BadRows(); got != 4 {
			t.Errorf("block size %d: got %d bad rows, want 4", bs, got)
		}
		// Reading again counts again.
		csvReadAll(t, ds, ReadOptions{Columns: []string{"b"}})
		if got := ds.BadRows(); got != 7 {
			t.Errorf("block size %d: got %d bad rows after reading b again, want 7 (q,w is good without a)", bs, got)
		}
	}
	// A misplaced quote is an error even so.
	path = csvWriteFile(t, t.TempDir(), "q.csv", "a,b\n1,2\n3,x\"y\n5,6\n")
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{SkipBadRows: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = csvReadAll(t, ds, ReadOptions{})
	csvErrorAt(t, err, path, 3, 2, ErrCSVQuote)
	// And so is one found while skipping a bad row.
	path = csvWriteFile(t, t.TempDir(), "q2.csv", "a,b\n1,2,x\"y\n5,6\n")
	ds, err = OpenCSV(context.Background(), []string{path}, CSVOptions{SkipBadRows: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = csvReadAll(t, ds, ReadOptions{})
	csvErrorAt(t, err, path, 2, 3, ErrCSVQuote)
}

func TestCSVErrorType(t *testing.T) {
	e := &CSVError{Path: "data/a.csv", Line: 17, Column: 3, ColumnName: "fare", Text: "abc",
		Err: &csvErrorDetail{kind: ErrCSVValue, msg: `cannot parse "abc" as float64`}}
	if got, want := e.Error(), `io: data/a.csv:17:3 (column "fare"): cannot parse "abc" as float64`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	wrapped := fmt.Errorf("frame: scan: %w", e)
	var ce *CSVError
	if !errors.As(wrapped, &ce) || !errors.Is(wrapped, ErrCSVValue) || errors.Is(wrapped, ErrCSVQuote) {
		t.Errorf("errors.As/Is do not reach the CSVError and its kind")
	}
}
