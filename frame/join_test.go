package frame

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// refJoin joins rows with a nested loop: null keys never match.
func refJoin(ls, rs *arrow.Schema, left, right [][]any, how JoinType, on []string) [][]any {
	lk := make([]int, len(on))
	rk := make([]int, len(on))
	for i, k := range on {
		lk[i], _ = columnIndex(ls, k)
		rk[i], _ = columnIndex(rs, k)
	}
	var rkeep []int
	for i, f := range rs.Fields() {
		if !slices.Contains(on, f.Name) {
			rkeep = append(rkeep, i)
		}
	}
	match := func(l, r []any) bool {
		for i := range lk {
			if l[lk[i]] == nil || r[rk[i]] == nil || l[lk[i]] != r[rk[i]] {
				return false
			}
		}
		return true
	}
	row := func(l, r []any) []any {
		out := make([]any, 0, len(ls.Fields())+len(rkeep))
		for c := range ls.Fields() {
			switch {
			case l != nil:
				out = append(out, l[c])
			case slices.Contains(lk, c) && r != nil:
				out = append(out, r[rk[slices.Index(lk, c)]])
			default:
				out = append(out, nil)
			}
		}
		if how == Semi || how == Anti {
			return out
		}
		for _, c := range rkeep {
			if r == nil {
				out = append(out, nil)
			} else {
				out = append(out, r[c])
			}
		}
		return out
	}
	var out [][]any
	used := make([]bool, len(right))
	for _, l := range left {
		matched := false
		for j, r := range right {
			if !match(l, r) {
				continue
			}
			matched = true
			used[j] = true
			if how != Semi && how != Anti {
				out = append(out, row(l, r))
			}
		}
		switch {
		case how == Semi && matched, how == Anti && !matched, !matched && (how == Left || how == Outer):
			out = append(out, row(l, nil))
		}
	}
	if how == Right || how == Outer {
		for j, r := range right {
			if !used[j] {
				out = append(out, row(nil, r))
			}
		}
	}
	return out
}

func sortAll(rows [][]any) [][]any {
	sort.SliceStable(rows, func(i, j int) bool { return keyOf(rows[i]) < keyOf(rows[j]) })
	return rows
}

func TestJoinDifferential(t *testing.T) {
	keysets := [][]string{{"j"}, {"s"}, {"j", "s"}, {"d"}}
	hows := []JoinType{Inner, Left, Right, Outer, Semi, Anti}
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(9, uint64(len(m.name))))
			for trial := range 8 {
				mem, opts := checked(t, m)
				lrecs := randomRecords(mem, r, 1+r.IntN(4), sized(m, 120))
				rrecs := randomRecords(mem, r, 1+r.IntN(3), sized(m, 60))
				releaseAtEnd(t, lrecs)
				releaseAtEnd(t, rrecs)
				left, right := rowsOf(t, lrecs...), rowsOf(t, rrecs...)
				on := keysets[trial%len(keysets)]
				for _, how := range hows {
					want := sortAll(refJoin(testSchema, testSchema, left, right, how, on))
					strategies := []JoinStrategy{JoinAuto, JoinShuffle}
					if how != Right && how != Outer {
						strategies = append(strategies, JoinBroadcast)
					}
					for _, st := range strategies {
						df := FromRecords(lrecs...).JoinWith(FromRecords(rrecs...), JoinOptions{How: how, Left: on, Right: on, Strategy: st})
						got := sortAll(computeRows(t, df, opts, 0))
						compareRows(t, fmt.Sprintf("trial %d: %s join on %v, strategy %d", trial, how, on, st), got, want)
					}
				}
			}
		})
	}
}

func TestJoinErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	df := FromRecords(randomRecords(memory.DefaultAllocator, r, 1, 10)...)
	other := FromRecords(randomRecords(memory.DefaultAllocator, r, 1, 10)...)
	cases := map[string]*Frame{
		"unknown key":      df.Join(other, Inner, "nope"),
		"no keys":          df.Join(other, Inner),
		"incompatible":     df.JoinWith(other, JoinOptions{Left: []string{"s"}, Right: []string{"i"}}),
		"broadcast outer":  df.JoinWith(other, JoinOptions{How: Outer, Left: []string{"i"}, Right: []string{"i"}, Strategy: JoinBroadcast}),
		"unequal key sets": df.JoinWith(other, JoinOptions{Left: []string{"i", "j"}, Right: []string{"i"}}),
	}
	for name, f := range cases {
		if f.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// integer keys of different widths join as int64
	if err := df.JoinWith(other, JoinOptions{Left: []string{"i"}, Right: []string{"j"}}).Err(); err != nil {
		t.Errorf("int64 with int32 keys: %v", err)
	}
}

// refSort sorts rows stably by keys: nulls last (first with NullsFirst),
// NaN after every number.
func refSort(s *arrow.Schema, rows [][]any, keys []SortKey) [][]any {
	out := slices.Clone(rows)
	sort.SliceStable(out, func(i, j int) bool {
		for _, k := range keys {
			c, _ := columnIndex(s, k.Col)
			a, b := out[i][c], out[j][c]
			switch {
			case a == nil && b == nil:
				continue
			case a == nil:
				return k.NullsFirst
			case b == nil:
				return !k.NullsFirst
			}
			cmp := compareAgg(a, b)
			if cmp == 0 {
				continue
			}
			if k.Desc {
				return cmp > 0
			}
			return cmp < 0
		}
		return false
	})
	return out
}

func TestSortDifferential(t *testing.T) {
	keysets := [][]SortKey{{Asc("i")}, {Desc("f")}, {Asc("s").WithNullsFirst(), Desc("j")}, {Asc("b"), Asc("d"), Desc("ts").WithNullsFirst()}}
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(13, uint64(len(m.name))))
			for trial := range 8 {
				mem, opts := checked(t, m)
				recs := randomRecords(mem, r, 1+r.IntN(7), sized(m, 400))
				releaseAtEnd(t, recs)
				rows := rowsOf(t, recs...)
				keys := keysets[trial%len(keysets)]
				want := refSort(testSchema, rows, keys)
				df := FromRecords(recs...)
				got := computeRows(t, df.Sort(keys...), opts, 0)
				compareRows(t, fmt.Sprintf("trial %d: sort by %v", trial, keys), got, want)
				k := r.IntN(20)
				got = computeRows(t, df.Sort(keys...).Head(int64(k)), opts, 0)
				compareRows(t, fmt.Sprintf("trial %d: head %d of sort by %v", trial, k, keys), got, want[:min(k, len(want))])
			}
		})
	}
}

func TestDistinctAndValueCounts(t *testing.T) {
	m := executionModes()[1]
	mem, opts := checked(t, m)
	r := rand.New(rand.NewPCG(21, 22))
	recs := randomRecords(mem, r, 4, 500)
	defer func() {
		for _, rec := range recs {
			rec.Release()
		}
	}()
	rows := rowsOf(t, recs...)
	df := FromRecords(recs...)
	want := refGroupBy(t, testSchema, rows, []string{"j", "b"}, nil)
	compareRows(t, "distinct j, b", computeRows(t, df.Distinct("j", "b"), opts, 2), want)
	vc := computeRows(t, df.ValueCounts("s"), opts, 0)
	counts := refGroupBy(t, testSchema, rows, []string{"s"}, []Agg{Len()})
	if len(vc) != len(counts) {
		t.Fatalf("value counts: got %d rows, want %d", len(vc), len(counts))
	}
	for i := 1; i < len(vc); i++ {
		if vc[i][1].(int64) > vc[i-1][1].(int64) {
			t.Errorf("value counts not in descending order: %v then %v", vc[i-1], vc[i])
		}
	}
}
