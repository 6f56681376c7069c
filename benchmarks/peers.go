package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The peer runner measures the engines dusk is compared with, DuckDB and
// Polars, through their Node.js packages: benchmarks/peers/peers.mjs runs
// one task and prints JSON lines; runPeer installs the packages on first
// use (npm ci into benchmarks/peers/node_modules) and runs it in a fresh
// node process per run, so each run starts with empty memory.

// errPeerUnavailable marks a machine that cannot run the peers: no node or
// npm, or a failed install. The error says what is missing.
var errPeerUnavailable = errors.New("peer engines unavailable")

// peerResult is one run of a peer's task, as peers.mjs prints it.
type peerResult struct {
	Engine  string `json:"engine"`
	Task    string `json:"task"`
	Version string `json:"version"`
	Threads int    `json:"threads"`
	// Seconds is the wall time of the whole task, reading included.
	Seconds float64 `json:"seconds"`
	// Rows is the number of rows of the task's result: the table read, or
	// the rows filter_project kept.
	Rows int64 `json:"rows"`
	// Sum, ReadSeconds and ComputeSeconds are filter_project's: the sum of
	// v1*v3 over the kept rows, the time to read the CSV, and the time of
	// the filter and projection (with the count and sum) after it.
	Sum            float64 `json:"sum,omitempty"`
	ReadSeconds    float64 `json:"read_seconds,omitempty"`
	ComputeSeconds float64 `json:"compute_seconds,omitempty"`
	// MaxRSSBytes is the node process's peak resident memory.
	MaxRSSBytes int64 `json:"max_rss_bytes"`

	// Question, RunSeconds, Chk and ChkColumns are the h2o tasks': one
	// line per question ("q1"), where Seconds is the fastest of
	// RunSeconds (the query alone, the data read before), Rows the
	// answer's rows and Chk the sums of its measure columns ChkColumns.
	Question   string    `json:"question,omitempty"`
	RunSeconds []float64 `json:"run_seconds,omitempty"`
	Chk        []float64 `json:"chk,omitempty"`
	ChkColumns []string  `json:"chk_columns,omitempty"`
}

// peerJob is the JSON job peers.mjs reads.
type peerJob struct {
	Engine  string `json:"engine"`
	Task    string `json:"task"`
	Path    string `json:"path,omitempty"`
	Threads int    `json:"threads,omitempty"`
	// Right, Questions and Runs are the h2o tasks': the join's right
	// tables by name ("small", "medium", "big"), the questions to run (all
	// when empty) and the timed runs of each.
	Right     map[string]string `json:"right,omitempty"`
	Questions []string          `json:"questions,omitempty"`
	Runs      int               `json:"runs,omitempty"`
}

// The peer engines and the tasks peers.mjs runs.
const (
	peerDuckDB = "duckdb"
	peerPolars = "polars"

	peerReadCSV       = "read_csv"       // read the CSV fully into memory
	peerFilterProject = "filter_project" // read, keep v3 > 50, v = v1*v3, keep id1 and v; count and sum
	peerVersion       = "version"        // report the engine's version
	peerH2OGroupby    = "h2o_groupby"    // the db-benchmark's groupby questions, one line each
	peerH2OJoin       = "h2o_join"       // its join questions
)

// runPeer runs task on engine over the CSV file path with threads threads
// (0: all cores) in a fresh node process and returns what it reported. The
// first call installs the peers' packages when they are missing. Errors
// wrap errPeerUnavailable when node or npm is missing or the install fails.
func runPeer(ctx context.Context, engine, task, path string, threads int) (peerResult, error) {
	stdout, err := execPeer(ctx, peerJob{Engine: engine, Task: task, Path: path, Threads: threads})
	if err != nil {
		return peerResult{}, err
	}
	res, err := parsePeerOutput(stdout)
	if err != nil {
		return peerResult{}, fmt.Errorf("peer %s %s: %w", engine, task, err)
	}
	if res.Engine != engine || res.Task != task {
		return peerResult{}, fmt.Errorf("peer %s %s: got a result of %s %s", engine, task, res.Engine, res.Task)
	}
	if task != peerVersion && res.Seconds <= 0 {
		return peerResult{}, fmt.Errorf("peer %s %s: reported %v seconds", engine, task, res.Seconds)
	}
	return res, nil
}

// runPeerLines runs job (an h2o task) in a fresh node process and returns
// every line it printed, one per question. When the process fails part
// way, it returns the lines printed before with the error.
func runPeerLines(ctx context.Context, job peerJob) ([]peerResult, error) {
	stdout, runErr := execPeer(ctx, job)
	if stdout == nil {
		return nil, runErr
	}
	var out []peerResult
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var res peerResult
		if err := json.Unmarshal(line, &res); err != nil {
			return out, errors.Join(runErr, fmt.Errorf("peer %s %s: output line %q: %w", job.Engine, job.Task, line, err))
		}
		if res.Engine != job.Engine || res.Task != job.Task {
			return out, errors.Join(runErr, fmt.Errorf("peer %s %s: got a result of %s %s", job.Engine, job.Task, res.Engine, res.Task))
		}
		out = append(out, res)
	}
	if err := sc.Err(); err != nil {
		return out, errors.Join(runErr, err)
	}
	return out, runErr
}

