package progress_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/scheduler/progress"
)

// A computation observed by a Bar. On a terminal, progress.New(os.Stderr)
// is all it takes; here the Bar draws into a buffer (Force), at once
// (Delay(0)), 60 columns wide, and the example prints the last drawing
// without the terminal's escape codes.
func ExampleNew() {
	b := graph.NewBuilder(5)
	var parts []graph.ID
	for i := range 4 {
		parts = append(parts, b.Add(graph.K("load", i), func(context.Context, []any) (any, error) {
			time.Sleep(10 * time.Millisecond)
			return make([]float64, 128), nil // 1 KiB
		}, graph.Hints{Op: "load"}))
	}
	b.Add(graph.Single("count"), func(_ context.Context, in []any) (any, error) {
		n := 0
		for _, v := range in {
			n += len(v.([]float64))
		}
		return n, nil
	}, graph.Hints{Op: "count"}, parts...)
	g, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	var out bytes.Buffer
	bar := progress.New(&out, progress.Force(true), progress.Width(60), progress.Delay(0))
	s := scheduler.New(scheduler.Workers(2), scheduler.WithObserver(bar))
	res, err := s.Execute(context.Background(), g)
	if err != nil {
		fmt.Println(err)
		return
	}
	bar.Wait() // the drawing is complete

	frames := regexp.MustCompile(`\x1b\[\d+A\x1b\[J`).Split(out.String(), -1)
	fmt.Print(frames[len(frames)-1])
	fmt.Println("result:", res[0])
	// Output:
	// 5/5 tasks, 4.0 KiB produced, done
	//   load   [=====================================] 4/4 4.0 KiB
	//   count  [=====================================] 1/1     0 B
	// result: 512
}
