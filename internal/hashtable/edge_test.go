package hashtable

import (
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// TestAllNullColumn packs two columns of which the second holds only
// nulls at first: its field has no bits until a value arrives.
func TestAllNullColumn(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	mk := func(vals []int64, valid []bool) arrow.Array {
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(vals, valid)
		return b.NewArray()
	}
	a := mk([]int64{1, 2, 1}, nil)
	nulls := mk([]int64{0, 0, 0}, []bool{false, false, false})
	vals := mk([]int64{5, 0, 5}, []bool{true, false, true})
	defer release([]arrow.Array{a, nulls, vals})
	for _, ne := range []bool{true, false} {
		tab, _ := New([]arrow.DataType{a.DataType(), a.DataType()}, ne)
		ids := make([]int32, 3)
		steps := []struct {
			insert bool
			col    arrow.Array
			want   []int32
		}{
			{true, nulls, []int32{0, 1, 0}},
			{false, vals, []int32{-1, 1, -1}},
			{true, vals, []int32{2, 1, 2}},
			{false, nulls, []int32{0, 1, 0}},
		}
		if !ne {
			steps[0].want = []int32{-1, -1, -1}
			steps[1].want = []int32{-1, -1, -1}
			steps[2].want = []int32{0, -1, 0}
			steps[3].want = []int32{-1, -1, -1}
		}
		for i, s := range steps {
			fn := tab.Lookup
			if s.insert {
				fn = tab.Insert
			}
			if err := fn([]arrow.Array{a, s.col}, ids); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, s.want) {
				t.Errorf("nullsEqual=%v step %d: got %v, want %v", ne, i, ids, s.want)
			}
		}
	}
}

func TestDictionaryTypeMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(1))
	str := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	large := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.LargeString}
	narrow := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	tab, _ := New([]arrow.DataType{str}, true)
	ids := make([]int32, 20)
	l := genColumn(mem, r, colCfg{dt: large, domain: 5}, 20, 0)
	defer l.Release()
	if err := tab.Insert([]arrow.Array{l}, ids); err == nil {
		t.Errorf("large_string values: got %v, want an error", err)
	}
	// another index type is fine
	n := genColumn(mem, r, colCfg{dt: narrow, domain: 5}, 20, 0)
	defer n.Release()
	if err := tab.Insert([]arrow.Array{n}, ids); err != nil {
		t.Errorf("int8 indices: got %v, want no error", err)
	}
	i64 := genColumn(mem, r, colCfg{dt: arrow.PrimitiveTypes.Int64, domain: 5}, 20, 0)
	defer i64.Release()
	if err := tab.Insert([]arrow.Array{i64}, ids); err == nil {
		t.Errorf("int64: got %v, want an error", err)
	}
}

// TestPlainAndDictionary feeds the same strings plain and
// dictionary-encoded to string and dictionary tables: the ids agree, so
// the keys a table returns can go back into a table of the same types.
func TestPlainAndDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	r := rand.New(rand.NewSource(4))
	dict := genColumn(mem, r, colCfg{dt: dt, domain: 40, nullP: 0.1}, 500, 0)
	defer dict.Release()
	// the same rows, plain
	b := array.NewStringBuilder(mem)
	for i := range dict.Len() {
		if k := encodeRow(dict, i); k == "N" {
			b.AppendNull()
		} else {
			d := dict.(*array.Dictionary)
			b.Append(d.Dictionary().(*array.String).Value(d.GetValueIndex(i)))
		}
	}
	plain := b.NewArray()
	b.Release()
	defer plain.Release()
	ints := genColumn(mem, r, colCfg{dt: arrow.PrimitiveTypes.Int8, domain: 3}, 500, 0)
	defer ints.Release()
	want := newRef(true).ids([]arrow.Array{dict, ints}, true)
	for _, types := range [][]arrow.DataType{{dt, ints.DataType()}, {plain.DataType(), ints.DataType()}} {
		for _, first := range []arrow.Array{dict, plain} {
			tab, _ := New(types, true)
			ids := make([]int32, 500)
			for _, a := range []arrow.Array{first, dict, plain} {
				if err := tab.Insert([]arrow.Array{a, ints}, ids); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(ids, want) {
					t.Errorf("%v table, %v rows: got other ids", types[0], a.DataType())
				}
			}
			ks, _ := tab.Keys(mem)
			if err := tab.Lookup(ks, ids[:tab.Len()]); err != nil {
				t.Fatal(err)
			}
			for id := range tab.Len() {
				if ids[id] != int32(id) {
					t.Errorf("key %d: got %v, want %v", id, ids[id], id)
				}
			}
			release(ks)
		}
	}
}

