package kernels

import (
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// refKleene is SQL's three-valued AND / OR over nil-able bools.
func refKleene(or bool, x, y any) any {
	xb, xok := x.(bool)
	yb, yok := y.(bool)
	if or {
		switch {
		case xok && xb, yok && yb:
			return true
		case xok && yok:
			return false
		}
		return nil
	}
	switch {
	case xok && !xb, yok && !yb:
		return false
	case xok && yok:
		return true
	}
	return nil
}

func checkLogic(t testing.TB, mem memory.Allocator, g *gen) {
	bt := arrow.FixedWidthTypes.Boolean
	n := g.batchLen()
	a := g.operand(mem, bt, n, true)
	defer a.release()
	b := g.operand(mem, bt, n, true)
	defer b.release()
	kind := g.intn(3)
	label := fmt.Sprintf("%s(%v, %v)", []string{"and", "or", "not"}[kind], a.Operand, b.Operand)
	var (
		got arrow.Array
		err error
	)
	switch kind {
	case 0:
		got, err = And(mem, a.Operand, b.Operand, n)
	case 1:
		got, err = Or(mem, a.Operand, b.Operand, n)
	default:
		got, err = Not(mem, a.Operand, n)
	}
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	defer got.Release()
	want := make([]any, n)
	for i := range want {
		switch kind {
		case 2:
			if v, ok := a.at(i).(bool); ok {
				want[i] = !v
			}
		default:
			want[i] = refKleene(kind == 1, a.at(i), b.at(i))
		}
	}
	checkRows(t, label, got, want)
}

func TestLogic(t *testing.T) { run(t, 2000, checkLogic) }

var anyTypes = append(append(append(append([]arrow.DataType{}, numericTypes...), stringTypes...), otherTypes...), tsTypes...)

func checkNulls(t testing.TB, mem memory.Allocator, g *gen) {
	dt := pick(g, anyTypes...)
	n := g.batchLen()
	a := g.operand(mem, dt, n, true)
	defer a.release()
	fill := g.operand(mem, dt, n, true)
	defer fill.release()
	label := fmt.Sprintf("(%v, %v)", a.Operand, fill.Operand)

	isNull, err := IsNull(mem, a.Operand, n)
	if err != nil {
		t.Fatalf("is_null%s: %v", label, err)
	}
	defer isNull.Release()
	notNull, err := IsNotNull(mem, a.Operand, n)
	if err != nil {
		t.Fatalf("is_not_null%s: %v", label, err)
	}
	defer notNull.Release()
	filled, err := FillNull(mem, a.Operand, fill.Operand, n)
	if err != nil {
		t.Fatalf("fill_null%s: %v", label, err)
	}
	defer filled.Release()
	bcast, err := Broadcast(mem, a.Operand, n)
	if err != nil {
		t.Fatalf("broadcast%s: %v", label, err)
	}
	defer bcast.Release()

	wantNull, wantNotNull, wantFill, wantB := make([]any, n), make([]any, n), make([]any, n), make([]any, n)
	for i := range n {
		wantNull[i] = a.at(i) == nil
		wantNotNull[i] = a.at(i) != nil
		wantFill[i] = a.at(i)
		if wantFill[i] == nil {
			wantFill[i] = fill.at(i)
		}
		wantB[i] = a.at(i)
	}
	checkRows(t, "is_null"+label, isNull, wantNull)
	checkRows(t, "is_not_null"+label, notNull, wantNotNull)
	checkRows(t, "fill_null"+label, filled, wantFill)
	checkRows(t, "broadcast"+label, bcast, wantB)
	if !arrow.TypeEqual(filled.DataType(), dt) || !arrow.TypeEqual(bcast.DataType(), dt) {
		t.Fatalf("%s: got types %s and %s, want %s", label, filled.DataType(), bcast.DataType(), dt)
	}
}

func TestNulls(t *testing.T) { run(t, 2000, checkNulls) }

func TestLogicErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	i64 := arrow.PrimitiveTypes.Int64
	bt := arrow.FixedWidthTypes.Boolean
	if _, err := And(mem, ScalarOf(int64(1), i64), ScalarOf(true, bt), 3); err == nil {
		t.Error("and(int64, bool): got no error")
	}
	if _, err := Not(mem, NullOf(i64), 3); err == nil {
		t.Error("not(int64): got no error")
	}
	if _, err := FillNull(mem, NullOf(i64), NullOf(bt), 3); err == nil {
		t.Error("fill_null(int64, bool): got no error")
	}
	if _, err := Broadcast(mem, ScalarOf("x", i64), 3); err == nil {
		t.Error("broadcast(int64 holding a string): got no error")
	}
}
