package scheduler_test

import (
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// computation must stop its workers before it returns.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// executionModes returns the execution modes that every test of the package
// runs under: inline, the work-stealing run with 1, 2, 4 and 8 workers, and
// inline and work-stealing runs with a memory limit of three accounted
// test values (countedSize) over an in-memory store, under which
// everything spills. Each entry's opts configure a scheduler.New or one
// call of a helper.
func executionModes() []struct {
	name string
	opts []scheduler.Option
} {
	return []struct {
		name string
		opts []scheduler.Option
	}{
		{"inline", []scheduler.Option{scheduler.WithMode(scheduler.Inline)}},
		{"parallel-1", []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(1)}},
		{"parallel-2", []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(2)}},
		{"parallel-4", []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(4)}},
		{"parallel-8", []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(8)}},
		{"inline-spill", []scheduler.Option{scheduler.WithMode(scheduler.Inline), spillEverything()}},
		{"parallel-4-spill", []scheduler.Option{scheduler.WithMode(scheduler.Parallel), scheduler.Workers(4), spillEverything()}},
	}
}

// spillEverything sets a memory limit of three test values over an
// in-memory store: a second value held makes the first one spill.
func spillEverything() scheduler.Option {
	return scheduler.WithSpill(spill.Config{
		Limit: 3 * countedSize,
		Store: func() (spill.Store, error) { return spill.NewMemStore(), nil },
	})
}

// concurrentMode reports whether a mode of executionModes can run two tasks
// at the same time (tests that need a task to wait for a sibling use it).
func concurrentMode(name string, opts []scheduler.Option) bool {
	return !strings.HasPrefix(name, "inline") && scheduler.New(opts...).Workers() > 1
}
