package frame

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/agg"
	"github.com/dusk-go/dusk/scheduler"
)

// keyOf renders key cells as a map key: floats normalised (-0 is 0, every
// NaN one NaN), types tagged.
func keyOf(cells []any) string {
	parts := make([]string, len(cells))
	for i, c := range cells {
		switch v := c.(type) {
		case nil:
			parts[i] = "null"
		case float64:
			switch {
			case math.IsNaN(v):
				parts[i] = "f:NaN"
			case v == 0:
				parts[i] = "f:0"
			default:
				parts[i] = fmt.Sprintf("f:%v", v)
			}
		default:
			parts[i] = fmt.Sprintf("%T:%v", c, c)
		}
	}
	return fmt.Sprint(parts)
}

// refAgg computes one aggregation over the rows of a group, following the
// documented semantics with plain Go.
func refAgg(t *testing.T, a Agg, cols []int, rows [][]any) any {
	t.Helper()
	var vals []any
	if len(cols) > 0 {
		for _, r := range rows {
			if r[cols[0]] != nil {
				vals = append(vals, r[cols[0]])
			}
		}
	}
	floats := func() []float64 {
		out := make([]float64, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case int64:
				out[i] = float64(x)
			case float64:
				out[i] = x
			}
		}
		return out
	}
	switch a.spec.Kind {
	case aggKind("sum"):
		if len(vals) == 0 {
			return nil
		}
		if _, ok := vals[0].(int64); ok {
			var s int64
			for _, v := range vals {
				s += v.(int64)
			}
			return s
		}
		s := 0.0
		for _, v := range floats() {
			s += v
		}
		return s
	case aggKind("mean"):
		if len(vals) == 0 {
			return nil
		}
		s := 0.0
		for _, v := range floats() {
			s += v
		}
		return s / float64(len(vals))
	case aggKind("count"):
		return int64(len(vals))
	case aggKind("len"):
		return int64(len(rows))
	case aggKind("min"), aggKind("max"):
		if len(vals) == 0 {
			return nil
		}
		best := vals[0]
		isMax := a.spec.Kind == aggKind("max")
		for _, v := range vals[1:] {
			c := compareAgg(v, best)
			if (isMax && c > 0) || (!isMax && c < 0) {
				best = v
			}
		}
		return best
	case aggKind("first"):
		if len(vals) == 0 {
			return nil
		}
		return vals[0]
	case aggKind("last"):
		if len(vals) == 0 {
			return nil
		}
		return vals[len(vals)-1]
	case aggKind("count_distinct"):
		seen := map[string]bool{}
		for _, v := range vals {
			seen[keyOf([]any{v})] = true
		}
		return int64(len(seen))
	case aggKind("var"), aggKind("std"):
		xs := floats()
		n := float64(len(xs))
		if n-float64(a.spec.DDof) <= 0 {
			return nil
		}
		m := 0.0
		for _, x := range xs {
			m += x
		}
		m /= n
		ss := 0.0
		for _, x := range xs {
			ss += (x - m) * (x - m)
		}
		v := ss / (n - float64(a.spec.DDof))
		if a.spec.Kind == aggKind("std") {
			return math.Sqrt(v)
		}
		return v
	case aggKind("median"), aggKind("quantile"):
		xs := floats()
		if len(xs) == 0 {
			return nil
		}
		q := a.spec.Q
		if a.spec.Kind == aggKind("median") {
			q = 0.5
		}
		sort.Float64s(xs)
		pos := q * float64(len(xs)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(xs)-1)
		return xs[lo] + (pos-float64(lo))*(xs[hi]-xs[lo])
	case aggKind("any"), aggKind("all"):
		if len(vals) == 0 {
			return nil
		}
		res := a.spec.Kind == aggKind("all")
		for _, v := range vals {
			if a.spec.Kind == aggKind("any") {
				res = res || v.(bool)
			} else {
				res = res && v.(bool)
			}
		}
		return res
	case aggKind("corr"):
		var xs, ys []float64
		for _, r := range rows {
			x, y := r[cols[0]], r[cols[1]]
			if x == nil || y == nil {
				continue
			}
			xs, ys = append(xs, toF(x)), append(ys, toF(y))
		}
		n := float64(len(xs))
		if n < 2 {
			return nil
		}
		var mx, my float64
		for i := range xs {
			mx += xs[i]
			my += ys[i]
		}
		mx, my = mx/n, my/n
		var sxy, sxx, syy float64
		for i := range xs {
			sxy += (xs[i] - mx) * (ys[i] - my)
			sxx += (xs[i] - mx) * (xs[i] - mx)
			syy += (ys[i] - my) * (ys[i] - my)
		}
		if sxx == 0 || syy == 0 {
			return nil
		}
		return sxy / math.Sqrt(sxx*syy)
	}
	t.Fatalf("refAgg: kind %v", a.spec.Kind)
	return nil
}

