package graph

import "fmt"

// TaskError reports the failure of one task: its key, its user-level
// operation, and the cause, which errors.Is and errors.As reach.
type TaskError struct {
	Key Key
	Op  string
	Err error
}

func (e *TaskError) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("task %s: %v", e.Key, e.Err)
	}
	return fmt.Sprintf("%s: task %s: %v", e.Op, e.Key, e.Err)
}

func (e *TaskError) Unwrap() error { return e.Err }
