package io

import (
	"math"
	"testing"
	"time"
)

// day returns midnight UTC of the given day since the Unix epoch, plus
// extra.
func day(n int, extra time.Duration) time.Time {
	return testEpoch.AddDate(0, 0, n).Add(extra)
}

func TestPredicateColumnStats(t *testing.T) {
	ints := func(lo, hi int64) *columnStats {
		return &columnStats{kind: statInt, rows: 10, hasNulls: true, nulls: 1, hasMinMax: true, lo: statValue{i: lo}, hi: statValue{i: hi}}
	}
	uints := func(lo, hi uint64) *columnStats {
		return &columnStats{kind: statUint, rows: 10, hasNulls: true, hasMinMax: true, lo: statValue{u: lo}, hi: statValue{u: hi}}
	}
	floats := func(kind statKind, lo, hi float64) *columnStats {
		return &columnStats{kind: kind, rows: 10, hasNulls: true, hasMinMax: true, lo: statValue{f: lo}, hi: statValue{f: hi}}
	}
	bools := func(lo, hi int64) *columnStats {
		return &columnStats{kind: statBool, rows: 10, hasMinMax: true, lo: statValue{i: lo}, hi: statValue{i: hi}}
	}
	strs := func(lo, hi string) *columnStats {
		return &columnStats{kind: statString, rows: 10, hasNulls: true, nulls: 9, hasMinMax: true, lo: statValue{s: lo}, hi: statValue{s: hi}}
	}
	dates := func(lo, hi int64) *columnStats {
		return &columnStats{kind: statDate, rows: 10, hasMinMax: true, lo: statValue{i: lo}, hi: statValue{i: hi}}
	}
	millis := func(lo, hi int64) *columnStats {
		return &columnStats{kind: statTimestamp, unit: time.Millisecond, rows: 10, hasMinMax: true, lo: statValue{i: lo}, hi: statValue{i: hi}}
	}
	p := func(op CmpOp, v any) Predicate { return Predicate{Column: "c", Op: op, Value: v} }

	type check struct {
		p    Predicate
		want bool
	}
	for _, tc := range []struct {
		name   string
		stats  *columnStats
		checks []check
	}{
		{"empty row group", &columnStats{kind: statInt, rows: 0}, []check{
			{p(Eq, int64(1)), false}, {p(Ne, int64(1)), false}, {p(IsNull, nil), false}, {p(NotNull, nil), false},
		}},
		{"all null", &columnStats{kind: statInt, rows: 5, hasNulls: true, nulls: 5}, []check{
			{p(Eq, int64(1)), false}, {p(Ne, int64(1)), false}, {p(Lt, int64(1)), false}, {p(Le, int64(1)), false},
			{p(Gt, int64(1)), false}, {p(Ge, int64(1)), false}, {p(IsNull, nil), true}, {p(NotNull, nil), false},
			{p(Eq, "x"), false}, // a null satisfies no comparison, whatever the value
		}},
		{"no nulls, no bounds", &columnStats{kind: statNone, rows: 5, hasNulls: true, nulls: 0}, []check{
			{p(IsNull, nil), false}, {p(NotNull, nil), true}, {p(Eq, int64(1)), true}, {p(Ne, int64(1)), true},
		}},
		{"no statistics", &columnStats{kind: statNone, rows: 5}, []check{
			{p(IsNull, nil), true}, {p(NotNull, nil), true}, {p(Eq, int64(1)), true}, {p(Lt, "a"), true},
		}},
		{"unknown op", ints(1, 2), []check{{p(CmpOp(99), int64(5)), true}}},
		{"int [10, 20]", ints(10, 20), []check{
			{p(Eq, int64(9)), false}, {p(Eq, int64(10)), true}, {p(Eq, int64(15)), true}, {p(Eq, int64(20)), true}, {p(Eq, int64(21)), false},
			{p(Ne, int64(15)), true}, {p(Ne, int64(10)), true},
			{p(Lt, int64(10)), false}, {p(Lt, int64(11)), true}, {p(Le, int64(9)), false}, {p(Le, int64(10)), true},
			{p(Gt, int64(20)), false}, {p(Gt, int64(19)), true}, {p(Ge, int64(21)), false}, {p(Ge, int64(20)), true},
			{p(IsNull, nil), true}, {p(NotNull, nil), true},
			{p(Eq, 30), false}, {p(Eq, int32(15)), true}, {p(Eq, uint8(5)), false}, // other Go integers are taken
			{p(Eq, 30.0), true}, {p(Eq, "30"), true}, {p(Eq, nil), true}, {p(Eq, uint64(math.MaxUint64)), true}, // misfits prove nothing
		}},
		{"int [7, 7]", ints(7, 7), []check{
			{p(Ne, int64(7)), false}, {p(Ne, int64(8)), true}, {p(Eq, int64(7)), true}, {p(Lt, int64(7)), false}, {p(Ge, int64(7)), true},
		}},
		{"int extremes", ints(math.MinInt64, math.MaxInt64), []check{
			{p(Lt, int64(math.MinInt64)), false}, {p(Gt, int64(math.MaxInt64)), false}, {p(Eq, int64(0)), true},
		}},
		{"uint [5, 3e9]", uints(5, 3e9), []check{
			{p(Eq, int64(-1)), false}, {p(Ne, int64(-1)), true}, {p(Lt, int64(-1)), false}, {p(Le, int64(-1)), false},
			{p(Gt, int64(-1)), true}, {p(Ge, int64(-1)), true},
			{p(Eq, int64(4)), false}, {p(Eq, int64(5)), true}, {p(Eq, int64(3e9)), true}, {p(Gt, int64(3e9)), false}, {p(Ge, int64(3e9)), true},
			{p(Lt, int64(5)), false}, {p(Le, int64(5)), true}, {p(Eq, 5.0), true},
		}},
		{"uint [9, 9]", uints(9, 9), []check{{p(Ne, int64(9)), false}, {p(Ne, int64(-9)), true}}},
		{"uint above int64", uints(1<<63, math.MaxUint64), []check{
			{p(Eq, int64(math.MaxInt64)), false}, {p(Lt, int64(math.MaxInt64)), false}, {p(Gt, int64(0)), true},
		}},
		{"float64 [1.5, 2.5]", floats(statFloat64, 1.5, 2.5), []check{
			{p(Eq, 1.0), false}, {p(Eq, 1.5), true}, {p(Eq, 2.0), true}, {p(Eq, 2.5), true}, {p(Eq, 2.6), false},
			{p(Lt, 1.5), false}, {p(Lt, 1.6), true}, {p(Le, 1.4), false}, {p(Le, 1.5), true},
			{p(Gt, 2.5), false}, {p(Gt, 2.4), true}, {p(Ge, 2.6), false}, {p(Ge, 2.5), true},
			{p(Ne, 2.0), true}, {p(Eq, math.NaN()), true}, {p(Lt, math.Inf(-1)), false}, {p(Gt, math.Inf(1)), false},
			{p(Eq, float32(2)), true}, {p(Eq, int64(2)), true}, {p(Eq, "2"), true},
		}},
		{"float64 [3, 3]: != never prunes (NaN is left out of the bounds)", floats(statFloat64, 3, 3), []check{
			{p(Ne, 3.0), true}, {p(Eq, 3.0), true}, {p(Eq, 4.0), false},
		}},
		{"float64 zeros", floats(statFloat64, math.Copysign(0, -1), 0), []check{
			{p(Eq, 0.0), true}, {p(Eq, math.Copysign(0, -1)), true}, {p(Lt, 0.0), false}, {p(Gt, 0.0), false},
		}},
		{"float64 NaN bounds", floats(statFloat64, math.NaN(), 2), []check{{p(Eq, 5.0), true}, {p(Gt, 5.0), true}}},
		{"float64 inverted bounds", floats(statFloat64, 3, 2), []check{{p(Eq, 5.0), true}}},
		{"float32 [0.1f, 0.5f]", floats(statFloat32, float64(float32(0.1)), 0.5), []check{
			// float32(0.1) > 0.1: read either as float64 or rounded to float32, 0.1 is not above the minimum.
			{p(Lt, 0.1), false}, {p(Le, 0.1), true}, {p(Eq, 0.1), true}, {p(Lt, 0.10000001), true},
			{p(Gt, 0.5), false}, {p(Ge, 0.5), true}, {p(Eq, 0.50000001), true}, {p(Gt, 0.5000001), false},
			{p(Eq, 1e300), false}, {p(Lt, -1e300), false},
		}},
		{"bool [false, false]", bools(0, 0), []check{
			{p(Eq, true), false}, {p(Eq, false), true}, {p(Ne, false), false}, {p(Ne, true), true},
			{p(Lt, false), false}, {p(Le, false), true}, {p(Gt, false), false}, {p(Ge, true), false}, {p(Eq, int64(1)), true},
		}},
		{"bool [false, true]", bools(0, 1), []check{
			{p(Eq, true), true}, {p(Eq, false), true}, {p(Ne, true), true}, {p(Gt, false), true}, {p(Lt, true), true},
		}},
		{"bool [true, true]", bools(1, 1), []check{{p(Eq, false), false}, {p(Ne, true), false}, {p(Lt, true), false}}},
		{"string [b, d]", strs("b", "d"), []check{
			{p(Eq, "a"), false}, {p(Eq, "b"), true}, {p(Eq, "bz"), true}, {p(Eq, "d"), true}, {p(Eq, "da"), false}, {p(Eq, ""), false},
			{p(Lt, "b"), false}, {p(Lt, "ba"), true}, {p(Le, "b"), true}, {p(Le, "a"), false},
			{p(Gt, "d"), false}, {p(Gt, "c"), true}, {p(Ge, "d"), true}, {p(Ge, "d\x00"), false},
			{p(Ne, "c"), true}, {p(Eq, int64(1)), true}, {p(IsNull, nil), true}, {p(NotNull, nil), true},
		}},
		{"string [é, é]", strs("é", "é"), []check{
			{p(Ne, "é"), false}, {p(Gt, "z"), true}, {p(Lt, "z"), false}, // bytewise: "é" > "z"
		}},
		{"string [\"\", a]", strs("", "a"), []check{{p(Eq, ""), true}, {p(Lt, ""), false}, {p(Le, ""), true}}},
		{"date [100, 200]", dates(100, 200), []check{
			{p(Eq, day(99, 0)), false}, {p(Eq, day(100, 0)), true}, {p(Eq, day(200, 0)), true}, {p(Eq, day(201, 0)), false},
			{p(Lt, day(100, 0)), false}, {p(Lt, day(100, time.Nanosecond)), true}, {p(Le, day(100, 0)), true},
			{p(Gt, day(200, 0)), false}, {p(Gt, day(200, time.Hour)), false}, {p(Gt, day(199, time.Hour)), true},
			{p(Ge, day(200, 0)), true}, {p(Ge, day(200, time.Hour)), true}, // 200 >= "200 at 01:00" read as a date
			{p(Ge, day(201, 0)), false}, {p(Lt, day(99, 23*time.Hour)), false},
			{p(Eq, day(150, 12*time.Hour)), true}, {p(Ne, day(150, 0)), true},
			{p(Eq, day(100, 0).In(time.FixedZone("x", 3600))), true}, // an instant, whatever its zone
			{p(Eq, int64(150)), true}, {p(Eq, "1970-05-31"), true},
		}},
		{"date [-3, -1]", dates(-3, -1), []check{
			{p(Eq, day(0, 0)), false}, {p(Eq, day(-1, 0)), true}, {p(Lt, day(-3, 0)), false}, {p(Lt, day(-4, 12*time.Hour)), false},
			{p(Gt, day(-1, 0)), false}, {p(Gt, day(-2, 12*time.Hour)), true}, {p(Lt, day(-3, 12*time.Hour)), true},
		}},
		{"date [5, 5]", dates(5, 5), []check{{p(Ne, day(5, 0)), false}, {p(Ne, day(5, time.Second)), true}}},
		{"timestamp ms [1000, 2000]", millis(1000, 2000), []check{
			{p(Eq, testEpoch.Add(1500*time.Millisecond)), true}, {p(Eq, testEpoch.Add(999*time.Millisecond)), false},
			{p(Eq, testEpoch.Add(2001*time.Millisecond)), false}, {p(Lt, testEpoch.Add(time.Second)), false},
			{p(Lt, testEpoch.Add(time.Second+time.Nanosecond)), true}, {p(Gt, testEpoch.Add(2*time.Second)), false},
			{p(Gt, testEpoch.Add(2*time.Second+time.Microsecond)), false}, {p(Ge, testEpoch.Add(2*time.Second)), true},
			{p(Eq, testEpoch.Add(-time.Hour)), false}, {p(Eq, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)), false},
			{p(Eq, int64(1500)), true},
		}},
		{"timestamp ns bounds and far times", &columnStats{kind: statTimestamp, unit: time.Nanosecond, rows: 1, hasMinMax: true,
			lo: statValue{i: math.MinInt64}, hi: statValue{i: math.MaxInt64}}, []check{
			{p(Eq, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)), true}, // overflows nanoseconds: proves nothing
			{p(Eq, testEpoch), true},
		}},
	} {
		for _, c := range tc.checks {
			if got := tc.stats.mayMatch(c.p); got != c.want {
				t.Errorf("%s: %v: got %v, want %v", tc.name, c.p, got, c.want)
			}
		}
	}
}

