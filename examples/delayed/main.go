// Command delayed builds a small graph of lazy calls and computes it, the
// dusk form of dask.delayed:
//
//	parts = [delayed(load)(i) for i in range(n)]  # scheduler.Delay1("load", load, scheduler.Value(i))
//	clean = [delayed(clean)(p) for p in parts]     # scheduler.Delay1("clean", cleanPart, part)
//	stats = delayed(combine)(clean)                # scheduler.DelayN("combine", combine, clean...)
//	dask.compute(mean, spread)                     # scheduler.ComputeAll(ctx, []scheduler.Node{mean, spread})
//
// load makes part i: -rows readings from a generator seeded by i, a few of
// them broken (NaN, or the sentinel -999). clean drops the broken ones;
// combine merges the parts' moments; mean and spread both read combine's
// result. Nothing runs until ComputeAll, which runs the graph on the workers
// and each call once, even combine, which both results share: the program
// counts the calls to show it. Computing the two results one at a time
// instead runs the whole graph twice.
//
//	go run ./examples/delayed
//	go run ./examples/delayed -parts 64 -rows 1000000 -workers 8
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
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
		fmt.Fprintln(os.Stderr, "delayed:", err)
		os.Exit(1)
	}
}

// moments are the count, sum and sum of squares of a part's readings.
type moments struct {
	n          int
	sum, sumSq float64
}

// calls counts the calls of each function of the graph.
type calls struct{ load, clean, combine, mean, spread atomic.Int64 }

func (c *calls) String() string {
	return fmt.Sprintf("load %d, clean %d, combine %d, mean %d, spread %d",
		c.load.Load(), c.clean.Load(), c.combine.Load(), c.mean.Load(), c.spread.Load())
}

func (c *calls) reset() {
	for _, n := range []*atomic.Int64{&c.load, &c.clean, &c.combine, &c.mean, &c.spread} {
		n.Store(0)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("delayed", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	parts := fs.Int("parts", 8, "parts to load")
	rows := fs.Int("rows", 200_000, "readings per part")
	workers := fs.Int("workers", 0, "workers (0: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *parts <= 0:
		return fmt.Errorf("-parts %d: want a positive number of parts", *parts)
	case *rows <= 0:
		return fmt.Errorf("-rows %d: want a positive number of readings", *rows)
	case *workers < 0:
		return fmt.Errorf("-workers %d: want a positive number, or 0 for GOMAXPROCS", *workers)
	}
	s := scheduler.New(scheduler.Workers(*workers))
	fmt.Fprintf(w, "dusk delayed: load %d parts of %d readings → clean each → combine → mean and spread, on %d workers (%d CPUs)\n\n",
		*parts, *rows, s.Workers(), runtime.NumCPU())

	// Build the graph. Nothing runs here.
	var c calls
	load := func(ctx context.Context, part int) ([]float64, error) {
		c.load.Add(1)
		return loadPart(part, *rows), nil
	}
	clean := func(ctx context.Context, xs []float64) (moments, error) {
		c.clean.Add(1)
		return cleanPart(xs), nil
	}
	combine := func(ctx context.Context, ms []moments) (moments, error) {
		c.combine.Add(1)
		var all moments
		for _, m := range ms {
			all.n, all.sum, all.sumSq = all.n+m.n, all.sum+m.sum, all.sumSq+m.sumSq
		}
		return all, nil
	}
	cleaned := make([]scheduler.Arg[moments], *parts)
	for i := range cleaned {
		part := scheduler.Delay1("load", load, scheduler.Value(i))
		cleaned[i] = scheduler.Delay1("clean", clean, part)
	}
	stats := scheduler.DelayN("combine", combine, cleaned...)
	mean := scheduler.Delay1("mean", func(_ context.Context, m moments) (float64, error) {
		c.mean.Add(1)
		return m.sum / float64(m.n), nil
	}, stats)
	spread := scheduler.Delay1("spread", func(_ context.Context, m moments) (float64, error) {
		c.spread.Add(1)
		mu := m.sum / float64(m.n)
		return math.Sqrt(m.sumSq/float64(m.n) - mu*mu), nil
	}, stats)
	// combine also gives the count of good readings, a third result.
	count := scheduler.Delay1("count", func(_ context.Context, m moments) (int, error) { return m.n, nil }, stats)
	fmt.Fprintf(w, "graph built, calls so far: %s\n", &c)

	// 1. Compute the results together: every call runs once.
	start := time.Now()
	res, err := scheduler.ComputeAll(ctx, []scheduler.Node{mean, spread, count}, s)
	if err != nil {
		return err
	}
	good, mu, sd := res[2].(int), res[0].(float64), res[1].(float64)
	fmt.Fprintf(w, "ComputeAll(mean, spread, count) in %s:\n", roundDuration(time.Since(start)))
	fmt.Fprintf(w, "  good readings %d of %d, mean %.6f, spread %.6f\n", good, *parts**rows, mu, sd)
	fmt.Fprintf(w, "  calls: %s (combine shared, run once)\n\n", &c)

	// 2. One at a time: each Compute runs the graph it needs, so load,
	// clean and combine run again for each.
	c.reset()
	start = time.Now()
	mu2, err := mean.Compute(ctx, s)
	if err != nil {
		return err
	}
	sd2, err := spread.Compute(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "mean.Compute, then spread.Compute in %s: same results: %v\n",
		roundDuration(time.Since(start)), mu2 == mu && sd2 == sd)
	fmt.Fprintf(w, "  calls: %s (the shared part ran twice)\n", &c)
	return nil
}

// loadPart makes part i: n readings around 20 with a spread of 5, from a
// generator seeded by i; about one in fifty is NaN and one in fifty the
// sentinel -999.
func loadPart(i, n int) []float64 {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	xs := make([]float64, n)
	for k := range xs {
		switch u := r.IntN(100); {
		case u < 2:
			xs[k] = math.NaN()
		case u < 4:
			xs[k] = -999
		default:
			xs[k] = 20 + 5*r.NormFloat64()
		}
	}
	return xs
}

// cleanPart drops the broken readings (NaN, -999) and returns the moments
// of the others.
func cleanPart(xs []float64) moments {
	var m moments
	for _, x := range xs {
		if math.IsNaN(x) || x == -999 {
			continue
		}
		m.n++
		m.sum += x
		m.sumSq += x * x
	}
	return m
}

// roundDuration rounds d to a precision that suits it.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
