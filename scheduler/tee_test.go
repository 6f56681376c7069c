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

// twoTasks returns a graph of two tasks, y after x.
func twoTasks(t *testing.T) *graph.Graph {
	t.Helper()
	gb := graph.NewBuilder(0)
	fn := func(context.Context, []any) (any, error) { return 1, nil }
	x := gb.Add(graph.K("x", 0), fn, graph.Hints{Op: "x"})
	gb.Add(graph.K("y", 0), fn, graph.Hints{Op: "y"}, x)
	g, err := gb.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Several WithObserver options all receive the events.
func TestObserversAddUp(t *testing.T) {
	a, b := &countingObserver{}, &countingObserver{}
	g := twoTasks(t)
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

// processTest is the observer the test's process-wide function returns,
// nil outside TestProcessObservers.
var processTest atomic.Pointer[countingObserver]

func init() {
	RegisterProcessObserver(func() Observer {
		if o := processTest.Load(); o != nil {
			return o
		}
		return nil
	})
}

// A process-wide observer watches the computations of schedulers made
// after it has something to watch with, alongside the options' observers,
// and once when an option gives it too.
func TestProcessObservers(t *testing.T) {
	g := twoTasks(t)
	p, opt := &countingObserver{}, &countingObserver{}
	if _, err := New(Workers(2)).Execute(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	processTest.Store(p)
	defer processTest.Store(nil)
	for _, s := range []*Scheduler{
		New(Workers(2)),
		New(Workers(2), WithObserver(opt)),
		New(Workers(2), WithObserver(opt), WithObserver(p)), // p once
		New(WithMode(Inline), WithObserver(p), WithObserver(opt)),
	} {
		if _, err := s.Execute(context.Background(), g); err != nil {
			t.Fatal(err)
		}
	}
	if p.runs.Load() != 4 || p.tasks.Load() != 8 {
		t.Errorf("process observer: got %d runs, %d tasks, want 4, 8", p.runs.Load(), p.tasks.Load())
	}
	if opt.runs.Load() != 3 || opt.tasks.Load() != 6 {
		t.Errorf("option observer: got %d runs, %d tasks, want 3, 6", opt.runs.Load(), opt.tasks.Load())
	}
}
