package io

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// The pushdown property: for random data and random predicates, the rows
// that match in the row groups Partitions keeps are all the rows that
// match. Row group k holds values around k (the ranges overlap), some row
// groups are all null or have no null, and the float columns hold NaN in
// some row groups, so that pruning happens and is tested at its edges.

const (
	pushdownRowGroups = 16
	pushdownGroupRows = 40
)

func pushdownSchema() *arrow.Schema {
	f := func(name string, t arrow.DataType) arrow.Field {
		return arrow.Field{Name: name, Type: t, Nullable: true}
	}
	return arrow.NewSchema([]arrow.Field{
		f("i8", arrow.PrimitiveTypes.Int8),
		f("i16", arrow.PrimitiveTypes.Int16),
		f("i32", arrow.PrimitiveTypes.Int32),
		f("i64", arrow.PrimitiveTypes.Int64),
		f("u8", arrow.PrimitiveTypes.Uint8),
		f("u32", arrow.PrimitiveTypes.Uint32),
		f("u64", arrow.PrimitiveTypes.Uint64),
		f("f32", arrow.PrimitiveTypes.Float32),
		f("f64", arrow.PrimitiveTypes.Float64),
		f("b", arrow.FixedWidthTypes.Boolean),
		f("s", arrow.BinaryTypes.String),
		f("ls", arrow.BinaryTypes.LargeString),
		f("d32", arrow.FixedWidthTypes.Date32),
		f("ts_ms", &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}),
		f("ts_us", &arrow.TimestampType{Unit: arrow.Microsecond}),
		f("ts_ns", &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}),
		f("ts_s", &arrow.TimestampType{Unit: arrow.Second}),
	}, nil)
}

// pushdownBase is the middle of row group k's values for integer-like
// columns; the spread is ±pushdownSpread.
func pushdownBase(k int) int64 { return int64(k*6 - 40) }

const pushdownSpread = 5

// pushdownRecord builds the data: row group k is rows
// [k*pushdownGroupRows, (k+1)*pushdownGroupRows).
func pushdownRecord(t *testing.T, rng *rand.Rand) arrow.Record {
	sc := pushdownSchema()
	b := array.NewRecordBuilder(checkedAllocator(t), sc)
	defer b.Release()
	for k := 0; k < pushdownRowGroups; k++ {
		for r := 0; r < pushdownGroupRows; r++ {
			for c, f := range sc.Fields() {
				null := false
				switch {
				case k == 3: // all null
					null = true
				case k == 5 || k == 9: // no null
				default:
					null = rng.Intn(8) == 0
				}
				if null {
					b.Field(c).AppendNull()
					continue
				}
				v := pushdownBase(k) + int64(rng.Intn(2*pushdownSpread+1)-pushdownSpread)
				nan := (k == 6 || k == 12) && rng.Intn(4) == 0
				if k == 12 && (f.Name == "f32" || f.Name == "f64") {
					v = pushdownBase(k) // one value, and NaN: != v holds for the NaN rows
				}
				switch fb := b.Field(c).(type) {
				case *array.Int8Builder:
					fb.Append(int8(v))
				case *array.Int16Builder:
					fb.Append(int16(v * 100))
				case *array.Int32Builder:
					fb.Append(int32(v * 1e6))
				case *array.Int64Builder:
					fb.Append(v * 1e12)
				case *array.Uint8Builder:
					fb.Append(uint8(v + 60))
				case *array.Uint32Builder:
					fb.Append(uint32(v+60) * 3e7) // above 2^31 in the last row groups
				case *array.Uint64Builder:
					fb.Append(uint64(v+60) << 57 >> 1)
				case *array.Float32Builder:
					if nan {
						fb.Append(float32(math.NaN()))
					} else {
						fb.Append(float32(v) / 3)
					}
				case *array.Float64Builder:
					if nan {
						fb.Append(math.NaN())
					} else {
						fb.Append(float64(v) / 7)
					}
				case *array.BooleanBuilder:
					fb.Append(k%4 == 0 || (k%4 == 1 && rng.Intn(2) == 0))
				case *array.StringBuilder:
					fb.Append(pushdownString(v))
				case *array.LargeStringBuilder:
					fb.Append(pushdownString(v))
				case *array.Date32Builder:
					fb.Append(arrow.Date32(v))
				case *array.TimestampBuilder:
					fb.Append(arrow.Timestamp(v*1000 + int64(rng.Intn(1000))))
				default:
					t.Fatalf("no generator for %s", f.Type)
				}
			}
		}
	}
	return b.NewRecord()
}

