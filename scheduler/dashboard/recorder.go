package dashboard

import (
	"sync"
	"time"

	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

const (
	// DefaultMaxTasks is the number of task records a Recorder keeps by
	// default, over all its runs.
	DefaultMaxTasks = 100_000
	// maxRuns is the number of runs a Recorder keeps; older finished runs
	// are dropped whole.
	maxRuns = 256
	// maxSamples is the number of memory samples kept per run; past it,
	// every other sample is dropped.
	maxSamples = 4096
)

// Recorder is a scheduler.Observer and scheduler.MemoryObserver that keeps
// what computations did: per run, the task stream (operation, worker, start,
// end, bytes, error), the tasks per operation done and in all, memory samples
// over time (resident, spilled, read back, limit) and the busy time of every
// worker.
//
// Its memory is bounded: it keeps at most DefaultMaxTasks task records (see
// SetMaxTasks) over all runs; older records are dropped, while the per
// operation counts and times and the workers' busy times keep summarising
// them. It keeps at most 4096 memory samples per run (thinning older ones)
// and the 256 most recent runs.
//
// Its methods are safe for concurrent use. The observer methods hold a
// mutex for a few hundred nanoseconds and never wait for anything else, so
// they never hold up the workers.
type Recorder struct {
	mu       sync.Mutex
	maxTasks int
	retained int // task records held, over all runs
	runs     []*run
	byID     map[uint64]*run
	dropped  int // runs dropped whole
}

// run is what a Recorder keeps of one computation.
type run struct {
	id       uint64
	start    time.Time
	end      time.Time // zero while it runs
	total    int       // tasks, -1 when unknown
	workers  int
	done     int
	failed   int
	steals   int64
	err      string
	ops      []*opStat
	opIndex  map[string]int
	busy     []time.Duration
	running  map[int]runningTask
	tasks    []taskRecord
	dropped  int // task records dropped from tasks
	samples  []memSample
	thinned  int // memory samples dropped by thinning
	final    memSample
	hasFinal bool
}

type opStat struct {
	op     string
	total  int
	done   int
	failed int
	time   time.Duration
	bytes  int64
}

type runningTask struct {
	op    int
	key   string
	start time.Time
}

type taskRecord struct {
	worker     int
	op         int
	key        string
	start, end time.Time
	bytes      int64
	err        string
}

type memSample struct {
	t time.Time
	spill.Stats
}

var (
	_ scheduler.Observer       = (*Recorder)(nil)
	_ scheduler.MemoryObserver = (*Recorder)(nil)
)

// NewRecorder returns an empty Recorder that keeps DefaultMaxTasks task
// records.
func NewRecorder() *Recorder {
	return &Recorder{maxTasks: DefaultMaxTasks, byID: make(map[uint64]*run)}
}

// SetMaxTasks sets the number of task records kept over all runs (n < 1
// means DefaultMaxTasks), dropping the oldest ones past it.
func (r *Recorder) SetMaxTasks(n int) {
	if n < 1 {
		n = DefaultMaxTasks
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.maxTasks = n
	r.trim()
}

// getRun returns the run with id, creating it for events of a run whose
// start was not seen. r.mu must be held.
func (r *Recorder) getRun(id uint64, start time.Time) *run {
	if ru := r.byID[id]; ru != nil {
		return ru
	}
	ru := &run{id: id, start: start, total: -1, opIndex: make(map[string]int), running: make(map[int]runningTask)}
	r.byID[id] = ru
	r.runs = append(r.runs, ru)
	if len(r.runs) > maxRuns {
		r.dropRun()
	}
	return ru
}

// dropRun drops the oldest finished run (or the oldest run, when none has
// finished). r.mu must be held.
func (r *Recorder) dropRun() {
	i := 0
	for j, ru := range r.runs {
		if !ru.end.IsZero() {
			i = j
			break
		}
	}
	ru := r.runs[i]
	r.retained -= len(ru.tasks)
	delete(r.byID, ru.id)
	r.runs = append(r.runs[:i], r.runs[i+1:]...)
	r.dropped++
}

// op returns the index of the operation name in ru.ops, adding it.
func (ru *run) op(name string) int {
	if i, ok := ru.opIndex[name]; ok {
		return i
	}
	ru.opIndex[name] = len(ru.ops)
	ru.ops = append(ru.ops, &opStat{op: name})
	return len(ru.ops) - 1
}

// RunStarted implements scheduler.Observer.
func (r *Recorder) RunStarted(info scheduler.RunInfo) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ru := r.getRun(info.Run, info.Start)
	ru.start = info.Start
	ru.total = info.Tasks
	ru.workers = info.Workers
	for _, o := range info.Ops {
		ru.ops[ru.op(o.Op)].total += o.Tasks
	}
}

// TaskStarted implements scheduler.Observer.
func (r *Recorder) TaskStarted(e scheduler.TaskEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ru := r.getRun(e.Run, e.Start)
	ru.running[e.Worker] = runningTask{op: ru.op(e.Op), key: e.Key.String(), start: e.Start}
}

// TaskFinished implements scheduler.Observer.
func (r *Recorder) TaskFinished(e scheduler.TaskEvent) {
	var msg string
	if e.Err != nil {
		msg = e.Err.Error()
	}
	key := e.Key.String()
	r.mu.Lock()
	defer r.mu.Unlock()
	ru := r.getRun(e.Run, e.Start)
	delete(ru.running, e.Worker)
	oi := ru.op(e.Op)
	o := ru.ops[oi]
	d := max(e.End.Sub(e.Start), 0)
	o.done++
	o.time += d
	o.bytes += e.Bytes
	ru.done++
	if msg != "" {
		o.failed++
		ru.failed++
	}
	if e.Worker >= 0 {
		for len(ru.busy) <= e.Worker {
			ru.busy = append(ru.busy, 0)
		}
		ru.busy[e.Worker] += d
	}
	ru.tasks = append(ru.tasks, taskRecord{worker: e.Worker, op: oi, key: key, start: e.Start, end: e.End, bytes: e.Bytes, err: msg})
	r.retained++
	if r.retained > r.maxTasks {
		r.trim()
	}
}

// trim drops the oldest task records until at most maxTasks are left, plus
// a tenth of maxTasks more so that trimming is rare. r.mu must be held.
func (r *Recorder) trim() {
	if r.retained <= r.maxTasks {
		return
	}
	target := r.maxTasks - r.maxTasks/10
	for _, ru := range r.runs {
		if r.retained <= target {
			return
		}
		n := min(len(ru.tasks), r.retained-target)
		clear(ru.tasks[:n]) // let the strings go
		ru.tasks = ru.tasks[n:]
		ru.dropped += n
		r.retained -= n
	}
}

// Memory implements scheduler.MemoryObserver.
func (r *Recorder) Memory(e scheduler.MemoryEvent) {
	s := memSample{t: e.Time, Stats: e.Stats}
	r.mu.Lock()
	defer r.mu.Unlock()
	ru := r.getRun(e.Run, e.Time)
	if len(ru.samples) >= maxSamples {
		// Keep every other sample, and always the newest.
		k := 0
		for i := 0; i < len(ru.samples); i += 2 {
			ru.samples[k] = ru.samples[i]
			k++
		}
		ru.thinned += len(ru.samples) - k
		ru.samples = ru.samples[:k]
	}
	ru.samples = append(ru.samples, s)
}

// RunFinished implements scheduler.Observer.
func (r *Recorder) RunFinished(s scheduler.RunSummary) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ru := r.getRun(s.Run, s.Start)
	ru.end = s.Start.Add(s.Duration)
	if s.Start.IsZero() {
		ru.end = time.Now()
	}
	ru.steals = s.Steals
	if s.Err != nil {
		ru.err = s.Err.Error()
	}
	for w := range s.TasksPerWorker {
		for len(ru.busy) <= w {
			ru.busy = append(ru.busy, 0)
		}
	}
	if ru.workers < len(s.TasksPerWorker) {
		ru.workers = len(s.TasksPerWorker)
	}
	clear(ru.running)
	m := s.Memory
	if m.Limit != 0 || m.Peak != 0 || m.SpilledTotal != 0 {
		ru.final = memSample{t: ru.end, Stats: m}
		ru.hasFinal = true
	}
}
