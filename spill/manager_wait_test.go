package spill_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dusk-go/dusk/spill"
)

// TestProducersPause: above PauseAt a producer waits while values can be
// spilled, and starts once they are; a consumer needs only the limit.
func TestProducersPause(t *testing.T) {
	g := newGatedStore()
	m := newManager(t, spill.Config{
		Limit: 10000, SpillAt: 0.5, PauseAt: 0.5, IOWorkers: 1,
		Store: func() (spill.Store, error) { return g, nil },
	})
	var entries []*spill.Entry
	for i := range 3 {
		e, err := m.Put(label(fmt.Sprint("p", i)), floats(250, i), 2000)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	// Resident 6000 of 10000, above PauseAt (5000); the first write waits
	// at the gate.
	waitFor(t, "a write to start", func() bool { return g.waiting.Load() == 1 })

	ctx := hangContext(t)
	done := make(chan error, 1)
	var ptk spill.Ticket
	go func() { done <- m.Begin(ctx, &ptk, nil, true, 0) }()
	waitFor(t, "the producer to wait", func() bool { return m.Stats().Waits == 1 })

	// A consumer starts: 6000 resident + 2000 needed is within the limit.
	var ctk spill.Ticket
	if err := m.Begin(ctx, &ctk, entries[2:], false, 0); err != nil {
		t.Fatalf("consumer Begin: %v", err)
	}
	if _, err := m.Load(ctx, &ctk, entries[2]); err != nil {
		t.Fatal(err)
	}
	m.Finish(&ctk)
	select {
	case err := <-done:
		t.Fatalf("producer Begin returned %v while nothing could be spilled, want it to wait", err)
	default:
	}
	if s := m.Stats(); s.Waits != 1 {
		t.Fatalf("waits: got %d, want 1 (the consumer did not wait)", s.Waits)
	}

	g.open()
	if err := <-done; err != nil {
		t.Fatalf("producer Begin after spilling: got %v, want nil", err)
	}
	s := m.Stats()
	if s.Spills < 2 || s.Resident+s.Reserved > 5000 {
		t.Errorf("after the producer started: spills %d, resident %d + reserved %d, want >= 2 spills and at most PauseAt (5000)",
			s.Spills, s.Resident, s.Reserved)
	}
	m.Finish(&ptk)
	for _, e := range entries {
		m.Release(e)
	}
}

// TestBeginCannotFree: when nothing could lower memory (values with no
// codec, nothing running, nothing being written), Begin does not wait; when
// a running task could, Begin waits for it to finish.
func TestBeginCannotFree(t *testing.T) {
	m := newManager(t, spill.Config{Limit: 10000, Store: func() (spill.Store, error) { return spill.NewMemStore(), nil }})
	var rel atomic.Int32
	var entries []*spill.Entry
	for i := range 3 {
		e, err := m.Put(label(fmt.Sprint("b", i)), &blob{n: 4000, released: &rel}, 4000)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	ctx := hangContext(t)
	var tk1 spill.Ticket
	if err := m.Begin(ctx, &tk1, nil, true, 0); err != nil {
		t.Fatalf("producer Begin over the limit with nothing to free: got %v, want nil", err)
	}
	if s := m.Stats(); s.Waits != 0 {
		t.Fatalf("waits: got %d, want 0", s.Waits)
	}
	// tk1 is running: it could free memory, so the next task waits for it.
	done := make(chan error, 1)
	var tk2 spill.Ticket
	go func() { done <- m.Begin(ctx, &tk2, entries, false, 0) }()
	waitFor(t, "the second task to wait", func() bool { return m.Stats().Waits == 1 })
	m.Finish(&tk1)
	if err := <-done; err != nil {
		t.Fatalf("Begin after the running task finished: got %v, want nil", err)
	}
	m.Finish(&tk2)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if n := rel.Load(); n != 3 {
		t.Errorf("releases by Close: got %d, want 3", n)
	}
}

// TestBeginNoLostWakeup repeats a task finishing while another begins
// and must wait for it: the waiter must always be woken. Nothing is
// accounted, so the finishing task takes the lock-free paths of Begin and
// Finish, which race with the waiter's look at the running tasks.
func TestBeginNoLostWakeup(t *testing.T) {
	m := newManager(t, spill.Config{
		Limit: 1000, SpillAt: 0.5, PauseAt: 0.5,
		Store: func() (spill.Store, error) { return spill.NewMemStore(), nil },
	})
	ctx := hangContext(t)
	var a, b spill.Ticket
	for i := range 2000 {
		if err := m.Begin(ctx, &a, nil, false, 0); err != nil {
			t.Fatal(err)
		}
		// b, a producer that needs more than PauseAt, waits while a
		// runs (a could free memory), and starts when a finishes.
		w0 := m.Stats().Waits
		done := make(chan error, 1)
		go func() { done <- m.Begin(ctx, &b, nil, true, 900) }()
		if i%4 == 0 {
			// Now and then a finishes once b surely waits; else while b
			// begins.
			waitFor(t, "b to wait", func() bool { return m.Stats().Waits > w0 })
		}
		m.Finish(&a)
		if err := <-done; err != nil {
			t.Fatalf("iteration %d: b's Begin: got %v, want nil (a lost wakeup?)", i, err)
		}
		m.Finish(&b)
	}
	if s := m.Stats(); s.Reserved != 0 || s.Waits == 0 {
		t.Errorf("reserved %d, waits %d: want 0 and some", s.Reserved, s.Waits)
	}
}

func TestBeginCancel(t *testing.T) {
	g := newGatedStore()
	defer g.open()
	m := newManager(t, spill.Config{
		Limit: 10000, SpillAt: 0.5, PauseAt: 0.5, IOWorkers: 1,
		Store: func() (spill.Store, error) { return g, nil },
	})
	for i := range 3 {
		if _, err := m.Put(label(fmt.Sprint("p", i)), floats(250, i), 2000); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "a write to start", func() bool { return g.waiting.Load() == 1 })
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	cause := errors.New("the computation was stopped")
	done := make(chan error, 1)
	var tk spill.Ticket
	go func() { done <- m.Begin(ctx, &tk, nil, true, 0) }()
	waitFor(t, "the producer to wait", func() bool { return m.Stats().Waits == 1 })
	cancel(cause)
	select {
	case err := <-done:
		if !errors.Is(err, cause) {
			t.Fatalf("Begin after cancel: got %v, want %v", err, cause)
		}
	case <-time.After(hangTimeout):
		t.Fatal("Begin did not return after its context was canceled")
	}
	if s := m.Stats(); s.Reserved != 0 {
		t.Errorf("reserved after a canceled Begin: got %d, want 0", s.Reserved)
	}
}

// TestLoadCanceled: a read-back with an ended context fails with the
// context's cause and loses nothing.
func TestLoadCanceled(t *testing.T) {
	mem := spill.NewMemStore()
	m := newManager(t, memStoreConfig(mem))
	e, err := m.Put(label("x"), floats(1000, 4), 8000)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the value to spill", func() bool { return m.Stats().Spilled == 8000 })
	var tk spill.Ticket
	if err := m.Begin(hangContext(t), &tk, []*spill.Entry{e}, false, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cause := errors.New("stop")
	cancel(cause)
	if _, err := m.Load(ctx, &tk, e); !errors.Is(err, cause) || !strings.Contains(err.Error(), "x") {
		t.Errorf("Load with a canceled context: got %v, want an error wrapping %v that names x", err, cause)
	}
	v, err := m.Load(hangContext(t), &tk, e)
	if err != nil || !rawEqual(v, floats(1000, 4)) {
		t.Errorf("Load after the canceled one: got %v, want the value", err)
	}
	m.Finish(&tk)
	m.Release(e)
	waitFor(t, "the store to be emptied", func() bool { return mem.Len() == 0 })
}
