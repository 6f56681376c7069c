package io

import (
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

func TestParquetRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name      string
		opts      ParquetWriteOptions
		rows      []int // the records written
		nullEvery int
	}{
		{"snappy one record", ParquetWriteOptions{}, []int{500}, 5},
		{"zstd", ParquetWriteOptions{Compression: ParquetZSTD}, []int{300}, 3},
		{"gzip", ParquetWriteOptions{Compression: ParquetGzip}, []int{300}, 0},
		{"uncompressed", ParquetWriteOptions{Compression: ParquetUncompressed}, []int{300}, 2},
		{"row groups across records", ParquetWriteOptions{RowGroupRows: 100}, []int{30, 250, 1, 0, 119}, 4},
		{"all null", ParquetWriteOptions{}, []int{50}, 1},
		{"no rows", ParquetWriteOptions{}, []int{0}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mem := checkedAllocator(t)
			sc := allTypesSchema()
			rng := rand.New(rand.NewSource(1))
			var recs []arrow.Record
			for _, n := range tc.rows {
				r := randomRecord(mem, sc, n, rng, tc.nullEvery)
				defer r.Release()
				recs = append(recs, r)
			}
			path := tempPath(t, "x.parquet")
			w, err := CreateParquet(path, sc, tc.opts)
			writeRecords(t, w, err, recs...)

			d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !d.Schema().Equal(sc) {
				t.Fatalf("schema: got\n%v\nwant\n%v", d.Schema(), sc)
			}
			total := 0
			for _, n := range tc.rows {
				total += n
			}
			if d.NumRows() != int64(total) {
				t.Fatalf("NumRows: got %d, want %d", d.NumRows(), total)
			}
			if total == 0 {
				// A file without rows may have no row group at all.
				for _, p := range d.Partitions(nil) {
					r, err := p.Read(context.Background(), ReadOptions{Allocator: mem})
					if err != nil {
						t.Fatal(err)
					}
					if r.NumRows() != 0 {
						t.Fatalf("rows: got %d, want 0", r.NumRows())
					}
					r.Release()
				}
				return
			}
			got := readDataset(t, d, nil, ReadOptions{Allocator: mem})
			defer got.Release()
			want := concatRecords(t, mem, recs)
			defer want.Release()
			assertRecordsEqual(t, got, want)
		})
	}
}

func TestParquetDictionary(t *testing.T) {
	mem := checkedAllocator(t)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	sc := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	var recs []arrow.Record
	for _, words := range [][]string{{"x", "y", "x"}, {"z", "", "y", "z"}} {
		b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
		for _, w := range words {
			b.AppendString(w)
		}
		b.AppendNull()
		col := b.NewArray()
		b.Release()
		rec := array.NewRecord(sc, []arrow.Array{col}, int64(col.Len()))
		col.Release()
		defer rec.Release()
		recs = append(recs, rec)
	}
	path := tempPath(t, "dict.parquet")
	w, err := CreateParquet(path, sc, ParquetWriteOptions{RowGroupRows: 4})
	writeRecords(t, w, err, recs...)
	d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := readDataset(t, d, nil, ReadOptions{Allocator: mem})
	defer got.Release()
	if got.NumRows() != 9 || got.Schema().Field(0).Type.ID() != arrow.DICTIONARY {
		t.Fatalf("got %d rows of %v, want 9 of %v", got.NumRows(), got.Schema(), sc)
	}
	var words []string
	for i := 0; i < int(got.NumRows()); i++ {
		words = append(words, got.Column(0).ValueStr(i))
	}
	if want := []string{"x", "y", "x", "(null)", "z", "", "y", "z", "(null)"}; !slices.Equal(words, want) {
		t.Errorf("got %q, want %q", words, want)
	}
	if n := len(d.Partitions([]Predicate{{Column: "d", Op: Eq, Value: "w"}})); n != 0 {
		t.Errorf("d = w: got %d partitions, want 0", n)
	}
}

