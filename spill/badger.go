package spill

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// BadgerStore is the default [Store]: a badger database in a private
// directory that it creates inside the user's spill directory and removes
// on Close.
//
// Values are written once and read once, so the database is tuned for that
// rather than for a long-lived key-value store: no sync on write, no
// conflict detection, no compression (the spill codecs compress), small
// memtables and no caches, and every value of 64 KiB or more goes to the
// value log, where a Get reads it straight out of the memory-mapped file.
//
// A BadgerStore is safe for concurrent use. Close waits for the operations
// in flight; later calls return [ErrClosed].
type BadgerStore struct {
	dir string // the private directory, removed by Close

	// mu guards closed and db: operations hold it for reading for their whole
	// length, Close for writing, so that Close waits for them and none runs
	// on a closed database.
	mu     sync.RWMutex
	closed bool
	db     *badger.DB

	live      atomic.Int64 // approximate value bytes stored: Put adds, Delete subtracts
	keys      atomic.Int64 // estimated number of keys stored (see reclaim)
	sinceDrop atomic.Int64 // bytes put since the store was last emptied on disk
	unswept   atomic.Int64 // bytes put since the file modes were last restricted
}

// Badger settings for a spill store. Each is checked against badger's
// checkAndSetOptions (db.go) and newLevelsController (levels.go), which
// reject or panic on inconsistent values.
const (
	// badgerValueLogFileSize bounds one value-log file. Badger refuses a value
	// larger than this (txn.modify) and requires 1 MiB <= size < 2 GiB; 256 MiB
	// holds four pieces of MaxPieceSize, and is also the unit in which disk
	// space comes back (see reclaim).
	badgerValueLogFileSize = 256 << 20

	// badgerMemTableSize is small because the memtable holds only keys and
	// value pointers (and values under badgerValueThreshold). Badger caps one
	// transaction at 15% of it (2.4 MiB here), and ValueThreshold must not
	// exceed that cap.
	badgerMemTableSize = 16 << 20

	// badgerValueThreshold: values of at least this many bytes go to the value
	// log; smaller ones live in the LSM tree. Spill pieces are normally
	// megabytes, so the LSM stays a tree of pointers; 64 KiB keeps occasional
	// small pieces out of the value log without filling memtables with them.
	// Badger requires ValueThreshold <= 1 MiB and <= 15% of MemTableSize.
	badgerValueThreshold = 64 << 10

	// badgerBlockCacheSize is zero: with no compression and no encryption
	// badger needs no block cache (checkAndSetOptions panics only when
	// compression or encryption is on without one), and the LSM blocks hold
	// only pointers. Zero also spares the ristretto cache and its goroutines.
	badgerBlockCacheSize = 0

	// badgerIndexCacheSize is zero: table indexes stay in memory without a
	// cache, which for an LSM of pointers is a few kilobytes per table.
	badgerIndexCacheSize = 0
)

// badgerReclaimAfter is how many bytes must have been put since the value
// log was last emptied before a Delete that empties the store drops the
// value-log files (see reclaim): one full value-log file.
const badgerReclaimAfter = badgerValueLogFileSize

// badgerOptions returns the options for a spill store in dir.
func badgerOptions(dir string) badger.Options {
	return badger.DefaultOptions(dir).
		WithLogger(nil).           // the store reports errors itself
		WithMetricsEnabled(false). // no expvar counters, no size-updating goroutine work
		WithSyncWrites(false).     // spill data does not outlive the process
		WithDetectConflicts(false).
		WithNumVersionsToKeep(1).
		WithCompression(options.None). // the codecs compress
		WithBlockCacheSize(badgerBlockCacheSize).
		WithIndexCacheSize(badgerIndexCacheSize).
		WithValueLogFileSize(badgerValueLogFileSize).
		WithValueThreshold(badgerValueThreshold).
		WithMemTableSize(badgerMemTableSize).
		WithNumMemtables(2).
		// NumLevelZeroTablesStall must exceed NumLevelZeroTables
		// (levels.go asserts it).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(4).
		// Badger refuses exactly one compactor; two is its minimum for a
		// working LSM (compactor 0 prioritises L0).
		WithNumCompactors(2)
}

