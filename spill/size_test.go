package spill

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// bufLens sums the lengths of the buffers given, skipping nil ones: the
// expected sizes below are written out buffer by buffer with it.
func bufLens(bufs ...*memory.Buffer) int64 {
	var n int64
	for _, b := range bufs {
		if b != nil {
			n += int64(b.Len())
		}
	}
	return n
}

// bufAt returns the i-th buffer of a's data.
func bufAt(a arrow.Array, i int) *memory.Buffer { return a.Data().Buffers()[i] }

func TestSizeOfSlices(t *testing.T) {
	tests := []struct {
		v    any
		want int64
	}{
		{[]float64{1, 2, 3}, 24},
		{[]float32{1, 2, 3}, 12},
		{[]int64{1, 2}, 16},
		{[]int32{1, 2}, 8},
		{[]int16{1, 2}, 4},
		{[]int8{1, 2}, 2},
		{[]uint64{1}, 8},
		{[]uint32{1}, 4},
		{[]uint16{1}, 2},
		{[]uint8{1, 2, 3, 4, 5}, 5},
		{[]byte("hello"), 5},
		{[]bool{true, false, true}, 3},
		{make([]float64, 10, 1000), 80}, // spare capacity is not counted
		{[]float64{}, 0},
		{[]float64(nil), 0},
	}
	for _, tt := range tests {
		if got := SizeOf(tt.v); got != tt.want {
			t.Errorf("SizeOf(%T %v): got %v, want %v", tt.v, tt.v, got, tt.want)
		}
	}
}

type sizePoint struct{ x, y float64 }

// sizedValue reports its size through Sizer.
type sizedValue struct{ n int64 }

func (s *sizedValue) SizeBytes() int64 { return s.n }

// sizerRecord is an arrow.Record that knows its size better: Sizer wins.
type sizerRecord struct{ arrow.Record }

func (sizerRecord) SizeBytes() int64 { return 7 }

// nilRecord's methods panic on a nil pointer.
type panicRecord struct{ arrow.Record }

func TestSizeOfUnsized(t *testing.T) {
	var nilRec arrow.Record
	var nilArr arrow.Array
	tests := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"int", 42},
		{"int64", int64(42)},
		{"uint8", uint8(4)},
		{"float64", 1.5},
		{"string", "a long string that is not accounted"},
		{"bool", true},
		{"struct", sizePoint{1, 2}},
		{"pointer", &sizePoint{1, 2}},
		{"map", map[string]int{"a": 1}},
		{"[]string", []string{"a", "b"}},
		{"[]int", []int{1, 2, 3}}, // not a fixed-width element
		{"[][]float64", [][]float64{{1, 2}}},
		{"error", fmt.Errorf("x")},
		{"nil arrow.Record", nilRec},
		{"nil arrow.Array", nilArr},
		{"typed-nil *array.Int64", (*array.Int64)(nil)},
		{"typed-nil *array.Data", (*array.Data)(nil)},
		{"typed-nil record", (*panicRecord)(nil)},
		{"typed-nil *arrow.Chunked", (*arrow.Chunked)(nil)},
		{"typed-nil *arrow.Column", (*arrow.Column)(nil)},
		{"typed-nil Sizer", (*sizedValue)(nil)},
		{"Sizer, negative", &sizedValue{-5}},
	}
	for _, tt := range tests {
		if got := SizeOf(tt.v); got != 0 {
			t.Errorf("SizeOf(%s): got %v, want 0", tt.name, got)
		}
	}
}

func TestSizeOfSizer(t *testing.T) {
	if got, want := SizeOf(&sizedValue{123}), int64(123); got != want {
		t.Errorf("SizeOf(Sizer): got %v, want %v", got, want)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := sizeInt64Record(mem, 10)
	defer rec.Release()
	if got, want := SizeOf(sizerRecord{rec}), int64(7); got != want {
		t.Errorf("SizeOf(record that is a Sizer): got %v, want %v", got, want)
	}
}

// sizeInt64Record makes a record of one int64 column 0..n-1, no nulls.
func sizeInt64Record(mem memory.Allocator, n int) arrow.Record {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	for i := 0; i < n; i++ {
		b.Append(int64(i))
	}
	a := b.NewArray()
	defer a.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int64}}, nil)
	return array.NewRecord(schema, []arrow.Array{a}, int64(n))
}

