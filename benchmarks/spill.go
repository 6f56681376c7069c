package main

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

func spillSuite() suite {
	return suite{
		name: "spill",
		doc:  "spill store throughput against plain files, and a computation over 4x the memory limit",
		cases: []benchCase{
			{
				name: "store",
				doc: "16 Arrow records of 64 MiB (random float64 + row-id int64) through a spill.Manager and its badger store " +
					"(encode, 16 MiB pieces, CRC, Put; Take: Get, CRC, decode), vs. the same bytes as plain files; best of 2",
				run: storeThroughput(spill.NoCompression),
			},
			{
				name: "store-lz4",
				doc:  "the same with LZ4 body compression of the records",
				run:  storeThroughput(spill.LZ4),
			},
			{
				name: "spill-graph",
				doc: "32 partitions of 32 MiB, map, all-pairs mix, pairwise-add tree (8x the data of a 256 MiB limit) " +
					"with the limit vs. without; best of 2",
				run: spillGraph,
			},
		},
	}
}

// spillDirOf returns the directory the spill suite writes in: -spill-dir,
// else $DUSK_SPILL_DIR, else the system's temporary directory.
func spillDirOf(o options) string {
	if o.spillDir != "" {
		return o.spillDir
	}
	if d := os.Getenv(spill.EnvSpillDir); d != "" {
		return d
	}
	return os.TempDir()
}

// ---- store, store-lz4 ----

// storeRows is the number of rows of each record of the store cases: a
// float64 and an int64 column, 16 bytes a row, 64 MiB a record.
const (
	storeRows        = 4 << 20
	storeRecordBytes = storeRows * 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// storeSample is one repetition of a store case. Seconds are wall time for
// all records in one direction.
type storeSample struct {
	write, read       time.Duration // through the manager and badger
	rawWrite, rawRead time.Duration // plain files
	written           int64         // encoded bytes the manager wrote
	putTime, delTime  time.Duration // summed over goroutines, inside the store
	getTime           time.Duration
}

// storeThroughput returns the case that moves records out to the spill
// store and back through a spill.Manager, the path a computation takes, and
// the same bytes through plain files in the same directory.
//
// The manager path is driven whole: records are Put into a Manager whose
// spill threshold is almost zero, so that its I/O goroutines encode each
// one (Arrow IPC, with the compression asked for) into pieces of
// spill.DefaultPieceSize, checksum them and put them into the badger store;
// the write time ends when the manager reports the last record spilled.
// Reading is Take from as many goroutines as the manager has I/O
// goroutines: Get of each piece, copy, checksum, decode. The store is opened
// before the clock starts, and the records are generated before it.
//
// The plain-file path writes each record's two column buffers to a file of
// its own (os.Create, Write, Close; no fsync, as badger runs with
// SyncWrites off) and reads it back with os.ReadFile, from the same number
// of goroutines. Both paths read from the page cache (dropping it needs
// root), so the comparison is fair but faster than a cold disk. The float64
// column is random and does not compress; the int64 column (row ids) does,
// somewhat.
func storeThroughput(comp spill.Compression) func(context.Context, options, func(result) error) error {
	return func(ctx context.Context, o options, emit func(result) error) error {
		records, reps := 16, 2
		if o.quick {
			records, reps = 4, 1
		}
		dir := spillDirOf(o)
		streams := spill.DefaultIOWorkers

		samples := make([]storeSample, reps)
		for rep := range samples {
			runtime.GC()
			sm, err := storeOnce(ctx, dir, comp, records, streams, uint64(rep), rep%2 == 1)
			if err != nil {
				return err
			}
			samples[rep] = sm
		}

		// Each direction of each path: the best repetition.
		best := samples[0]
		bw, br := 0, 0
		for i, sm := range samples {
			if sm.write < samples[bw].write {
				bw = i
			}
			if sm.read < samples[br].read {
				br = i
			}
			best.rawWrite = min(best.rawWrite, sm.rawWrite)
			best.rawRead = min(best.rawRead, sm.rawRead)
		}
		total := float64(records) * storeRecordBytes
		gbps := func(d time.Duration) float64 { return total / d.Seconds() / 1e9 }
		write, read := gbps(samples[bw].write), gbps(samples[br].read)
		rawWrite, rawRead := gbps(best.rawWrite), gbps(best.rawRead)
		return emitAll(emit,
			result{Metric: "records", Value: float64(records), Unit: "records"},
			result{Metric: "record_bytes", Value: storeRecordBytes, Unit: "B"},
			result{Metric: "streams", Value: float64(streams), Unit: "goroutines"},
			result{Metric: "write_gbps", Value: write, Unit: "GB/s"},
			result{Metric: "raw_write_gbps", Value: rawWrite, Unit: "GB/s"},
			result{Metric: "write_ratio", Value: write / rawWrite, Unit: "ratio", Target: "≥ 0.7"},
			result{Metric: "read_gbps", Value: read, Unit: "GB/s"},
			result{Metric: "raw_read_gbps", Value: rawRead, Unit: "GB/s"},
			result{Metric: "read_ratio", Value: read / rawRead, Unit: "ratio", Target: "≥ 0.7"},
			result{Metric: "encoded_ratio", Value: float64(samples[bw].written) / total, Unit: "ratio"},
			result{Metric: "store_put_seconds", Value: samples[bw].putTime.Seconds(), Unit: "s"},
			result{Metric: "store_get_seconds", Value: samples[br].getTime.Seconds(), Unit: "s"},
			result{Metric: "store_delete_seconds", Value: samples[br].delTime.Seconds(), Unit: "s"},
		)
	}
}

// storeData is the data of one record of the store cases: its columns as
// Go slices (the plain-file path writes their bytes) and the CRC-32C of
// those bytes, which every read-back must match.
type storeData struct {
	floats []float64
	ints   []int64
	crc    uint32
}

func newStoreData(seed uint64, rec int) storeData {
	d := storeData{floats: make([]float64, storeRows), ints: make([]int64, storeRows)}
	base := seed<<56 ^ uint64(rec)<<32
	for j := range d.floats {
		d.floats[j] = uniform(base | uint64(j))
		d.ints[j] = int64(rec*storeRows + j)
	}
	d.crc = crc32.Update(crc32.Checksum(arrow.Float64Traits.CastToBytes(d.floats), castagnoli),
		castagnoli, arrow.Int64Traits.CastToBytes(d.ints))
	return d
}

var storeSchema = arrow.NewSchema([]arrow.Field{
	{Name: "x", Type: arrow.PrimitiveTypes.Float64},
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
}, nil)

// record returns a record over d's slices, without validity bitmaps (no
// nulls): spill.SizeOf counts exactly storeRecordBytes. The caller owns it.
func (d storeData) record() arrow.Record {
	fd := array.NewData(arrow.PrimitiveTypes.Float64, storeRows,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(d.floats))}, nil, 0, 0)
	id := array.NewData(arrow.PrimitiveTypes.Int64, storeRows,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(d.ints))}, nil, 0, 0)
	fa, ia := array.NewFloat64Data(fd), array.NewInt64Data(id)
	fd.Release()
	id.Release()
	rec := array.NewRecord(storeSchema, []arrow.Array{fa, ia}, storeRows)
	fa.Release()
	ia.Release()
	return rec
}

