package spill_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/internal/spilltest"
	"github.com/dusk-go/dusk/spill"
)

// simTask is one task of a simulated computation: it reads the values of
// its inputs (earlier tasks) and produces a []float64 or an arrow.Record
// whose contents depend on them, so that a wrong read-back changes every
// value downstream.
type simTask struct {
	inputs    []int
	record    bool // the value is an arrow.Record, else a []float64
	n         int  // elements
	consumers int  // tasks that read the value; 0: an output
}

// simGraph returns a random computation of n tasks.
func simGraph(rng *rand.Rand, n int) []simTask {
	tasks := make([]simTask, n)
	for i := range tasks {
		tk := &tasks[i]
		tk.record = rng.IntN(2) == 0
		tk.n = 40 + rng.IntN(360)
		if i < 6 || rng.IntN(4) == 0 {
			continue // a producer
		}
		for range 1 + rng.IntN(3) {
			in := max(0, i-25) + rng.IntN(min(i, 25))
			dup := false
			for _, x := range tk.inputs {
				dup = dup || x == in
			}
			if !dup {
				tk.inputs = append(tk.inputs, in)
				tasks[in].consumers++
			}
		}
	}
	return tasks
}

// simData returns the float data of task i given its inputs' float data:
// the reference computation.
func simData(i int, t simTask, inputs [][]float64) []float64 {
	var digest float64
	for _, in := range inputs {
		for _, x := range in {
			digest += x
		}
	}
	digest = math.Mod(digest, 1000)
	out := make([]float64, t.n)
	for j := range out {
		out[j] = float64((i*7919+j*31)%1000)/8 + digest
	}
	if i%13 == 0 && t.n > 3 {
		out[1], out[2] = math.NaN(), math.Inf(-1) // odd values travel too
	}
	return out
}