func TestPredicateConjunction(t *testing.T) {
	stats := map[string]*columnStats{
		"a": {kind: statInt, rows: 3, hasMinMax: true, lo: statValue{i: 1}, hi: statValue{i: 3}},
		"b": {kind: statString, rows: 3, hasMinMax: true, lo: statValue{s: "x"}, hi: statValue{s: "y"}},
	}
	lookup := func(c string) (*columnStats, bool) { s, ok := stats[c]; return s, ok }
	for _, tc := range []struct {
		filter []Predicate
		want   bool
	}{
		{nil, true},
		{[]Predicate{{Column: "a", Op: Eq, Value: int64(2)}}, true},
		{[]Predicate{{Column: "a", Op: Eq, Value: int64(2)}, {Column: "b", Op: Eq, Value: "z"}}, false},
		{[]Predicate{{Column: "a", Op: Gt, Value: int64(3)}, {Column: "b", Op: Eq, Value: "x"}}, false},
		{[]Predicate{{Column: "nope", Op: Eq, Value: int64(2)}, {Column: "b", Op: Le, Value: "x"}}, true},
	} {
		if got := filterMayMatch(tc.filter, lookup); got != tc.want {
			t.Errorf("%v: got %v, want %v", tc.filter, got, tc.want)
		}
	}
}

