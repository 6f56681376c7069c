// Package frame holds dusk's lazy data frames: Arrow record batches as
// partitions, a logical plan with an optimizer, lowered to a task graph that
// the scheduler runs on all cores under its memory limit.
//
//	df := frame.ReadCSV(ctx, "data/trips-*.csv")  // reads a sample for the schema
//	out := df.Filter(frame.Col("fare").Gt(frame.Lit(10.0))).
//		WithColumns(frame.Col("fare").Mul(frame.Col("tip_rate")).As("tip")).
//		Select("vendor", "tip")
//	tbl, err := out.Compute(ctx)                   // or out.Stream(ctx), out.WriteParquet(ctx, dir, ...)
//	fmt.Print(out.Explain())
//
// # Plans
//
// A Frame holds a logical plan: immutable nodes (Scan, Memory, Filter,
// Project, Limit, Concat, Aggregate, Join, Sort, TopK) of a sealed
// interface, each with a String for EXPLAIN. Select, SelectExprs, WithColumns, Rename and Drop all build a
// Project. Expressions (Expr) are checked against the input's schema when an
// operation is built, so an unknown column or a type error ("a" + 1) is
// found then, kept in the Frame, and returned by Err, Compute, Stream and
// the Write methods: chains stay fluent, and the first error is reported.
//
// # The optimizer
//
// Before a frame runs, its plan passes through five rewrites, one file each:
// constant folding (opt_fold.go), predicate pushdown through projections and
// unions and into scans (opt_predicate.go; Parquet uses the predicates to
// skip row groups by their statistics), projection pushdown so that scans
// read only the columns the plan uses (opt_projection.go), Head after Sort
// as a TopK (opt_topk.go), and fusion of
// every chain of per-partition steps into a stage (opt_fuse.go). Lowering
// makes one task per partition of each stage, which reads its partition and
// runs the stage's filters and projections on the record in one go; a Head
// adds one task that gathers the first rows. The graph passes (cull, fuse,
// order) then run as for any graph.
//
// # Group-by, joins and sorting
//
// These move rows between partitions. Every one is built on one shuffle
// (shuffle.go): each input partition's split task assigns every row a
// bucket (by the hash of its key, or by its key's range) and cuts the record
// into one record per bucket; an extract task per bucket hands each piece on
// as a value of its own, so the scheduler accounts, spills (to badger) and
// reads back each piece alone, and the task of bucket b reads only its
// pieces. No task holds more than its bucket.
//
//   - GroupBy(...).Agg(...) aggregates each partition into partial states
//     (internal/agg over the group ids of internal/hashtable, keys of any
//     type, null keys a group of their own) and combines the partials: in a
//     tree of fan-in 8 (GroupTree), by a hash shuffle of the partials into
//     buckets merged in parallel (GroupShuffle), or (GroupAuto, the default)
//     by a shuffle whose number of used buckets a decision task picks at run
//     time from the merged HyperLogLog sketches the partials carry: one
//     bucket (every partial merged in one task) for few groups of little
//     state, about 2^17 groups or 32 MiB of partials per bucket otherwise.
//     A partition with about one group per row is not aggregated: its rows
//     go on raw with their key hashes, and a bucket of raw rows only is
//     merged by those hashes, comparing keys only when two are equal
//     (groupby_raw.go). Distinct and ValueCounts are group-bys.
//   - Join broadcasts a right side of one partition (every probe task
//     builds its hash table) and otherwise shuffles both sides by key hash
//     and joins bucket by bucket; null keys never match. Inner, Left,
//     Right, Outer, Semi and Anti joins.
//   - Sort samples every partition, picks range boundaries in one task,
//     range-partitions the rows, and sorts each range: the result's
//     partitions in order are sorted. A Head after a Sort becomes a TopK
//     (opt_topk.go): each partition keeps its first k rows, one task the
//     first k of those.
//
// # Evaluation
//
// Expressions are compiled once per stage and evaluated on each partition's
// record by the kernels of internal/kernels: our own loops over Arrow
// buffers, with SQL null semantics. Literals stay scalars (broadcast only
// when a column must hold them); columns a projection passes through are
// shared, not copied.
//
// # Ownership
//
// Compute returns a table the caller owns and must Release. Stream yields
// records the loop body owns and must Release. FromRecords and FromTable
// borrow their data: keep it alive (unreleased) while the frame may be
// computed; computing never modifies it, and the results may share its
// buffers (a column passed through unchanged), holding their own references.
//
// # Errors
//
// Errors found while the plan is built name the operation and the
// expression ("frame: filter((fare > "a")): (fare > "a"): cannot compare
// column "fare" float64 with literal "a" string"); ErrColumn and ErrType
// match them with errors.Is. Errors while computing name the task, the
// operation and the partition (a file and its byte range or row groups);
// reader errors add the line and column.
package frame
