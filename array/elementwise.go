package array

import (
	"fmt"
	"math"
)

// Elementwise operations take another *Array or a Go scalar (float64, int,
// int64 or bool) as their operand and broadcast the two under NumPy's
// rules. Integer operands stay integers (Add, Sub, Mul, FloorDiv, Mod,
// Maximum, Minimum of two int64 arrays are int64, wrapping on overflow);
// with a float64 operand the result is float64. Div and Pow always give
// float64, with IEEE results for division by zero (±Inf, NaN). Integer
// FloorDiv and Mod by zero are errors of the computation, naming the
// element. Math functions (Exp ... Tanh) compute in float64: Exp within
// 0.55 ulp of the correctly rounded result, Sinh and Cosh within 1.6 ulp
// (see the package documentation); the others call the math package.

func (x *Array) binary(op opcode, y any) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	yn, err := operand(y)
	if err != nil {
		return failedf("%s: %w", op, err)
	}
	return binaryNode(op, x.n, yn)
}

func binaryNode(op opcode, a, b node) *Array {
	res, _, err := binaryType(op, a.dtype(), b.dtype())
	if err != nil {
		return failedf("%s %v and %v: %w", op, a.shape(), b.shape(), err)
	}
	shp, err := broadcastShapes(op.String(), a.shape(), b.shape())
	if err != nil {
		return failed(err)
	}
	return wrap(&ewNode{op: op, in: []node{a, b}, shp: shp, dt: res})
}

func (x *Array) unary(op opcode) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	res, _, err := unaryType(op, x.n.dtype())
	if err != nil {
		return failedf("%s %v: %w", op, x.n.shape(), err)
	}
	if !op.floatMath() && res == x.n.dtype() && x.n.dtype() == Int64 && (op == opFloor || op == opCeil || op == opRound) {
		return x
	}
	return wrap(&ewNode{op: op, in: []node{x.n}, shp: x.n.shape(), dt: res})
}

// Add returns x + y.
func (x *Array) Add(y any) *Array { return x.binary(opAdd, y) }

// Sub returns x - y.
func (x *Array) Sub(y any) *Array { return x.binary(opSub, y) }

// Mul returns x * y.
func (x *Array) Mul(y any) *Array { return x.binary(opMul, y) }

// Div returns x / y in float64 (true division).
func (x *Array) Div(y any) *Array { return x.binary(opDiv, y) }

// FloorDiv returns floor(x / y): for integers Python's //, rounding toward
// negative infinity.
func (x *Array) FloorDiv(y any) *Array { return x.binary(opFloorDiv, y) }

// Mod returns the remainder of FloorDiv, with the sign of y (NumPy's mod).
func (x *Array) Mod(y any) *Array { return x.binary(opMod, y) }

// Pow returns x raised to y, in float64 (math.Pow).
func (x *Array) Pow(y any) *Array { return x.binary(opPow, y) }

// Maximum returns the larger of x and y, NaN if either is NaN.
func (x *Array) Maximum(y any) *Array { return x.binary(opMaximum, y) }

// Minimum returns the smaller of x and y, NaN if either is NaN.
func (x *Array) Minimum(y any) *Array { return x.binary(opMinimum, y) }

// Eq returns the bool array x == y.
func (x *Array) Eq(y any) *Array { return x.binary(opEq, y) }

// Ne returns the bool array x != y.
func (x *Array) Ne(y any) *Array { return x.binary(opNe, y) }

// Lt returns the bool array x < y.
func (x *Array) Lt(y any) *Array { return x.binary(opLt, y) }

// Le returns the bool array x <= y.
func (x *Array) Le(y any) *Array { return x.binary(opLe, y) }

// Gt returns the bool array x > y.
func (x *Array) Gt(y any) *Array { return x.binary(opGt, y) }

// Ge returns the bool array x >= y.
func (x *Array) Ge(y any) *Array { return x.binary(opGe, y) }

// And returns x && y for bool arrays.
func (x *Array) And(y any) *Array { return x.binary(opAnd, y) }

// Or returns x || y for bool arrays.
func (x *Array) Or(y any) *Array { return x.binary(opOr, y) }

// Xor returns x != y for bool arrays.
func (x *Array) Xor(y any) *Array { return x.binary(opXor, y) }

// Not returns !x for a bool array.
func (x *Array) Not() *Array { return x.unary(opNot) }

// Exp returns e**x.
func (x *Array) Exp() *Array { return x.unary(opExp) }

// Log returns the natural logarithm.
func (x *Array) Log() *Array { return x.unary(opLog) }

