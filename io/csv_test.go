package io

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
)

// csvSchemaString prints a schema as name:type pairs.
func csvSchemaString(s *arrow.Schema) string {
	var parts []string
	for _, f := range s.Fields() {
		parts = append(parts, f.Name+":"+f.Type.String())
	}
	return strings.Join(parts, " ")
}

func TestCSVRead(t *testing.T) {
	long := strings.Repeat("x", 300_000)
	for _, tc := range []struct {
		name   string
		data   string
		opts   CSVOptions
		schema string
		rows   [][]string
	}{
		{
			name:   "types",
			data:   "i,f,s,b,d,ts\n1,1.5,x,true,2024-02-29,2024-02-29 10:11:12\n-2,-0.25,\"y, z\",FALSE,1970-01-01,1970-01-01T00:00:00.000001\n",
			schema: "i:int64 f:float64 s:utf8 b:bool d:date32 ts:timestamp[us]",
			rows:   csvRows(`i1|f1.5|s"x"|btrue|d19782|t1709201472000000`, `i-2|f-0.25|s"y, z"|bfalse|d0|t1`),
		},
		{
			name:   "crlf and no final newline",
			data:   "a,b\r\n1,x\r\n2,y",
			schema: "a:int64 b:utf8",
			rows:   csvRows(`i1|s"x"`, `i2|s"y"`),
		},
		{
			name:   "bom",
			data:   csvBOM + "a,b\n1,2\n",
			schema: "a:int64 b:int64",
			rows:   csvRows(`i1|i2`),
		},
		{
			name:   "no header",
			data:   "1,x\n2,y\n",
			opts:   CSVOptions{NoHeader: true},
			schema: "column_1:int64 column_2:utf8",
			rows:   csvRows(`i1|s"x"`, `i2|s"y"`),
		},
		{
			name:   "no header with bom",
			data:   csvBOM + "1\n2\n",
			opts:   CSVOptions{NoHeader: true},
			schema: "column_1:int64",
			rows:   csvRows(`i1`, `i2`),
		},
		{
			name:   "empty header names",
			data:   ",a,\n1,2,3\n",
			schema: "column_1:int64 a:int64 column_3:int64",
			rows:   csvRows(`i1|i2|i3`),
		},
		{
			name:   "nulls: empty vs quoted empty",
			data:   "s,i\n,\n\"\",5\nx,\n",
			schema: "s:utf8 i:int64",
			rows:   csvRows(`null|null`, `s""|i5`, `s"x"|null`),
		},
		{
			name:   "null tokens",
			data:   "s,i,f\nNA,NA,null\n\"NA\",1,2\n,2,\"NA\"\n",
			opts:   CSVOptions{NullValues: []string{"NA", "null"}},
			schema: "s:utf8 i:int64 f:int64",
			rows:   csvRows(`null|null|null`, `s"NA"|i1|i2`, `s""|i2|null`),
		},
		{
			name:   "no null values",
			data:   "s\n\nx\n",
			opts:   CSVOptions{NullValues: []string{}},
			schema: "s:utf8",
			rows:   csvRows(`s""`, `s"x"`),
		},
		{
			name:   "blank lines skipped with several columns",
			data:   "a,b\n\n1,2\r\n\r\n\n3,4\n\n",
			schema: "a:int64 b:int64",
			rows:   csvRows(`i1|i2`, `i3|i4`),
		},
		{
			name:   "blank lines are nulls with one column",
			data:   "a\n1\n\n2\n\n",
			schema: "a:int64",
			rows:   csvRows(`i1`, `null`, `i2`, `null`),
		},
		{
			name:   "comments",
			data:   "# about \"this\" file\na,b\n1,2\n# more\n3,4\n#",
			opts:   CSVOptions{Comment: '#'},
			schema: "a:int64 b:int64",
			rows:   csvRows(`i1|i2`, `i3|i4`),
		},
		{
			name:   "escape",
			data:   "a,b\n\"x\\\"y\",\"\\\\\"\n",
			opts:   CSVOptions{Escape: '\\'},
			schema: "a:utf8 b:utf8",
			rows:   csvRows(`s"x\"y"|s"\\"`),
		},
		{
			name:   "quoted newlines and doubled quotes",
			data:   "a,b\n\"line 1\nline 2\",\"say \"\"hi\"\"\"\n\"\r\n\",2\n",
			schema: "a:utf8 b:utf8",
			rows:   csvRows(`s"line 1\nline 2"|s"say \"hi\""`, `s"\r\n"|s"2"`),
		},
		{
			name:   "tsv",
			data:   "a\tb\n1\tx y\n",
			opts:   CSVOptions{Delimiter: '\t'},
			schema: "a:int64 b:utf8",
			rows:   csvRows(`i1|s"x y"`),
		},
		{
			name:   "no quoting",
			data:   "a;b\n5'10\";\"x\n",
			opts:   CSVOptions{Delimiter: ';', NoQuote: true},
			schema: "a:utf8 b:utf8",
			rows:   csvRows(`s"5'10\""|s"\"x"`),
		},
		{
			name:   "trim space",
			data:   " a , b \n 1 , \" x \" \n\t2\t,y\n",
			opts:   CSVOptions{TrimSpace: true},
			schema: "a:int64 b:utf8",
			rows:   csvRows(`i1|s" x "`, `i2|s"y"`),
		},
		{
			name:   "lone carriage return is text",
			data:   "a,b\nx\ry,1\n",
			schema: "a:utf8 b:int64",
			rows:   csvRows(`s"x\ry"|i1`),
		},
		{
			name:   "very long line",
			data:   "a,b\n" + long + ",1\n\"" + long + "\",2\n",
			opts:   CSVOptions{BlockSize: 1000},
			schema: "a:utf8 b:int64",
			rows:   csvRows(`s"`+long+`"|i1`, `s"`+long+`"|i2`),
		},
		{
			name:   "numbers",
			data:   "i,f\n+5,1e3\n-0,-0\n9223372036854775807,.5\n-9223372036854775808,5.\n007,NaN\n1,-inf\n",
			schema: "i:int64 f:float64",
			rows:   csvRows(`i5|f1000`, `i0|f-0`, `i9223372036854775807|f0.5`, `i-9223372036854775808|f5`, `i7|fNaN`, `i1|f-Inf`),
		},
		{
			name:   "schema",
			data:   "a,b,c,d,e\n1,2,3,2024-01-02,1\n",
			opts:   CSVOptions{Schema: arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.BinaryTypes.String}, {Name: "b", Type: arrow.PrimitiveTypes.Float32}, {Name: "c", Type: arrow.PrimitiveTypes.Uint8}, {Name: "d", Type: arrow.FixedWidthTypes.Date64}, {Name: "e", Type: arrow.FixedWidthTypes.Boolean}}, nil)},
			schema: "a:utf8 b:float32 c:uint8 d:date64 e:bool",
			rows:   csvRows(`s"1"|f2|uint8:3|D1704153600000|btrue`),
		},
		{
			name:   "column types",
			data:   "a,b\n1,2\n",
			opts:   CSVOptions{ColumnTypes: map[string]arrow.DataType{"a": arrow.BinaryTypes.LargeString}},
			schema: "a:large_utf8 b:int64",
			rows:   csvRows(`s"1"|i2`),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := csvWriteFile(t, t.TempDir(), "data.csv", tc.data)
			sizes := []int64{tc.opts.BlockSize, 5}
			if len(tc.data) > 10000 {
				sizes = []int64{tc.opts.BlockSize, 64 << 10}
			}
			for _, bs := range sizes {
				opts := tc.opts
				opts.BlockSize = bs
				ds, rows, err := csvOpenRead(t, []string{path}, opts)
				if err != nil {
					t.Fatal(err)
				}
				if got := csvSchemaString(ds.Schema()); got != tc.schema {
					t.Errorf("got schema %s, want %s", got, tc.schema)
				}
				if got, want := csvRowsString(rows), csvRowsString(tc.rows); got != want {
					t.Errorf("block size %d: got rows\n%s\nwant\n%s", bs, got, want)
				}
			}
		})
	}
}

