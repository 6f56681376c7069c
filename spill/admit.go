package spill

// This file holds the per-task side of the Manager: tickets, Begin and
// its waits, Load and Finish.

import (
	"context"
	"fmt"
	"sync/atomic"
)

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
	ch := m.changedLocked()
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

// changedLocked returns the channel that the next change of the
// Manager's state closes; m.mu is held.
func (m *Manager) changedLocked() chan struct{} {
	if m.changed == nil {
		m.changed = make(chan struct{})
	}
	return m.changed
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
		resident := m.resident
		m.mu.Unlock()
		m.report(s, seq)
		m.cfg.Logger.Debug("spill: value read back", "value", e.label, "bytes", e.size, "resident", resident)
		return v, nil
	}
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
