package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
)

// recordingObserver records every event, numbered in the order the
// observer received them.
type recordingObserver struct {
	mu       sync.Mutex
	seq      int
	starts   []scheduler.RunInfo
	started  []recordedEvent
	finished []recordedEvent
	finishes []scheduler.RunSummary
	endSeq   int // seq of the last RunFinished
}

type recordedEvent struct {
	seq int
	ev  scheduler.TaskEvent
}

func (o *recordingObserver) RunStarted(info scheduler.RunInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	o.starts = append(o.starts, info)
}

func (o *recordingObserver) TaskStarted(ev scheduler.TaskEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	o.started = append(o.started, recordedEvent{o.seq, ev})
}

func (o *recordingObserver) TaskFinished(ev scheduler.TaskEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	o.finished = append(o.finished, recordedEvent{o.seq, ev})
}

func (o *recordingObserver) RunFinished(s scheduler.RunSummary) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	o.endSeq = o.seq
	o.finishes = append(o.finishes, s)
}

// workersUsed returns the distinct workers of the TaskStarted events.
func (o *recordingObserver) workersUsed() map[int]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	used := map[int]int{}
	for _, e := range o.started {
		used[e.ev.Worker]++
	}
	return used
}

// unbalancedGraph is one root whose completion makes fan tasks ready at once
// on the root's worker, each sleeping for a while, and a sink of them all.
// The root sleeps too, so that the other workers have parked by then.
func unbalancedGraph(t *testing.T, fan int) *graph.Graph {
	b := graph.NewBuilder(fan + 2)
	root := b.Add(graph.Single("root"), func(context.Context, []any) (any, error) {
		time.Sleep(5 * time.Millisecond)
		return 0, nil
	}, graph.Hints{Op: "root"})
	leaves := make([]graph.ID, fan)
	for i := range leaves {
		leaves[i] = b.Add(graph.K("leaf", i), func(context.Context, []any) (any, error) {
			time.Sleep(2 * time.Millisecond)
			return i, nil
		}, graph.Hints{Op: "leaf"}, root)
	}
	b.Add(graph.Single("sum"), func(_ context.Context, in []any) (any, error) {
		s := 0
		for _, v := range in {
			s += v.(int)
		}
		return s, nil
	}, graph.Hints{Op: "sum"}, leaves...)
	return mustBuild(t, b)
}

// TestStealing: the tasks one root makes ready all start on its worker's
// deque; idle workers must steal them.
func TestStealing(t *testing.T) {
	obs := &recordingObserver{}
	s := scheduler.New(scheduler.Workers(4), scheduler.WithObserver(obs))
	out, err := s.Execute(context.Background(), unbalancedGraph(t, 64))
	if err != nil {
		t.Fatalf("Execute: got error %v, want nil", err)
	}
	if out[0] != 64*63/2 {
		t.Fatalf("sum: got %v, want %v", out[0], 64*63/2)
	}
	used := obs.workersUsed()
	if len(used) < 2 {
		t.Fatalf("workers that ran tasks: got %v, want more than one", used)
	}
	if len(obs.finishes) != 1 {
		t.Fatalf("RunFinished calls: got %d, want 1", len(obs.finishes))
	}
	if sum := obs.finishes[0]; sum.Steals <= 0 {
		t.Fatalf("RunSummary.Steals: got %d, want > 0 (tasks per worker %v)", sum.Steals, sum.TasksPerWorker)
	}
}

// TestStealingReachesEveryWorker: when one worker's deque fills, every
// parked worker is woken and gets a share, not only the first to wake.
// There are far more sleeping tasks than workers, so a worker left out
// could only be one that was never woken.
func TestStealingReachesEveryWorker(t *testing.T) {
	obs := &recordingObserver{}
	s := scheduler.New(scheduler.Workers(4), scheduler.WithObserver(obs))
	if _, err := s.Execute(context.Background(), unbalancedGraph(t, 64)); err != nil {
		t.Fatalf("Execute: got error %v, want nil", err)
	}
	if used := obs.workersUsed(); len(used) != 4 {
		t.Fatalf("tasks run per worker: got %v, want all 4 workers used", used)
	}
}

