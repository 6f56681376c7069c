package graph

import (
	"context"
	"strconv"
)

// Key names a task deterministically: a name, usually the operation with a
// token of its inputs, and the partition index. Keys are comparable and are
// used in errors, profiles and pictures of the graph.
type Key struct {
	Name  string
	Index int
}

// K returns the key of partition index of name.
func K(name string, index int) Key { return Key{Name: name, Index: index} }

// Single returns the key of a task that has no partition index, such as the
// final result of a reduction. It prints as its bare name.
func Single(name string) Key { return Key{Name: name, Index: -1} }

// String returns name[index], or the bare name for a key made by [Single].
func (k Key) String() string {
	if k.Index == -1 {
		return k.Name
	}
	return k.Name + "[" + strconv.Itoa(k.Index) + "]"
}

// ID is a task's dense index in its graph. IDs are valid only for the graph
// (or builder) that issued them.
type ID int32

// Func computes a task's value from the values of its dependencies, given in
// the order of the task's dependency list. deps is borrowed: it is valid only
// during the call. ctx is cancelled when the computation stops early.
type Func func(ctx context.Context, deps []any) (any, error)

// Hints describe a task to the scheduler and to people.
type Hints struct {
	// Op is the user-level operation the task belongs to, such as
	// "frame: filter(fare > 10)". Errors and progress reports name it, and
	// the scheduler labels goroutines with it for pprof.
	Op string
	// Bytes is the estimated size of the task's output, 0 when unknown.
	Bytes int64
	// ReadsInput marks tasks that produce data from outside the graph (file
	// scans, generators): the scheduler may hold them back under memory
	// pressure.
	ReadsInput bool
	// Token identifies what the task computes, independent of its key: two
	// tasks with the same non-empty token and the same dependencies compute
	// the same value, and [Dedup] merges them. Empty means unknown.
	Token string
}
