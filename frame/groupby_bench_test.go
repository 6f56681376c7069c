package frame

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// BenchmarkGroupBy runs group-bys of 2^21 rows in four partitions, the
// shapes of the db-benchmark's questions at a fifth of their size: few
// integer groups (q1), 1e5 string groups (q3), and three keys with about
// one group per row (q10), where partitions pass their rows on raw and
// buckets merge them by their hashes. ns/row is per input row on all
// cores. `go run ./benchmarks h2o -peers` compares the full questions with
// DuckDB and Polars.
func BenchmarkGroupBy(b *testing.B) {
	const rows, parts = 1 << 21, 4
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k100", Type: arrow.PrimitiveTypes.Int64},
		{Name: "s1e5", Type: arrow.BinaryTypes.String},
		{Name: "s100", Type: arrow.BinaryTypes.String},
		{Name: "i1e7", Type: arrow.PrimitiveTypes.Int64},
		{Name: "v", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	r := rand.New(rand.NewPCG(1, 2))
	recs := make([]arrow.Record, parts)
	for p := range recs {
		bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
		for range rows / parts {
			bld.Field(0).(*array.Int64Builder).Append(r.Int64N(100))
			bld.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("id%010d", r.IntN(1e5)))
			bld.Field(2).(*array.StringBuilder).Append(fmt.Sprintf("id%03d", r.IntN(100)))
			bld.Field(3).(*array.Int64Builder).Append(r.Int64N(1e7))
			bld.Field(4).(*array.Float64Builder).Append(r.Float64())
		}
		recs[p] = bld.NewRecord()
		bld.Release()
	}
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	df := FromRecords(recs...)
	for _, bc := range []struct {
		name string
		f    *Frame
	}{
		{"int-key-100-groups", df.GroupBy("k100").Agg(Sum("v"))},
		{"string-key-1e5-groups", df.GroupBy("s1e5").Agg(Sum("v"), Mean("v"))},
		{"three-keys-distinct", df.GroupBy("s100", "s1e5", "i1e7").Agg(Sum("v"), Len())},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				tbl, err := bc.f.Compute(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				tbl.Release()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
		})
	}
}
