package array

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type mode struct {
	name string
	opts []scheduler.Option
}

// executionModes are the ways every public operation is tested: inline,
// work-stealing, and under a memory limit so small that every chunk
// spills.
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
