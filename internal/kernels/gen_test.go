package kernels

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// gen is the source of every random choice in the differential tests: a
// seeded PRNG in the unit tests, the fuzzer's bytes in FuzzKernels (read in
// order; zeros once they run out).
type gen struct {
	r *rand.Rand
	b []byte
}

func newGen(seed int64) *gen { return &gen{r: rand.New(rand.NewSource(seed))} }

func (g *gen) u64() uint64 {
	if g.r != nil {
		return g.r.Uint64()
	}
	var buf [8]byte
	k := copy(buf[:], g.b)
	g.b = g.b[k:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (g *gen) byte() byte {
	if g.r != nil {
		return byte(g.r.Intn(256))
	}
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

// intn returns a number in [0, n), n > 0.
func (g *gen) intn(n int) int {
	if n <= 256 {
		return int(g.byte()) % n
	}
	return int(g.u64() % uint64(n))
}

func (g *gen) chance(pct int) bool { return g.intn(100) < pct }

func pick[T any](g *gen, xs ...T) T { return xs[g.intn(len(xs))] }

var (
	intTypes = []arrow.DataType{
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
		arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
	}
	floatTypes   = []arrow.DataType{arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64}
	numericTypes = append(append([]arrow.DataType{}, intTypes...), floatTypes...)
	stringTypes  = []arrow.DataType{arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString}
	tsTypes      = []arrow.DataType{
		&arrow.TimestampType{Unit: arrow.Second},
		&arrow.TimestampType{Unit: arrow.Millisecond},
		&arrow.TimestampType{Unit: arrow.Microsecond},
		&arrow.TimestampType{Unit: arrow.Nanosecond},
		&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
		&arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "America/New_York"},
		&arrow.TimestampType{Unit: arrow.Second, TimeZone: "Europe/Paris"},
		&arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "Asia/Kolkata"},
		&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "+05:45"},
		&arrow.TimestampType{Unit: arrow.Second, TimeZone: "Australia/Lord_Howe"},
	}
	otherTypes = []arrow.DataType{arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Date32, arrow.BinaryTypes.Binary}
)

// pieces of the random strings: ASCII, multi-byte letters whose case maps
// change length, an invalid byte.
var strPieces = []string{"a", "b", "Z", "x", "Y", " ", "é", "ß", "İ", "ẞ", "Σ", "σ", "ǅ", "日", "\xff", "ab", "AB", "K"}

// value returns a random value of dt as the Go type Operand uses (int32 for
// date32, int64 for timestamps), biased toward edge cases.
func (g *gen) value(dt arrow.DataType) any {
	u := g.u64()
	small := int64(g.intn(21)) - 10
	edge := g.chance(15)
	switch dt.ID() {
	case arrow.INT8:
		if edge {
			return pick(g, int8(math.MinInt8), int8(math.MaxInt8), int8(-1), int8(0))
		}
		return int8(u)
	case arrow.INT16:
		if edge {
			return pick(g, int16(math.MinInt16), int16(math.MaxInt16), int16(-1), int16(0))
		}
		return int16(u)
	case arrow.INT32:
		if edge {
			return pick(g, int32(math.MinInt32), int32(math.MaxInt32), int32(-1), int32(0))
		}
		if g.chance(50) {
			return int32(small)
		}
		return int32(u)
	case arrow.INT64:
		if edge {
			return pick(g, int64(math.MinInt64), int64(math.MaxInt64), int64(-1), int64(0))
		}
		if g.chance(50) {
			return small
		}
		return int64(u)
	case arrow.UINT8:
		if edge {
			return pick(g, uint8(0), uint8(math.MaxUint8))
		}
		return uint8(u)
	case arrow.UINT16:
		if edge {
			return pick(g, uint16(0), uint16(math.MaxUint16))
		}
		return uint16(u)
	case arrow.UINT32:
		if edge {
			return pick(g, uint32(0), uint32(math.MaxUint32))
		}
		if g.chance(50) {
			return uint32(small + 10)
		}
		return uint32(u)
	case arrow.UINT64:
		if edge {
			return pick(g, uint64(0), uint64(math.MaxUint64), uint64(1)<<63)
		}
		if g.chance(50) {
			return uint64(small + 10)
		}
		return u
	case arrow.FLOAT32:
		return float32(g.float())
	case arrow.FLOAT64:
		return g.float()
	case arrow.BOOL:
		return u&1 == 1
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return g.str(8)
	case arrow.DATE32:
		if edge {
			return pick(g, int32(0), int32(-1), int32(math.MaxInt32), int32(math.MinInt32), int32(59), int32(11016))
		}
		return int32(int64(u%(2*3_000_000)) - 3_000_000) // ±8,200 years
	case arrow.DATE64:
		return (int64(u%(2*3_000_000)) - 3_000_000) * 86_400_000
	case arrow.TIMESTAMP:
		per := unitsPerSecond(dt.(*arrow.TimestampType).Unit)
		span := uint64(1e6 * 86400) // ±2,700 years in seconds (ns: its whole range)
		if per == 1e9 {
			span = math.MaxInt64/1_000_000_000 - 1
		}
		sec := int64(u%(2*span)) - int64(span)
		if edge {
			sec = pick(g, int64(0), int64(-1), int64(86399), int64(951782400), int64(-86401))
		}
		return sec*per + int64(g.u64()%uint64(per))
	}
	panic(fmt.Sprintf("value: type %s", dt))
}

