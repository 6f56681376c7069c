package scheduler

import (
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/spill"
)

// Observer receives the events of computations: progress bars, profiles and
// dashboards are built on it. Workers call it concurrently, from the
// goroutines that run the tasks, so its methods must be safe for concurrent
// use and quick; an observer that does real work should hand events to its
// own goroutine. Embed [NopObserver] to implement only some methods.
type Observer interface {
	// RunStarted is called once before the first task of a computation.
	RunStarted(RunInfo)
	// TaskStarted is called before a task's function runs.
	TaskStarted(TaskEvent)
	// TaskFinished is called after it returned (or panicked); Err is its
	// error, End and Bytes are set.
	TaskFinished(TaskEvent)
	// RunFinished is called once after the last task, with the outcome.
	RunFinished(RunSummary)
}

// RunInfo describes a computation that is starting.
type RunInfo struct {
	// Run identifies the computation among those of this process.
	Run uint64
	// Tasks is the number of tasks, or -1 for a streaming computation whose
	// length is not known in advance.
	Tasks int
	// Ops lists the operations and how many tasks each has (empty for
	// streams).
	Ops []OpTasks
	// Workers is the number of workers that run the tasks.
	Workers int
	Start   time.Time
}

// OpTasks is the number of tasks of one operation.
type OpTasks struct {
	Op    string
	Tasks int
}

// TaskEvent describes one task starting or finishing.
type TaskEvent struct {
	Run    uint64
	Key    graph.Key
	Op     string
	Worker int
	Start  time.Time
	// End, Bytes and Err are set when the task has finished.
	End time.Time
	// Bytes is the size of the task's result as the memory manager
	// accounts it (see [spill.SizeOf]), else the task's size hint.
	Bytes int64
	Err   error
}

// RunSummary describes a finished computation.
type RunSummary struct {
	Run      uint64
	Start    time.Time
	Duration time.Duration
	// Tasks is the number of tasks that ran to completion.
	Tasks int
	// TasksPerWorker[i] is the number of tasks worker i ran.
	TasksPerWorker []int64
	// Steals is the number of times an idle worker took tasks from another.
	Steals int64
	// Err is the computation's error, nil on success.
	Err error
	// Memory holds the final memory figures (peak resident bytes, bytes
	// spilled and read back) of a computation with a memory limit.
	Memory spill.Stats
}

// Sizer is implemented by values that know how many bytes they hold; the
// memory manager accounts them (see [spill.SizeOf]).
type Sizer = spill.Sizer

// NopObserver implements [Observer] and ignores every event. Embed it to
// implement only the methods you need.
type NopObserver struct{}

func (NopObserver) RunStarted(RunInfo)     {}
func (NopObserver) TaskStarted(TaskEvent)  {}
func (NopObserver) TaskFinished(TaskEvent) {}
func (NopObserver) RunFinished(RunSummary) {}

func resultBytes(v any, hint int64) int64 {
	if n := spill.SizeOf(v); n > 0 {
		return n
	}
	return hint
}

func opTasks(g *graph.Graph) []OpTasks {
	counts := make([]int, len(g.Ops()))
	for id := range g.Len() {
		counts[g.OpIndex(graph.ID(id))]++
	}
	var out []OpTasks
	for i, op := range g.Ops() {
		if counts[i] > 0 {
			out = append(out, OpTasks{Op: op, Tasks: counts[i]})
		}
	}
	return out
}
