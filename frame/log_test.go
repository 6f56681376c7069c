package frame

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/spill"
)

// lockedBuffer is a bytes.Buffer safe for the concurrent writes of a
// logger used by several workers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// At debug level the logs show the group-by's and the join's strategies
// and the spill decisions.
func TestDebugLogs(t *testing.T) {
	var buf lockedBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mem, opts := checked(t, executionModes()[2])
	recs := randomRecords(mem, rand.New(rand.NewPCG(7, 7)), 12, 400)
	releaseAtEnd(t, recs)
	df := FromRecords(recs...)
	opts = append(opts, scheduler.Logger(log), scheduler.WithSpill(spill.Config{
		Limit: 24 << 10,
		Store: func() (spill.Store, error) { return spill.NewMemStore(), nil },
	}))
	for _, f := range []*Frame{df.GroupBy("j").Agg(Len()), df.Join(df.Select("i", "s"), Semi, "i")} {
		tbl, err := f.Compute(context.Background(), opts...)
		if err != nil {
			t.Fatal(err)
		}
		tbl.Release()
	}
	out := buf.String()
	for _, want := range []string{"group-by strategy", "estimated_groups", "join strategy", "spill: value written", "spill: value read back"} {
		if !strings.Contains(out, want) {
			t.Errorf("the debug log lacks %q:\n%.2000s", want, out)
		}
	}
}
