package kernels

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// sortTypes are the key column types of the sort tests; dictType, decType
// and arrow.Null are built by keyColumn itself.
var sortTypes = append(append(append([]arrow.DataType{}, numericTypes...), stringTypes...),
	arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64,
	arrow.BinaryTypes.Binary, tsTypes[3], tsTypes[5], dictType, dictType, decType, arrow.Null,
	arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String)

// keyValue is a random value of dt, biased toward the cases sorting must get
// right: NaN, ±0 and ±Inf, text with long common prefixes or a trailing NUL.
func (g *gen) keyValue(dt arrow.DataType) any {
	v := g.value(dt)
	switch x := v.(type) {
	case float64:
		if g.chance(30) {
			return pick(g, math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), -math.NaN())
		}
	case float32:
		if g.chance(30) {
			return float32(pick(g, math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), -math.NaN()))
		}
	case string:
		if g.chance(30) {
			x = "a common prefix of twenty-odd bytes/" + x
		}
		if g.chance(20) {
			x += "\x00"
		}
		return x
	}
	return v
}

// keyColumn builds n rows of dt drawn from a pool of few (often) or many
// values, so that duplicates test stability, with pctNull% nulls; it is
// often a slice.
func (g *gen) keyColumn(mem memory.Allocator, dt arrow.DataType, n, pctNull int) arrow.Array {
	pre := pick(g, 0, 0, 5, 70)
	pool := make([]any, pick(g, 1, 3, 10, 1000))
	switch dt.ID() {
	case arrow.NULL:
		return array.NewNull(n)
	case arrow.DECIMAL128:
		b := array.NewDecimal128Builder(mem, decType)
		defer b.Release()
		for i := range pool {
			pool[i] = decimal128.New(int64(g.intn(5))-2, uint64(g.intn(5)))
		}
		for range n {
			if g.chance(pctNull) {
				b.AppendNull()
			} else {
				b.Append(pick(g, pool...).(decimal128.Num))
			}
		}
		return b.NewArray()
	case arrow.DICTIONARY:
		// A dictionary with repeated and null entries, not only what a
		// builder makes.
		words := g.keyColumn(mem, arrow.BinaryTypes.String, 1+g.intn(6), pick(g, 0, 0, 20))
		defer words.Release()
		ib := array.NewInt16Builder(mem)
		defer ib.Release()
		for range pre + n {
			if g.chance(pctNull) {
				ib.AppendNull()
			} else {
				ib.Append(int16(g.intn(words.Len())))
			}
		}
		ix := ib.NewArray()
		defer ix.Release()
		full := array.NewDictionaryArray(dictType, ix, words)
		defer full.Release()
		return array.NewSlice(full, int64(pre), int64(pre+n))
	}
	for i := range pool {
		pool[i] = g.keyValue(dt)
	}
	rows := make([]any, pre+n)
	for i := range rows {
		if !g.chance(pctNull) {
			rows[i] = pick(g, pool...)
		}
	}
	full := buildArray(mem, dt, rows)
	defer full.Release()
	return array.NewSlice(full, int64(pre), int64(pre+n))
}

// keyRows reads a key column as Go values, dictionaries decoded.
func keyRows(a arrow.Array) []any {
	switch a := a.(type) {
	case *array.Null:
		return make([]any, a.Len())
	case *array.Dictionary:
		words := rowsOf(a.Dictionary())
		rows := make([]any, a.Len())
		for i := range rows {
			if a.IsValid(i) {
				rows[i] = words[a.GetValueIndex(i)]
			}
		}
		return rows
	case *array.Decimal128:
		rows := make([]any, a.Len())
		for i := range rows {
			if a.IsValid(i) {
				rows[i] = a.Value(i)
			}
		}
		return rows
	}
	return rowsOf(a)
}

// refCmp is the straightforward order of two non-null values.
func refCmp(a, b any) int {
	switch x := a.(type) {
	case float64:
		return refFloat(x, b.(float64))
	case float32:
		return refFloat(float64(x), float64(b.(float32)))
	case bool:
		return cmp.Compare(bit01(x), bit01(b.(bool)))
	case string:
		return cmp.Compare(x, b.(string))
	case decimal128.Num:
		return x.BigInt().Cmp(b.(decimal128.Num).BigInt())
	case int8:
		return cmp.Compare(x, b.(int8))
	case int16:
		return cmp.Compare(x, b.(int16))
	case int32:
		return cmp.Compare(x, b.(int32))
	case int64:
		return cmp.Compare(x, b.(int64))
	case uint8:
		return cmp.Compare(x, b.(uint8))
	case uint16:
		return cmp.Compare(x, b.(uint16))
	case uint32:
		return cmp.Compare(x, b.(uint32))
	case uint64:
		return cmp.Compare(x, b.(uint64))
	}
	panic(fmt.Sprintf("refCmp: %T", a))
}

