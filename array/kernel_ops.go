package array

import (
	"cmp"
	"fmt"
	"math"

	"github.com/dusk-go/dusk/internal/fastmath"
)

// unaryFloat applies a float64 math function to a block.
func unaryFloat(op opcode, d, x []float64) {
	switch op {
	case opExp:
		fastmath.ExpTo(d, x)
	case opLog:
		mapF(d, x, math.Log)
	case opLog1p:
		mapF(d, x, math.Log1p)
	case opSqrt:
		for k := range d {
			d[k] = math.Sqrt(x[k])
		}
	case opAbs:
		for k := range d {
			d[k] = math.Abs(x[k])
		}
	case opNeg:
		for k := range d {
			d[k] = -x[k]
		}
	case opSin:
		mapF(d, x, math.Sin)
	case opCos:
		mapF(d, x, math.Cos)
	case opTan:
		mapF(d, x, math.Tan)
	case opSinh:
		fastmath.SinhTo(d, x)
	case opCosh:
		fastmath.CoshTo(d, x)
	case opTanh:
		mapF(d, x, math.Tanh)
	case opFloor:
		for k := range d {
			d[k] = math.Floor(x[k])
		}
	case opCeil:
		for k := range d {
			d[k] = math.Ceil(x[k])
		}
	case opRound:
		for k := range d {
			d[k] = math.RoundToEven(x[k])
		}
	default:
		panic(fmt.Sprintf("array: no float kernel for %s", op)) // unreachable: the builder checks types
	}
}

func mapF(d, x []float64, f func(float64) float64) {
	for k := range d {
		d[k] = f(x[k])
	}
}

// binaryFloat applies a float64 binary operation to a block.
func binaryFloat(op opcode, d, x, y []float64) {
	x, y = x[:len(d)], y[:len(d)]
	switch op {
	case opAdd:
		for k := range d {
			d[k] = x[k] + y[k]
		}
	case opSub:
		for k := range d {
			d[k] = x[k] - y[k]
		}
	case opMul:
		for k := range d {
			d[k] = x[k] * y[k]
		}
	case opDiv:
		for k := range d {
			d[k] = x[k] / y[k]
		}
	case opFloorDiv:
		for k := range d {
			d[k] = math.Floor(x[k] / y[k])
		}
	case opMod:
		for k := range d {
			d[k] = floatMod(x[k], y[k])
		}
	case opPow:
		for k := range d {
			d[k] = math.Pow(x[k], y[k])
		}
	case opMaximum:
		for k := range d {
			a, b := x[k], y[k]
			switch {
			case a != a || b != b:
				d[k] = math.NaN()
			case a > b || (a == b && math.Signbit(b)):
				d[k] = a
			default:
				d[k] = b
			}
		}
	case opMinimum:
		for k := range d {
			a, b := x[k], y[k]
			switch {
			case a != a || b != b:
				d[k] = math.NaN()
			case a < b || (a == b && math.Signbit(a)):
				d[k] = a
			default:
				d[k] = b
			}
		}
	default:
		panic(fmt.Sprintf("array: no float kernel for %s", op)) // unreachable
	}
}

// floatMod is NumPy's float remainder: the sign of the divisor.
func floatMod(x, y float64) float64 {
	r := math.Mod(x, y)
	if r != 0 && (r < 0) != (y < 0) {
		r += y
	}
	return r
}

// binaryInt applies an int64 binary operation to a block; division by
// zero is an error naming the element.
func binaryInt(op opcode, d, x, y []int64) error {
	x, y = x[:len(d)], y[:len(d)]
	switch op {
	case opAdd:
		for k := range d {
			d[k] = x[k] + y[k]
		}
	case opSub:
		for k := range d {
			d[k] = x[k] - y[k]
		}
	case opMul:
		for k := range d {
			d[k] = x[k] * y[k]
		}
	case opFloorDiv, opMod:
		for k := range d {
			a, b := x[k], y[k]
			if b == 0 {
				return &elemError{at: k, msg: fmt.Sprintf("%s: integer division by zero (%d %s 0)", op, a, map[opcode]string{opFloorDiv: "//", opMod: "%"}[op])}
			}
			q, m := a/b, a%b
			if m != 0 && (m < 0) != (b < 0) {
				q--
				m += b
			}
			if op == opMod {
				d[k] = m
			} else {
				d[k] = q
			}
		}
	case opMaximum:
		for k := range d {
			d[k] = max(x[k], y[k])
		}
	case opMinimum:
		for k := range d {
			d[k] = min(x[k], y[k])
		}
	default:
		panic(fmt.Sprintf("array: no int64 kernel for %s", op)) // unreachable
	}
	return nil
}

func compareBlock[T cmp.Ordered](op opcode, d []bool, x, y []T) {
	x, y = x[:len(d)], y[:len(d)]
	switch op {
	case opEq:
		for k := range d {
			d[k] = x[k] == y[k]
		}
	case opNe:
		for k := range d {
			d[k] = x[k] != y[k]
		}
	case opLt:
		for k := range d {
			d[k] = x[k] < y[k]
		}
	case opLe:
		for k := range d {
			d[k] = x[k] <= y[k]
		}
	case opGt:
		for k := range d {
			d[k] = x[k] > y[k]
		}
	case opGe:
		for k := range d {
			d[k] = x[k] >= y[k]
		}
	}
}

// castBlock converts register a to the instruction's type.
func castBlock(s *state, r int, in *instr, a, n int) error {
	switch in.dt {
	case Float64:
		d := s.fb[r][:n]
		switch in.src {
		case Int64:
			for k, v := range s.i[a][:n] {
				d[k] = float64(v)
			}
		case Bool:
			for k, v := range s.b[a][:n] {
				d[k] = b2f(v)
			}
		}
		s.f[r] = d
	case Int64:
		d := s.ib[r][:n]
		switch in.src {
		case Float64:
			for k, v := range s.f[a][:n] {
				if !(v > -9.223372036854777e18 && v < 9.223372036854776e18) {
					return &elemError{at: k, msg: fmt.Sprintf("cast float64 → int64: %v has no int64 value", v)}
				}
				d[k] = int64(v)
			}
		case Bool:
			for k, v := range s.b[a][:n] {
				d[k] = 0
				if v {
					d[k] = 1
				}
			}
		}
		s.i[r] = d
	case Bool:
		d := s.bb[r][:n]
		switch in.src {
		case Float64:
			for k, v := range s.f[a][:n] {
				d[k] = v != 0
			}
		case Int64:
			for k, v := range s.i[a][:n] {
				d[k] = v != 0
			}
		}
		s.b[r] = d
	}
	return nil
}