func toF(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return math.NaN()
}

// aggKind returns the kind of the aggregation named fn.
func aggKind(fn string) agg.Kind {
	switch fn {
	case "sum":
		return Sum("x").spec.Kind
	case "mean":
		return Mean("x").spec.Kind
	case "count":
		return Count("x").spec.Kind
	case "len":
		return Len().spec.Kind
	case "min":
		return Min("x").spec.Kind
	case "max":
		return Max("x").spec.Kind
	case "first":
		return First("x").spec.Kind
	case "last":
		return Last("x").spec.Kind
	case "count_distinct":
		return CountDistinct("x").spec.Kind
	case "var":
		return Var("x", 1).spec.Kind
	case "std":
		return Std("x", 1).spec.Kind
	case "median":
		return Median("x").spec.Kind
	case "quantile":
		return Quantile("x", 0.5).spec.Kind
	case "any":
		return Any("x").spec.Kind
	case "all":
		return All("x").spec.Kind
	case "corr":
		return Corr("x", "y").spec.Kind
	}
	panic(fn)
}

// compareAgg orders two non-null cells of one type; NaN is the largest
// float (DuckDB's order).
func compareAgg(a, b any) int {
	switch x := a.(type) {
	case int64:
		return cmpOrdered(x, b.(int64))
	case int32:
		return cmpOrdered(x, b.(int32))
	case float64:
		y := b.(float64)
		switch {
		case math.IsNaN(x) && math.IsNaN(y):
			return 0
		case math.IsNaN(x):
			return 1
		case math.IsNaN(y):
			return -1
		}
		return cmpOrdered(x, y)
	case string:
		return cmpOrdered(x, b.(string))
	case bool:
		return cmpOrdered(b2i(x), b2i(b.(bool)))
	}
	panic(fmt.Sprintf("compareAgg %T", a))
}

func cmpOrdered[T int64 | int32 | float64 | string | int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// refGroupBy groups rows by the key columns and computes the aggregations:
// rows of keys then values, sorted by keyOf.
func refGroupBy(t *testing.T, s *arrow.Schema, rows [][]any, keys []string, aggs []Agg) [][]any {
	t.Helper()
	kidx := make([]int, len(keys))
	for i, k := range keys {
		kidx[i], _ = columnIndex(s, k)
	}
	groups := map[string][][]any{}
	var order []string
	for _, r := range rows {
		kc := make([]any, len(kidx))
		for i, c := range kidx {
			kc[i] = r[c]
		}
		k := keyOf(kc)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out [][]any
	for _, k := range order {
		g := groups[k]
		row := make([]any, 0, len(keys)+len(aggs))
		for _, c := range kidx {
			row = append(row, g[0][c])
		}
		for _, a := range aggs {
			cols := make([]int, len(a.cols))
			for i, c := range a.cols {
				cols[i], _ = columnIndex(s, c)
			}
			row = append(row, refAgg(t, a, cols, g))
		}
		out = append(out, row)
	}
	sortRows(out, len(keys))
	return out
}

func sortRows(rows [][]any, nk int) {
	sort.SliceStable(rows, func(i, j int) bool { return keyOf(rows[i][:nk]) < keyOf(rows[j][:nk]) })
}

// closeValue compares result cells: floats within a relative 1e-9 (sums
// are taken in another order), keys with -0 equal to 0.
func closeValue(a, b any) bool {
	fa, ok1 := a.(float64)
	fb, ok2 := b.(float64)
	if ok1 && ok2 {
		switch {
		case math.IsNaN(fa) || math.IsNaN(fb):
			return math.IsNaN(fa) && math.IsNaN(fb)
		case math.IsInf(fa, 0) || math.IsInf(fb, 0):
			return fa == fb
		}
		return math.Abs(fa-fb) <= 1e-9*math.Max(1, math.Max(math.Abs(fa), math.Abs(fb)))
	}
	return a == b
}

func compareRows(t *testing.T, what string, got, want [][]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rows, want %d", what, len(got), len(want))
	}
	for i := range got {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("%s: row %d: got %d columns, want %d", what, i, len(got[i]), len(want[i]))
		}
		for j := range got[i] {
			if !closeValue(got[i][j], want[i][j]) {
				t.Fatalf("%s: row %d (%v) column %d: got %#v, want %#v", what, i, want[i], j, got[i][j], want[i][j])
			}
		}
	}
}