// TestConcurrentReaders runs tables and HashRows in parallel over the
// same arrays, dictionaries included; the race detector checks that
// reading them touches no shared state.
func TestConcurrentReaders(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(9))
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}
	cols := []arrow.Array{
		genColumn(mem, r, colCfg{dt: dt, domain: 50, nullP: 0.1}, 5000, 3),
		genColumn(mem, r, colCfg{dt: arrow.BinaryTypes.String, domain: 50, nullP: 0.1}, 5000, 0),
		genColumn(mem, r, colCfg{dt: arrow.PrimitiveTypes.Int64, domain: 50, nullP: 0.1}, 5000, 0),
	}
	defer release(cols)
	want := newRef(true).ids(cols, true)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tab, err := New([]arrow.DataType{dt, cols[1].DataType(), cols[2].DataType()}, true)
			if err != nil {
				errs[g] = err
				return
			}
			ids := make([]int32, 5000)
			if err := tab.Insert(cols, ids); err != nil {
				errs[g] = err
				return
			}
			if !slices.Equal(ids, want) {
				errs[g] = fmt.Errorf("goroutine %d: got other ids", g)
				return
			}
			errs[g] = HashRows(cols, make([]uint64, 5000))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestIndexTransitions moves a one-column table from hashed slots to a
// dense array and back as its key range and count change.
func TestIndexTransitions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tab, _ := New([]arrow.DataType{arrow.PrimitiveTypes.Int64}, true)
	rf := newRef(true)
	var kinds []string
	step := func(vals []int64) {
		t.Helper()
		b := array.NewInt64Builder(mem)
		b.AppendValues(vals, nil)
		a := b.NewArray()
		b.Release()
		defer a.Release()
		ids := make([]int32, len(vals))
		if err := tab.Insert([]arrow.Array{a}, ids); err != nil {
			t.Fatal(err)
		}
		if want := rf.ids([]arrow.Array{a}, true); !slices.Equal(ids, want) {
			t.Fatalf("got %v, want %v", ids[:5], want[:5])
		}
		kind := "hashed"
		if tab.dense != nil {
			kind = "dense"
		}
		if len(kinds) == 0 || kinds[len(kinds)-1] != kind {
			kinds = append(kinds, kind)
		}
	}
	step([]int64{0, 1 << 19, 5})               // range 2^19 for 3 keys: hashed
	for s := int64(0); s < 60_000; s += 5000 { // keys fill in: dense
		vals := make([]int64, 5000)
		for i := range vals {
			vals[i] = s + int64(i)
		}
		step(vals)
	}
	step([]int64{1 << 40, 7}) // range too wide again: hashed
	if want := []string{"hashed", "dense", "hashed"}; !slices.Equal(kinds, want) {
		t.Errorf("got %v, want %v", kinds, want)
	}
}

// TestEmpty feeds empty arrays of every type and reads the keys of an
// empty table.
func TestEmpty(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(1))
	for _, dt := range allTypes {
		a := genColumn(mem, r, colCfg{dt: dt, domain: 3}, 0, 0)
		tab, err := New([]arrow.DataType{dt, dt}, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range []func([]arrow.Array, []int32) error{tab.Insert, tab.Lookup} {
			if err := fn([]arrow.Array{a, a}, nil); err != nil {
				t.Errorf("%v: got %v, want no error", dt, err)
			}
		}
		if err := HashRows([]arrow.Array{a}, nil); err != nil {
			t.Errorf("%v: got %v, want no error", dt, err)
		}
		ks, err := tab.Keys(mem)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range ks {
			if got, want := k.Len(), 0; got != want {
				t.Errorf("%v: got %v, want %v", dt, got, want)
			}
		}
		release(ks)
		a.Release()
	}
}
