package scheduler

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/dusk-go/dusk/graph"
)

type countingObserver struct {
	NopObserver
	runs, tasks atomic.Int64
}

func (c *countingObserver) RunStarted(RunInfo)       { c.runs.Add(1) }
func (c *countingObserver) TaskFinished(e TaskEvent) { c.tasks.Add(1) }

// Several WithObserver options all receive the events.
func TestObserversAddUp(t *testing.T) {
	a, b := &countingObserver{}, &countingObserver{}
	gb := graph.NewBuilder(0)
	fn := func(context.Context, []any) (any, error) { return 1, nil }
	x := gb.Add(graph.K("x", 0), fn, graph.Hints{Op: "x"})
	gb.Add(graph.K("y", 0), fn, graph.Hints{Op: "y"}, x)
	g, err := gb.Build()
	if err != nil {
		t.Fatal(err)
	}
	s := New(Workers(2), WithObserver(a), WithObserver(nil), WithObserver(b))
	if _, err := s.Execute(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	for i, o := range []*countingObserver{a, b} {
		if o.runs.Load() != 1 || o.tasks.Load() != 2 {
			t.Errorf("observer %d: got %d runs, %d tasks, want 1, 2", i, o.runs.Load(), o.tasks.Load())
		}
	}
}
