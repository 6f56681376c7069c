package frame

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/dusk-go/dusk/internal/hashtable"
	"github.com/dusk-go/dusk/internal/sketch"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

// asRaw returns rec as a raw partial of p (what partialOf passes on for a
// partition of about one group per row).
func asRaw(t *testing.T, p *aggPlan, rec arrow.Record) arrow.Record {
	t.Helper()
	hashes := make([]uint64, rec.NumRows())
	if err := hashtable.HashRows(columnsAt(rec, p.keyIdx), hashes); err != nil {
		t.Fatal(err)
	}
	h := sketch.NewHLL(hllPrecision)
	h.AddAll(hashes)
	raw, err := p.raw(rec, h, hashes)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestMergeRawDifferential: merging raw records by their hashes gives the
// groups and values of the general merge, for every key type the raw merge
// takes (nulls, repeated keys within and across records, sliced columns),
// and the key types it does not take fall back to the general merge.
func TestMergeRawDifferential(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewPCG(5, 9))
	keysets := [][]string{{"s"}, {"i", "s"}, {"j", "b", "d"}, {"ts", "s", "b"}, {"s", "j"}, {"f", "s"}, {"b"}}
	aggs := []Agg{Sum("i"), Mean("f"), Len(), Min("s"), Max("d"), Count("f"), CountDistinct("j"), Median("g"), Any("b")}
	for trial := range 28 {
		keys := keysets[trial%len(keysets)]
		recs := randomRecords(mem, r, 1+r.IntN(5), 50+r.IntN(3000))
		for i, rec := range recs {
			if rec.NumRows() > 2 && r.IntN(2) == 0 { // columns at an offset
				s := rec.NewSlice(1, rec.NumRows()-1)
				rec.Release()
				recs[i] = s
			}
		}
		f := FromRecords(recs...).GroupBy(keys...).Agg(aggs...)
		if f.err != nil {
			t.Fatal(f.err)
		}
		p, err := newAggPlan(f.plan.(*aggregateNode))
		if err != nil {
			t.Fatal(err)
		}
		raws := make([]arrow.Record, len(recs))
		for i, rec := range recs {
			raws[i] = asRaw(t, p, rec)
		}
		want, err := mergeGrouped(p, mem, raws, true)
		if err != nil {
			t.Fatal(err)
		}
		got, err := mergePartials(p, mem, raws, true)
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("trial %d by %v", trial, keys)
		if fast := rawMergeable(p, raws); fast == (keys[0] == "f") {
			t.Errorf("%s: raw merge taken %v", what, fast)
		}
		if !arrow.TypeEqual(got.Schema().Field(0).Type, want.Schema().Field(0).Type) || got.NumCols() != want.NumCols() {
			t.Fatalf("%s: got schema %v, want %v", what, got.Schema(), want.Schema())
		}
		compareRows(t, what, sortAll(rowsOf(t, got)), sortAll(rowsOf(t, want)))
		for _, x := range append(append(raws, recs...), got, want) {
			x.Release()
		}
	}
}

// TestGroupByAllRaw: partitions that are each about one group per row
// pass on raw rows only, which merge by their hashes, under every mode
// (spilled raw rows keep their hashes).
func TestGroupByAllRaw(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "k", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "v", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	for _, m := range executionModes() {
		if raceEnabled && !strings.HasPrefix(m.name, "parallel-4") {
			continue // the race detector makes each mode take 20 s
		}
		t.Run(m.name, func(t *testing.T) {
			mem, opts := checked(t, m)
			if strings.Contains(m.name, "spill") {
				// A limit that a raw partition (4.4 MiB) fits under, so
				// that the raw rows and their pieces spill and come back.
				opts = append(opts, scheduler.WithSpill(spill.Config{
					Limit: 6 << 20,
					Store: func() (spill.Store, error) { return spill.NewMemStore(), nil },
				}))
			}
			rows := 2*probeRows + 5000
			build := func(seed int) arrow.Record {
				b := array.NewRecordBuilder(mem, schema)
				defer b.Release()
				for i := range rows {
					x := (i*7 + seed) % (rows + rows/4) // keys repeat across partitions, some within
					if x%1000 == 3 {
						b.Field(0).AppendNull()
					} else {
						b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("key-%d", x/3))
					}
					if x%777 == 5 {
						b.Field(1).AppendNull()
					} else {
						b.Field(1).(*array.Int32Builder).Append(int32(x % 3))
					}
					b.Field(2).(*array.Int64Builder).Append(int64(i % 11))
				}
				return b.NewRecord()
			}
			recs := []arrow.Record{build(0), build(rows / 3), build(1)}
			releaseAtEnd(t, recs)
			want := map[string][2]int64{}
			for _, rec := range recs {
				s, k, v := rec.Column(0).(*array.String), rec.Column(1).(*array.Int32), rec.Column(2).(*array.Int64)
				for i := range int(rec.NumRows()) {
					key := fmt.Sprintf("%v|%v", s.IsNull(i), k.IsNull(i))
					if !s.IsNull(i) {
						key += s.Value(i)
					}
					if !k.IsNull(i) {
						key += fmt.Sprint("|", k.Value(i))
					}
					w := want[key]
					want[key] = [2]int64{w[0] + v.Value(i), w[1] + 1}
				}
			}
			got := computeRows(t, FromRecords(recs...).GroupBy("s", "k").Agg(Sum("v"), Len()), opts, 2)
			if len(got) != len(want) {
				t.Fatalf("got %d groups, want %d", len(got), len(want))
			}
			for _, row := range got {
				key := fmt.Sprintf("%v|%v", row[0] == nil, row[1] == nil)
				if row[0] != nil {
					key += row[0].(string)
				}
				if row[1] != nil {
					key += fmt.Sprint("|", row[1])
				}
				w, ok := want[key]
				if !ok || row[2].(int64) != w[0] || row[3].(int64) != w[1] {
					t.Fatalf("group %v: got sum %v, len %v; want %v (present %v)", row[:2], row[2], row[3], w, ok)
				}
			}
		})
	}
}
