package spill_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/spill"
)

var compressions = []spill.Compression{spill.NoCompression, spill.LZ4, spill.ZSTD}

// allTypesSchema has one column of each type the record codec is tested
// with.
var allTypesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "f64", Type: arrow.PrimitiveTypes.Float64},
	{Name: "str", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "bool", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "list", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
	{Name: "struct", Type: arrow.StructOf(
		arrow.Field{Name: "a", Type: arrow.PrimitiveTypes.Int32},
		arrow.Field{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
	), Nullable: true},
	{Name: "dict", Type: &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, Nullable: true},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}, Nullable: true},
}, nil)

// appendRow appends row i of the test data to the builder of column col
// of allTypesSchema. Every nullable column has nulls, at different rows.
func appendRow(b array.Builder, col, i int) {
	switch b := b.(type) {
	case *array.Int64Builder:
		if i%7 == 3 {
			b.AppendNull()
		} else {
			b.Append(int64(i)*1_000_003 - 50_000)
		}
	case *array.Float64Builder:
		b.Append(float64(i)*0.25 - 3)
	case *array.StringBuilder:
		if i%5 == 1 {
			b.AppendNull()
		} else {
			b.Append(strings.Repeat("xy", i%4) + fmt.Sprint(i))
		}
	case *array.BooleanBuilder:
		if i%6 == 5 {
			b.AppendNull()
		} else {
			b.Append(i%3 == 0)
		}
	case *array.ListBuilder:
		if i%4 == 2 {
			b.AppendNull()
			return
		}
		b.Append(true)
		vb := b.ValueBuilder().(*array.Int64Builder)
		for j := range i % 5 {
			vb.Append(int64(i*10 + j))
		}
	case *array.StructBuilder:
		if i%9 == 4 {
			b.AppendNull()
			return
		}
		b.Append(true)
		b.FieldBuilder(0).(*array.Int32Builder).Append(int32(-i))
		sb := b.FieldBuilder(1).(*array.StringBuilder)
		if i%2 == 0 {
			sb.AppendNull()
		} else {
			sb.Append(fmt.Sprint("s", i))
		}
	case *array.BinaryDictionaryBuilder:
		if i%8 == 7 {
			b.AppendNull()
			return
		}
		if err := b.AppendString([]string{"red", "green", "blue"}[i%3]); err != nil {
			panic(err)
		}
	case *array.TimestampBuilder:
		if i%10 == 0 {
			b.AppendNull()
		} else {
			b.Append(arrow.Timestamp(1_700_000_000_000 + int64(i)*3_600_000))
		}
	default:
		panic(fmt.Sprintf("column %d: unexpected builder %T", col, b))
	}
}

// buildRecord returns rows rows of the test data with the given columns of
// allTypesSchema (all of them when cols is nil), allocated from mem. The
// caller releases it.
func buildRecord(mem memory.Allocator, rows int, cols ...int) arrow.Record {
	schema := allTypesSchema
	if cols != nil {
		fields := make([]arrow.Field, len(cols))
		for i, c := range cols {
			fields[i] = allTypesSchema.Field(c)
		}
		schema = arrow.NewSchema(fields, nil)
	}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for c := range schema.NumFields() {
		for i := range rows {
			appendRow(b.Field(c), c, i)
		}
	}
	return b.NewRecord()
}

// recordCase is one record to round-trip; make returns it (owned).
type recordCase struct {
	name string
	make func(mem memory.Allocator) arrow.Record
}

func recordCases() []recordCase {
	cases := []recordCase{}
	for c := range allTypesSchema.NumFields() {
		cases = append(cases, recordCase{
			name: allTypesSchema.Field(c).Name,
			make: func(mem memory.Allocator) arrow.Record { return buildRecord(mem, 100, c) },
		})
	}
	return append(cases,
		recordCase{"all", func(mem memory.Allocator) arrow.Record { return buildRecord(mem, 257) }},
		recordCase{"zero-rows", func(mem memory.Allocator) arrow.Record { return buildRecord(mem, 0) }},
		recordCase{"sliced", func(mem memory.Allocator) arrow.Record {
			r := buildRecord(mem, 100)
			defer r.Release()
			return r.NewSlice(13, 71) // odd offsets: bitmaps start mid-byte
		}},
		recordCase{"sliced-to-empty", func(mem memory.Allocator) arrow.Record {
			r := buildRecord(mem, 20)
			defer r.Release()
			return r.NewSlice(5, 5)
		}},
	)
}

