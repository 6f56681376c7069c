// Package graph holds dusk's task graphs: tasks with deterministic keys, the
// dependencies between them, hints for the scheduler, validation, the generic
// graph optimizations and export to Graphviz DOT and Mermaid.
//
// # Building a graph
//
// A [Builder] collects tasks. Each task has a [Key] (a name and a partition
// index, such as read-csv[17]), a [Func] that computes its value from the
// values of its dependencies, [Hints] (the user-level operation for errors
// and profiles, the estimated output size, whether it reads input data), and
// its dependencies as [ID]s. Add returns the new task's ID, so a task can
// name a dependency added before it without a lookup; [Builder.Ref] names a
// task by key that is added later. [Builder.Build] validates and returns an
// immutable [Graph].
//
// IDs are dense int32 indexes into the graph's arrays: the scheduler's hot
// path works on them, never on string-keyed maps. Keys exist for people:
// errors, profiles, EXPLAIN output and pictures.
//
// # Invariants of a Graph
//
//   - Every key is unique and every task has a non-nil function.
//   - Every dependency refers to a task of the graph; there is no cycle.
//   - The graph is immutable: passes return a new graph (or the same one when
//     they change nothing) and never modify their input, so one graph may be
//     executed and optimized concurrently.
//   - Slices returned by accessors ([Graph.Deps], [Graph.Dependents],
//     [Graph.Outputs]) are borrowed views into the graph: read them, never
//     modify them.
//
// # Optimization passes
//
// Each pass is a stateless func(*Graph) (*Graph, error), in its own file:
// [Cull] keeps only what the outputs need, [Dedup] merges tasks that compute
// the same thing (same [Hints.Token] and same dependencies), [Fuse] merges
// linear chains into one task, and [Order] computes a static priority order
// that finishes one branch of the graph before it opens the next, so that
// intermediate results are released early. [Optimize] runs them all.
//
// # Ownership of values
//
// A task's Func receives its dependencies' values as a borrowed slice, valid
// only during the call: the function must not keep the slice (it may keep
// the values; a value with reference counting, such as an arrow.Record, must
// be retained to be kept). The value the function returns is owned by the
// scheduler, which releases it after its last consumer has run.
package graph
