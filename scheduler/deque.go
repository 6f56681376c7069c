package scheduler

import (
	"sync"

	"github.com/dusk-go/dusk/graph"
)

// deque is a worker's queue of ready tasks. Its owner pushes and pops at the
// top (newest first: depth first, good locality); thieves take the oldest
// half from the bottom. A mutex guards it: with one owner and occasional
// thieves it is uncontended almost always, and the lock is far cheaper than
// the work of a task.
type deque struct {
	mu    sync.Mutex
	items []graph.ID
	head  int // items[head:] are queued; items[:head] were stolen
	_     [64]byte
}

// pushReversed pushes ids so that ids[0] ends on top.
func (d *deque) pushReversed(ids []graph.ID) {
	d.mu.Lock()
	d.compact()
	for i := len(ids) - 1; i >= 0; i-- {
		d.items = append(d.items, ids[i])
	}
	d.mu.Unlock()
}

// push pushes ids in order, so the last one ends on top.
func (d *deque) push(ids []graph.ID) {
	d.mu.Lock()
	d.compact()
	d.items = append(d.items, ids...)
	d.mu.Unlock()
}

// pop removes and returns the newest task, or -1.
func (d *deque) pop() graph.ID {
	d.mu.Lock()
	if len(d.items) == d.head {
		d.mu.Unlock()
		return -1
	}
	id := d.items[len(d.items)-1]
	d.items = d.items[:len(d.items)-1]
	if len(d.items) == d.head {
		d.items, d.head = d.items[:0], 0
	}
	d.mu.Unlock()
	return id
}

// stealHalf appends the oldest half (rounded up) of the queued tasks to buf,
// oldest first, removes them, and returns buf.
func (d *deque) stealHalf(buf []graph.ID) []graph.ID {
	d.mu.Lock()
	n := len(d.items) - d.head
	if n == 0 {
		d.mu.Unlock()
		return buf
	}
	k := (n + 1) / 2
	buf = append(buf, d.items[d.head:d.head+k]...)
	d.head += k
	if d.head == len(d.items) {
		d.items, d.head = d.items[:0], 0
	}
	d.mu.Unlock()
	return buf
}

func (d *deque) empty() bool {
	d.mu.Lock()
	e := len(d.items) == d.head
	d.mu.Unlock()
	return e
}

// compact moves the queued tasks to the front once more than half of the
// slice has been stolen, so the slice does not grow without bound.
func (d *deque) compact() {
	if d.head > 0 && d.head >= len(d.items)/2 {
		n := copy(d.items, d.items[d.head:])
		d.items, d.head = d.items[:n], 0
	}
}
