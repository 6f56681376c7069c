package io

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Helpers shared by the Parquet and IPC tests: a schema holding every type
// the readers are tested with, random records of it, writing and reading
// whole datasets, comparing records.

// allTypesSchema has a nullable column of each type the round trips cover.
func allTypesSchema() *arrow.Schema {
	f := func(name string, t arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: t, Nullable: true}
	}
	return arrow.NewSchema([]arrow.Field{
		f("i8", arrow.PrimitiveTypes.Int8),
		f("i16", arrow.PrimitiveTypes.Int16),
		f("i32", arrow.PrimitiveTypes.Int32),
		f("i64", arrow.PrimitiveTypes.Int64),
		f("u8", arrow.PrimitiveTypes.Uint8),
		f("u16", arrow.PrimitiveTypes.Uint16),
		f("u32", arrow.PrimitiveTypes.Uint32),
		f("u64", arrow.PrimitiveTypes.Uint64),
		f("f32", arrow.PrimitiveTypes.Float32),
		f("f64", arrow.PrimitiveTypes.Float64),
		f("b", arrow.FixedWidthTypes.Boolean),
		f("s", arrow.BinaryTypes.String),
		f("ls", arrow.BinaryTypes.LargeString),
		f("bin", arrow.BinaryTypes.Binary),
		f("d32", arrow.FixedWidthTypes.Date32),
		f("d64", arrow.FixedWidthTypes.Date64),
		f("ts_s", &arrow.TimestampType{Unit: arrow.Second, TimeZone: "Europe/Paris"}),
		f("ts_ms", &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}),
		f("ts_us", &arrow.TimestampType{Unit: arrow.Microsecond}),
		f("ts_ns", &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}),
		f("dec", &arrow.Decimal128Type{Precision: 12, Scale: 2}),
		f("list", arrow.ListOf(arrow.PrimitiveTypes.Int64)),
		f("st", arrow.StructOf(
			arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
			arrow.Field{Name: "y", Type: arrow.BinaryTypes.String, Nullable: true})),
	}, nil)
}

// randomRecord builds n rows of sc with random values, about one in
// nullEvery null (none when nullEvery is 0, or in fields that are not
// nullable). It knows the types of
// allTypesSchema and of the pushdown tests.
func randomRecord(mem memory.Allocator, sc *arrow.Schema, n int, rng *rand.Rand, nullEvery int) arrow.Record {
	b := array.NewRecordBuilder(mem, sc)
	defer b.Release()
	for i, f := range sc.Fields() {
		if f.Nullable {
			fillRandom(b.Field(i), f.Type, n, rng, nullEvery)
		} else {
			fillRandom(b.Field(i), f.Type, n, rng, 0)
		}
	}
	return b.NewRecord()
}

func fillRandom(b array.Builder, t arrow.DataType, n int, rng *rand.Rand, nullEvery int) {
	for r := 0; r < n; r++ {
		if nullEvery > 0 && rng.Intn(nullEvery) == 0 {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Int8Builder:
			bb.Append(int8(rng.Intn(256) - 128))
		case *array.Int16Builder:
			bb.Append(int16(rng.Intn(1 << 16)))
		case *array.Int32Builder:
			bb.Append(int32(rng.Uint32()))
		case *array.Int64Builder:
			bb.Append(int64(rng.Uint64()))
		case *array.Uint8Builder:
			bb.Append(uint8(rng.Intn(256)))
		case *array.Uint16Builder:
			bb.Append(uint16(rng.Intn(1 << 16)))
		case *array.Uint32Builder:
			bb.Append(rng.Uint32())
		case *array.Uint64Builder:
			bb.Append(rng.Uint64())
		case *array.Float32Builder:
			bb.Append(float32(rng.NormFloat64() * 1e3))
		case *array.Float64Builder:
			bb.Append(rng.NormFloat64() * 1e6)
		case *array.BooleanBuilder:
			bb.Append(rng.Intn(2) == 0)
		case *array.StringBuilder:
			bb.Append(randomString(rng))
		case *array.LargeStringBuilder:
			bb.Append(randomString(rng))
		case *array.BinaryBuilder:
			bb.Append([]byte(randomString(rng)))
		case *array.Date32Builder:
			bb.Append(arrow.Date32(rng.Intn(40000) - 10000))
		case *array.Date64Builder:
			bb.Append(arrow.Date64(int64(rng.Intn(40000)-10000) * 86400000))
		case *array.TimestampBuilder:
			v := rng.Int63n(4e9) - 1e9 // seconds, 1938..2096
			switch t.(*arrow.TimestampType).Unit {
			case arrow.Millisecond:
				v = v*1e3 + rng.Int63n(1e3)
			case arrow.Microsecond:
				v = v*1e6 + rng.Int63n(1e6)
			case arrow.Nanosecond:
				v = v*1e9 + rng.Int63n(1e9)
			}
			bb.Append(arrow.Timestamp(v))
		case *array.Decimal128Builder:
			bb.Append(decimal128.FromI64(rng.Int63n(1e11) - 5e10))
		case *array.ListBuilder:
			bb.Append(true)
			vb := bb.ValueBuilder()
			for k := rng.Intn(4); k > 0; k-- {
				fillRandom(vb, t.(*arrow.ListType).Elem(), 1, rng, nullEvery)
			}
		case *array.StructBuilder:
			bb.Append(true)
			st := t.(*arrow.StructType)
			for k := 0; k < st.NumFields(); k++ {
				fillRandom(bb.FieldBuilder(k), st.Field(k).Type, 1, rng, nullEvery)
			}
		default:
			panic(fmt.Sprintf("fillRandom: no generator for %s", t))
		}
	}
}

