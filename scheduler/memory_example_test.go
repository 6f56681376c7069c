package scheduler_test

import (
	"context"
	"fmt"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// summary prints the memory figures of a computation when it ends.
type summary struct{ scheduler.NopObserver }

func (summary) RunFinished(s scheduler.RunSummary) {
	m := s.Memory
	fmt.Printf("peak within the limit: %v, spilled: %v, read back: %v\n",
		m.Peak <= m.Limit, m.SpilledTotal > 0, m.ReadBackTotal == m.SpilledTotal)
}

// Sixteen partitions of 1 MiB, all produced before any is consumed, under
// a 4 MiB limit: the scheduler spills the oldest ones to the badger store
// in the system's temporary directory and reads them back for the sums.
func ExampleMemoryLimit() {
	const parts, n = 16, 1 << 17 // 1 MiB of float64 each
	b := graph.NewBuilder(2 * parts)
	var made []graph.ID
	for i := range parts {
		made = append(made, b.Add(graph.K("make", i), func(context.Context, []any) (any, error) {
			s := make([]float64, n)
			for j := range s {
				s[j] = float64(i)
			}
			return s, nil
		}, graph.Hints{Op: "make"}))
	}
	var sums []graph.ID
	for i := range parts {
		sums = append(sums, b.Add(graph.K("sum", i), func(_ context.Context, in []any) (any, error) {
			t := 0.0
			for _, x := range in[0].([]float64) {
				t += x
			}
			return t, nil
		}, graph.Hints{Op: "sum"}, made[i]))
	}
	b.Add(graph.Single("total"), func(_ context.Context, in []any) (any, error) {
		t := 0.0
		for _, v := range in {
			t += v.(float64)
		}
		return t, nil
	}, graph.Hints{Op: "total"}, sums...)
	g, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	s := scheduler.New(scheduler.MemoryLimit(4<<20), scheduler.Workers(1), scheduler.WithObserver(summary{}))
	out, err := s.Execute(context.Background(), g)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("total:", out[0])
	// Output:
	// peak within the limit: true, spilled: true, read back: true
	// total: 1.572864e+07
}