// Log1p returns log(1 + x), accurate near 0.
func (x *Array) Log1p() *Array { return x.unary(opLog1p) }

// Sqrt returns the square root.
func (x *Array) Sqrt() *Array { return x.unary(opSqrt) }

// Abs returns the absolute value (int64 stays int64).
func (x *Array) Abs() *Array { return x.unary(opAbs) }

// Neg returns -x (int64 stays int64).
func (x *Array) Neg() *Array { return x.unary(opNeg) }

// Sin returns the sine.
func (x *Array) Sin() *Array { return x.unary(opSin) }

// Cos returns the cosine.
func (x *Array) Cos() *Array { return x.unary(opCos) }

// Tan returns the tangent.
func (x *Array) Tan() *Array { return x.unary(opTan) }

// Sinh returns the hyperbolic sine. In a fused kernel that also computes
// Exp of the same array, both share one exponential per element.
func (x *Array) Sinh() *Array { return x.unary(opSinh) }

// Cosh returns the hyperbolic cosine (sharing the exponential like Sinh).
func (x *Array) Cosh() *Array { return x.unary(opCosh) }

// Tanh returns the hyperbolic tangent.
func (x *Array) Tanh() *Array { return x.unary(opTanh) }

// Floor rounds toward negative infinity (integers are unchanged).
func (x *Array) Floor() *Array { return x.unary(opFloor) }

// Ceil rounds toward positive infinity (integers are unchanged).
func (x *Array) Ceil() *Array { return x.unary(opCeil) }

// Round rounds to the nearest integer, halves to even, as NumPy does.
func (x *Array) Round() *Array { return x.unary(opRound) }

// IsNaN returns the bool array of the NaN elements (false for integers).
func (x *Array) IsNaN() *Array { return x.unary(opIsNaN) }

// Cast converts the elements to type d: float64 to int64 truncates toward
// zero (NaN, ±Inf and values beyond int64 are errors of the computation);
// to bool is x != 0; bool to a number is 0 or 1.
func (x *Array) Cast(d DType) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	if !d.valid() {
		return failedf("%w: cast to invalid type %v", ErrType, d)
	}
	if d == x.n.dtype() {
		return x
	}
	return wrap(&ewNode{op: opCast, in: []node{x.n}, shp: x.n.shape(), dt: d, to: d})
}

// Clip limits the values to [lo, hi] (NaN stays NaN). An int64 array
// stays int64 when both bounds are whole numbers.
func (x *Array) Clip(lo, hi float64) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	if lo > hi || math.IsNaN(lo) || math.IsNaN(hi) {
		return failedf("%w: clip: bounds [%v, %v]", ErrValue, lo, hi)
	}
	var l, h any = lo, hi
	if x.n.dtype() == Int64 && lo == math.Trunc(lo) && hi == math.Trunc(hi) && math.Abs(lo) < 1<<53 && math.Abs(hi) < 1<<53 {
		l, h = int64(lo), int64(hi)
	}
	return x.Maximum(l).Minimum(h)
}

// Where returns an array that takes x where cond is true and y elsewhere,
// the three broadcast together. x and y may be arrays or scalars; the
// result has their common type (bool when both are bool).
func Where(cond *Array, x, y any) *Array {
	if err := cond.Err(); err != nil {
		return cond
	}
	if cond.n.dtype() != Bool {
		return failedf("%w: where: the condition is %s, not bool", ErrType, cond.n.dtype())
	}
	xn, err := operand(x)
	if err != nil {
		return failedf("where: %w", err)
	}
	yn, err := operand(y)
	if err != nil {
		return failedf("where: %w", err)
	}
	var dt DType
	switch {
	case xn.dtype() == Bool && yn.dtype() == Bool:
		dt = Bool
	case xn.dtype() == Bool || yn.dtype() == Bool:
		return failedf("%w: where: cannot mix %s and %s; Cast first", ErrType, xn.dtype(), yn.dtype())
	default:
		dt = promote(xn.dtype(), yn.dtype())
	}
	shp, err := broadcastShapes("where", cond.n.shape(), xn.shape())
	if err != nil {
		return failed(err)
	}
	if shp, err = broadcastShapes("where", shp, yn.shape()); err != nil {
		return failed(err)
	}
	return wrap(&ewNode{op: opWhere, in: []node{cond.n, xn, yn}, shp: shp, dt: dt})
}

// describe names an array in errors.
func describe(n node) string { return fmt.Sprintf("%v %s", n.shape(), n.dtype()) }
