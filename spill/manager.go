package spill

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Default thresholds, as fractions of the memory limit.
const (
	// DefaultSpillAt: above this share of the limit, the least recently
	// used values that no running task holds are written to the store.
	DefaultSpillAt = 0.6
	// DefaultPauseAt: above this share, tasks that only produce data
	// (scans, generators) wait before they start, until spilling or
	// consumers have brought memory down.
	DefaultPauseAt = 0.8
	// DefaultPieceSize is the size of the pieces spilled values are cut
	// into.
	DefaultPieceSize = 16 << 20
	// DefaultIOWorkers is the number of goroutines that encode and write
	// spilled values.
	DefaultIOWorkers = 2
)

// Config configures a Manager. The zero value is usable: the default limit,
// a badger store in the system's temporary directory, no compression.
type Config struct {
	// Limit is the memory limit in bytes. 0 means DefaultLimit(); a
	// negative limit is not valid for a Manager (run without one).
	Limit int64
	// SpillAt and PauseAt are the thresholds as fractions of Limit, with
	// 0 < SpillAt <= PauseAt <= 1; zero means DefaultSpillAt and
	// DefaultPauseAt, or the other threshold where that one is set and
	// the default would be on the wrong side of it.
	SpillAt, PauseAt float64
	// Dir is the directory in which the badger store makes its private
	// directory; "" means os.TempDir().
	Dir string
	// Store opens the store the first time a value is spilled; nil means
	// OpenBadger(Dir). The manager closes it.
	Store func() (Store, error)
	// Compression applies to spilled Arrow records.
	Compression Compression
	// Codecs are tried, in order, for values that have no codec of their
	// own and no built-in one.
	Codecs []Codec
	// Allocator allocates the Arrow data of values read back; nil means
	// memory.DefaultAllocator.
	Allocator memory.Allocator
	// IOWorkers is the number of goroutines that encode and write values;
	// 0 means DefaultIOWorkers.
	IOWorkers int
	// PieceSize is the largest piece put into the store, at most
	// MaxPieceSize; 0 means DefaultPieceSize.
	PieceSize int
	// OnStats, when set, is called with fresh figures after every spill,
	// read-back and failure, from the goroutine that did it. Calls do not
	// overlap, and figures older than some already reported are skipped,
	// so the totals it sees never go back. It must be quick and must not
	// call the Manager.
	OnStats func(Stats)
	// Logger receives the manager's decisions at debug level: every value
	// spilled (its label, bytes, encoded bytes, and the resident bytes
	// after) and read back. nil means no logging.
	Logger *slog.Logger
}

// Stats are a Manager's figures. Bytes are accounted bytes (see SizeOf)
// unless the name says encoded.
type Stats struct {
	Limit int64
	// Resident is the bytes of values held in memory now; Peak is its
	// highest value.
	Resident, Peak int64
	// Reserved is the bytes set aside for the outputs and read-backs of
	// running tasks.
	Reserved int64
	// Spilled is the bytes of values that are in the store and not in
	// memory now.
	Spilled int64
	// SpilledTotal and ReadBackTotal count the bytes moved out and back
	// in; Spills and ReadBacks count the values.
	SpilledTotal, ReadBackTotal int64
	Spills, ReadBacks           int64
	// WrittenBytes is the encoded bytes written to the store.
	WrittenBytes int64
	// Waits counts the tasks that waited for memory before starting.
	Waits int64
}

// TooLargeError is returned when one value alone is larger than the
// memory limit: it can be neither held nor read back within it.
type TooLargeError struct {
	Label string
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("spill: result of %s is %s, larger than the memory limit of %s; raise the limit or make partitions smaller",
		e.Label, FormatBytes(e.Size), FormatBytes(e.Limit))
}

type entryState uint8

const (
	resident entryState = iota // in memory
	writing                    // in memory, being written to the store
	spilled                    // in the store only
	loading                    // being read back
)

// Entry is a value the Manager holds for a computation. Its methods are
// on the Manager.
type Entry struct {
	id      uint64
	label   fmt.Stringer
	size    int64
	codec   Codec
	value   any // nil unless resident or writing
	state   entryState
	stored  bool // the store holds a valid copy (pieces)
	pieces  []piece
	encSize int64
	pins    int32
	gone    bool          // released: nobody will ask for it again
	loaded  chan struct{} // closed when the running read-back ends
	inLRU   bool
	prev    *Entry
	next    *Entry
}

// Size returns the accounted bytes of the entry's value.
func (e *Entry) Size() int64 { return e.size }

