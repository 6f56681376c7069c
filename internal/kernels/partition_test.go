package kernels

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// boundsOf samples m rows of src, sorts them by keys and returns them as a
// bounds record: the key columns in keys' order.
func boundsOf(t testing.TB, mem memory.Allocator, g *gen, src arrow.Record, keys []SortKey, m int) arrow.Record {
	order, err := SortIndices(src, keys)
	if err != nil {
		t.Fatalf("sort: %v", err)
	}
	var pick []int32
	for _, r := range order {
		if len(pick) < m && g.chance(50) {
			pick = append(pick, r)
		}
	}
	cols := make([]arrow.Array, len(keys))
	fields := make([]arrow.Field, len(keys))
	for k, key := range keys {
		if cols[k], err = Take(mem, src.Column(key.Col), pick); err != nil {
			t.Fatalf("take: %v", err)
		}
		fields[k] = arrow.Field{Name: fmt.Sprint("b", k), Type: cols[k].DataType(), Nullable: true}
	}
	b := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(len(pick)))
	for _, c := range cols {
		c.Release()
	}
	return b
}

func checkRangePartition(t testing.TB, mem memory.Allocator, g *gen) {
	c := g.sortCase()
	if g.chance(30) { // one key: the normalised-key path when there are no nulls
		c.keys = c.keys[:1]
	}
	rec, src := g.sortRecord(mem, c, g.sortLen()), g.sortRecord(mem, c, g.batchLen())
	defer rec.Release()
	defer src.Release()
	bounds := boundsOf(t, mem, g, src, c.keys, pick(g, 0, 1, 3, 63))
	defer bounds.Release()

	n := int(rec.NumRows())
	out := make([]int32, n+2)
	out[n], out[n+1] = -7, -7
	if err := RangePartition(rec, c.keys, bounds, out); err != nil {
		t.Fatalf("range partition: %v", err)
	}
	rows := keyRowsOf(rec, c.keys)
	brows := make([][]any, len(c.keys))
	for k := range brows {
		brows[k] = keyRows(bounds.Column(k))
	}
	nb := int(bounds.NumRows())
	for r := range n {
		want := nb
		for i := range nb {
			if refRows(rows, brows, c.keys, r, i) < 0 {
				want = i
				break
			}
		}
		if int(out[r]) != want {
			t.Fatalf("range partition %v by %+v, %d bounds: row %d: got %d, want %d", c.types, c.keys, nb, r, out[r], want)
		}
	}
	if out[n] != -7 || out[n+1] != -7 {
		t.Fatalf("range partition wrote past the rows: got %v, want [-7 -7]", out[n:])
	}
}

func TestRangePartition(t *testing.T) { run(t, 300, checkRangePartition) }

func checkSplit(t testing.TB, mem memory.Allocator, g *gen) {
	rows := g.batchLen()
	rec := g.randomRecord(mem, rows)
	defer rec.Release()
	n := pick(g, 0, 1, 3, 64)
	part := make([]int32, rows+g.intn(3))
	for r := range part {
		switch {
		case n == 0 || g.chance(10):
			part[r] = -1
		default:
			part[r] = int32(g.intn(n))
		}
	}
	got, err := Split(mem, rec, part, n)
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	defer func() {
		for _, r := range got {
			r.Release()
		}
	}()
	if len(got) != n {
		t.Fatalf("split: got %d records, want %d", len(got), n)
	}
	for p, r := range got {
		var idx []int32
		for i, q := range part[:rows] {
			if int(q) == p {
				idx = append(idx, int32(i))
			}
		}
		if r.NumRows() != int64(len(idx)) || !r.Schema().Equal(rec.Schema()) {
			t.Fatalf("split part %d: got %d rows, want %d", p, r.NumRows(), len(idx))
		}
		for c, col := range rec.Columns() {
			want := refTake(mem, col, idx)
			if !sameColumn(r.Column(c), want) {
				t.Fatalf("split %s part %d of %d: got %v, want %v", col.DataType(), p, n, r.Column(c), want)
			}
			want.Release()
		}
	}
}

