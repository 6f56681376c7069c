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
	b.WriteString(g.Summary())
	return b.String()
}

// Graph returns the optimized task graph the array would run, for export
// (g.DOT(), g.Mermaid()) or inspection. Nothing is computed.
func (x *Array) Graph() (*graph.Graph, error) {
	g, _, _, err := x.plan()
	return g, err
}
