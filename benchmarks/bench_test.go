package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// runJSON runs the command with args (which include -json) and checks that
// every stdout line is a JSON object of the documented form: the machine,
// then results of suite. It returns the values by case and metric.
func runJSON(t *testing.T, suite string, args ...string) map[string]map[string]float64 {
	t.Helper()
	var out bytes.Buffer
	if err := run(t.Context(), &out, args); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}

	seen := map[string]map[string]float64{}
	sc := bufio.NewScanner(&out)
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			var m machine
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("line 1 %q: %v", sc.Text(), err)
			}
			if m.Suite != "machine" || m.NumCPU < 1 || m.GOMAXPROCS < 1 || m.Go == "" {
				t.Errorf("machine line: got %+v, want suite \"machine\" with CPUs and Go version", m)
			}
			continue
		}
		var fields map[string]any
		if err := json.Unmarshal(sc.Bytes(), &fields); err != nil {
			t.Fatalf("line %d %q: %v", line, sc.Text(), err)
		}
		if len(fields) != 5 {
			t.Errorf("line %d: got fields %v, want suite, case, metric, value, unit", line, fields)
		}
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d %q: %v", line, sc.Text(), err)
		}
		if r.Suite != suite || r.Case == "" || r.Metric == "" || r.Unit == "" {
			t.Errorf("line %d: got %+v, want suite %s and non-empty case, metric, unit", line, r, suite)
		}
		if seen[r.Case] == nil {
			seen[r.Case] = map[string]float64{}
		}
		seen[r.Case][r.Metric] = r.Value
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return seen
}

// checkMetrics checks that each case of want reported each of its metrics,
// with a value that is not negative.
func checkMetrics(t *testing.T, seen map[string]map[string]float64, want map[string][]string) {
	t.Helper()
	for c, metrics := range want {
		for _, m := range metrics {
			v, ok := seen[c][m]
			if !ok {
				t.Errorf("%s: no metric %s", c, m)
				continue
			}
			if v < 0 {
				t.Errorf("%s %s: got %v, want >= 0", c, m, v)
			}
		}
	}
}

// TestSchedulerSuiteQuickJSON runs the scheduler suite at CI sizes and
// checks that every stdout line is a JSON object of the documented form and
// that every case reported its main metrics. It asserts no timing.
func TestSchedulerSuiteQuickJSON(t *testing.T) {
	seen := runJSON(t, "scheduler", "scheduler", "-json", "-quick", "-workers", "2")
	want := map[string][]string{
		"overhead-100k":   {"ns_per_task", "build_ns_per_task", "optimize_ns_per_task", "run_ns_per_task", "tasks"},
		"overhead-1m":     {"ns_per_task", "build_ns_per_task", "optimize_ns_per_task", "run_ns_per_task", "tasks"},
		"map-speedup":     {"serial_seconds", "map_seconds", "per_call_seconds", "speedup"},
		"steal-imbalance": {"stolen_share", "steals", "speedup"},
	}
	checkMetrics(t, seen, want)
	// 10,000 leaves and their fan-in-8 tree: 1250+157+20+3+1 sums.
	if got, want := seen["overhead-100k"]["tasks"], 10_000.0+1250+157+20+3+1; got != want {
		t.Errorf("overhead-100k tasks: got %v, want %v", got, want)
	}
	if s := seen["steal-imbalance"]["stolen_share"]; s > 1 {
		t.Errorf("stolen_share: got %v, want <= 1", s)
	}
}

// TestSpillSuiteQuickJSON runs the spill suite at CI sizes (it writes
// about 1 GiB to the temporary directory). The cases fail by themselves
// when a result is wrong or nothing was spilled; this checks the metrics
// and the sizes they report. It asserts no timing.
func TestSpillSuiteQuickJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 1 GiB; skipped with -short")
	}
	seen := runJSON(t, "spill", "spill", "-json", "-quick", "-workers", "2", "-spill-dir", t.TempDir())
	store := []string{"write_gbps", "raw_write_gbps", "write_ratio", "read_gbps", "raw_read_gbps", "read_ratio", "encoded_ratio"}
	checkMetrics(t, seen, map[string][]string{
		"store":     store,
		"store-lz4": store,
		"spill-graph": {"seconds_limited", "seconds_unlimited", "slowdown", "peak_accounted_bytes",
			"spilled_bytes", "read_back_bytes", "peak_rss_bytes", "peak_heap_bytes"},
	})
	if got := seen["store"]["encoded_ratio"]; got < 1 {
		t.Errorf("store encoded_ratio: got %v, want >= 1 (no compression)", got)
	}
	if got := seen["store-lz4"]["encoded_ratio"]; got <= 0 || got >= 1 {
		t.Errorf("store-lz4 encoded_ratio: got %v, want in (0, 1): the row ids compress", got)
	}
	g := seen["spill-graph"]
	if g["data_over_limit"] < 4 {
		t.Errorf("spill-graph data_over_limit: got %v, want >= 4", g["data_over_limit"])
	}
	if g["spilled_bytes"] <= 0 || g["read_back_bytes"] <= 0 {
		t.Errorf("spill-graph: spilled %v bytes and read back %v, want both > 0", g["spilled_bytes"], g["read_back_bytes"])
	}
}

