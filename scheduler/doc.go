// Package scheduler runs dusk's task graphs on all cores and offers the
// parallel helpers people know from process pools, executors and task
// libraries: [Map], the streaming maps [Stream] (input order) and
// [StreamUnordered] (completion order), futures ([Submit], [AsCompleted],
// [Wait]) and delayed calls ([Delay1], [ComputeAll], ...).
//
// # Executing a graph
//
// [Scheduler] implements [Executor]. Each computation starts one worker per
// core (see [Workers]); the caller's goroutine is worker 0. Every worker has
// its own deque of ready tasks:
//
//   - The tasks without dependencies are dealt out in contiguous blocks of
//     the graph's priority order (see graph.Order), so neighbouring
//     partitions, which usually meet in the same consumer, share a worker.
//   - A worker runs the newest task of its deque (depth first). When a task
//     finishes, the tasks it made ready are sorted by priority: the worker
//     runs the most urgent one next, directly, and pushes the others.
//   - An idle worker steals the older half of another worker's deque; when
//     every deque is empty it parks until a push wakes it or the run ends.
//   - Readiness and release are counted per dependency edge with atomic
//     counters, indexed by the graph's dense task IDs; a task with a single
//     dependency, or a value with a single consumer, needs no counter.
//
// # Ownership and release
//
// A task's function owns the value it returns and hands it to the
// scheduler. The scheduler releases a value (calls its Release method, if
// it has one, as arrow.Record does) the moment its last consumer has run,
// unless it is an output: outputs pass to the caller of Execute, who owns
// them. When a computation fails, every value computed so far is released.
// A consumer that keeps a value it received must Retain it.
//
// # Errors and cancellation
//
// The first error or panic of a task stops the computation: the context of
// the tasks still running is cancelled, no new task starts, and Execute
// returns a *[TaskError] naming the task's key and operation; errors.Is and
// errors.As reach the cause (a *[PanicError] for a panic, with its stack).
// Panics are recovered in exactly one place, the task runner. Cancelling the
// caller's context stops the computation as soon as the running tasks
// return; the error matches the context's error with errors.Is. When Execute
// returns, none of its goroutines is left.
//
// # Memory
//
// Every computation runs under a memory limit (see [MemoryLimit]; by
// default DUSK_MEMORY_LIMIT, else half of the machine's or the cgroup's
// memory). The values tasks return that have a known size (Arrow records,
// dense numeric slices, a [Sizer]) are handed to a spill.Manager, which
// accounts them and, above 60% of the limit, writes the least recently
// used ones that no running task holds to a store on disk (badger, in a
// private directory under [SpillDir] that is removed when the computation
// ends), on its own I/O goroutines so that workers keep computing. A task
// whose input was spilled reads it back itself before it runs. Before a
// task starts, its worker waits while the resident and reserved bytes plus
// what the task needs would pass the limit (80% for tasks marked
// graph.Hints.ReadsInput), unless nothing could free memory: a computation
// always makes progress, and the accounted peak stays within the limit
// plus one partition (plus one per worker for the first tasks, before any
// size is known, unless graph.Hints.Bytes gives it). A single value larger than the limit stops the
// computation with a *spill.TooLargeError naming the operation. Values
// without a known size are not accounted and never spill. [MemoryObserver]
// receives the figures; RunSummary.Memory holds the final ones.
//
// # Observing
//
// An [Observer] receives the start of a computation (with the number of
// tasks per operation), the start and end of every task (worker, times,
// result bytes, error) and the end (tasks per worker, steals, error): the
// base for progress bars, profiles and dashboards. Worker goroutines carry
// the pprof label dusk_op set to the operation of the task they run, so CPU
// profiles attribute time to user-level operations. Observers come from
// [WithObserver] options, which add up, and from
// [RegisterProcessObserver]: a package switched on by an environment
// variable (scheduler/dashboard, for DUSK_DASHBOARD) watches every
// computation of the process that way.
//
// # Modes
//
// [Parallel] is the default. [Inline] runs every task in the calling
// goroutine in priority order: the reference for tests and the mode for
// debugging. Tests run every operation in both, and again under a memory
// limit so small that every value spills.
//
// # Helpers and their limits
//
// Helpers take options; a *Scheduler is an option too, so that helpers run
// with its settings. Map and the streams start their workers for the call
// and stop them before they return (or when the loop over a stream ends).
// Futures submitted with the same *Scheduler share its limit of Workers
// running futures.
package scheduler