// sizedValue reports its size through scheduler.Sizer.
type sizedValue struct{ n int64 }

func (v sizedValue) SizeBytes() int64 { return v.n }

// observedGraph is a small graph of several operations: four reads (sized
// values), a map on each (size hint only), and a sum; read 2 fails when
// failing is set.
func observedGraph(t *testing.T, failing bool) *graph.Graph {
	b := graph.NewBuilder(9)
	var maps []graph.ID
	for i := range 4 {
		read := b.Add(graph.K("read", i), func(context.Context, []any) (any, error) {
			if failing && i == 2 {
				return nil, errTaskFailed
			}
			return sizedValue{int64(1000 + i)}, nil
		}, graph.Hints{Op: "read", Bytes: 5, ReadsInput: true})
		maps = append(maps, b.Add(graph.K("map", i), constFunc(i), graph.Hints{Op: "map", Bytes: 64}, read))
	}
	b.Add(graph.Single("sum"), constFunc(6), graph.Hints{Op: "sum"}, maps...)
	return mustBuild(t, b)
}

func TestObserverEvents(t *testing.T) {
	for _, failing := range []bool{false, true} {
		for _, m := range executionModes() {
			t.Run(fmt.Sprintf("%s/failing=%v", m.name, failing), func(t *testing.T) {
				obs := &recordingObserver{}
				s := scheduler.New(append(m.opts[:len(m.opts):len(m.opts)], scheduler.WithObserver(obs))...)
				g := observedGraph(t, failing)
				_, err := s.Execute(context.Background(), g)
				if failing != (err != nil) {
					t.Fatalf("Execute: got error %v, want failure %v", err, failing)
				}
				checkObserved(t, obs, g, s.Workers(), err)
			})
		}
	}
}

