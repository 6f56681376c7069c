// Command mapinputs applies one function to a slice of inputs on all cores
// with scheduler.Map, the dusk form of Python's multiprocessing.Pool.map or
// concurrent.futures.ThreadPoolExecutor.map:
//
//	with Pool() as pool:                       # Python
//	    hits = pool.map(count_hits, seeds)
//
//	hits, err := scheduler.Map(ctx, seeds, countHits)  // dusk
//
// Each input is a seed; the function throws -samples random points into the
// unit square with a generator seeded by it and counts those that land inside
// the quarter circle, so 4·hits/points estimates pi. The same seeds run first
// in a plain serial loop, then with scheduler.Map; the two must give the
// same counts, in the same order, and the program prints both timings and
// the speed-up.
//
//	go run ./examples/mapinputs
//	go run ./examples/mapinputs -seeds 64 -samples 10000000 -workers 4
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
	"slices"
	"strings"
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
		fmt.Fprintln(os.Stderr, "mapinputs:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("mapinputs", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	seeds := fs.Int("seeds", 32, "number of inputs: one seed each")
	samples := fs.Int("samples", 2_000_000, "random points per seed")
	workers := fs.Int("workers", 0, "workers of scheduler.Map (0: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *seeds <= 0:
		return fmt.Errorf("-seeds %d: want a positive number of seeds", *seeds)
	case *samples <= 0:
		return fmt.Errorf("-samples %d: want a positive number of points", *samples)
	case *workers < 0:
		return fmt.Errorf("-workers %d: want a positive number, or 0 for GOMAXPROCS", *workers)
	}
	s := scheduler.New(scheduler.Workers(*workers))

	// The inputs: one seed per task.
	inputs := make([]uint64, *seeds)
	for i := range inputs {
		inputs[i] = uint64(i)
	}
	countHits := func(ctx context.Context, seed uint64) (int, error) {
		return hits(ctx, seed, *samples)
	}
	points := *seeds * *samples

	fmt.Fprintf(w, "dusk mapinputs: estimate pi from %d seeds × %s random points each\n", *seeds, thousands(*samples))
	fmt.Fprintf(w, "machine: %d CPUs, GOMAXPROCS %d; scheduler.Map on %d workers\n\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), s.Workers())

	// 1. Serial: a plain for loop over the inputs.
	start := time.Now()
	serial := make([]int, len(inputs))
	for i, seed := range inputs {
		n, err := countHits(ctx, seed)
		if err != nil {
			return fmt.Errorf("serial seed %d: %w", seed, err)
		}
		serial[i] = n
	}
	serialTime := time.Since(start)
	report(w, "serial loop:  ", serial, points, serialTime)

	// 2. Parallel: the same function over the same inputs, results in input order.
	start = time.Now()
	parallel, err := scheduler.Map(ctx, inputs, countHits, s)
	if err != nil {
		return fmt.Errorf("scheduler.Map: %w", err)
	}
	parallelTime := time.Since(start)
	report(w, "scheduler.Map:", parallel, points, parallelTime)

	if !slices.Equal(serial, parallel) {
		return fmt.Errorf("scheduler.Map gave %v, the serial loop %v", parallel, serial)
	}
	fmt.Fprintf(w, "\nper-seed counts identical, in input order: yes\n")
	var first []string
	for i, n := range parallel[:min(4, len(parallel))] {
		first = append(first, fmt.Sprintf("seed %d → %s", inputs[i], thousands(n)))
	}
	fmt.Fprintf(w, "first seeds: %s\n", strings.Join(first, ", "))
	fmt.Fprintf(w, "speed-up: %.1fx on %d workers (ideal %dx)\n",
		serialTime.Seconds()/max(parallelTime.Seconds(), 1e-9), s.Workers(), min(s.Workers(), *seeds))
	return nil
}

// report prints the total of counts, the estimate of pi it gives and the
// time taken.
func report(w io.Writer, label string, counts []int, points int, d time.Duration) {
	total := 0
	for _, n := range counts {
		total += n
	}
	pi := 4 * float64(total) / float64(points)
	fmt.Fprintf(w, "%s hits %s of %s → pi ≈ %.6f (error %.1e) in %s\n",
		label, thousands(total), thousands(points), pi, math.Abs(pi-math.Pi), roundDuration(d))
}

// hits throws n points uniformly into the unit square, with a PCG generator
// seeded by seed, and counts those inside the quarter circle x²+y² ≤ 1. It
// checks ctx every 64Ki points.
func hits(ctx context.Context, seed uint64, n int) (int, error) {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	count := 0
	for i := range n {
		if i&0xffff == 0 && ctx.Err() != nil {
			return 0, context.Cause(ctx)
		}
		x, y := r.Float64(), r.Float64()
		if x*x+y*y <= 1 {
			count++
		}
	}
	return count, nil
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

// thousands formats n with comma separators: 2,000,000.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
