package spill

// This file holds the I/O side of the Manager: the goroutines that
// spill values, the read-back, deletes, and the figures reported.

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// read decodes spilled entry e from its pieces in the store, checking that
// the codec consumed every piece.
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
	m.wakeIO()
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
	m.wakeIO()
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
		m.wakeIO() // another I/O goroutine, in case there is more to write
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
		if err != nil && m.err == nil {
			m.err = fmt.Errorf("spill: write the result of %s (%s) to the spill store: %w", e.label, FormatBytes(e.size), err)
		}
		switch {
		case e.gone:
			// Released during the write (see dropLocked): drop the value
			// and whatever was written. The state no longer matters.
			e.state = spilled
			m.resident -= e.size
			drop, e.value = v, nil
			if err == nil {
				keys = pieceKeys(e.id, len(pieces))
			}
		case err != nil:
			// The manager has stopped (m.err); the value stays in memory
			// until it is released or Close.
			e.state = resident
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
		m.updateBusy()
		m.broadcast()
		s, seq := m.reportLocked()
		resident := m.resident
		m.mu.Unlock()
		if err == nil && m.cfg.Logger.Enabled(context.Background(), slog.LevelDebug) {
			m.cfg.Logger.Debug("spill: value written to the store", "value", e.label, "bytes", e.size, "encoded", enc, "resident", resident, "limit", m.limit)
		}
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

// wakeIO wakes an idle I/O goroutine, if none is awake already.
func (m *Manager) wakeIO() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}
