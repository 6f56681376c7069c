package io_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	dio "github.com/dusk-go/dusk/io"
)

func ExampleOpenCSV() {
	dir, _ := os.MkdirTemp("", "csv")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "trips.csv")
	os.WriteFile(path, []byte("id,fare,note,day\n1,12.5,\"window, left\",2024-03-01\n2,,\"\",2024-03-02\n"), 0o644)

	ctx := context.Background()
	ds, err := dio.OpenCSV(ctx, []string{path}, dio.CSVOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range ds.Schema().Fields() {
		fmt.Printf("%s: %s\n", f.Name, f.Type)
	}
	for _, p := range ds.Partitions(nil) {
		rec, err := p.Read(ctx, dio.ReadOptions{Columns: []string{"fare", "note"}})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec.Column(0), rec.Column(1))
		rec.Release()
	}
	// Output:
	// id: int64
	// fare: float64
	// note: utf8
	// day: date32
	// [12.5 (null)] ["window, left" ""]
}

func ExampleCSVError() {
	dir, _ := os.MkdirTemp("", "csv")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "a.csv")
	os.WriteFile(path, []byte("id,fare\n1,2.5\n2,abc\n"), 0o644)

	ctx := context.Background()
	ds, _ := dio.OpenCSV(ctx, []string{path}, dio.CSVOptions{
		ColumnTypes: map[string]arrow.DataType{"fare": arrow.PrimitiveTypes.Float64},
	})
	_, err := ds.Partitions(nil)[0].Read(ctx, dio.ReadOptions{})
	var ce *dio.CSVError
	if errors.As(err, &ce) {
		fmt.Println(ce.Line, ce.Column, ce.ColumnName, ce.Text, errors.Is(err, dio.ErrCSVValue))
	}
	// Output:
	// 3 2 fare abc true
}

func ExampleCreateCSV() {
	dir, _ := os.MkdirTemp("", "csv")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out.csv")

	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "score", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{`Ann "A"`, "", "Bo, Jr."}, nil)
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{0.1, 2, 0}, []bool{true, true, false})
	rec := b.NewRecord()
	defer rec.Release()

	w, err := dio.CreateCSV(path, schema, dio.CSVWriteOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := w.Write(rec); err != nil {
		fmt.Println(err) // the file is gone
		return
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(path)
	fmt.Print(string(data))
	// Output:
	// name,score
	// "Ann ""A""",0.1
	// "",2
	// "Bo, Jr.",
}
