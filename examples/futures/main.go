// Command futures starts computations with scheduler.Submit and collects
// them as futures, the dusk form of Python's concurrent.futures:
//
//	fut = executor.submit(count_primes, lo, hi)  # scheduler.Submit(ctx, fn, s)
//	for f in as_completed(futs): f.result()      # scheduler.AsCompleted
//	wait(futs)                                   # scheduler.Wait
//	fut.result()                                 # Future.Result
//
// It counts the primes below -n: the range is cut into -parts pieces, each
// counted by a segmented sieve in a future of its own. The futures are
// printed as they complete, then waited for, then read in submission order
// and summed. Finally a future whose function fails shows how an error
// comes back: from Result, and from Wait, as a *scheduler.TaskError naming
// the task.
//
//	go run ./examples/futures
//	go run ./examples/futures -n 500000000 -parts 32 -workers 8
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
		fmt.Fprintln(os.Stderr, "futures:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("futures", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	n := fs.Int("n", 50_000_000, "count the primes below n")
	parts := fs.Int("parts", 8, "futures the range is cut into")
	workers := fs.Int("workers", 0, "futures running at once (0: GOMAXPROCS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *n < 2:
		return fmt.Errorf("-n %d: want at least 2", *n)
	case *parts <= 0 || *parts > *n:
		return fmt.Errorf("-parts %d: want from 1 to n pieces", *parts)
	case *workers < 0:
		return fmt.Errorf("-workers %d: want a positive number, or 0 for GOMAXPROCS", *workers)
	}
	s := scheduler.New(scheduler.Workers(*workers))
	fmt.Fprintf(w, "dusk futures: count the primes below %d in %d futures, at most %d running at once (%d CPUs)\n\n",
		*n, *parts, s.Workers(), runtime.NumCPU())

	// Submit returns at once; the futures run in the background.
	start := time.Now()
	futures := make([]*scheduler.Future[int], *parts)
	ranges := make([][2]int, *parts)
	for i := range futures {
		lo, hi := *n*i / *parts, *n*(i+1) / *parts
		ranges[i] = [2]int{lo, hi}
		futures[i] = scheduler.Submit(ctx, func(ctx context.Context) (int, error) {
			return countPrimes(ctx, lo, hi)
		}, s)
	}
	fmt.Fprintf(w, "submitted %d futures in %s\n", len(futures), roundDuration(time.Since(start)))

	// As completed: each future once, in the order they finish.
	index := make(map[*scheduler.Future[int]]int, len(futures))
	for i, f := range futures {
		index[f] = i
	}
	fmt.Fprintln(w, "as completed:")
	for f, err := range scheduler.AsCompleted(ctx, futures...) {
		if err != nil {
			return err
		}
		i := index[f]
		count, err := f.Result(ctx) // done: Result returns at once
		if err != nil {
			return fmt.Errorf("future %d: %w", i, err)
		}
		fmt.Fprintf(w, "  future %d (%s) [%d, %d): %d primes, done at %s\n",
			i, f.Key(), ranges[i][0], ranges[i][1], count, roundDuration(time.Since(start)))
	}

	// Wait for all (here they are all done already), then read the results in
	// submission order.
	if err := scheduler.Wait(ctx, futures...); err != nil {
		return err
	}
	total := 0
	for _, f := range futures {
		count, err := f.Result(ctx)
		if err != nil {
			return err
		}
		total += count
	}
	fmt.Fprintf(w, "total: %d primes below %d (%.2f s)\n\n", total, *n, time.Since(start).Seconds())

	// A failing future: its error comes back from Result and from Wait.
	good := scheduler.Submit(ctx, func(ctx context.Context) (int, error) { return countPrimes(ctx, 0, 100) }, s)
	bad := scheduler.Submit(ctx, func(ctx context.Context) (int, error) { return countPrimes(ctx, 100, 10) }, s)
	if _, err := bad.Result(ctx); err != nil {
		var te *scheduler.TaskError
		fmt.Fprintf(w, "failing future: Result gave %q (a *TaskError: %v)\n", err, errors.As(err, &te))
	} else {
		return errors.New("the failing future did not fail")
	}
	err := scheduler.Wait(ctx, good, bad)
	fmt.Fprintf(w, "failing future: Wait gave %q (the bad range: %v)\n", err, errors.Is(err, errBadRange))
	if count, err := good.Result(ctx); err == nil {
		fmt.Fprintf(w, "the other future still completed: %d primes below 100\n", count)
	}
	return nil
}

var errBadRange = errors.New("bad range")

// countPrimes counts the primes in [lo, hi) with a segmented sieve of
// Eratosthenes, in segments of 256 KiB, checking ctx between segments.
func countPrimes(ctx context.Context, lo, hi int) (int, error) {
	if lo < 0 || hi < lo {
		return 0, fmt.Errorf("[%d, %d): %w", lo, hi, errBadRange)
	}
	lo = max(lo, 2)
	if hi <= lo {
		return 0, nil
	}
	// The base primes up to √hi, by a plain sieve.
	root := int(math.Sqrt(float64(hi))) + 1
	composite := make([]bool, root+1)
	var base []int
	for p := 2; p <= root; p++ {
		if !composite[p] {
			base = append(base, p)
			for m := p * p; m <= root; m += p {
				composite[m] = true
			}
		}
	}
	const segment = 1 << 18
	seg := make([]bool, segment)
	count := 0
	for start := lo; start < hi; start += segment {
		if ctx.Err() != nil {
			return 0, context.Cause(ctx)
		}
		end := min(start+segment, hi)
		clear(seg)
		for _, p := range base {
			if p*p >= end {
				break
			}
			first := max(p*p, (start+p-1)/p*p)
			for m := first; m < end; m += p {
				seg[m-start] = true
			}
		}
		for _, c := range seg[:end-start] {
			if !c {
				count++
			}
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