// checkRecord reports whether rec holds the data whose checksum is want.
func checkRecord(v any, want uint32) error {
	rec, ok := v.(arrow.Record)
	if !ok {
		return fmt.Errorf("read back a %T, want an arrow.Record", v)
	}
	if rec.NumCols() != 2 || rec.NumRows() != storeRows {
		return fmt.Errorf("read back a record of %d columns and %d rows, want 2 and %d", rec.NumCols(), rec.NumRows(), storeRows)
	}
	fa, ok1 := rec.Column(0).(*array.Float64)
	ia, ok2 := rec.Column(1).(*array.Int64)
	if !ok1 || !ok2 {
		return fmt.Errorf("read back columns %s, %s; want float64, int64", rec.Column(0).DataType(), rec.Column(1).DataType())
	}
	got := crc32.Update(crc32.Checksum(arrow.Float64Traits.CastToBytes(fa.Float64Values()), castagnoli),
		castagnoli, arrow.Int64Traits.CastToBytes(ia.Int64Values()))
	if got != want {
		return fmt.Errorf("read back data with checksum %08x, want %08x", got, want)
	}
	return nil
}

// timedStore adds up the time spent in the calls of the store it wraps.
type timedStore struct {
	spill.Store
	put, get, del atomic.Int64 // nanoseconds
}

func (s *timedStore) Put(key, value []byte) error {
	t0 := time.Now()
	err := s.Store.Put(key, value)
	s.put.Add(int64(time.Since(t0)))
	return err
}

func (s *timedStore) Get(key []byte, fn func([]byte) error) error {
	t0 := time.Now()
	err := s.Store.Get(key, fn)
	s.get.Add(int64(time.Since(t0)))
	return err
}

