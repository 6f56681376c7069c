// Package agg holds the grouped aggregation kernels of the frame engine.
//
// # Phases
//
// A group-by runs in three phases, each driven by the frame code with dense
// group ids (int32; -1 marks a row that belongs to no group and is skipped)
// computed by the group-key hash table:
//
//  1. Accumulate: per input partition, one Acc per aggregation folds the
//     partition's batches into per-group states with Update. base is the
//     global position of the batch's first row, which orders First and Last.
//  2. Merge: the partial states of a partition, taken with State as Arrow
//     arrays (so that they can be spilled and shuffled as Arrow records),
//     are folded into another Acc with Merge, each state row mapped to a
//     group of that Acc. Merges are commutative and associative (up to
//     floating-point rounding), so a tree reduction or a hash shuffle of
//     partial states may combine them in any order.
//  3. Finalize: Final returns one value per group.
//
// States are Go slices indexed by group id and grown to the largest ngroups
// seen (amortized). The update loops read the raw value slices of the Arrow
// buffers, with a separate loop for columns without nulls, and make no
// allocation and no interface call per row.
//
// # Types
//
// Check gives the result type: Sum of signed integers is int64 (wrapping
// on overflow), of unsigned integers uint64, of floats float64; Mean, Var,
// Std, Median, Quantile and Corr are float64; Min, Max, First and Last keep
// the input type; Count, CountRows and CountDistinct are int64; Any and All
// are bool. Numeric inputs are int8 … int64, uint8 … uint64, float32 and
// float64; Min, Max, First, Last, Count and CountDistinct also take bool,
// string, large_string, date32, date64 and timestamp; Any and All take
// bool. Corr takes two numeric columns, CountRows none, the others one.
//
// # State layouts
//
// StateTypes gives the partial-state columns, one row per group:
//
//	Sum            [sum: int64 | uint64 | float64, null when no value]
//	Mean           [sum float64, count int64]
//	Min, Max       [value: input type, null when no value]
//	Count          [count int64]
//	CountRows      [count int64]
//	CountDistinct  [list<input type>: the distinct values]
//	First, Last    [value: input type, null when no value; position int64]
//	Var, Std       [count int64, mean float64, m2 float64]
//	Median         [list<float64>: every non-null value]
//	Quantile       [list<float64>: every non-null value]
//	Corr           [count int64, mean x, mean y, m2 x, m2 y, cxy: float64]
//	Any, All       [value bool, null when no value]
//
// m2 is the sum of squared deviations from the mean and cxy the sum of
// products of the deviations of x and y; they are updated with Welford's
// method and merged with Chan et al.'s formulas. A First/Last position is
// the global row position of the value (meaningless where it is null).
// Lists have int32 offsets, so one state holds at most 2^31-1 values;
// State, and Final of Median and Quantile, return an error beyond.
//
// # Nulls and NaN
//
// Nulls are skipped by every kind but CountRows. Following SQL, a group
// with no non-null value gets null from every kind but Count and
// CountDistinct (0) and CountRows (its number of rows, 0 for a group no row
// mapped to); Var and Std are null when n - ddof <= 0, Corr when fewer
// than two rows have both values or a variance is 0.
//
// Floats follow IEEE and DuckDB: NaN and infinities propagate through Sum,
// Mean, Var, Std and Corr (Inf - Inf is NaN); NaN is greater than every
// number, so Max is NaN when some value is NaN and Min is NaN only when
// every value is; Median and Quantile sort NaN last. CountDistinct counts
// every NaN as one value and -0 as +0. Median and Quantile interpolate
// linearly between the closest ranks (DuckDB's quantile_cont, NumPy's
// "linear"): for the sorted values x and h = q*(n-1), the result is
// x[⌊h⌋] + (h-⌊h⌋)*(x[⌊h⌋+1]-x[⌊h⌋]), or x[⌊h⌋] when h is whole or the
// neighbours are equal. Strings compare byte-wise, bools false < true.
//
// # Memory
//
// Most kinds hold a few words per group. Median and Quantile keep every
// non-null value: at most 12 bytes per value (float64 value and int32
// group, in chunks of one Update or Merge call, never regrown; merged
// lists keep one group per list instead of one per value). State writes
// the grouped values straight into its Arrow buffer; Final gathers one
// group at a time into a small scratch slice. CountDistinct
// keeps one hash-set entry and one copy of each distinct (group, value)
// pair; string values are copied into Go memory.
//
// # Ownership
//
// Update and Merge borrow their arrays for the call only: nothing the
// accumulator keeps points into Arrow buffers. State and Final return new
// arrays allocated from the allocator they are given, owned by the caller,
// who releases them; they leave the accumulator unchanged, so it may go on
// accumulating. An Acc is not safe for concurrent use; Release drops its
// states.
package agg
