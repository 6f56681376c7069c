package dashboard_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/scheduler/dashboard"
	"github.com/dusk-go/dusk/spill"
)

// workGraph builds n "load" tasks that sleep for sleep and return floats
// float64s (an int when floats is 0), n "scale" tasks, one per load, that
// return a copy, and one "total" task that sums every scale. The scales all
// wait for the total, so under a small memory limit they spill.
func workGraph(t testing.TB, n int, sleep time.Duration, floats int) *graph.Graph {
	t.Helper()
	b := graph.NewBuilder(2*n + 1)
	var scales []graph.ID
	for i := range n {
		load := b.Add(graph.K("load", i), func(ctx context.Context, _ []any) (any, error) {
			if sleep > 0 {
				select {
				case <-time.After(sleep):
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			if floats == 0 {
				return i, nil
			}
			s := make([]float64, floats)
			for j := range s {
				s[j] = float64(i)
			}
			return s, nil
		}, graph.Hints{Op: "load", ReadsInput: true})
		scales = append(scales, b.Add(graph.K("scale", i), func(_ context.Context, in []any) (any, error) {
			if s, ok := in[0].([]float64); ok {
				out := make([]float64, len(s))
				for j, x := range s {
					out[j] = 2 * x
				}
				return out, nil
			}
			return 2 * in[0].(int), nil
		}, graph.Hints{Op: "scale"}, load))
	}
	b.Add(graph.Single("total"), func(_ context.Context, in []any) (any, error) {
		total := 0.0
		for _, v := range in {
			switch v := v.(type) {
			case []float64:
				for _, x := range v {
					total += x
				}
			case int:
				total += float64(v)
			}
		}
		return total, nil
	}, graph.Hints{Op: "total"}, scales...)
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// spillOptions runs under a 32 KiB limit over an in-memory store, so that
// values of a few KiB spill and are read back.
func spillOptions() []scheduler.Option {
	return []scheduler.Option{
		scheduler.WithSpill(spill.Config{Limit: 32 << 10, Store: func() (spill.Store, error) { return spill.NewMemStore(), nil }}),
		scheduler.MemoryLimit(32 << 10),
	}
}

// run executes g with 2 workers reporting to rec, plus opts.
func run(t testing.TB, rec *dashboard.Recorder, g *graph.Graph, opts ...scheduler.Option) {
	t.Helper()
	opts = append([]scheduler.Option{scheduler.Workers(2), scheduler.WithObserver(rec)}, opts...)
	out, err := scheduler.New(opts...).Execute(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("got %d outputs, want 1", len(out))
	}
}

// dataRE finds the JSON inlined in a report.
var dataRE = regexp.MustCompile(`(?s)<script id="dusk-data" type="application/json">(.*?)</script>`)

// inlined returns the JSON inlined in a report page.
func inlined(t testing.TB, page string) string {
	t.Helper()
	m := dataRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no inlined data in the page:\n%.2000s", page)
	}
	return strings.TrimSpace(m[1])
}

// externalRE finds references to other hosts in a page.
var externalRE = regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[/"' )]`)

// checkSelfContained fails when the page refers to anything outside it.
func checkSelfContained(t testing.TB, page string) {
	t.Helper()
	low := strings.ToLower(page)
	for _, bad := range []string{"http://", "https://", "<link", "@import", " src="} {
		if strings.Contains(low, bad) {
			i := strings.Index(low, bad)
			t.Errorf("page refers to an external asset: %q near %q", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	if m := externalRE.FindString(page); m != "" {
		t.Errorf("page refers to another host: %q", m)
	}
}