var simSchema = arrow.NewSchema([]arrow.Field{
	{Name: "x", Type: arrow.PrimitiveTypes.Float64},
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// simRecord returns task i's value as a record over data (owned).
func simRecord(mem memory.Allocator, i int, data []float64) arrow.Record {
	b := array.NewRecordBuilder(mem, simSchema)
	defer b.Release()
	xb := b.Field(0).(*array.Float64Builder)
	kb := b.Field(1).(*array.Int64Builder)
	sb := b.Field(2).(*array.StringBuilder)
	for j, x := range data {
		xb.Append(x)
		if (i+j)%5 == 0 {
			kb.AppendNull()
			sb.AppendNull()
		} else {
			kb.Append(int64(i*j) - 7)
			sb.Append(fmt.Sprint(i, ":", j))
		}
	}
	return b.NewRecord()
}

// simValue returns task i's value over data: a copy of data, or a record.
func simValue(mem memory.Allocator, i int, t simTask, data []float64) any {
	if t.record {
		return simRecord(mem, i, data)
	}
	return append([]float64(nil), data...)
}

// valueData returns the float data of a value (borrowed from it).
func valueData(v any) []float64 {
	if r, ok := v.(arrow.Record); ok {
		return r.Column(0).(*array.Float64).Float64Values()
	}
	return v.([]float64)
}

// checkValue compares v with task i's reference data.
func checkValue(mem memory.Allocator, i int, t simTask, v any, want []float64) error {
	if !t.record {
		if !rawEqual(v, want) {
			return fmt.Errorf("value of task %d: got a []float64 that differs from the reference", i)
		}
		return nil
	}
	rec, ok := v.(arrow.Record)
	if !ok {
		return fmt.Errorf("value of task %d: got %T, want arrow.Record", i, v)
	}
	w := simRecord(mem, i, want)
	defer w.Release()
	// The float column is compared by bits (it holds NaNs), the others
	// with Arrow's equality.
	if !rec.Schema().Equal(w.Schema()) || rec.NumRows() != w.NumRows() ||
		!rawEqual(valueData(rec), want) ||
		!array.Equal(rec.Column(1), w.Column(1)) || !array.Equal(rec.Column(2), w.Column(2)) {
		return fmt.Errorf("value of task %d: got a record that differs from the reference", i)
	}
	return nil
}

type simMode struct {
	name     string
	badger   bool
	comp     spill.Compression
	spillAt  float64
	estimate bool // Begin is told each result's size
	workers  int
	limit    int64 // the limit in largest values; 0 means 6
}

func TestManagerDifferential(t *testing.T) {
	modes := []simMode{
		{name: "mem", comp: spill.NoCompression, estimate: true, workers: 4},
		{name: "mem-zstd-noestimate", comp: spill.ZSTD, spillAt: 0.05, workers: 4},
		{name: "mem-serial", comp: spill.NoCompression, spillAt: 0.05, estimate: true, workers: 1},
		{name: "badger-lz4", badger: true, comp: spill.LZ4, estimate: true, workers: 4},
		{name: "badger-noestimate", badger: true, comp: spill.NoCompression, workers: 3},
		{name: "mem-tight-8", comp: spill.NoCompression, workers: 8, limit: 4},
		{name: "mem-tight-8-estimate", comp: spill.NoCompression, workers: 8, limit: 4, estimate: true},
	}
	seeds := []uint64{1, 2}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, mode := range modes {
		for _, seed := range seeds {
			t.Run(fmt.Sprintf("%s/seed%d", mode.name, seed), func(t *testing.T) {
				runSim(t, mode, seed)
			})
		}
	}
}

func runSim(t *testing.T, mode simMode, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 99))
	tasks := simGraph(rng, 160)

	// The reference: a plain single-threaded run.
	ref := make([][]float64, len(tasks))
	var largest int64
	refAlloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer refAlloc.AssertSize(t, 0)
	for i, tk := range tasks {
		ins := make([][]float64, len(tk.inputs))
		for k, in := range tk.inputs {
			ins[k] = ref[in]
		}
		ref[i] = simData(i, tk, ins)
		v := simValue(refAlloc, i, tk, ref[i])
		largest = max(largest, spill.SizeOf(v))
		releaseAny(v)
	}

	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	limit := 6 * largest // the values total about 10 times the limit
	if mode.limit > 0 {
		limit = mode.limit * largest
	}
	dir := t.TempDir()
	var mem *spill.MemStore
	cfg := spill.Config{
		Limit:       limit,
		SpillAt:     mode.spillAt,
		Compression: mode.comp,
		Allocator:   alloc,
		PieceSize:   1 << 10,
	}
	if mode.badger {
		cfg.Store = func() (spill.Store, error) { return spill.OpenBadger(dir) }
	} else {
		mem = spill.NewMemStore()
		cfg.Store = func() (spill.Store, error) { return mem, nil }
	}
	m := newManager(t, cfg)

	// The run: workers take ready tasks in random order.
	var (
		mu        sync.Mutex
		entries   = make([]*spill.Entry, len(tasks))
		left      = make([]int, len(tasks)) // consumers still to run
		waiting   = make([]int, len(tasks)) // inputs not yet produced
		readers   = make([][]int, len(tasks))
		ready     []int
		done      int
		failed    bool
		wake      = sync.NewCond(&mu)
		firstErr  error
		outputs   []int
		totalSize int64
	)
	for i, tk := range tasks {
		left[i] = tk.consumers
		waiting[i] = len(tk.inputs)
		for _, in := range tk.inputs {
			readers[in] = append(readers[in], i)
		}
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
		if tk.consumers == 0 {
			outputs = append(outputs, i)
		}
	}
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		failed = true
		wake.Broadcast()
		mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangTimeout)
	defer cancel()

	run := func(w int, tk *spill.Ticket, i int) error {
		task := tasks[i]
		ins := make([]*spill.Entry, len(task.inputs))
		mu.Lock()
		for k, in := range task.inputs {
			ins[k] = entries[in]
		}
		mu.Unlock()
		var estimate int64
		if mode.estimate {
			v := simValue(refAlloc, i, task, ref[i])
			estimate = spill.SizeOf(v)
			releaseAny(v)
		}
		if err := m.Begin(ctx, tk, ins, len(ins) == 0, estimate); err != nil {
			return fmt.Errorf("task %d: Begin: %w", i, err)
		}
		data := make([][]float64, len(ins))
		for k, e := range ins {
			v, err := m.Load(ctx, tk, e)
			if err != nil {
				m.Finish(tk)
				return fmt.Errorf("task %d: Load(input %d): %w", i, task.inputs[k], err)
			}
			if err := checkValue(refAlloc, task.inputs[k], tasks[task.inputs[k]], v, ref[task.inputs[k]]); err != nil {
				m.Finish(tk)
				return fmt.Errorf("task %d read back: %w", i, err)
			}
			data[k] = valueData(v) // borrowed until Finish
		}
		// Computed from what was loaded: a bad read-back spreads.
		v := simValue(alloc, i, task, simData(i, task, data))
		size := spill.SizeOf(v)
		e, err := m.Put(label(fmt.Sprint("task-", i)), v, size)
		m.Finish(tk)
		if err != nil {
			return fmt.Errorf("task %d: Put: %w", i, err)
		}
		var release []*spill.Entry
		mu.Lock()
		entries[i] = e
		totalSize += size
		for _, in := range task.inputs {
			if left[in]--; left[in] == 0 {
				release = append(release, entries[in])
				entries[in] = nil
			}
		}
		for _, r := range readers[i] {
			if waiting[r]--; waiting[r] == 0 {
				ready = append(ready, r)
			}
		}
		done++
		wake.Broadcast()
		mu.Unlock()
		for _, e := range release {
			m.Release(e)
		}
		return nil
	}

	var wg sync.WaitGroup
	for w := range mode.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var tk spill.Ticket // reused for all the worker's tasks
			for {
				mu.Lock()
				for len(ready) == 0 && done < len(tasks) && !failed {
					wake.Wait()
				}
				if done == len(tasks) || failed {
					mu.Unlock()
					return
				}
				k := rng.IntN(len(ready))
				i := ready[k]
				ready[k] = ready[len(ready)-1]
				ready = ready[:len(ready)-1]
				mu.Unlock()
				if err := run(w, &tk, i); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		if errors.Is(firstErr, context.DeadlineExceeded) {
			t.Fatalf("the run hung: %v", firstErr)
		}
		t.Fatal(firstErr)
	}

	// The outputs, taken in random order.
	rng.Shuffle(len(outputs), func(a, b int) { outputs[a], outputs[b] = outputs[b], outputs[a] })
	for _, i := range outputs {
		v, err := m.Take(ctx, entries[i])
		if err != nil {
			t.Fatalf("Take(task %d): %v", i, err)
		}
		if err := checkValue(refAlloc, i, tasks[i], v, ref[i]); err != nil {
			t.Error(err)
		}
		releaseAny(v)
	}

	// A value released while it was being written leaves memory when the
	// write ends.
	waitFor(t, "the writes of released values to end", func() bool { return m.Stats().Resident == 0 })
	s := m.Stats()
	t.Logf("%d tasks, %d bytes in all, limit %d, largest %d: peak %d, spills %d, read-backs %d, waits %d, written %d",
		len(tasks), totalSize, limit, largest, s.Peak, s.Spills, s.ReadBacks, s.Waits, s.WrittenBytes)
	if s.Spills == 0 || s.ReadBacks == 0 {
		t.Errorf("spills %d, read-backs %d: want both > 0", s.Spills, s.ReadBacks)
	}
	if s.Peak > limit+largest {
		t.Errorf("peak: got %d bytes, want at most the limit %d plus the largest value %d", s.Peak, limit, largest)
	}
	if s.Resident != 0 || s.Spilled != 0 || s.Reserved != 0 {
		t.Errorf("after every value was released or taken: resident %d, spilled %d, reserved %d, want 0, 0, 0",
			s.Resident, s.Spilled, s.Reserved)
	}
	if mem != nil {
		waitFor(t, "the store to be emptied", func() bool { return mem.Len() == 0 })
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	spilltest.AssertEmptyDir(t, dir)
}