func (g *gen) float() float64 {
	switch g.intn(12) {
	case 0:
		return pick(g, math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, math.MaxFloat64, -math.SmallestNonzeroFloat64, 1e300, -1e20, 3.5e38, 2.5, -0.5)
	case 1, 2, 3:
		return float64(g.intn(21) - 10)
	case 4:
		return math.Float64frombits(g.u64())
	}
	return (float64(g.u64()>>11)/(1<<53) - 0.5) * math.Pow(10, float64(g.intn(24)-8))
}

func (g *gen) str(max int) string {
	var sb strings.Builder
	for range g.intn(max + 1) {
		sb.WriteString(pick(g, strPieces...))
	}
	return sb.String()
}

// array builds a random n-row array of dt with about pctNull% nulls; it is
// often a slice of a longer array, so its offset is not 0.
func (g *gen) array(mem memory.Allocator, dt arrow.DataType, n, pctNull int) arrow.Array {
	pre, post := 0, 0
	if g.chance(60) {
		pre, post = g.intn(70), g.intn(5)
	}
	rows := make([]any, pre+n+post)
	for i := range rows {
		if !g.chance(pctNull) {
			rows[i] = g.value(dt)
		}
	}
	full := buildArray(mem, dt, rows)
	if pre == 0 && post == 0 {
		return full
	}
	defer full.Release()
	return array.NewSlice(full, int64(pre), int64(pre+n))
}

// buildArray builds an array from rows of Go values (nil for null).
func buildArray(mem memory.Allocator, dt arrow.DataType, rows []any) arrow.Array {
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range rows {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.Int8Builder:
			b.Append(v.(int8))
		case *array.Int16Builder:
			b.Append(v.(int16))
		case *array.Int32Builder:
			b.Append(v.(int32))
		case *array.Int64Builder:
			b.Append(v.(int64))
		case *array.Uint8Builder:
			b.Append(v.(uint8))
		case *array.Uint16Builder:
			b.Append(v.(uint16))
		case *array.Uint32Builder:
			b.Append(v.(uint32))
		case *array.Uint64Builder:
			b.Append(v.(uint64))
		case *array.Float32Builder:
			b.Append(v.(float32))
		case *array.Float64Builder:
			b.Append(v.(float64))
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.LargeStringBuilder:
			b.Append(v.(string))
		case *array.BinaryBuilder:
			b.Append([]byte(v.(string)))
		case *array.Date32Builder:
			b.Append(arrow.Date32(v.(int32)))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v.(int64)))
		case *array.Date64Builder:
			b.Append(arrow.Date64(v.(int64)))
		default:
			panic(fmt.Sprintf("buildArray: %T", b))
		}
	}
	return b.NewArray()
}

