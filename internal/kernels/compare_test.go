package kernels

import (
	"cmp"
	"fmt"
	"math"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// refCompare is the row-by-row reference for Compare: IEEE for floats (NaN
// unordered), bytewise for strings, false < true.
func refCompare(op CmpOp, x, y any) any {
	if x == nil || y == nil {
		return nil
	}
	var c int
	switch x := x.(type) {
	case int8:
		c = cmp.Compare(x, y.(int8))
	case int16:
		c = cmp.Compare(x, y.(int16))
	case int32:
		c = cmp.Compare(x, y.(int32))
	case int64:
		c = cmp.Compare(x, y.(int64))
	case uint8:
		c = cmp.Compare(x, y.(uint8))
	case uint16:
		c = cmp.Compare(x, y.(uint16))
	case uint32:
		c = cmp.Compare(x, y.(uint32))
	case uint64:
		c = cmp.Compare(x, y.(uint64))
	case string:
		c = cmp.Compare(x, y.(string))
	case bool:
		c = cmp.Compare(b2i(x), b2i(y.(bool)))
	case float32:
		if math.IsNaN(float64(x)) || math.IsNaN(float64(y.(float32))) {
			return op == Ne
		}
		c = cmp.Compare(x, y.(float32))
	case float64:
		if math.IsNaN(x) || math.IsNaN(y.(float64)) {
			return op == Ne
		}
		c = cmp.Compare(x, y.(float64))
	default:
		panic(fmt.Sprintf("refCompare: %T", x))
	}
	switch op {
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
	}
	return c >= 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

var compareTypes = append(append(append(append([]arrow.DataType{}, numericTypes...), stringTypes...), otherTypes...), tsTypes[:3]...)

func checkCompare(t testing.TB, mem memory.Allocator, g *gen) {
	dt := pick(g, compareTypes...)
	op := CmpOp(g.intn(6))
	n := g.batchLen()
	a := g.operand(mem, dt, n, true)
	defer a.release()
	b := g.operand(mem, dt, n, true)
	defer func() { b.release() }()
	if g.chance(30) && a.Array != nil && b.Array != nil {
		b.release()
		b = testOperand{Operand: a.Operand, rows: a.rows} // x op x
		a.Array.Retain()
	}
	label := fmt.Sprintf("%s(%v, %v)", op, a.Operand, b.Operand)
	got, err := Compare(mem, op, a.Operand, b.Operand, n)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	defer got.Release()
	want := make([]any, n)
	for i := range want {
		want[i] = refCompare(op, a.at(i), b.at(i))
	}
	checkRows(t, label, got, want)
}

func TestCompare(t *testing.T) { run(t, 3000, checkCompare) }

func TestPackBools(t *testing.T) {
	for v := range 256 {
		var t8 [8]uint8
		for k := range t8 {
			t8[k] = uint8(v >> k & 1)
		}
		var out [1]byte
		packBools(out[:], t8[:])
		if int(out[0]) != v {
			t.Fatalf("packBools(%v): got %08b, want %08b", t8, out[0], v)
		}
	}
}

// TestArrowScalarTypes: scalars may hold arrow's named temporal types.
func TestArrowScalarTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, tc := range []struct {
		dt    arrow.DataType
		rows  []any
		typed any
	}{
		{arrow.FixedWidthTypes.Date32, []any{int32(4), int32(5)}, arrow.Date32(5)},
		{tsTypes[1], []any{int64(4), int64(5)}, arrow.Timestamp(5)},
	} {
		a := buildArray(mem, tc.dt, tc.rows)
		got, err := Compare(mem, Eq, ArrayOf(a), ScalarOf(tc.typed, tc.dt), 2)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, fmt.Sprint(tc.dt), got, []any{false, true})
		got.Release()
		a.Release()
	}
}
