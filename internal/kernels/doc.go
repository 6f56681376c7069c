// Package kernels holds the vectorised kernels that the frame package's
// expression evaluator calls batch by batch: arithmetic, comparison,
// three-valued logic, null tests and filling, casts, string functions,
// date and time parts, filtering and broadcasting of scalars.
//
// # What a kernel is
//
// A kernel is data plus one loop. It takes Arrow arrays (and scalars), works
// on non-owning views of their buffers — []int64, []float64, offsets and
// bytes, bitmaps read 64 bits at a time at any bit offset — and writes a new
// array. Typed variants come from generic helpers instantiated per physical
// type (int8 … uint64, float32, float64, string offsets int32 and int64), so
// the hot loops are plain slice loops with no interface call and no
// allocation per element. Comparisons and string predicates write 0/1 bytes
// for a block of rows into a stack buffer and pack them into the result
// bitmap eight at a time.
//
// # The kernels
//
//	Arith                            + - * / % on numbers                         arith.go
//	Compare                          = != < <= > >= on numbers, text, bool, time  compare.go
//	And, Or, Not                     Kleene three-valued logic                    logic.go
//	IsNull, IsNotNull, FillNull      null tests and replacement                   logic.go
//	Cast, Widen, CanWiden            conversions; implicit promotion              cast.go, cast_text.go, cast_time.go
//	Contains, StartsWith, EndsWith   literal matching                             strings.go
//	Lower, Upper, Length, Substring  per code point                               strings.go
//	Concat                           string concatenation                         strings.go
//	Extract                          year … second of a date or timestamp         temporal.go, civil.go
//	Filter, FilterArray              keep the rows a boolean mask selects         filter.go
//	Broadcast                        a scalar as an n-row array                   broadcast.go
//	Take, TakeRecord                 gather rows by index (-1: null)              take.go
//	SortIndices, TopKIndices         stable multi-key sort permutation; top k     sort.go
//	RowComparer                      compare rows of two records on sort keys     partition.go
//	RangePartition, Split            assign rows to key ranges; scatter by part   partition.go
//	MergeSorted                      k-way merge of sorted records                partition.go
//
// Sorting orders nulls last unless NullsFirst (in either direction), NaN
// above every number and -0 equal to +0, text by bytes and dictionaries by
// their values. It radix-sorts 64-bit normalised keys (text 7 bytes at a
// time) and falls back to comparison only inside small runs of ties.
//
// # Operands
//
// An [Operand] is an array or a scalar broadcast to the batch length n that
// every kernel takes. Arrays must be n long; they may be slices (a non-zero
// Offset), which every kernel handles. Kernels whose operands are all scalars
// compute one row and broadcast it.
//
// # Ownership
//
// Inputs are borrowed: valid for the call, never retained past it, never
// modified. Every result is owned by the caller, who must Release it. Results
// are allocated from the memory.Allocator passed in; a result may share
// buffers with an input only where the documentation says so (Filter keeping
// every row, FillNull with nothing to fill, Cast to the same type, Broadcast
// of an array: the input itself, retained). Kernels keep no state between
// calls and are safe to call from many goroutines at once, including on the
// same arrays.
//
// # Nulls
//
// Nulls propagate: a row of the result is null when a row of an operand it
// depends on is null, and the null scalar nulls every row. The exceptions
// are SQL's: And and Or are Kleene three-valued (false AND null is false,
// true OR null is true), IsNull and IsNotNull never return null, FillNull
// replaces nulls, and Filter drops rows whose mask is null. Validity bitmaps
// are combined a word at a time; a result whose inputs have no nulls has no
// validity bitmap. Values under a null are unspecified (kernels compute them
// anyway rather than branch per row).
//
// Integer division and modulo by zero give null. Integer overflow wraps
// (two's complement, Go's semantics). Floats follow IEEE 754: division by
// zero gives ±Inf or NaN and NaN compares false to everything except with
// Ne.
//
// # Types: the caller's contract
//
// Type checking and the choice of result types belong to the frame layer:
// kernels take operands whose types already agree (both sides of Arith,
// Compare, Concat and FillNull have identical types; implicit promotion is
// done beforehand with [Widen], whose [CanWiden] the type checker can ask).
// A kernel given types it does not take, operands of differing types, or an
// array of the wrong length returns an error wrapping [ErrType] or
// [ErrLength] that names the kernel and the types; it never panics on such
// input. Arrays themselves are assumed well-formed (as produced by Arrow).
// Cast is the one kernel whose data can make it fail: a value that does not
// convert is a [*CastError] naming the row and the value.
//
// Timestamps of any unit are instants; a type without a time zone (or with
// "UTC") is read in UTC, one with a zone (an IANA name or "+hh:mm") in that
// zone, loaded through arrow's TimestampType.GetZone (time.LoadLocation, so
// from the system's zone database unless the program imports time/tzdata).
package kernels
