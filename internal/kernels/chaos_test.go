package kernels

import (
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// chaosTypes mixes the types kernels take with some they do not.
var chaosTypes = append(append([]arrow.DataType{}, anyTypes...), arrow.Null, listType, dictType, decType, arrow.FixedWidthTypes.Date64, arrow.FixedWidthTypes.Duration_ms)

// chaosOperand is an operand of a random type, length and Go scalar value:
// often of the wrong type or length for the kernel it is given to.
func (g *gen) chaosOperand(mem memory.Allocator, n int) (Operand, func()) {
	dt := pick(g, chaosTypes...)
	switch g.intn(6) {
	case 0:
		return NullOf(dt), func() {}
	case 1:
		// A scalar whose Go value may not match its type.
		v := pick[any](g, int64(1), 2.5, "x", true, int32(3), []byte("b"), uint8(1), float32(1), nil)
		return ScalarOf(v, dt), func() {}
	case 2:
		if n > 0 && g.chance(50) {
			n-- // wrong length
		}
	}
	var a arrow.Array
	switch dt.ID() {
	case arrow.NULL:
		a = array.NewNull(n)
	case arrow.LIST, arrow.DICTIONARY, arrow.DECIMAL128, arrow.DATE64, arrow.DURATION:
		a = array.MakeArrayOfNull(mem, dt, n)
	default:
		a = g.array(mem, dt, n, 20)
	}
	return ArrayOf(a), a.Release
}

// checkChaos calls a random kernel with random operands and checks only
// that it returns an error or an n-row result, and leaks nothing.
func checkChaos(t testing.TB, mem memory.Allocator, g *gen) {
	n := g.batchLen()
	a, ra := g.chaosOperand(mem, n)
	defer ra()
	b, rb := g.chaosOperand(mem, n)
	defer rb()
	kind := g.intn(22)
	var (
		got arrow.Array
		err error
	)
	switch kind {
	case 0:
		got, err = Arith(mem, ArithOp(g.intn(6)), a, b, n)
	case 1:
		var r *array.Boolean
		r, err = Compare(mem, CmpOp(g.intn(7)), a, b, n)
		got = arrOrNil(r)
	case 2:
		var r *array.Boolean
		r, err = And(mem, a, b, n)
		got = arrOrNil(r)
	case 3:
		var r *array.Boolean
		r, err = Or(mem, a, b, n)
		got = arrOrNil(r)
	case 4:
		var r *array.Boolean
		r, err = Not(mem, a, n)
		got = arrOrNil(r)
	case 5:
		var r *array.Boolean
		r, err = IsNull(mem, a, n)
		got = arrOrNil(r)
	case 6:
		got, err = FillNull(mem, a, b, n)
	case 7:
		got, err = Broadcast(mem, a, n)
	case 8:
		var r *array.Boolean
		r, err = Contains(mem, a, "x", n)
		got = arrOrNil(r)
	case 9:
		got, err = Lower(mem, a, n)
	case 10:
		var r *array.Int64
		r, err = Length(mem, a, n)
		got = arrOrNil(r)
	case 11:
		got, err = Substring(mem, a, int64(g.intn(5))-2, int64(g.intn(5))-1, n)
	case 12:
		got, err = Concat(mem, a, b, n)
	case 13:
		var r *array.Int64
		r, err = Extract(mem, TimePart(g.intn(12)), a, n)
		got = arrOrNil(r)
	case 14, 15:
		if a.Array != nil {
			got, err = Cast(mem, a.Array, b.DataType())
			n = a.Array.Len()
		} else {
			_, err = Cast(mem, nil, b.DataType())
		}
	case 16:
		if a.Array != nil {
			got, err = Widen(mem, a.Array, b.DataType())
			n = a.Array.Len()
		}
	case 17, 18:
		mask, ok := b.Array.(*array.Boolean)
		if a.Array == nil || !ok {
			return
		}
		got, err = FilterArray(mem, a.Array, mask)
		if err == nil {
			n = countTrue(mask)
		}
	default:
		var r *array.Boolean
		r, err = StartsWith(mem, a, "", n)
		got = arrOrNil(r)
	}
	if err != nil {
		if got != nil {
			t.Fatalf("kernel %d: got both a result and %v", kind, err)
		}
		return
	}
	if got == nil {
		return
	}
	defer got.Release()
	if got.Len() != n {
		t.Fatalf("kernel %d (%v, %v): got %d rows, want %d", kind, a, b, got.Len(), n)
	}
	_ = fmt.Sprint(got) // every value is readable
}

// arrOrNil turns a typed nil result into a nil arrow.Array.
func arrOrNil[P any, T interface {
	*P
	arrow.Array
}](a T) arrow.Array {
	if a == nil {
		return nil
	}
	return a
}

func countTrue(m *array.Boolean) int {
	c := 0
	for i := range m.Len() {
		if m.IsValid(i) && m.Value(i) {
			c++
		}
	}
	return c
}

func TestChaos(t *testing.T) { run(t, 3000, checkChaos) }