// sizeColumn is an array and the size it should have.
type sizeColumn struct {
	name string
	arr  arrow.Array
	want int64
}

// buildSizeColumns builds n rows of each kind of array the tests account,
// with the size each should have, written out buffer by buffer.
func buildSizeColumns(t *testing.T, mem memory.Allocator, n int) []sizeColumn {
	t.Helper()
	var cols []sizeColumn

	// int64, no nulls: validity bitmap (the builder always makes one) and
	// n values of 8 bytes.
	ib := array.NewInt64Builder(mem)
	for i := 0; i < n; i++ {
		ib.Append(int64(i))
	}
	ia := ib.NewArray()
	ib.Release()
	if got, want := bufAt(ia, 1).Len(), 8*n; got != want {
		t.Fatalf("int64 values buffer: got %v bytes, want %v", got, want)
	}
	cols = append(cols, sizeColumn{"int64", ia, bufLens(bufAt(ia, 0)) + int64(8*n)})

	// float64 with nulls: the validity bitmap is counted.
	fb := array.NewFloat64Builder(mem)
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			fb.AppendNull()
		} else {
			fb.Append(float64(i))
		}
	}
	fa := fb.NewArray()
	fb.Release()
	if fa.NullN() == 0 || bufAt(fa, 0) == nil || bufAt(fa, 0).Len() < n/8 {
		t.Fatalf("float64 with nulls: got NullN %d, bitmap %v, want nulls and a bitmap of at least %d bytes", fa.NullN(), bufAt(fa, 0), n/8)
	}
	cols = append(cols, sizeColumn{"float64 with nulls", fa, bufLens(bufAt(fa, 0)) + int64(8*n)})

	// string: bitmap, n+1 int32 offsets, and the characters.
	sb := array.NewStringBuilder(mem)
	chars := 0
	for i := 0; i < n; i++ {
		s := fmt.Sprintf("value-%d", i)
		chars += len(s)
		sb.Append(s)
	}
	sa := sb.NewArray()
	sb.Release()
	if got, want := bufAt(sa, 1).Len(), 4*(n+1); got != want {
		t.Fatalf("string offsets: got %v bytes, want %v", got, want)
	}
	if got, want := bufAt(sa, 2).Len(), chars; got != want {
		t.Fatalf("string data: got %v bytes, want %v", got, want)
	}
	cols = append(cols, sizeColumn{"string", sa, bufLens(bufAt(sa, 0)) + int64(4*(n+1)+chars)})

	// list<int64>: the list's bitmap and offsets, and its child's buffers.
	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int64)
	vb := lb.ValueBuilder().(*array.Int64Builder)
	values := 0
	for i := 0; i < n; i++ {
		lb.Append(true)
		for j := 0; j < i%4; j++ {
			vb.Append(int64(j))
			values++
		}
	}
	la := lb.NewArray()
	lb.Release()
	child := la.Data().Children()[0]
	if got, want := child.Buffers()[1].Len(), 8*values; got != want {
		t.Fatalf("list child values: got %v bytes, want %v", got, want)
	}
	cols = append(cols, sizeColumn{"list<int64>", la,
		bufLens(bufAt(la, 0)) + int64(4*(n+1)) + bufLens(child.Buffers()[0]) + int64(8*values)})

	// dictionary<int8, string>: the indices' bitmap and values, and the
	// dictionary's buffers.
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	db := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	for i := 0; i < n; i++ {
		if err := db.AppendString([]string{"red", "green", "blue"}[i%3]); err != nil {
			t.Fatal(err)
		}
	}
	da := db.NewArray()
	db.Release()
	dict := da.Data().Dictionary()
	if dict == nil || dict.Len() != 3 {
		t.Fatalf("dictionary: got %v, want 3 values", dict)
	}
	if got, want := bufAt(da, 1).Len(), n; got != want {
		t.Fatalf("dictionary indices: got %v bytes, want %v", got, want)
	}
	cols = append(cols, sizeColumn{"dictionary", da,
		bufLens(bufAt(da, 0)) + int64(n) + bufLens(dict.Buffers()[0]) + 4*4 + int64(len("redgreenblue"))})

	// struct<a int64, b float64>: the struct's bitmap and both children.
	st := arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		arrow.Field{Name: "b", Type: arrow.PrimitiveTypes.Float64},
	)
	stb := array.NewStructBuilder(mem, st)
	ab := stb.FieldBuilder(0).(*array.Int64Builder)
	bb := stb.FieldBuilder(1).(*array.Float64Builder)
	for i := 0; i < n; i++ {
		stb.Append(true)
		ab.Append(int64(i))
		bb.Append(float64(i))
	}
	sta := stb.NewArray()
	stb.Release()
	kids := sta.Data().Children()
	cols = append(cols, sizeColumn{"struct", sta,
		bufLens(bufAt(sta, 0)) + bufLens(kids[0].Buffers()[0]) + int64(8*n) + bufLens(kids[1].Buffers()[0]) + int64(8*n)})

	return cols
}

