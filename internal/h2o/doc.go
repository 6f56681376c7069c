// Package h2o generates the data sets of the db-benchmark (first h2o.ai's,
// now DuckDB Labs') as CSV, quickly and deterministically, so that dusk's
// benchmarks and its peers (DuckDB, Polars) read the same files.
//
// It follows the specification of the benchmark's R scripts
// (_data/groupby-datagen.R and _data/join-datagen.R): the same columns,
// value ranges, distinct counts, missing-value rules, sort orders and file
// names. It does not reproduce R's random numbers, so the files are not
// byte-identical to R's; they are identical from run to run for the same
// parameters and Seed.
//
// # Groupby: G1_<N>_<K>_<NA>_<sorted>
//
// N rows of
//
//	id1, id2  "id%03d" of a uniform integer in [1, K]
//	id3       "id%010d" of a uniform integer in [1, N/K]
//	id4, id5  uniform integer in [1, K]
//	id6       uniform integer in [1, N/K]
//	v1        uniform integer in [1, 5]
//	v2        uniform integer in [1, 15]
//	v3        uniform real in [0, 100), rounded to 6 decimals
//
// With NAPercent p > 0, exactly floor(N*p/100) cells of each column are
// missing (an empty CSV field, as R's fwrite writes NA), chosen
// independently per column. With Sorted, rows are ordered by id1..id6 (the
// strings byte-wise, missing first, ties in generation order).
//
// # Join: J1_<N>_NA_<NA>_<sorted> and its right-hand sides
//
// Three key spaces of n = N/1e6, N/1e3 and N keys: a random permutation of
// 1..1.1n split into x (0.9n keys on both sides), l (0.1n keys only on the
// left) and r (0.1n keys only on the right). The left table (N rows) draws
// id1, id2, id3 from x∪l of each space so that every key appears at least
// once; the small (N/1e6 rows), medium (N/1e3) and big (N) right tables
// draw from x∪r the same way. id4..id6 are "id" followed by id1..id3; v1
// (left) and v2 (right) are uniform reals in [0, 100) rounded to 6
// decimals. See [Join].
//
// # Determinism and speed
//
// Rows are generated in blocks of a fixed size; each block has its own
// PCG stream derived from (Seed, table, block), and the permutations of the
// join keys are keyed bijections evaluated per row. Blocks are generated on
// all cores and written in order, so the output does not depend on the
// number of goroutines (GOMAXPROCS) and memory stays at a few blocks per
// core. Sorted data sets are the exception: they hold every row in memory
// while sorting (about 150 bytes a row for groupby, 72 for join tables).
package h2o