// encode encodes v with c into a new byte slice.
func encode(t *testing.T, c spill.Codec, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Encode(&buf, v); err != nil {
		t.Fatalf("%s: Encode: got error %v, want nil", c.Name(), err)
	}
	return buf.Bytes()
}

func TestRecordCodecRoundTrip(t *testing.T) {
	for _, comp := range compressions {
		for _, tc := range recordCases() {
			t.Run(comp.String()+"/"+tc.name, func(t *testing.T) {
				src := memory.NewCheckedAllocator(memory.NewGoAllocator())
				dst := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer src.AssertSize(t, 0)
				defer dst.AssertSize(t, 0)
				c := spill.RecordCodec{Compression: comp}

				want := tc.make(src)
				defer func() { want.Release() }() // want is replaced below
				if !c.Accepts(want) {
					t.Fatalf("Accepts(record): got false, want true")
				}
				b := encode(t, c, want)
				got, err := c.Decode(bytes.NewReader(b), int64(len(b)), dst)
				if err != nil {
					t.Fatalf("Decode: got error %v, want nil", err)
				}
				rec, ok := got.(arrow.Record)
				if !ok {
					t.Fatalf("Decode: got %T, want arrow.Record", got)
				}
				defer rec.Release()
				if !rec.Schema().Equal(want.Schema()) {
					t.Fatalf("schema: got %v, want %v", rec.Schema(), want.Schema())
				}
				if !array.RecordEqual(rec, want) {
					t.Fatalf("record: got\n%v\nwant\n%v", rec, want)
				}
				// The decoded record shares nothing with the source: it is
				// intact once the source is released.
				want.Release()
				if n := src.CurrentAlloc(); n != 0 {
					t.Fatalf("source allocator after releasing the source: got %d bytes, want 0", n)
				}
				want = tc.make(src)
				if !array.RecordEqual(rec, want) {
					t.Fatalf("record after the source was released: got\n%v\nwant\n%v", rec, want)
				}
			})
		}
	}
}

// TestRecordCodecTruncated decodes every prefix of encoded records: each
// gives an error, never a panic, and leaks nothing.
func TestRecordCodecTruncated(t *testing.T) {
	for _, comp := range compressions {
		t.Run(comp.String(), func(t *testing.T) {
			src := memory.NewCheckedAllocator(memory.NewGoAllocator())
			dst := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer src.AssertSize(t, 0)
			defer dst.AssertSize(t, 0)
			c := spill.RecordCodec{Compression: comp}
			rec := buildRecord(src, 40)
			b := encode(t, c, rec)
			rec.Release()
			step := max(1, len(b)/400) // every length near the ends, a sample between
			for n := 0; n < len(b); n++ {
				if n > 64 && n < len(b)-64 && n%step != 0 {
					continue
				}
				// The size is both the truncated length (a short stream)
				// and the full length (a reader that ends early).
				for _, size := range []int64{int64(n), int64(len(b))} {
					v, err := decodeNoPanic(t, c, b[:n], size, dst)
					if err == nil {
						releaseAny(v)
						t.Fatalf("Decode of %d of %d bytes (size %d): got a %T, want an error", n, len(b), size, v)
					}
				}
			}
			// Trailing bytes after the stream are an error too.
			v, err := decodeNoPanic(t, c, append(append([]byte{}, b...), 0, 0, 0, 0), int64(len(b)+4), dst)
			if err == nil {
				releaseAny(v)
				t.Fatalf("Decode with 4 trailing bytes: got a %T, want an error", v)
			}
		})
	}
}

// decodeNoPanic decodes b, failing the test if Decode panics.
func decodeNoPanic(t *testing.T, c spill.Codec, b []byte, size int64, mem memory.Allocator) (v any, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("Decode of %d bytes (size %d): panicked: %v, want an error", len(b), size, p)
			v, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return c.Decode(bytes.NewReader(b), size, mem)
}

