package hashtable

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// check inserts batches into a table and the reference, compares the ids,
// then probes with lookups and checks the Keys round trip. It returns the
// table's final mode.
func check(t *testing.T, mem memory.Allocator, r *rand.Rand, cfgs []colCfg, nullsEqual bool, batches int, rows func() int) mode {
	t.Helper()
	types := make([]arrow.DataType, len(cfgs))
	for c, cfg := range cfgs {
		types[c] = cfg.dt
	}
	tab, err := New(types, nullsEqual)
	if err != nil {
		t.Fatal(err)
	}
	rf := newRef(nullsEqual)
	first := map[int32]string{} // id -> rendering of its first row
	gen := func() []arrow.Array {
		n := rows()
		off := 0
		if r.Intn(2) == 0 {
			off = r.Intn(70)
		}
		cols := make([]arrow.Array, len(cfgs))
		for c, cfg := range cfgs {
			cols[c] = genColumn(mem, r, cfg, n, off)
		}
		return cols
	}
	// A reservation (Reserve), at the start or between batches, must not
	// change an id.
	reserve := func() {
		if r.Intn(3) == 0 {
			tab.Reserve(r.Intn(20000))
		}
	}
	reserve()
	for b := range batches {
		reserve()
		cols := gen()
		want := rf.ids(cols, true)
		got := make([]int32, len(want)+1)
		if err := tab.Insert(cols, got); err != nil {
			t.Fatal(err)
		}
		keys, _ := rowKeys(cols)
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("batch %d row %d (%s): got %v, want %v", b, i, keys[i], got[i], want[i])
			}
			if _, ok := first[want[i]]; !ok && want[i] >= 0 {
				first[want[i]] = keys[i]
			}
		}
		release(cols)
		if got, want := tab.Len(), len(rf.m); got != want {
			t.Fatalf("batch %d: Len got %v, want %v", b, got, want)
		}
	}
	// lookups: fresh draws, a wider domain, so some keys are absent
	for range 2 {
		for c := range cfgs {
			cfgs[c].domain += cfgs[c].domain/2 + 1
		}
		cols := gen()
		want := rf.ids(cols, false)
		got := make([]int32, len(want))
		if err := tab.Lookup(cols, got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			for i := range want {
				if got[i] != want[i] {
					keys, _ := rowKeys(cols)
					t.Fatalf("lookup row %d (%s): got %v, want %v", i, keys[i], got[i], want[i])
				}
			}
		}
		release(cols)
	}
	ks, err := tab.Keys(mem)
	if err != nil {
		t.Fatal(err)
	}
	defer release(ks)
	if len(ks) != len(cfgs) {
		t.Fatalf("got %v key columns, want %v", len(ks), len(cfgs))
	}
	for _, k := range ks {
		if k.Len() != tab.Len() {
			t.Fatalf("got %v keys, want %v", k.Len(), tab.Len())
		}
	}
	enc, _ := rowKeys(ks)
	for id, k := range enc {
		if k != first[int32(id)] {
			t.Fatalf("key %d: got %v, want %v", id, k, first[int32(id)])
		}
	}
	return tab.mode
}

func TestEveryTypeAlone(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(1))
	for _, dt := range allTypes {
		for _, ne := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/nullsEqual=%v", dt, ne), func(t *testing.T) {
				cfg := colCfg{dt: dt, domain: 300, nullP: 0.1, base: -150, dictNu: true}
				check(t, mem, r, []colCfg{cfg}, ne, 4, func() int { return r.Intn(5000) })
			})
		}
	}
}

func TestEveryTypeWithInt(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(2))
	for _, dt := range allTypes {
		for _, ne := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/nullsEqual=%v", dt, ne), func(t *testing.T) {
				cfgs := []colCfg{
					{dt: arrow.PrimitiveTypes.Int32, domain: 20, nullP: 0.05, base: -3},
					{dt: dt, domain: 50, nullP: 0.1, base: 7},
				}
				check(t, mem, r, cfgs, ne, 3, func() int { return r.Intn(3000) })
			})
		}
	}
}