// pushdownString maps integers to strings in the same order, with "" for
// the smallest and non-ASCII for the largest.
func pushdownString(v int64) string {
	v += 60
	if v < 24 {
		return strings.Repeat("a", max(0, int(v-16))) // "", "a", "aa", …
	}
	if v > 90 {
		return "é" + string(rune('a'+v-90))
	}
	return string(rune('a'+v/4)) + string(rune('a'+v%4))
}

// pushdownValue returns a random predicate value for column c, near the
// data (or exactly one of its values), sometimes of a type that does not
// fit.
func pushdownValue(rng *rand.Rand, sc *arrow.Schema, c int) any {
	v := pushdownBase(rng.Intn(pushdownRowGroups+2)-1) + int64(rng.Intn(2*pushdownSpread+3)-pushdownSpread-1)
	if rng.Intn(40) == 0 {
		return "misfit"
	}
	switch t := sc.Field(c).Type.(type) {
	case *arrow.Int8Type:
		return v
	case *arrow.Int16Type:
		return v*100 + int64(rng.Intn(3)-1)
	case *arrow.Int32Type:
		return v * 1e6
	case *arrow.Int64Type:
		return v * 1e12
	case *arrow.Uint8Type:
		return v + 60 - 70*int64(rng.Intn(8)/7) // sometimes negative
	case *arrow.Uint32Type:
		return (v + 60) * 3e7
	case *arrow.Uint64Type:
		return int64(uint64(v+60) << 57 >> 1)
	case *arrow.Float32Type:
		switch rng.Intn(10) {
		case 0:
			return math.NaN()
		case 1:
			return float64(v)/3 + 1e-9
		case 2:
			v = pushdownBase(12)
		}
		return float64(float32(v) / 3)
	case *arrow.Float64Type:
		switch rng.Intn(10) {
		case 0:
			return math.NaN()
		case 1:
			v = pushdownBase(12)
		}
		return float64(v) / 7
	case *arrow.BooleanType:
		return rng.Intn(2) == 0
	case *arrow.StringType, *arrow.LargeStringType:
		if rng.Intn(5) == 0 {
			return pushdownString(v) + "a"
		}
		return pushdownString(v)
	case *arrow.Date32Type:
		return day(int(v), time.Duration(rng.Intn(3))*12*time.Hour)
	case *arrow.TimestampType:
		ticks := v*1000 + int64(rng.Intn(1000))
		at := testEpoch.Add(time.Duration(ticks) * t.Unit.Multiplier())
		return at.Add(time.Duration(rng.Intn(3)-1) * time.Duration(rng.Intn(1500)))
	}
	panic(fmt.Sprintf("no value for %s", sc.Field(c).Type))
}

// rowMatches is the reference: does row i of rec satisfy p, with SQL nulls
// and IEEE 754 comparisons, times compared as instants?
func rowMatches(rec arrow.Record, i int, p Predicate) bool {
	col := rec.Column(rec.Schema().FieldIndices(p.Column)[0])
	switch p.Op {
	case IsNull:
		return col.IsNull(i)
	case NotNull:
		return col.IsValid(i)
	}
	if col.IsNull(i) {
		return false
	}
	var c int // -1, 0, 1 for x < v, x == v, x > v
	switch a := col.(type) {
	case *array.Int8, *array.Int16, *array.Int32, *array.Int64:
		v, ok := p.Value.(int64)
		if !ok {
			return true
		}
		c = cmpOrdered(intValue(a, i), v)
	case *array.Uint8, *array.Uint32, *array.Uint64:
		v, ok := p.Value.(int64)
		if !ok {
			return true
		}
		u := uintValue(a, i)
		if v < 0 {
			c = 1
		} else {
			c = cmpOrdered(u, uint64(v))
		}
	case *array.Float32, *array.Float64:
		v, ok := p.Value.(float64)
		if !ok {
			return true
		}
		var x float64
		if f, ok := a.(*array.Float32); ok {
			x = float64(f.Value(i))
		} else {
			x = a.(*array.Float64).Value(i)
		}
		if math.IsNaN(x) || math.IsNaN(v) {
			return p.Op == Ne
		}
		c = cmpOrdered(x, v)
	case *array.Boolean:
		v, ok := p.Value.(bool)
		if !ok {
			return true
		}
		c = cmpOrdered(boolInt(a.Value(i)), boolInt(v))
	case *array.String, *array.LargeString:
		v, ok := p.Value.(string)
		if !ok {
			return true
		}
		c = strings.Compare(a.ValueStr(i), v)
	case *array.Date32:
		v, ok := p.Value.(time.Time)
		if !ok {
			return true
		}
		c = day(int(a.Value(i)), 0).Compare(v)
	case *array.Timestamp:
		v, ok := p.Value.(time.Time)
		if !ok {
			return true
		}
		unit := a.DataType().(*arrow.TimestampType).Unit
		c = a.Value(i).ToTime(unit).Compare(v)
	default:
		panic(fmt.Sprintf("no reference for %T", col))
	}
	switch p.Op {
	case Eq:
		return c == 0
	case Ne:
		return c != 0
	case Lt:
		return c < 0
	case Le:
		return c <= 0
	case Gt:
		return c > 0
	case Ge:
		return c >= 0
	}
	return true
}

