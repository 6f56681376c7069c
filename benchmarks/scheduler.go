package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/benchgraph"
	"github.com/dusk-go/dusk/scheduler"
)

func schedulerSuite() suite {
	return suite{
		name: "scheduler",
		doc:  "task overhead, parallel map speed-up and work stealing of the local scheduler",
		cases: []benchCase{
			{
				name: "overhead-100k",
				doc:  "build + optimize + execute 100,000 trivial leaves summed by a fan-in-8 tree; median of 9 runs",
				run: overhead(overheadSize{leaves: 100_000, runs: 9, quickLeaves: 10_000, quickRuns: 3},
					"≤ 250 (spec, 2 cores)"),
			},
			{
				name: "overhead-1m",
				doc:  "the same with 1,000,000 leaves; median of 3 runs",
				run: overhead(overheadSize{leaves: 1_000_000, runs: 3, quickLeaves: 50_000, quickRuns: 1},
					"≤ 500 (spec, 2 cores)"),
			},
			{
				name: "map-speedup",
				doc:  "10 calls of sum(exp(x)*sinh(x)) over 10 million ones, serially and with scheduler.Map; best of 3",
				run:  mapSpeedup,
			},
			{
				name: "steal-imbalance",
				doc:  "one root makes 256 tasks of ~200µs ready on one worker; how the others steal them",
				run:  stealImbalance,
			},
		},
	}
}

// ---- overhead-100k, overhead-1m ----

// fanIn is the number of inputs of each sum task of the reduction tree.
const fanIn = 8

type overheadSize struct {
	leaves, runs           int
	quickLeaves, quickRuns int
}

// overhead returns the case that times graph construction, graph.Optimize
// and Scheduler.Execute of a fan of trivial leaves and their sum tree,
// divided by the number of tasks of the built graph.
func overhead(size overheadSize, target string) func(context.Context, options, func(result) error) error {
	return func(ctx context.Context, o options, emit func(result) error) error {
		leaves, runs := size.leaves, size.runs
		if o.quick {
			leaves, runs = size.quickLeaves, size.quickRuns
		}
		s := scheduler.New(scheduler.Workers(o.workers))
		want := benchgraph.ReductionTotal(leaves)

		type sample struct {
			build, optimize, execute time.Duration
			tasks, optimized         int
			allocs, bytes            uint64
		}
		measure := func() (sample, error) {
			var sm sample
			runtime.GC() // start each run without the garbage of the previous one
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)

			t0 := time.Now()
			g, err := benchgraph.Reduction(leaves, fanIn)
			if err != nil {
				return sm, err
			}
			t1 := time.Now()
			og, err := graph.Optimize(g)
			if err != nil {
				return sm, err
			}
			t2 := time.Now()
			out, err := s.Execute(ctx, og)
			if err != nil {
				return sm, err
			}
			t3 := time.Now()

			runtime.ReadMemStats(&m1)
			sm = sample{
				build: t1.Sub(t0), optimize: t2.Sub(t1), execute: t3.Sub(t2),
				tasks: g.Len(), optimized: og.Len(),
				allocs: m1.Mallocs - m0.Mallocs, bytes: m1.TotalAlloc - m0.TotalAlloc,
			}
			if len(out) != 1 {
				return sm, fmt.Errorf("got %d outputs, want 1", len(out))
			}
			if got, ok := out[0].(int); !ok || got != want {
				return sm, fmt.Errorf("wrong result: got %v, want %d", out[0], want)
			}
			return sm, nil
		}

		if _, err := measure(); err != nil { // warm-up
			return err
		}
		samples := make([]sample, runs)
		totals := make([]float64, runs)
		for i := range samples {
			sm, err := measure()
			if err != nil {
				return err
			}
			samples[i] = sm
			totals[i] = float64(sm.build + sm.optimize + sm.execute)
		}
		med := samples[medianIndex(totals)]
		best := math.Inf(1)
		for _, t := range totals {
			best = min(best, t)
		}
		per := func(d time.Duration) float64 { return float64(d) / float64(med.tasks) }
		return emitAll(emit,
			result{Metric: "leaves", Value: float64(leaves), Unit: "tasks"},
			result{Metric: "tasks", Value: float64(med.tasks), Unit: "tasks"},
			result{Metric: "tasks_after_optimize", Value: float64(med.optimized), Unit: "tasks"},
			result{Metric: "workers", Value: float64(s.Workers()), Unit: "workers"},
			result{Metric: "runs", Value: float64(runs), Unit: "runs"},
			result{Metric: "ns_per_task", Value: per(med.build + med.optimize + med.execute), Unit: "ns", Target: target},
			result{Metric: "build_ns_per_task", Value: per(med.build), Unit: "ns"},
			result{Metric: "optimize_ns_per_task", Value: per(med.optimize), Unit: "ns"},
			result{Metric: "run_ns_per_task", Value: per(med.execute), Unit: "ns"},
			result{Metric: "min_ns_per_task", Value: best / float64(med.tasks), Unit: "ns"},
			result{Metric: "allocs_per_task", Value: float64(med.allocs) / float64(med.tasks), Unit: "allocs"},
			result{Metric: "bytes_per_task", Value: float64(med.bytes) / float64(med.tasks), Unit: "B"},
			result{Metric: "total_ms", Value: float64(med.build+med.optimize+med.execute) / 1e6, Unit: "ms"},
		)
	}
}