func releaseSizeColumns(cols []sizeColumn) {
	for _, c := range cols {
		c.arr.Release()
	}
}

func TestSizeOfArrays(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cols := buildSizeColumns(t, mem, 100)
	defer releaseSizeColumns(cols)
	for _, c := range cols {
		if got := SizeOf(c.arr); got != c.want {
			t.Errorf("SizeOf(%s array): got %v, want %v", c.name, got, c.want)
		}
		if got := SizeOf(c.arr.Data()); got != c.want {
			t.Errorf("SizeOf(%s ArrayData): got %v, want %v", c.name, got, c.want)
		}
	}
}

// sizeRecordOf makes a record of the columns, and the size it should have.
func sizeRecordOf(cols []sizeColumn) (arrow.Record, int64) {
	fields := make([]arrow.Field, len(cols))
	arrs := make([]arrow.Array, len(cols))
	var want int64
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c.name, Type: c.arr.DataType(), Nullable: true}
		arrs[i] = c.arr
		want += c.want
	}
	return array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(cols[0].arr.Len())), want
}

func TestSizeOfRecord(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cols := buildSizeColumns(t, mem, 100)
	defer releaseSizeColumns(cols)
	rec, want := sizeRecordOf(cols)
	defer rec.Release()

	if got := SizeOf(rec); got != want {
		t.Errorf("SizeOf(record): got %v, want %v", got, want)
	}

	// A slice shares its parent's buffers and counts them whole.
	sl := rec.NewSlice(10, 20)
	defer sl.Release()
	if got := SizeOf(sl); got != want {
		t.Errorf("SizeOf(record.NewSlice(10, 20)): got %v, want %v (whole shared buffers)", got, want)
	}
	col := array.NewSlice(cols[0].arr, 1, 3)
	defer col.Release()
	if got := SizeOf(col); got != cols[0].want {
		t.Errorf("SizeOf(array.NewSlice): got %v, want %v", got, cols[0].want)
	}

	// The same column twice is counted once.
	twice := array.NewRecord(
		arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}, {Name: "b", Type: arrow.PrimitiveTypes.Int64}}, nil),
		[]arrow.Array{cols[0].arr, cols[0].arr}, int64(cols[0].arr.Len()))
	defer twice.Release()
	if got := SizeOf(twice); got != cols[0].want {
		t.Errorf("SizeOf(record with one column twice): got %v, want %v", got, cols[0].want)
	}
}