// Manager accounts the values of one computation and keeps them under the
// memory limit by moving the least recently used ones to a Store, on its
// own I/O goroutines, and reading them back when a task needs them.
//
// The protocol, for every task: Begin (waits for memory, pins the task's
// inputs), Load each input, run, Put the result, Finish (unpins). A value
// is Released after its last consumer has finished; outputs are taken
// with Take. Close ends the Manager.
type Manager struct {
	cfg              Config
	limit            int64
	spillAt, pauseAt int64
	records          RecordCodec
	alloc            memory.Allocator

	mu       sync.Mutex
	resident int64
	reserved int64
	writingB int64 // bytes of values being written
	writing  int
	candB    int64 // bytes of the LRU list: resident, unpinned, with a codec
	head     *Entry
	tail     *Entry
	live     map[uint64]*Entry
	nextID   uint64
	maxSize  int64
	waitB    int64
	changed  chan struct{}
	stats    Stats
	err      error
	closed   bool

	nwait   atomic.Int32 // Begins in the slow path, waiting or about to
	tickets []*Ticket    // the tickets that have begun a task, for canFree
	deletes [][]byte     // store keys waiting for an I/O goroutine to delete them
	// busy is set once the manager accounts anything (see updateBusy):
	// until then Begin may skip the lock.
	busy atomic.Bool

	storeMu   sync.Mutex
	store     Store
	storeErr  error
	kick      chan struct{}
	stop      chan struct{}
	ioOnce    sync.Once
	ioWG      sync.WaitGroup
	closeOnce sync.Once

	reportSeq uint64     // numbers the figures taken for OnStats; under mu
	reportMu  sync.Mutex // serializes OnStats
	reported  uint64     // the number of the last figures reported; under reportMu
}

// NewManager returns a Manager for one computation. Nothing is opened
// until the first value is spilled.
func NewManager(cfg Config) (*Manager, error) {
	if cfg.Limit == 0 {
		cfg.Limit = DefaultLimit()
	}
	if cfg.Limit < 0 {
		return nil, fmt.Errorf("%w: memory limit %d is negative", ErrBadLimit, cfg.Limit)
	}
	if cfg.SpillAt == 0 {
		cfg.SpillAt = DefaultSpillAt
		if cfg.PauseAt > 0 {
			// A PauseAt set alone below the default spill threshold
			// brings it down with it, as a SpillAt set alone above the
			// default pause threshold raises that.
			cfg.SpillAt = min(cfg.SpillAt, cfg.PauseAt)
		}
	}
	if cfg.PauseAt == 0 {
		cfg.PauseAt = max(DefaultPauseAt, cfg.SpillAt)
	}
	if !(cfg.SpillAt > 0 && cfg.SpillAt <= cfg.PauseAt && cfg.PauseAt <= 1) {
		return nil, fmt.Errorf("%w: thresholds SpillAt=%g, PauseAt=%g: want 0 < SpillAt <= PauseAt <= 1", ErrBadLimit, cfg.SpillAt, cfg.PauseAt)
	}
	if cfg.PieceSize == 0 {
		cfg.PieceSize = DefaultPieceSize
	}
	if cfg.PieceSize < 0 || cfg.PieceSize > MaxPieceSize {
		return nil, fmt.Errorf("spill: piece size %d: want 1 to %d bytes", cfg.PieceSize, MaxPieceSize)
	}
	for i, c := range cfg.Codecs {
		if c == nil {
			return nil, fmt.Errorf("spill: Config.Codecs[%d] is nil", i)
		}
	}
	if cfg.IOWorkers <= 0 {
		cfg.IOWorkers = DefaultIOWorkers
	}
	if cfg.Allocator == nil {
		cfg.Allocator = memory.DefaultAllocator
	}
	if cfg.Store == nil {
		dir := cfg.Dir
		if dir == "" {
			dir = os.TempDir()
		}
		cfg.Store = func() (Store, error) { return OpenBadger(dir) }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Manager{
		cfg:     cfg,
		limit:   cfg.Limit,
		spillAt: int64(cfg.SpillAt * float64(cfg.Limit)),
		pauseAt: int64(cfg.PauseAt * float64(cfg.Limit)),
		records: RecordCodec{Compression: cfg.Compression},
		alloc:   cfg.Allocator,
		live:    make(map[uint64]*Entry),
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
	}
	m.stats.Limit = cfg.Limit
	return m, nil
}

// Limit returns the memory limit in bytes.
func (m *Manager) Limit() int64 { return m.limit }

// Stats returns the current figures.
func (m *Manager) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statsLocked()
}

func (m *Manager) statsLocked() Stats {
	s := m.stats
	s.Resident, s.Reserved = m.resident, m.reserved
	return s
}

// Sample hands the current figures to OnStats (when set) as a spill or
// read-back does, in the same order, so that an observer also sees the
// memory of a computation that never spills.
func (m *Manager) Sample() {
	if m.cfg.OnStats == nil {
		return
	}
	m.mu.Lock()
	s, seq := m.reportLocked()
	m.mu.Unlock()
	m.report(s, seq)
}

