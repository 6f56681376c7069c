package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/scheduler/dashboard"
	"github.com/dusk-go/dusk/spill"
)

// The parts of the inlined state that the tests read.
type stateDoc struct {
	Live bool `json:"live"`
	Runs []struct {
		Run      uint64 `json:"run"`
		Finished bool   `json:"finished"`
		Error    string `json:"error"`
		Workers  int    `json:"workers"`
		Tasks    int    `json:"tasks"`
		Done     int    `json:"done"`
		Failed   int    `json:"failed"`
		Ops      []struct {
			Op    string  `json:"op"`
			Total int     `json:"total"`
			Done  int     `json:"done"`
			Time  float64 `json:"time_ms"`
		} `json:"ops"`
		Busy   []float64 `json:"busy_ms"`
		Stream []struct {
			W   int     `json:"w"`
			O   int     `json:"o"`
			K   string  `json:"k"`
			S   float64 `json:"s"`
			E   float64 `json:"e"`
			B   int64   `json:"b"`
			Err string  `json:"err"`
		} `json:"stream"`
		Running      []json.RawMessage `json:"running"`
		DroppedTasks int               `json:"dropped_tasks"`
		Memory       []struct {
			T            float64 `json:"t"`
			Limit        int64   `json:"limit"`
			Resident     int64   `json:"resident"`
			SpilledTotal int64   `json:"spilled_total"`
			ReadBack     int64   `json:"read_back"`
		} `json:"memory"`
	} `json:"runs"`
}

func parseState(t testing.TB, data string) stateDoc {
	t.Helper()
	var st stateDoc
	if err := json.Unmarshal([]byte(data), &st); err != nil {
		t.Fatalf("state does not parse: %v\n%.2000s", err, data)
	}
	return st
}

// failingGraph has one task whose error message is markup, to check that
// reports escape it.
const evil = `</script><script>alert("x")</script>`

