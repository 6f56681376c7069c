package frame_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/frame"
)

// sales is a small frame for the examples: region, product, qty, price.
func sales() *frame.Frame {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "region", Type: arrow.BinaryTypes.String},
		{Name: "product", Type: arrow.PrimitiveTypes.Int64},
		{Name: "qty", Type: arrow.PrimitiveTypes.Int64},
		{Name: "price", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.StringBuilder).AppendValues([]string{"north", "south", "north", "east", "south", "north"}, nil)
	b.Field(1).(*array.Int64Builder).AppendValues([]int64{1, 2, 2, 3, 1, 3}, nil)
	b.Field(2).(*array.Int64Builder).AppendValues([]int64{3, 1, 2, 5, 4, 1}, nil)
	b.Field(3).(*array.Float64Builder).AppendValues([]float64{2.5, 10, 10, 1, 2.5, 1}, nil)
	return frame.FromRecords(b.NewRecord())
}

// show prints a frame's rows.
func show(df *frame.Frame) {
	tbl, err := df.Compute(context.Background())
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer tbl.Release()
	tr := array.NewTableReader(tbl, 0)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		for r := range int(rec.NumRows()) {
			for c := range int(rec.NumCols()) {
				if c > 0 {
					fmt.Print(" ")
				}
				fmt.Print(rec.Column(c).ValueStr(r))
			}
			fmt.Println()
		}
	}
}

func ExampleFrame_GroupBy() {
	df := sales().GroupBy("region").
		Agg(frame.Sum("qty").As("units"), frame.Mean("price"), frame.Len().As("orders")).
		Sort(frame.Asc("region"))
	show(df)
	// Output:
	// east 5 1 1
	// north 6 4.5 3
	// south 5 6.25 2
}

func ExampleGrouped_TopK() {
	// the largest quantity of each region
	show(sales().GroupBy("region").TopK(1, frame.Desc("qty")).Select("region", "qty").Sort(frame.Asc("region")))
	// Output:
	// east 5
	// north 3
	// south 4
}

func ExampleFrame_Join() {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "product", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"pen", "book"}, nil)
	products := frame.FromRecords(b.NewRecord())
	joined := sales().Join(products, frame.Left, "product").
		Select("region", "product", "name").Sort(frame.Asc("product"), frame.Asc("region"))
	show(joined)
	// Output:
	// north 1 pen
	// south 1 pen
	// north 2 book
	// south 2 book
	// east 3 (null)
	// north 3 (null)
}

func ExampleFrame_Sort() {
	show(sales().Sort(frame.Desc("price"), frame.Asc("qty")).Select("price", "qty").Head(3))
	// Output:
	// 10 1
	// 10 2
	// 2.5 3
}

func ExampleFrame_TopK() {
	show(sales().TopK(2, frame.Desc("qty")).Select("region", "qty"))
	// Output:
	// east 5
	// south 4
}

func ExampleFrame_Distinct() {
	show(sales().Distinct("region").Sort(frame.Asc("region")))
	// Output:
	// east
	// north
	// south
}

func ExampleFrame_ValueCounts() {
	show(sales().ValueCounts("region").Head(1))
	// Output:
	// north 3
}

func ExampleFrame_Graph() {
	g, err := sales().GroupBy("region").Agg(frame.Sum("qty")).Graph()
	if err != nil {
		panic(err)
	}
	fmt.Println(len(g.Outputs()), "output;", strings.Fields(g.Mermaid())[0])
	// Output: 1 output; flowchart
}
