// Package benchgraph builds the task graphs that dusk's benchmarks (the
// benchmarks program and the packages' go test -bench) measure, so that
// every benchmark of the scheduler's overhead runs the same graph.
package benchgraph

import (
	"context"
	"fmt"
	"strconv"

	"github.com/dusk-go/dusk/graph"
)

// Reduction builds leaves independent tasks, leaf[i] returning i%8, and a
// tree of sum tasks with fanIn inputs each that adds them up into the single
// output "total": the shape of a partitioned scan followed by an
// aggregation, and the graph of the scheduler's overhead benchmarks. Every
// leaf has its own closure, as lowered partitions do.
func Reduction(leaves, fanIn int) (*graph.Graph, error) {
	if fanIn < 2 {
		return nil, fmt.Errorf("benchgraph: fan-in %d, want at least 2", fanIn)
	}
	// Each level of the tree has at most ceil(n/fanIn) tasks: leaves/(fanIn-1)
	// plus one per level bounds the total.
	b := graph.NewBuilder(leaves + leaves/(fanIn-1) + 64)
	ids := make([]graph.ID, leaves)
	leafHints := graph.Hints{Op: "leaf"}
	for i := range ids {
		v := i % 8
		ids[i] = b.Add(graph.K("leaf", i), func(context.Context, []any) (any, error) { return v, nil }, leafHints)
	}
	sumHints := graph.Hints{Op: "sum"}
	for level := 1; len(ids) > 1; level++ {
		name := "sum-" + strconv.Itoa(level)
		last := len(ids) <= fanIn
		n := 0
		for j := 0; j < len(ids); j += fanIn {
			key := graph.K(name, n)
			if last {
				key = graph.Single("total")
			}
			// ids[n] is written after Add has copied the deps, and n <= j,
			// so the level can be rewritten in place.
			ids[n] = b.Add(key, sumInts, sumHints, ids[j:min(j+fanIn, len(ids))]...)
			n++
		}
		ids = ids[:n]
	}
	return b.Build()
}

// ReductionTotal is the value of Reduction's output: the sum of i%8 for
// i < leaves.
func ReductionTotal(leaves int) int {
	r := leaves % 8
	return leaves/8*28 + r*(r-1)/2
}

func sumInts(_ context.Context, deps []any) (any, error) {
	s := 0
	for _, d := range deps {
		v, ok := d.(int)
		if !ok {
			return nil, fmt.Errorf("sum: input of type %T, want int", d)
		}
		s += v
	}
	return s, nil
}
