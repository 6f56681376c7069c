package main

import (
	"math"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/h2o"
)

func TestDistinctRange(t *testing.T) {
	for _, tc := range []struct {
		n, m   float64
		lo, hi int64 // the range must hold [lo, hi]
		within int64 // and be at most this wide
	}{
		{1e5, 100, 100, 100, 0},        // every value drawn
		{1e5, 1e4, 9999, 10000, 10},    // a few may be missing
		{1e5, 1e14, 100000, 100000, 0}, // every draw distinct
		{1e7, 1e18, 10_000_000, 10_000_000, 0},
		{1e4, 1e4, 6300, 6340, 4100}, // 1-1/e of them, loosely bounded
	} {
		lo, hi := distinctRange(tc.n, tc.m)
		if lo > tc.lo || hi < tc.hi || hi-lo > tc.within {
			t.Errorf("distinctRange(%g, %g) = %d, %d: want a range of at most %d holding %d..%d", tc.n, tc.m, lo, hi, tc.within, tc.lo, tc.hi)
		}
	}
}

// TestLargest2Check checks how q8's per-group table becomes the answer:
// a tie at the largest value gives it twice, a group of one value one row.
func TestLargest2Check(t *testing.T) {
	mem := memory.NewGoAllocator()
	col := func(vals ...float64) arrow.Array {
		b := array.NewFloat64Builder(mem)
		defer b.Release()
		b.AppendValues(vals, nil)
		return b.NewArray()
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "largest1", Type: arrow.PrimitiveTypes.Float64},
		{Name: "n_max", Type: arrow.PrimitiveTypes.Float64},
		{Name: "below_max", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	cols := []arrow.Array{col(90, 80, 70), col(1, 2, 1), col(85, 60, -930)}
	rec := array.NewRecord(schema, cols, 3)
	for _, c := range cols {
		c.Release()
	}
	tbl := array.NewTableFromRecords(schema, []arrow.Record{rec})
	rec.Release()
	defer tbl.Release()
	rows, chk, err := largest2Check(tbl)
	if err != nil {
		t.Fatal(err)
	}
	if want := 90.0 + 85 + 80 + 80 + 70; rows != 5 || len(chk) != 1 || chk[0] != want {
		t.Errorf("got %d rows, check %v; want 5 rows, check [%v]", rows, chk, want)
	}
}

// TestH2OQuestionBounds checks the row bounds of the full-size questions
// against the db-benchmark's published answers' row counts.
func TestH2OQuestionBounds(t *testing.T) {
	want := map[string]int64{"q1": 100, "q2": 10000, "q3": 100000, "q6": 10000, "q8": 200000, "q10": 10_000_000}
	for _, q := range h2oGroupbyQuestions(h2o.Groupby{N: 1e7, K: 100}) {
		if w, ok := want[q.name]; ok && (w < q.lo || w > q.hi) {
			t.Errorf("groupby %s: bounds %d..%d exclude %d", q.name, q.lo, q.hi, w)
		}
	}
	for _, q := range h2oJoinQuestions(h2o.Join{N: 1e7}) {
		mid := (q.lo + q.hi) / 2
		if q.name == "q3" && (q.lo != 1e7 || q.hi != 1e7) || q.name != "q3" && math.Abs(float64(mid)-9e6) > 10 {
			t.Errorf("join %s: bounds %d..%d, want about 9e6 (1e7 for q3)", q.name, q.lo, q.hi)
		}
	}
}
