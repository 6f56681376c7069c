package scheduler_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/scheduler"
)

// TestMain fails the package's tests if any goroutine outlives them: every
// computation must stop its workers before it returns.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// executionModes returns the execution modes that every test of the package
// runs under: inline, and the work-stealing run with 1, 2, 4 and 8 workers.
// Each entry's opts configure a scheduler.New or one call of a helper.
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
	}
}

// concurrentMode reports whether a mode of executionModes can run two tasks
// at the same time (tests that need a task to wait for a sibling use it).
func concurrentMode(name string, opts []scheduler.Option) bool {
	return name != "inline" && scheduler.New(opts...).Workers() > 1
}
