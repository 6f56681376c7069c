package kernels

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// refArith is the row-by-row reference for Arith.
func refArith(op ArithOp, x, y any) any {
	if x == nil || y == nil {
		return nil
	}
	switch x := x.(type) {
	case int8:
		return refInt(op, x, y.(int8))
	case int16:
		return refInt(op, x, y.(int16))
	case int32:
		return refInt(op, x, y.(int32))
	case int64:
		return refInt(op, x, y.(int64))
	case uint8:
		return refInt(op, x, y.(uint8))
	case uint16:
		return refInt(op, x, y.(uint16))
	case uint32:
		return refInt(op, x, y.(uint32))
	case uint64:
		return refInt(op, x, y.(uint64))
	case float32:
		y := y.(float32)
		switch op {
		case Add:
			return x + y
		case Sub:
			return x - y
		case Mul:
			return x * y
		case Div:
			return x / y
		}
		return float32(math.Mod(float64(x), float64(y)))
	case float64:
		y := y.(float64)
		switch op {
		case Add:
			return x + y
		case Sub:
			return x - y
		case Mul:
			return x * y
		case Div:
			return x / y
		}
		return math.Mod(x, y)
	}
	panic(fmt.Sprintf("refArith: %T", x))
}

func refInt[T integer](op ArithOp, x, y T) any {
	switch op {
	case Add:
		return x + y
	case Sub:
		return x - y
	case Mul:
		return x * y
	}
	if y == 0 {
		return nil
	}
	if op == Div {
		return x / y
	}
	return x % y
}

func checkArith(t testing.TB, mem memory.Allocator, g *gen) {
	dt := pick(g, numericTypes...)
	op := ArithOp(g.intn(5))
	n := g.batchLen()
	a := g.operand(mem, dt, n, true)
	defer a.release()
	b := g.operand(mem, dt, n, true)
	defer b.release()
	label := fmt.Sprintf("%s(%v, %v)", op, a.Operand, b.Operand)
	got, err := Arith(mem, op, a.Operand, b.Operand, n)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	defer got.Release()
	if !arrow.TypeEqual(got.DataType(), dt) {
		t.Fatalf("%s: got type %s, want %s", label, got.DataType(), dt)
	}
	want := make([]any, n)
	for i := range want {
		want[i] = refArith(op, a.at(i), b.at(i))
	}
	checkRows(t, label, got, want)
}

func TestArith(t *testing.T) { run(t, 3000, checkArith) }

func TestArithEdges(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	i64 := arrow.PrimitiveTypes.Int64
	x := buildArray(mem, i64, []any{int64(math.MinInt64), int64(math.MaxInt64), int64(7), int64(-7), nil})
	defer x.Release()
	y := buildArray(mem, i64, []any{int64(-1), int64(1), int64(0), int64(2), int64(1)})
	defer y.Release()
	for _, tc := range []struct {
		op   ArithOp
		want []any
	}{
		{Add, []any{int64(math.MaxInt64), int64(math.MinInt64), int64(7), int64(-5), nil}}, // wraps
		{Mul, []any{int64(math.MinInt64), int64(math.MaxInt64), int64(0), int64(-14), nil}},
		{Div, []any{int64(math.MinInt64), int64(math.MaxInt64), nil, int64(-3), nil}}, // MinInt64 / -1 wraps; / 0 is null
		{Mod, []any{int64(0), int64(0), nil, int64(-1), nil}},                         // sign of the dividend
	} {
		got, err := Arith(mem, tc.op, ArrayOf(x), ArrayOf(y), 5)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, tc.op.String(), got, tc.want)
		got.Release()
	}
	// A zero scalar divisor nulls every row.
	got, err := Arith(mem, Div, ArrayOf(x), ScalarOf(int64(0), i64), 5)
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, "x / 0", got, []any{nil, nil, nil, nil, nil})
	got.Release()
}

func TestArithErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	i64, f64 := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64
	x := buildArray(mem, i64, []any{int64(1), int64(2)})
	defer x.Release()
	s := buildArray(mem, arrow.BinaryTypes.String, []any{"a", "b"})
	defer s.Release()
	for _, tc := range []struct {
		name string
		op   ArithOp
		a, b Operand
		n    int
		is   error
		msg  string
	}{
		{"types differ", Add, ArrayOf(x), ScalarOf(1.0, f64), 2, ErrType, "kernels: add: operand types int64 and float64 differ"},
		{"length", Sub, ArrayOf(x), ScalarOf(int64(1), i64), 3, ErrLength, "kernels: sub: operand length 2 differs from batch length 3"},
		{"string", Mul, ArrayOf(s), ArrayOf(s), 2, ErrType, "kernels: mul: unsupported type utf8"},
		{"scalar Go type", Add, ArrayOf(x), ScalarOf(1, i64), 2, ErrType, "kernels: add: scalar of type int64 holds a Go int"},
		{"no type", Add, ArrayOf(x), Operand{}, 2, ErrArgument, "neither an array nor a type"},
		{"operator", ArithOp(99), ArrayOf(x), ArrayOf(x), 2, ErrArgument, "unknown operator"},
		{"negative n", Add, ScalarOf(int64(1), i64), ScalarOf(int64(1), i64), -1, ErrArgument, "negative batch length"},
	} {
		got, err := Arith(mem, tc.op, tc.a, tc.b, tc.n)
		if err == nil {
			got.Release()
			t.Errorf("%s: got no error, want %v", tc.name, tc.is)
			continue
		}
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want an error wrapping %v containing %q", tc.name, err, tc.is, tc.msg)
		}
	}
}
