// Package hashtable is the key table behind group-by, join and distinct:
// a Table maps composite keys, one or more Arrow key columns, to dense
// ids 0..n-1 in order of first appearance, and HashRows hashes the rows
// of key columns for hash partitioning. Keys are never boxed (no
// map[any]): every column is turned into 64-bit codes, chunk by chunk, and
// the table works on those.
//
// # Codes
//
// The table turns 2048 rows of a column at a time into one uint64 code
// per row. Integers (and date32/64, timestamp, time32/64, duration, bool) map
// to their value in unsigned order (signed values with the sign bit
// flipped); floats to their bit pattern after turning -0 into 0 and every
// NaN into one quiet NaN, so NaN groups with NaN. Strings, binaries and
// dictionaries with string-like values go through a per-column intern
// table that gives each distinct byte string a dense code (0, 1, 2...): a
// string row is hashed straight from the Arrow buffers and probed without
// copying; only a new string is copied, once, into the intern arena. A
// dictionary column interns each dictionary entry on its first use in a
// call and maps rows through that remap, so batches whose dictionaries
// differ still give the same string the same code. A string-like key
// column therefore takes its value type plain or dictionary-encoded
// alike, and the plain keys Keys returns can go back into the table.
//
// # Modes
//
// A table picks its layout from its key types and the data:
//
//   - direct: one fixed-width column. The code is the key.
//   - string: one string-like column. The intern code indexes an array
//     of ids; nothing else is probed.
//   - packed (fast path for several columns): each column c owns a field
//     of bits[c] bits holding code-lo[c]+1, 0 meaning null, and the
//     fields of a row concatenate into one 64-bit word, compared as a
//     single integer. Ranges are learnt as data arrive: a chunk whose
//     codes leave a field triggers a relayout (the field widened with one
//     spare bit, half the spare room below when the range grew
//     downwards, so that moving ranges cause only logarithmically many
//     relayouts), which re-encodes the stored keys.
//   - wide (general fallback): when the fields need more than 64 bits
//     the table re-encodes its keys once to one word per column plus a
//     word of null flags, hashes them, and compares the words on a hash
//     match. Strings are codes here too, so no key is variable-length.
//
// The one-word keys of the direct and packed modes are indexed either by
// a dense array (id+1 at key-lo) when the key range is at most 2^16 or
// at most 32 times the number of keys, or else by open-addressing slots
// of (key, id+1) probed linearly from the top bits of
// hashing.Mix64(key), at most 70% full, with a power-of-two capacity
// that doubles by rehashing (the old slots are re-placed in order, so the
// writes are nearly sequential). The index is re-chosen whenever it must
// grow, in either direction, so a group-by whose keys fill a range moves
// to the dense array. Rows are probed in batches of 256: first their
// hashes are computed and, in tables of 2^14 slots or more, their home
// slots loaded, so that the cache misses of a batch overlap. The intern
// tables and the wide mode use the same slot scheme on hashes; intern
// slots are 32 bytes and hold strings of up to 16 bytes inline, so most
// probes touch one cache line.
//
// # Nulls
//
// With nullsEqual (group-by) null is a key value: all nulls of a column
// are equal, to each other only. Without it (joins) a row with a null in
// any key column gets id -1 from Insert and Lookup and is never stored.
// Lookup of a null key in a nullsEqual table finds its group like any
// other key.
//
// # Invariants and ownership
//
// Ids are dense and stable: once given, a key keeps its id however the
// table is re-laid out or re-indexed, across any number of Insert calls.
// Input arrays are borrowed: the table reads their buffers during the
// call (through ArrayData, touching no lazily built array state, so
// several goroutines may read the same arrays, each with its own Table)
// and keeps no reference after it returns; it never retains or releases
// them. Keys returns new arrays from the given allocator, owned by the
// caller; they have the key types, except that a dictionary column comes
// back as a plain array of its value type, and floats come back
// normalised (-0 as 0, one NaN). The table's own memory is ordinary Go
// memory, amortised: no allocation per row. Reserve sizes a table for the
// keys a caller expects (a merge knows its input's rows), so that the
// slots grow once instead of doubling step by step. A Table is not safe for concurrent use. HashRows is
// a pure function of its inputs and may run concurrently.
package hashtable