// checkObserved checks the events of one computation of g.
func checkObserved(t *testing.T, obs *recordingObserver, g *graph.Graph, maxWorkers int, runErr error) {
	t.Helper()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.starts) != 1 || len(obs.finishes) != 1 {
		t.Fatalf("RunStarted, RunFinished calls: got %d, %d, want 1, 1", len(obs.starts), len(obs.finishes))
	}
	info, sum := obs.starts[0], obs.finishes[0]
	if info.Tasks != g.Len() {
		t.Fatalf("RunInfo.Tasks: got %d, want %d", info.Tasks, g.Len())
	}
	if info.Workers < 1 || info.Workers > maxWorkers {
		t.Fatalf("RunInfo.Workers: got %d, want 1..%d", info.Workers, maxWorkers)
	}
	opCount := map[string]int{}
	for id := range g.Len() {
		opCount[g.Op(graph.ID(id))]++
	}
	gotOps := map[string]int{}
	for _, o := range info.Ops {
		gotOps[o.Op] += o.Tasks
	}
	if fmt.Sprint(gotOps) != fmt.Sprint(opCount) {
		t.Fatalf("RunInfo.Ops: got %v, want %v", gotOps, opCount)
	}
	if sum.Run != info.Run {
		t.Fatalf("RunSummary.Run: got %d, want %d (RunInfo.Run)", sum.Run, info.Run)
	}

	startSeq := map[graph.Key]int{}
	for _, e := range obs.started {
		if e.ev.Run != info.Run {
			t.Fatalf("TaskStarted(%s).Run: got %d, want %d", e.ev.Key, e.ev.Run, info.Run)
		}
		if _, dup := startSeq[e.ev.Key]; dup {
			t.Fatalf("TaskStarted for %s: got twice, want once", e.ev.Key)
		}
		startSeq[e.ev.Key] = e.seq
	}
	finishSeq := map[graph.Key]int{}
	failed := 0
	for _, e := range obs.finished {
		ev := e.ev
		id, ok := g.Lookup(ev.Key)
		if !ok {
			t.Fatalf("TaskFinished for %s: not a task of the graph", ev.Key)
		}
		if _, dup := finishSeq[ev.Key]; dup {
			t.Fatalf("TaskFinished for %s: got twice, want once", ev.Key)
		}
		finishSeq[ev.Key] = e.seq
		if s, ok := startSeq[ev.Key]; !ok || s > e.seq {
			t.Fatalf("TaskFinished for %s: got before its TaskStarted", ev.Key)
		}
		if ev.Op != g.Op(id) {
			t.Fatalf("TaskFinished(%s).Op: got %q, want %q", ev.Key, ev.Op, g.Op(id))
		}
		if ev.Worker < 0 || ev.Worker >= info.Workers {
			t.Fatalf("TaskFinished(%s).Worker: got %d, want 0..%d", ev.Key, ev.Worker, info.Workers-1)
		}
		if ev.Run != info.Run {
			t.Fatalf("TaskFinished(%s).Run: got %d, want %d", ev.Key, ev.Run, info.Run)
		}
		if ev.Start.IsZero() || ev.End.IsZero() || ev.End.Before(ev.Start) {
			t.Fatalf("TaskFinished(%s): got Start %v, End %v, want both set, End not before Start", ev.Key, ev.Start, ev.End)
		}
		if ev.Err != nil {
			failed++
			if !errors.Is(ev.Err, errTaskFailed) {
				t.Fatalf("TaskFinished(%s).Err: got %v, want errTaskFailed", ev.Key, ev.Err)
			}
			continue
		}
		wantBytes := g.Hints(id).Bytes
		if ev.Key.Name == "read" {
			wantBytes = int64(1000 + ev.Key.Index) // the value's SizeBytes
		}
		if ev.Bytes != wantBytes {
			t.Fatalf("TaskFinished(%s).Bytes: got %d, want %d", ev.Key, ev.Bytes, wantBytes)
		}
		for _, d := range g.Deps(id) {
			if fs, ok := finishSeq[g.Key(d)]; !ok || fs > startSeq[ev.Key] {
				t.Fatalf("task %s started before its dependency %s finished", ev.Key, g.Key(d))
			}
		}
	}
	for _, e := range obs.started {
		if _, ok := finishSeq[e.ev.Key]; !ok {
			t.Fatalf("task %s: got TaskStarted without TaskFinished", e.ev.Key)
		}
	}
	if obs.endSeq != obs.seq {
		t.Fatalf("RunFinished: got before the last task event, want after every event")
	}

	var perWorker int64
	for _, n := range sum.TasksPerWorker {
		perWorker += n
	}
	if len(sum.TasksPerWorker) != info.Workers {
		t.Fatalf("len(RunSummary.TasksPerWorker): got %d, want %d (RunInfo.Workers)", len(sum.TasksPerWorker), info.Workers)
	}
	if perWorker != int64(sum.Tasks) {
		t.Fatalf("sum of TasksPerWorker %v: got %d, want %d (RunSummary.Tasks)", sum.TasksPerWorker, perWorker, sum.Tasks)
	}
	if sum.Tasks != len(obs.finished)-failed {
		t.Fatalf("RunSummary.Tasks: got %d, want %d (tasks finished without error)", sum.Tasks, len(obs.finished)-failed)
	}
	if sum.Steals < 0 {
		t.Fatalf("RunSummary.Steals: got %d, want >= 0", sum.Steals)
	}
	if runErr == nil {
		if len(obs.started) != g.Len() || sum.Tasks != g.Len() || failed != 0 {
			t.Fatalf("tasks started, completed, failed: got %d, %d, %d, want %d, %d, 0", len(obs.started), sum.Tasks, failed, g.Len(), g.Len())
		}
		if sum.Err != nil {
			t.Fatalf("RunSummary.Err: got %v, want nil", sum.Err)
		}
		return
	}
	if failed != 1 {
		t.Fatalf("TaskFinished events with an error: got %d, want 1", failed)
	}
	if sum.Err == nil || sum.Err.Error() != runErr.Error() || !errors.Is(sum.Err, errTaskFailed) {
		t.Fatalf("RunSummary.Err: got %v, want the error Execute returned (%v)", sum.Err, runErr)
	}
}

