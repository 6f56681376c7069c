package scheduler_test

import (
	"context"
	"math"
	"testing"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

func benchFanTree(n int) *graph.Graph {
	b := graph.NewBuilder(n + n/7 + 16)
	leaf := func(context.Context, []any) (any, error) { return 1, nil }
	sum := func(_ context.Context, deps []any) (any, error) {
		s := 0
		for _, v := range deps {
			s += v.(int)
		}
		return s, nil
	}
	level := make([]graph.ID, n)
	for i := range level {
		level[i] = b.Add(graph.K("leaf", i), leaf, graph.Hints{Op: "leaf"})
	}
	for depth := 0; len(level) > 1; depth++ {
		next := level[:0:0]
		for i := 0; i < len(level); i += 8 {
			next = append(next, b.Add(graph.K("sum", depth*1_000_000+i/8), sum, graph.Hints{Op: "sum"}, level[i:min(i+8, len(level))]...))
		}
		level = next
	}
	g, err := b.Build()
	if err != nil {
		panic(err)
	}
	if g, err = graph.Optimize(g); err != nil {
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
				if err != nil || out[0].(int) != 100_000 {
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
