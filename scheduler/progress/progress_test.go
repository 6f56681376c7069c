package progress

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

// syncBuffer is a bytes.Buffer safe for the drawing goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fakeTerminal is a writer with a file descriptor that the tests' terminal
// detection calls a terminal.
type fakeTerminal struct{ syncBuffer }

func (*fakeTerminal) Fd() uintptr { return 1000 }

// withTerminal makes fakeTerminal a terminal of the given width for the
// test.
func withTerminal(t *testing.T, width int, err error) {
	t.Helper()
	oldIs, oldSize := isTerminal, termSize
	isTerminal = func(fd int) bool { return fd == 1000 }
	termSize = func(int) (int, int, error) { return width, 24, err }
	t.Cleanup(func() { isTerminal, termSize = oldIs, oldSize })
}

var (
	ansi      = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
	cursorUp  = regexp.MustCompile(`\x1b\[\d+A\x1b\[J`)
	errBroken = errors.New("broken record")
)

// lastFrame returns the last drawing in out, without escape sequences.
func lastFrame(out string) string {
	frames := cursorUp.Split(out, -1)
	return ansi.ReplaceAllString(frames[len(frames)-1], "")
}

// testGraph builds parts tasks of op "load" that sleep, each producing a
// []float64 of 16 values (128 bytes), summed by one task of op "sum". The
// task fail, when >= 0, returns errBroken.
func testGraph(t *testing.T, parts int, sleep time.Duration, fail int) *graph.Graph {
	t.Helper()
	b := graph.NewBuilder(parts + 1)
	var ids []graph.ID
	for i := range parts {
		ids = append(ids, b.Add(graph.K("load", i), func(context.Context, []any) (any, error) {
			time.Sleep(sleep)
			if i == fail {
				return nil, fmt.Errorf("part %d: %w", i, errBroken)
			}
			return make([]float64, 16), nil
		}, graph.Hints{Op: "load"}))
	}
	b.Add(graph.Single("sum"), func(_ context.Context, in []any) (any, error) {
		n := 0
		for _, v := range in {
			n += len(v.([]float64))
		}
		return n, nil
	}, graph.Hints{Op: "sum"}, ids...)
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func execute(t *testing.T, bar *Bar, g *graph.Graph, opts ...scheduler.Option) error {
	t.Helper()
	opts = append([]scheduler.Option{scheduler.Workers(2), scheduler.WithObserver(bar)}, opts...)
	_, err := scheduler.New(opts...).Execute(context.Background(), g)
	bar.Wait()
	return err
}

// checkWidth fails when a drawn line is wider than width.
func checkWidth(t *testing.T, out string, width int) {
	t.Helper()
	for _, line := range strings.Split(ansi.ReplaceAllString(out, ""), "\n") {
		if n := utf8.RuneCountInString(line); n > width {
			t.Errorf("line %q: got %v columns, want at most %v", line, n, width)
		}
	}
}

func TestDrawsEveryOperation(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Force(true), Width(80), Delay(0))
	if err := execute(t, bar, testGraph(t, 6, 5*time.Millisecond, -1)); err != nil {
		t.Fatal(err)
	}
	frame := lastFrame(out.String())
	for _, want := range []string{"load", "6/6", "sum", "1/1", "7/7 tasks", "768 B produced", ", done"} {
		if !strings.Contains(frame, want) {
			t.Errorf("last frame %q: got no %q, want it", frame, want)
		}
	}
	if got, want := strings.Count(frame, "\n"), 3; got != want {
		t.Errorf("last frame %q: got %v lines, want %v", frame, got, want)
	}
	checkWidth(t, out.String(), 80)
}

func TestShortRunStaysSilent(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Force(true), Width(80)) // default delay: 1s
	if err := execute(t, bar, testGraph(t, 3, 0, -1)); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "" {
		t.Errorf("got %q, want no output", got)
	}
}

func TestLongRunAfterDelay(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Force(true), Width(80), Delay(30*time.Millisecond))
	if err := execute(t, bar, testGraph(t, 8, 20*time.Millisecond, -1)); err != nil {
		t.Fatal(err)
	}
	if frame := lastFrame(out.String()); !strings.Contains(frame, "8/8") {
		t.Errorf("got %q, want 8/8", frame)
	}
}

func TestNotATerminal(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Width(80), Delay(0))
	if bar.On() {
		t.Errorf("On: got %v, want %v", true, false)
	}
	if err := execute(t, bar, testGraph(t, 4, 5*time.Millisecond, -1)); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "" {
		t.Errorf("got %q, want no output", got)
	}
}

func TestForceOff(t *testing.T) {
	withTerminal(t, 100, nil)
	var out fakeTerminal
	bar := New(&out, Force(false), Delay(0))
	if err := execute(t, bar, testGraph(t, 4, 5*time.Millisecond, -1)); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "" {
		t.Errorf("got %q, want no output", got)
	}
}

func TestTerminalWidth(t *testing.T) {
	for _, tc := range []struct {
		name  string
		width int
		err   error
		want  int
	}{
		{"reported", 60, nil, 60},
		{"zero", 0, nil, defaultWidth},
		{"error", -1, errors.New("no size"), defaultWidth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			withTerminal(t, tc.width, tc.err)
			var out fakeTerminal
			bar := New(&out, Delay(0))
			if !bar.On() {
				t.Fatalf("On: got %v, want %v", false, true)
			}
			if bar.width != tc.want {
				t.Errorf("width: got %v, want %v", bar.width, tc.want)
			}
			if err := execute(t, bar, testGraph(t, 4, 5*time.Millisecond, -1)); err != nil {
				t.Fatal(err)
			}
			if frame := lastFrame(out.String()); !strings.Contains(frame, "4/4") {
				t.Errorf("got %q, want 4/4", frame)
			}
			checkWidth(t, out.String(), tc.want)
		})
	}
}

