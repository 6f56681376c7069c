package scheduler

import (
	"errors"
	"fmt"

	"github.com/dusk-go/dusk/graph"
)

// TaskError is the error of a failed task: its key, its operation and the
// cause. errors.Is and errors.As reach the cause through it.
type TaskError = graph.TaskError

// PanicError is the cause of a TaskError for a task whose function
// panicked: the panic value and the stack of the goroutine where it
// happened. If the value is an error, errors.Is and errors.As reach it.
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// ErrNilFunc is returned for a nil user function.
var ErrNilFunc = errors.New("scheduler: nil function")

// errBreak ends a stream whose consumer broke out of its loop.
var errBreak = errors.New("scheduler: stream consumer stopped")

// cancelled wraps the cause of a cancelled computation.
func cancelled(cause error, done, total int) error {
	if total < 0 {
		return fmt.Errorf("scheduler: computation cancelled after %d tasks: %w", done, cause)
	}
	return fmt.Errorf("scheduler: computation cancelled after %d of %d tasks: %w", done, total, cause)
}
