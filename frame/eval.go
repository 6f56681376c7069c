package frame

import (
	"fmt"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/kernels"
)

// value is the result of evaluating an expression over a batch: an array or
// a scalar operand. owned says whether the array belongs to the evaluator
// (a kernel's result, released when no longer needed) or is borrowed from
// the batch (a column).
type value struct {
	op    kernels.Operand
	owned bool
}

func (v value) release() {
	if v.owned && v.op.Array != nil {
		v.op.Array.Release()
	}
}

// evalFn evaluates a compiled expression over a batch of n rows.
type evalFn func(mem memory.Allocator, rec arrow.Record) (value, error)

// compile turns a bound expression into an evaluator for batches of the
// given schema: column positions are looked up once, here.
func compile(e exprNode, s *arrow.Schema) (evalFn, error) {
	switch x := e.(type) {
	case *colExpr:
		idx := s.FieldIndices(x.name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("frame: internal error: column %q not in the batch schema %s", x.name, s)
		}
		i := idx[0]
		return func(_ memory.Allocator, rec arrow.Record) (value, error) {
			return value{op: kernels.ArrayOf(rec.Column(i))}, nil
		}, nil
	case *litExpr:
		op, err := litOperand(x)
		if err != nil {
			return nil, err
		}
		return func(memory.Allocator, arrow.Record) (value, error) { return value{op: op}, nil }, nil
	case *aliasExpr:
		return compile(x.x, s)
	}
	kids := e.children()
	fns := make([]evalFn, len(kids))
	for i, k := range kids {
		var err error
		if fns[i], err = compile(k, s); err != nil {
			return nil, err
		}
	}
	apply, err := kernelOf(e)
	if err != nil {
		return nil, err
	}
	text := e.String()
	return func(mem memory.Allocator, rec arrow.Record) (value, error) {
		args := make([]value, len(fns))
		defer func() {
			for _, a := range args {
				a.release()
			}
		}()
		ops := make([]kernels.Operand, len(fns))
		for i, fn := range fns {
			v, err := fn(mem, rec)
			if err != nil {
				return value{}, err
			}
			args[i], ops[i] = v, v.op
		}
		n := int(rec.NumRows())
		// A kernel over scalars only gives a scalar: evaluate it on one row.
		allScalar := true
		for _, o := range ops {
			allScalar = allScalar && o.IsScalar()
		}
		if allScalar {
			return scalarResult(mem, apply, ops, e.dataType(), text)
		}
		out, err := apply(mem, ops, n)
		if err != nil {
			return value{}, fmt.Errorf("%s: %w", text, err)
		}
		return value{op: kernels.ArrayOf(out), owned: true}, nil
	}, nil
}

// scalarResult applies a kernel to scalar operands over one row and returns
// the result as a scalar.
func scalarResult(mem memory.Allocator, apply kernelFn, ops []kernels.Operand, t arrow.DataType, text string) (value, error) {
	out, err := apply(mem, ops, 1)
	if err != nil {
		return value{}, fmt.Errorf("%s: %w", text, err)
	}
	defer out.Release()
	v, err := scalarAt(out, 0)
	if err != nil {
		return value{}, err
	}
	return value{op: kernels.ScalarOf(v, out.DataType())}, nil
}

// kernelFn applies a kernel to operands over n rows and returns an owned
// array.
type kernelFn func(mem memory.Allocator, ops []kernels.Operand, n int) (arrow.Array, error)

var arithKernels = map[binOp]kernels.ArithOp{
	opAdd: kernels.Add, opSub: kernels.Sub, opMul: kernels.Mul, opDiv: kernels.Div, opMod: kernels.Mod,
}

var cmpKernels = map[binOp]kernels.CmpOp{
	opEq: kernels.Eq, opNe: kernels.Ne, opLt: kernels.Lt, opLe: kernels.Le, opGt: kernels.Gt, opGe: kernels.Ge,
}

