package array

import "fmt"

// DType is the element type of an array.
type DType uint8

// The element types. Float64 is the first-class type: every math function
// computes in it. Int64 holds indices and exact integer arithmetic; Bool
// holds masks and the results of comparisons.
const (
	Float64 DType = iota + 1
	Int64
	Bool
)

// String returns the type's name: "float64", "int64" or "bool".
func (d DType) String() string {
	switch d {
	case Float64:
		return "float64"
	case Int64:
		return "int64"
	case Bool:
		return "bool"
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Size returns the number of bytes of one element.
func (d DType) Size() int {
	switch d {
	case Float64, Int64:
		return 8
	case Bool:
		return 1
	}
	return 0
}

func (d DType) valid() bool { return d >= Float64 && d <= Bool }

// promote returns the type two numeric operands are computed in:
// float64 when either is float64, else int64.
func promote(a, b DType) DType {
	if a == Float64 || b == Float64 {
		return Float64
	}
	return Int64
}
