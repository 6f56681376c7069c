package array

import "fmt"

// opcode names an elementwise operation.
type opcode uint8

const (
	opInvalid opcode = iota
	// binary arithmetic
	opAdd
	opSub
	opMul
	opDiv
	opFloorDiv
	opMod
	opPow
	opMaximum
	opMinimum
	// comparisons
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
	// logic
	opAnd
	opOr
	opXor
	opNot
	// unary math
	opExp
	opLog
	opLog1p
	opSqrt
	opAbs
	opNeg
	opSin
	opCos
	opTan
	opSinh
	opCosh
	opTanh
	opFloor
	opCeil
	opRound
	opIsNaN
	opCast
	// ternary
	opWhere
	// kernel-internal: sinh and cosh from a shared exponential
	opSinhFromExp
	opCoshFromExp
)

var opNames = map[opcode]string{
	opAdd: "add", opSub: "sub", opMul: "mul", opDiv: "div", opFloorDiv: "floordiv",
	opMod: "mod", opPow: "pow", opMaximum: "maximum", opMinimum: "minimum",
	opEq: "eq", opNe: "ne", opLt: "lt", opLe: "le", opGt: "gt", opGe: "ge",
	opAnd: "and", opOr: "or", opXor: "xor", opNot: "not",
	opExp: "exp", opLog: "log", opLog1p: "log1p", opSqrt: "sqrt", opAbs: "abs",
	opNeg: "neg", opSin: "sin", opCos: "cos", opTan: "tan", opSinh: "sinh",
	opCosh: "cosh", opTanh: "tanh", opFloor: "floor", opCeil: "ceil",
	opRound: "round", opIsNaN: "isnan", opCast: "cast", opWhere: "where",
	opSinhFromExp: "sinh(via exp)", opCoshFromExp: "cosh(via exp)",
}

func (o opcode) String() string {
	if s, ok := opNames[o]; ok {
		return s
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

func (o opcode) isCompare() bool { return o >= opEq && o <= opGe }
func (o opcode) isLogic() bool   { return o >= opAnd && o <= opNot }

// floatMath reports unary operations that compute in float64 whatever
// their input's type.
func (o opcode) floatMath() bool {
	switch o {
	case opExp, opLog, opLog1p, opSqrt, opSin, opCos, opTan, opSinh, opCosh, opTanh:
		return true
	}
	return false
}

// binaryType returns the result type of a binary operation on operands of
// types a and b, and the type the operands are computed in.
func binaryType(op opcode, a, b DType) (res, operand DType, err error) {
	switch {
	case op.isLogic():
		if a != Bool || b != Bool {
			return 0, 0, fmt.Errorf("%w: %s needs bool operands, got %s and %s", ErrType, op, a, b)
		}
		return Bool, Bool, nil
	case op.isCompare():
		if a == Bool || b == Bool {
			if a == Bool && b == Bool && (op == opEq || op == opNe) {
				return Bool, Bool, nil
			}
			return 0, 0, fmt.Errorf("%w: %s cannot compare %s and %s (bools compare only with bools, by eq and ne)", ErrType, op, a, b)
		}
		return Bool, promote(a, b), nil
	}
	if a == Bool || b == Bool {
		return 0, 0, fmt.Errorf("%w: %s cannot take a bool operand (%s and %s); Cast it first", ErrType, op, a, b)
	}
	switch op {
	case opDiv, opPow:
		return Float64, Float64, nil
	}
	t := promote(a, b)
	return t, t, nil
}

// unaryType returns the result type of a unary operation and the type its
// operand is computed in.
func unaryType(op opcode, a DType) (res, operand DType, err error) {
	switch {
	case op == opNot:
		if a != Bool {
			return 0, 0, fmt.Errorf("%w: not needs a bool operand, got %s", ErrType, a)
		}
		return Bool, Bool, nil
	case op == opIsNaN:
		if a == Bool {
			return 0, 0, fmt.Errorf("%w: isnan needs a numeric operand, got bool", ErrType)
		}
		return Bool, a, nil
	case a == Bool:
		return 0, 0, fmt.Errorf("%w: %s needs a numeric operand, got bool; Cast it first", ErrType, op)
	case op.floatMath():
		return Float64, Float64, nil
	}
	return a, a, nil // abs, neg, floor, ceil, round keep the type
}