func intValue(a arrow.Array, i int) int64 {
	switch a := a.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	}
	panic("not an integer array")
}

func uintValue(a arrow.Array, i int) uint64 {
	switch a := a.(type) {
	case *array.Uint8:
		return uint64(a.Value(i))
	case *array.Uint32:
		return uint64(a.Value(i))
	case *array.Uint64:
		return a.Value(i)
	}
	panic("not an unsigned array")
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func TestParquetPushdownProperty(t *testing.T) {
	mem := checkedAllocator(t)
	rng := rand.New(rand.NewSource(9))
	rec := pushdownRecord(t, rng)
	defer rec.Release()
	sc := rec.Schema()
	path := tempPath(t, "pushdown.parquet")
	w, err := CreateParquet(path, sc, ParquetWriteOptions{RowGroupRows: pushdownGroupRows})
	writeRecords(t, w, err, rec)
	d, err := OpenParquet(context.Background(), []string{path}, ParquetOptions{PartitionBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.Partitions(nil)); n != pushdownRowGroups {
		t.Fatalf("partitions: got %d, want %d", n, pushdownRowGroups)
	}
	ops := []CmpOp{Eq, Ne, Lt, Le, Gt, Ge, IsNull, NotNull}
	pruned := make(map[string]int) // row groups left out, by column
	for trial := 0; trial < 3000; trial++ {
		var filter []Predicate
		for n := 1 + rng.Intn(2); n > 0; n-- {
			c := rng.Intn(sc.NumFields())
			p := Predicate{Column: sc.Field(c).Name, Op: ops[rng.Intn(len(ops))]}
			if p.Op != IsNull && p.Op != NotNull {
				p.Value = pushdownValue(rng, sc, c)
			}
			filter = append(filter, p)
		}
		kept := make([]bool, pushdownRowGroups)
		for _, p := range d.Partitions(filter) {
			for _, rg := range p.(*parquetPartition).rowGroups {
				kept[rg] = true
			}
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			match := true
			for _, p := range filter {
				match = match && rowMatches(rec, i, p)
			}
			if match && !kept[i/pushdownGroupRows] {
				t.Fatalf("%v: row group %d was left out, but its row %d matches", filter, i/pushdownGroupRows, i%pushdownGroupRows)
			}
		}
		for _, k := range kept {
			if !k && len(filter) == 1 {
				pruned[filter[0].Column+" "+filter[0].Op.String()]++
			}
		}
	}
	// Pruning happens for every type the statistics cover (a weak check
	// that the test tests something: unsigned columns from the Go writer
	// are not pruned on bounds).
	for _, f := range sc.Fields() {
		if pruned[f.Name+" ="] == 0 && !strings.HasPrefix(f.Name, "u") {
			t.Errorf("column %s: = never pruned a row group", f.Name)
		}
		if pruned[f.Name+" is null"] == 0 {
			t.Errorf("column %s: is null never pruned a row group", f.Name)
		}
	}

	// Reading a partition with the filter returns the rows of the row
	// groups Partitions keeps.
	filter := []Predicate{{Column: "i32", Op: Ge, Value: pushdownBase(10) * 1e6}}
	kept := make(map[int]bool)
	for _, p := range d.Partitions(filter) {
		kept[p.(*parquetPartition).rowGroups[0]] = true
	}
	if len(kept) == 0 || len(kept) == pushdownRowGroups {
		t.Fatalf("%v keeps %d row groups, want some but not all", filter, len(kept))
	}
	for k, p := range d.Partitions(nil) {
		r, err := p.Read(context.Background(), ReadOptions{Allocator: mem, Filter: filter, Columns: []string{"i32"}})
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		if kept[k] {
			want = pushdownGroupRows
		}
		if r.NumRows() != want {
			t.Errorf("row group %d read with %v: got %d rows, want %d", k, filter, r.NumRows(), want)
		}
		r.Release()
	}
}
