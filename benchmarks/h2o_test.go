package main

import (
	"math"
	"testing"

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