// OpenBadger creates a private directory (mode 0700, named dusk-spill-*)
// inside dir and opens a [BadgerStore] there. dir is the user's spill
// directory: it must exist and be a writable directory. The errors for a
// missing dir, a file, or a directory that cannot be written name the path
// and wrap the cause, so errors.Is(err, fs.ErrNotExist) and
// errors.Is(err, fs.ErrPermission) work. On error nothing is left in dir.
func OpenBadger(dir string) (*BadgerStore, error) {
	if err := checkSpillDir(dir); err != nil {
		return nil, err
	}
	private, err := os.MkdirTemp(dir, "dusk-spill-")
	if err != nil {
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
			return nil, &dirError{dir: dir, problem: "is not writable", err: err}
		}
		return nil, &dirError{dir: dir, problem: "cannot create a directory in it", err: err}
	}
	// MkdirTemp creates with 0700 already; Chmod makes it independent of
	// that detail (the umask can only remove bits).
	if err := os.Chmod(private, 0o700); err != nil {
		_ = os.RemoveAll(private)
		return nil, fmt.Errorf("spill: badger store %s: %w", private, err)
	}
	db, err := badger.Open(badgerOptions(private))
	if err != nil {
		_ = os.RemoveAll(private)
		return nil, fmt.Errorf("spill: badger store %s: open: %w", private, err)
	}
	s := &BadgerStore{dir: private, db: db}
	s.restrictModes()
	return s, nil
}

// sweepEvery is how many bytes are put between two passes of
// restrictModes: badger opens a new memtable file every MemTableSize and a
// new value-log file every ValueLogFileSize.
const sweepEvery = 8 << 20

// restrictModes makes the store's files readable by the owner only.
// Badger creates its memory-mapped files (value log, memtables) with mode
// 0666 minus the umask; the private directory is 0700 already, so this is
// a second fence, applied at Open and after every sweepEvery bytes put.
func (s *BadgerStore) restrictModes() {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o077 != 0 {
			_ = os.Chmod(filepath.Join(s.dir, e.Name()), info.Mode().Perm()&0o700)
		}
	}
}

// checkSpillDir reports whether dir is an existing directory.
// Writability is found out by creating the private directory in it.
func checkSpillDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &dirError{dir: dir, problem: "does not exist", err: err}
	case errors.Is(err, fs.ErrPermission):
		return &dirError{dir: dir, problem: "cannot be accessed", err: err}
	case err != nil:
		return &dirError{dir: dir, err: err}
	case !fi.IsDir():
		return &dirError{dir: dir, problem: "is not a directory",
			err: &fs.PathError{Op: "open", Path: dir, Err: syscall.ENOTDIR}}
	}
	return nil
}

// dirError is an unusable spill directory. It reads
// `spill: spill directory "/x/y": does not exist` and unwraps to the
// operating system's error.
type dirError struct {
	dir     string
	problem string // "does not exist", ...; empty: err says it all
	err     error
}

func (e *dirError) Error() string {
	if e.problem == "" {
		return fmt.Sprintf("spill: spill directory %q: %v", e.dir, e.err)
	}
	// The not-exist and not-a-directory messages say everything err would.
	var pe *fs.PathError
	if errors.As(e.err, &pe) && pe.Path == e.dir {
		return fmt.Sprintf("spill: spill directory %q: %s", e.dir, e.problem)
	}
	return fmt.Sprintf("spill: spill directory %q: %s: %v", e.dir, e.problem, e.err)
}

func (e *dirError) Unwrap() error { return e.err }

// Dir returns the store's private directory, which Close removes.
func (s *BadgerStore) Dir() string { return s.dir }

// LiveBytes returns about how many value bytes the store holds: the bytes
// put less the bytes deleted. Overwriting a key counts both values. It is
// not the size on disk, which lags behind deletions until value-log GC
// rewrites or removes a file.
func (s *BadgerStore) LiveBytes() int64 { return s.live.Load() }

// Put stores value under key with one transaction. The key must not be
// empty (badger refuses it). Badger copies value before Put returns.
func (s *BadgerStore) Put(key, value []byte) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	// db.Update with a single SetEntry is as fast as a WriteBatch for one
	// large value (both are one commit through badger's write goroutine) and
	// returns only once the value is in the value log, so value can be reused.
	isNew := false
	err := s.db.Update(func(txn *badger.Txn) error {
		// The lookup (in the LSM tree of pointers, not the value log) keeps
		// the key count that triggers reclaim right when keys are reused.
		_, err := txn.Get(key)
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
			isNew = true
		case err != nil && !errors.Is(err, badger.ErrEmptyKey):
			return err
		}
		return txn.SetEntry(badger.NewEntry(key, value))
	})
	if err != nil {
		return s.errorf("put key %s (%d bytes): %w", fmtKey(key), len(value), err)
	}
	if s.unswept.Add(int64(len(value))) >= sweepEvery {
		s.unswept.Store(0)
		s.restrictModes()
	}
	if isNew {
		s.keys.Add(1)
	}
	s.live.Add(int64(len(value)))
	s.sinceDrop.Add(int64(len(value)))
	return nil
}

// Get calls fn with the value under key. For a value in the value log the
// slice points into the memory-mapped file and is valid only during fn; fn
// must not call Close. An error from fn is returned as it is.
func (s *BadgerStore) Get(key []byte, fn func(value []byte) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	var fnErr error
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			fnErr = fn(v)
			return fnErr
		})
	})
	switch {
	case err == nil:
		return nil
	case fnErr != nil:
		return fnErr
	case errors.Is(err, badger.ErrKeyNotFound), errors.Is(err, badger.ErrEmptyKey):
		return s.errorf("get key %s: %w", fmtKey(key), ErrNotFound)
	default:
		return s.errorf("get key %s: %w", fmtKey(key), err)
	}
}

