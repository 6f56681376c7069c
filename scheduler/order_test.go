package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// TestInlineFollowsPriority: Inline mode runs the tasks in the order of
// g.Priority (the Order pass's order, or the topological order of a graph
// that has none), each once and after its dependencies.
func TestInlineFollowsPriority(t *testing.T) {
	for seed := range uint64(randomGraphsPerMode) {
		spec := randomDAG(newRand(seed, 0x0de7))
		for _, p := range graphPasses() {
			where := fmt.Sprintf("seed %d, %s", seed, p.name)
			obs := &recordingObserver{}
			s := scheduler.New(scheduler.WithMode(scheduler.Inline), scheduler.WithObserver(obs))
			g, err := p.apply(spec.build(t, newValueRegistry(len(spec.tasks)), nil))
			if err != nil {
				t.Fatalf("%s: got error %v, want nil", where, err)
			}
			out, err := s.Execute(context.Background(), g)
			if err != nil {
				t.Fatalf("%s: Execute: got error %v, want nil", where, err)
			}
			releaseAll(out)
			checkObservedOrder(t, where, obs, g, 1)

			want := make([]graph.Key, g.Len())
			for id := range g.Len() {
				want[g.Priority(graph.ID(id))] = g.Key(graph.ID(id))
			}
			got := make([]graph.Key, 0, g.Len())
			for _, e := range obs.started {
				got = append(got, e.ev.Key)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: execution order: got %v, want the priority order %v", where, got, want)
			}
		}
	}
}

// TestInlineOrderDepthFirst: on an ordered graph of independent branches,
// Inline mode finishes a branch (down to the consumer that joins them)
// before it opens the next, as graph.Order arranges; the task functions
// record the order, independently of the observer.
func TestInlineOrderDepthFirst(t *testing.T) {
	var ran []string
	rec := func(name string) graph.Func {
		return func(context.Context, []any) (any, error) {
			ran = append(ran, name)
			return name, nil
		}
	}
	b := graph.NewBuilder(10)
	var tops []graph.ID
	for i := range 3 {
		x := b.Add(graph.K("load", i), rec(fmt.Sprintf("load%d", i)), graph.Hints{})
		y := b.Add(graph.K("clean", i), rec(fmt.Sprintf("clean%d", i)), graph.Hints{}, x)
		tops = append(tops, b.Add(graph.K("agg", i), rec(fmt.Sprintf("agg%d", i)), graph.Hints{}, y))
	}
	b.Add(graph.Single("total"), rec("total"), graph.Hints{}, tops...)
	g, err := graph.Order(mustBuild(t, b))
	if err != nil {
		t.Fatalf("Order: got error %v, want nil", err)
	}
	if _, err := scheduler.New(scheduler.WithMode(scheduler.Inline)).Execute(context.Background(), g); err != nil {
		t.Fatalf("Execute: got error %v, want nil", err)
	}
	want := []string{"load0", "clean0", "agg0", "load1", "clean1", "agg1", "load2", "clean2", "agg2", "total"}
	if !slices.Equal(ran, want) {
		t.Fatalf("execution order: got %v, want %v", ran, want)
	}
}
