package dashboard_test

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/scheduler/dashboard"
)

// exampleGraph has four "parse" tasks that sleep 5 ms and four "count"
// tasks that do almost nothing.
func exampleGraph() *graph.Graph {
	b := graph.NewBuilder(8)
	for i := range 4 {
		p := b.Add(graph.K("parse", i), func(context.Context, []any) (any, error) {
			time.Sleep(5 * time.Millisecond)
			return i, nil
		}, graph.Hints{Op: "parse"})
		b.Output(b.Add(graph.K("count", i), func(_ context.Context, in []any) (any, error) {
			return in[0].(int) + 1, nil
		}, graph.Hints{Op: "count"}, p))
	}
	g, err := b.Build()
	if err != nil {
		panic(err)
	}
	return g
}

// Summary lists per run its tasks and per operation the tasks and the
// summed task time, the most expensive first. Durations differ from run to
// run, and run numbers count the computations of the process, so this
// example masks both.
func ExampleRecorder_Summary() {
	rec := dashboard.NewRecorder()
	s := scheduler.New(scheduler.Workers(2), scheduler.WithObserver(rec))
	if _, err := s.Execute(context.Background(), exampleGraph()); err != nil {
		fmt.Println(err)
		return
	}
	durations := regexp.MustCompile(`[0-9.]+(ns|µs|ms|s)\b`)
	runs := regexp.MustCompile(`(?m)^run [0-9]+`)
	fmt.Print(runs.ReplaceAllString(durations.ReplaceAllString(rec.Summary(), "<time>"), "run <n>"))
	// Output:
	// run <n>: 8 tasks in <time>, 2 workers
	//   operation  tasks  task time
	//   parse      4      <time>
	//   count      4      <time>
}

// Serve shows computations live in a browser; Report and WriteReport keep
// them in one HTML file. This example has no output to check: it prints
// the dashboard's address, which depends on the free port.
func ExampleRecorder_Serve() {
	rec := dashboard.NewRecorder()
	srv, err := rec.Serve("127.0.0.1:0") // "" means 127.0.0.1:8787
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	fmt.Println("dashboard at", srv.URL())

	s := scheduler.New(scheduler.WithObserver(rec))
	if _, err := s.Execute(context.Background(), exampleGraph()); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(rec.Summary())
}
