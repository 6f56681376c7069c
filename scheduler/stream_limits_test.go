package scheduler_test

import (
	"context"
	"slices"
	"testing"

	"github.com/dusk-go/dusk/scheduler"
)

// TestStreamHugeWorkersAndWindow: absurd Workers and Window settings run
// with bounded buffers and goroutines instead of exhausting memory.
func TestStreamHugeWorkersAndWindow(t *testing.T) {
	in := iota0(100)
	double := func(_ context.Context, x int) (int, error) { return 2 * x, nil }
	var got []int
	for v, err := range scheduler.Stream(context.Background(), slices.Values(in), double,
		scheduler.Workers(1<<40), scheduler.Window(1<<40)) {
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		got = append(got, v)
	}
	for i, v := range got {
		if v != 2*i {
			t.Fatalf("result %d: got %d, want %d", i, v, 2*i)
		}
	}
	if len(got) != len(in) {
		t.Fatalf("results: got %d, want %d", len(got), len(in))
	}
}
