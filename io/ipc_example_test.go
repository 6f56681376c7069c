package io_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	dio "github.com/dusk-go/dusk/io"
)

// Writing three record batches to an Arrow IPC file compressed with LZ4,
// then reading them back as one partition.
func ExampleCreateIPC() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "values.arrow")

	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Float64}}, nil)
	w, err := dio.CreateIPC(path, schema, dio.IPCWriteOptions{Compression: dio.IPCLZ4})
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		b := array.NewFloat64Builder(memory.DefaultAllocator)
		b.AppendValues([]float64{float64(i), float64(i) + 0.5}, nil)
		col := b.NewArray()
		rec := array.NewRecord(schema, []arrow.Array{col}, 2)
		if err := w.Write(rec); err != nil {
			log.Fatal(err)
		}
		rec.Release()
		col.Release()
		b.Release()
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	d, err := dio.OpenIPC(ctx, []string{path}, dio.IPCOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range d.Partitions(nil) {
		r, err := p.Read(ctx, dio.ReadOptions{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(filepath.Base(p.String()), r.Column(0))
		r.Release()
	}
	// Output:
	// values.arrow batches 0-2 [0 0.5 1 1.5 2 2.5]
}