func TestPredicateTimeTicks(t *testing.T) {
	for _, tc := range []struct {
		t      time.Time
		unit   time.Duration
		lo, hi int64
	}{
		{testEpoch, time.Millisecond, 0, 0},
		{testEpoch.Add(1500 * time.Microsecond), time.Millisecond, 1, 2},
		{testEpoch.Add(-1500 * time.Microsecond), time.Millisecond, -2, -1},
		{testEpoch.Add(-time.Nanosecond), time.Microsecond, -1, 0},
		{testEpoch.Add(-time.Nanosecond), time.Nanosecond, -1, -1},
		{day(3, 0), 24 * time.Hour, 3, 3},
		{day(3, time.Nanosecond), 24 * time.Hour, 3, 4},
		{day(-3, 0), 24 * time.Hour, -3, -3},
		{day(-3, -time.Nanosecond), 24 * time.Hour, -4, -3},
	} {
		lo, hi, ok := timeTicks(tc.t, tc.unit)
		if !ok || lo != tc.lo || hi != tc.hi {
			t.Errorf("timeTicks(%v, %v): got [%d, %d] %v, want [%d, %d] true", tc.t, tc.unit, lo, hi, ok, tc.lo, tc.hi)
		}
	}
	if _, _, ok := timeTicks(time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC), time.Nanosecond); ok {
		t.Errorf("year 2500 in nanoseconds: got ok, want an overflow")
	}
}

func TestPredicateFloat32Bracket(t *testing.T) {
	for _, v := range []float64{0, 1, 0.1, -0.1, 1e-50, 3.4e38, 1e39, -1e39, math.Inf(1), math.MaxFloat64} {
		lo, hi := float32Bracket(v)
		if lo > v || hi < v {
			t.Errorf("float32Bracket(%v): got [%v, %v], which does not hold it", v, lo, hi)
		}
		if float64(float32(lo)) != lo || float64(float32(hi)) != hi {
			t.Errorf("float32Bracket(%v): got [%v, %v], not float32 values", v, lo, hi)
		}
		if f := float32(v); float64(f) == v && (lo != v || hi != v) {
			t.Errorf("float32Bracket(%v): got [%v, %v], want [%v, %v]", v, lo, hi, v, v)
		}
		if lo != hi && float64(math.Nextafter32(float32(lo), float32(math.Inf(1)))) != hi {
			t.Errorf("float32Bracket(%v): got [%v, %v], not neighbours", v, lo, hi)
		}
	}
}
