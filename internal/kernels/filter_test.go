package kernels

import (
	"errors"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/decimal128"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

var (
	decType  = &arrow.Decimal128Type{Precision: 20, Scale: 2}
	fsbType  = &arrow.FixedSizeBinaryType{ByteWidth: 3}
	dictType = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}
	listType = arrow.ListOf(arrow.PrimitiveTypes.Int32)
)

// filterColumn builds a random column of one of the types Filter handles,
// including those without a direct path (list: the general fallback).
func (g *gen) filterColumn(mem memory.Allocator, kind, n int) arrow.Array {
	switch kind {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8:
		dt := []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Int8,
			arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.Binary,
			arrow.FixedWidthTypes.Date32, tsTypes[2]}[kind]
		return g.array(mem, dt, n, pick(g, 0, 20))
	case 9:
		b := array.NewDecimal128Builder(mem, decType)
		defer b.Release()
		for range n {
			if g.chance(20) {
				b.AppendNull()
			} else {
				b.Append(decimal128.New(int64(g.u64()), g.u64()))
			}
		}
		return b.NewArray()
	case 10:
		b := array.NewFixedSizeBinaryBuilder(mem, fsbType)
		defer b.Release()
		for range n {
			if g.chance(20) {
				b.AppendNull()
			} else {
				b.Append([]byte{g.byte(), g.byte(), g.byte()})
			}
		}
		return b.NewArray()
	case 11:
		b := array.NewDictionaryBuilder(mem, dictType).(*array.BinaryDictionaryBuilder)
		defer b.Release()
		for range n {
			if g.chance(20) {
				b.AppendNull()
			} else if err := b.AppendString(pick(g, "a", "b", "c", "dd")); err != nil {
				panic(err)
			}
		}
		return b.NewArray()
	case 12:
		b := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int32)
		defer b.Release()
		vb := b.ValueBuilder().(*array.Int32Builder)
		for range n {
			if g.chance(20) {
				b.AppendNull()
				continue
			}
			b.Append(true)
			for range g.intn(3) {
				vb.Append(int32(g.intn(100)))
			}
		}
		return b.NewArray()
	}
	return array.NewNull(n)
}

// refFilter is the plain reference: a one-row slice per kept row, joined.
func refFilter(mem memory.Allocator, col arrow.Array, keep []bool) arrow.Array {
	var parts []arrow.Array
	for i, k := range keep {
		if k {
			parts = append(parts, array.NewSlice(col, int64(i), int64(i+1)))
		}
	}
	if len(parts) == 0 {
		return array.NewSlice(col, 0, 0)
	}
	out, err := array.Concatenate(parts, mem)
	if err != nil {
		panic(err)
	}
	for _, p := range parts {
		p.Release()
	}
	return out
}

// sameColumn compares a filtered column with the reference, decoding
// dictionaries (Concatenate may rebuild their dictionary).
func sameColumn(got, want arrow.Array) bool {
	gd, ok1 := got.(*array.Dictionary)
	wd, ok2 := want.(*array.Dictionary)
	if ok1 && ok2 {
		if gd.Len() != wd.Len() || gd.NullN() != wd.NullN() {
			return false
		}
		gs, ws := gd.Dictionary().(*array.String), wd.Dictionary().(*array.String)
		for i := range gd.Len() {
			if gd.IsNull(i) != wd.IsNull(i) || !gd.IsNull(i) && gs.Value(gd.GetValueIndex(i)) != ws.Value(wd.GetValueIndex(i)) {
				return false
			}
		}
		return true
	}
	return got.NullN() == want.NullN() && array.ApproxEqual(got, want, array.WithNaNsEqual(true), array.WithAbsTolerance(0))
}

func checkFilter(t testing.TB, mem memory.Allocator, g *gen) {
	n := g.batchLen()
	pre := pick(g, 0, 0, 3, 64, 71)
	ncols := 1 + g.intn(4)
	fields := make([]arrow.Field, ncols)
	cols := make([]arrow.Array, ncols)
	for c := range cols {
		cols[c] = g.filterColumn(mem, g.intn(14), pre+n)
		fields[c] = arrow.Field{Name: fmt.Sprint("c", c), Type: cols[c].DataType(), Nullable: true}
	}
	full := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(pre+n))
	for _, c := range cols {
		c.Release()
	}
	rec := full.NewSlice(int64(pre), int64(pre+n))
	full.Release()
	defer rec.Release()

	pctTrue := pick(g, 0, 100, 50, 3, 97)
	pctNull := pick(g, 0, 0, 10)
	mpre := pick(g, 0, 5, 64)
	mrows := make([]any, mpre+n)
	keep := make([]bool, n)
	for i := range mrows {
		if !g.chance(pctNull) {
			v := g.chance(pctTrue)
			mrows[i] = v
			if i >= mpre {
				keep[i-mpre] = v
			}
		}
	}
	mfull := buildArray(mem, arrow.FixedWidthTypes.Boolean, mrows)
	mask := array.NewSlice(mfull, int64(mpre), int64(mpre+n)).(*array.Boolean) // a mask with an offset
	mfull.Release()
	defer mask.Release()

	got, err := Filter(mem, rec, mask)
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	defer got.Release()
	kept := 0
	for _, k := range keep {
		if k {
			kept++
		}
	}
	if got.NumRows() != int64(kept) || got.NumCols() != rec.NumCols() {
		t.Fatalf("filter: got %d rows and %d columns, want %d and %d", got.NumRows(), got.NumCols(), kept, rec.NumCols())
	}
	for c, col := range rec.Columns() {
		want := refFilter(mem, col, keep)
		if !sameColumn(got.Column(c), want) {
			t.Fatalf("filter column %s (%d rows, %d kept): got %v, want %v", col.DataType(), n, kept, got.Column(c), want)
		}
		want.Release()
	}
	// FilterArray agrees on the first column.
	one, err := FilterArray(mem, rec.Column(0), mask)
	if err != nil {
		t.Fatalf("filter array: %v", err)
	}
	if !sameColumn(one, got.Column(0)) {
		t.Fatalf("FilterArray: got %v, want %v", one, got.Column(0))
	}
	one.Release()
}

func TestFilter(t *testing.T) { run(t, 600, checkFilter) }

func TestFilterAllTrueSharesColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := newGen(3)
	col := g.array(mem, arrow.PrimitiveTypes.Int64, 100, 10)
	defer col.Release()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "x", Type: col.DataType()}}, nil), []arrow.Array{col}, 100)
	defer rec.Release()
	rows := make([]any, 100)
	for i := range rows {
		rows[i] = true
	}
	mask := buildArray(mem, arrow.FixedWidthTypes.Boolean, rows).(*array.Boolean)
	defer mask.Release()
	got, err := Filter(mem, rec, mask)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.Column(0) != col {
		t.Errorf("all-true filter copied the column")
	}
	short := buildArray(mem, arrow.FixedWidthTypes.Boolean, rows[:99]).(*array.Boolean)
	defer short.Release()
	if _, err := Filter(mem, rec, short); !errors.Is(err, ErrLength) {
		t.Errorf("short mask: got %v, want ErrLength", err)
	}
}