// ---- map-speedup ----

// mapSpeedup runs the classic tutorial workload serially and with
// scheduler.Map, alternating the two, and reports the best time of each.
func mapSpeedup(ctx context.Context, o options, emit func(result) error) error {
	n, calls, reps := 10_000_000, 10, 3
	if o.quick {
		n, reps = 200_000, 2
	}
	workers := workersOf(o)
	x := make([]float64, n) // shared, read only
	for i := range x {
		x[i] = 1
	}
	want := float64(n) * math.Exp(1) * math.Sinh(1)
	check := func(got float64) error {
		if math.Abs(got-want) > 1e-9*want {
			return fmt.Errorf("wrong sum: got %.6f, want %.6f", got, want)
		}
		return nil
	}

	serial, parallel := math.Inf(1), math.Inf(1)
	for range reps {
		runtime.GC()
		t0 := time.Now()
		for range calls {
			got, err := expSinhSum(ctx, x)
			if err != nil {
				return err
			}
			if err := check(got); err != nil {
				return err
			}
		}
		serial = min(serial, time.Since(t0).Seconds())

		runtime.GC()
		t0 = time.Now()
		sums, err := scheduler.Map(ctx, make([]struct{}, calls), func(ctx context.Context, _ struct{}) (float64, error) {
			return expSinhSum(ctx, x)
		}, scheduler.Workers(workers), scheduler.Op("exp-sinh-sum"))
		if err != nil {
			return err
		}
		parallel = min(parallel, time.Since(t0).Seconds())
		for _, got := range sums {
			if err := check(got); err != nil {
				return err
			}
		}
	}
	speedup := serial / parallel
	ideal := float64(min(workers, calls))
	return emitAll(emit,
		result{Metric: "elements", Value: float64(n), Unit: "float64"},
		result{Metric: "calls", Value: float64(calls), Unit: "calls"},
		result{Metric: "workers", Value: float64(workers), Unit: "workers"},
		result{Metric: "serial_seconds", Value: serial, Unit: "s"},
		result{Metric: "map_seconds", Value: parallel, Unit: "s"},
		result{Metric: "per_call_seconds", Value: serial / float64(calls), Unit: "s"},
		result{Metric: "speedup", Value: speedup, Unit: "x", Target: "≥ 1.85 (spec, 2 cores)"},
		result{Metric: "efficiency", Value: speedup / ideal, Unit: "ratio", Target: fmt.Sprintf("ideal 1 (%.0fx)", ideal)},
	)
}

// expSinhSum returns the sum of exp(v)*sinh(v) over x, checking ctx between
// blocks so that a cancelled computation stops promptly.
func expSinhSum(ctx context.Context, x []float64) (float64, error) {
	const block = 1 << 16
	s := 0.0
	for lo := 0; lo < len(x); lo += block {
		if err := ctx.Err(); err != nil {
			return 0, context.Cause(ctx)
		}
		for _, v := range x[lo:min(lo+block, len(x))] {
			s += math.Exp(v) * math.Sinh(v)
		}
	}
	return s, nil
}

// ---- steal-imbalance ----

// stealObserver records which worker ran the root and each spin task, and
// the run's summary. Each spin index is written once, by the worker that
// starts it; Execute returns after every worker has stopped, so the caller
// reads them safely afterwards.
type stealObserver struct {
	scheduler.NopObserver
	root    int
	spin    []int
	summary scheduler.RunSummary
}

func (o *stealObserver) TaskStarted(ev scheduler.TaskEvent) {
	switch ev.Key.Name {
	case "root":
		o.root = ev.Worker
	case "spin":
		o.spin[ev.Key.Index] = ev.Worker
	}
}

func (o *stealObserver) RunFinished(s scheduler.RunSummary) { o.summary = s }

