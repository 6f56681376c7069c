package graph

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is reached by errors.Is from every validation error of this
// package.
var ErrInvalid = errors.New("invalid task graph")

// CycleError reports a cycle of dependencies. Keys lists the tasks on the
// cycle in dependency order: each key depends on the next, and the last
// depends on the first.
type CycleError struct {
	Keys []Key
}

func (e *CycleError) Error() string {
	parts := make([]string, 0, len(e.Keys)+1)
	for _, k := range e.Keys {
		parts = append(parts, k.String())
	}
	if len(e.Keys) > 0 {
		parts = append(parts, e.Keys[0].String())
	}
	return "graph: dependency cycle: " + strings.Join(parts, " -> ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *CycleError) Is(target error) bool { return target == ErrInvalid }

// MissingDependencyError reports a task that depends on a key that no task
// of the graph has.
type MissingDependencyError struct {
	Task    Key
	Missing Key
}

func (e *MissingDependencyError) Error() string {
	return fmt.Sprintf("graph: task %s depends on %s, which is not in the graph", e.Task, e.Missing)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *MissingDependencyError) Is(target error) bool { return target == ErrInvalid }

// TaskDefinitionError reports a task that cannot be part of a graph: a key
// added twice, a nil function, a dependency ID that the builder never issued.
type TaskDefinitionError struct {
	Task   Key
	Reason string
}

func (e *TaskDefinitionError) Error() string {
	return fmt.Sprintf("graph: task %s: %s", e.Task, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *TaskDefinitionError) Is(target error) bool { return target == ErrInvalid }
