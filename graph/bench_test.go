package graph_test

import (
	"testing"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/benchgraph"
)

func fanTree(leaves int) *graph.Graph {
	g, err := benchgraph.Reduction(leaves, 8)
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
