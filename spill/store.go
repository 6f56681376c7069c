package spill

import "errors"

// Store holds spilled bytes under keys. The manager writes each spilled
// value as one or more pieces (see [MaxPieceSize]) under keys of its own
// making and deletes them when the value is released or read back for the
// last time. [BadgerStore] is the default, on disk; [MemStore] keeps the
// bytes in memory, for tests.
//
// A Store must be safe for concurrent use: the manager's I/O goroutines
// write while workers read.
type Store interface {
	// Put stores value under key, replacing any value there. The store
	// copies value (or writes it out) before returning: the caller reuses
	// the slice afterwards. len(value) is at most MaxPieceSize.
	Put(key, value []byte) error
	// Get calls fn with the value stored under key. The slice is valid only
	// during the call (it may point into a memory-mapped file): fn copies
	// what it keeps. A missing key gives an error that wraps ErrNotFound.
	Get(key []byte, fn func(value []byte) error) error
	// Delete removes the keys; missing keys are not an error.
	Delete(keys ...[]byte) error
	// Close releases the store and everything in it. A store on disk
	// removes its directory: nothing is left behind. Close is idempotent.
	Close() error
}

// MaxPieceSize is the largest value a Store is given in one Put. Larger
// encoded values are split into pieces of at most this size (badger cannot
// hold a value larger than its value-log file).
const MaxPieceSize = 64 << 20

// ErrNotFound is wrapped by a Store's Get when the key holds no value.
var ErrNotFound = errors.New("spill: key not found")

// ErrClosed is returned by a Store used after Close.
var ErrClosed = errors.New("spill: store is closed")