func randomString(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyzé"
	r := []rune(letters)
	s := make([]rune, rng.Intn(8))
	for i := range s {
		s[i] = r[rng.Intn(len(r))]
	}
	return string(s)
}

// writeRecords writes recs to a new file with w and closes it.
func writeRecords(t testing.TB, w RecordWriter, err error, recs ...arrow.Record) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// readDataset reads every partition of d (with filter) and concatenates
// the records into one, owned by the caller.
func readDataset(t testing.TB, d Dataset, filter []Predicate, opts ReadOptions) arrow.Record {
	t.Helper()
	var recs []arrow.Record
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, p := range d.Partitions(filter) {
		r, err := p.Read(context.Background(), opts)
		if err != nil {
			t.Fatalf("reading %s: %v", p, err)
		}
		recs = append(recs, r)
	}
	return concatRecords(t, opts.allocator(), recs)
}

// concatRecords concatenates records of one schema into a new one.
func concatRecords(t testing.TB, mem memory.Allocator, recs []arrow.Record) arrow.Record {
	t.Helper()
	if len(recs) == 0 {
		t.Fatal("no records to concatenate")
	}
	sc := recs[0].Schema()
	chunks := make([][]arrow.Array, sc.NumFields())
	var n int64
	for _, r := range recs {
		for i := range chunks {
			c := r.Column(i)
			c.Retain()
			chunks[i] = append(chunks[i], c)
		}
		n += r.NumRows()
	}
	rec, err := recordFromChunks(mem, sc, chunks, n, false)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// assertRecordsEqual fails unless got and want have equal schemas and
// values.
func assertRecordsEqual(t testing.TB, got, want arrow.Record) {
	t.Helper()
	if !got.Schema().Equal(want.Schema()) {
		t.Fatalf("schema: got\n%v\nwant\n%v", got.Schema(), want.Schema())
	}
	if got.NumRows() != want.NumRows() {
		t.Fatalf("rows: got %d, want %d", got.NumRows(), want.NumRows())
	}
	for i := 0; i < int(want.NumCols()); i++ {
		if !array.Equal(got.Column(i), want.Column(i)) {
			t.Fatalf("column %q: got\n%v\nwant\n%v", want.ColumnName(i), got.Column(i), want.Column(i))
		}
	}
}

// project returns the columns names of rec, in that order, as a new record.
func project(rec arrow.Record, names ...string) arrow.Record {
	fields := make([]arrow.Field, len(names))
	cols := make([]arrow.Array, len(names))
	for i, n := range names {
		idx := rec.Schema().FieldIndices(n)[0]
		fields[i] = rec.Schema().Field(idx)
		cols[i] = rec.Column(idx)
	}
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

// checkedAllocator returns an allocator that the test's end checks for
// leaks.
func checkedAllocator(t testing.TB) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// tempPath returns a path named name in a new temporary directory.
func tempPath(t testing.TB, name string) string {
	return filepath.Join(t.TempDir(), name)
}

var testEpoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
