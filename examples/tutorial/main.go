// Command tutorial is the classic parallel-computing tutorial ported to
// dusk: a CPU-heavy function, sum(exp(x)*sinh(x)) over ten million ones, is
// called ten times, first one call after another, then with scheduler.Map,
// which runs the calls on all cores and returns their results in order.
//
//	go run ./examples/tutorial
//	go run ./examples/tutorial -n 1000000 -calls 20 -workers 4
//
// On a machine with two free cores the parallel run takes about half the
// time of the serial one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/dusk-go/dusk/scheduler"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "tutorial:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("tutorial", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	n := fs.Int("n", 10_000_000, "elements of the slice each call works on")
	calls := fs.Int("calls", 10, "number of calls")
	workers := fs.Int("workers", 0, "workers of the parallel run (0: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *n <= 0:
		return fmt.Errorf("-n %d: want a positive number of elements", *n)
	case *calls <= 0:
		return fmt.Errorf("-calls %d: want a positive number of calls", *calls)
	case *workers < 0:
		return fmt.Errorf("-workers %d: want a positive number, or 0 for GOMAXPROCS", *workers)
	}
	s := scheduler.New(scheduler.Workers(*workers))

	// The input: n ones, shared read-only by every call.
	x := make([]float64, *n)
	for i := range x {
		x[i] = 1
	}
	want := float64(*n) * math.E * math.Sinh(1) // each element adds e·sinh(1)

	fmt.Fprintf(w, "dusk tutorial: %d calls of sum(exp(x)*sinh(x)) over %s ones\n", *calls, thousands(*n))
	fmt.Fprintf(w, "machine: %d CPUs, GOMAXPROCS %d; parallel run on %d workers\n\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), s.Workers())

	// 1. Serial: one call after another, like a plain for loop.
	start := time.Now()
	serialSums := make([]float64, *calls)
	for i := range serialSums {
		sum, err := expSinhSum(ctx, x)
		if err != nil {
			return fmt.Errorf("serial call %d: %w", i, err)
		}
		serialSums[i] = sum
	}
	serial := time.Since(start)
	fmt.Fprintf(w, "serial:         %10s   (%s per call)\n", human(serial), human(serial/time.Duration(*calls)))

	// 2. Parallel: the same calls with scheduler.Map, results in call order.
	start = time.Now()
	parallelSums, err := scheduler.Map(ctx, make([]int, *calls), func(ctx context.Context, _ int) (float64, error) {
		return expSinhSum(ctx, x)
	}, s, scheduler.Op("exp-sinh-sum"))
	if err != nil {
		return err
	}
	parallel := time.Since(start)
	fmt.Fprintf(w, "scheduler.Map:  %10s   (%d calls on %d workers)\n", human(parallel), *calls, s.Workers())

	ideal := min(s.Workers(), *calls)
	fmt.Fprintf(w, "speed-up:       %9.2fx   (ideal %dx)\n\n", serial.Seconds()/parallel.Seconds(), ideal)

	// Both runs must compute the same, right, value for every call.
	for i := range *calls {
		if serialSums[i] != parallelSums[i] {
			return fmt.Errorf("call %d: serial sum %v differs from parallel sum %v", i, serialSums[i], parallelSums[i])
		}
		if math.Abs(serialSums[i]-want) > 1e-9*want {
			return fmt.Errorf("call %d: sum %v, want %v", i, serialSums[i], want)
		}
	}
	fmt.Fprintf(w, "result of each call: %.4f (n·e·sinh(1) = %.4f; relative difference %.1e, the rounding of the sum)\n",
		serialSums[0], want, math.Abs(serialSums[0]-want)/want)
	return nil
}

// expSinhSum returns the sum of exp(v)*sinh(v) over x. It checks ctx every
// block of elements, so that Ctrl-C stops a long call promptly.
func expSinhSum(ctx context.Context, x []float64) (float64, error) {
	const block = 1 << 16
	sum := 0.0
	for lo := 0; lo < len(x); lo += block {
		if ctx.Err() != nil {
			return 0, context.Cause(ctx)
		}
		for _, v := range x[lo:min(lo+block, len(x))] {
			sum += math.Exp(v) * math.Sinh(v)
		}
	}
	return sum, nil
}

// human formats d with three decimals in a unit that suits it: 1.240 s,
// 630.125 ms, 45.210 µs.
func human(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.3f µs", float64(d)/1e3)
}

// thousands formats n with comma separators: 10,000,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