// TestSizeOfSharedBuffers: columns that share some buffers count them once;
// a buffer cut from another with memory.SliceBuffer counts as its parent.
func TestSizeOfSharedBuffers(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	values := memory.NewResizableBuffer(mem)
	values.Resize(8 * 100)
	defer values.Release()
	bitmap := memory.NewResizableBuffer(mem)
	bitmap.Resize(16)
	memory.Set(bitmap.Bytes(), 0xff)
	defer bitmap.Release()

	// Two columns over the same values, one with a validity bitmap.
	a := array.NewData(arrow.PrimitiveTypes.Int64, 100, []*memory.Buffer{nil, values}, nil, 0, 0)
	defer a.Release()
	b := array.NewData(arrow.PrimitiveTypes.Float64, 100, []*memory.Buffer{bitmap, values}, nil, 0, 0)
	defer b.Release()
	aa, ba := array.MakeFromData(a), array.MakeFromData(b)
	defer aa.Release()
	defer ba.Release()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "b", Type: arrow.PrimitiveTypes.Float64},
	}, nil), []arrow.Array{aa, ba}, 100)
	defer rec.Release()
	if got, want := SizeOf(rec), bufLens(values, bitmap); got != want {
		t.Errorf("SizeOf(record sharing a buffer): got %v, want %v", got, want)
	}

	// A column whose values are a memory.SliceBuffer of 10 values counts
	// the whole parent buffer; with a sibling over the parent, once.
	part := memory.SliceBuffer(values, 8*20, 8*10)
	defer part.Release()
	c := array.NewData(arrow.PrimitiveTypes.Int64, 10, []*memory.Buffer{nil, part}, nil, 0, 0)
	defer c.Release()
	if got, want := SizeOf(c), bufLens(values); got != want {
		t.Errorf("SizeOf(data over a SliceBuffer): got %v, want %v (the parent, whole)", got, want)
	}
	ca := array.MakeFromData(c)
	defer ca.Release()
	rec2 := array.NewRecord(arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64},
		{Name: "c", Type: arrow.PrimitiveTypes.Int64},
	}, nil), []arrow.Array{aa, ca}, 10)
	defer rec2.Release()
	if got, want := SizeOf(rec2), bufLens(values); got != want {
		t.Errorf("SizeOf(record of a buffer and a slice of it): got %v, want %v", got, want)
	}
}

func TestSizeOfTable(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Three chunks of different sizes, each with its own buffers.
	var recs []arrow.Record
	var want int64
	for _, n := range []int{10, 100, 1000} {
		cols := buildSizeColumns(t, mem, n)
		rec, w := sizeRecordOf(cols[:3]) // int64, float64, string
		releaseSizeColumns(cols)
		recs = append(recs, rec)
		want += w
	}
	tbl := array.NewTableFromRecords(recs[0].Schema(), recs)
	defer tbl.Release()
	if got := SizeOf(tbl); got != want {
		t.Errorf("SizeOf(table of 3 chunks): got %v, want %v", got, want)
	}
	// Its columns, as a Column and as a Chunked, add up to the table.
	var sum int64
	for i := 0; i < int(tbl.NumCols()); i++ {
		col := tbl.Column(i)
		if got, want := SizeOf(col), SizeOf(col.Data()); got != want {
			t.Errorf("SizeOf(column %d): got %v, want %v (its Chunked)", i, got, want)
		}
		sum += SizeOf(col)
	}
	if sum != want {
		t.Errorf("sum of SizeOf(column): got %v, want %v", sum, want)
	}

	// A table whose chunks are the same record twice counts it once.
	same := array.NewTableFromRecords(recs[1].Schema(), []arrow.Record{recs[1], recs[1]})
	defer same.Release()
	if got, want := SizeOf(same), SizeOf(recs[1]); got != want {
		t.Errorf("SizeOf(table of one record twice): got %v, want %v", got, want)
	}
	for _, r := range recs {
		r.Release()
	}
}

// TestSizeOfManyBuffers: past 64 distinct buffers SizeOf moves to a table
// on the heap, which grows twice more here (at 128 and 256 buffers), and
// still counts repeated buffers once.
func TestSizeOfManyBuffers(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var arrs []arrow.Array
	var fields []arrow.Field
	var want int64
	const ncols = 150 // 300 buffers
	for i := 0; i < ncols; i++ {
		b := array.NewFloat64Builder(mem)
		for j := 0; j <= i; j++ {
			b.Append(float64(j))
		}
		b.AppendNull()
		a := b.NewArray()
		b.Release()
		defer a.Release()
		arrs = append(arrs, a)
		fields = append(fields, arrow.Field{Name: fmt.Sprint("f", i), Type: a.DataType(), Nullable: true})
		want += bufLens(bufAt(a, 0), bufAt(a, 1))
	}
	// Every column again, after the first 64 buffers are taken.
	for i, a := range arrs[:ncols] {
		arrs = append(arrs, a)
		fields = append(fields, arrow.Field{Name: fmt.Sprint("g", i), Type: a.DataType(), Nullable: true})
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(arrs[0].Len()))
	defer rec.Release()
	if got := SizeOf(rec); got != want {
		t.Errorf("SizeOf(record of %d columns over %d buffers): got %v, want %v", 2*ncols, 2*ncols, got, want)
	}
}

