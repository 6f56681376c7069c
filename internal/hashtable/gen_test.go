package hashtable

import (
	"fmt"
	"math"
	"math/rand"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/dusk-go/dusk/internal/hashing"
)

// Test data: random key columns of every supported type and a naive
// reference that renders each key as a type-tagged string.

var allTypes = []arrow.DataType{
	arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
	arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
	arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Boolean,
	arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.Binary, arrow.BinaryTypes.LargeBinary,
	arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64, arrow.FixedWidthTypes.Timestamp_ms,
	arrow.FixedWidthTypes.Time32s, arrow.FixedWidthTypes.Time64us, arrow.FixedWidthTypes.Duration_ns,
	&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String},
	&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint16, ValueType: arrow.BinaryTypes.LargeString},
	&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.Binary},
	&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint8, ValueType: arrow.BinaryTypes.String},
	&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint32, ValueType: arrow.BinaryTypes.LargeBinary},
	&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int64, ValueType: arrow.BinaryTypes.String},
}

// colCfg says how to draw one key column.
type colCfg struct {
	dt     arrow.DataType
	domain int     // distinct draws
	nullP  float64 // probability of a null
	hot    bool    // half of the rows draw value 0
	wide   bool    // spread integers over their whole range
	base   int64   // added to integer values
	dictNu bool    // dictionaries hold a null entry
}

func (c colCfg) draw(r *rand.Rand) int {
	if c.hot && r.Intn(2) == 0 {
		return 0
	}
	return r.Intn(c.domain)
}

func intOf(c colCfg, d int) int64 {
	if c.wide {
		return int64(hashing.Mix64(uint64(d) + 1))
	}
	return c.base + int64(d)
}

func strOf(c colCfg, d int) string {
	switch d % 5 {
	case 0:
		if d%10 == 0 {
			return ""
		}
	case 1:
		return strings.Repeat("x", d%40) + fmt.Sprint(d)
	}
	return fmt.Sprintf("k%d", c.base+int64(d))
}

func float64Of(c colCfg, d int) float64 {
	switch d % 7 {
	case 0:
		return math.Copysign(0, -1)
	case 1:
		return math.Float64frombits(0x7ff8000000000000 | uint64(d))
	case 2:
		return 0
	}
	return float64(c.base+int64(d)) / 4
}

func float32Of(c colCfg, d int) float32 {
	switch d % 7 {
	case 0:
		return float32(math.Copysign(0, -1))
	case 1:
		return math.Float32frombits(0x7fc00000 | uint32(d&0xffff))
	case 2:
		return 0
	}
	return float32(c.base+int64(d)) / 4
}

// appendDraw appends draw d to a builder of a non-dictionary type.
func appendDraw(b array.Builder, c colCfg, d int) {
	v := intOf(c, d)
	switch b := b.(type) {
	case *array.Int8Builder:
		b.Append(int8(v))
	case *array.Int16Builder:
		b.Append(int16(v))
	case *array.Int32Builder:
		b.Append(int32(v))
	case *array.Int64Builder:
		b.Append(v)
	case *array.Uint8Builder:
		b.Append(uint8(v))
	case *array.Uint16Builder:
		b.Append(uint16(v))
	case *array.Uint32Builder:
		b.Append(uint32(v))
	case *array.Uint64Builder:
		b.Append(uint64(v))
	case *array.Float32Builder:
		b.Append(float32Of(c, d))
	case *array.Float64Builder:
		b.Append(float64Of(c, d))
	case *array.BooleanBuilder:
		b.Append(d%2 == 1)
	case *array.StringBuilder:
		b.Append(strOf(c, d))
	case *array.LargeStringBuilder:
		b.Append(strOf(c, d))
	case *array.BinaryBuilder:
		b.Append([]byte(strOf(c, d)))
	case *array.Date32Builder:
		b.Append(arrow.Date32(v))
	case *array.Date64Builder:
		b.Append(arrow.Date64(v))
	case *array.TimestampBuilder:
		b.Append(arrow.Timestamp(v))
	case *array.Time32Builder:
		b.Append(arrow.Time32(v))
	case *array.Time64Builder:
		b.Append(arrow.Time64(v))
	case *array.DurationBuilder:
		b.Append(arrow.Duration(v))
	default:
		panic(fmt.Sprintf("no generator for %T", b))
	}
}

// genColumn draws n rows of column c. With off > 0 the result is a slice
// at that offset of a longer array. Dictionary columns get a fresh,
// shuffled dictionary with unused entries.
func genColumn(mem memory.Allocator, r *rand.Rand, c colCfg, n, off int) arrow.Array {
	total := off + n + off/2
	if dt, ok := c.dt.(*arrow.DictionaryType); ok && dt.IndexType.ID() == arrow.INT8 {
		c.domain = min(c.domain, 100) // the dictionary must fit int8 indices
	}
	draws := make([]int, total)
	for i := range draws {
		draws[i] = c.draw(r)
		if r.Float64() < c.nullP {
			draws[i] = -1
		}
	}
	var a arrow.Array
	if dt, ok := c.dt.(*arrow.DictionaryType); ok {
		a = genDict(mem, r, c, dt, draws)
	} else {
		b := array.NewBuilder(mem, c.dt)
		for _, d := range draws {
			if d < 0 {
				b.AppendNull()
			} else {
				appendDraw(b, c, d)
			}
		}
		a = b.NewArray()
		b.Release()
	}
	if off == 0 && total == n {
		return a
	}
	s := array.NewSlice(a, int64(off), int64(off+n))
	a.Release()
	return s
}