// TestRandomKeys mixes 1 to 6 columns of random types, domains, null
// rates, skew and ranges that move between batches.
func TestRandomKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(3))
	seen := map[mode]int{}
	trials := 150
	if testing.Short() || raceEnabled {
		trials = 50
	}
	for trial := range trials {
		k := 1 + r.Intn(6)
		cfgs := make([]colCfg, k)
		for c := range cfgs {
			cfgs[c] = colCfg{
				dt:     allTypes[r.Intn(len(allTypes))],
				domain: 1 + r.Intn([]int{3, 30, 1000}[r.Intn(3)]),
				nullP:  []float64{0, 0, 0.02, 0.3}[r.Intn(4)],
				hot:    r.Intn(4) == 0,
				wide:   r.Intn(8) == 0,
				base:   int64(r.Intn(2000) - 1000),
				dictNu: r.Intn(2) == 0,
			}
		}
		ne := r.Intn(2) == 0
		batches := 1 + r.Intn(5)
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			// move the integer ranges between batches to force relayouts
			rows := func() int {
				for c := range cfgs {
					cfgs[c].base += int64(r.Intn(3000) - 1500)
				}
				return r.Intn(6000)
			}
			seen[check(t, mem, r, cfgs, ne, batches, rows)]++
		})
	}
	for _, m := range []mode{modeDirect, modeString, modePacked, modeWide} {
		if seen[m] == 0 && !testing.Short() {
			t.Errorf("mode %d: got %v tables, want some", m, seen[m])
		}
	}
}

// TestRelayout grows packed ranges in both directions until the keys no
// longer fit in 64 bits.
func TestRelayout(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(4))
	cfgs := []colCfg{
		{dt: arrow.PrimitiveTypes.Int64, domain: 50, nullP: 0.05},
		{dt: arrow.PrimitiveTypes.Uint32, domain: 50, nullP: 0.05},
		{dt: arrow.BinaryTypes.String, domain: 50},
	}
	step := 0
	rows := func() int {
		step++
		cfgs[0].base = int64(1) << min(step*3, 62) * int64(1-2*(step%2))
		cfgs[1].base = int64(step) * 1000
		cfgs[2].domain += 500
		return 3000
	}
	if got, want := check(t, mem, r, cfgs, true, 22, rows), modeWide; got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestFloatKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	nan := func(payload uint64) float64 { return math.Float64frombits(0x7ff8000000000000 | payload) }
	b.AppendValues([]float64{0, math.Copysign(0, -1), nan(1), nan(2), 1.5, 0}, nil)
	b.AppendNull()
	a := b.NewArray()
	defer a.Release()
	for _, dt := range []arrow.DataType{nil, arrow.PrimitiveTypes.Int8} {
		cols := []arrow.Array{a}
		types := []arrow.DataType{a.DataType()}
		if dt != nil {
			// a second, constant column moves the table to the packed mode
			ib := array.NewInt8Builder(mem)
			for range a.Len() {
				ib.Append(3)
			}
			c := ib.NewArray()
			ib.Release()
			defer c.Release()
			cols = append(cols, c)
			types = append(types, dt)
		}
		tab, err := New(types, true)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int32, a.Len())
		if err := tab.Insert(cols, ids); err != nil {
			t.Fatal(err)
		}
		if want := []int32{0, 0, 1, 1, 2, 0, 3}; !slices.Equal(ids, want) {
			t.Errorf("got %v, want %v", ids, want)
		}
	}
}

// TestDictionaries feeds batches whose dictionaries differ: the same
// string gets the same id whatever its index, and plain strings agree.
func TestDictionaries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}
	mk := func(dict []string, idx []int16) arrow.Array {
		sb := array.NewStringBuilder(mem)
		defer sb.Release()
		sb.AppendValues(dict, nil)
		d := sb.NewArray()
		defer d.Release()
		ib := array.NewInt16Builder(mem)
		defer ib.Release()
		ib.AppendValues(idx, nil)
		i := ib.NewArray()
		defer i.Release()
		return array.NewDictionaryArray(dt, i, d)
	}
	for _, k := range []int{1, 2} {
		tab, err := New(slices.Repeat([]arrow.DataType{dt}, k), true)
		if err != nil {
			t.Fatal(err)
		}
		batches := []arrow.Array{
			mk([]string{"a", "b", "c"}, []int16{0, 1, 2, 1}),
			mk([]string{"c", "x", "a"}, []int16{2, 0, 1}),
			mk([]string{"b", "a"}, []int16{1, 0}),
		}
		wants := [][]int32{{0, 1, 2, 1}, {0, 2, 3}, {0, 1}}
		for i, a := range batches {
			ids := make([]int32, a.Len())
			if err := tab.Insert(slices.Repeat([]arrow.Array{a}, k), ids); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, wants[i]) {
				t.Errorf("k=%d batch %d: got %v, want %v", k, i, ids, wants[i])
			}
			a.Release()
		}
		ks, err := tab.Keys(mem)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(ks[0]), `["a" "b" "c" "x"]`; got != want {
			t.Errorf("got %v, want %v", got, want)
		}
		release(ks)
	}
}

