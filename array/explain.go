package array

import (
	"fmt"
	"strings"

	"github.com/dusk-go/dusk/graph"
)

// Explain describes how the array would be computed: the plan as built,
// the fused kernels (each one task per chunk: which loads, which
// operations, in order, with shared subexpressions computed once), and the
// shape of the task graph. Nothing is computed.
func (x *Array) Explain() string {
	if err := x.Err(); err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	b.WriteString("== plan\n")
	b.WriteString(formatPlan(x.n))
	g, _, lw, err := x.plan()
	if err != nil {
		fmt.Fprintf(&b, "== task graph error\n%v\n", err)
		return b.String()
	}
	b.WriteString("== fused kernels\n")
	for _, k := range lw.kernels {
		b.WriteString(k)
		b.WriteByte('\n')
	}
	b.WriteString("== task graph\n")
	b.WriteString(graphShape(g))
	return b.String()
}

// graphShape summarises a graph: its size, then one line per operation
// with its number of tasks.
func graphShape(g *graph.Graph) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d tasks, %d outputs\n", g.Len(), len(g.Outputs()))
	ops := g.Ops()
	count := make([]int, len(ops))
	for id := range g.Len() {
		count[g.OpIndex(graph.ID(id))]++
	}
	for i, op := range ops {
		if count[i] > 0 {
			fmt.Fprintf(&b, "  %-40s %d tasks\n", op, count[i])
		}
	}
	return b.String()
}
