package frame

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
)

// Explain describes how the frame would be computed: the logical plan as
// built, the plan after the optimizer (pushdowns, folded constants, fused
// stages), and the shape of the task graph: how many tasks of each
// operation, and the outputs. Scans plan their partitions for it (a Parquet
// scan reads no data; its row groups are already known), but nothing is
// computed. A frame with an error explains the error.
func (f *Frame) Explain() string {
	if err := f.Err(); err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	b.WriteString("== logical plan\n")
	b.WriteString(formatPlan(f.plan))
	plan, err := optimize(f.plan)
	if err != nil {
		fmt.Fprintf(&b, "== optimizer error\n%v\n", err)
		return b.String()
	}
	b.WriteString("== optimized plan\n")
	b.WriteString(formatPlan(plan))
	g, err := build(plan, memory.DefaultAllocator)
	if err == nil {
		g, err = graph.Optimize(g)
	}
	if err != nil {
		fmt.Fprintf(&b, "== task graph error\n%v\n", err)
		return b.String()
	}
	b.WriteString("== task graph\n")
	b.WriteString(graphShape(g))
	return b.String()
}

// graphShape summarises a graph: its size, then one line per operation with
// its number of tasks and the key of its first task.
func graphShape(g *graph.Graph) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d tasks, %d outputs\n", g.Len(), len(g.Outputs()))
	ops := g.Ops()
	count := make([]int, len(ops))
	first := make([]string, len(ops))
	for id := range g.Len() {
		i := g.OpIndex(graph.ID(id))
		if count[i] == 0 {
			first[i] = g.Key(graph.ID(id)).String()
		}
		count[i]++
	}
	for i, op := range ops {
		if count[i] == 0 {
			continue
		}
		fmt.Fprintf(&b, "  %4d × %s  (%s, ...)\n", count[i], op, first[i])
	}
	return b.String()
}