func releaseAny(v any) {
	if r, ok := v.(interface{ Release() }); ok {
		r.Release()
	}
}

func TestRecordCodecRefusesOthers(t *testing.T) {
	c := spill.RecordCodec{Compression: spill.LZ4}
	for _, v := range []any{nil, []float64{1}, "x", arrow.Record(nil)} {
		if c.Accepts(v) {
			t.Errorf("Accepts(%T): got true, want false", v)
		}
		var buf bytes.Buffer
		if err := c.Encode(&buf, v); err == nil || !strings.Contains(err.Error(), c.Name()) {
			t.Errorf("Encode(%T): got %v, want an error naming %s", v, err, c.Name())
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if v, err := c.Decode(bytes.NewReader(nil), 0, mem); err == nil {
		releaseAny(v)
		t.Errorf("Decode of nothing: got %T, want an error", v)
	}
}

func TestCompressionString(t *testing.T) {
	tests := []struct {
		c    spill.Compression
		name string
		// codec is the RecordCodec's Name with this compression.
		codec string
	}{
		{spill.NoCompression, "none", "arrow-ipc"},
		{spill.LZ4, "lz4", "arrow-ipc-lz4"},
		{spill.ZSTD, "zstd", "arrow-ipc-zstd"},
		{spill.Compression(9), "Compression(9)", "arrow-ipc-Compression(9)"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.name {
			t.Errorf("String: got %q, want %q", got, tt.name)
		}
		if got := (spill.RecordCodec{Compression: tt.c}).Name(); got != tt.codec {
			t.Errorf("Name: got %q, want %q", got, tt.codec)
		}
	}
}

// TestCompressionShrinks checks that the compressed encodings are smaller
// than the plain one for repetitive data, i.e. that compression is on.
func TestCompressionShrinks(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewFloat64Builder(mem)
	for i := range 10000 {
		b.Append(float64(i % 4))
	}
	col := b.NewArray()
	b.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{col}, int64(col.Len()))
	col.Release()
	defer rec.Release()
	plain := len(encode(t, spill.RecordCodec{}, rec))
	for _, comp := range []spill.Compression{spill.LZ4, spill.ZSTD} {
		if n := len(encode(t, spill.RecordCodec{Compression: comp}, rec)); n >= plain/4 {
			t.Errorf("%s: got %d bytes, want under a quarter of the %d uncompressed", comp, n, plain)
		}
	}
}

// rawCase is a dense slice round-tripped through the raw codecs; they are
// not exported, so the test goes through a Manager that spills everything.
type rawCase struct {
	name  string
	value any
	// bytes is the encoded size: len × the element's size.
	bytes int64
}

func rawCases() []rawCase {
	nan := math.NaN()
	payloadNaN := math.Float64frombits(0x7ff8_0000_dead_beef)
	f64 := []float64{0, math.Copysign(0, -1), 1.5, -2.25, math.Inf(1), math.Inf(-1), nan, payloadNaN,
		math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64}
	f32 := []float32{0, float32(math.Copysign(0, -1)), 1.5, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(nan), math.Float32frombits(0x7fc0_1234), math.MaxFloat32, math.SmallestNonzeroFloat32}
	long := make([]float64, 3000) // several pieces
	for i := range long {
		long[i] = math.Sin(float64(i)) * 1e6
	}
	return []rawCase{
		{"float64", f64, int64(8 * len(f64))},
		{"float64-long", long, int64(8 * len(long))},
		{"float32", f32, int64(4 * len(f32))},
		{"int64", []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 0x0102030405060708}, 48},
		{"int32", []int32{0, -1, math.MaxInt32, math.MinInt32, 0x01020304}, 20},
		{"int16", []int16{0, -1, math.MaxInt16, math.MinInt16, 0x0102}, 10},
		{"int8", []int8{0, -1, math.MaxInt8, math.MinInt8}, 4},
		{"uint64", []uint64{0, 1, math.MaxUint64, 0x0102030405060708}, 32},
		{"uint32", []uint32{0, math.MaxUint32, 0x01020304}, 12},
		{"uint16", []uint16{0, math.MaxUint16, 0x0102}, 6},
		{"uint8", []uint8{0, 1, 0x7f, 0x80, 0xff}, 5},
		{"bool", []bool{true, false, false, true, true, true, false}, 7},
		{"float64-empty", []float64{}, 0},
		{"float32-empty", []float32{}, 0},
		{"int64-empty", []int64{}, 0},
		{"int32-empty", []int32{}, 0},
		{"int16-empty", []int16{}, 0},
		{"int8-empty", []int8{}, 0},
		{"uint64-empty", []uint64{}, 0},
		{"uint32-empty", []uint32{}, 0},
		{"uint16-empty", []uint16{}, 0},
		{"uint8-empty", []uint8{}, 0},
		{"bool-empty", []bool{}, 0},
	}
}

// rawEqual compares two dense slices element by element, floats by their
// bits so that NaNs and signed zeros count.
func rawEqual(a, b any) bool {
	switch a := a.(type) {
	case []float64:
		b, ok := b.([]float64)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				return false
			}
		}
		return true
	case []float32:
		b, ok := b.([]float32)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprintf("%T%v", a, a) == fmt.Sprintf("%T%v", b, b)
}