// Err returns the error that stopped the Manager (a failed write), or nil.
func (m *Manager) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// Put hands v, of size bytes (see SizeOf), to the Manager, which owns it
// from now on, and returns its entry. label names the value in errors (a
// task key). A value larger than the limit gives a *TooLargeError and is
// released.
func (m *Manager) Put(label fmt.Stringer, v any, size int64) (*Entry, error) {
	if size > m.limit {
		releaseValue(v)
		return nil, &TooLargeError{Label: label.String(), Size: size, Limit: m.limit}
	}
	codec, err := codecFor(v, m.records, m.cfg.Codecs)
	if err != nil {
		releaseValue(v)
		return nil, fmt.Errorf("%w (result of %s)", err, label)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil || m.closed {
		err := m.err
		if err == nil {
			err = ErrClosed
		}
		releaseValue(v)
		return nil, err
	}
	m.nextID++
	e := &Entry{id: m.nextID, label: label, size: size, codec: codec, value: v}
	m.live[e.id] = e
	m.resident += size
	m.stats.Peak = max(m.stats.Peak, m.resident)
	m.maxSize = max(m.maxSize, size)
	if codec != nil {
		m.pushLRU(e)
	}
	m.updateBusy()
	m.wantSpill()
	return e, nil
}

// Release drops e: its value is released and its spilled bytes deleted.
// It is called once, when no task needs e any more.
func (m *Manager) Release(e *Entry) {
	m.mu.Lock()
	v, keys := m.dropLocked(e)
	m.updateBusy()
	m.broadcast()
	m.mu.Unlock()
	releaseValue(v)
	m.deleteKeys(keys)
}

// dropLocked forgets e and returns what to release and delete outside the
// lock. A value being written is dropped by the writer when it is done.
func (m *Manager) dropLocked(e *Entry) (v any, keys [][]byte) {
	if e.gone {
		return nil, nil
	}
	e.gone = true
	delete(m.live, e.id)
	switch e.state {
	case writing:
		return nil, nil
	case resident:
		m.removeLRU(e)
		m.resident -= e.size
		v, e.value = e.value, nil
	case spilled:
		m.stats.Spilled -= e.size
	}
	if e.stored {
		keys = pieceKeys(e.id, len(e.pieces))
		e.stored = false
	}
	return v, keys
}

// Take reads e back if needed and hands its value to the caller, who owns
// it; the Manager forgets e. It is used for a computation's outputs.
func (m *Manager) Take(ctx context.Context, e *Entry) (any, error) {
	m.mu.Lock()
	m.pin(e)
	m.mu.Unlock()
	v, err := m.load(ctx, nil, e)
	m.mu.Lock()
	// A writer may be encoding the value: the caller may release it once
	// it has it, so wait for the writer first.
	for err == nil && e.state == writing {
		ch := m.changedLocked()
		m.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			err = context.Cause(ctx)
		}
		m.mu.Lock()
	}
	m.unpin(e)
	var keys [][]byte
	if err == nil {
		// e is resident and v is its value, which the caller owns now:
		// forget e without releasing v.
		_, keys = m.dropLocked(e)
		m.updateBusy()
		m.broadcast()
	}
	m.mu.Unlock()
	m.deleteKeys(keys)
	return v, err
}

func (m *Manager) pin(e *Entry) {
	e.pins++
	m.removeLRU(e)
}

func (m *Manager) unpin(e *Entry) {
	e.pins--
	if e.pins == 0 && !e.gone && e.state == resident && e.codec != nil {
		m.pushLRU(e)
	}
}

// pushLRU appends e as the most recently used candidate for spilling.
func (m *Manager) pushLRU(e *Entry) {
	if e.inLRU {
		return
	}
	e.inLRU = true
	e.prev, e.next = m.tail, nil
	if m.tail != nil {
		m.tail.next = e
	} else {
		m.head = e
	}
	m.tail = e
	m.candB += e.size
}

func (m *Manager) removeLRU(e *Entry) {
	if !e.inLRU {
		return
	}
	e.inLRU = false
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		m.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		m.tail = e.prev
	}
	e.prev, e.next = nil, nil
	m.candB -= e.size
}

// Close stops the I/O goroutines, releases every value still held and
// closes the store, which removes its files. It returns the error of
// closing the store. Close is idempotent; the Manager is not usable after.
func (m *Manager) Close() error {
	var err error
	m.closeOnce.Do(func() {
		m.mu.Lock()
		m.closed = true
		m.updateBusy()
		m.broadcast()
		m.mu.Unlock()
		close(m.stop)
		m.ioWG.Wait()
		m.mu.Lock()
		var vals []any
		for _, e := range m.live {
			v, _ := m.dropLocked(e)
			if v != nil {
				vals = append(vals, v)
			}
		}
		m.mu.Unlock()
		for _, v := range vals {
			releaseValue(v)
		}
		m.storeMu.Lock()
		if m.store != nil {
			err = m.store.Close()
		}
		m.storeErr = ErrClosed
		m.storeMu.Unlock()
	})
	return err
}

// releaseValue calls v's Release method, if it has one and is not a nil
// pointer.
func releaseValue(v any) {
	r, ok := v.(interface{ Release() })
	if !ok {
		return
	}
	if rv := reflect.ValueOf(r); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return
	}
	r.Release()
}