func TestLookupBasics(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	mk := func(vals []int64, valid []bool) arrow.Array {
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(vals, valid)
		return b.NewArray()
	}
	build := mk([]int64{5, 7, 0, 5}, []bool{true, true, false, true})
	probe := mk([]int64{7, 8, 0, 5}, []bool{true, true, false, true})
	defer build.Release()
	defer probe.Release()
	for _, tc := range []struct {
		nullsEqual bool
		insert     []int32
		lookup     []int32
	}{
		{true, []int32{0, 1, 2, 0}, []int32{1, -1, 2, 0}},
		{false, []int32{0, 1, -1, 0}, []int32{1, -1, -1, 0}},
	} {
		tab, _ := New([]arrow.DataType{arrow.PrimitiveTypes.Int64}, tc.nullsEqual)
		ids := make([]int32, 4)
		if err := tab.Lookup([]arrow.Array{probe}, ids); err != nil {
			t.Fatal(err)
		}
		if want := []int32{-1, -1, -1, -1}; !slices.Equal(ids, want) {
			t.Errorf("empty table: got %v, want %v", ids, want)
		}
		if err := tab.Insert([]arrow.Array{build}, ids); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, tc.insert) {
			t.Errorf("insert: got %v, want %v", ids, tc.insert)
		}
		if err := tab.Lookup([]arrow.Array{probe}, ids); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, tc.lookup) {
			t.Errorf("lookup: got %v, want %v", ids, tc.lookup)
		}
	}
}

func TestErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if _, err := New(nil, true); err == nil {
		t.Errorf("no columns: got %v, want an error", err)
	}
	if _, err := New([]arrow.DataType{arrow.FixedWidthTypes.Float16}, true); err == nil {
		t.Errorf("float16: got %v, want an error", err)
	}
	bad := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.PrimitiveTypes.Int64}
	if _, err := New([]arrow.DataType{bad}, true); err == nil {
		t.Errorf("dictionary of int64: got %v, want an error", err)
	}
	tab, _ := New([]arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int64}, true)
	a := genColumn(mem, rand.New(rand.NewSource(1)), colCfg{dt: arrow.PrimitiveTypes.Int64, domain: 9}, 10, 0)
	defer a.Release()
	s := array.NewSlice(a, 0, 5)
	defer s.Release()
	f := genColumn(mem, rand.New(rand.NewSource(1)), colCfg{dt: arrow.PrimitiveTypes.Int32, domain: 9}, 10, 0)
	defer f.Release()
	ids := make([]int32, 10)
	for name, cols := range map[string][]arrow.Array{
		"one column": {a}, "lengths": {a, s}, "type": {a, f}, "nil": {a, nil},
	} {
		if err := tab.Insert(cols, ids); err == nil {
			t.Errorf("%s: got %v, want an error", name, err)
		}
		if err := tab.Lookup(cols, ids); err == nil {
			t.Errorf("%s lookup: got %v, want an error", name, err)
		}
	}
	if err := tab.Insert([]arrow.Array{a, a}, ids[:9]); err == nil {
		t.Errorf("short ids: got %v, want an error", err)
	}
	if got, want := tab.Len(), 0; got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestGrowth inserts 1e6 distinct keys in batches, in every mode, and
// checks the ids and Lookup against the row number.
func TestGrowth(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cases := map[string][]arrow.DataType{
		"direct": {arrow.PrimitiveTypes.Int64},
		"string": {arrow.BinaryTypes.String},
		"packed": {arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int32},
		"wide":   {arrow.PrimitiveTypes.Uint64, arrow.PrimitiveTypes.Int64},
	}
	for name, types := range cases {
		t.Run(name, func(t *testing.T) {
			tab, err := New(types, true)
			if err != nil {
				t.Fatal(err)
			}
			const batch = 100_000
			ids := make([]int32, batch)
			for s := 0; s < n; s += batch {
				cols := make([]arrow.Array, len(types))
				for c, dt := range types {
					b := array.NewBuilder(mem, dt)
					for i := s; i < s+batch; i++ {
						v := i
						if c == 1 {
							v = i / 1000
						}
						if sb, ok := b.(*array.StringBuilder); ok {
							sb.Append(fmt.Sprint("k", v))
						} else {
							appendDraw(b, colCfg{dt: dt, wide: name == "wide"}, v)
						}
					}
					cols[c] = b.NewArray()
					b.Release()
				}
				for _, insert := range []bool{true, false} {
					fn := tab.Lookup
					if insert {
						fn = tab.Insert
					}
					if err := fn(cols, ids); err != nil {
						t.Fatal(err)
					}
					for i, id := range ids {
						if id != int32(s+i) {
							t.Fatalf("row %d (insert %v): got %v, want %v", s+i, insert, id, s+i)
						}
					}
				}
				release(cols)
			}
			if got, want := tab.Len(), n; got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}
