// Command streaming runs a function over a sequence of work items of uneven
// cost with scheduler.Stream and scheduler.StreamUnordered and prints each
// result as it arrives. It maps to Python's
//
//	for r in pool.imap(f, items): ...            # scheduler.Stream
//	for r in pool.imap_unordered(f, items): ...  # scheduler.StreamUnordered
//	for fut in as_completed(futures): ...        # (also StreamUnordered)
//
// Item i is a block of consecutive integers (1 to 7 times -block of them,
// so some items cost seven times others); the work is the longest Collatz
// chain in the block. Stream yields the results in input order, holding
// back those that finish early; StreamUnordered yields each one as soon as
// it is done, so the slow items come last. Finally, Stream runs over an
// endless sequence of blocks and the loop breaks at the first block whose
// longest chain reaches -target steps: breaking out cancels the calls in
// flight, and the endless input is read only a window ahead.
//
//	go run ./examples/streaming
//	go run ./examples/streaming -items 40 -block 200000 -target 500 -workers 8
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"os/signal"
	"runtime"
	"slices"
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
		fmt.Fprintln(os.Stderr, "streaming:", err)
		os.Exit(1)
	}
}

// item is one unit of work: the integers lo..hi.
type item struct {
	index  int
	lo, hi uint64
}

// result is the longest Collatz chain of an item: the number that starts it
// and its steps.
type result struct {
	item
	best  uint64
	steps int
	took  time.Duration
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("streaming", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	items := fs.Int("items", 16, "work items of the ordered and unordered streams")
	block := fs.Int("block", 50_000, "integers of the cheapest item (the dearest has 7 times as many)")
	target := fs.Int("target", 550, "chain length the endless search stops at")
	workers := fs.Int("workers", 0, "workers (0: GOMAXPROCS)")
	window := fs.Int("window", 0, "items a stream holds at once (0: four per worker)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *items <= 0:
		return fmt.Errorf("-items %d: want a positive number of items", *items)
	case *block <= 0:
		return fmt.Errorf("-block %d: want a positive block size", *block)
	case *target <= 0 || *target > 1000:
		return fmt.Errorf("-target %d: want a chain length from 1 to 1000", *target)
	case *workers < 0 || *window < 0:
		return fmt.Errorf("-workers %d -window %d: want positive numbers, or 0 for the default", *workers, *window)
	}
	s := scheduler.New(scheduler.Workers(*workers))
	opts := []scheduler.Option{s, scheduler.Window(*window)}
	fmt.Fprintf(w, "dusk streaming: longest Collatz chain per block, %d items of uneven cost, on %d workers (%d CPUs)\n",
		*items, s.Workers(), runtime.NumCPU())

	// 1. Ordered: results come in input order, whatever order they finish in.
	fmt.Fprintf(w, "\nscheduler.Stream (imap: input order)\n")
	start := time.Now()
	var ordered []int
	for r, err := range scheduler.Stream(ctx, blocks(*items, *block), longest, opts...) {
		if err != nil {
			return fmt.Errorf("stream: %w", err)
		}
		ordered = append(ordered, r.index)
		printResult(w, r, start)
	}
	fmt.Fprintf(w, "order: %v\n", ordered)

	// 2. Unordered: results come as they finish, the cheap items first.
	fmt.Fprintf(w, "\nscheduler.StreamUnordered (imap_unordered / as_completed: completion order)\n")
	start = time.Now()
	var unordered []int
	for r, err := range scheduler.StreamUnordered(ctx, blocks(*items, *block), longest, opts...) {
		if err != nil {
			return fmt.Errorf("unordered stream: %w", err)
		}
		unordered = append(unordered, r.index)
		printResult(w, r, start)
	}
	fmt.Fprintf(w, "order: %v\n", unordered)
	fmt.Fprintf(w, "Stream kept input order: %v; StreamUnordered differed from input order: %v\n",
		slices.IsSorted(ordered), !slices.IsSorted(unordered))

	// 3. Early stop: an endless sequence of blocks, searched until the first
	// chain of -target steps. Breaking out of the loop stops the rest.
	fmt.Fprintf(w, "\nearly stop: Stream over an endless sequence, break at the first chain of ≥ %d steps\n", *target)
	var read, called, running atomic.Int64
	endless := func(yield func(item) bool) {
		for it := range blocks(-1, *block) {
			read.Add(1)
			if !yield(it) {
				return
			}
		}
	}
	counted := func(ctx context.Context, it item) (result, error) {
		called.Add(1)
		running.Add(1)
		defer running.Add(-1)
		return longest(ctx, it)
	}
	start = time.Now()
	found := false
	for r, err := range scheduler.Stream(ctx, endless, counted, opts...) {
		if err != nil {
			return fmt.Errorf("endless stream: %w", err)
		}
		if r.steps >= *target {
			fmt.Fprintf(w, "found: %d takes %d steps (item %d, [%d, %d]) after %s\n",
				r.best, r.steps, r.index, r.lo, r.hi, roundDuration(time.Since(start)))
			found = true
			break
		}
	}
	if !found {
		return errors.New("endless stream ended without a result")
	}
	// When the loop is over, no call of the stream is running: the counts are final.
	fmt.Fprintf(w, "after the break: %d items read from the endless input, %d calls started, %d still running\n",
		read.Load(), called.Load(), running.Load())
	return nil
}

// blocks yields n items (endless if n < 0): item i holds size·(1+(3i mod 7))
// consecutive integers, starting after the previous item's.
func blocks(n, size int) iter.Seq[item] {
	return func(yield func(item) bool) {
		lo := uint64(1)
		for i := 0; n < 0 || i < n; i++ {
			hi := lo + uint64(size*(1+(3*i)%7)) - 1
			if !yield(item{index: i, lo: lo, hi: hi}) {
				return
			}
			lo = hi + 1
		}
	}
}

// longest finds the number of it whose Collatz chain is the longest (the
// first such number on a tie), checking ctx every 4,096 numbers.
func longest(ctx context.Context, it item) (result, error) {
	t0 := time.Now()
	r := result{item: it}
	for n := it.lo; n <= it.hi; n++ {
		if n&0xfff == 0 && ctx.Err() != nil {
			return result{}, context.Cause(ctx)
		}
		if s := collatz(n); s > r.steps {
			r.best, r.steps = n, s
		}
	}
	r.took = time.Since(t0)
	return r, nil
}

// collatz returns the number of steps n takes to reach 1.
func collatz(n uint64) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return steps
}

func printResult(w io.Writer, r result, start time.Time) {
	fmt.Fprintf(w, "  item %2d  [%d, %d]  %d takes %d steps  (cost %s, yielded at %s)\n",
		r.index, r.lo, r.hi, r.best, r.steps, roundDuration(r.took), roundDuration(time.Since(start)))
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