// TestSizeOfIPC: Arrow v15's IPC reader gives every buffer of a batch its
// own allocation, so a record read back is counted exactly, and as much as
// its allocator holds for it.
func TestSizeOfIPC(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cols := buildSizeColumns(t, mem, 100)
	rec, _ := sizeRecordOf(cols)
	releaseSizeColumns(cols)
	var body bytes.Buffer
	w := ipc.NewWriter(&body, ipc.WithSchema(rec.Schema()), ipc.WithAllocator(mem))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rec.Release()

	r, err := ipc.NewReader(&body, ipc.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if !r.Next() {
		t.Fatalf("reading the record back: %v", r.Err())
	}
	got := r.Record()
	// The expected sum, walking every buffer without deduplication.
	var want int64
	var walk func(d arrow.ArrayData)
	walk = func(d arrow.ArrayData) {
		want += bufLens(d.Buffers()...)
		for _, c := range d.Children() {
			walk(c)
		}
		if dict := d.Dictionary(); dict != nil && dict.(*array.Data) != nil {
			walk(dict)
		}
	}
	for _, c := range got.Columns() {
		walk(c.Data())
	}
	if s := SizeOf(got); s != want {
		t.Errorf("SizeOf(record read from IPC): got %v, want %v", s, want)
	}
}

// TestSizeOfAllocs: SizeOf allocates nothing for unsized values nor for
// records of at most 64 buffers.
func TestSizeOfAllocs(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := sizeFloat64Record(mem, 16, 1024)
	defer rec.Release()
	rec64 := sizeFloat64Record(mem, 32, 10) // exactly 64 buffers
	defer rec64.Release()
	for _, tt := range []struct {
		name string
		v    any
	}{
		{"int", any(123456)},
		{"string", any("abc")},
		{"struct", any(sizePoint{1, 2})},
		{"[]float64", any([]float64{1, 2})},
		{"record of 16 columns", any(rec)},
		{"record of 64 buffers", any(rec64)},
	} {
		if got := testing.AllocsPerRun(100, func() { SizeOf(tt.v) }); got != 0 {
			t.Errorf("SizeOf(%s): got %v allocations, want 0", tt.name, got)
		}
	}
}

// sizeFloat64Record makes a record of ncols float64 columns of n rows with a
// null each: two buffers a column.
func sizeFloat64Record(mem memory.Allocator, ncols, n int) arrow.Record {
	fields := make([]arrow.Field, ncols)
	arrs := make([]arrow.Array, ncols)
	for i := range arrs {
		b := array.NewFloat64Builder(mem)
		for j := 0; j < n-1; j++ {
			b.Append(float64(j))
		}
		b.AppendNull()
		arrs[i] = b.NewArray()
		b.Release()
		fields[i] = arrow.Field{Name: fmt.Sprint("c", i), Type: arrow.PrimitiveTypes.Float64, Nullable: true}
	}
	rec := array.NewRecord(arrow.NewSchema(fields, nil), arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	return rec
}

func BenchmarkSizeOf(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec16 := sizeFloat64Record(mem, 16, 1024)
	defer rec16.Release()
	rec64 := sizeFloat64Record(mem, 64, 1024)
	defer rec64.Release()
	for _, bb := range []struct {
		name string
		v    any
	}{
		{"int", any(123456)},
		{"struct", any(sizePoint{1, 2})},
		{"[]float64", any(make([]float64, 1024))},
		{"record-16cols", any(rec16)}, // 32 buffers: the fixed array
		{"record-64cols", any(rec64)}, // 128 buffers: the map past 64
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				SizeOf(bb.v)
			}
		})
	}
}
