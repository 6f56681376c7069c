package scheduler_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// A fan-in: four partitions computed in parallel, then summed.
func ExampleScheduler_Execute() {
	b := graph.NewBuilder(5)
	var parts []graph.ID
	for i := range 4 {
		parts = append(parts, b.Add(graph.K("square", i), func(context.Context, []any) (any, error) {
			return i * i, nil
		}, graph.Hints{Op: "square"}))
	}
	b.Add(graph.Single("sum"), func(_ context.Context, in []any) (any, error) {
		total := 0
		for _, v := range in {
			total += v.(int)
		}
		return total, nil
	}, graph.Hints{Op: "sum"}, parts...)
	g, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	s := scheduler.New(scheduler.Workers(4))
	out, err := s.Execute(context.Background(), g)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("0² + 1² + 2² + 3² =", out[0])
	// Output:
	// 0² + 1² + 2² + 3² = 14
}

var errBadRecord = errors.New("bad record")

// A failing task stops the computation; the error names the task and its
// operation, and errors.Is reaches the cause.
func ExampleTaskError() {
	b := graph.NewBuilder(4)
	var parts []graph.ID
	for i := range 3 {
		parts = append(parts, b.Add(graph.K("parse", i), func(context.Context, []any) (any, error) {
			if i == 2 {
				return nil, fmt.Errorf("line 7, column 3: %w", errBadRecord)
			}
			return i, nil
		}, graph.Hints{Op: "read-csv(trips.csv)"}))
	}
	b.Add(graph.Single("count"), func(_ context.Context, in []any) (any, error) {
		return len(in), nil
	}, graph.Hints{Op: "count"}, parts...)
	g, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	_, err = scheduler.New().Execute(context.Background(), g)
	fmt.Println(err)
	var te *scheduler.TaskError
	if errors.As(err, &te) {
		fmt.Println("task:", te.Key)
		fmt.Println("operation:", te.Op)
	}
	fmt.Println("bad record:", errors.Is(err, errBadRecord))
	// Output:
	// read-csv(trips.csv): task parse[2]: line 7, column 3: bad record
	// task: parse[2]
	// operation: read-csv(trips.csv)
	// bad record: true
}