// TestIOAndFrameSuitesQuickJSON runs the io and frame suites at CI sizes
// (a generated 1e5-row CSV): the cases fail by themselves when a row count
// or a column type is wrong. It asserts no timing.
func TestIOAndFrameSuitesQuickJSON(t *testing.T) {
	dir := t.TempDir()
	seen := runJSON(t, "io", "io", "-json", "-quick", "-workers", "2", "-data-dir", dir)
	checkMetrics(t, seen, map[string][]string{
		"csv-read":       {"seconds", "mb_per_s"},
		"csv-to-parquet": {"write_seconds", "read_seconds"},
	})
	seen = runJSON(t, "frame", "frame", "-json", "-quick", "-workers", "2", "-data-dir", dir)
	checkMetrics(t, seen, map[string][]string{"filter-project": {"seconds", "rows"}})
	if got := seen["filter-project"]["rows"]; got < 40000 || got > 60000 {
		t.Errorf("filter-project kept %v of 1e5 rows, want about half (v3 is uniform on 0..100)", got)
	}
}

// TestH2OSuiteQuickJSON runs the h2o suite at CI sizes (a G1 file of 1e5
// rows, the J1 files of 1e6): the cases fail by themselves when an
// answer's row count is out of its bounds; this checks the metrics and the
// answers that are known exactly. It asserts no timing.
func TestH2OSuiteQuickJSON(t *testing.T) {
	seen := runJSON(t, "h2o", "h2o", "-json", "-quick", "-workers", "2", "-data-dir", t.TempDir())
	want := map[string][]string{
		"groupby": {"read_seconds", "groupby_total_seconds"},
		"join":    {"read_seconds", "join_total_seconds"},
	}
	for q := 1; q <= 10; q++ {
		want["groupby"] = append(want["groupby"], fmt.Sprintf("q%d_seconds", q), fmt.Sprintf("q%d_rows", q))
		if q <= 5 {
			want["join"] = append(want["join"], fmt.Sprintf("q%d_seconds", q), fmt.Sprintf("q%d_rows", q), fmt.Sprintf("q%d_chk_v1", q), fmt.Sprintf("q%d_chk_v2", q))
		}
	}
	checkMetrics(t, seen, want)
	g, j := seen["groupby"], seen["join"]
	// K = 100 values of id1 and id4, N/K = 1000 of id3 and id6, two largest
	// v3 of each id6, 1e5 rows counted once.
	for m, v := range map[string]float64{"q1_rows": 100, "q3_rows": 1000, "q4_rows": 100, "q5_rows": 1000, "q7_rows": 1000, "q8_rows": 2000, "q10_chk_count": 1e5} {
		if g[m] != v {
			t.Errorf("groupby %s: got %v, want %v", m, g[m], v)
		}
	}
	// the sum of v1 over all rows, whatever the grouping
	for _, m := range []string{"q2_chk_v1", "q3_chk_v1", "q5_chk_v1"} {
		if g[m] != g["q1_chk_v1"] {
			t.Errorf("groupby %s: got %v, want q1's %v", m, g[m], g["q1_chk_v1"])
		}
	}
	if g["q7_chk_range_v1_v2"] > 4*g["q7_rows"] || g["q7_chk_range_v1_v2"] < -14*g["q7_rows"] {
		t.Errorf("groupby q7: %v over %v groups, want each in -14..4", g["q7_chk_range_v1_v2"], g["q7_rows"])
	}
	// every left row once in the left join; id5 is "id"+id2
	if j["q3_rows"] != 1e6 {
		t.Errorf("join q3_rows: got %v, want 1e6", j["q3_rows"])
	}
	for _, m := range []string{"q4_rows", "q4_chk_v1", "q4_chk_v2"} {
		if q2 := "q2" + m[2:]; math.Abs(j[m]-j[q2]) > 1e-9*math.Abs(j[q2]) {
			t.Errorf("join %s: got %v, want q2's %v", m, j[m], j[q2])
		}
	}
}

func TestArraySuiteQuickJSON(t *testing.T) {
	seen := runJSON(t, "array", "array", "-json", "-quick", "-workers", "2")
	checkMetrics(t, seen, map[string][]string{
		"seed-expsinh":   {"seconds", "ulp_error"},
		"sum-1e9":        {"lazy_seconds", "memory_gb_per_s"},
		"transpose-mean": {"seconds", "peak_rss_mb"},
		"matmul-4000":    {"gflops", "gonum_1thread_gflops"},
	})
	if u := seen["seed-expsinh"]["ulp_error"]; u > 1 {
		t.Errorf("seed-expsinh is %v ulp off, want at most 1", u)
	}
}

// TestTable checks the readable output of one quick case.
func TestTable(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, []string{"-quick", "scheduler", "-case", "^overhead-100k$"}); err != nil {
		t.Fatalf("run: %v", err)
	}
	s := out.String()
	for _, want := range []string{"machine:", "cpu:", "SUITE", "overhead-100k", "ns_per_task", "≤ 250"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "map-speedup") {
		t.Errorf("-case ^overhead-100k$ ran map-speedup:\n%s", s)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nosuchsuite"},
		{"scheduler", "-case", "nosuchcase"},
		{"scheduler", "-case", "("},
		{"scheduler", "-workers", "-1"},
		{"spill", "-case", "nosuchcase"},
	} {
		var out bytes.Buffer
		err := run(t.Context(), &out, args)
		if !errors.Is(err, errUsage) {
			t.Errorf("run(%q): got error %v, want a usage error", args, err)
		}
	}
}

func TestMedianIndex(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want int
	}{
		{[]float64{5}, 0},
		{[]float64{3, 1, 2}, 2},
		{[]float64{9, 1, 5, 7, 3}, 2},
		{[]float64{4, 1, 3, 2}, 3},
	} {
		if got := medianIndex(tc.xs); got != tc.want {
			t.Errorf("medianIndex(%v): got %d, want %d", tc.xs, got, tc.want)
		}
	}
}