// computeRows computes df and returns its rows, sorted by the first nk
// columns (all when nk < 0).
func computeRows(t *testing.T, df *Frame, opts []scheduler.Option, nk int) [][]any {
	t.Helper()
	tbl, err := df.Compute(context.Background(), opts...)
	if err != nil {
		t.Fatalf("Compute: %v\n%s", err, df.Explain())
	}
	defer tbl.Release()
	rows := tableRows(t, tbl)
	if nk != 0 {
		if nk < 0 {
			nk = int(tbl.NumCols())
		}
		sortRows(rows, nk)
	}
	return rows
}

// sized is rows, or fewer under the modes whose 32 KiB memory limit is
// smaller than a result of that many rows.
func sized(m mode, rows int) int {
	if strings.Contains(m.name, "spill") {
		return rows / 8
	}
	return rows
}

// releaseAtEnd releases records when the test ends (before its checked
// allocator is asserted empty, whatever way the test ends).
func releaseAtEnd(t *testing.T, recs []arrow.Record) {
	t.Cleanup(func() {
		for _, r := range recs {
			r.Release()
		}
	})
}

var groupAggs = []Agg{
	Sum("i"), Sum("f"), Mean("j"), Min("s"), Max("f"), Count("g"), Len(), CountDistinct("s"),
	First("f"), Last("d"), Var("f", 1), Std("j", 0), Median("g"), Quantile("i", 0.25),
	Corr("i", "j"), Any("b"), All("b"), Min("ts"), Max("d"),
}

func TestGroupByDifferential(t *testing.T) {
	keysets := [][]string{{"j"}, {"s"}, {"b", "j"}, {"s", "d"}, {"f"}, {"i", "j", "s"}}
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(len(m.name))))
			for trial := range 12 {
				mem, opts := checked(t, m)
				recs := randomRecords(mem, r, 1+r.IntN(6), sized(m, 300))
				releaseAtEnd(t, recs)
				rows := rowsOf(t, recs...)
				keys := keysets[trial%len(keysets)]
				aggs := groupAggs
				if trial%2 == 1 {
					aggs = aggs[:4]
				}
				want := refGroupBy(t, testSchema, rows, keys, aggs)
				for _, st := range []GroupStrategy{GroupAuto, GroupTree, GroupShuffle} {
					df := FromRecords(recs...).GroupBy(keys...).Strategy(st).Agg(aggs...)
					got := computeRows(t, df, opts, len(keys))
					compareRows(t, fmt.Sprintf("trial %d, keys %v, %s", trial, keys, st), got, want)
				}
			}
		})
	}
}

// A hot key with half the rows, and a filter before the aggregation.
func TestGroupBySkewed(t *testing.T) {
	m := executionModes()[2]
	mem, opts := checked(t, m)
	r := rand.New(rand.NewPCG(5, 6))
	recs := randomRecords(mem, r, 5, 2000)
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	df := FromRecords(recs...).WithColumns(Col("i").Mod(Lit(int64(2))).Eq(Lit(int64(0))).As("hot"))
	rows := rowsOf(t, recs...)
	got := computeRows(t, df.GroupBy("hot").Agg(Len().As("n"), Sum("j")), opts, 1)
	var total int64
	for _, g := range got {
		total += g[1].(int64)
	}
	if total != int64(len(rows)) {
		t.Errorf("got %d rows counted, want %d", total, len(rows))
	}
}

