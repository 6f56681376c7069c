package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

// ---- spill-graph ----

// graphShape is the computation of the spill-graph case.
type graphShape struct {
	parts int   // partitions; even
	elems int   // float64 values per partition
	limit int64 // memory limit of the limited run
}

// spillGraph runs a computation whose task results add up to about 16
// times the memory limit, and of which 2 to 4 times the limit wait for
// their consumers at once, with the limit (spilling to a badger store) and
// without one, and compares the results and the times.
//
// The graph: produce[i] makes partition i (ReadsInput: a scan); map[i] is
// sqrt(x)+x of it; mix[i] combines map[i] with map[(i+parts/2)%parts], so
// that each map result has two consumers half the graph apart and half of
// them wait for the other half; then a tree of pairwise adds reduces the
// mixes to the one output partition. Every task makes a fresh partition;
// the graph is ordered (graph.Order) but not fused, so each stage is its
// own task. The operations are cheap per element: the case shows the cost
// of spilling next to memory-bound work, about the worst ratio.
func spillGraph(ctx context.Context, o options, emit func(result) error) error {
	sh := graphShape{parts: 32, elems: 4 << 20, limit: 256 << 20}
	reps := 2
	if o.quick {
		sh, reps = graphShape{parts: 16, elems: 1 << 20, limit: 64 << 20}, 1
	}
	g, err := buildSpillGraph(sh)
	if err != nil {
		return err
	}
	dir := spillDirOf(o)
	want := spillGraphReference(sh)

	type sample struct {
		d           time.Duration
		mem         spill.Stats
		peakRSS     int64 // VmHWM
		peaks       memPeaks
		rssWasReset bool // VmHWM was reset before the run
		out         []float64
	}
	runOnce := func(limit int64) (sample, error) {
		var sm sample
		obs := &summaryObserver{}
		s := scheduler.New(scheduler.Workers(o.workers), scheduler.MemoryLimit(limit),
			scheduler.SpillDir(dir), scheduler.WithObserver(obs))
		runtime.GC()
		debug.FreeOSMemory()
		sm.rssWasReset = resetPeakRSS()
		stop := sampleMemory()
		t0 := time.Now()
		out, err := s.Execute(ctx, g)
		sm.d = time.Since(t0)
		sm.peaks = stop()
		sm.peakRSS = peakRSS()
		if err != nil {
			return sm, err
		}
		if !obs.finished {
			return sm, errors.New("the observer saw no RunFinished")
		}
		sm.mem = obs.summary.Memory
		if len(out) != 1 {
			return sm, fmt.Errorf("got %d outputs, want 1", len(out))
		}
		got, ok := out[0].([]float64)
		if !ok || len(got) != sh.elems {
			return sm, fmt.Errorf("output: got %T of %d values, want []float64 of %d", out[0], len(got), sh.elems)
		}
		for j, w := range want {
			if math.Float64bits(got[w.at]) != math.Float64bits(w.v) {
				return sm, fmt.Errorf("output[%d] (sample %d): got %v, want %v", w.at, j, got[w.at], w.v)
			}
		}
		sm.out = got
		return sm, nil
	}

	var limited, unlimited sample
	reset := true
	for rep := range reps {
		// The limited run first: VmHWM only grows where it cannot be reset.
		l, err := runOnce(sh.limit)
		if err != nil {
			return fmt.Errorf("with a limit of %s: %w", spill.FormatBytes(sh.limit), err)
		}
		if l.mem.Spills == 0 {
			return fmt.Errorf("with a limit of %s nothing was spilled (peak %s): the case measures nothing",
				spill.FormatBytes(sh.limit), spill.FormatBytes(l.mem.Peak))
		}
		u, err := runOnce(-1)
		if err != nil {
			return fmt.Errorf("without a limit: %w", err)
		}
		for j := range l.out {
			if math.Float64bits(l.out[j]) != math.Float64bits(u.out[j]) {
				return fmt.Errorf("output[%d]: %v with the limit, %v without", j, l.out[j], u.out[j])
			}
		}
		l.out, u.out = nil, nil
		if rep == 0 || l.d < limited.d {
			limited.d, limited.mem = l.d, l.mem
		}
		if rep == 0 || u.d < unlimited.d {
			unlimited.d = u.d
		}
		limited.peakRSS, unlimited.peakRSS = max(limited.peakRSS, l.peakRSS), max(unlimited.peakRSS, u.peakRSS)
		limited.peaks, unlimited.peaks = maxPeaks(limited.peaks, l.peaks), maxPeaks(unlimited.peaks, u.peaks)
		reset = reset && l.rssWasReset && u.rssWasReset
	}

	partBytes := int64(sh.elems) * 8
	made := int64(g.Len()) * partBytes
	mem := limited.mem
	resetFlag := 0.0
	if reset {
		resetFlag = 1
	}
	return emitAll(emit,
		result{Metric: "partitions", Value: float64(sh.parts), Unit: "partitions"},
		result{Metric: "partition_bytes", Value: float64(partBytes), Unit: "B"},
		result{Metric: "tasks", Value: float64(g.Len()), Unit: "tasks"},
		result{Metric: "limit_bytes", Value: float64(sh.limit), Unit: "B"},
		result{Metric: "data_over_limit", Value: float64(made) / float64(sh.limit), Unit: "x", Target: "≥ 4"},
		result{Metric: "seconds_limited", Value: limited.d.Seconds(), Unit: "s"},
		result{Metric: "seconds_unlimited", Value: unlimited.d.Seconds(), Unit: "s"},
		result{Metric: "slowdown", Value: limited.d.Seconds() / unlimited.d.Seconds(), Unit: "x", Target: "≤ 2"},
		result{Metric: "peak_accounted_bytes", Value: float64(mem.Peak), Unit: "B", Target: "≤ " + strconv.FormatInt(sh.limit, 10)},
		result{Metric: "spills", Value: float64(mem.Spills), Unit: "values"},
		result{Metric: "spilled_bytes", Value: float64(mem.SpilledTotal), Unit: "B"},
		result{Metric: "written_bytes", Value: float64(mem.WrittenBytes), Unit: "B"},
		result{Metric: "read_backs", Value: float64(mem.ReadBacks), Unit: "values"},
		result{Metric: "read_back_bytes", Value: float64(mem.ReadBackTotal), Unit: "B"},
		result{Metric: "waits", Value: float64(mem.Waits), Unit: "tasks"},
		result{Metric: "peak_rss_bytes", Value: float64(limited.peakRSS), Unit: "B"},
		result{Metric: "peak_anon_bytes", Value: float64(limited.peaks.rssAnon), Unit: "B"},
		result{Metric: "peak_file_bytes", Value: float64(limited.peaks.rssFile), Unit: "B"},
		result{Metric: "peak_heap_bytes", Value: float64(limited.peaks.heap), Unit: "B"},
		result{Metric: "nolimit_rss_bytes", Value: float64(unlimited.peakRSS), Unit: "B"},
		result{Metric: "nolimit_anon_bytes", Value: float64(unlimited.peaks.rssAnon), Unit: "B"},
		result{Metric: "nolimit_heap_bytes", Value: float64(unlimited.peaks.heap), Unit: "B"},
		// 1 when VmHWM was reset before each run (so the unlimited peak is
		// its own), 0 when the kernel refused and it is the process's peak.
		result{Metric: "rss_peak_reset", Value: resetFlag, Unit: "bool"},
	)
}

