package io

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
)

func TestCSVInferTypes(t *testing.T) {
	for _, tc := range []struct {
		values []string // the column's fields, one a row
		want   string
	}{
		{[]string{"1", "-2", "+3", "007"}, "int64"},
		{[]string{"1", "2.5", ""}, "float64"},
		{[]string{"1e5", "NaN", "-Inf"}, "float64"},
		{[]string{"true", "FALSE", "True"}, "bool"},
		{[]string{"true", "1"}, "utf8"},
		{[]string{"2024-01-02", "1999-12-31"}, "date32"},
		{[]string{"2024-02-30"}, "utf8"},
		{[]string{"2024-01-02", "2024-01-02 10:00"}, "timestamp[us]"},
		{[]string{"2024-01-02T10:00:00.123456"}, "timestamp[us]"},
		{[]string{"2024-01-02T10:00:00.1234567"}, "timestamp[ns]"},
		{[]string{"2024-01-02T10:00:00Z", "2024-01-02 10:00:00"}, "timestamp[us, tz=UTC]"},
		{[]string{"2024-01-02T10:00:00+05:30"}, "timestamp[us, tz=UTC]"},
		{[]string{"2024-01-02", "x"}, "utf8"},
		{[]string{"", ""}, "utf8"},
		{[]string{`""`, "1"}, "int64"},
		{[]string{"99999999999999999999", "1"}, "utf8"},
		{[]string{"0x10"}, "utf8"},
		{[]string{"1_000"}, "utf8"},
		{[]string{" 1"}, "utf8"},
	} {
		data := "c,pad\n" + strings.Join(tc.values, ",x\n") + ",x\n"
		path := csvWriteFile(t, t.TempDir(), "i.csv", data)
		ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{})
		if err != nil {
			t.Fatalf("%q: %v", tc.values, err)
		}
		if got := ds.Schema().Field(0).Type.String(); got != tc.want {
			t.Errorf("%q: got %s, want %s", tc.values, got, tc.want)
		}
		if _, err := csvReadAll(t, ds, ReadOptions{}); err != nil {
			t.Errorf("%q: %v", tc.values, err)
		}
	}
}

