package io

import (
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

func TestIPCRoundTrip(t *testing.T) {
	for _, stream := range []bool{false, true} {
		for _, codec := range []IPCCompression{IPCUncompressed, IPCLZ4, IPCZSTD} {
			for _, rows := range [][]int{{0}, {200}, {50, 0, 120, 7}} {
				name := codec.String() + "/file"
				if stream {
					name = codec.String() + "/stream"
				}
				t.Run(name, func(t *testing.T) {
					mem := checkedAllocator(t)
					sc := allTypesSchema()
					rng := rand.New(rand.NewSource(10))
					var recs []arrow.Record
					for _, n := range rows {
						r := randomRecord(mem, sc, n, rng, 4)
						defer r.Release()
						recs = append(recs, r)
					}
					path := tempPath(t, "x.arrow")
					w, err := CreateIPC(path, sc, IPCWriteOptions{Stream: stream, Compression: codec})
					writeRecords(t, w, err, recs...)

					d, err := OpenIPC(context.Background(), []string{path}, IPCOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if !d.Schema().Equal(sc) || d.Format() != "ipc" {
						t.Fatalf("schema: got\n%v\nwant\n%v", d.Schema(), sc)
					}
					wantParts := 1
					if !stream && len(rows) == 1 && rows[0] == 0 {
						wantParts = 1 // one empty batch
					}
					if got := len(d.Partitions(nil)); got != wantParts {
						t.Fatalf("partitions: got %d, want %d", got, wantParts)
					}
					got := readDataset(t, d, []Predicate{{Column: "i8", Op: IsNull}}, ReadOptions{Allocator: mem})
					defer got.Release()
					want := concatRecords(t, mem, recs)
					defer want.Release()
					assertRecordsEqual(t, got, want)
				})
			}
		}
	}
}

func TestIPCPartitions(t *testing.T) {
	mem := checkedAllocator(t)
	sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}, {Name: "s", Type: arrow.BinaryTypes.String, Nullable: true}}, nil)
	rng := rand.New(rand.NewSource(11))
	dir := t.TempDir()
	var recs []arrow.Record
	file := filepath.Join(dir, "a.arrow")
	w, err := CreateIPC(file, sc, IPCWriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		r := randomRecord(mem, sc, 100, rng, 5)
		defer r.Release()
		recs = append(recs, r)
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	stream := filepath.Join(dir, "b.arrows")
	w, err = CreateIPC(stream, sc, IPCWriteOptions{Stream: true, Compression: IPCLZ4})
	writeRecords(t, w, err, recs[:3]...)

	d, err := OpenIPC(context.Background(), []string{dir}, IPCOptions{PartitionBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range d.Partitions(nil) {
		names = append(names, strings.TrimPrefix(p.String(), dir+string(filepath.Separator)))
	}
	want := []string{"a.arrow batch 0", "a.arrow batch 1", "a.arrow batch 2", "a.arrow batch 3", "a.arrow batch 4",
		"a.arrow batch 5", "a.arrow batch 6", "a.arrow batch 7", "a.arrow batch 8", "a.arrow batch 9", "b.arrows stream"}
	if !slices.Equal(names, want) {
		t.Errorf("partitions: got %q, want %q", names, want)
	}
	bodies := d.plan[0].file.bodies
	target := 3*bodies[0] + bodies[0]/2
	d, err = OpenIPC(context.Background(), []string{file, stream}, IPCOptions{PartitionBytes: target})
	if err != nil {
		t.Fatal(err)
	}
	// The bodies differ in size (random strings): check that the runs are
	// greedy, contiguous and within the target.
	next := 0
	for _, p := range d.plan {
		if p.file.stream {
			continue
		}
		if p.first != next {
			t.Errorf("%s: starts at batch %d, want %d", p, p.first, next)
		}
		var sum int64
		for _, b := range bodies[p.first:p.end] {
			sum += b
		}
		if sum > target && p.end-p.first > 1 {
			t.Errorf("%s: %d bytes, over the target %d", p, sum, target)
		}
		if p.end < len(bodies) && sum+bodies[p.end] <= target {
			t.Errorf("%s: %d bytes, batch %d (%d bytes) would still fit in %d", p, sum, p.end, bodies[p.end], target)
		}
		next = p.end
	}
	if next != len(bodies) || len(d.plan) < 3 {
		t.Errorf("the partitions cover batches up to %d of %d, in %d partitions", next, len(bodies), len(d.plan))
	}
	all := append(slices.Clone(recs), recs[:3]...)
	wantRec := concatRecords(t, mem, all)
	defer wantRec.Release()
	got := readDataset(t, d, nil, ReadOptions{Allocator: mem})
	defer got.Release()
	assertRecordsEqual(t, got, wantRec)

	// Projection, in the order asked.
	proj := readDataset(t, d, nil, ReadOptions{Allocator: mem, Columns: []string{"s", "v"}})
	defer proj.Release()
	wantProj := project(wantRec, "s", "v")
	defer wantProj.Release()
	assertRecordsEqual(t, proj, wantProj)
	_, err = d.Partitions(nil)[0].Read(context.Background(), ReadOptions{Allocator: mem, Columns: []string{"w"}})
	if err == nil || !strings.Contains(err.Error(), `"w"`) || !strings.Contains(err.Error(), file) {
		t.Errorf("unknown column: got %v, want an error naming it and the file", err)
	}

	// Cancelled reads.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, p := range d.Partitions(nil) {
		if _, err := p.Read(ctx, ReadOptions{Allocator: mem}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", p, err)
		}
	}
	if _, err := OpenIPC(ctx, []string{dir}, IPCOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("open: got %v, want context.Canceled", err)
	}
}

func TestIPCDictionary(t *testing.T) {
	t.Run("file", func(t *testing.T) { testIPCDictionary(t, false) })
	t.Run("stream", func(t *testing.T) { testIPCDictionary(t, true) })
}

func testIPCDictionary(t *testing.T, stream bool) {
	mem := checkedAllocator(t)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}
	sc := arrow.NewSchema([]arrow.Field{{Name: "d", Type: dt, Nullable: true}}, nil)
	var recs []arrow.Record
	for _, words := range [][]string{{"x", "y", "x", "z"}, {"w", "", "y", "w"}} {
		b := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
		for _, s := range words {
			b.AppendString(s)
		}
		b.AppendNull()
		col := b.NewArray()
		b.Release()
		rec := array.NewRecord(sc, []arrow.Array{col}, int64(col.Len()))
		col.Release()
		defer rec.Release()
		recs = append(recs, rec)
	}
	path := tempPath(t, "d.arrow")
	w, err := CreateIPC(path, sc, IPCWriteOptions{Stream: stream})
	if err != nil {
		t.Fatal(err)
	}
	written := []arrow.Record{recs[0], recs[0]}
	if stream {
		written = recs // a stream takes a new dictionary with any batch
	} else {
		if err := w.Write(recs[0]); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(recs[1]); err == nil {
			t.Fatalf("a second dictionary in the file format: got no error")
		}
		w, err = CreateIPC(path, sc, IPCWriteOptions{})
	}
	writeRecords(t, w, err, written...)
	d, err := OpenIPC(context.Background(), []string{path}, IPCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := readDataset(t, d, nil, ReadOptions{Allocator: mem})
	defer got.Release()
	var words []string
	for i := 0; i < int(got.NumRows()); i++ {
		words = append(words, got.Column(0).ValueStr(i))
	}
	want := []string{"x", "y", "x", "z", "(null)", "x", "y", "x", "z", "(null)"}
	if stream {
		want = []string{"x", "y", "x", "z", "(null)", "w", "", "y", "w", "(null)"}
	}
	if !slices.Equal(words, want) || !got.Schema().Equal(sc) {
		t.Errorf("got %q of %v, want %q of %v", words, got.Schema(), want, sc)
	}
}

func TestIPCBad(t *testing.T) {
	mem := memory.NewGoAllocator() // failed reads may leave memory to the GC
	sc := allTypesSchema()
	rec := randomRecord(mem, sc, 200, rand.New(rand.NewSource(12)), 4)
	defer rec.Release()
	dir := t.TempDir()
	for _, stream := range []bool{false, true} {
		good := filepath.Join(dir, "good.arrow")
		w, err := CreateIPC(good, sc, IPCWriteOptions{Stream: stream, Compression: IPCZSTD})
		writeRecords(t, w, err, rec, rec)
		data, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		check := func(content []byte) {
			t.Helper()
			path := filepath.Join(dir, "bad.arrow")
			os.WriteFile(path, content, 0o644)
			d, err := OpenIPC(context.Background(), []string{path}, IPCOptions{})
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Errorf("stream %v, %d bytes: the error does not name the file: %v", stream, len(content), err)
				}
				return
			}
			for _, p := range d.Partitions(nil) {
				r, err := p.Read(context.Background(), ReadOptions{Allocator: mem})
				if err != nil {
					if !strings.Contains(err.Error(), path) {
						t.Errorf("stream %v: the error does not name the file: %v", stream, err)
					}
					continue
				}
				r.Release()
			}
		}
		check(nil)
		check([]byte("not arrow at all"))
		check([]byte("ARROW1\x00\x00ARROW1"))
		for _, cut := range []int{1, 6, 8, 12, 100, len(data) / 3, len(data) / 2, len(data) - 20, len(data) - 10, len(data) - 6, len(data) - 1} {
			check(data[:cut])
		}
		rng := rand.New(rand.NewSource(13))
		for i := 0; i < 30; i++ {
			bad := slices.Clone(data)
			start := rng.Intn(len(bad))
			for k := start; k < start+1+rng.Intn(32) && k < len(bad); k++ {
				bad[k] = byte(rng.Intn(256))
			}
			check(bad)
		}
	}
	// A cut file of the file format fails to open.
	good := filepath.Join(dir, "f.arrow")
	w, err := CreateIPC(good, sc, IPCWriteOptions{})
	writeRecords(t, w, err, rec)
	data, _ := os.ReadFile(good)
	cut := filepath.Join(dir, "cut.arrow")
	os.WriteFile(cut, data[:len(data)-3], 0o644)
	if _, err := OpenIPC(context.Background(), []string{good, cut}, IPCOptions{}); err == nil || !strings.Contains(err.Error(), cut) {
		t.Errorf("cut file: got %v, want an error naming %s", err, cut)
	}
	empty := filepath.Join(dir, "empty.arrow")
	os.WriteFile(empty, nil, 0o644)
	if _, err := OpenIPC(context.Background(), []string{empty}, IPCOptions{}); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty file: got %v, want an error saying it is empty", err)
	}
}

func TestIPCSchemaMismatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, stream bool, fields ...arrow.Field) string {
		path := filepath.Join(dir, name)
		w, err := CreateIPC(path, arrow.NewSchema(fields, nil), IPCWriteOptions{Stream: stream})
		writeRecords(t, w, err)
		return path
	}
	a := write("a.arrow", false, arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64})
	b := write("b.arrows", true, arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int32})
	c := write("c.arrows", true, arrow.Field{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	_, err := OpenIPC(context.Background(), []string{a, b}, IPCOptions{})
	if err == nil || !strings.Contains(err.Error(), a) || !strings.Contains(err.Error(), b) || !strings.Contains(err.Error(), "int32") {
		t.Errorf("got %v, want an error naming both files and the type", err)
	}
	d, err := OpenIPC(context.Background(), []string{a, c}, IPCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Schema().Field(0).Nullable {
		t.Errorf("got %v, want x nullable", d.Schema())
	}
	// A file with no batches has no partition; a stream has one.
	if got := len(d.Partitions(nil)); got != 1 {
		t.Errorf("partitions: got %d, want 1", got)
	}
}

func TestIPCWriterAtomic(t *testing.T) {
	mem := checkedAllocator(t)
	sc := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	other := arrow.NewSchema([]arrow.Field{{Name: "w", Type: arrow.PrimitiveTypes.Int64}}, nil)
	good := randomRecord(mem, sc, 10, rand.New(rand.NewSource(14)), 0)
	defer good.Release()
	bad := randomRecord(mem, other, 10, rand.New(rand.NewSource(14)), 0)
	defer bad.Release()
	for _, stream := range []bool{false, true} {
		for _, tc := range []struct {
			name   string
			steps  func(w RecordWriter)
			exists bool
		}{
			{"abort", func(w RecordWriter) { w.Write(good); w.Abort(); w.Abort() }, false},
			{"a record of another schema", func(w RecordWriter) {
				w.Write(good)
				if err := w.Write(bad); err == nil || !strings.Contains(err.Error(), `"w"`) {
					t.Errorf("got %v, want an error naming the field", err)
				}
				if err := w.Close(); err == nil {
					t.Errorf("Close after a failed Write: got no error")
				}
			}, false},
			{"close", func(w RecordWriter) {
				w.Write(good)
				if err := w.Close(); err != nil {
					t.Error(err)
				}
				if err := w.Abort(); err != nil {
					t.Error(err)
				}
			}, true},
		} {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.arrow")
			w, err := CreateIPC(path, sc, IPCWriteOptions{Stream: stream})
			if err != nil {
				t.Fatal(err)
			}
			tc.steps(w)
			es, _ := os.ReadDir(dir)
			if got := len(es); got != map[bool]int{false: 0, true: 1}[tc.exists] {
				t.Errorf("stream %v, %s: got %d files, want exists=%v", stream, tc.name, got, tc.exists)
			}
		}
	}
	if _, err := CreateIPC(tempPath(t, "x.arrow"), sc, IPCWriteOptions{Compression: 9}); err == nil {
		t.Errorf("an unknown codec: got no error")
	}
}

func TestIPCFooterParse(t *testing.T) {
	// Corrupt footers are errors, never panics.
	rng := rand.New(rand.NewSource(15))
	for i := 0; i < 2000; i++ {
		fb := make([]byte, rng.Intn(64))
		rng.Read(fb)
		if i%2 == 0 && len(fb) >= 8 {
			fb[0], fb[1], fb[2], fb[3] = byte(rng.Intn(len(fb))), 0, 0, 0
		}
		parseIPCFooterBodies(fb)
	}
}