func maxPeaks(a, b memPeaks) memPeaks {
	return memPeaks{heap: max(a.heap, b.heap), rssAnon: max(a.rssAnon, b.rssAnon), rssFile: max(a.rssFile, b.rssFile)}
}

// summaryObserver keeps the summary of the last computation.
type summaryObserver struct {
	scheduler.NopObserver
	summary  scheduler.RunSummary
	finished bool
}

func (o *summaryObserver) RunFinished(s scheduler.RunSummary) { o.summary, o.finished = s, true }

func buildSpillGraph(sh graphShape) (*graph.Graph, error) {
	if sh.parts < 2 || sh.parts%2 != 0 {
		return nil, fmt.Errorf("spill-graph: %d partitions, want an even number", sh.parts)
	}
	n := sh.elems
	hints := func(op string) graph.Hints { return graph.Hints{Op: op, Bytes: int64(n) * 8} }
	b := graph.NewBuilder(4 * sh.parts)
	maps := make([]graph.ID, sh.parts)
	for i := range maps {
		h := hints("produce")
		h.ReadsInput = true
		p := b.Add(graph.K("produce", i), func(ctx context.Context, _ []any) (any, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			x := make([]float64, n)
			for j := range x {
				x[j] = partValue(i, j)
			}
			return x, nil
		}, h)
		maps[i] = b.Add(graph.K("map", i), mapTask, hints("map"), p)
	}
	level := make([]graph.ID, sh.parts)
	for i := range level {
		level[i] = b.Add(graph.K("mix", i), mixTask,
			hints("mix"), maps[i], maps[(i+sh.parts/2)%sh.parts])
	}
	for depth := 1; len(level) > 1; depth++ {
		next := level[:0:0]
		for k := 0; k < len(level); k += 2 {
			if k+1 == len(level) {
				next = append(next, level[k])
				continue
			}
			key := graph.K("add-"+strconv.Itoa(depth), k/2)
			if len(level) == 2 {
				key = graph.Single("total")
			}
			next = append(next, b.Add(key, addTask, hints("add"), level[k], level[k+1]))
		}
		level = next
	}
	g, err := b.Build()
	if err != nil {
		return nil, err
	}
	return graph.Order(g)
}

// mapTask, mixTask and addTask are the task functions of the map, mix and
// add stages: a loop over the elements of their input partitions that
// makes a new partition.
func mapTask(ctx context.Context, deps []any) (any, error) {
	x, err := partitions(ctx, deps, 1)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(x[0]))
	for j, v := range x[0] {
		out[j] = mapValue(v)
	}
	return out, nil
}

func mixTask(ctx context.Context, deps []any) (any, error) { return combineTask(ctx, deps, mixValue) }