func TestSplit(t *testing.T) { run(t, 400, checkSplit) }

// sortedBy returns rec sorted by keys.
func sortedBy(t testing.TB, mem memory.Allocator, rec arrow.Record, keys []SortKey) arrow.Record {
	idx, err := SortIndices(rec, keys)
	if err != nil {
		t.Fatalf("sort: %v", err)
	}
	s, err := TakeRecord(mem, rec, idx)
	if err != nil {
		t.Fatalf("take: %v", err)
	}
	return s
}

// decoded is a with a dictionary replaced by its values (a retained
// otherwise), so that columns compare without arrow's dictionary Concatenate.
func decoded(t testing.TB, mem memory.Allocator, a arrow.Array) arrow.Array {
	d, ok := a.(*array.Dictionary)
	if !ok {
		a.Retain()
		return a
	}
	idx := make([]int32, d.Len())
	for i := range idx {
		idx[i] = -1
		if d.IsValid(i) {
			idx[i] = int32(d.GetValueIndex(i))
		}
	}
	v, err := Take(mem, d.Dictionary(), idx)
	if err != nil {
		t.Fatalf("take: %v", err)
	}
	return v
}

func checkMerge(t testing.TB, mem memory.Allocator, g *gen) {
	c := g.sortCase()
	if g.chance(30) { // one dictionary for all: it is kept
		c.types = []arrow.DataType{dictType}
		for k := range c.keys {
			c.keys[k].Col = 0
		}
	}
	recs := make([]arrow.Record, 1+g.intn(5))
	shared := g.sortRecord(mem, c, 40)
	defer shared.Release()
	for i := range recs {
		r := g.sortRecord(mem, c, pick(g, 0, 1, g.batchLen(), g.sortLen()))
		if c.types[0] == dictType && len(c.types) == 1 {
			r.Release()
			r, _ = TakeRecord(mem, shared, g.randomIndices(40, g.intn(100), 0))
		}
		recs[i] = sortedBy(t, mem, r, c.keys)
		r.Release()
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	got, err := MergeSorted(mem, recs, c.keys)
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	defer got.Release()

	// The reference: the concatenation (of decoded dictionaries), sorted
	// stably.
	cols := make([]arrow.Array, len(c.types))
	fields := make([]arrow.Field, len(c.types))
	for k := range cols {
		parts := make([]arrow.Array, len(recs))
		for i, r := range recs {
			parts[i] = decoded(t, mem, r.Column(k))
		}
		if cols[k], err = array.Concatenate(parts, mem); err != nil {
			t.Fatal(err)
		}
		fields[k] = arrow.Field{Name: fmt.Sprint("k", k), Type: cols[k].DataType(), Nullable: true}
		for _, p := range parts {
			p.Release()
		}
	}
	all := array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(cols[0].Len()))
	for _, a := range cols {
		a.Release()
	}
	defer all.Release()
	want := sortedBy(t, mem, all, c.keys)
	defer want.Release()
	if got.NumRows() != want.NumRows() || !got.Schema().Equal(recs[0].Schema()) {
		t.Fatalf("merge: got %d rows, schema %v, want %d, %v", got.NumRows(), got.Schema(), want.NumRows(), recs[0].Schema())
	}
	for k := range cols {
		col := decoded(t, mem, got.Column(k))
		if !sameColumn(col, want.Column(k)) {
			t.Fatalf("merge %d records of %v by %+v: column %d: got %v, want %v", len(recs), c.types, c.keys, k, col, want.Column(k))
		}
		col.Release()
		if c.types[0] == dictType && len(c.types) == 1 && len(recs) > 1 && got.NumRows() > 0 {
			if d := got.Column(0).(*array.Dictionary).Dictionary(); d.Data() != shared.Column(0).(*array.Dictionary).Dictionary().Data() {
				t.Fatalf("merge of one dictionary: got dictionary %v, want the shared one", d)
			}
		}
	}
}

