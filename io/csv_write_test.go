package io

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// csvWriteRecord writes rec to path with CreateCSV.
func csvWriteRecord(t *testing.T, path string, rec arrow.Record, opts CSVWriteOptions) {
	t.Helper()
	w, err := CreateCSV(path, rec.Schema(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// csvAllTypesRecord builds a record with a column of every type CSV
// writes, nulls and awkward values included.
func csvAllTypesRecord(mem memory.Allocator) arrow.Record {
	ts := func(unit arrow.TimeUnit, tz string) arrow.Field {
		return arrow.Field{Name: "ts_" + unit.String() + tz, Type: &arrow.TimestampType{Unit: unit, TimeZone: tz}, Nullable: true}
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "bool", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "int8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
		{Name: "int16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
		{Name: "int32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "int64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "uint8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
		{Name: "uint16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
		{Name: "uint32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
		{Name: "uint64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
		{Name: "float32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
		{Name: "float64", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "string", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "large_string", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "binary", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "date32", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "date64", Type: arrow.FixedWidthTypes.Date64, Nullable: true},
		ts(arrow.Second, ""), ts(arrow.Millisecond, "UTC"), ts(arrow.Microsecond, ""), ts(arrow.Microsecond, "UTC"),
		ts(arrow.Nanosecond, "America/New_York"),
		{Name: "with \"quote\", comma", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	strs := []string{"", "plain", "a,b", `say "hi"`, "two\nlines", "crlf\r\n", " padded ", "\ttab", "é ü", "null", `""`, "#x"}
	rng := rand.New(rand.NewPCG(4, 2))
	floats := []float64{0, math.Copysign(0, -1), 1.5, -2.25e-308, 5e-324, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), 0.1, 1e21, 123456789012345678}
	for i := 0; i < 60; i++ {
		floats = append(floats, math.Float64frombits(rng.Uint64()))
	}
	rows := len(floats)
	for r := 0; r < rows; r++ {
		null := r%7 == 3
		for c := range schema.Fields() {
			fb := b.Field(c)
			if null {
				fb.AppendNull()
				continue
			}
			s := strs[r%len(strs)]
			i := int64(r*r*7919 - 100_000)
			switch fb := fb.(type) {
			case *array.BooleanBuilder:
				fb.Append(r%2 == 0)
			case *array.Int8Builder:
				fb.Append(int8(i))
			case *array.Int16Builder:
				fb.Append(int16(i))
			case *array.Int32Builder:
				fb.Append(int32(i))
			case *array.Int64Builder:
				fb.Append(i * 1_000_003)
			case *array.Uint8Builder:
				fb.Append(uint8(i))
			case *array.Uint16Builder:
				fb.Append(uint16(i))
			case *array.Uint32Builder:
				fb.Append(uint32(i))
			case *array.Uint64Builder:
				fb.Append(math.MaxUint64 - uint64(r))
			case *array.Float32Builder:
				fb.Append(float32(floats[r]))
			case *array.Float64Builder:
				fb.Append(floats[r])
			case *array.StringBuilder:
				fb.Append(s)
			case *array.LargeStringBuilder:
				fb.Append(s)
			case *array.BinaryBuilder:
				fb.Append([]byte(s + "\x00\xff"))
			case *array.Date32Builder:
				fb.Append(arrow.Date32((i%2_900_000+2_900_000)%2_900_000 - 700_000))
			case *array.Date64Builder:
				fb.Append(arrow.Date64(((i%2_900_000+2_900_000)%2_900_000 - 700_000) * 86400000))
			case *array.TimestampBuilder:
				per := int64(1)
				for u := schema.Field(c).Type.(*arrow.TimestampType).Unit; u > arrow.Second; u-- {
					per *= 1000
				}
				fb.Append(arrow.Timestamp(i*37*per + int64(r*123457)%per))
			}
		}
	}
	return b.NewRecord()
}

func TestCSVWriteRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := csvAllTypesRecord(mem)
	defer rec.Release()
	want := csvRowsString(csvRecordRows(nil, rec))
	for _, tc := range []struct {
		name  string
		wopts CSVWriteOptions
		ropts CSVOptions
	}{
		{"default", CSVWriteOptions{}, CSVOptions{}},
		{"semicolon, no header", CSVWriteOptions{Delimiter: ';', NoHeader: true}, CSVOptions{Delimiter: ';', NoHeader: true}},
		{"NA", CSVWriteOptions{NullString: "NA"}, CSVOptions{NullValues: []string{"NA"}}},
		{"single quote", CSVWriteOptions{Quote: '\''}, CSVOptions{Quote: '\''}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rt.csv")
			csvWriteRecord(t, path, rec, tc.wopts)
			for _, bs := range []int64{0, 100} {
				opts := tc.ropts
				opts.Schema, opts.BlockSize = rec.Schema(), bs
				_, rows, err := csvOpenRead(t, []string{path}, opts)
				if err != nil {
					t.Fatal(err)
				}
				if got := csvRowsString(rows); got != want {
					t.Fatalf("block size %d: got\n%s\nwant\n%s", bs, got, want)
				}
			}
		})
	}
}

// TestCSVWriteInfer: what CreateCSV writes, OpenCSV infers back to the same
// types, for the types it infers.
func TestCSVWriteInfer(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "t", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
		{Name: "tz", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, Nullable: true},
		{Name: "ns", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for r := 0; r < 20; r++ {
		if r == 5 {
			for c := range schema.Fields() {
				b.Field(c).AppendNull()
			}
			continue
		}
		b.Field(0).(*array.Int64Builder).Append(int64(r - 10))
		b.Field(1).(*array.Float64Builder).Append(float64(r) / 3)
		b.Field(2).(*array.BooleanBuilder).Append(r%3 == 0)
		b.Field(3).(*array.StringBuilder).Append(strings.Repeat("x,\"\n", r%3))
		b.Field(4).(*array.Date32Builder).Append(arrow.Date32(r * 1000))
		b.Field(5).(*array.TimestampBuilder).Append(arrow.Timestamp(int64(r) * 1_234_567_891))
		b.Field(6).(*array.TimestampBuilder).Append(arrow.Timestamp(-int64(r) * 1_234_567_891))
		b.Field(7).(*array.TimestampBuilder).Append(arrow.Timestamp(int64(r)*1_234_567_891 + 1))
	}
	rec := b.NewRecord()
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "infer.csv")
	csvWriteRecord(t, path, rec, CSVWriteOptions{})
	ds, rows, err := csvOpenRead(t, []string{path}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvSchemaString(ds.Schema()), csvSchemaString(schema); got != want {
		t.Errorf("got schema %s, want %s", got, want)
	}
	if got, want := csvRowsString(rows), csvRowsString(csvRecordRows(nil, rec)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestCSVWriteOneColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.AppendValues([]string{"", "a", "", ""}, []bool{false, true, true, false})
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecord(schema, []arrow.Array{col}, 4)
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "one.csv")
	csvWriteRecord(t, path, rec, CSVWriteOptions{})
	data, _ := os.ReadFile(path)
	if got, want := string(data), "s\n\na\n\"\"\n\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, rows, err := csvOpenRead(t, []string{path}, CSVOptions{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := csvRowsString(rows), csvRowsString(csvRows("null", `s"a"`, `s""`, "null")); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// csvDirEntries lists the names in dir.
func csvDirEntries(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestCSVWriteAtomic(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := csvAllTypesRecord(mem)
	defer rec.Release()

	t.Run("abort", func(t *testing.T) {
		dir := t.TempDir()
		w, err := CreateCSV(filepath.Join(dir, "a.csv"), rec.Schema(), CSVWriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Abort(); err != nil {
			t.Fatal(err)
		}
		if err := w.Abort(); err != nil {
			t.Errorf("a second Abort: %v", err)
		}
		if names := csvDirEntries(t, dir); len(names) != 0 {
			t.Errorf("got files %v after Abort, want none", names)
		}
	})
	t.Run("failed write", func(t *testing.T) {
		dir := t.TempDir()
		schema := arrow.NewSchema([]arrow.Field{{Name: "d", Type: arrow.FixedWidthTypes.Date64}}, nil)
		b := array.NewDate64Builder(mem)
		defer b.Release()
		b.Append(arrow.Date64(86400000 + 1)) // not a whole day
		col := b.NewArray()
		defer col.Release()
		bad := array.NewRecord(schema, []arrow.Array{col}, 1)
		defer bad.Release()
		w, err := CreateCSV(filepath.Join(dir, "a.csv"), schema, CSVWriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(bad); err == nil || !strings.Contains(err.Error(), "not a whole day") {
			t.Errorf("got %v, want an error", err)
		}
		if err := w.Close(); err == nil {
			t.Errorf("Close after a failed Write: got no error")
		}
		if names := csvDirEntries(t, dir); len(names) != 0 {
			t.Errorf("got files %v after a failed write, want none", names)
		}
	})
	t.Run("other schema", func(t *testing.T) {
		dir := t.TempDir()
		w, err := CreateCSV(filepath.Join(dir, "a.csv"), arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil), CSVWriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err == nil {
			t.Errorf("got no error")
		}
		if names := csvDirEntries(t, dir); len(names) != 0 {
			t.Errorf("got files %v, want none", names)
		}
	})
	t.Run("close", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "a.csv")
		w, err := CreateCSV(path, rec.Schema(), CSVWriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if names := csvDirEntries(t, dir); len(names) != 1 || !strings.HasPrefix(names[0], ".a.csv.tmp-") {
			t.Errorf("got files %v while writing, want only the temporary file", names)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("a second Close: %v", err)
		}
		if err := w.Abort(); err != nil {
			t.Errorf("Abort after Close: %v", err)
		}
		if err := w.Write(rec); err == nil {
			t.Errorf("Write after Close: got no error")
		}
		if names := csvDirEntries(t, dir); len(names) != 1 || names[0] != "a.csv" {
			t.Errorf("got files %v, want a.csv", names)
		}
	})
	t.Run("bad options", func(t *testing.T) {
		dir := t.TempDir()
		for _, tc := range []struct {
			schema *arrow.Schema
			opts   CSVWriteOptions
			want   string
		}{
			{arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}}, nil), CSVWriteOptions{}, `cannot write column "l"`},
			{rec.Schema(), CSVWriteOptions{Delimiter: '"'}, "Delimiter and Quote"},
			{rec.Schema(), CSVWriteOptions{Delimiter: '\n'}, "newline"},
		} {
			if _, err := CreateCSV(filepath.Join(dir, "a.csv"), tc.schema, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		}
		if names := csvDirEntries(t, dir); len(names) != 0 {
			t.Errorf("got files %v, want none", names)
		}
		if _, err := CreateCSV(filepath.Join(dir, "no", "such", "dir.csv"), rec.Schema(), CSVWriteOptions{}); err == nil {
			t.Errorf("got no error for a missing directory")
		}
	})
}

func TestCSVWriteDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	defer b.Release()
	b.AppendString("x")
	b.AppendNull()
	b.AppendString("y,z")
	b.AppendString("x")
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: dt, Nullable: true}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{col}, 4)
	defer rec.Release()
	path := filepath.Join(t.TempDir(), "dict.csv")
	csvWriteRecord(t, path, rec, CSVWriteOptions{})
	data, _ := os.ReadFile(path)
	if got, want := string(data), "k\nx\n\n\"y,z\"\nx\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	ds, err := OpenCSV(context.Background(), []string{path}, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := csvSchemaString(ds.Schema()); got != "k:utf8" {
		t.Errorf("got %s", got)
	}
}