func TestCSVInferTrimSpace(t *testing.T) {
	path := csvWriteFile(t, t.TempDir(), "i.csv", "a, b\n 1 , 2024-01-01 \n")
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{TrimSpace: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvSchemaString(ds.Schema()), "a:int64 b:date32"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// csvBigFile writes a file of rows "i,v" where v is "1" but for the rows
// that float gives "2.5".
func csvBigFile(t *testing.T, rows int, float func(i int) bool) (string, int64) {
	var b strings.Builder
	b.WriteString("i,v\n")
	for i := 0; i < rows; i++ {
		v := "1"
		if float(i) {
			v = "2.5"
		}
		fmt.Fprintf(&b, "%d,%s\n", i, v)
	}
	path := csvWriteFile(t, t.TempDir(), "big.csv", b.String())
	return path, int64(b.Len())
}

// TestCSVInferSpread: a float in the middle of a large file, where only
// the sample's middle windows see it, widens the column.
func TestCSVInferSpread(t *testing.T) {
	path, _ := csvBigFile(t, 30_000, func(i int) bool { return i >= 10_000 && i < 20_000 && i%10 == 0 })
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{SampleSize: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvSchemaString(ds.Schema()), "i:int64 v:float64"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestCSVInferMissed: a float the sample does not see is an error with
// its line, column and a hint, or a skipped row.
func TestCSVInferMissed(t *testing.T) {
	const at = 15_001
	path, _ := csvBigFile(t, 30_000, func(i int) bool { return i == at })
	for _, bs := range []int64{0, 97, 4096} {
		ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{SampleSize: 16 << 10, BlockSize: bs})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := csvSchemaString(ds.Schema()), "i:int64 v:int64"; got != want {
			t.Fatalf("got %s, want %s (the sample saw the float)", got, want)
		}
		_, err = csvReadAll(t, ds, ReadOptions{})
		csvErrorAt(t, err, path, at+2, 2, ErrCSVValue)
		want := fmt.Sprintf(`io: %s:%d:2 (column "v"): cannot parse "2.5" as int64 (the type was inferred from a sample of the files; set CSVOptions.ColumnTypes["v"] to read the column as another type)`, path, at+2)
		if err == nil || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{SampleSize: 16 << 10, SkipBadRows: true, BlockSize: 50_000})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csvReadAll(t, ds, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 29_999 || ds.BadRows() != 1 {
		t.Errorf("got %d rows, %d bad, want 29999 rows, 1 bad", len(rows), ds.BadRows())
	}
	if got, want := rows[at][0], fmt.Sprintf("i%d", at+1); got != want {
		t.Errorf("got row %s after the bad one, want %s", got, want)
	}
}

func TestCSVInferManyFiles(t *testing.T) {
	dir := t.TempDir()
	// The float is in the second file only; the sample spans both.
	csvWriteFile(t, dir, "a.csv", "v,d\n1,2024-01-01\n2,\n")
	csvWriteFile(t, dir, "b.csv", "v,d\n2.5,2024-01-01 00:00:01\n")
	ds, err := OpenCSV(context.Background(), []string{dir}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvSchemaString(ds.Schema()), "v:float64 d:timestamp[us]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	rows, err := csvReadAll(t, ds, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvRowsString(rows), csvRowsString(csvRows("f1|t1704067200000000", "f2|null", "f2.5|t1704067201000000")); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCSVTimestampValues(t *testing.T) {
	path := csvWriteFile(t, t.TempDir(), "t.csv", "t\n2020-01-01T05:30:00+05:30\n2020-01-01 00:00:00.5-01\n1969-12-31T23:59:59.999999Z\n2020-01-01t00:00:00+0000\n")
	_, rows, err := csvOpenRead(t, []string{path}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := csvRows("t1577836800000000", "t1577840400500000", "t-1", "t1577836800000000")
	if got := csvRowsString(rows); got != csvRowsString(want) {
		t.Errorf("got\n%s\nwant\n%s", got, csvRowsString(want))
	}
}

// TestCSVValueErrors: values that do not fit a given type are errors,
// not silently changed values.
func TestCSVValueErrors(t *testing.T) {
	for _, tc := range []struct {
		typ, value string
	}{
		{"int8", "128"}, {"uint8", "-1"}, {"int64", "9223372036854775808"}, {"float64", "1e400"},
		{"float32", "1e39"}, {"timestamp_s", "2020-01-01 00:00:00.5"}, {"timestamp_ns", "3000-01-01"},
		{"date32", "2020-13-01"}, {"bool", "yes"}, {"int64", "1.0"},
	} {
		path := csvWriteFile(t, t.TempDir(), "v.csv", "v\n"+tc.value+"\n")
		ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{ColumnTypes: csvTestTypes(tc.typ)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = csvReadAll(t, ds, ReadOptions{})
		if !errors.Is(err, ErrCSVValue) {
			t.Errorf("%s %q: got %v, want a value error", tc.typ, tc.value, err)
		}
	}
}

// csvTestTypes gives column "v" a type by a short name.
func csvTestTypes(name string) map[string]arrow.DataType {
	types := map[string]arrow.DataType{
		"int8":         arrow.PrimitiveTypes.Int8,
		"uint8":        arrow.PrimitiveTypes.Uint8,
		"int64":        arrow.PrimitiveTypes.Int64,
		"float32":      arrow.PrimitiveTypes.Float32,
		"float64":      arrow.PrimitiveTypes.Float64,
		"timestamp_s":  &arrow.TimestampType{Unit: arrow.Second},
		"timestamp_ns": &arrow.TimestampType{Unit: arrow.Nanosecond},
		"date32":       arrow.FixedWidthTypes.Date32,
		"bool":         arrow.FixedWidthTypes.Boolean,
	}
	return map[string]arrow.DataType{"v": types[name]}
}