func TestGroupByErrors(t *testing.T) {
	df := FromRecords(randomRecords(memory.DefaultAllocator, rand.New(rand.NewPCG(1, 1)), 1, 10)...)
	cases := []struct {
		name string
		f    *Frame
		want error
	}{
		{"unknown key", df.GroupBy("nope").Agg(Sum("i")), ErrColumn},
		{"unknown column", df.GroupBy("i").Agg(Sum("nope")), ErrColumn},
		{"sum of strings", df.GroupBy("i").Agg(Sum("s")), ErrType},
		{"mean of bools", df.GroupBy("i").Agg(Mean("b")), ErrType},
	}
	for _, c := range cases {
		if err := c.f.Err(); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	if err := df.GroupBy("i").Agg(Sum("j"), Sum("j")).Err(); err == nil {
		t.Error("two result columns of one name: no error")
	}
	if err := df.GroupBy().Agg(Sum("j")).Err(); err == nil {
		t.Error("no keys: no error")
	}
	if err := df.GroupBy("i", "i").Agg(Sum("j")).Err(); err == nil {
		t.Error("a key twice: no error")
	}
}

var _ = slices.Clone[[]int]

// An empty input gives no groups; keys that are all null form one group.
func TestGroupByEdgeCases(t *testing.T) {
	for _, m := range executionModes()[:3] {
		mem, opts := checked(t, m)
		empty := randomRecords(mem, rand.New(rand.NewPCG(1, 1)), 1, 0)
		releaseAtEnd(t, empty)
		got := computeRows(t, FromRecords(empty...).GroupBy("s").Agg(Sum("i"), Len()), opts, 1)
		if len(got) != 0 {
			t.Errorf("%s: empty input: got %d groups, want 0", m.name, len(got))
		}
		recs := randomRecords(mem, rand.New(rand.NewPCG(2, 2)), 3, 90)
		releaseAtEnd(t, recs)
		nulls := FromRecords(recs...).WithColumns(Lit(nil).Cast(arrow.PrimitiveTypes.Int64).As("nk"))
		got = computeRows(t, nulls.GroupBy("nk").Agg(Len()), opts, 1)
		if len(got) != 1 || got[0][0] != nil || got[0][1].(int64) != int64(len(rowsOf(t, recs...))) {
			t.Errorf("%s: all-null keys: got %v, want one null group of every row", m.name, got)
		}
		// nulls never match in a join
		j := computeRows(t, nulls.Join(nulls, Inner, "nk"), opts, 0)
		if len(j) != 0 {
			t.Errorf("%s: join on null keys: got %d rows, want 0", m.name, len(j))
		}
	}
}

// A partition with about one group per row passes its rows on raw; its
// rows merge with the partial aggregates of the other partitions.
func TestGroupByRawPartials(t *testing.T) {
	for _, m := range executionModes()[:3] {
		mem, opts := checked(t, m)
		schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int64}, {Name: "v", Type: arrow.PrimitiveTypes.Float64}}, nil)
		build := func(n int, key func(i int) int64) arrow.Record {
			b := array.NewRecordBuilder(mem, schema)
			defer b.Release()
			for i := range n {
				b.Field(0).(*array.Int64Builder).Append(key(i))
				b.Field(1).(*array.Float64Builder).Append(float64(i % 7))
			}
			return b.NewRecord()
		}
		recs := []arrow.Record{
			build(3*probeRows, func(i int) int64 { return int64(i % 150000) }), // raw
			build(3*probeRows, func(i int) int64 { return int64(i % 60000) }),  // a probe that looks raw, aggregated
			build(500, func(i int) int64 { return int64(i % 100) }),
		}
		releaseAtEnd(t, recs)
		want := map[int64][2]float64{}
		for _, r := range recs {
			for i := range int(r.NumRows()) {
				k := r.Column(0).(*array.Int64).Value(i)
				w := want[k]
				want[k] = [2]float64{w[0] + r.Column(1).(*array.Float64).Value(i), w[1] + 1}
			}
		}
		for _, st := range []GroupStrategy{GroupAuto, GroupTree, GroupShuffle} {
			got := computeRows(t, FromRecords(recs...).GroupBy("k").Strategy(st).Agg(Sum("v"), Len(), Max("v")), opts, 1)
			if len(got) != len(want) {
				t.Fatalf("%s %s: got %d groups, want %d", m.name, st, len(got), len(want))
			}
			for _, row := range got {
				w := want[row[0].(int64)]
				if row[1].(float64) != w[0] || row[2].(int64) != int64(w[1]) {
					t.Fatalf("%s %s: key %v: got sum %v len %v, want %v", m.name, st, row[0], row[1], row[2], w)
				}
			}
		}
	}
}

func TestGroupTopKDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(31, uint64(len(m.name))))
			for trial := range 6 {
				mem, opts := checked(t, m)
				recs := randomRecords(mem, r, 1+r.IntN(6), sized(m, 300))
				releaseAtEnd(t, recs)
				rows := rowsOf(t, recs...)
				keys := [][]string{{"j"}, {"s", "b"}}[trial%2]
				by := []SortKey{Desc("f"), Asc("i").WithNullsFirst()}
				k := 1 + r.IntN(3)
				// reference: per group, the first k rows in the order of by
				groups := map[string][][]any{}
				for _, row := range rows {
					kc := make([]any, len(keys))
					for i, c := range keys {
						ci, _ := columnIndex(testSchema, c)
						kc[i] = row[ci]
					}
					groups[keyOf(kc)] = append(groups[keyOf(kc)], row)
				}
				var want [][]any
				for _, g := range groups {
					sorted := refSort(testSchema, g, by)
					want = append(want, sorted[:min(k, len(sorted))]...)
				}
				got := computeRows(t, FromRecords(recs...).GroupBy(keys...).TopK(k, by...), opts, 0)
				compareRows(t, fmt.Sprintf("trial %d: top %d by %v per %v", trial, k, by, keys), sortAll(got), sortAll(want))
			}
		})
	}
}