// rowsOf reads an array back as Go values (nil for null).
func rowsOf(a arrow.Array) []any {
	rows := make([]any, a.Len())
	for i := range rows {
		if a.IsNull(i) {
			continue
		}
		switch a := a.(type) {
		case *array.Int8:
			rows[i] = a.Value(i)
		case *array.Int16:
			rows[i] = a.Value(i)
		case *array.Int32:
			rows[i] = a.Value(i)
		case *array.Int64:
			rows[i] = a.Value(i)
		case *array.Uint8:
			rows[i] = a.Value(i)
		case *array.Uint16:
			rows[i] = a.Value(i)
		case *array.Uint32:
			rows[i] = a.Value(i)
		case *array.Uint64:
			rows[i] = a.Value(i)
		case *array.Float32:
			rows[i] = a.Value(i)
		case *array.Float64:
			rows[i] = a.Value(i)
		case *array.Boolean:
			rows[i] = a.Value(i)
		case *array.String:
			rows[i] = a.Value(i)
		case *array.LargeString:
			rows[i] = a.Value(i)
		case *array.Binary:
			rows[i] = string(a.Value(i))
		case *array.LargeBinary:
			rows[i] = string(a.Value(i))
		case *array.Date32:
			rows[i] = int32(a.Value(i))
		case *array.Timestamp:
			rows[i] = int64(a.Value(i))
		case *array.Date64:
			rows[i] = int64(a.Value(i))
		default:
			panic(fmt.Sprintf("rowsOf: %T", a))
		}
	}
	return rows
}

// testOperand is an operand with its rows as Go values for the reference.
type testOperand struct {
	Operand
	rows []any // nil for a scalar
}

func (o testOperand) at(i int) any {
	if o.Array == nil {
		return o.Scalar
	}
	return o.rows[i]
}

func (o testOperand) release() {
	if o.Array != nil {
		o.Array.Release()
	}
}

// operand returns a random array (usually), scalar or null scalar of dt.
func (g *gen) operand(mem memory.Allocator, dt arrow.DataType, n int, scalarOK bool) testOperand {
	switch c := g.intn(10); {
	case scalarOK && c == 0:
		return testOperand{Operand: NullOf(dt)}
	case scalarOK && c <= 2:
		return testOperand{Operand: ScalarOf(g.value(dt), dt)}
	}
	a := g.array(mem, dt, n, pick(g, 0, 0, 10, 30, 90))
	return testOperand{Operand: ArrayOf(a), rows: rowsOf(a)}
}

// batchLen returns a batch length, often 0, 1 or a length around a word or
// block boundary.
func (g *gen) batchLen() int {
	switch g.intn(8) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return pick(g, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025)
	}
	return g.intn(200)
}

// sameValue compares result values: floats by bits except that NaNs match.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (math.Float64bits(x) == math.Float64bits(y) || (math.IsNaN(x) && math.IsNaN(y)))
	case float32:
		y, ok := b.(float32)
		return ok && (math.Float32bits(x) == math.Float32bits(y) || (x != x && y != y))
	}
	return a == b
}

// checkRows compares an array with the reference rows and checks that its
// null count matches its bitmap.
func checkRows(t testing.TB, label string, got arrow.Array, want []any) {
	t.Helper()
	if got.Len() != len(want) {
		t.Fatalf("%s: got %d rows, want %d", label, got.Len(), len(want))
	}
	rows := rowsOf(got)
	nulls := 0
	for i, w := range want {
		if w == nil {
			nulls++
		}
		if !sameValue(rows[i], w) {
			t.Fatalf("%s: row %d: got %#v, want %#v", label, i, rows[i], w)
		}
	}
	if got.NullN() != nulls {
		t.Fatalf("%s: got null count %d, want %d", label, got.NullN(), nulls)
	}
}

// run runs one randomised case per seed with a checked allocator.
func run(t *testing.T, cases int, one func(t testing.TB, mem memory.Allocator, g *gen)) {
	t.Helper()
	for seed := range cases {
		func() {
			defer func() {
				if t.Failed() {
					t.Logf("failed with seed %d", seed)
				}
			}()
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			one(t, mem, newGen(int64(seed)))
		}()
		if t.Failed() {
			return
		}
	}
}
