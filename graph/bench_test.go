package graph_test

import (
	"context"
	"testing"

	"github.com/dusk-go/dusk/graph"
)

// fanTree builds n independent leaf tasks feeding a tree reduction with
// fan-in 8: the shape of a partitioned scan followed by an aggregation.
func fanTree(n int) *graph.Graph {
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
	names := []string{"sum-1", "sum-2", "sum-3", "sum-4", "sum-5", "sum-6", "sum-7", "sum-8", "sum-9"}
	for depth := 0; len(level) > 1; depth++ {
		next := level[:0:0]
		for i := 0; i < len(level); i += 8 {
			next = append(next, b.Add(graph.K(names[depth], i/8), sum, graph.Hints{Op: "sum"}, level[i:min(i+8, len(level))]...))
		}
		level = next
	}
	g, err := b.Build()
	if err != nil {
		panic(err)
	}
	return g
}

func BenchmarkBuild100k(b *testing.B) {
	for b.Loop() {
		fanTree(100_000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/leaf")
}

func BenchmarkOptimize100k(b *testing.B) {
	g := fanTree(100_000)
	for b.Loop() {
		if _, err := graph.Optimize(g); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(g.Len()), "ns/task")
}
