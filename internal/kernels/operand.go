package kernels

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
)

// An Operand is a kernel input: an array (borrowed for the call) or a scalar
// broadcast to the batch length.
//
// For an array operand only Array is set. A scalar operand has Array nil,
// Type set and Scalar holding the value as the Go type that matches Type:
//
//	int8 … int64, uint8 … uint64   int8 … int64, uint8 … uint64
//	float32, float64                float32, float64
//	bool                            bool
//	string, large_string            string
//	binary, large_binary            []byte or string
//	date32, time32                  int32 (or arrow.Date32, arrow.Time32)
//	timestamp, date64, time64,      int64 (or arrow.Timestamp, arrow.Date64,
//	duration                        arrow.Time64, arrow.Duration)
//
// A nil Scalar is the null scalar of Type.
type Operand struct {
	Array  arrow.Array
	Scalar any
	Type   arrow.DataType
}

// ArrayOf returns an array operand. The array is borrowed, not retained.
func ArrayOf(a arrow.Array) Operand { return Operand{Array: a} }

// ScalarOf returns a scalar operand of type t holding v (see Operand for the
// Go type v must have; nil is the null scalar).
func ScalarOf(v any, t arrow.DataType) Operand { return Operand{Scalar: v, Type: t} }

// NullOf returns the null scalar of type t.
func NullOf(t arrow.DataType) Operand { return Operand{Type: t} }

// IsScalar reports whether o is a scalar.
func (o Operand) IsScalar() bool { return o.Array == nil }

// DataType is the operand's type.
func (o Operand) DataType() arrow.DataType {
	if o.Array != nil {
		return o.Array.DataType()
	}
	return o.Type
}

func (o Operand) isNull() bool { return o.Array == nil && o.Scalar == nil }

func (o Operand) String() string {
	if o.Array != nil {
		return fmt.Sprintf("array<%s>[%d]", o.Array.DataType(), o.Array.Len())
	}
	return fmt.Sprintf("scalar<%v>(%v)", o.Type, o.Scalar)
}

// check validates the operands of a kernel over a batch of n rows: each has a
// type, each array is n long, each scalar's Go value matches its type.
func check(kernel string, n int, ops ...Operand) error {
	if n < 0 {
		return errorf(ErrArgument, kernel, "negative batch length %d", n)
	}
	for _, o := range ops {
		if o.Array == nil {
			if o.Type == nil {
				return errorf(ErrArgument, kernel, "operand has neither an array nor a type")
			}
			if o.Scalar != nil && !scalarFits(o.Type, o.Scalar) {
				return errorf(ErrType, kernel, "scalar of type %s holds a Go %T", o.Type, o.Scalar)
			}
			continue
		}
		if o.Array.Len() != n {
			return errorf(ErrLength, kernel, "operand length %d differs from batch length %d", o.Array.Len(), n)
		}
	}
	return nil
}

// sameType checks that two operands have identical types.
func sameType(kernel string, a, b Operand) (arrow.DataType, error) {
	at, bt := a.DataType(), b.DataType()
	if !arrow.TypeEqual(at, bt) {
		return nil, errorf(ErrType, kernel, "operand types %s and %s differ", at, bt)
	}
	return at, nil
}

// scalarFits reports whether v is a valid Go representation of type t.
func scalarFits(t arrow.DataType, v any) bool {
	switch t.ID() {
	case arrow.INT8:
		_, ok := v.(int8)
		return ok
	case arrow.INT16:
		_, ok := v.(int16)
		return ok
	case arrow.INT32:
		_, ok := v.(int32)
		return ok
	case arrow.INT64:
		_, ok := v.(int64)
		return ok
	case arrow.UINT8:
		_, ok := v.(uint8)
		return ok
	case arrow.UINT16:
		_, ok := v.(uint16)
		return ok
	case arrow.UINT32:
		_, ok := v.(uint32)
		return ok
	case arrow.UINT64:
		_, ok := v.(uint64)
		return ok
	case arrow.FLOAT32:
		_, ok := v.(float32)
		return ok
	case arrow.FLOAT64:
		_, ok := v.(float64)
		return ok
	case arrow.BOOL:
		_, ok := v.(bool)
		return ok
	case arrow.STRING, arrow.LARGE_STRING:
		_, ok := v.(string)
		return ok
	case arrow.BINARY, arrow.LARGE_BINARY:
		switch v.(type) {
		case string, []byte:
			return true
		}
	case arrow.DATE32:
		switch v.(type) {
		case int32, arrow.Date32:
			return true
		}
	case arrow.TIME32:
		switch v.(type) {
		case int32, arrow.Time32:
			return true
		}
	case arrow.TIMESTAMP:
		switch v.(type) {
		case int64, arrow.Timestamp:
			return true
		}
	case arrow.DATE64:
		switch v.(type) {
		case int64, arrow.Date64:
			return true
		}
	case arrow.TIME64:
		switch v.(type) {
		case int64, arrow.Time64:
			return true
		}
	case arrow.DURATION:
		switch v.(type) {
		case int64, arrow.Duration:
			return true
		}
	}
	return false
}

// scalarNum returns a numeric or temporal scalar's value as T. The operand has
// passed check, so v's Go type matches; T must be the physical type of it.
func scalarNum[T number](v any) T {
	switch x := v.(type) {
	case T:
		return x
	case arrow.Date32:
		return T(x)
	case arrow.Time32:
		return T(x)
	case arrow.Timestamp:
		return T(x)
	case arrow.Date64:
		return T(x)
	case arrow.Time64:
		return T(x)
	case arrow.Duration:
		return T(x)
	}
	var zero T
	return zero
}

// scalarBytes returns a string or binary scalar's bytes as a string.
func scalarStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}