func TestNarrowWidth(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Force(true), Width(30), Delay(0))
	if err := execute(t, bar, testGraph(t, 4, 5*time.Millisecond, -1)); err != nil {
		t.Fatal(err)
	}
	checkWidth(t, out.String(), 30)
}

func TestConcurrentRuns(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Force(true), Width(100), Delay(0))
	s := scheduler.New(scheduler.Workers(2), scheduler.WithObserver(bar))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, n := range []int{5, 9} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Execute(context.Background(), testGraph(t, n, 5*time.Millisecond, -1))
		}()
	}
	wg.Wait()
	bar.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	all := ansi.ReplaceAllString(out.String(), "")
	for _, want := range []string{"5/5", "9/9", "6/6 tasks", "10/10 tasks"} {
		if !strings.Contains(all, want) {
			t.Errorf("got no %q in %q, want it", want, lastFrame(out.String()))
		}
	}
}

func TestFailedRun(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Force(true), Width(120), Delay(0))
	err := execute(t, bar, testGraph(t, 6, 5*time.Millisecond, 3))
	if !errors.Is(err, errBroken) {
		t.Fatalf("got %v, want %v", err, errBroken)
	}
	frame := lastFrame(out.String())
	if !strings.Contains(frame, "failed: ") || !strings.Contains(frame, "broken record") {
		t.Errorf("got %q, want the error in the heading", frame)
	}
	if strings.Contains(frame, "6/6") {
		t.Errorf("got %q, want load short of 6/6", frame)
	}
	// The Bar serves the next computation.
	if err := execute(t, bar, testGraph(t, 2, 5*time.Millisecond, -1)); err != nil {
		t.Fatal(err)
	}
	if frame := lastFrame(out.String()); !strings.Contains(frame, "2/2") {
		t.Errorf("got %q, want 2/2", frame)
	}
}

func TestMemory(t *testing.T) {
	var out syncBuffer
	bar := New(&out, Force(true), Width(120), Delay(0))
	mem := scheduler.WithSpill(spill.Config{
		Limit: 256,
		Store: func() (spill.Store, error) { return spill.NewMemStore(), nil },
	})
	if err := execute(t, bar, testGraph(t, 8, 5*time.Millisecond, -1), mem); err != nil {
		t.Fatal(err)
	}
	frame := lastFrame(out.String())
	if !strings.Contains(frame, "spilled") || !strings.Contains(frame, "read back") {
		t.Errorf("got %q, want bytes spilled and read back", frame)
	}
	if strings.Contains(frame, "0 B spilled") {
		t.Errorf("got %q, want some bytes spilled", frame)
	}
}

func TestStream(t *testing.T) {
	// Streams announce no operations: they appear as their tasks finish.
	var out syncBuffer
	bar := New(&out, Force(true), Width(80), Delay(0))
	bar.RunStarted(scheduler.RunInfo{Run: 42, Tasks: -1, Workers: 2, Start: time.Now()})
	for i := range 5 {
		op := "decode"
		if i%2 == 1 {
			op = "write"
		}
		bar.TaskStarted(scheduler.TaskEvent{Run: 42, Op: op})
		bar.TaskFinished(scheduler.TaskEvent{Run: 42, Op: op, Bytes: 10})
		time.Sleep(10 * time.Millisecond)
	}
	bar.TaskFinished(scheduler.TaskEvent{Run: 7, Op: "unknown run"})
	bar.RunFinished(scheduler.RunSummary{Run: 42, Tasks: 5})
	bar.Wait()
	frame := lastFrame(out.String())
	for _, want := range []string{"5 tasks, 50 B produced", "50 B produced", "decode", "3", "write", "2"} {
		if !strings.Contains(frame, want) {
			t.Errorf("last frame %q: got no %q, want it", frame, want)
		}
	}
}

func TestOffBarIsNoOp(t *testing.T) {
	bar := New(nil)
	bar.RunStarted(scheduler.RunInfo{Run: 1, Tasks: 1})
	bar.TaskFinished(scheduler.TaskEvent{Run: 1, Op: "x"})
	bar.Memory(scheduler.MemoryEvent{Run: 1})
	bar.RunFinished(scheduler.RunSummary{Run: 1})
	bar.Wait()
}

func TestFromEnv(t *testing.T) {
	t.Setenv("DUSK_PROGRESS", "0")
	if _, ok := FromEnv().(scheduler.NopObserver); !ok {
		t.Errorf("DUSK_PROGRESS=0: got %T, want scheduler.NopObserver", FromEnv())
	}
	t.Setenv("DUSK_PROGRESS", "1")
	if b, ok := FromEnv().(*Bar); !ok || !b.On() {
		t.Errorf("DUSK_PROGRESS=1: got %T, want a *Bar that is on", FromEnv())
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 3 << 20: "3.0 MiB", 5 << 30: "5.0 GiB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%v): got %v, want %v", n, got, want)
		}
	}
}

func BenchmarkTaskFinished(b *testing.B) {
	var out syncBuffer
	bar := New(&out, Force(true), Delay(time.Hour))
	bar.RunStarted(scheduler.RunInfo{Run: 1, Tasks: b.N, Ops: []scheduler.OpTasks{{Op: "x", Tasks: b.N}}})
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bar.TaskFinished(scheduler.TaskEvent{Run: 1, Op: "x", Bytes: 8})
		}
	})
	bar.RunFinished(scheduler.RunSummary{Run: 1})
	bar.Wait()
}