func genDict(mem memory.Allocator, r *rand.Rand, c colCfg, dt *arrow.DictionaryType, draws []int) arrow.Array {
	// dictionary: the used draws, some unused ones, maybe a null, shuffled
	pos := map[int]int{}
	var entries []int
	for _, d := range draws {
		if _, ok := pos[d]; !ok && d >= 0 {
			pos[d] = -1
			entries = append(entries, d)
		}
	}
	for range 3 {
		entries = append(entries, c.domain+r.Intn(1000))
	}
	if c.dictNu {
		entries = append(entries, -1)
	}
	r.Shuffle(len(entries), func(i, j int) { entries[i], entries[j] = entries[j], entries[i] })
	vb := array.NewBuilder(mem, dt.ValueType)
	defer vb.Release()
	for i, d := range entries {
		pos[d] = i
		if d < 0 {
			vb.AppendNull()
			continue
		}
		appendDraw(vb, colCfg{dt: dt.ValueType, base: c.base}, d)
	}
	dict := vb.NewArray()
	defer dict.Release()
	ib := array.NewBuilder(mem, dt.IndexType)
	defer ib.Release()
	for _, d := range draws {
		if d < 0 && (!c.dictNu || r.Intn(2) == 0) {
			ib.AppendNull()
			continue
		}
		appendDraw(ib, colCfg{}, pos[d])
	}
	idx := ib.NewArray()
	defer idx.Release()
	return array.NewDictionaryArray(dt, idx, dict)
}

// encodeRow renders row i of a as a type-tagged string; "N" is null.
func encodeRow(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "N"
	}
	switch a := a.(type) {
	case *array.Int8:
		return fmt.Sprint("i", a.Value(i))
	case *array.Int16:
		return fmt.Sprint("i", a.Value(i))
	case *array.Int32:
		return fmt.Sprint("i", a.Value(i))
	case *array.Int64:
		return fmt.Sprint("i", a.Value(i))
	case *array.Uint8:
		return fmt.Sprint("u", a.Value(i))
	case *array.Uint16:
		return fmt.Sprint("u", a.Value(i))
	case *array.Uint32:
		return fmt.Sprint("u", a.Value(i))
	case *array.Uint64:
		return fmt.Sprint("u", a.Value(i))
	case *array.Float32:
		return encodeFloat(float64(a.Value(i)))
	case *array.Float64:
		return encodeFloat(a.Value(i))
	case *array.Boolean:
		return fmt.Sprint("b", a.Value(i))
	case *array.String:
		return fmt.Sprintf("s%q", a.Value(i))
	case *array.LargeString:
		return fmt.Sprintf("s%q", a.Value(i))
	case *array.Binary:
		return fmt.Sprintf("s%q", a.Value(i))
	case *array.LargeBinary:
		return fmt.Sprintf("s%q", a.Value(i))
	case *array.Date32:
		return fmt.Sprint("i", a.Value(i))
	case *array.Date64:
		return fmt.Sprint("i", a.Value(i))
	case *array.Timestamp:
		return fmt.Sprint("i", a.Value(i))
	case *array.Time32:
		return fmt.Sprint("i", a.Value(i))
	case *array.Time64:
		return fmt.Sprint("i", a.Value(i))
	case *array.Duration:
		return fmt.Sprint("i", a.Value(i))
	case *array.Dictionary:
		return encodeRow(a.Dictionary(), a.GetValueIndex(i))
	}
	panic(fmt.Sprintf("no encoding for %T", a))
}

func encodeFloat(f float64) string {
	switch {
	case f != f:
		return "fNaN"
	case f == 0:
		return "f0"
	}
	return fmt.Sprintf("f%x", math.Float64bits(f))
}

// rowKeys renders every row of cols, and whether it holds a null.
func rowKeys(cols []arrow.Array) ([]string, []bool) {
	n := cols[0].Len()
	keys, hasNull := make([]string, n), make([]bool, n)
	parts := make([]string, len(cols))
	for i := range keys {
		for c, a := range cols {
			parts[c] = encodeRow(a, i)
			hasNull[i] = hasNull[i] || parts[c] == "N"
		}
		keys[i] = strings.Join(parts, "|")
	}
	return keys, hasNull
}

// ref is the naive reference table.
type ref struct {
	m          map[string]int32
	nullsEqual bool
}

func newRef(nullsEqual bool) *ref { return &ref{m: map[string]int32{}, nullsEqual: nullsEqual} }

func (r *ref) ids(cols []arrow.Array, insert bool) []int32 {
	keys, hasNull := rowKeys(cols)
	out := make([]int32, len(keys))
	for i, k := range keys {
		if hasNull[i] && !r.nullsEqual {
			out[i] = -1
			continue
		}
		id, ok := r.m[k]
		if !ok {
			id = -1
			if insert {
				id = int32(len(r.m))
				r.m[k] = id
			}
		}
		out[i] = id
	}
	return out
}

func release(as []arrow.Array) {
	for _, a := range as {
		a.Release()
	}
}
