package io

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Helpers of the CSV tests: a reference parser, a generator of random CSV
// text, and readers that turn a dataset into rows of printable cells.

// csvWriteFile writes content to name in dir and returns its path.
func csvWriteFile(t testing.TB, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// csvCell prints value i of a as a cell: "null", or a type letter and the
// value (s"text", i12, f1.5, btrue, d<days>, t<ticks>).
func csvCell(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "null"
	}
	switch a := a.(type) {
	case *array.String:
		return "s" + strconv.Quote(a.Value(i))
	case *array.LargeString:
		return "s" + strconv.Quote(a.Value(i))
	case *array.Binary:
		return "s" + strconv.Quote(string(a.Value(i)))
	case *array.Int64:
		return "i" + strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return "f" + strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Float32:
		return "f" + strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case *array.Boolean:
		return "b" + strconv.FormatBool(a.Value(i))
	case *array.Date32:
		return "d" + strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Date64:
		return "D" + strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Timestamp:
		return "t" + strconv.FormatInt(int64(a.Value(i)), 10)
	}
	return a.DataType().String() + ":" + a.ValueStr(i)
}

// csvRecordRows appends the rows of rec to rows.
func csvRecordRows(rows [][]string, rec arrow.Record) [][]string {
	for r := 0; r < int(rec.NumRows()); r++ {
		row := make([]string, rec.NumCols())
		for c := range row {
			row[c] = csvCell(rec.Column(c), r)
		}
		rows = append(rows, row)
	}
	return rows
}

// csvReadAll reads every partition of ds in order, with a checked
// allocator, and returns their rows; the error is the first partition's.
func csvReadAll(t testing.TB, ds Dataset, opts ReadOptions) ([][]string, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opts.Allocator = mem
	var rows [][]string
	for _, p := range ds.Partitions(nil) {
		rec, err := p.Read(context.Background(), opts)
		if err != nil {
			return rows, err
		}
		if got, want := rec.Schema().NumFields(), len(opts.Columns); opts.Columns != nil && got != want {
			t.Errorf("%s: got %d columns, want %d", p, got, want)
		}
		rows = csvRecordRows(rows, rec)
		rec.Release()
	}
	return rows, nil
}

// csvOpenRead opens paths and reads them whole.
func csvOpenRead(t testing.TB, paths []string, opts CSVOptions) (*CSVDataset, [][]string, error) {
	t.Helper()
	ds, err := OpenCSV(context.Background(), paths, opts)
	if err != nil {
		return nil, nil, err
	}
	rows, err := csvReadAll(t, ds, ReadOptions{})
	return ds, rows, err
}

// csvRows builds expected rows from cells separated by |.
func csvRows(lines ...string) [][]string {
	rows := [][]string{}
	for _, l := range lines {
		rows = append(rows, strings.Split(l, "|"))
	}
	return rows
}

func csvRowsString(rows [][]string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}

