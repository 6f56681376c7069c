package frame

import (
	"encoding/base64"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/sketch"
)

// TestDecideBucketsByBytes: few groups with much partial state (as Median
// keeps) get several merge buckets; few groups with little state get one.
func TestDecideBucketsByBytes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	h := sketch.NewHLL(hllPrecision)
	h.AddAll([]uint64{1, 2, 3})
	b, err := h.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	md := arrow.NewMetadata([]string{hllKey}, []string{base64.StdEncoding.EncodeToString(b)})
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Float64}}, &md)
	record := func(n int) arrow.Record {
		bld := array.NewFloat64Builder(mem)
		defer bld.Release()
		bld.AppendValues(make([]float64, n), nil)
		col := bld.NewArray()
		defer col.Release()
		return array.NewRecord(schema, []arrow.Array{col}, int64(n))
	}
	big, small := record(bytesPerBucket/8+1024), record(1024)
	defer big.Release()
	defer small.Release()
	for _, tc := range []struct {
		name  string
		recs  []arrow.Record
		limit int
		want  int
	}{
		{"small state", []arrow.Record{small, small, small}, 8, 1},
		{"three buckets of state", []arrow.Record{big, big, big}, 8, 3},
		{"bounded by the limit", []arrow.Record{big, big, big}, 2, 2},
	} {
		got, est, err := decideBuckets(tc.recs, tc.limit)
		if err != nil || got != tc.want || est < 2.5 || est > 3.5 {
			t.Errorf("%s: got %d buckets (estimate %.1f, error %v), want %d (about 3 groups, nil)", tc.name, got, est, err, tc.want)
		}
	}
}
