package kernels

import (
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
)

// Sentinel errors that errors.Is reaches through every error a kernel returns.
var (
	// ErrType: an operand's type is not one the kernel takes, or two operands'
	// types differ. The frame layer's type checker should have prevented it.
	ErrType = errors.New("kernels: unsupported or mismatched types")
	// ErrLength: an operand's length differs from the batch length.
	ErrLength = errors.New("kernels: length mismatch")
	// ErrArgument: an argument is out of its domain (a negative substring
	// length, an unknown operator, a negative batch length, a bad time zone).
	ErrArgument = errors.New("kernels: invalid argument")
	// ErrOverflow: a result does not fit its type's layout (more than 2 GiB
	// of string data in a string array with int32 offsets).
	ErrOverflow = errors.New("kernels: result too large")
)

// kernelError names the kernel and what went wrong; Unwrap gives the sentinel.
type kernelError struct {
	kernel string
	msg    string
	kind   error
}

func (e *kernelError) Error() string { return "kernels: " + e.kernel + ": " + e.msg }
func (e *kernelError) Unwrap() error { return e.kind }

func errorf(kind error, kernel, format string, args ...any) error {
	return &kernelError{kernel: kernel, msg: fmt.Sprintf(format, args...), kind: kind}
}

// CastError reports a value that Cast cannot convert: a number out of the
// target type's range, a NaN or infinity cast to an integer, or text that does
// not parse as the target type. Row is the 0-based index of the value in the
// array given to Cast (counting from the array's own start, not its buffers').
type CastError struct {
	Row      int
	Value    string // the offending value, formatted as text
	From, To arrow.DataType
	Err      error // the parse error, if any; nil for a range error
}

func (e *CastError) Error() string {
	what := "out of range"
	if e.Err != nil {
		what = "does not parse"
	}
	return fmt.Sprintf("kernels: cast %s to %s: row %d: value %q %s", e.From, e.To, e.Row, e.Value, what)
}

func (e *CastError) Unwrap() error { return e.Err }
