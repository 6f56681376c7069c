package graph_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dusk-go/dusk/graph"
)

// A graph that reads two partitions, doubles each, and sums them, evaluated
// here one task at a time in topological order (the scheduler runs the same
// graph in parallel).
func ExampleBuilder() {
	var b graph.Builder
	read := func(v int) graph.Func {
		return func(context.Context, []any) (any, error) { return v, nil }
	}
	double := func(_ context.Context, deps []any) (any, error) { return 2 * deps[0].(int), nil }
	sum := func(_ context.Context, deps []any) (any, error) {
		total := 0
		for _, d := range deps {
			total += d.(int)
		}
		return total, nil
	}

	var parts []graph.ID
	for i, v := range []int{3, 4} {
		r := b.Add(graph.K("read", i), read(v), graph.Hints{Op: "read", ReadsInput: true})
		parts = append(parts, b.Add(graph.K("double", i), double, graph.Hints{Op: "double"}, r))
	}
	total := b.Add(graph.Single("sum"), sum, graph.Hints{Op: "sum"}, parts...)
	b.Output(total)

	g, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	values := make([]any, g.Len())
	for _, id := range g.Topo() {
		var deps []any
		for _, d := range g.Deps(id) {
			deps = append(deps, values[d])
		}
		values[id], _ = g.Func(id)(context.Background(), deps)
		fmt.Printf("%s = %v\n", g.Key(id), values[id])
	}
	fmt.Println("output:", values[g.Outputs()[0]])
	// Output:
	// read[0] = 3
	// double[0] = 6
	// read[1] = 4
	// double[1] = 8
	// sum = 14
	// output: 14
}

// Build reports a dependency that was named but never added.
func ExampleBuilder_Build() {
	var b graph.Builder
	b.Add(graph.Single("sum"), func(context.Context, []any) (any, error) { return 0, nil },
		graph.Hints{}, b.Ref(graph.K("read", 0)))
	_, err := b.Build()
	fmt.Println(err)
	// Output:
	// graph: task sum depends on read[0], which is not in the graph
}

func ExampleGraph_WriteMermaid() {
	nop := func(context.Context, []any) (any, error) { return nil, nil }
	var b graph.Builder
	src := b.Add(graph.K("read", 0), nop, graph.Hints{Op: `read_csv("a.csv")`})
	b.Add(graph.Single("count"), nop, graph.Hints{Op: "count"}, src)
	g, _ := b.Build()
	if err := g.WriteMermaid(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// flowchart TD
	// 	t0["read[0]<br/>read_csv(#quot;a.csv#quot;)"]
	// 	t1["count<br/>count"]
	// 	t0 --> t1
	// 	classDef output stroke-width:3px,font-weight:bold;
	// 	class t1 output;
}

func ExampleGraph_DOT() {
	nop := func(context.Context, []any) (any, error) { return nil, nil }
	var b graph.Builder
	src := b.Add(graph.K("read", 0), nop, graph.Hints{Op: `read_csv("a.csv")`})
	b.Add(graph.Single("count"), nop, graph.Hints{Op: "count"}, src)
	g, _ := b.Build()
	fmt.Print(g.DOT())
	// Output:
	// digraph dusk {
	// 	node [shape=box];
	// 	t0 [label="read[0]\nread_csv(\"a.csv\")"];
	// 	t1 [label="count\ncount", peripheries=2, style=bold];
	// 	t0 -> t1;
	// }
}