// kernelOf returns the kernel that computes node e from its operands.
func kernelOf(e exprNode) (kernelFn, error) {
	switch x := e.(type) {
	case *binaryExpr:
		switch {
		case x.op.arithmetic():
			op := arithKernels[x.op]
			return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
				return kernels.Arith(mem, op, o[0], o[1], n)
			}, nil
		case x.op.comparison():
			op := cmpKernels[x.op]
			return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
				return nonNil(kernels.Compare(mem, op, o[0], o[1], n))
			}, nil
		case x.op == opAnd:
			return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
				return nonNil(kernels.And(mem, o[0], o[1], n))
			}, nil
		case x.op == opOr:
			return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
				return nonNil(kernels.Or(mem, o[0], o[1], n))
			}, nil
		case x.op == opConcat:
			return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
				return kernels.Concat(mem, o[0], o[1], n)
			}, nil
		}
	case *unaryExpr:
		return unaryKernel(x.op)
	case *fillNullExpr:
		return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
			return kernels.FillNull(mem, o[0], o[1], n)
		}, nil
	case *castExpr:
		to := x.to
		return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
			a, owned, err := materialize(mem, o[0], n)
			if err != nil {
				return nil, err
			}
			if owned {
				defer a.Release()
			}
			return kernels.Cast(mem, a, to)
		}, nil
	case *matchExpr:
		pat, op := x.pattern, x.op
		return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
			switch op {
			case matchContains:
				return nonNil(kernels.Contains(mem, o[0], pat, n))
			case matchStarts:
				return nonNil(kernels.StartsWith(mem, o[0], pat, n))
			}
			return nonNil(kernels.EndsWith(mem, o[0], pat, n))
		}, nil
	case *substrExpr:
		start, length := x.start, x.length
		return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
			return kernels.Substring(mem, o[0], start, length, n)
		}, nil
	}
	return nil, fmt.Errorf("frame: internal error: no kernel for %s (%T)", e, e)
}

func unaryKernel(op unOp) (kernelFn, error) {
	var f func(memory.Allocator, kernels.Operand, int) (arrow.Array, error)
	switch op {
	case opNot:
		f = arrayOf(kernels.Not)
	case opIsNull:
		f = arrayOf(kernels.IsNull)
	case opIsNotNull:
		f = arrayOf(kernels.IsNotNull)
	case opLower:
		f = kernels.Lower
	case opUpper:
		f = kernels.Upper
	case opLength:
		f = arrayOf(kernels.Length)
	default:
		part, ok := timeParts[op]
		if !ok {
			return nil, fmt.Errorf("frame: internal error: no kernel for %s", op)
		}
		f = func(mem memory.Allocator, a kernels.Operand, n int) (arrow.Array, error) {
			return nonNil(kernels.Extract(mem, part, a, n))
		}
	}
	return func(mem memory.Allocator, o []kernels.Operand, n int) (arrow.Array, error) {
		return f(mem, o[0], n)
	}, nil
}

var timeParts = map[unOp]kernels.TimePart{
	opYear: kernels.Year, opMonth: kernels.Month, opDay: kernels.Day, opHour: kernels.Hour,
	opMinute: kernels.Minute, opSecond: kernels.Second, opWeekday: kernels.Weekday, opDayOfYear: kernels.DayOfYear,
}

// arrayOf adapts a kernel that returns a concrete array type.
func arrayOf[A arrow.Array](k func(memory.Allocator, kernels.Operand, int) (A, error)) func(memory.Allocator, kernels.Operand, int) (arrow.Array, error) {
	return func(mem memory.Allocator, a kernels.Operand, n int) (arrow.Array, error) {
		return nonNil(k(mem, a, n))
	}
}

// nonNil turns a kernel's typed result into an arrow.Array, never a non-nil
// interface holding a nil pointer.
func nonNil[A arrow.Array](a A, err error) (arrow.Array, error) {
	if err != nil {
		return nil, err
	}
	return a, nil
}

