package frame

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/kernels"
)

// topKSchema has group key columns (g*) and order key columns (o*) of the
// types the slot algorithm codes (integers, floats) and of those it leaves
// to the row comparer (strings, bools, a column of nulls).
var topKSchema = arrow.NewSchema([]arrow.Field{
	{Name: "gi", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "gs", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "gf", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "o64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "of", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "of32", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "ou8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
	{Name: "os", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ob", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "nul", Type: arrow.Null, Nullable: true},
}, nil)

// randomTopKRecord returns n rows of topKSchema with keys drawn from about
// groups values and order values drawn from few, so that ties are common,
// with NaN, both zeros and the extremes; nulls in about one row in six of
// every column when nulls is set, none (and no validity bitmap) otherwise.
// With sliced set the record is a slice at an offset into a larger one.
func randomTopKRecord(mem memory.Allocator, r *rand.Rand, n, groups int, nulls, sliced bool) arrow.Record {
	pad := 0
	if sliced {
		pad = 1 + r.IntN(9)
	}
	b := array.NewRecordBuilder(mem, topKSchema)
	defer b.Release()
	null := func() bool { return nulls && r.IntN(6) == 0 }
	floats := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1, 2, -2.5}
	for range n + 2*pad {
		if null() {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(int64(r.IntN(groups)) - 3)
		}
		if null() {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("k%d", r.IntN(groups)))
		}
		if null() {
			b.Field(2).AppendNull()
		} else {
			b.Field(2).(*array.Float64Builder).Append(floats[r.IntN(min(groups, len(floats)))])
		}
		if null() {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.Int64Builder).Append([]int64{math.MinInt64, math.MaxInt64, -1, 0, 1, 2, 3}[r.IntN(7)])
		}
		if null() {
			b.Field(4).AppendNull()
		} else if r.IntN(3) == 0 {
			b.Field(4).(*array.Float64Builder).Append(floats[r.IntN(len(floats))])
		} else {
			b.Field(4).(*array.Float64Builder).Append(float64(r.IntN(9)-4) / 2)
		}
		if null() {
			b.Field(5).AppendNull()
		} else {
			b.Field(5).(*array.Float32Builder).Append(float32(floats[r.IntN(len(floats))]))
		}
		if null() {
			b.Field(6).AppendNull()
		} else {
			b.Field(6).(*array.Uint8Builder).Append([]uint8{0, 1, 7, 255}[r.IntN(4)])
		}
		if null() {
			b.Field(7).AppendNull()
		} else {
			b.Field(7).(*array.StringBuilder).Append(testWords[r.IntN(len(testWords))])
		}
		if null() {
			b.Field(8).AppendNull()
		} else {
			b.Field(8).(*array.BooleanBuilder).Append(r.IntN(2) == 0)
		}
		b.Field(9).AppendNull()
	}
	rec := b.NewRecord()
	if !sliced {
		return rec
	}
	defer rec.Release()
	return rec.NewSlice(int64(pad), int64(pad+n))
}

// groupedStable reorders the rows firstPerGroup keeps into the sort's
// output order: a stable sort by the group keys puts the groups in key
// order and leaves each group's rows in rank order.
func groupedStable(t *testing.T, rec arrow.Record, groupKeys []kernels.SortKey, idx []int32) []int32 {
	t.Helper()
	cmp, err := kernels.NewRowComparer(rec, rec, groupKeys)
	if err != nil {
		t.Fatal(err)
	}
	out := slices.Clone(idx)
	slices.SortStableFunc(out, func(a, b int32) int { return cmp.Compare(int(a), int(b)) })
	return out
}

