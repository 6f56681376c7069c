package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/dusk-go/dusk/scheduler"
)

// Map applies a function to every input on the workers and returns the
// results in input order.
func ExampleMap() {
	squares, err := scheduler.Map(context.Background(), []int{1, 2, 3, 4, 5}, func(_ context.Context, x int) (int, error) {
		return x * x, nil
	}, scheduler.Workers(4))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(squares)
	// Output: [1 4 9 16 25]
}

// Map's first error cancels the other calls and names the failing input.
func ExampleMap_error() {
	_, err := scheduler.Map(context.Background(), []string{"1", "2", "x", "4"}, func(_ context.Context, s string) (int, error) {
		if s == "x" {
			return 0, errors.New("not a number")
		}
		return len(s), nil
	}, scheduler.Op("parse"))
	fmt.Println(err)
	// Output: parse: task parse[2]: not a number
}

// Stream yields results in input order as they become available, holding
// at most Window inputs at once, so the input may be of any length.
func ExampleStream() {
	words := []string{"alpha", "beta", "gamma", "delta"}
	for v, err := range scheduler.Stream(context.Background(), slices.Values(words), func(_ context.Context, w string) (string, error) {
		return strings.ToUpper(w), nil
	}, scheduler.Workers(2), scheduler.Window(3)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v)
	}
	// Output:
	// ALPHA
	// BETA
	// GAMMA
	// DELTA
}

// StreamUnordered yields each result as soon as it is ready; the order
// depends on timing, so this example sorts what it received.
func ExampleStreamUnordered() {
	var lengths []int
	for n, err := range scheduler.StreamUnordered(context.Background(), slices.Values([]string{"go", "dusk", "arrow"}), func(_ context.Context, s string) (int, error) {
		return len(s), nil
	}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		lengths = append(lengths, n)
	}
	slices.Sort(lengths)
	fmt.Println(lengths)
	// Output: [2 4 5]
}

// Submit starts a function and returns its future at once; Result waits
// for it.
func ExampleSubmit() {
	ctx := context.Background()
	f := scheduler.Submit(ctx, func(context.Context) (string, error) {
		return "hello from a future", nil
	})
	v, err := f.Result(ctx)
	fmt.Println(v, err)
	// Output: hello from a future <nil>
}

// AsCompleted yields futures as they complete. Here each future waits for
// the previous one, so the completion order is known: fast, medium, slow.
func ExampleAsCompleted() {
	ctx := context.Background()
	s := scheduler.New(scheduler.Workers(3)) // a place for each future
	fast := scheduler.Submit(ctx, func(context.Context) (string, error) { return "fast", nil }, s)
	medium := scheduler.Submit(ctx, func(context.Context) (string, error) {
		<-fast.Done()
		return "medium", nil
	}, s)
	slow := scheduler.Submit(ctx, func(context.Context) (string, error) {
		<-medium.Done()
		return "slow", nil
	}, s)
	for f, err := range scheduler.AsCompleted(ctx, slow, medium, fast) {
		if err != nil {
			fmt.Println(err)
			return
		}
		v, _ := f.Result(ctx)
		fmt.Println(v)
	}
	// Output:
	// fast
	// medium
	// slow
}

// Wait waits for all futures and returns the first error.
func ExampleWait() {
	ctx := context.Background()
	s := scheduler.New(scheduler.Workers(2))
	ok := scheduler.Submit(ctx, func(context.Context) (int, error) { return 1, nil }, s)
	bad := scheduler.Submit(ctx, func(context.Context) (int, error) { return 0, errors.New("disk full") }, s)
	err := scheduler.Wait(ctx, ok, bad)
	fmt.Println(strings.HasSuffix(err.Error(), "disk full"))
	// Output: true
}

// Delay2 builds a lazy call; nothing runs until Compute.
func ExampleDelay2() {
	ctx := context.Background()
	load := scheduler.Delay0("load", func(context.Context) (int, error) { return 40, nil })
	add := scheduler.Delay2("add", func(_ context.Context, a, b int) (int, error) { return a + b, nil },
		load, scheduler.Value(2))
	v, err := add.Compute(ctx)
	fmt.Println(v, err)
	// Output: 42 <nil>
}

// ComputeAll computes several calls together: a call they share runs once.
func ExampleComputeAll() {
	var loads atomic.Int32
	data := scheduler.Delay0("load", func(context.Context) ([]int, error) {
		loads.Add(1)
		return []int{3, 1, 4, 1, 5}, nil
	})
	sum := scheduler.Delay1("sum", func(_ context.Context, xs []int) (int, error) {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s, nil
	}, data)
	largest := scheduler.Delay1("max", func(_ context.Context, xs []int) (int, error) { return slices.Max(xs), nil }, data)
	out, err := scheduler.ComputeAll(context.Background(), []scheduler.Node{sum, largest})
	fmt.Println(out, err, "loads:", loads.Load())
	// Output: [14 5] <nil> loads: 1
}