// execPeer runs job in a fresh node process and returns its standard
// output, after installing the peers' packages on first use. On a failure
// of the process it returns the output so far with the error; on one
// before the process started, a nil output.
func execPeer(ctx context.Context, job peerJob) (*bytes.Buffer, error) {
	dir, err := peersDir()
	if err != nil {
		return nil, err
	}
	node, err := ensurePeers(ctx, dir)
	if err != nil {
		return nil, err
	}
	if job.Path != "" {
		if job.Path, err = filepath.Abs(job.Path); err != nil {
			return nil, err
		}
	}
	if job.Right != nil {
		right := make(map[string]string, len(job.Right))
		for name, p := range job.Right {
			if right[name], err = filepath.Abs(p); err != nil {
				return nil, err
			}
		}
		job.Right = right
	}
	arg, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, node, "--expose-gc", "peers.mjs", string(arg))
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return &stdout, fmt.Errorf("peer %s %s: %w: %s", job.Engine, job.Task, err, lastLines(stderr.String(), 5))
	}
	return &stdout, nil
}

// parsePeerOutput returns the last JSON line of peers.mjs's output.
func parsePeerOutput(r io.Reader) (peerResult, error) {
	var res peerResult
	found := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := json.Unmarshal(line, &res); err != nil {
			return peerResult{}, fmt.Errorf("output line %q: %w", line, err)
		}
		found = true
	}
	if err := sc.Err(); err != nil {
		return peerResult{}, err
	}
	if !found {
		return peerResult{}, errors.New("no result in the output")
	}
	return res, nil
}

// peersDir returns the directory of peers.mjs: $DUSK_PEERS_DIR, else
// benchmarks/peers beside this source file, else benchmarks/peers or peers
// under the working directory.
func peersDir() (string, error) {
	var candidates []string
	if d := os.Getenv("DUSK_PEERS_DIR"); d != "" {
		candidates = append(candidates, d)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(file), "peers"))
	}
	candidates = append(candidates, filepath.Join("benchmarks", "peers"), "peers")
	for _, d := range candidates {
		if _, err := os.Stat(filepath.Join(d, "peers.mjs")); err == nil {
			return filepath.Abs(d)
		}
	}
	return "", fmt.Errorf("%w: peers.mjs not found in %s (set DUSK_PEERS_DIR)", errPeerUnavailable, strings.Join(candidates, ", "))
}

// peersInstall serializes installs of the peers' packages within the
// process; npm itself is not safe to run twice at once in one directory.
var peersInstall sync.Mutex

// ensurePeers returns node's path after installing the peers' packages
// into dir/node_modules when they are missing or older than the lock file.
func ensurePeers(ctx context.Context, dir string) (node string, err error) {
	node, err = exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("%w: node not found in PATH: install Node.js 20 or later and npm (Debian: apt-get install nodejs npm)", errPeerUnavailable)
	}
	peersInstall.Lock()
	defer peersInstall.Unlock()
	if peersInstalled(dir) {
		return node, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("%w: npm not found in PATH: install npm (Debian: apt-get install npm), or run npm ci in %s", errPeerUnavailable, dir)
	}
	// npm ci installs exactly the lock file; where it cannot (no lock
	// file, or a registry that lacks a platform package the lock names),
	// npm install of package.json's exact versions, without touching the
	// lock file.
	var tries [][]string
	if _, err := os.Stat(filepath.Join(dir, "package-lock.json")); err == nil {
		tries = append(tries, []string{"ci"})
	}
	tries = append(tries, []string{"install", "--no-package-lock"})
	var failures []string
	for _, args := range tries {
		args = append(args, "--no-audit", "--no-fund", "--loglevel=error")
		cmd := exec.CommandContext(ctx, npm, args...)
		cmd.Dir = dir
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if err == nil && peersInstalled(dir) {
			return node, nil
		}
		if err == nil {
			err = errors.New("the packages are still missing")
		}
		failures = append(failures, fmt.Sprintf("npm %s: %v: %s", strings.Join(args[:len(args)-3], " "), err, lastLines(string(out), 6)))
	}
	return "", fmt.Errorf("%w: installing the peers in %s: %s", errPeerUnavailable, dir, strings.Join(failures, "; "))
}

// peersInstalled reports whether dir/node_modules holds both peers,
// installed after the lock file last changed (npm writes
// node_modules/.package-lock.json at each install).
func peersInstalled(dir string) bool {
	for _, p := range []string{"@duckdb/node-api/package.json", "nodejs-polars/package.json"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", p)); err != nil {
			return false
		}
	}
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return true
	}
	installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	return err == nil && !installed.ModTime().Before(lock.ModTime())
}

// lastLines returns the last n non-empty lines of s, joined by " | ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// ---- the peers suite ----
