package kernels

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// takeTypes are the column types of the Take and Split tests that g.array
// builds; takeColumn adds decimals, fixed_size_binary, dictionaries, lists
// (the general path) and the null type.
var takeTypes = append(append(append([]arrow.DataType{}, numericTypes...), stringTypes...),
	arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64,
	arrow.BinaryTypes.Binary, tsTypes[1], tsTypes[5])

func (g *gen) takeColumn(mem memory.Allocator, n int) arrow.Array {
	if g.chance(25) {
		return g.filterColumn(mem, 9+g.intn(5), n)
	}
	return g.array(mem, pick(g, takeTypes...), n, pick(g, 0, 0, 10, 50, 100))
}

// randomRecord is a record of 1 to 4 takeColumn columns, often a slice.
func (g *gen) randomRecord(mem memory.Allocator, n int) arrow.Record {
	pre := pick(g, 0, 0, 3, 64)
	cols := make([]arrow.Array, 1+g.intn(4))
	fields := make([]arrow.Field, len(cols))
	for c := range cols {
		cols[c] = g.takeColumn(mem, pre+n)
		fields[c] = arrow.Field{Name: fmt.Sprint("c", c), Type: cols[c].DataType(), Nullable: true}
	}
	full := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(pre+n))
	for _, c := range cols {
		c.Release()
	}
	defer full.Release()
	return full.NewSlice(int64(pre), int64(pre+n))
}

// randomIndices returns m indices into n rows: random, runs of consecutive
// rows, repeats, and about pctNeg% -1.
func (g *gen) randomIndices(n, m, pctNeg int) []int32 {
	idx := make([]int32, m)
	for i := range idx {
		switch {
		case n == 0 || g.chance(pctNeg):
			idx[i] = -1
		case i > 0 && idx[i-1] >= 0 && g.chance(40):
			idx[i] = (idx[i-1] + 1) % int32(n)
		default:
			idx[i] = int32(g.intn(n))
		}
	}
	return idx
}

// refTake is the plain reference: a one-row slice (or null) per index, joined.
func refTake(mem memory.Allocator, col arrow.Array, idx []int32) arrow.Array {
	parts := make([]arrow.Array, 0, len(idx))
	for _, j := range idx {
		if j < 0 {
			parts = append(parts, array.MakeArrayOfNull(mem, col.DataType(), 1))
		} else {
			parts = append(parts, array.NewSlice(col, int64(j), int64(j)+1))
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

func checkTake(t testing.TB, mem memory.Allocator, g *gen) {
	n := g.batchLen()
	rec := g.randomRecord(mem, n)
	defer rec.Release()
	idx := g.randomIndices(n, pick(g, 0, 1, g.intn(200), n, 2*n+3), pick(g, 0, 0, 10, 100))

	got, err := TakeRecord(mem, rec, idx)
	if err != nil {
		t.Fatalf("take record: %v", err)
	}
	defer got.Release()
	if got.NumRows() != int64(len(idx)) || got.NumCols() != rec.NumCols() || !got.Schema().Equal(rec.Schema()) {
		t.Fatalf("take record: got %d rows, %d columns, want %d, %d", got.NumRows(), got.NumCols(), len(idx), rec.NumCols())
	}
	for c, col := range rec.Columns() {
		want := refTake(mem, col, idx)
		if !sameColumn(got.Column(c), want) {
			t.Fatalf("take %s (%d rows, idx %v): got %v, want %v", col.DataType(), n, idx, got.Column(c), want)
		}
		want.Release()
		one, err := Take(mem, col, idx)
		if err != nil {
			t.Fatalf("take: %v", err)
		}
		if !sameColumn(one, got.Column(c)) {
			t.Fatalf("Take %s: got %v, want %v", col.DataType(), one, got.Column(c))
		}
		one.Release()
	}
}

func TestTake(t *testing.T) { run(t, 800, checkTake) }

func TestTakeErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := newGen(1)
	col := g.array(mem, arrow.PrimitiveTypes.Int64, 5, 0)
	defer col.Release()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "x", Type: col.DataType()}}, nil), []arrow.Array{col}, 5)
	defer rec.Release()
	for _, idx := range [][]int32{{0, 5}, {-2}, {1, 2, 3, 1 << 30}} {
		bad := idx[len(idx)-1]
		if _, err := Take(mem, col, idx); !errors.Is(err, ErrArgument) || !strings.Contains(err.Error(), fmt.Sprint("index ", bad)) {
			t.Errorf("Take %v: got %v, want ErrArgument naming %d", idx, err, bad)
		}
		if _, err := TakeRecord(mem, rec, idx); !errors.Is(err, ErrArgument) {
			t.Errorf("TakeRecord %v: got %v, want ErrArgument", idx, err)
		}
	}
	if _, err := Take(mem, nil, nil); !errors.Is(err, ErrArgument) {
		t.Errorf("nil array: got %v, want ErrArgument", err)
	}
	// Every index -1 on an empty array: all null.
	empty := array.NewSlice(col, 0, 0)
	defer empty.Release()
	got, err := Take(mem, empty, []int32{-1, -1})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if got.Len() != 2 || got.NullN() != 2 {
		t.Errorf("take -1 from empty: got %v, want [(null) (null)]", got)
	}
}

// TestTakeKeepsDictionary checks that a dictionary column's result shares the
// dictionary rather than rebuilding it.
func TestTakeKeepsDictionary(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	col := newGen(2).filterColumn(mem, 11, 50).(*array.Dictionary)
	defer col.Release()
	got, err := Take(mem, col, []int32{3, -1, 0, 49})
	if err != nil {
		t.Fatal(err)
	}
	defer got.Release()
	if d := got.(*array.Dictionary).Dictionary(); d.Data() != col.Dictionary().Data() {
		t.Errorf("got dictionary %v, want the input's %v", d, col.Dictionary())
	}
}