func TestRawCodecRoundTrip(t *testing.T) {
	cases := rawCases()
	mem := spill.NewMemStore()
	m := newManager(t, spill.Config{
		Limit:     1 << 20,
		SpillAt:   1e-6, // 1 byte: everything with a codec spills
		PauseAt:   1,
		PieceSize: 1 << 10,
		Store:     func() (spill.Store, error) { return mem, nil },
	})
	var entries []*spill.Entry
	var total, encoded int64
	for _, tc := range cases {
		// A copy goes in: the test keeps tc.value to compare with.
		v := cloneSlice(tc.value)
		// Empty slices are given a size so that they are spilled too.
		size := max(spill.SizeOf(v), 16)
		e, err := m.Put(label(tc.name), v, size)
		if err != nil {
			t.Fatalf("Put(%s): got error %v, want nil", tc.name, err)
		}
		entries = append(entries, e)
		total += size
		encoded += tc.bytes
	}
	waitFor(t, "everything spilled", func() bool { return m.Stats().Spilled == total })
	s := m.Stats()
	if s.Spills != int64(len(cases)) || s.Resident != 0 {
		t.Fatalf("after spilling: spills %d, resident %d, want %d, 0", s.Spills, s.Resident, len(cases))
	}
	// The raw format has nothing around the elements.
	if s.WrittenBytes != encoded || mem.Bytes() != encoded {
		t.Fatalf("encoded bytes: stats %d, store %d, want %d (len × element size)", s.WrittenBytes, mem.Bytes(), encoded)
	}
	for i, tc := range cases {
		got, err := m.Take(context.Background(), entries[i])
		if err != nil {
			t.Fatalf("Take(%s): got error %v, want nil", tc.name, err)
		}
		if !rawEqual(got, tc.value) {
			t.Errorf("%s: got %v (%T), want %v (%T)", tc.name, got, got, tc.value, tc.value)
		}
	}
	if s := m.Stats(); s.ReadBacks != int64(len(cases)) || s.Spilled != 0 || s.Resident != 0 {
		t.Errorf("after Take: read-backs %d, spilled %d, resident %d, want %d, 0, 0", s.ReadBacks, s.Spilled, s.Resident, len(cases))
	}
	waitFor(t, "the store to be emptied", func() bool { return mem.Len() == 0 })
}

func cloneSlice(v any) any {
	switch v := v.(type) {
	case []float64:
		return append([]float64{}, v...)
	case []float32:
		return append([]float32{}, v...)
	case []int64:
		return append([]int64{}, v...)
	case []int32:
		return append([]int32{}, v...)
	case []int16:
		return append([]int16{}, v...)
	case []int8:
		return append([]int8{}, v...)
	case []uint64:
		return append([]uint64{}, v...)
	case []uint32:
		return append([]uint32{}, v...)
	case []uint16:
		return append([]uint16{}, v...)
	case []uint8:
		return append([]uint8{}, v...)
	case []bool:
		return append([]bool{}, v...)
	}
	panic(fmt.Sprintf("cloneSlice: %T", v))
}