// materialize returns an operand as an array of n rows: its own array
// (borrowed) or a broadcast scalar (owned).
func materialize(mem memory.Allocator, o kernels.Operand, n int) (arrow.Array, bool, error) {
	if !o.IsScalar() {
		return o.Array, false, nil
	}
	a, err := kernels.Broadcast(mem, o, n)
	return a, true, err
}

// litOperand converts a literal to a kernel scalar of its type.
func litOperand(l *litExpr) (kernels.Operand, error) {
	if l.val == nil {
		return kernels.NullOf(l.typ), nil
	}
	switch v := l.val.(type) {
	case int64, float64, string, bool:
		return kernels.ScalarOf(v, l.typ), nil
	case time.Time:
		switch t := l.typ.(type) {
		case *arrow.Date32Type:
			return kernels.ScalarOf(int32(arrow.Date32FromTime(v)), t), nil
		case *arrow.TimestampType:
			ts, err := arrow.TimestampFromTime(v, t.Unit)
			if err != nil {
				return kernels.Operand{}, fmt.Errorf("frame: literal %s: %w", l, err)
			}
			return kernels.ScalarOf(int64(ts), t), nil
		}
	}
	return kernels.Operand{}, fmt.Errorf("frame: internal error: literal %s of type %s", l, l.typ)
}

// scalarAt returns element i of a as a kernel scalar: int64, float64,
// string, bool, int32 (date32 days), int64 (timestamp ticks), or nil.
func scalarAt(a arrow.Array, i int) (any, error) {
	if a.IsNull(i) {
		return nil, nil
	}
	switch x := a.(type) {
	case *array.Int64:
		return x.Value(i), nil
	case *array.Float64:
		return x.Value(i), nil
	case *array.String:
		return x.Value(i), nil
	case *array.Boolean:
		return x.Value(i), nil
	case *array.Date32:
		return int32(x.Value(i)), nil
	case *array.Timestamp:
		return int64(x.Value(i)), nil
	}
	return nil, fmt.Errorf("frame: internal error: no scalar of type %s", a.DataType())
}

// evalConstant evaluates an expression that reads no column to a literal.
func evalConstant(e exprNode) (*litExpr, error) {
	fn, err := compile(e, arrow.NewSchema(nil, nil))
	if err != nil {
		return nil, err
	}
	rec := array.NewRecord(arrow.NewSchema(nil, nil), nil, 1)
	defer rec.Release()
	v, err := fn(memory.DefaultAllocator, rec)
	if err != nil {
		return nil, err
	}
	defer v.release()
	if !v.op.IsScalar() {
		return nil, fmt.Errorf("frame: internal error: constant %s gave an array", e)
	}
	lit := &litExpr{typ: e.dataType()}
	switch s := v.op.Scalar.(type) {
	case nil:
	case int64, float64, string, bool:
		lit.val = s
	case int32: // date32
		lit.val = arrow.Date32(s).ToTime()
	default:
		return nil, fmt.Errorf("frame: internal error: constant %s gave a %T", e, s)
	}
	if ts, ok := e.dataType().(*arrow.TimestampType); ok && lit.val != nil {
		lit.val = arrow.Timestamp(lit.val.(int64)).ToTime(ts.Unit)
	}
	return lit, nil
}

// column evaluates a compiled expression over rec into an array of
// rec.NumRows() rows that the caller owns.
func column(mem memory.Allocator, fn evalFn, rec arrow.Record) (arrow.Array, error) {
	v, err := fn(mem, rec)
	if err != nil {
		return nil, err
	}
	if v.op.IsScalar() {
		return kernels.Broadcast(mem, v.op, int(rec.NumRows()))
	}
	if !v.owned {
		v.op.Array.Retain()
	}
	return v.op.Array, nil
}
