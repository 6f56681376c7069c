package kernels

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// ArithOp is a binary arithmetic operator.
type ArithOp uint8

const (
	Add ArithOp = iota
	Sub
	Mul
	Div
	Mod
)

func (op ArithOp) String() string {
	switch op {
	case Add:
		return "add"
	case Sub:
		return "sub"
	case Mul:
		return "mul"
	case Div:
		return "div"
	case Mod:
		return "mod"
	}
	return "arith"
}

// Arith computes a op b row by row over a batch of n rows and returns a new
// array of the operands' type, allocated from mem and owned by the caller.
// The operands are borrowed and must have the same type: int8 … int64,
// uint8 … uint64, float32 or float64.
//
// A row is null when either operand is null. Integers wrap on overflow
// (two's complement, as Go does); integer Div truncates toward zero and
// integer Div and Mod by zero give null. Floats follow IEEE 754: x/0 is ±Inf
// or NaN, and Mod is math.Mod (the sign of the dividend; NaN for a zero
// divisor). Mod of integers takes the sign of the dividend, like Go's %.
func Arith(mem memory.Allocator, op ArithOp, a, b Operand, n int) (arrow.Array, error) {
	if op > Mod {
		return nil, errorf(ErrArgument, "arith", "unknown operator %d", op)
	}
	name := op.String()
	if err := check(name, n, a, b); err != nil {
		return nil, err
	}
	dt, err := sameType(name, a, b)
	if err != nil {
		return nil, err
	}
	if a.IsScalar() && b.IsScalar() {
		return foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return Arith(mem, op, ops[0], ops[1], 1)
		}, a, b)
	}
	switch dt.ID() {
	case arrow.INT8:
		return arithInt[int8](mem, op, dt, a, b, n), nil
	case arrow.INT16:
		return arithInt[int16](mem, op, dt, a, b, n), nil
	case arrow.INT32:
		return arithInt[int32](mem, op, dt, a, b, n), nil
	case arrow.INT64:
		return arithInt[int64](mem, op, dt, a, b, n), nil
	case arrow.UINT8:
		return arithInt[uint8](mem, op, dt, a, b, n), nil
	case arrow.UINT16:
		return arithInt[uint16](mem, op, dt, a, b, n), nil
	case arrow.UINT32:
		return arithInt[uint32](mem, op, dt, a, b, n), nil
	case arrow.UINT64:
		return arithInt[uint64](mem, op, dt, a, b, n), nil
	case arrow.FLOAT32:
		return arithFloat[float32](mem, op, dt, a, b, n), nil
	case arrow.FLOAT64:
		return arithFloat[float64](mem, op, dt, a, b, n), nil
	}
	return nil, errorf(ErrType, name, "unsupported type %s", dt)
}

// operandsOf returns the values of the array operands and the value of a
// scalar one (at most one operand is a scalar here).
func operandsOf[T number](a, b Operand) (x, y []T, s T) {
	if a.Array != nil {
		x = values[T](a.Array)
	} else {
		s = scalarNum[T](a.Scalar)
	}
	if b.Array != nil {
		y = values[T](b.Array)
	} else {
		s = scalarNum[T](b.Scalar)
	}
	return x, y, s
}

func arithFloat[T float](mem memory.Allocator, op ArithOp, dt arrow.DataType, a, b Operand, n int) arrow.Array {
	if a.isNull() || b.isNull() {
		return array.MakeArrayOfNull(mem, dt, n)
	}
	validity, nulls := andValidity(mem, n, a, b)
	vbuf, out := newValues[T](mem, n)
	x, y, s := operandsOf[T](a, b)
	switch op {
	case Add, Sub, Mul:
		addSubMul(op, out, x, y, s)
	case Div:
		switch {
		case x != nil && y != nil:
			y = y[:len(x)]
			out = out[:len(x)]
			for i := range x {
				out[i] = x[i] / y[i]
			}
		case x != nil:
			out = out[:len(x)]
			for i := range x {
				out[i] = x[i] / s
			}
		default:
			out = out[:len(y)]
			for i := range y {
				out[i] = s / y[i]
			}
		}
	case Mod:
		switch {
		case x != nil && y != nil:
			y = y[:len(x)]
			out = out[:len(x)]
			for i := range x {
				out[i] = T(math.Mod(float64(x[i]), float64(y[i])))
			}
		case x != nil:
			out = out[:len(x)]
			for i := range x {
				out[i] = T(math.Mod(float64(x[i]), float64(s)))
			}
		default:
			out = out[:len(y)]
			for i := range y {
				out[i] = T(math.Mod(float64(s), float64(y[i])))
			}
		}
	}
	return build(dt, n, nulls, validity, vbuf)
}

