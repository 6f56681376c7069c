package scheduler

import (
	"reflect"
	"sync"
)

// Process-wide observers watch every computation of the process. A
// package that is switched on by an environment variable registers one
// in its init: scheduler/dashboard does for DUSK_DASHBOARD, and frame and
// array import it, so the variable works in any program that computes
// frames or arrays without a line of code. They cannot be options of New
// that the scheduler reads itself: the dashboard imports the scheduler.
var processObservers struct {
	mu  sync.Mutex
	fns []func() Observer
}

// RegisterProcessObserver registers f, which every New (and Default) calls
// once: the observer it returns, when not nil, watches the computations of
// that scheduler besides those of the options (an observer that an option
// already gives is not added twice). f must be safe for concurrent use and
// cheap after its first call; it returns nil when it has nothing to watch
// with, such as when its environment variable is not set.
func RegisterProcessObserver(f func() Observer) {
	processObservers.mu.Lock()
	defer processObservers.mu.Unlock()
	processObservers.fns = append(processObservers.fns, f)
}

// addProcessObservers adds the process-wide observers to c.
func (c *config) addProcessObservers() {
	processObservers.mu.Lock()
	fns := append([]func() Observer(nil), processObservers.fns...)
	processObservers.mu.Unlock()
	for _, f := range fns {
		if o := f(); o != nil && !observes(c.observer, o) {
			WithObserver(o).apply(c)
		}
	}
}

// observes reports whether o is among the observers of have (a tee of
// several, one, or nil).
func observes(have, o Observer) bool {
	if t, ok := have.(tee); ok {
		for _, h := range t {
			if observes(h, o) {
				return true
			}
		}
		return false
	}
	if have == nil || reflect.TypeOf(have) != reflect.TypeOf(o) || !reflect.TypeOf(o).Comparable() {
		return false
	}
	return have == o
}