func (s *timedStore) Delete(keys ...[]byte) error {
	t0 := time.Now()
	err := s.Store.Delete(keys...)
	s.del.Add(int64(time.Since(t0)))
	return err
}

// storeOnce is one repetition of a store case: both paths, in each
// direction, rawLast choosing which path writes first (the other reads
// first), so that repetitions alternate who meets a busier disk.
func storeOnce(ctx context.Context, dir string, comp spill.Compression, records, streams int, seed uint64, rawLast bool) (storeSample, error) {
	var sm storeSample
	data := make([]storeData, records)
	for i := range data {
		data[i] = newStoreData(seed, i)
	}
	rawDir, err := os.MkdirTemp(dir, "dusk-bench-raw-")
	if err != nil {
		return sm, err
	}
	defer os.RemoveAll(rawDir)
	rawPath := func(i int) string { return filepath.Join(rawDir, "record-"+strconv.Itoa(i)) }

	rawWrite := func() error {
		t0 := time.Now()
		err := forEach(ctx, records, streams, func(i int) error {
			f, err := os.Create(rawPath(i))
			if err != nil {
				return err
			}
			_, err = f.Write(arrow.Float64Traits.CastToBytes(data[i].floats))
			if err == nil {
				_, err = f.Write(arrow.Int64Traits.CastToBytes(data[i].ints))
			}
			return errors.Join(err, f.Close())
		})
		sm.rawWrite = time.Since(t0)
		return err
	}
	rawRead := func() error {
		got := make([][]byte, records)
		t0 := time.Now()
		err := forEach(ctx, records, streams, func(i int) error {
			b, err := os.ReadFile(rawPath(i))
			got[i] = b
			return err
		})
		sm.rawRead = time.Since(t0)
		if err != nil {
			return err
		}
		for i, b := range got {
			if c := crc32.Checksum(b, castagnoli); c != data[i].crc {
				return fmt.Errorf("plain file %d: checksum %08x, want %08x", i, c, data[i].crc)
			}
		}
		return nil
	}

	// The manager's store is opened before the clock starts; the manager
	// closes it, which removes its directory.
	badger, err := spill.OpenBadger(dir)
	if err != nil {
		return sm, err
	}
	st := &timedStore{Store: badger}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	spilled := make(chan struct{})
	var spilledOnce sync.Once
	m, err := spill.NewManager(spill.Config{
		// Room for one record, and a spill threshold that makes the I/O
		// goroutines write every record as soon as it is Put.
		Limit:       2 * storeRecordBytes,
		SpillAt:     0.01,
		Store:       func() (spill.Store, error) { return st, nil },
		Compression: comp,
		Allocator:   alloc,
		OnStats: func(s spill.Stats) {
			if s.Spills == int64(records) {
				spilledOnce.Do(func() { close(spilled) })
			}
		},
	})
	if err != nil {
		_ = badger.Close()
		return sm, err
	}
	defer m.Close()

	entries := make([]*spill.Entry, records)
	managerWrite := func() error {
		recs := make([]arrow.Record, records)
		for i := range recs {
			recs[i] = data[i].record()
		}
		t0 := time.Now()
		for i, rec := range recs {
			e, err := m.Put(graph.K("record", i), rec, storeRecordBytes)
			if err != nil {
				return err
			}
			entries[i] = e
		}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for waiting := true; waiting; {
			select {
			case <-spilled:
				waiting = false
			case <-tick.C:
				if err := m.Err(); err != nil {
					return err
				}
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		sm.write = time.Since(t0)
		s := m.Stats()
		if s.SpilledTotal != int64(records)*storeRecordBytes || s.Spilled != s.SpilledTotal {
			return fmt.Errorf("manager spilled %d bytes and holds %d spilled, want %d", s.SpilledTotal, s.Spilled, int64(records)*storeRecordBytes)
		}
		sm.written = s.WrittenBytes
		sm.putTime = time.Duration(st.put.Load())
		return nil
	}
	managerRead := func() error {
		got := make([]any, records)
		t0 := time.Now()
		err := forEach(ctx, records, streams, func(i int) error {
			v, err := m.Take(ctx, entries[i])
			got[i] = v
			return err
		})
		sm.read = time.Since(t0)
		sm.getTime, sm.delTime = time.Duration(st.get.Load()), time.Duration(st.del.Load())
		for i, v := range got {
			if err == nil {
				if cerr := checkRecord(v, data[i].crc); cerr != nil {
					err = fmt.Errorf("record %d: %w", i, cerr)
				}
			}
			if r, ok := v.(arrow.Record); ok {
				r.Release()
			}
		}
		if err != nil {
			return err
		}
		if s := m.Stats(); s.ReadBacks != int64(records) {
			return fmt.Errorf("manager read back %d records, want %d", s.ReadBacks, records)
		}
		if n := alloc.CurrentAlloc(); n != 0 {
			return fmt.Errorf("%d bytes of the records read back were not released", n)
		}
		return nil
	}

	steps := []func() error{rawWrite, managerWrite, managerRead, rawRead}
	if rawLast {
		steps = []func() error{managerWrite, rawWrite, rawRead, managerRead}
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return sm, err
		}
	}
	return sm, nil
}

// forEach calls fn(i) for i in [0, n) from streams goroutines, goroutine k
// taking k, k+streams, ..., and returns their errors joined. It stops
// starting calls once ctx is done or a call failed.
func forEach(ctx context.Context, n, streams int, fn func(i int) error) error {
	errs := make([]error, streams)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for k := range streams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n && !failed.Load(); i += streams {
				if err := ctx.Err(); err != nil {
					errs[k] = context.Cause(ctx)
					return
				}
				if err := fn(i); err != nil {
					errs[k] = err
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ---- spill-graph ----

// graphShape is the computation of the spill-graph case.
type graphShape struct {
	parts int   // partitions; even
	elems int   // float64 values per partition
	limit int64 // memory limit of the limited run
}

// spillGraph runs a computation that makes 8 times as much data as the
// memory limit, and holds twice the limit at once when it runs in order,
// with the limit (spilling to a badger store) and without one, and
// compares the results and the times.
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
		d             time.Duration
		mem           spill.Stats
		peakRSS, heap int64 // VmHWM and sampled peak of heap objects
		rssWasReset   bool  // VmHWM was reset before the run
		out           []float64
	}
	runOnce := func(limit int64) (sample, error) {
		var sm sample
		obs := &summaryObserver{}
		s := scheduler.New(scheduler.Workers(o.workers), scheduler.MemoryLimit(limit),
			scheduler.SpillDir(dir), scheduler.WithObserver(obs))
		runtime.GC()
		debug.FreeOSMemory()
		sm.rssWasReset = resetPeakRSS()
		stop := sampleHeap()
		t0 := time.Now()
		out, err := s.Execute(ctx, g)
		sm.d = time.Since(t0)
		sm.heap = stop()
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
		limited.peakRSS, limited.heap = max(limited.peakRSS, l.peakRSS), max(limited.heap, l.heap)
		unlimited.peakRSS, unlimited.heap = max(unlimited.peakRSS, u.peakRSS), max(unlimited.heap, u.heap)
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
		result{Metric: "peak_heap_bytes", Value: float64(limited.heap), Unit: "B"},
		result{Metric: "peak_rss_unlimited_bytes", Value: float64(unlimited.peakRSS), Unit: "B"},
		result{Metric: "peak_heap_unlimited_bytes", Value: float64(unlimited.heap), Unit: "B"},
		// 1 when VmHWM was reset before each run (so the unlimited peak is
		// its own), 0 when the kernel refused and it is the process's peak.
		result{Metric: "rss_peak_reset", Value: resetFlag, Unit: "bool"},
	)
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

func mixTask(ctx context.Context, deps []any) (any, error) {
	x, err := partitions(ctx, deps, 2)
	if err != nil {
		return nil, err
	}
	a, b := x[0], x[1][:len(x[0])]
	out := make([]float64, len(a))
	for j := range out {
		out[j] = mixValue(a[j], b[j])
	}
	return out, nil
}

func addTask(ctx context.Context, deps []any) (any, error) {
	x, err := partitions(ctx, deps, 2)
	if err != nil {
		return nil, err
	}
	a, b := x[0], x[1][:len(x[0])]
	out := make([]float64, len(a))
	for j := range out {
		out[j] = addValue(a[j], b[j])
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
// mix and add stages. The explicit conversion keeps the compiler from fusing a*b+a
// (the Go spec allows it without one), so that the reference computes the
// same bits.
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
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 2 && f[1] == "kB" {
			if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// sampleHeap samples the bytes of live and unswept heap objects every
// 10 ms until the returned function is called, which returns the highest
// value seen.
func sampleHeap() (stop func() int64) {
	const name = "/memory/classes/heap/objects:bytes"
	s := []metrics.Sample{{Name: name}}
	read := func() int64 {
		metrics.Read(s)
		if s[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(s[0].Value.Uint64())
	}
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		hi := read()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				hi = max(hi, read())
			case <-done:
				peak <- max(hi, read())
				return
			}
		}
	}()
	return func() int64 {
		close(done)
		return <-peak
	}
}