func TestParquetPartitionPlanning(t *testing.T) {
	mem := checkedAllocator(t)
	sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewInt64Builder(mem)
	for i := 0; i < 1000; i++ {
		b.Append(int64(i))
	}
	col := b.NewArray()
	defer col.Release()
	rec := array.NewRecord(sc, []arrow.Array{col}, 1000)
	defer rec.Release()
	path := tempPath(t, "rg.parquet")
	w, err := CreateParquet(path, sc, ParquetWriteOptions{RowGroupRows: 100, Compression: ParquetUncompressed})
	writeRecords(t, w, err, rec)

	d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rgBytes := d.files[0].meta.RowGroup(0).TotalByteSize()
	for _, tc := range []struct {
		partitionBytes int64
		want           []string
	}{
		{0, []string{"row groups 0-9"}},
		{1, []string{"row group 0", "row group 1", "row group 2", "row group 3", "row group 4",
			"row group 5", "row group 6", "row group 7", "row group 8", "row group 9"}},
		{3*rgBytes + rgBytes/2, []string{"row groups 0-2", "row groups 3-5", "row groups 6-8", "row group 9"}},
	} {
		d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{PartitionBytes: tc.partitionBytes})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range d.Partitions(nil) {
			got = append(got, strings.TrimPrefix(p.String(), path+" "))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("PartitionBytes %d: got %q, want %q", tc.partitionBytes, got, tc.want)
		}
	}

	// Pruning keeps the grouping and drops the row groups and partitions
	// that cannot match.
	d, err = OpenParquet(context.Background(), []string{path}, ParquetOptions{PartitionBytes: 3*rgBytes + rgBytes/2})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	filter := []Predicate{{Column: "v", Op: Ge, Value: int64(250)}, {Column: "v", Op: Lt, Value: int64(420)}}
	for _, p := range d.Partitions(filter) {
		got = append(got, strings.TrimPrefix(p.String(), path+" "))
	}
	if want := []string{"row group 2", "row groups 3-4"}; !slices.Equal(got, want) {
		t.Errorf("pruned: got %q, want %q", got, want)
	}
	// Read with the filter skips row groups inside a partition too.
	p := d.Partitions(nil)[1] // row groups 3-5
	r, err := p.Read(context.Background(), ReadOptions{Allocator: mem, Filter: []Predicate{{Column: "v", Op: Lt, Value: int64(420)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if r.NumRows() != 200 || r.Column(0).(*array.Int64).Value(0) != 300 {
		t.Errorf("filtered read: got %d rows from %d, want 200 from 300", r.NumRows(), r.Column(0).(*array.Int64).Value(0))
	}
}

func TestParquetProjection(t *testing.T) {
	mem := checkedAllocator(t)
	sc := allTypesSchema()
	rec := randomRecord(mem, sc, 200, rand.New(rand.NewSource(2)), 4)
	defer rec.Release()
	path := tempPath(t, "p.parquet")
	w, err := CreateParquet(path, sc, ParquetWriteOptions{RowGroupRows: 64})
	writeRecords(t, w, err, rec)
	d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cols := range [][]string{
		{"s"},
		{"f64", "i8"},
		{"st", "list", "u64"},
		{"i32", "i32"},
	} {
		got := readDataset(t, d, nil, ReadOptions{Columns: cols, Allocator: mem})
		want := project(rec, cols...)
		assertRecordsEqual(t, got, want)
		got.Release()
		want.Release()
	}

	// An empty, non-nil list of columns reads no column but counts rows.
	r, err := d.Partitions(nil)[0].Read(context.Background(), ReadOptions{Columns: []string{}, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	if r.NumCols() != 0 || r.NumRows() != 200 {
		t.Errorf("no columns: got %d columns, %d rows; want 0, 200", r.NumCols(), r.NumRows())
	}
	r.Release()

	// A filter that rules out every row group gives empty columns of every
	// type.
	r, err = d.Partitions(nil)[0].Read(context.Background(), ReadOptions{Allocator: mem,
		Filter: []Predicate{{Column: "i8", Op: Eq, Value: int64(1000)}}})
	if err != nil {
		t.Fatal(err)
	}
	if r.NumRows() != 0 || !r.Schema().Equal(sc) {
		t.Errorf("all pruned: got %d rows of %v, want 0 rows of %v", r.NumRows(), r.Schema(), sc)
	}
	r.Release()

	_, err = d.Partitions(nil)[0].Read(context.Background(), ReadOptions{Columns: []string{"i8", "nope"}, Allocator: mem})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) || !strings.Contains(err.Error(), path) {
		t.Errorf("unknown column: got %v, want an error naming the column and %s", err, path)
	}
}

func TestParquetManyFiles(t *testing.T) {
	mem := checkedAllocator(t)
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(3))
	var recs []arrow.Record
	for i := 0; i < 5; i++ {
		r := randomRecord(mem, sc, 50+i, rng, 6)
		defer r.Release()
		recs = append(recs, r)
		path := filepath.Join(dir, "part-"+string(rune('0'+i))+".parquet")
		w, err := CreateParquet(path, sc, ParquetWriteOptions{})
		writeRecords(t, w, err, r)
	}
	// Files the directory listing skips.
	os.WriteFile(filepath.Join(dir, "_SUCCESS"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hi"), 0o644)
	want := concatRecords(t, mem, recs)
	defer want.Release()

	for _, paths := range [][]string{
		{dir},
		{filepath.Join(dir, "part-*.parquet")},
		{filepath.Join(dir, "part-0.parquet"), filepath.Join(dir, "part-[1-4].parquet")},
	} {
		d, err := OpenParquet(context.Background(), paths, ParquetOptions{})
		if err != nil {
			t.Fatalf("%q: %v", paths, err)
		}
		if len(d.Paths()) != 5 || d.Format() != "parquet" {
			t.Fatalf("%q: got paths %q, format %q", paths, d.Paths(), d.Format())
		}
		got := readDataset(t, d, nil, ReadOptions{Allocator: mem})
		assertRecordsEqual(t, got, want)
		got.Release()
	}

	if _, err := OpenParquet(context.Background(), []string{filepath.Join(dir, "*.nothing")}, ParquetOptions{}); !errors.Is(err, ErrNoFiles) {
		t.Errorf("no match: got %v, want ErrNoFiles", err)
	}
}

func TestParquetConcurrentReads(t *testing.T) {
	mem := checkedAllocator(t)
	sc := allTypesSchema()
	rec := randomRecord(mem, sc, 400, rand.New(rand.NewSource(4)), 5)
	defer rec.Release()
	path := tempPath(t, "c.parquet")
	w, err := CreateParquet(path, sc, ParquetWriteOptions{RowGroupRows: 50})
	writeRecords(t, w, err, rec)
	d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{PartitionBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	parts := d.Partitions([]Predicate{{Column: "i64", Op: NotNull}})
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(parts))
	for rep := 0; rep < 4; rep++ {
		for _, p := range parts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := p.Read(context.Background(), ReadOptions{Allocator: mem, Filter: []Predicate{{Column: "s", Op: Ge, Value: "a"}}})
				if err != nil {
					errs <- err
					return
				}
				r.Release()
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestParquetSchemaMismatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, fields ...arrow.Field) string {
		path := filepath.Join(dir, name)
		w, err := CreateParquet(path, arrow.NewSchema(fields, nil), ParquetWriteOptions{})
		writeRecords(t, w, err)
		return path
	}
	a := write("a.parquet", arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64}, arrow.Field{Name: "y", Type: arrow.BinaryTypes.String})
	b := write("b.parquet", arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64}, arrow.Field{Name: "y", Type: arrow.PrimitiveTypes.Float64})
	c := write("c.parquet", arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64})
	n := write("n.parquet", arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, arrow.Field{Name: "y", Type: arrow.BinaryTypes.String})
	for _, tc := range []struct {
		paths []string
		want  []string // in the error
	}{
		{[]string{a, b}, []string{a, b, `"y"`, "utf8", "float64"}},
		{[]string{a, c}, []string{a, c, `"y"`, "missing"}},
		{[]string{c, a}, []string{a, c, `"y"`, "missing"}},
	} {
		_, err := OpenParquet(context.Background(), tc.paths, ParquetOptions{})
		if err == nil {
			t.Errorf("%q: got no error", tc.paths)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: got %q, want it to mention %s", tc.paths, err, w)
			}
		}
	}
	// Nullability may differ; the dataset's field is then nullable.
	d, err := OpenParquet(context.Background(), []string{a, n}, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Schema().Field(0).Nullable || d.Schema().Field(1).Nullable {
		t.Errorf("nullability: got %v, want x nullable and y not", d.Schema())
	}
}

// TestParquetCorrupt cuts a valid file at many points and overwrites parts
// of it with garbage: opening must fail with an error naming the file, or
// reading must, and nothing may panic.
func TestParquetCorrupt(t *testing.T) {
	mem := memory.NewGoAllocator() // failed reads may leave memory to the GC
	sc := allTypesSchema()
	rec := randomRecord(mem, sc, 300, rand.New(rand.NewSource(5)), 4)
	defer rec.Release()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.parquet")
	w, err := CreateParquet(good, sc, ParquetWriteOptions{RowGroupRows: 100})
	writeRecords(t, w, err, rec)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, content []byte, mustFailOpen bool) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{})
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("%s: the error does not name the file: %v", name, err)
			}
			return
		}
		if mustFailOpen {
			t.Errorf("%s: opened without error", name)
			return
		}
		for _, p := range d.Partitions(nil) {
			r, err := p.Read(context.Background(), ReadOptions{Allocator: mem})
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Errorf("%s: the error does not name the file: %v", name, err)
				}
				continue
			}
			r.Release()
		}
	}
	check("empty.parquet", nil, true)
	check("garbage.parquet", []byte("this is not a parquet file, it is a sentence."), true)
	check("magic-only.parquet", []byte("PAR1PAR1"), true)
	for _, cut := range []int{1, 4, 8, 100, len(data) / 3, len(data) / 2, len(data) - 100, len(data) - 9, len(data) - 8, len(data) - 4, len(data) - 1} {
		check("cut.parquet", data[:cut], true)
	}
	rng := rand.New(rand.NewSource(6))
	for i := 0; i < 40; i++ {
		bad := slices.Clone(data)
		start := rng.Intn(len(bad) - 8)
		n := 1 + rng.Intn(64)
		for k := start; k < start+n && k < len(bad)-8; k++ {
			bad[k] = byte(rng.Intn(256))
		}
		check("flipped.parquet", bad, false)
	}
	// A corrupt file among good ones names the corrupt one.
	cut := filepath.Join(dir, "z-cut.parquet")
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	_, err = OpenParquet(context.Background(), []string{good, cut}, ParquetOptions{})
	if err == nil || !strings.Contains(err.Error(), cut) {
		t.Errorf("good and cut: got %v, want an error naming %s", err, cut)
	}
}