// csvStringSchema is a schema of string columns.
func csvStringSchema(names []string) *arrow.Schema {
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

// csvRefOptions are the options the reference parser follows.
type csvRefOptions struct {
	noHeader bool
	delim    byte
	quote    byte // 0: no quoting
	escape   byte // 0: none
	comment  byte // 0: none
}

type csvRefField struct {
	text   string
	quoted bool
}

// csvRefError is where the reference parser finds an error.
type csvRefError struct {
	line, col int
	kind      error
}

func (e *csvRefError) Error() string { return fmt.Sprintf("%d:%d: %v", e.line, e.col, e.kind) }

// csvRefParse is the reference parser: byte by byte, obviously following
// the syntax CSVOptions documents. It returns the column names and the
// rows' fields, or the first error.
func csvRefParse(data string, o csvRefOptions) (names []string, rows [][]csvRefField, err *csvRefError) {
	lineOf := func(pos int) int { return 1 + strings.Count(data[:pos], "\n") }
	isEnd := func(i int) bool { // a row ends at i
		return i == len(data) || data[i] == '\n' || (data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n')
	}
	skipEnd := func(i int) int {
		if i == len(data) {
			return i
		}
		if data[i] == '\r' {
			return i + 2
		}
		return i + 1
	}
	// field lexes the field at i; it returns the field and where it ends.
	field := func(i, col int) (csvRefField, int, *csvRefError) {
		if o.quote != 0 && i < len(data) && data[i] == o.quote {
			start := i
			var b strings.Builder
			for i++; ; {
				if i >= len(data) {
					return csvRefField{}, 0, &csvRefError{lineOf(start), col, ErrCSVQuote}
				}
				c := data[i]
				switch {
				case o.escape != 0 && c == o.escape:
					if i+1 >= len(data) {
						return csvRefField{}, 0, &csvRefError{lineOf(start), col, ErrCSVQuote}
					}
					b.WriteByte(data[i+1])
					i += 2
					continue
				case c == o.quote && i+1 < len(data) && data[i+1] == o.quote:
					b.WriteByte(c)
					i += 2
					continue
				case c == o.quote:
					i++
					if !isEnd(i) && data[i] != o.delim {
						return csvRefField{}, 0, &csvRefError{lineOf(i), col, ErrCSVQuote}
					}
					return csvRefField{b.String(), true}, i, nil
				}
				b.WriteByte(c)
				i++
			}
		}
		start := i
		for !isEnd(i) && data[i] != o.delim {
			if o.quote != 0 && data[i] == o.quote {
				return csvRefField{}, 0, &csvRefError{lineOf(i), col, ErrCSVQuote}
			}
			i++
		}
		return csvRefField{data[start:i], false}, i, nil
	}
	// record lexes the record at i, of ncols fields (any number when
	// ncols < 0).
	record := func(i, ncols int) ([]csvRefField, int, *csvRefError) {
		var fields []csvRefField
		for {
			f, e, err := field(i, len(fields)+1)
			if err != nil {
				return nil, 0, err
			}
			fields = append(fields, f)
			if isEnd(e) {
				if ncols >= 0 && len(fields) != ncols {
					return nil, 0, &csvRefError{lineOf(e), len(fields) + 1, ErrCSVFieldCount}
				}
				return fields, skipEnd(e), nil
			}
			if len(fields) == ncols {
				return nil, 0, &csvRefError{lineOf(e + 1), ncols + 1, ErrCSVFieldCount}
			}
			i = e + 1
		}
	}
	blank := func(i int) bool {
		return data[i] == '\n' || (data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n')
	}
	comment := func(i int) bool { return o.comment != 0 && data[i] == o.comment }

	start := 0
	if strings.HasPrefix(data, csvBOM) {
		start = len(csvBOM)
	}
	// The first record gives the column count (and, with a header, names).
	i := start
	for i < len(data) && (blank(i) || comment(i)) {
		j := strings.IndexByte(data[i:], '\n')
		if j < 0 {
			i = len(data)
			break
		}
		i += j + 1
	}
	if i >= len(data) {
		return nil, nil, nil
	}
	first, next, err := record(i, -1)
	if err != nil {
		return nil, nil, err
	}
	for k, f := range first {
		if o.noHeader || f.text == "" {
			names = append(names, "column_"+strconv.Itoa(k+1))
		} else {
			names = append(names, f.text)
		}
	}
	ncols := len(first)
	i = start
	if !o.noHeader {
		i = next
	}
	rows = [][]csvRefField{}
	for i < len(data) {
		if comment(i) {
			j := strings.IndexByte(data[i:], '\n')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		if ncols > 1 && blank(i) {
			i = skipEnd(i)
			continue
		}
		r, next, err := record(i, ncols)
		if err != nil {
			return names, rows, err
		}
		rows = append(rows, r)
		i = next
	}
	return names, rows, nil
}

// csvRefCells turns reference rows into the cells of string columns with
// the default null values.
func csvRefCells(rows [][]csvRefField) [][]string {
	out := [][]string{}
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, f := range r {
			if !f.quoted && f.text == "" {
				cells[i] = "null"
			} else {
				cells[i] = "s" + strconv.Quote(f.text)
			}
		}
		out = append(out, cells)
	}
	return out
}

// csvGenOptions say what csvGen may write.
type csvGenOptions struct {
	rows        int
	crInQuotes  bool // "\r\n" inside quoted fields
	crlf        bool // rows may end with "\r\n"
	blankLines  bool
	bom         bool
	noFinalLine bool // the last row may lack its newline
}

// csvGen writes random CSV text with a header: fields that are empty,
// quoted and empty, plain, or quoted with delimiters, doubled quotes and
// newlines inside.
func csvGen(rng *rand.Rand, o csvGenOptions) (string, int) {
	ncols := 1 + rng.IntN(4)
	var b strings.Builder
	if o.bom && rng.IntN(4) == 0 {
		b.WriteString(csvBOM)
	}
	eol := func() {
		if o.crlf && rng.IntN(3) == 0 {
			b.WriteString("\r\n")
		} else {
			b.WriteByte('\n')
		}
	}
	for c := 0; c < ncols; c++ {
		if c > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "c%d", c)
	}
	eol()
	plain := "abxyz 0123456789.-"
	special := []string{",", "\"\"", "\n", " ", "a", "7", "é", "\t"}
	if o.crInQuotes {
		special = append(special, "\r\n", "\r")
	}
	for r := 0; r < o.rows; r++ {
		if o.blankLines && ncols > 1 && rng.IntN(10) == 0 {
			eol()
		}
		for c := 0; c < ncols; c++ {
			if c > 0 {
				b.WriteByte(',')
			}
			switch rng.IntN(6) {
			case 0: // empty: null
			case 1:
				b.WriteString(`""`)
			case 2, 3:
				for k := rng.IntN(8); k > 0; k-- {
					b.WriteByte(plain[rng.IntN(len(plain))])
				}
				if b.Len() > 0 && rng.IntN(2) == 0 {
					b.WriteByte('a') // not all-empty
				}
			default:
				b.WriteByte('"')
				for k := rng.IntN(6); k > 0; k-- {
					b.WriteString(special[rng.IntN(len(special))])
				}
				b.WriteByte('"')
			}
		}
		if r < o.rows-1 || !o.noFinalLine || rng.IntN(2) == 0 {
			eol()
		}
	}
	return b.String(), ncols
}

func TestCSVRefParse(t *testing.T) {
	for _, tc := range []struct {
		data  string
		o     csvRefOptions
		names string
		rows  string
		err   string
	}{
		{data: "a,b\n1,\"x,\"\"y\"\"\"\n", o: csvRefOptions{delim: ',', quote: '"'}, names: "a|b", rows: "s\"1\"|s\"x,\\\"y\\\"\"\n"},
		{data: "a,b\n\n1,\n", o: csvRefOptions{delim: ',', quote: '"'}, names: "a|b", rows: "s\"1\"|null\n"},
		{data: "a\n\n1\n", o: csvRefOptions{delim: ',', quote: '"'}, names: "a", rows: "null\ns\"1\"\n"},
		{data: "a,b\n1\n", o: csvRefOptions{delim: ',', quote: '"'}, err: "2:2: wrong number of fields"},
		{data: "a,b\n1,2,3\n", o: csvRefOptions{delim: ',', quote: '"'}, err: "2:3: wrong number of fields"},
		{data: "a,b\n1,x\"y\n", o: csvRefOptions{delim: ',', quote: '"'}, err: "2:2: malformed quoted field"},
		{data: "#c\"\na,b\n#\"\n1,\"\\\"\"\n", o: csvRefOptions{delim: ',', quote: '"', escape: '\\', comment: '#'}, names: "a|b", rows: "s\"1\"|s\"\\\"\"\n"},
	} {
		names, rows, err := csvRefParse(tc.data, tc.o)
		if err != nil || tc.err != "" {
			if fmt.Sprint(err) != tc.err {
				t.Errorf("%q: got error %v, want %s", tc.data, err, tc.err)
			}
			continue
		}
		if got := strings.Join(names, "|"); got != tc.names {
			t.Errorf("%q: got names %s, want %s", tc.data, got, tc.names)
		}
		if got := csvRowsString(csvRefCells(rows)); got != tc.rows {
			t.Errorf("%q: got rows\n%s, want\n%s", tc.data, got, tc.rows)
		}
	}
}

// csvErrorAt checks that err is a *CSVError at path:line:col of kind.
func csvErrorAt(t testing.TB, err error, path string, line int64, col int, kind error) {
	t.Helper()
	var ce *CSVError
	if !errors.As(err, &ce) {
		t.Fatalf("got error %v, want a *CSVError", err)
	}
	if ce.Path != path || ce.Line != line || ce.Column != col || !errors.Is(err, kind) {
		t.Errorf("got %s:%d:%d (%v), want %s:%d:%d (%v); error: %v", ce.Path, ce.Line, ce.Column, ce.Err, path, line, col, kind, err)
	}
}