func arithInt[T integer](mem memory.Allocator, op ArithOp, dt arrow.DataType, a, b Operand, n int) arrow.Array {
	if a.isNull() || b.isNull() {
		return array.MakeArrayOfNull(mem, dt, n)
	}
	x, y, s := operandsOf[T](a, b)
	if (op == Div || op == Mod) && y == nil && s == 0 {
		return array.MakeArrayOfNull(mem, dt, n) // every divisor is zero
	}
	validity, nulls := andValidity(mem, n, a, b)
	vbuf, out := newValues[T](mem, n)
	if op == Add || op == Sub || op == Mul {
		addSubMul(op, out, x, y, s)
		return build(dt, n, nulls, validity, vbuf)
	}
	if !divMod(op == Div, out, x, y, s) {
		return build(dt, n, nulls, validity, vbuf)
	}
	// Some divisor is zero (perhaps only under a null): null those rows.
	nonzero := func(w int) uint64 {
		lo := w << 6
		hi := min(lo+64, len(y))
		var m uint64
		for i, v := range y[lo:hi] {
			if v != 0 {
				m |= 1 << i
			}
		}
		return m
	}
	if validity == nil {
		var set int
		validity, set = bitmapOf(mem, n, nonzero)
		nulls = n - set
	} else {
		bw := bitWriter{b: validity.Buf()}
		old := bitSrc{bm: validity.Bytes()}
		set := 0
		for w := range words(n) {
			v := old.word(w) & nonzero(w)
			set += popcount(v)
			bw.put(w, v)
		}
		nulls = n - set
	}
	return build(dt, n, nulls, validity, vbuf)
}

// addSubMul writes x op y (one of x, y may be nil: then it is the scalar s).
func addSubMul[T number](op ArithOp, out, x, y []T, s T) {
	switch {
	case x != nil && y != nil:
		y = y[:len(x)]
		out = out[:len(x)]
		switch op {
		case Add:
			for i := range x {
				out[i] = x[i] + y[i]
			}
		case Sub:
			for i := range x {
				out[i] = x[i] - y[i]
			}
		case Mul:
			for i := range x {
				out[i] = x[i] * y[i]
			}
		}
	case x != nil:
		out = out[:len(x)]
		switch op {
		case Add:
			for i := range x {
				out[i] = x[i] + s
			}
		case Sub:
			for i := range x {
				out[i] = x[i] - s
			}
		case Mul:
			for i := range x {
				out[i] = x[i] * s
			}
		}
	default:
		out = out[:len(y)]
		switch op {
		case Add:
			for i := range y {
				out[i] = s + y[i]
			}
		case Sub:
			for i := range y {
				out[i] = s - y[i]
			}
		case Mul:
			for i := range y {
				out[i] = s * y[i]
			}
		}
	}
}

// divMod writes x / y or x % y for integers, writing 0 where the divisor is
// 0, and reports whether any divisor was 0. A scalar divisor is never 0 here.
func divMod[T integer](div bool, out, x, y []T, s T) (zero bool) {
	switch {
	case x != nil && y != nil:
		y = y[:len(x)]
		out = out[:len(x)]
		for i := range x {
			if d := y[i]; d != 0 {
				if div {
					out[i] = x[i] / d
				} else {
					out[i] = x[i] % d
				}
			} else {
				out[i] = 0
				zero = true
			}
		}
	case x != nil:
		out = out[:len(x)]
		if div {
			for i := range x {
				out[i] = x[i] / s
			}
		} else {
			for i := range x {
				out[i] = x[i] % s
			}
		}
	default:
		out = out[:len(y)]
		for i := range y {
			if d := y[i]; d != 0 {
				if div {
					out[i] = s / d
				} else {
					out[i] = s % d
				}
			} else {
				out[i] = 0
				zero = true
			}
		}
	}
	return zero
}