func addTask(ctx context.Context, deps []any) (any, error) { return combineTask(ctx, deps, addValue) }

// combineTask combines two partitions element by element with f.
func combineTask(ctx context.Context, deps []any, f func(a, b float64) float64) (any, error) {
	x, err := partitions(ctx, deps, 2)
	if err != nil {
		return nil, err
	}
	a, b := x[0], x[1][:len(x[0])]
	out := make([]float64, len(a))
	for j := range out {
		out[j] = f(a[j], b[j])
	}
	return out, nil
}

// partitions returns the n inputs of a task as partitions of equal length.
func partitions(ctx context.Context, deps []any, n int) ([][]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(deps) != n {
		return nil, fmt.Errorf("got %d inputs, want %d", len(deps), n)
	}
	out := make([][]float64, n)
	for k, d := range deps {
		x, ok := d.([]float64)
		if !ok || (k > 0 && len(x) != len(out[0])) {
			return nil, fmt.Errorf("input %d: got %T of length %d, want []float64 of the first input's length", k, d, len(x))
		}
		out[k] = x
	}
	return out, nil
}

// partValue is element j of partition i: uniform in [0, 1), from a hash,
// so that partitions are random (they do not compress) and any element can
// be computed alone.
func partValue(i, j int) float64 { return uniform(uint64(i)<<32 | uint64(j)) }

// mapValue, mixValue and addValue are the per-element work of the map,
// mix and add stages. The explicit conversion keeps the compiler from
// fusing a*b+a into one instruction (the Go spec allows it without one), so
// that the reference computes the same bits wherever it is inlined.
func mapValue(x float64) float64    { return math.Sqrt(x) + x }
func mixValue(a, b float64) float64 { return float64(a*b) + a - b }
func addValue(a, b float64) float64 { return a + b }

// uniform maps x to a float64 in [0, 1) through the splitmix64 finalizer.
func uniform(x uint64) float64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// sampleValue is one element of the expected output.
type sampleValue struct {
	at int
	v  float64
}

// spillGraphReference computes about 256 elements of the spill-graph
// output one at a time, element by element in the graph's order of
// additions, without the scheduler.
func spillGraphReference(sh graphShape) []sampleValue {
	var out []sampleValue
	step := max(sh.elems/256, 1)
	maps := make([]float64, sh.parts)
	level := make([]float64, sh.parts)
	for j := 0; j < sh.elems; j += step {
		at := j
		if j+step >= sh.elems {
			at = sh.elems - 1
		}
		for i := range maps {
			maps[i] = mapValue(partValue(i, at))
		}
		level = level[:sh.parts]
		for i := range level {
			level[i] = mixValue(maps[i], maps[(i+sh.parts/2)%sh.parts])
		}
		for len(level) > 1 {
			n := 0
			for k := 0; k < len(level); k += 2 {
				if k+1 == len(level) {
					level[n] = level[k]
				} else {
					level[n] = addValue(level[k], level[k+1])
				}
				n++
			}
			level = level[:n]
		}
		out = append(out, sampleValue{at: at, v: level[0]})
	}
	return out
}

// resetPeakRSS resets the kernel's record of the process's peak resident
// set (VmHWM) to the current one, by writing 5 to /proc/self/clear_refs
// (Linux 4.0 on); it reports whether that worked.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// peakRSS returns VmHWM from /proc/self/status in bytes, or 0 where it
// cannot be read.
func peakRSS() int64 { return procStatus()["VmHWM"] }

// procStatus returns the sizes in kB of /proc/self/status (VmHWM, RssAnon,
// RssFile, ...) in bytes; it is empty where the file cannot be read.
func procStatus() map[string]int64 {
	out := map[string]int64{}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 2 && f[1] == "kB" {
			if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				out[k] = kb << 10
			}
		}
	}
	return out
}

// memPeaks are the highest values of a run's memory figures, sampled.
type memPeaks struct {
	heap    int64 // runtime/metrics /memory/classes/heap/objects:bytes
	rssAnon int64 // RssAnon: the process's own memory (heap, stacks)
	rssFile int64 // RssFile: mapped files, such as badger's value log
}

// sampleMemory samples the bytes of live and unswept heap objects and the
// anonymous and file-backed resident set every 10 ms until the returned
// function is called, which returns the highest values seen.
func sampleMemory() (stop func() memPeaks) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func(p *memPeaks) {
		metrics.Read(s)
		if s[0].Value.Kind() == metrics.KindUint64 {
			p.heap = max(p.heap, int64(s[0].Value.Uint64()))
		}
		st := procStatus()
		p.rssAnon = max(p.rssAnon, st["RssAnon"])
		p.rssFile = max(p.rssFile, st["RssFile"])
	}
	done := make(chan struct{})
	peaks := make(chan memPeaks)
	go func() {
		var p memPeaks
		read(&p)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				read(&p)
			case <-done:
				read(&p)
				peaks <- p
				return
			}
		}
	}()
	return func() memPeaks {
		close(done)
		return <-peaks
	}
}