func TestCSVProjection(t *testing.T) {
	path := csvWriteFile(t, t.TempDir(), "p.csv", "a,b,c,d\n1,\"x,\ny\",2.5,true\n3,,4,false\n")
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{BlockSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cols []string
		rows [][]string
	}{
		{[]string{"c", "a"}, csvRows(`f2.5|i1`, `f4|i3`)},
		{[]string{"b"}, csvRows(`s"x,\ny"`, `null`)},
		{[]string{"d", "c", "b", "a"}, csvRows(`btrue|f2.5|s"x,\ny"|i1`, `bfalse|f4|null|i3`)},
	} {
		rows, err := csvReadAll(t, ds, ReadOptions{Columns: tc.cols})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := csvRowsString(rows), csvRowsString(tc.rows); got != want {
			t.Errorf("columns %v: got\n%s\nwant\n%s", tc.cols, got, want)
		}
	}
	// No column at all: the rows are still counted.
	var n int64
	for _, p := range ds.Partitions(nil) {
		rec, err := p.Read(context.Background(), ReadOptions{Columns: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		n += rec.NumRows()
		rec.Release()
	}
	if n != 2 {
		t.Errorf("got %d rows with no column, want 2", n)
	}
	for _, cols := range [][]string{{"nope"}, {"a", "a"}} {
		if _, err := csvReadAll(t, ds, ReadOptions{Columns: cols}); err == nil {
			t.Errorf("columns %v: got no error", cols)
		}
	}
}

func TestCSVManyFiles(t *testing.T) {
	dir := t.TempDir()
	csvWriteFile(t, dir, "d/a.csv", "x,y\n1,a\n2,b\n")
	csvWriteFile(t, dir, "d/b.csv", "x,y\n3,c\n")
	csvWriteFile(t, dir, "d/sub/c.tsv", "x,y\n4,d\n")
	csvWriteFile(t, dir, "d/_meta.csv", "nope\n")
	csvWriteFile(t, dir, "d/notes.md", "nope\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("x,y\n5,e\n6,f\n"))
	zw.Close()
	csvWriteFile(t, dir, "d/z.csv.gz", gz.String())
	want := csvRows(`i1|s"a"`, `i2|s"b"`, `i3|s"c"`, `i4|s"d"`, `i5|s"e"`, `i6|s"f"`)
	for _, paths := range [][]string{
		{filepath.Join(dir, "d")},
		{filepath.Join(dir, "d", "[ab].csv"), filepath.Join(dir, "d", "sub", "c.tsv"), filepath.Join(dir, "d", "z.csv.gz")},
	} {
		ds, rows, err := csvOpenRead(t, paths, CSVOptions{BlockSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := csvRowsString(rows), csvRowsString(want); got != want {
			t.Errorf("%v: got\n%s\nwant\n%s", paths, got, want)
		}
		if got := len(ds.Paths()); got != 4 {
			t.Errorf("%v: got %d paths, want 4", paths, got)
		}
	}
}

func TestCSVGzip(t *testing.T) {
	var src strings.Builder
	src.WriteString(csvBOM + "n,s\n")
	for i := 0; i < 200_000; i++ {
		src.WriteString("12,\"a\nb\"\n")
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(src.String()))
	zw.Close()
	// A gzip file is found by its magic bytes, whatever its name.
	path := csvWriteFile(t, t.TempDir(), "data.csv", gz.String())
	ds, rows, err := csvOpenRead(t, []string{path}, CSVOptions{BlockSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ds.Partitions(nil)); got != 1 {
		t.Errorf("got %d partitions, want 1", got)
	}
	if got := csvSchemaString(ds.Schema()); got != "n:int64 s:utf8" {
		t.Errorf("got schema %s", got)
	}
	if len(rows) != 200_000 || rows[199_999][1] != `s"a\nb"` {
		t.Errorf("got %d rows, last %v; want 200000", len(rows), rows[len(rows)-1])
	}
	// A corrupt stream is an error.
	bad := gz.Bytes()[:gz.Len()/2]
	path = csvWriteFile(t, t.TempDir(), "bad.csv.gz", string(bad))
	if _, _, err := csvOpenRead(t, []string{path}, CSVOptions{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want an error naming %s", err, path)
	}
}

func TestCSVHeaderOnly(t *testing.T) {
	dir := t.TempDir()
	path := csvWriteFile(t, dir, "h.csv", "a,b\n")
	_, _, err := csvOpenRead(t, []string{path}, CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), "has a header but no rows; give CSVOptions.Schema to read it as empty") || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want the header-only error", err)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.BinaryTypes.String}}, nil)
	for _, data := range []string{"a,b\n", "a,b", "a,b\n\n\n"} {
		path := csvWriteFile(t, dir, "h2.csv", data)
		_, rows, err := csvOpenRead(t, []string{path}, CSVOptions{Schema: schema})
		if err != nil || len(rows) != 0 {
			t.Errorf("%q: got %v, %v; want no rows", data, rows, err)
		}
	}
	// Next to a file with rows, a header-only file is fine.
	other := csvWriteFile(t, dir, "rows.csv", "a,b\n1,x\n")
	if _, rows, err := csvOpenRead(t, []string{path, other}, CSVOptions{}); err != nil || len(rows) != 1 {
		t.Errorf("got %v, %v; want one row", rows, err)
	}
}

func TestCSVOpenErrors(t *testing.T) {
	dir := t.TempDir()
	a := csvWriteFile(t, dir, "a.csv", "x,y\n1,2\n")
	b := csvWriteFile(t, dir, "b.csv", "x,z\n1,2\n")
	c := csvWriteFile(t, dir, "c.csv", "x,y,w\n1,2,3\n")
	empty := csvWriteFile(t, dir, "empty.csv", "")
	blank := csvWriteFile(t, dir, "blank.csv", csvBOM+"\n\n")
	dup := csvWriteFile(t, dir, "dup.csv", "x,x\n1,2\n")
	badHeader := csvWriteFile(t, dir, "bh.csv", "x,\"y\n")
	intType := arrow.PrimitiveTypes.Int64
	for _, tc := range []struct {
		name  string
		paths []string
		opts  CSVOptions
		want  []string // substrings of the error
	}{
		{"missing", []string{filepath.Join(dir, "nope.csv")}, CSVOptions{}, []string{"nope.csv"}},
		{"no match", []string{filepath.Join(dir, "*.parquet")}, CSVOptions{}, []string{"matches no file"}},
		{"empty", []string{empty}, CSVOptions{}, []string{empty, "is empty"}},
		{"blank", []string{blank}, CSVOptions{}, []string{blank, "is empty"}},
		{"other header", []string{a, b}, CSVOptions{}, []string{a, b, `"z"`}},
		{"other column count", []string{a, c}, CSVOptions{NoHeader: true}, []string{a, c, "3 columns"}},
		{"duplicate name", []string{dup}, CSVOptions{}, []string{dup, `"x" twice`}},
		{"bad header", []string{badHeader}, CSVOptions{}, []string{badHeader + ":1:2"}},
		{"schema names", []string{a}, CSVOptions{Schema: arrow.NewSchema([]arrow.Field{{Name: "x", Type: intType}, {Name: "q", Type: intType}}, nil)}, []string{a, `"q"`, `"y"`}},
		{"schema count", []string{a}, CSVOptions{Schema: arrow.NewSchema([]arrow.Field{{Name: "x", Type: intType}}, nil)}, []string{a, "1 columns"}},
		{"schema type", []string{a}, CSVOptions{Schema: arrow.NewSchema([]arrow.Field{{Name: "x", Type: intType}, {Name: "y", Type: arrow.ListOf(intType)}}, nil)}, []string{"cannot read", `"y"`}},
		{"column types name", []string{a}, CSVOptions{ColumnTypes: map[string]arrow.DataType{"w": intType}}, []string{a, `"w"`}},
		{"schema and column types", []string{a}, CSVOptions{Schema: arrow.NewSchema(nil, nil), ColumnTypes: map[string]arrow.DataType{}}, []string{"not both"}},
		{"delimiter", []string{a}, CSVOptions{Delimiter: 'é'}, []string{"Delimiter", "ASCII"}},
		{"delimiter is quote", []string{a}, CSVOptions{Delimiter: '"'}, []string{"Delimiter and Quote"}},
		{"newline", []string{a}, CSVOptions{Quote: '\n'}, []string{"Quote", "newline"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := OpenCSV(context.Background(), tc.paths, tc.opts)
			if err == nil {
				t.Fatalf("got no error, want one with %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %q, want it to hold %q", err, w)
				}
			}
		})
	}
}

func TestCSVFileChanged(t *testing.T) {
	path := csvWriteFile(t, t.TempDir(), "a.csv", "x\n1\n")
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x\n1\n2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := csvReadAll(t, ds, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "changed since it was opened") {
		t.Errorf("got %v, want an error saying the file changed", err)
	}
	os.Remove(path)
	if _, err := csvReadAll(t, ds, ReadOptions{}); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want an error naming the file", err)
	}
}

func TestCSVCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := 0; i < 300_000; i++ {
		b.WriteString("1,2\n")
	}
	path := csvWriteFile(t, t.TempDir(), "a.csv", b.String())
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ds.Partitions(nil)[0].Read(ctx, ReadOptions{}); err != context.Canceled {
		t.Errorf("got %v, want %v", err, context.Canceled)
	}
	if _, err := OpenCSV(ctx, []string{path}, CSVOptions{}); err != context.Canceled {
		t.Errorf("OpenCSV: got %v, want %v", err, context.Canceled)
	}
}

func TestCSVPartitionString(t *testing.T) {
	path := csvWriteFile(t, t.TempDir(), "a.csv", "a\n1\n2\n3\n")
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{BlockSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	parts := ds.Partitions([]Predicate{{Column: "a", Op: Eq, Value: int64(1)}})
	if got := len(parts); got != 2 {
		t.Fatalf("got %d partitions, want 2", got)
	}
	if got, want := parts[1].String(), path+" bytes 6-8"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := ds.Format(); got != "csv" {
		t.Errorf("got %q, want csv", got)
	}
}
