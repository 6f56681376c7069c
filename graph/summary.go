package graph

import (
	"fmt"
	"strings"
)

// Summary describes the graph's shape for EXPLAIN output: its size, then
// one line per operation with its number of tasks and the key of its
// first task.
func (g *Graph) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d tasks, %d outputs\n", g.Len(), len(g.Outputs()))
	count := make([]int, len(g.ops))
	first := make([]string, len(g.ops))
	for id := range g.Len() {
		i := g.OpIndex(ID(id))
		if count[i] == 0 {
			first[i] = g.Key(ID(id)).String()
		}
		count[i]++
	}
	for i, op := range g.ops {
		if count[i] == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %4d × %s  (%s, ...)\n", count[i], op, first[i])
	}
	return b.String()
}
