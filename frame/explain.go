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
	g, err := build(plan, memory.DefaultAllocator, nil)
	if err == nil {
		g, err = graph.Optimize(g)
	}
	if err != nil {
		fmt.Fprintf(&b, "== task graph error\n%v\n", err)
		return b.String()
	}
	b.WriteString("== task graph\n")
	b.WriteString(g.Summary())
	return b.String()
}

// Graph returns the optimized task graph the frame would run, for export
// (g.DOT(), g.Mermaid()) or inspection. Nothing is computed; scans plan
// their partitions.
func (f *Frame) Graph() (*graph.Graph, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	plan, err := optimize(f.plan)
	if err != nil {
		return nil, err
	}
	g, err := build(plan, memory.DefaultAllocator, nil)
	if err != nil {
		return nil, err
	}
	return graph.Optimize(g)
}