// Delete removes the keys in as few transactions as badger allows (one
// transaction holds up to 15% of the memtable size, tens of thousands of
// keys). Missing and empty keys are skipped.
//
// Badger frees the disk space of deleted values only when value-log GC
// rewrites a file, and its GC finds nothing to rewrite in a spill store (see
// reclaim). So when a Delete leaves the store empty after at least
// badgerReclaimAfter bytes were put, it drops the value-log files instead;
// that Delete waits for the files to be removed (about 0.5 s per GiB).
func (s *BadgerStore) Delete(keys ...[]byte) error {
	if err := s.delete(keys); err != nil {
		return err
	}
	if s.keys.Load() <= 0 && s.sinceDrop.Load() >= badgerReclaimAfter {
		return s.reclaim()
	}
	return nil
}

func (s *BadgerStore) delete(keys [][]byte) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	var deleted, n int64
	txn := s.db.NewTransaction(true)
	defer func() { txn.Discard() }()
	for _, key := range keys {
		if len(key) == 0 {
			continue
		}
		// The size is read from the value pointer; the value is not read.
		item, err := txn.Get(key)
		if errors.Is(err, badger.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return s.errorf("delete key %s: %w", fmtKey(key), err)
		}
		size := item.ValueSize()
		err = txn.Delete(key)
		if errors.Is(err, badger.ErrTxnTooBig) {
			if err = txn.Commit(); err != nil {
				return s.errorf("delete %d keys: %w", len(keys), err)
			}
			txn = s.db.NewTransaction(true)
			err = txn.Delete(key)
		}
		if err != nil {
			return s.errorf("delete key %s: %w", fmtKey(key), err)
		}
		deleted += size
		n++
	}
	if err := txn.Commit(); err != nil {
		return s.errorf("delete %d keys: %w", len(keys), err)
	}
	s.live.Add(-deleted)
	s.keys.Add(-n)
	return nil
}

// reclaim drops the value-log files if the store holds no key.
//
// Badger's value-log GC (DB.RunValueLogGC) only rewrites a file whose
// discard statistics say it is mostly garbage, and those statistics are
// updated only when compaction drops overwritten or deleted versions from
// the LSM tree. A spill store's LSM tree is a small tree of value pointers:
// its memtable is hardly ever flushed, so nothing is compacted and GC never
// finds a file to rewrite (measured: 4 GiB put and deleted, RunValueLogGC
// returned ErrNoRewrite each time and the directory kept 4.1 GB). DropAll,
// run when the store is empty, removes the files at once.
//
// The key count that triggers reclaim is an estimate (concurrent Puts or
// Deletes of one key can skew it), so reclaim checks under the exclusive
// lock that no key is left, and corrects the count when some are. DropAll
// must not run beside reads or writes; the exclusive lock ensures it.
func (s *BadgerStore) reclaim() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.keys.Load() > 0 || s.sinceDrop.Load() < badgerReclaimAfter {
		return nil // closed, or refilled or reclaimed by another call
	}
	n, err := s.countKeys()
	if err != nil {
		return s.errorf("reclaim: count keys: %w", err)
	}
	if n > 0 {
		s.keys.Store(n)
		return nil
	}
	if err := s.db.DropAll(); err != nil {
		return s.errorf("reclaim: drop value log: %w", err)
	}
	s.live.Store(0)
	s.sinceDrop.Store(0)
	return nil
}

// countKeys returns the number of live keys. It reads only the LSM tree.
func (s *BadgerStore) countKeys() (int64, error) {
	var n int64
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{}) // keys only
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, err
}

// Close closes the database and removes the private directory. It waits
// for operations in flight, is idempotent, and after it every operation
// returns ErrClosed.
func (s *BadgerStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	// badger's Close stops and waits for its goroutines (writes, memtable
	// flush, compactors, value-log GC, publisher, oracle) before it returns.
	errDB := s.db.Close()
	s.db = nil
	errRm := os.RemoveAll(s.dir)
	if errDB != nil {
		return s.errorf("close: %w", errDB)
	}
	if errRm != nil {
		return s.errorf("remove directory: %w", errRm)
	}
	return nil
}

func (s *BadgerStore) errorf(format string, args ...any) error {
	return fmt.Errorf("spill: badger store %s: "+format, append([]any{s.dir}, args...)...)
}

// fmtKey formats a key for an error message: quoted when it is printable
// ASCII, hex otherwise.
func fmtKey(key []byte) string {
	for _, c := range key {
		if c < 0x20 || c > 0x7e {
			return "0x" + hex.EncodeToString(key)
		}
	}
	return fmt.Sprintf("%q", key)
}
