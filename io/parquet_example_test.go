package io_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	dio "github.com/dusk-go/dusk/io"
)

// Writing a Parquet file in row groups of 3 rows, then reading back only
// the row groups that may hold id >= 7, and only the column "name".
func ExampleCreateParquet() {
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "people.parquet")

	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2, 3, 4, 5, 6, 7, 8, 9}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues(strings.Fields("ann bob cy dee eve fay gus hal ivy"), nil)
	rec := b.NewRecord()
	defer rec.Release()

	w, err := dio.CreateParquet(path, schema, dio.ParquetWriteOptions{RowGroupRows: 3})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	ctx := context.Background()
	d, err := dio.OpenParquet(ctx, []string{dir}, dio.ParquetOptions{PartitionBytes: 1})
	if err != nil {
		log.Fatal(err)
	}
	filter := []dio.Predicate{{Column: "id", Op: dio.Ge, Value: int64(7)}}
	for _, p := range d.Partitions(filter) {
		r, err := p.Read(ctx, dio.ReadOptions{Columns: []string{"name"}, Filter: filter})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(strings.TrimPrefix(p.String(), dir+string(filepath.Separator)), r.Column(0))
		r.Release()
	}
	// Output:
	// people.parquet row group 2 ["gus" "hal" "ivy"]
}