func TestParquetCancel(t *testing.T) {
	mem := checkedAllocator(t)
	sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rec := randomRecord(mem, sc, 100, rand.New(rand.NewSource(7)), 0)
	defer rec.Release()
	path := tempPath(t, "c.parquet")
	w, err := CreateParquet(path, sc, ParquetWriteOptions{})
	writeRecords(t, w, err, rec)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := OpenParquet(ctx, []string{path}, ParquetOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("open: got %v, want context.Canceled", err)
	}
	d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Partitions(nil)[0].Read(ctx, ReadOptions{Allocator: mem})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), path) {
		t.Errorf("read: got %v, want context.Canceled naming the file", err)
	}
}

func TestParquetWriterAtomic(t *testing.T) {
	mem := checkedAllocator(t)
	sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	other := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.BinaryTypes.String}}, nil)
	nullable := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	good := randomRecord(mem, sc, 10, rand.New(rand.NewSource(8)), 0)
	defer good.Release()
	bad := randomRecord(mem, other, 10, rand.New(rand.NewSource(8)), 0)
	defer bad.Release()
	withNulls := randomRecord(mem, nullable, 50, rand.New(rand.NewSource(8)), 2)
	defer withNulls.Release()
	noNulls := randomRecord(mem, nullable, 10, rand.New(rand.NewSource(8)), 0)
	defer noNulls.Release()

	entries := func(dir string) []string {
		es, _ := os.ReadDir(dir)
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		return names
	}
	for _, tc := range []struct {
		name   string
		steps  func(w RecordWriter) error
		exists bool
	}{
		{"abort", func(w RecordWriter) error {
			w.Write(good)
			return w.Abort()
		}, false},
		{"abort twice", func(w RecordWriter) error {
			w.Abort()
			return w.Abort()
		}, false},
		{"a record of another schema", func(w RecordWriter) error {
			w.Write(good)
			if err := w.Write(bad); err == nil || !strings.Contains(err.Error(), "utf8") {
				t.Errorf("got %v, want an error about the type", err)
			}
			if err := w.Close(); err == nil {
				t.Errorf("Close after a failed Write: got no error")
			}
			return nil
		}, false},
		{"nulls in a column that is not nullable", func(w RecordWriter) error {
			if err := w.Write(withNulls); err == nil {
				t.Errorf("got no error")
			}
			return nil
		}, false},
		{"a nullable record without nulls", func(w RecordWriter) error {
			if err := w.Write(noNulls); err != nil {
				return err
			}
			return w.Close()
		}, true},
		{"close, then abort", func(w RecordWriter) error {
			w.Write(good)
			if err := w.Close(); err != nil {
				return err
			}
			if err := w.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if err := w.Write(good); err == nil {
				t.Errorf("Write after Close: got no error")
			}
			return w.Abort()
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.parquet")
			w, err := CreateParquet(path, sc, ParquetWriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.steps(w); err != nil {
				t.Fatal(err)
			}
			want := []string(nil)
			if tc.exists {
				want = []string{"out.parquet"}
			}
			if got := entries(dir); !slices.Equal(got, want) {
				t.Errorf("files: got %q, want %q", got, want)
			}
		})
	}
	if _, err := CreateParquet(filepath.Join(t.TempDir(), "no", "such", "dir.parquet"), sc, ParquetWriteOptions{}); err == nil {
		t.Errorf("a missing directory: got no error")
	}
	if _, err := CreateParquet(tempPath(t, "x.parquet"), sc, ParquetWriteOptions{Compression: 42}); err == nil {
		t.Errorf("an unknown codec: got no error")
	}
}