// TestObserverRandomDAGs checks the observer's events, and so that every
// task starts after its dependencies finished, over random graphs in every
// mode.
func TestObserverRandomDAGs(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			for seed := range uint64(randomGraphsPerMode / 4) {
				spec := randomDAG(newRand(seed, 0x0b5))
				for _, p := range graphPasses() {
					obs := &recordingObserver{}
					s := scheduler.New(append(m.opts[:len(m.opts):len(m.opts)], scheduler.WithObserver(obs))...)
					g, err := p.apply(spec.build(t, newValueRegistry(len(spec.tasks)), nil))
					if err != nil {
						t.Fatalf("seed %d, %s: got error %v, want nil", seed, p.name, err)
					}
					out, err := s.Execute(context.Background(), g)
					if err != nil {
						t.Fatalf("seed %d, %s: Execute: got error %v, want nil", seed, p.name, err)
					}
					releaseAll(out)
					checkObservedOrder(t, fmt.Sprintf("seed %d, %s", seed, p.name), obs, g, s.Workers())
				}
			}
		})
	}
}

// checkObservedOrder checks that every task of g started and finished once,
// on a worker in range, after all of its dependencies had finished.
func checkObservedOrder(t *testing.T, where string, obs *recordingObserver, g *graph.Graph, maxWorkers int) {
	t.Helper()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.starts) != 1 || len(obs.finishes) != 1 {
		t.Fatalf("%s: RunStarted, RunFinished calls: got %d, %d, want 1, 1", where, len(obs.starts), len(obs.finishes))
	}
	if len(obs.started) != g.Len() || len(obs.finished) != g.Len() {
		t.Fatalf("%s: TaskStarted, TaskFinished events: got %d, %d, want %d each", where, len(obs.started), len(obs.finished), g.Len())
	}
	start := make([]int, g.Len())
	finish := make([]int, g.Len())
	for _, e := range obs.started {
		id, ok := g.Lookup(e.ev.Key)
		if !ok || start[id] != 0 {
			t.Fatalf("%s: TaskStarted for %s: unknown or repeated", where, e.ev.Key)
		}
		if e.ev.Worker < 0 || e.ev.Worker >= maxWorkers || e.ev.Op != g.Op(id) {
			t.Fatalf("%s: TaskStarted(%s): got worker %d, op %q, want 0..%d, %q", where, e.ev.Key, e.ev.Worker, e.ev.Op, maxWorkers-1, g.Op(id))
		}
		start[id] = e.seq
	}
	for _, e := range obs.finished {
		id, _ := g.Lookup(e.ev.Key)
		finish[id] = e.seq
	}
	for id := range g.Len() {
		for _, d := range g.Deps(graph.ID(id)) {
			if finish[d] == 0 || finish[d] > start[id] {
				t.Fatalf("%s: task %s started before its dependency %s finished", where, g.Key(graph.ID(id)), g.Key(d))
			}
		}
	}
	var perWorker int64
	for _, n := range obs.finishes[0].TasksPerWorker {
		perWorker += n
	}
	if perWorker != int64(g.Len()) {
		t.Fatalf("%s: sum of TasksPerWorker %v: got %d, want %d", where, obs.finishes[0].TasksPerWorker, perWorker, g.Len())
	}
}

// releaseAll releases the values that have a Release method, as the owner
// of a computation's outputs does; each distinct value once.
func releaseAll(out []any) {
	seen := map[any]bool{}
	for _, v := range out {
		if r, ok := v.(interface{ Release() }); ok && !seen[v] {
			seen[v] = true
			r.Release()
		}
	}
}
