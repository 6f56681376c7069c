package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// A suite is a named group of benchmark cases (scheduler; later spill,
// frame, array). To add one, write its cases in a file of its own and list
// it in allSuites.
type suite struct {
	name  string
	doc   string
	cases []benchCase
}

// A benchCase measures one thing and reports its metrics through emit. It
// returns an error when its computed result is wrong or the context is
// cancelled; the metrics it emitted before stay reported.
type benchCase struct {
	name string
	doc  string
	run  func(ctx context.Context, o options, emit func(result) error) error
}

// allSuites returns the registry of suites, in the order "all" runs them.
func allSuites() []suite {
	return []suite{
		schedulerSuite(),
		spillSuite(),
		ioSuite(),
		frameSuite(),
		arraySuite(),
		h2oSuite(),
		oocSuite(),
	}
}

func suiteNames() string {
	var names []string
	for _, s := range allSuites() {
		names = append(names, s.name)
	}
	return strings.Join(names, ", ")
}

// selectSuites returns the suites named, in the order given; "all" names
// every suite.
func selectSuites(names []string) ([]suite, error) {
	all := allSuites()
	var out []suite
	for _, n := range names {
		if n == "all" {
			out = append(out, all...)
			continue
		}
		i := slices.IndexFunc(all, func(s suite) bool { return s.name == n })
		if i < 0 {
			return nil, fmt.Errorf("%w: unknown suite %q (suites: %s, all)", errUsage, n, suiteNames())
		}
		out = append(out, all[i])
	}
	return out, nil
}

// result is one measured value. Its JSON form is the line format of -json.
type result struct {
	Suite  string  `json:"suite"`
	Case   string  `json:"case"`
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	// Target is the spec's goal for this metric, shown in table mode only
	// ("≤ 250 on 2 cores"); empty when the spec sets none.
	Target string `json:"-"`
}

// machine describes the computer the benchmarks ran on. Its JSON form is
// the first line of -json output.
type machine struct {
	Suite      string `json:"suite"` // always "machine"
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	CPU        string `json:"cpu,omitempty"`
	Go         string `json:"go"`
	// Load is the load average (1, 5, 15 minutes) at the start, where the
	// system tells it: other work running at the same time skews timings.
	Load string `json:"load,omitempty"`
	Time string `json:"time"`
}

func describeMachine() machine {
	return machine{
		Suite:      "machine",
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		CPU:        cpuModel(),
		Go:         runtime.Version(),
		Load:       loadAverage(),
		Time:       time.Now().UTC().Format(time.RFC3339),
	}
}

// cpuModel returns the CPU's model name from /proc/cpuinfo, or "" where
// there is no such file (not Linux) or no such line (some ARM kernels).
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name", "Model", "cpu model", "Processor":
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// loadAverage returns the first three fields of /proc/loadavg, or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// reporter writes results as they come: JSON lines, or table lines with
// fixed-width columns so that lines printed case by case stay aligned.
type reporter struct {
	w       io.Writer
	json    bool
	enc     *json.Encoder
	started bool
}

func newReporter(w io.Writer, jsonLines bool) *reporter {
	return &reporter{w: w, json: jsonLines, enc: json.NewEncoder(w)}
}

const tableFormat = "%-10s %-16s %-22s %14s  %-8s %s"

func (r *reporter) machine(m machine) error {
	if r.json {
		return r.enc.Encode(m)
	}
	cpu := m.CPU
	if cpu == "" {
		cpu = "unknown"
	}
	load := ""
	if m.Load != "" {
		load = "\nload:    " + m.Load + " (1, 5, 15 min; timings are noisy when it is near or above the CPU count)"
	}
	_, err := fmt.Fprintf(r.w, "machine: %s/%s, %d CPUs, GOMAXPROCS %d, %s\ncpu:     %s%s\ndate:    %s\n\n",
		m.GOOS, m.GOARCH, m.NumCPU, m.GOMAXPROCS, m.Go, cpu, load, m.Time)
	return err
}

func (r *reporter) result(res result) error {
	if r.json {
		return r.enc.Encode(res)
	}
	if !r.started {
		r.started = true
		if err := r.line(tableFormat, "SUITE", "CASE", "METRIC", "VALUE", "UNIT", "TARGET"); err != nil {
			return err
		}
	}
	return r.line(tableFormat, res.Suite, res.Case, res.Metric, formatValue(res.Value), res.Unit, res.Target)
}

// line prints one table line without trailing blanks.
func (r *reporter) line(format string, args ...any) error {
	_, err := fmt.Fprintln(r.w, strings.TrimRight(fmt.Sprintf(format, args...), " "))
	return err
}

// failure notes a failed case in the table; in JSON mode the error goes to
// stderr only (through the command's exit), so every stdout line parses.
func (r *reporter) failure(suite, name string, err error) {
	if r.json {
		return
	}
	fmt.Fprintf(r.w, "%-10s %-16s FAILED: %v\n", suite, name, err)
}

// formatValue prints integers without decimals and other values with about
// four significant digits.
func formatValue(v float64) string {
	switch a := math.Abs(v); {
	case v == math.Trunc(v) && a < 1e15:
		return fmt.Sprintf("%.0f", v)
	case a >= 100:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.3f", v)
	default:
		return fmt.Sprintf("%.4g", v)
	}
}

// medianIndex returns the index in xs of the median value (the lower middle
// one for an even count), so that other measurements of the same run can be
// reported with it.
func medianIndex(xs []float64) int {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	return idx[(len(idx)-1)/2]
}

// workersOf returns the number of workers that o asks for.
func workersOf(o options) int {
	if o.workers > 0 {
		return o.workers
	}
	return runtime.GOMAXPROCS(0)
}
