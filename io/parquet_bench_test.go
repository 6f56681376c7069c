package io

import (
	"context"
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// The benchmarks read and write a generated table of 1e6 rows: an int64
// id, a float64 value and a string of 4 to 12 letters from 1,000 distinct
// ones. SetBytes is the size of the record's Arrow buffers, so MB/s is
// Arrow bytes produced or consumed per second.

const benchRows = 1_000_000

func benchRecord(b *testing.B) arrow.Record {
	b.Helper()
	sc := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "v", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	rng := rand.New(rand.NewSource(1))
	words := make([]string, 1000)
	for i := range words {
		w := make([]byte, 4+rng.Intn(9))
		for k := range w {
			w[k] = byte('a' + rng.Intn(26))
		}
		words[i] = string(w)
	}
	bld := array.NewRecordBuilder(memory.DefaultAllocator, sc)
	defer bld.Release()
	ids := bld.Field(0).(*array.Int64Builder)
	vs := bld.Field(1).(*array.Float64Builder)
	ss := bld.Field(2).(*array.StringBuilder)
	ids.Reserve(benchRows)
	vs.Reserve(benchRows)
	ss.Reserve(benchRows)
	for i := 0; i < benchRows; i++ {
		ids.UnsafeAppend(int64(i))
		if i%50 == 0 {
			vs.AppendNull()
		} else {
			vs.UnsafeAppend(rng.NormFloat64())
		}
		ss.Append(words[rng.Intn(len(words))])
	}
	return bld.NewRecord()
}

func recordBytes(rec arrow.Record) int64 {
	var n int64
	for _, c := range rec.Columns() {
		for _, buf := range c.Data().Buffers() {
			if buf != nil {
				n += int64(buf.Len())
			}
		}
	}
	return n
}

func BenchmarkParquetWrite(b *testing.B) {
	rec := benchRecord(b)
	defer rec.Release()
	for _, codec := range []ParquetCompression{ParquetSnappy, ParquetZSTD, ParquetUncompressed} {
		b.Run(codec.String(), func(b *testing.B) {
			path := tempPath(b, "bench.parquet")
			b.SetBytes(recordBytes(rec))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				w, err := CreateParquet(path, rec.Schema(), ParquetWriteOptions{Compression: codec})
				writeRecords(b, w, err, rec)
			}
		})
	}
}

func BenchmarkParquetRead(b *testing.B) {
	rec := benchRecord(b)
	defer rec.Release()
	for _, codec := range []ParquetCompression{ParquetSnappy, ParquetZSTD} {
		path := tempPath(b, "bench.parquet")
		w, err := CreateParquet(path, rec.Schema(), ParquetWriteOptions{Compression: codec, RowGroupRows: 250_000})
		writeRecords(b, w, err, rec)
		d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{PartitionBytes: 1})
		if err != nil {
			b.Fatal(err)
		}
		for _, cols := range [][]string{nil, {"v"}} {
			name := fmt.Sprintf("%s/all", codec)
			bytes := recordBytes(rec)
			if cols != nil {
				name = fmt.Sprintf("%s/%s", codec, cols[0])
				p := project(rec, cols...)
				bytes = recordBytes(p)
				p.Release()
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(bytes)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					for _, p := range d.Partitions(nil) {
						r, err := p.Read(context.Background(), ReadOptions{Columns: cols})
						if err != nil {
							b.Fatal(err)
						}
						r.Release()
					}
				}
			})
		}
	}
}

func BenchmarkIPCRead(b *testing.B) {
	rec := benchRecord(b)
	defer rec.Release()
	for _, codec := range []IPCCompression{IPCUncompressed, IPCLZ4} {
		path := tempPath(b, "bench.arrow")
		w, err := CreateIPC(path, rec.Schema(), IPCWriteOptions{Compression: codec})
		if err != nil {
			b.Fatal(err)
		}
		for off := int64(0); off < rec.NumRows(); off += 250_000 {
			s := rec.NewSlice(off, off+250_000)
			err := w.Write(s)
			s.Release()
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		d, err := OpenIPC(context.Background(), []string{path}, IPCOptions{PartitionBytes: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(codec.String(), func(b *testing.B) {
			b.SetBytes(recordBytes(rec))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				for _, p := range d.Partitions(nil) {
					r, err := p.Read(context.Background(), ReadOptions{})
					if err != nil {
						b.Fatal(err)
					}
					r.Release()
				}
			}
		})
	}
}
