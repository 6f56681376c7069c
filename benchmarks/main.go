// Command benchmarks measures dusk: the scheduler's overhead per task, the
// speed-up of parallel helpers, work stealing, and later spilling, frames
// and arrays.
//
// Usage:
//
//	go run ./benchmarks [flags] suite... [flags]
//	go run ./benchmarks scheduler
//	go run ./benchmarks scheduler -json -quick
//	go run ./benchmarks all -case overhead
//
// Flags:
//
//	-json        print one JSON object per line: {"suite","case","metric","value","unit"};
//	             the first line describes the machine (suite "machine")
//	-quick       small sizes and few repetitions, for CI smoke runs
//	-workers n   workers of the parallel runs (default GOMAXPROCS)
//	-case re     run only the cases whose name matches the regular expression
//	-list        list the suites and their cases, run nothing
//	-cpuprofile f  write a CPU profile of the cases to f (go tool pprof f)
//	-spill-dir d the directory the spill suite writes in (default
//	             $DUSK_SPILL_DIR, else the system's temporary directory)
//	-data-dir d  where the io and frame suites keep their generated data
//	             sets between runs (default $DUSK_BENCH_DATA, else
//	             <tmp>/dusk-bench)
//	-peers       also run the peer engines on the same files: DuckDB and
//	             Polars through their Node.js packages (benchmarks/peers;
//	             npm installs them on first use), and report ratios
//
// Table mode prints the machine, then one aligned line per metric as each
// case finishes, with the target the project's spec sets where it sets one.
// A case whose computed result is wrong makes the command exit with status 1
// (after the other cases have run).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "benchmarks:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "benchmarks:", err)
		os.Exit(1)
	}
}

// errUsage marks mistakes in the command line.
var errUsage = errors.New("usage")

// options are the settings of one invocation, shared by every suite.
type options struct {
	json    bool
	quick   bool
	workers int // 0: GOMAXPROCS
	cases   *regexp.Regexp
	// spillDir is where the spill suite writes; "" means the default
	// (see spillDirOf).
	spillDir string
	// dataDir is where the io and frame suites keep their generated data
	// sets between runs; "" means the default (see dataDirOf).
	dataDir string
	// peers runs the peer engines (DuckDB, Polars) on the same data.
	peers bool
}

// run parses args (suite names and flags, in any order), runs the suites and
// writes the results to w.
func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("benchmarks", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	jsonOut := fs.Bool("json", false, "print one JSON object per line")
	quick := fs.Bool("quick", false, "small sizes for CI smoke runs")
	workers := fs.Int("workers", 0, "workers of the parallel runs (0: GOMAXPROCS)")
	caseRe := fs.String("case", "", "run only the cases matching this regular expression")
	list := fs.Bool("list", false, "list the suites and their cases")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the cases to `file`")
	spillDir := fs.String("spill-dir", "", "the `directory` the spill suite writes in (default $DUSK_SPILL_DIR, else the temporary directory)")
	dataDir := fs.String("data-dir", "", "the `directory` the io and frame suites keep generated data in (default $DUSK_BENCH_DATA, else <tmp>/dusk-bench)")
	peers := fs.Bool("peers", false, "also run the peer engines (DuckDB and Polars through Node.js; installed with npm on first use)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./benchmarks [flags] suite... (suites: %s, all)\n", suiteNames())
		fs.PrintDefaults()
	}

	// The flag package stops at the first non-flag argument; suite names
	// and flags may be mixed, so parse again after each name.
	var names []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		names = append(names, fs.Arg(0))
		rest = fs.Args()[1:]
	}

	if *workers < 0 {
		return fmt.Errorf("%w: -workers %d: want a positive number, or 0 for GOMAXPROCS", errUsage, *workers)
	}
	opts := options{json: *jsonOut, quick: *quick, workers: *workers, spillDir: *spillDir, dataDir: *dataDir, peers: *peers}
	if *caseRe != "" {
		re, err := regexp.Compile(*caseRe)
		if err != nil {
			return fmt.Errorf("%w: -case: %v", errUsage, err)
		}
		opts.cases = re
	}

	if *list {
		for _, s := range allSuites() {
			fmt.Fprintf(w, "%s: %s\n", s.name, s.doc)
			for _, c := range s.cases {
				fmt.Fprintf(w, "  %-18s %s\n", c.name, c.doc)
			}
		}
		return nil
	}
	if len(names) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: name a suite (%s, all)", errUsage, suiteNames())
	}
	suites, err := selectSuites(names)
	if err != nil {
		return err
	}

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	rep := newReporter(w, opts.json)
	if err := rep.machine(describeMachine()); err != nil {
		return err
	}
	var failed []error
	ran := 0
	for _, s := range suites {
		for _, c := range s.cases {
			if opts.cases != nil && !opts.cases.MatchString(c.name) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			ran++
			err := c.run(ctx, opts, func(r result) error {
				r.Suite, r.Case = s.name, c.name
				return rep.result(r)
			})
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				failed = append(failed, fmt.Errorf("%s/%s: %w", s.name, c.name, err))
				rep.failure(s.name, c.name, err)
			}
		}
	}
	if ran == 0 {
		return fmt.Errorf("%w: -case %q matches no case of %v", errUsage, *caseRe, names)
	}
	return errors.Join(failed...)
}
