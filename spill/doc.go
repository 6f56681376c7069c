// Package spill keeps a computation's values under a memory limit: it
// accounts the bytes every held value occupies and moves values to an
// on-disk store when memory runs short, reading them back when a task
// needs them. It imports nothing of dusk; the scheduler uses it.
//
// # Accounting
//
// [SizeOf] gives the bytes of a value: exact for Arrow data (the lengths of
// its distinct buffers, children and dictionaries included) and for dense
// numeric slices; a [Sizer] reports its own. Other values count 0 and are
// not managed.
//
// # The manager
//
// A [Manager] serves one computation. For every task the scheduler calls
// Begin (which waits for memory and pins the task's inputs), Load for each
// input (reading spilled ones back), Put for the result, and Finish;
// Release when a value's last consumer has finished and Take for outputs.
// The thresholds, as fractions of the limit:
//
//   - above [DefaultSpillAt] (60%), the least recently used values that no
//     running task holds are encoded and written to the store by the
//     manager's I/O goroutines ([DefaultIOWorkers]), so the workers keep
//     computing while bytes move; a value read back keeps its stored copy,
//     so spilling it again costs nothing;
//   - above [DefaultPauseAt] (80%), tasks that only produce data (scans,
//     generators) wait before they start;
//   - any task waits while the resident and reserved bytes plus what it
//     needs (an estimate of its result, the largest value so far by
//     default, and its inputs that must be read back) would pass the limit.
//
// A task never waits when nothing could free memory (no task running, no
// write in flight, nothing spillable): a computation always progresses,
// and the accounted peak stays within the limit plus one partition (the
// reservations are sized by the estimates given, else by the largest value
// so far: until the first value is put, each worker's first task may add
// one partition). A
// value larger than the limit is a *[TooLargeError]. Values pinned by a
// running task are never spilled.
//
// # Codecs
//
// Values are encoded by a [Codec]: [RecordCodec] writes arrow.Record as an
// Arrow IPC stream (with optional LZ4 or ZSTD body compression: badger does
// not compress its value log), dense numeric slices are written as raw
// little-endian bytes, and other types opt in by implementing [Spillable]
// or through [Config.Codecs]. A value with no codec stays in memory and is
// still counted. Encoded bytes are cut into pieces of at most
// [Config.PieceSize] (badger cannot hold a value larger than its value-log
// file); each piece's CRC-32C is kept in memory and checked when the piece
// is read back, so a corrupted value gives an error wrapping [ErrCorrupt].
//
// # Stores
//
// A [Store] holds the pieces. [OpenBadger] (the default) makes a private
// directory (mode 0700; its files are narrowed to 0600) inside the spill
// directory and opens badger there,
// tuned for large values written once and read once; Close removes the
// directory. Reads copy out of badger's memory-mapped value log into
// memory the codec allocates (Arrow data from [Config.Allocator]). The
// badger store reclaims its files when it becomes empty; while values stay
// in it its files only grow (badger's value-log GC does not free space for
// this workload), until Close. [MemStore] keeps pieces in memory, for
// tests. A failed write (a full disk) stops the manager: the next Begin or
// Put returns the error, no value is lost, and Close releases everything.
//
// # Ownership
//
// Put takes ownership of the value; Load lends it until Finish; Take gives
// it back to the caller, who releases it. Release and Close release the
// values the manager still holds (calling their Release method). A value
// being written when it is released is released when the write ends.
//
// # Configuration
//
// The limit comes from [Config.Limit]; [LimitFromEnv] reads
// DUSK_MEMORY_LIMIT ("4GiB", "60%", "none"), and [DefaultLimit] is
// [DefaultLimitFraction] of [SystemMemory] (the machine's memory or the
// cgroup's limit). DUSK_SPILL_DIR names the spill directory.
package spill
