package frame

import (
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// mode is an execution mode every public-operation test runs under.
type mode struct {
	name string
	opts []scheduler.Option
}

// executionModes: inline, work stealing with 2 and 4 workers, and inline
// and parallel runs under a memory limit so small (32 KiB, over an in-memory
// store) that every partition spills as soon as another one is held.
func executionModes() []mode {
	tiny := func() scheduler.Option {
		return scheduler.WithSpill(spill.Config{
			Limit: 32 << 10,
			Store: func() (spill.Store, error) { return spill.NewMemStore(), nil },
		})
	}
	return []mode{
		{"inline", []scheduler.Option{scheduler.WithMode(scheduler.Inline)}},
		{"parallel-2", []scheduler.Option{scheduler.Workers(2)}},
		{"parallel-4", []scheduler.Option{scheduler.Workers(4)}},
		{"inline-spill", []scheduler.Option{scheduler.WithMode(scheduler.Inline), tiny()}},
		{"parallel-4-spill", []scheduler.Option{scheduler.Workers(4), tiny()}},
	}
}

// checked returns a checked allocator that the test asserts empty at its
// end, and the mode's options with it as the computation's allocator.
func checked(t testing.TB, m mode) (*memory.CheckedAllocator, []scheduler.Option) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem, append(append([]scheduler.Option(nil), m.opts...), scheduler.Allocator(mem))
}