// refFloat: NaN is the largest float, -0 equals +0.
func refFloat(x, y float64) int {
	xn, yn := math.IsNaN(x), math.IsNaN(y)
	switch {
	case xn || yn:
		return bit01(xn) - bit01(yn)
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// refRows compares row i of a with row j of b, where a[k] and b[k] are the
// rows of key k's columns.
func refRows(a, b [][]any, keys []SortKey, i, j int) int {
	for k, key := range keys {
		x, y := a[k][i], b[k][j]
		switch {
		case x == nil && y == nil:
			continue
		case x == nil || y == nil:
			if (x == nil) == key.NullsFirst {
				return -1
			}
			return 1
		}
		c := refCmp(x, y)
		if key.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func keyRowsOf(rec arrow.Record, keys []SortKey) [][]any {
	rows := make([][]any, len(keys))
	for k, key := range keys {
		rows[k] = keyRows(rec.Column(key.Col))
	}
	return rows
}

func refSort(rec arrow.Record, keys []SortKey) []int32 {
	rows := keyRowsOf(rec, keys)
	idx := make([]int32, rec.NumRows())
	for i := range idx {
		idx[i] = int32(i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return refRows(rows, rows, keys, int(idx[a]), int(idx[b])) < 0 })
	return idx
}

// sortCase is a random record of key columns and random keys over them.
type sortCase struct {
	types []arrow.DataType
	keys  []SortKey
	nulls int
}

func (g *gen) sortCase() sortCase {
	c := sortCase{types: make([]arrow.DataType, 1+g.intn(4)), nulls: pick(g, 0, 0, 10, 50, 100)}
	for i := range c.types {
		c.types[i] = pick(g, sortTypes...)
	}
	c.keys = make([]SortKey, 1+g.intn(4))
	for k := range c.keys {
		c.keys[k] = SortKey{Col: g.intn(len(c.types)), Desc: g.chance(50), NullsFirst: g.chance(50)}
	}
	return c
}

func (g *gen) sortRecord(mem memory.Allocator, c sortCase, n int) arrow.Record {
	cols := make([]arrow.Array, len(c.types))
	fields := make([]arrow.Field, len(cols))
	for i, dt := range c.types {
		cols[i] = g.keyColumn(mem, dt, n, c.nulls)
		fields[i] = arrow.Field{Name: fmt.Sprint("k", i), Type: dt, Nullable: true}
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(n))
	for _, a := range cols {
		a.Release()
	}
	return rec
}

func (g *gen) sortLen() int { return pick(g, g.batchLen(), g.batchLen(), 300, 1000, 3000) }

func checkSort(t testing.TB, mem memory.Allocator, g *gen) {
	c := g.sortCase()
	rec := g.sortRecord(mem, c, g.sortLen())
	defer rec.Release()
	compareSort(t, g, rec, c)
}

// compareSort checks SortIndices and TopKIndices against refSort.
func compareSort(t testing.TB, g *gen, rec arrow.Record, c sortCase) {
	got, err := SortIndices(rec, c.keys)
	if err != nil {
		t.Fatalf("sort: %v", err)
	}
	want := refSort(rec, c.keys)
	if !slices.Equal(got, want) {
		i := 0
		for got[i] == want[i] {
			i++
		}
		t.Fatalf("sort %v by %+v (%d rows): at %d got %v, want %v", c.types, c.keys, rec.NumRows(), i, got[i:min(i+8, len(got))], want[i:min(i+8, len(want))])
	}
	k := pick(g, 0, 1, 5, g.intn(len(want)+3), len(want)-1, len(want))
	top, err := TopKIndices(rec, c.keys, k)
	if err != nil {
		t.Fatalf("topk: %v", err)
	}
	if w := want[:max(0, min(k, len(want)))]; !slices.Equal(top, w) {
		t.Fatalf("top %d of %v by %+v: got %v, want %v", k, c.types, c.keys, top, w)
	}
}

func TestSortIndices(t *testing.T) { run(t, 500, checkSort) }

// TestSortLarge covers the radix sort's first pass by the highest byte,
// taken above radixMSD rows.
func TestSortLarge(t *testing.T) {
	run(t, 6, func(t testing.TB, mem memory.Allocator, g *gen) {
		c := g.sortCase()
		c.keys = c.keys[:min(len(c.keys), 2)]
		rec := g.sortRecord(mem, c, radixMSD+1+g.intn(20000))
		defer rec.Release()
		compareSort(t, g, rec, c)
	})
}

func checkRowComparer(t testing.TB, mem memory.Allocator, g *gen) {
	c := g.sortCase()
	a, b := g.sortRecord(mem, c, g.batchLen()), g.sortRecord(mem, c, g.batchLen())
	defer a.Release()
	defer b.Release()
	rc, err := NewRowComparer(a, b, c.keys)
	if err != nil {
		t.Fatalf("row comparer: %v", err)
	}
	ra, rb := keyRowsOf(a, c.keys), keyRowsOf(b, c.keys)
	for range min(200, int(a.NumRows()*b.NumRows())) {
		i, j := g.intn(int(a.NumRows())), g.intn(int(b.NumRows()))
		if got, want := rc.Compare(i, j), refRows(ra, rb, c.keys, i, j); got != want {
			t.Fatalf("compare %v by %+v rows %d, %d: got %v, want %v", c.types, c.keys, i, j, got, want)
		}
	}
}

func TestRowComparer(t *testing.T) { run(t, 300, checkRowComparer) }

func TestSortErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := newGen(4)
	list := g.filterColumn(mem, 12, 10)
	ints := g.array(mem, arrow.PrimitiveTypes.Int64, 10, 0)
	strs := g.array(mem, arrow.BinaryTypes.String, 10, 0)
	defer list.Release()
	defer ints.Release()
	defer strs.Release()
	rec := func(cols ...arrow.Array) arrow.Record {
		fields := make([]arrow.Field, len(cols))
		for i, c := range cols {
			fields[i] = arrow.Field{Name: fmt.Sprint("c", i), Type: c.DataType()}
		}
		return array.NewRecord(arrow.NewSchema(fields, nil), cols, 10)
	}
	r1, r2 := rec(ints, list), rec(strs, list)
	defer r1.Release()
	defer r2.Release()
	for _, tc := range []struct {
		keys []SortKey
		want error
	}{{[]SortKey{{Col: 2}}, ErrArgument}, {[]SortKey{{Col: -1}}, ErrArgument}, {[]SortKey{{Col: 1}}, ErrType}} {
		if _, err := SortIndices(r1, tc.keys); !errors.Is(err, tc.want) {
			t.Errorf("sort by %+v: got %v, want %v", tc.keys, err, tc.want)
		}
		if _, err := TopKIndices(r1, tc.keys, 3); !errors.Is(err, tc.want) {
			t.Errorf("topk by %+v: got %v, want %v", tc.keys, err, tc.want)
		}
		if _, err := NewRowComparer(r1, r1, tc.keys); !errors.Is(err, tc.want) {
			t.Errorf("row comparer by %+v: got %v, want %v", tc.keys, err, tc.want)
		}
	}
	if _, err := NewRowComparer(r1, r2, []SortKey{{Col: 0}}); !errors.Is(err, ErrType) {
		t.Errorf("int64 against string: got %v, want ErrType", err)
	}
	if idx, err := SortIndices(r1, nil); err != nil || len(idx) != 10 || idx[9] != 9 {
		t.Errorf("no keys: got %v, %v, want the identity", idx, err)
	}
}

func ExampleSortIndices() {
	mem := memory.NewGoAllocator()
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{3, 1, 2, 1, 0}, []bool{true, true, true, true, false})
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{0.5, math.NaN(), -1, 2, 7}, nil)
	cols := []arrow.Array{ib.NewArray(), fb.NewArray()}
	ib.Release()
	fb.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "g", Type: cols[0].DataType(), Nullable: true}, {Name: "x", Type: cols[1].DataType()}}, nil)
	rec := array.NewRecord(schema, cols, 5)
	cols[0].Release()
	cols[1].Release()
	defer rec.Release()

	// By g ascending with nulls first, then x descending (NaN is the largest).
	idx, _ := SortIndices(rec, []SortKey{{Col: 0, NullsFirst: true}, {Col: 1, Desc: true}})
	sorted, _ := TakeRecord(mem, rec, idx)
	defer sorted.Release()
	fmt.Println(idx)
	fmt.Println(sorted.Column(0), sorted.Column(1))
	top, _ := TopKIndices(rec, []SortKey{{Col: 1}}, 2)
	fmt.Println(top)
	// Output:
	// [4 1 3 2 0]
	// [(null) 1 1 2 3] [7 NaN 2 -1 0.5]
	// [2 0]
}
