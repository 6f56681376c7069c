package scheduler_test

import (
	"context"
	"errors"
	"iter"
	"testing"

	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// TestStreamInputSequencePanics: a panic inside the input sequence (which
// runs on the stream's own goroutine) ends the stream with an error naming
// the input it was producing, after the results of the inputs before it;
// it never crashes the process.
func TestStreamInputSequencePanics(t *testing.T) {
	defer goleak.VerifyNone(t)
	inputs := func(yield func(int) bool) {
		for i := range 10 {
			if i == 7 {
				panic("input source broke")
			}
			if !yield(i) {
				return
			}
		}
	}
	square := func(_ context.Context, x int) (int, error) { return x * x, nil }
	for _, ordered := range []bool{true, false} {
		var seq iter.Seq2[int, error]
		if ordered {
			seq = scheduler.Stream(context.Background(), iter.Seq[int](inputs), square, scheduler.Workers(3))
		} else {
			seq = scheduler.StreamUnordered(context.Background(), iter.Seq[int](inputs), square, scheduler.Workers(3))
		}
		var got []int
		var err error
		for v, e := range seq {
			if e != nil {
				err = e
				break
			}
			got = append(got, v)
		}
		if len(got) != 7 {
			t.Errorf("ordered=%v: results before the panic: got %v, want the 7 squares of 0..6", ordered, got)
		}
		if ordered {
			for i, v := range got {
				if v != i*i {
					t.Errorf("ordered: result %d: got %d, want %d", i, v, i*i)
				}
			}
		}
		var te *scheduler.TaskError
		var pe *scheduler.PanicError
		if !errors.As(err, &te) || te.Key != graph.K("stream", 7) || !errors.As(err, &pe) {
			t.Errorf("ordered=%v: error: got %v, want a TaskError for stream[7] caused by a PanicError", ordered, err)
		}
	}
}
