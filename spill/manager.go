package spill

import (
	"context"
	"fmt"
	"io"
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

// Err returns the error that stopped the Manager (a failed write), or nil.
func (m *Manager) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// Ticket is one task's claim on memory, from Begin to Finish. The zero
// value is ready for Begin; a worker reuses one for all its tasks.
type Ticket struct {
	inputs   []*Entry
	reserved int64
	pinned   bool
	// running is set from Begin to Finish. Each worker has its own ticket,
	// so the flag lives on the worker's cache line: a waiting task learns
	// whether any task runs by looking at every ticket, and running tasks
	// never write to a shared counter.
	running atomic.Bool
	owner   *Manager
}

// Begin is called before a task runs. inputs are the entries of its
// arguments (nil for arguments the Manager does not hold); the slice is
// borrowed until Finish. Begin waits while memory is short: while the
// resident and reserved bytes plus what the task needs (estimate for its
// result, or the largest value seen when estimate is 0, and its inputs
// that must be read back) would pass the limit, or the pause threshold for
// a producer (a task that only produces data). It does not wait when
// nothing else could free memory: then the task runs anyway, so a
// computation always makes progress. Begin pins the inputs: they stay in
// memory until Finish.
func (m *Manager) Begin(ctx context.Context, tk *Ticket, inputs []*Entry, producer bool, estimate int64) error {
	tk.inputs, tk.reserved, tk.pinned = inputs, 0, false
	managed := false
	for _, e := range inputs {
		if e != nil {
			managed = true
			break
		}
	}
	// The lock-free start is for tasks that would reserve nothing and
	// could not wait: while nothing is accounted, such a task needs 0
	// bytes and resident+reserved is 0.
	if tk.owner == m && !managed && estimate <= 0 && !m.busy.Load() {
		tk.running.Store(true)
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if tk.owner != m {
		tk.owner = m
		m.tickets = append(m.tickets, tk)
	}
	// Counted as waiting before canFree reads the running flags: a task
	// whose Finish clears its flag after that read then sees nwait > 0
	// and wakes the waiters (see Finish), so no wakeup is lost.
	m.nwait.Add(1)
	defer func() {
		m.nwait.Add(-1)
		m.updateBusy()
	}()
	waited := false
	for {
		if m.err != nil {
			return m.err
		}
		if m.closed {
			return ErrClosed
		}
		need := estimate
		if need <= 0 {
			need = m.maxSize
		}
		for _, e := range inputs {
			if e != nil && (e.state == spilled || e.state == loading) {
				need += e.size
			}
		}
		bound := m.limit
		if producer {
			bound = m.pauseAt
		}
		if m.resident+m.reserved+need <= bound || !m.canFree() {
			for _, e := range inputs {
				if e != nil {
					m.pin(e)
				}
			}
			tk.pinned = managed
			tk.reserved = need
			m.reserved += need
			tk.running.Store(true)
			return nil
		}
		if !waited {
			waited = true
			m.stats.Waits++
		}
		if err := m.waitLocked(ctx, need); err != nil {
			return err
		}
	}
}

// canFree reports whether anything under way or possible could lower the
// resident bytes: a running task, a write in flight, or values that could
// be spilled.
func (m *Manager) canFree() bool {
	if m.writing > 0 || m.candB > 0 {
		return true
	}
	for _, tk := range m.tickets {
		if tk.running.Load() {
			return true
		}
	}
	return false
}

// waitLocked waits, with m.mu held on entry and on return, until the
// Manager's state changes or ctx ends.
func (m *Manager) waitLocked(ctx context.Context, need int64) error {
	if m.changed == nil {
		m.changed = make(chan struct{})
	}
	ch := m.changed
	m.waitB += need
	m.updateBusy()
	m.wantSpill()
	m.mu.Unlock()
	var err error
	select {
	case <-ch:
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	m.mu.Lock()
	m.waitB -= need
	return err
}

// broadcast wakes the waiters; m.mu is held.
func (m *Manager) broadcast() {
	if m.changed != nil {
		close(m.changed)
		m.changed = nil
	}
}

// updateBusy sets busy once anything is accounted or reserved, a task
// waits, or the manager has stopped; m.mu is held. busy never clears once
// a value was put (maxSize > 0): a task that skipped the lock would
// reserve nothing for its result, and tasks starting together that way
// could pass the limit by many values.
func (m *Manager) updateBusy() {
	m.busy.Store(m.err != nil || m.closed || m.nwait.Load() > 0 || m.maxSize > 0 || m.reserved > 0)
}

// Load returns the value of tk's input e, reading it back from the store
// if it was spilled. The value is borrowed: it stays valid until Finish.
func (m *Manager) Load(ctx context.Context, tk *Ticket, e *Entry) (any, error) {
	return m.load(ctx, tk, e)
}

func (m *Manager) load(ctx context.Context, tk *Ticket, e *Entry) (any, error) {
	m.mu.Lock()
	for {
		switch e.state {
		case resident, writing:
			v := e.value
			m.mu.Unlock()
			return v, nil
		case loading:
			ch := e.loaded
			m.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, context.Cause(ctx)
			}
			m.mu.Lock()
			continue
		}
		// spilled: read it back here, on the worker that needs it.
		e.state = loading
		e.loaded = make(chan struct{})
		m.mu.Unlock()
		v, err := m.read(ctx, e)
		m.mu.Lock()
		close(e.loaded)
		e.loaded = nil
		if err != nil {
			e.state = spilled
			m.broadcast()
			m.mu.Unlock()
			return nil, fmt.Errorf("spill: read back the result of %s: %w", e.label, err)
		}
		e.value = v
		e.state = resident
		m.resident += e.size
		m.stats.Spilled -= e.size
		m.stats.Peak = max(m.stats.Peak, m.resident)
		m.stats.ReadBacks++
		m.stats.ReadBackTotal += e.size
		if tk != nil {
			r := min(tk.reserved, e.size)
			tk.reserved -= r
			m.reserved -= r
		}
		m.updateBusy()
		s, seq := m.reportLocked()
		m.mu.Unlock()
		m.report(s, seq)
		return v, nil
	}
}

func (m *Manager) read(ctx context.Context, e *Entry) (any, error) {
	st, err := m.openStore()
	if err != nil {
		return nil, err
	}
	r := &pieceReader{ctx: ctx, store: st, id: e.id, pieces: e.pieces}
	v, err := decode(e.codec, r, e.encSize, m.alloc)
	if err != nil {
		return nil, err
	}
	if r.next != len(r.pieces) || len(r.pending) != 0 {
		releaseValue(v)
		return nil, fmt.Errorf("%w: the %s codec read %d of %d pieces", ErrCorrupt, e.codec.Name(), r.next, len(r.pieces))
	}
	return v, nil
}

// Finish is called after a task ran and its result was Put: it unpins the
// task's inputs and returns the memory reserved for it.
func (m *Manager) Finish(tk *Ticket) {
	tk.running.Store(false)
	if !tk.pinned && tk.reserved == 0 {
		tk.inputs = nil
		if m.nwait.Load() > 0 {
			m.mu.Lock()
			m.broadcast()
			m.mu.Unlock()
		}
		return
	}
	m.mu.Lock()
	if tk.pinned {
		for _, e := range tk.inputs {
			if e != nil {
				m.unpin(e)
			}
		}
	}
	m.reserved -= tk.reserved
	tk.inputs, tk.reserved, tk.pinned = nil, 0, false
	m.updateBusy()
	m.wantSpill()
	m.broadcast()
	m.mu.Unlock()
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
	codec := codecFor(v, m.records, m.cfg.Codecs)
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
		if m.changed == nil {
			m.changed = make(chan struct{})
		}
		ch := m.changed
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
		// The caller owns v now: forget e without releasing it.
		m.removeLRU(e)
		e.gone = true
		delete(m.live, e.id)
		e.value = nil
		m.resident -= e.size
		if e.stored {
			keys = pieceKeys(e.id, len(e.pieces))
			e.stored = false
		}
		m.updateBusy()
		m.broadcast()
	}
	m.mu.Unlock()
	m.deleteKeys(keys)
	return v, err
}

// deleteKeys hands the keys of values no longer needed to the I/O
// goroutines, which delete them from the store: a delete can be slow (the
// badger store reclaims its files when it becomes empty) and must not hold
// up the worker that released the value.
func (m *Manager) deleteKeys(keys [][]byte) {
	if len(keys) == 0 {
		return
	}
	m.mu.Lock()
	m.deletes = append(m.deletes, keys...)
	m.mu.Unlock()
	select {
	case m.kick <- struct{}{}:
	default:
	}
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

// spillTarget is the resident bytes the I/O goroutines spill down to: the
// spill threshold, or lower while tasks wait for memory.
func (m *Manager) spillTarget() int64 {
	t := m.spillAt
	if m.nwait.Load() > 0 {
		t = min(t, m.pauseAt-m.reserved-m.waitB)
	}
	return max(t, 0)
}

// wantSpill starts the I/O goroutines, or wakes them, when resident bytes
// are above the target; m.mu is held.
func (m *Manager) wantSpill() {
	if m.head == nil || m.resident-m.writingB <= m.spillTarget() || m.closed {
		return
	}
	m.ioOnce.Do(func() {
		for range m.cfg.IOWorkers {
			m.ioWG.Add(1)
			go m.ioLoop()
		}
	})
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// victim returns the next value to spill, or nil; m.mu is held.
func (m *Manager) victim() *Entry {
	if m.closed || m.err != nil || m.head == nil || m.resident-m.writingB <= m.spillTarget() {
		return nil
	}
	return m.head
}

// ioLoop is an I/O goroutine: it spills least recently used values while
// resident bytes are above the target.
func (m *Manager) ioLoop() {
	defer m.ioWG.Done()
	for {
		m.mu.Lock()
		if len(m.deletes) > 0 && !m.closed {
			keys := m.deletes
			m.deletes = nil
			m.mu.Unlock()
			if st, err := m.openStore(); err == nil {
				// A failed delete leaves garbage that Close removes with
				// the store.
				_ = st.Delete(keys...)
			}
			continue
		}
		e := m.victim()
		if e == nil {
			m.mu.Unlock()
			select {
			case <-m.kick:
				continue
			case <-m.stop:
				return
			}
		}
		m.removeLRU(e)
		if e.stored {
			// Read back earlier and unchanged: the store still has it.
			v := e.value
			e.value, e.state = nil, spilled
			m.resident -= e.size
			m.stats.Spilled += e.size
			m.stats.Spills++
			m.stats.SpilledTotal += e.size
			m.updateBusy()
			m.broadcast()
			s, seq := m.reportLocked()
			m.mu.Unlock()
			releaseValue(v)
			m.report(s, seq)
			continue
		}
		// Wake another I/O goroutine in case there is more to write.
		select {
		case m.kick <- struct{}{}:
		default:
		}
		e.state = writing
		m.writing++
		m.writingB += e.size
		v := e.value
		m.mu.Unlock()

		pieces, enc, err := m.write(e, v)

		m.mu.Lock()
		m.writing--
		m.writingB -= e.size
		var drop any
		var keys [][]byte
		switch {
		case err != nil:
			if m.err == nil {
				m.err = fmt.Errorf("spill: write the result of %s (%s) to the spill store: %w", e.label, FormatBytes(e.size), err)
			}
			e.state = resident
			if e.gone {
				m.resident -= e.size
				drop, e.value = v, nil
			}
		case e.gone:
			e.state = resident
			m.resident -= e.size
			drop, e.value = v, nil
			keys = pieceKeys(e.id, len(pieces))
		default:
			e.pieces, e.encSize, e.stored = pieces, enc, true
			m.stats.WrittenBytes += enc
			if e.pins > 0 {
				// A task took it meanwhile: keep it, and the copy, which
				// makes spilling it later free. It is not counted as
				// spilled: it never left memory.
				e.state = resident
			} else {
				e.state = spilled
				m.resident -= e.size
				m.stats.Spilled += e.size
				m.stats.Spills++
				m.stats.SpilledTotal += e.size
				drop, e.value = v, nil
			}
		}
		if e.gone && e.state == resident {
			e.state = spilled // nothing left in memory; keeps Close from counting it
		}
		m.updateBusy()
		m.broadcast()
		s, seq := m.reportLocked()
		m.mu.Unlock()
		releaseValue(drop)
		m.deleteKeys(keys)
		m.report(s, seq)
	}
}

// write encodes v into pieces in the store; on failure it deletes the
// pieces it wrote.
func (m *Manager) write(e *Entry, v any) ([]piece, int64, error) {
	st, err := m.openStore()
	if err != nil {
		return nil, 0, err
	}
	w := &pieceWriter{store: st, id: e.id, size: m.cfg.PieceSize}
	err = encode(e.codec, w, v)
	if err == nil {
		err = w.flush()
	}
	if err != nil {
		_ = st.Delete(w.keys()...)
		return nil, 0, err
	}
	return w.pieces, w.total, nil
}

func (m *Manager) openStore() (Store, error) {
	m.storeMu.Lock()
	defer m.storeMu.Unlock()
	if m.store == nil && m.storeErr == nil {
		m.store, m.storeErr = m.cfg.Store()
		if m.storeErr != nil {
			m.store = nil // a typed nil beside the error
		} else if m.store == nil {
			m.storeErr = fmt.Errorf("spill: the store function returned no store")
		}
	}
	return m.store, m.storeErr
}

// reportLocked returns the figures to report and their number; m.mu is
// held.
func (m *Manager) reportLocked() (Stats, uint64) {
	m.reportSeq++
	return m.statsLocked(), m.reportSeq
}

// report hands figures taken by reportLocked to OnStats, outside m.mu. Two
// goroutines may get here in the other order than they took their
// figures: the older figures are then dropped, as newer ones went out.
func (m *Manager) report(s Stats, seq uint64) {
	if m.cfg.OnStats == nil {
		return
	}
	m.reportMu.Lock()
	defer m.reportMu.Unlock()
	if seq < m.reported {
		return
	}
	m.reported = seq
	m.cfg.OnStats(s)
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

// encode runs c.Encode, turning a panic of the codec (which may be the
// user's) into an error: it runs on an I/O goroutine, where a panic would
// end the program.
func encode(c Codec, w io.Writer, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("spill: the %s codec panicked encoding %T: %v", c.Name(), v, p)
		}
	}()
	return c.Encode(w, v)
}

// decode runs c.Decode, turning a panic of the codec into an error.
func decode(c Codec, r io.Reader, size int64, mem memory.Allocator) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, fmt.Errorf("spill: the %s codec panicked decoding: %v", c.Name(), p)
		}
	}()
	return c.Decode(r, size, mem)
}