func failingGraph(t testing.TB) *graph.Graph {
	b := graph.NewBuilder(1)
	b.Add(graph.Single("fail"), func(context.Context, []any) (any, error) {
		return nil, errors.New(evil)
	}, graph.Hints{Op: "fail <op>"})
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestRecorderSummaryAndReport(t *testing.T) {
	rec := dashboard.NewRecorder()
	run(t, rec, workGraph(t, 8, 3*time.Millisecond, 0))
	run(t, rec, workGraph(t, 12, time.Millisecond, 1024), spillOptions()...)
	_, err := scheduler.New(scheduler.WithObserver(rec)).Execute(context.Background(), failingGraph(t))
	if err == nil {
		t.Fatal("the failing graph did not fail")
	}

	sum := rec.Summary()
	t.Logf("summary:\n%s", sum)
	for _, want := range []string{"17 tasks in", "25 tasks in", "2 workers", "operation", "load", "scale", "total",
		"memory: peak", "spilled", "read back", "1 failed", "error:"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	// Operations are sorted by time: the sleeping loads come first.
	lines := strings.Split(sum, "\n")
	if len(lines) < 3 || !strings.HasPrefix(strings.TrimSpace(lines[2]), "load") {
		t.Errorf("the first operation of run 1 is not load:\n%s", sum)
	}

	var buf bytes.Buffer
	if err := rec.Report(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	checkSelfContained(t, page)
	for _, want := range []string{`<canvas id="stream"`, `<canvas id="memory"`, `id="progress"`, `id="util"`, `data-mode="report"`} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if strings.Contains(page, "alert(") && strings.Contains(page, `<script>alert`) {
		t.Error("the error message reached the page unescaped")
	}
	st := parseState(t, inlined(t, page))
	if st.Live || len(st.Runs) != 3 {
		t.Fatalf("report state: live %v, %d runs; want a report of 3 runs", st.Live, len(st.Runs))
	}
	plain, spilled, failed := st.Runs[0], st.Runs[1], st.Runs[2]
	if !plain.Finished || plain.Tasks != 17 || plain.Done != 17 || len(plain.Stream) != 17 || plain.Workers != 2 {
		t.Errorf("run 1: finished %v, tasks %d, done %d, stream %d, workers %d; want 17 tasks on 2 workers",
			plain.Finished, plain.Tasks, plain.Done, len(plain.Stream), plain.Workers)
	}
	ops := map[string]int{}
	for _, o := range plain.Ops {
		if o.Done != o.Total {
			t.Errorf("op %s: %d of %d done", o.Op, o.Done, o.Total)
		}
		ops[o.Op] = o.Total
	}
	if ops["load"] != 8 || ops["scale"] != 8 || ops["total"] != 1 {
		t.Errorf("run 1 ops: %v", ops)
	}
	busy := 0.0
	for _, b := range plain.Busy {
		busy += b
	}
	if busy < 8*3 {
		t.Errorf("run 1: workers busy %.1f ms, want at least 24 ms", busy)
	}
	for _, k := range plain.Stream {
		if k.E < k.S || k.W < 0 || k.W >= 2 || plain.Ops[k.O].Op == "" || k.K == "" {
			t.Errorf("bad task record %+v", k)
		}
	}
	if len(spilled.Stream) != 25 || len(spilled.Memory) == 0 {
		t.Fatalf("run 2: %d tasks, %d memory samples; want 25 tasks and samples", len(spilled.Stream), len(spilled.Memory))
	}
	m := spilled.Memory[len(spilled.Memory)-1]
	if m.Limit != 32<<10 || m.SpilledTotal == 0 || m.ReadBack == 0 {
		t.Errorf("run 2 last memory sample %+v: want a 32 KiB limit, spilled and read-back bytes", m)
	}
	var withBytes int
	for _, k := range spilled.Stream {
		if k.B > 0 {
			withBytes++
		}
	}
	if withBytes < 24 {
		t.Errorf("run 2: %d tasks report result bytes, want the 24 that return slices", withBytes)
	}
	if failed.Failed != 1 || len(failed.Stream) != 1 || failed.Stream[0].Err != evil || !strings.Contains(failed.Error, evil) {
		t.Errorf("run 3: failed %d, stream %+v, error %q", failed.Failed, failed.Stream, failed.Error)
	}
}

func TestRecorderBounded(t *testing.T) {
	rec := dashboard.NewRecorder()
	rec.SetMaxTasks(50)
	run(t, rec, workGraph(t, 50, 0, 0)) // 101 tasks
	var buf bytes.Buffer
	if err := rec.Report(&buf); err != nil {
		t.Fatal(err)
	}
	ru := parseState(t, inlined(t, buf.String())).Runs[0]
	if len(ru.Stream) > 50 || len(ru.Stream)+ru.DroppedTasks != 101 {
		t.Errorf("kept %d task records and dropped %d; want at most 50, 101 in all", len(ru.Stream), ru.DroppedTasks)
	}
	done := 0
	for _, o := range ru.Ops {
		done += o.Done
	}
	if done != 101 || ru.Done != 101 {
		t.Errorf("ops count %d tasks done, the run %d; want 101", done, ru.Done)
	}
	if !strings.Contains(rec.Summary(), "101 tasks") {
		t.Errorf("summary forgot the dropped tasks:\n%s", rec.Summary())
	}
}

func TestWriteReport(t *testing.T) {
	rec := dashboard.NewRecorder()
	run(t, rec, workGraph(t, 4, 0, 0))
	path := filepath.Join(t.TempDir(), "report.html")
	if err := rec.WriteReport(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if st := parseState(t, inlined(t, string(b))); len(st.Runs) != 1 || len(st.Runs[0].Stream) != 9 {
		t.Errorf("report file holds %+v", st)
	}
	bad := filepath.Join(t.TempDir(), "missing", "report.html")
	err = rec.WriteReport(bad)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("WriteReport(%s) = %v, want an error naming the path", bad, err)
	}
}

func TestEmptyRecorder(t *testing.T) {
	rec := dashboard.NewRecorder()
	if s := rec.Summary(); !strings.Contains(s, "no computation") {
		t.Errorf("empty summary %q", s)
	}
	var buf bytes.Buffer
	if err := rec.Report(&buf); err != nil {
		t.Fatal(err)
	}
	if st := parseState(t, inlined(t, buf.String())); len(st.Runs) != 0 {
		t.Errorf("empty report has runs: %+v", st)
	}
}

// Events arrive from many goroutines while reports are written: the race
// detector checks the locking.
func TestRecorderConcurrent(t *testing.T) {
	rec := dashboard.NewRecorder()
	rec.SetMaxTasks(1000)
	const runs, workers, tasks = 3, 4, 500
	var wg sync.WaitGroup
	for r := range runs {
		id := uint64(1000 + r)
		rec.RunStarted(scheduler.RunInfo{Run: id, Tasks: workers * tasks, Workers: workers, Start: time.Now(),
			Ops: []scheduler.OpTasks{{Op: "a", Tasks: workers * tasks}}})
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range tasks {
					e := scheduler.TaskEvent{Run: id, Key: graph.K("a", i), Op: "a", Worker: w, Start: time.Now()}
					rec.TaskStarted(e)
					e.End, e.Bytes = time.Now(), 8
					rec.TaskFinished(e)
					rec.Memory(scheduler.MemoryEvent{Run: id, Time: time.Now(), Stats: spill.Stats{Limit: 100, Resident: int64(i)}})
				}
			}()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			_ = rec.Report(&bytes.Buffer{})
			_ = rec.Summary()
		}
	}()
	wg.Wait()
	for r := range runs {
		rec.RunFinished(scheduler.RunSummary{Run: uint64(1000 + r), Start: time.Now(), Tasks: workers * tasks})
	}
	var buf bytes.Buffer
	if err := rec.Report(&buf); err != nil {
		t.Fatal(err)
	}
	st := parseState(t, inlined(t, buf.String()))
	kept := 0
	for _, ru := range st.Runs {
		kept += len(ru.Stream)
		if ru.Done != workers*tasks || len(ru.Memory) > 4096 || len(ru.Memory) == 0 {
			t.Errorf("run %d: %d done, %d samples", ru.Run, ru.Done, len(ru.Memory))
		}
	}
	if kept > 1000 {
		t.Errorf("kept %d task records, want at most 1000", kept)
	}
}
