package benchgraph

import (
	"context"
	"testing"

	"github.com/dusk-go/dusk/graph"
)

func TestReductionTotal(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 100, 100_001} {
		want := 0
		for i := range n {
			want += i % 8
		}
		if got := ReductionTotal(n); got != want {
			t.Errorf("ReductionTotal(%d): got %d, want %d", n, got, want)
		}
	}
}

// TestReduction evaluates the graph sequentially and checks its total, for
// several sizes and fan-ins, including a bad fan-in.
func TestReduction(t *testing.T) {
	for _, c := range []struct{ leaves, fanIn int }{{1, 2}, {9, 8}, {1000, 8}, {1001, 3}} {
		g, err := Reduction(c.leaves, c.fanIn)
		if err != nil {
			t.Fatalf("Reduction(%d, %d): %v", c.leaves, c.fanIn, err)
		}
		vals := make([]any, g.Len())
		for _, id := range g.Topo() {
			var deps []any
			for _, d := range g.Deps(id) {
				deps = append(deps, vals[d])
			}
			if vals[id], err = g.Func(id)(context.Background(), deps); err != nil {
				t.Fatal(err)
			}
		}
		out := g.Outputs()
		if len(out) != 1 || vals[out[0]] != ReductionTotal(c.leaves) {
			t.Errorf("Reduction(%d, %d): got outputs %v = %v, want one output %d", c.leaves, c.fanIn, out, vals[out[0]], ReductionTotal(c.leaves))
		}
		if c.leaves > 1 && g.Key(out[0]) != graph.Single("total") {
			t.Errorf("output key: got %s, want total", g.Key(out[0]))
		}
	}
	if _, err := Reduction(10, 1); err == nil {
		t.Error("Reduction(10, 1): got nil error, want one")
	}
}