// stealImbalance times a graph whose work is all made ready on one worker,
// by one root task, with one worker and with all of them, and reports how
// much of the work the other workers stole.
func stealImbalance(ctx context.Context, o options, emit func(result) error) error {
	tasks, taskTime, reps := 256, 200*time.Microsecond, 3
	if o.quick {
		tasks, taskTime, reps = 32, 50*time.Microsecond, 2
	}
	workers := workersOf(o)
	iters := calibrateSpin(taskTime)

	const seed = 0x9E3779B97F4A7C15
	var want uint64
	for i := range tasks {
		want += spin(iters, seed+uint64(i))
	}

	once := func(w int) (time.Duration, *stealObserver, error) {
		obs := &stealObserver{root: -1, spin: make([]int, tasks)}
		b := graph.NewBuilder(tasks + 2)
		root := b.Add(graph.Single("root"), func(context.Context, []any) (any, error) {
			return uint64(seed), nil
		}, graph.Hints{Op: "root"})
		spins := make([]graph.ID, tasks)
		for i := range spins {
			spins[i] = b.Add(graph.K("spin", i), func(_ context.Context, deps []any) (any, error) {
				return spin(iters, deps[0].(uint64)+uint64(i)), nil
			}, graph.Hints{Op: "spin"}, root)
		}
		b.Add(graph.Single("total"), func(_ context.Context, deps []any) (any, error) {
			var s uint64
			for _, d := range deps {
				s += d.(uint64)
			}
			return s, nil
		}, graph.Hints{Op: "total"}, spins...)
		g, err := b.Build()
		if err != nil {
			return 0, nil, err
		}
		if g, err = graph.Optimize(g); err != nil {
			return 0, nil, err
		}
		s := scheduler.New(scheduler.Workers(w), scheduler.WithObserver(obs))
		t0 := time.Now()
		out, err := s.Execute(ctx, g)
		d := time.Since(t0)
		if err != nil {
			return 0, nil, err
		}
		if got := out[0].(uint64); got != want {
			return 0, nil, fmt.Errorf("wrong total with %d workers: got %d, want %d", w, got, want)
		}
		return d, obs, nil
	}

	one, all := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	var best *stealObserver
	for range reps {
		d, _, err := once(1)
		if err != nil {
			return err
		}
		one = min(one, d)
		d, obs, err := once(workers)
		if err != nil {
			return err
		}
		if d < all {
			all, best = d, obs
		}
	}
	if best.root < 0 {
		return errors.New("the observer saw no root task")
	}
	stolen := 0
	for _, w := range best.spin {
		if w != best.root {
			stolen++
		}
	}
	used := 0
	for _, n := range best.summary.TasksPerWorker {
		if n > 0 {
			used++
		}
	}
	return emitAll(emit,
		result{Metric: "tasks", Value: float64(tasks), Unit: "tasks"},
		result{Metric: "task_us", Value: float64(taskTime) / 1e3, Unit: "µs"},
		result{Metric: "workers", Value: float64(workers), Unit: "workers"},
		result{Metric: "workers_used", Value: float64(used), Unit: "workers", Target: fmt.Sprintf("ideal %d", workers)},
		result{Metric: "one_worker_ms", Value: float64(one) / 1e6, Unit: "ms"},
		result{Metric: "all_workers_ms", Value: float64(all) / 1e6, Unit: "ms"},
		result{Metric: "speedup", Value: float64(one) / float64(all), Unit: "x", Target: fmt.Sprintf("ideal %d", workers)},
		result{Metric: "stolen_share", Value: float64(stolen) / float64(tasks), Unit: "ratio", Target: fmt.Sprintf("ideal %.2f", float64(workers-1)/float64(workers))},
		result{Metric: "steals", Value: float64(best.summary.Steals), Unit: "steals"},
	)
}

// spin does iters rounds of xorshift arithmetic on x: CPU work whose result
// the compiler cannot drop.
func spin(iters int, x uint64) uint64 {
	x |= 1
	for range iters {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// calibrateSpin returns the number of spin iterations that take about d.
func calibrateSpin(d time.Duration) int {
	const probe = 1 << 18
	best := time.Duration(math.MaxInt64)
	var sink uint64
	for range 5 {
		t0 := time.Now()
		sink += spin(probe, sink)
		best = min(best, time.Since(t0))
	}
	runtime.KeepAlive(sink) // else the compiler drops the unused spins
	best = max(best, time.Nanosecond)
	return max(1, int(float64(probe)*float64(d)/float64(best)))
}

func emitAll(emit func(result) error, rs ...result) error {
	for _, r := range rs {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}
