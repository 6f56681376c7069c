package scheduler_test

import (
	"context"
	"math"
	"testing"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/benchgraph"
	"github.com/dusk-go/dusk/scheduler"
)

func benchFanTree(leaves int) *graph.Graph {
	g, err := benchgraph.Reduction(leaves, 8)
	if err == nil {
		g, err = graph.Optimize(g)
	}
	if err != nil {
		panic(err)
	}
	return g
}

// BenchmarkExecute100k measures the scheduler's cost per task on 100,000
// trivial leaf tasks and their tree reduction (graph already built).
func BenchmarkExecute100k(b *testing.B) {
	g := benchFanTree(100_000)
	for _, mode := range []struct {
		name string
		s    *scheduler.Scheduler
	}{
		{"parallel", scheduler.New()},
		{"inline", scheduler.New(scheduler.WithMode(scheduler.Inline))},
	} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				out, err := mode.s.Execute(context.Background(), g)
				if err != nil || out[0].(int) != benchgraph.ReductionTotal(100_000) {
					b.Fatalf("got %v, %v", out, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.Len()), "ns/task")
		})
	}
}

// BenchmarkMap measures Map on a CPU-bound function against a plain loop.
func BenchmarkMap(b *testing.B) {
	inputs := make([]int, 64)
	work := func(_ context.Context, x int) (float64, error) {
		s := 0.0
		for i := range 20_000 {
			v := float64(i%97+x) * 1e-3
			s += math.Exp(v) * math.Sinh(v)
		}
		return s, nil
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			for _, x := range inputs {
				work(context.Background(), x)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			if _, err := scheduler.Map(context.Background(), inputs, work); err != nil {
				b.Fatal(err)
			}
		}
	})
}