// TestParquetForeignFile reads a file written by parquet-cpp 1.3 (from the
// Arrow Go module's test data), whose string statistics the Parquet library
// rightly distrusts.
func TestParquetForeignFile(t *testing.T) {
	mem := checkedAllocator(t)
	path := filepath.Join("testdata", "parquet", "cpp-1.3.2-diamonds.parquet")
	d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rec := readDataset(t, d, nil, ReadOptions{Allocator: mem, Columns: []string{"cut", "price"}})
	defer rec.Release()
	if rec.NumRows() != 10 {
		t.Fatalf("rows: got %d, want 10", rec.NumRows())
	}
	prices := rec.Column(1).(*array.Int64)
	cuts := rec.Column(0).(*array.String)
	for _, tc := range []struct {
		filter []Predicate
		want   int // partitions
	}{
		{[]Predicate{{Column: "price", Op: Gt, Value: int64(338)}}, 0},
		{[]Predicate{{Column: "price", Op: Eq, Value: prices.Value(3)}}, 1},
		{[]Predicate{{Column: "cut", Op: Eq, Value: "no such cut"}}, 1}, // statistics not trusted
		{[]Predicate{{Column: "cut", Op: Eq, Value: cuts.Value(0)}}, 1},
		{[]Predicate{{Column: "carat", Op: Lt, Value: 0.2}}, 0},
	} {
		if got := len(d.Partitions(tc.filter)); got != tc.want {
			t.Errorf("%v: got %d partitions, want %d", tc.filter, got, tc.want)
		}
	}
}
