package dashboard

import (
	"slices"
	"time"
)

// liveTasks is the number of most recent task records per run that
// /api/state returns; reports hold every record kept.
const liveTasks = 20_000

// state is the JSON document that /api/state serves and that reports
// inline. Times are milliseconds: absolute ones since the Unix epoch, those
// of tasks and memory samples since the start of their run.
type state struct {
	Live        bool       `json:"live"`
	Now         float64    `json:"now"`
	DroppedRuns int        `json:"dropped_runs"`
	Runs        []runState `json:"runs"`
}

type runState struct {
	Run      uint64    `json:"run"`
	Start    float64   `json:"start"`
	Duration float64   `json:"duration_ms"` // so far, while it runs
	Finished bool      `json:"finished"`
	Err      string    `json:"error,omitempty"`
	Workers  int       `json:"workers"`
	Tasks    int       `json:"tasks"` // -1 when not known in advance
	Done     int       `json:"done"`
	Failed   int       `json:"failed"`
	Steals   int64     `json:"steals"`
	Ops      []opState `json:"ops"`
	// Busy is every worker's summed task time.
	Busy    []float64   `json:"busy_ms"`
	Running []taskState `json:"running"`
	// Stream holds the task records kept; DroppedTasks counts the older
	// ones that only the per operation figures summarise.
	Stream         []taskState `json:"stream"`
	DroppedTasks   int         `json:"dropped_tasks"`
	Memory         []memState  `json:"memory"`
	ThinnedSamples int         `json:"thinned_samples"`
	Final          *memState   `json:"final_memory,omitempty"`
}

type opState struct {
	Op     string  `json:"op"`
	Total  int     `json:"total"`
	Done   int     `json:"done"`
	Failed int     `json:"failed"`
	Time   float64 `json:"time_ms"`
	Bytes  int64   `json:"bytes"`
}

// taskState is one task: worker, index of its operation in the run's ops,
// key, start and end (end is -1 while it runs), result bytes and error.
type taskState struct {
	W   int     `json:"w"`
	O   int     `json:"o"`
	K   string  `json:"k"`
	S   float64 `json:"s"`
	E   float64 `json:"e"`
	B   int64   `json:"b,omitempty"`
	Err string  `json:"err,omitempty"`
}

type memState struct {
	T            float64 `json:"t"`
	Limit        int64   `json:"limit"`
	Resident     int64   `json:"resident"`
	Peak         int64   `json:"peak"`
	Reserved     int64   `json:"reserved"`
	Spilled      int64   `json:"spilled"`
	SpilledTotal int64   `json:"spilled_total"`
	ReadBack     int64   `json:"read_back"`
	Spills       int64   `json:"spills"`
	ReadBacks    int64   `json:"read_backs"`
	Waits        int64   `json:"waits"`
	Written      int64   `json:"written"`
}

// runCopy is a run copied under the lock, converted to runState outside.
type runCopy struct {
	run
	ops      []opStat
	running  []runningTask
	runningW []int
}

// snapshot returns the recorder's state with at most perRun task records
// per run (the newest; perRun < 0 means all).
func (r *Recorder) snapshot(perRun int, live bool) state {
	now := time.Now()
	r.mu.Lock()
	copies := make([]runCopy, len(r.runs))
	for i, ru := range r.runs {
		c := &copies[i]
		c.run = *ru
		tasks := ru.tasks
		if perRun >= 0 && len(tasks) > perRun {
			c.run.dropped += len(tasks) - perRun
			tasks = tasks[len(tasks)-perRun:]
		}
		c.tasks = slices.Clone(tasks)
		c.samples = slices.Clone(ru.samples)
		c.busy = slices.Clone(ru.busy)
		for _, o := range ru.ops {
			c.ops = append(c.ops, *o)
		}
		for w, t := range ru.running {
			c.runningW = append(c.runningW, w)
			c.running = append(c.running, t)
		}
	}
	st := state{Live: live, Now: unixMS(now), DroppedRuns: r.dropped}
	r.mu.Unlock()

	st.Runs = make([]runState, len(copies))
	for i := range copies {
		st.Runs[i] = copies[i].state(now)
	}
	return st
}

func unixMS(t time.Time) float64 { return float64(t.UnixMicro()) / 1000 }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (c *runCopy) state(now time.Time) runState {
	end := c.end
	if end.IsZero() {
		end = now
	}
	rs := runState{
		Run: c.id, Start: unixMS(c.start), Duration: ms(end.Sub(c.start)), Finished: !c.end.IsZero(),
		Err: c.err, Workers: c.workers, Tasks: c.total, Done: c.done, Failed: c.failed, Steals: c.steals,
		Ops: make([]opState, len(c.ops)), Busy: make([]float64, len(c.busy)),
		Running: make([]taskState, len(c.running)), Stream: make([]taskState, len(c.tasks)),
		DroppedTasks: c.dropped, Memory: make([]memState, len(c.samples)), ThinnedSamples: c.thinned,
	}
	if n := len(c.busy); n > rs.Workers {
		rs.Workers = n
	}
	for i, o := range c.ops {
		rs.Ops[i] = opState{Op: o.op, Total: o.total, Done: o.done, Failed: o.failed, Time: ms(o.time), Bytes: o.bytes}
	}
	for i, b := range c.busy {
		rs.Busy[i] = ms(b)
	}
	for i, t := range c.running {
		w := c.runningW[i]
		rs.Running[i] = taskState{W: w, O: t.op, K: t.key, S: ms(t.start.Sub(c.start)), E: -1}
		if w+1 > rs.Workers {
			rs.Workers = w + 1
		}
		// A running task counts as busy up to now.
		for len(rs.Busy) <= w {
			rs.Busy = append(rs.Busy, 0)
		}
		rs.Busy[w] += ms(max(now.Sub(t.start), 0))
	}
	slices.SortFunc(rs.Running, func(a, b taskState) int { return a.W - b.W })
	for i, t := range c.tasks {
		rs.Stream[i] = taskState{W: t.worker, O: t.op, K: t.key, S: ms(t.start.Sub(c.start)), E: ms(t.end.Sub(c.start)), B: t.bytes, Err: t.err}
	}
	for i, s := range c.samples {
		rs.Memory[i] = s.state(c.start)
	}
	if c.hasFinal {
		f := c.final.state(c.start)
		rs.Final = &f
	}
	return rs
}

func (s memSample) state(start time.Time) memState {
	return memState{T: ms(s.t.Sub(start)), Limit: s.Limit, Resident: s.Resident, Peak: s.Peak,
		Reserved: s.Reserved, Spilled: s.Spilled, SpilledTotal: s.SpilledTotal, ReadBack: s.ReadBackTotal,
		Spills: s.Spills, ReadBacks: s.ReadBacks, Waits: s.Waits, Written: s.WrittenBytes}
}