// TestFirstPerGroupDifferential compares the slot algorithm with the sort it
// replaces, row for row: the same rows per group in the same order, ties on
// the order keys going to the earlier row, nulls and NaN placed as the sort
// places them, and the same records out with no memory leaked.
func TestFirstPerGroupDifferential(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(17, 4))
	groupSets := [][]string{{"gi"}, {"gs"}, {"gf"}, {"gi", "gs"}, {"gs", "gf", "gi"}}
	bySets := [][]SortKey{
		{Desc("o64")},
		{Asc("o64")},
		{Desc("of")},
		{Asc("of").WithNullsFirst()},
		{Asc("of32")},
		{Desc("ou8").WithNullsFirst()},
		{Desc("os")},
		{Asc("ob")},
		{},
		{Asc("nul"), Desc("of")},
		{Asc("of"), Desc("o64").WithNullsFirst()},
		{Desc("o64"), Asc("os").WithNullsFirst(), Desc("ob")},
	}
	coded := 0
	for trial := range 30 {
		n := r.IntN(300)
		if trial == 0 {
			n = 0
		}
		groups := []int{1, 3, 20, n + 1}[trial%4]
		nulls, sliced := trial%3 != 0, trial%5 == 1
		rec := randomTopKRecord(mem, r, n, groups, nulls, sliced)
		for _, gk := range groupSets {
			asc := make([]SortKey, len(gk))
			for i, c := range gk {
				asc[i] = Asc(c)
			}
			groupKeys, err := sortKeys(topKSchema, asc)
			if err != nil {
				t.Fatal(err)
			}
			for _, bys := range bySets {
				by, err := sortKeys(topKSchema, bys)
				if err != nil {
					t.Fatal(err)
				}
				for _, k := range []int{0, 1, 2, 5, maxSlotK + 1} {
					what := fmt.Sprintf("trial %d (%d rows, nulls %v, sliced %v): top %d by %v per %v", trial, n, nulls, sliced, k, bys, gk)
					want, err := sortFirstIndices(rec, groupKeys, by, k)
					if err != nil {
						t.Fatalf("%s: sort: %v", what, err)
					}
					got, ok, err := slotFirstIndices(rec, groupKeys, by, k)
					if err != nil {
						t.Fatalf("%s: slots: %v", what, err)
					}
					if ok != (k <= maxSlotK) {
						t.Fatalf("%s: slot algorithm used: got %v, want %v", what, ok, k <= maxSlotK)
					}
					if ok {
						if len(bys) == 1 && n > 0 && rec.Column(by[0].Col).NullN() == 0 && orderCoder(rec, by) != nil {
							coded++
						}
						if g := groupedStable(t, rec, groupKeys, got); !slices.Equal(g, want) {
							t.Fatalf("%s: got rows %v (in key order %v), want %v", what, got, g, want)
						}
					}
					checkFirstPerGroupRecord(t, mem, what, rec, groupKeys, by, k)
				}
			}
		}
		rec.Release()
	}
	if coded == 0 {
		t.Errorf("got no case on the coded path, want some")
	}
}

// checkFirstPerGroupRecord checks that firstPerGroup's record holds the rows
// of the sort-based one: sorted stably by the group keys, they are equal.
func checkFirstPerGroupRecord(t *testing.T, mem memory.Allocator, what string, rec arrow.Record, groupKeys, by []kernels.SortKey, k int) {
	t.Helper()
	got, err := firstPerGroup(mem, rec, groupKeys, by, k)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer got.Release()
	want, err := sortFirstPerGroup(mem, rec, groupKeys, by, k)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer want.Release()
	ordered, err := sortRecord(mem, got, groupKeys)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer ordered.Release()
	if !array.RecordApproxEqual(ordered, want, array.WithNaNsEqual(true), array.WithAbsTolerance(0)) {
		t.Fatalf("%s: got record\n%v\nwant\n%v", what, ordered, want)
	}
}

// A column of nulls as group key, a type the hash table does not take,
// falls back to the sort, which sees one group.
func TestFirstPerGroupFallback(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := randomTopKRecord(mem, rand.New(rand.NewPCG(1, 2)), 50, 5, true, false)
	defer rec.Release()
	groupKeys, err := sortKeys(topKSchema, []SortKey{Asc("nul")})
	if err != nil {
		t.Fatal(err)
	}
	by, err := sortKeys(topKSchema, []SortKey{Desc("o64")})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := slotFirstIndices(rec, groupKeys, by, 2); ok || err != nil {
		t.Fatalf("slot algorithm on a null-type key: got ok %v, err %v, want a fallback", ok, err)
	}
	got, err := firstPerGroup(mem, rec, groupKeys, by, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.NumRows() != 3 {
		t.Errorf("got %d rows, want 3 (one group)", got.NumRows())
	}
}

// BenchmarkFirstPerGroup is one partition of the db-benchmark's q8 (the two
// largest v3 per id6: 1e5 groups, here 25 rows each), kept by the slot
// algorithm and by the sort it replaces.
func BenchmarkFirstPerGroup(b *testing.B) {
	const n, groups = 2_500_000, 100_000
	mem := memory.NewGoAllocator()
	r := rand.New(rand.NewPCG(1, 1))
	ib := array.NewInt64Builder(mem)
	fb := array.NewFloat64Builder(mem)
	for range n {
		ib.Append(int64(r.IntN(groups)))
		fb.Append(math.Round(r.Float64()*1e8) / 1e6)
	}
	ids, vs := ib.NewArray(), fb.NewArray()
	ib.Release()
	fb.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "id6", Type: arrow.PrimitiveTypes.Int64}, {Name: "v3", Type: arrow.PrimitiveTypes.Float64}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{ids, vs}, n)
	ids.Release()
	vs.Release()
	defer rec.Release()
	groupKeys := []kernels.SortKey{{Col: 0}}
	by := []kernels.SortKey{{Col: 1, Desc: true}}
	for _, bc := range []struct {
		name string
		f    func(memory.Allocator, arrow.Record, []kernels.SortKey, []kernels.SortKey, int) (arrow.Record, error)
	}{{"slots", firstPerGroup}, {"sort", sortFirstPerGroup}} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				out, err := bc.f(mem, rec, groupKeys, by, 2)
				if err != nil {
					b.Fatal(err)
				}
				out.Release()
			}
		})
	}
}