func TestMergeSorted(t *testing.T) { run(t, 300, checkMerge) }

func TestPartitionErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := newGen(5)
	ints := g.array(mem, arrow.PrimitiveTypes.Int64, 10, 0)
	strs := g.array(mem, arrow.BinaryTypes.String, 10, 0)
	defer ints.Release()
	defer strs.Release()
	rec := func(c arrow.Array) arrow.Record {
		return array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "x", Type: c.DataType()}}, nil), []arrow.Array{c}, int64(c.Len()))
	}
	ri, rs := rec(ints), rec(strs)
	defer ri.Release()
	defer rs.Release()
	keys := []SortKey{{Col: 0}}

	if err := RangePartition(ri, keys, ri, make([]int32, 9)); !errors.Is(err, ErrLength) {
		t.Errorf("short out: got %v, want ErrLength", err)
	}
	if err := RangePartition(ri, keys, rs, make([]int32, 10)); !errors.Is(err, ErrType) {
		t.Errorf("int64 rows, string bounds: got %v, want ErrType", err)
	}
	if err := RangePartition(ri, []SortKey{{Col: 0}, {Col: 0}}, ri, make([]int32, 10)); !errors.Is(err, ErrArgument) {
		t.Errorf("bounds without a second column: got %v, want ErrArgument", err)
	}
	part := make([]int32, 10)
	part[7] = 3
	if _, err := Split(mem, ri, part, 3); !errors.Is(err, ErrArgument) {
		t.Errorf("part 3 of 3: got %v, want ErrArgument", err)
	}
	if _, err := Split(mem, ri, part[:9], 4); !errors.Is(err, ErrLength) {
		t.Errorf("short part: got %v, want ErrLength", err)
	}
	if _, err := MergeSorted(mem, []arrow.Record{ri, rs}, keys); !errors.Is(err, ErrType) {
		t.Errorf("merge int64 with string: got %v, want ErrType", err)
	}
	if _, err := MergeSorted(mem, nil, keys); !errors.Is(err, ErrArgument) {
		t.Errorf("merge nothing: got %v, want ErrArgument", err)
	}
	if _, err := MergeSorted(mem, []arrow.Record{ri, ri}, []SortKey{{Col: 1}}); !errors.Is(err, ErrArgument) {
		t.Errorf("merge by a missing column: got %v, want ErrArgument", err)
	}
}

// TestConcurrentSortAndSplit runs the kernels of this file and sort.go on
// the same borrowed records from several goroutines (for -race: nothing may
// write into the inputs, such as arrow's cached dictionary or null count).
func TestConcurrentSortAndSplit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := newGen(6)
	c := sortCase{types: []arrow.DataType{dictType, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String}, nulls: 20,
		keys: []SortKey{{Col: 0}, {Col: 1, Desc: true}, {Col: 2, NullsFirst: true}}}
	a, b := g.sortRecord(mem, c, 2000), g.sortRecord(mem, c, 300)
	defer a.Release()
	defer b.Release()
	part := g.randomIndices(2000, 2000, 5)
	for i := range part {
		part[i] %= 4
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			idx, err := SortIndices(a, c.keys)
			if err != nil {
				t.Error(err)
				return
			}
			s, _ := TakeRecord(mem, a, idx)
			defer s.Release()
			m, err := MergeSorted(mem, []arrow.Record{s, s}, c.keys)
			if err != nil {
				t.Error(err)
				return
			}
			m.Release()
			if _, err := TopKIndices(b, c.keys, 10); err != nil {
				t.Error(err)
			}
			rc, err := NewRowComparer(a, b, c.keys)
			if err != nil {
				t.Error(err)
				return
			}
			rc.Compare(0, 0)
			recs, err := Split(mem, a, part, 4)
			if err != nil {
				t.Error(err)
				return
			}
			for _, r := range recs {
				r.Release()
			}
		}()
	}
	wg.Wait()
}
