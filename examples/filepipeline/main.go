// Command filepipeline runs a file pipeline on all cores: it reads a
// directory of CSV sensor logs, parses and cleans each file (drops error
// rows and implausible readings, derives the dew point), computes the
// statistics of each file, and merges them into a summary.
//
//	go run ./examples/filepipeline
//	go run ./examples/filepipeline -files 1000 -rows 20000 -workers 8
//	go run ./examples/filepipeline -dir /tmp/sensors   # keep the input there
//
// It makes its own input: -files CSV files of about -rows rows each (a few
// hundred KB), written in parallel with scheduler.Map into a temporary
// directory that is removed at the end (unless -keep, or -dir names one).
// The files then flow through scheduler.Stream, which runs read → parse →
// stats for several files at once and yields the results in input order,
// holding at most a window of files in memory; scheduler.StreamUnordered
// yields them as they finish instead. The pipeline checks its row counts
// against what the generator wrote and fails if they differ.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/dusk-go/dusk/scheduler"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "filepipeline:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) (err error) {
	fs := flag.NewFlagSet("filepipeline", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	files := fs.Int("files", 200, "number of input files to generate")
	rows := fs.Int("rows", 10_000, "average rows per file (each file has between rows/2 and 3*rows/2)")
	workers := fs.Int("workers", 0, "workers (0: GOMAXPROCS)")
	dir := fs.String("dir", "", "directory to write the input files to and keep (default: a temporary directory)")
	keep := fs.Bool("keep", false, "keep the temporary input directory")
	show := fs.Int("show", 5, "print a line for each of the first `n` files")
	seed := fs.Uint64("seed", 1, "seed of the generated data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case *files <= 0:
		return fmt.Errorf("-files %d: want a positive number of files", *files)
	case *rows <= 0:
		return fmt.Errorf("-rows %d: want a positive number of rows", *rows)
	case *workers < 0:
		return fmt.Errorf("-workers %d: want a positive number, or 0 for GOMAXPROCS", *workers)
	}
	s := scheduler.New(scheduler.Workers(*workers))

	// 0. The input directory.
	inputDir := *dir
	if inputDir == "" {
		if inputDir, err = os.MkdirTemp("", "dusk-filepipeline-"); err != nil {
			return err
		}
		if !*keep {
			defer func() {
				if rmErr := os.RemoveAll(inputDir); rmErr != nil && err == nil {
					err = rmErr
				}
			}()
		}
	} else if err := os.MkdirAll(inputDir, 0o755); err != nil {
		return err
	}

	fmt.Fprintf(w, "dusk file pipeline: read → parse & clean → statistics, on %d workers (%d CPUs)\n\n", s.Workers(), runtime.NumCPU())

	// 1. Generate the input files in parallel: one task per file.
	start := time.Now()
	gen, err := scheduler.Map(ctx, indexes(*files), func(ctx context.Context, i int) (genInfo, error) {
		return generate(ctx, inputDir, i, *rows, *seed)
	}, s, scheduler.Op("generate"))
	if err != nil {
		return fmt.Errorf("generating the input: %w", err)
	}
	var genBytes int64
	genRows, genValid := 0, 0
	for _, g := range gen {
		genBytes += g.bytes
		genRows += g.rows
		genValid += g.valid
	}
	where := inputDir
	if *dir == "" && !*keep {
		where += " (removed at the end; -keep keeps it)"
	}
	fmt.Fprintf(w, "input:  %d files, %s rows, %s in %s\n", *files, thousands(genRows), megabytes(genBytes), where)
	fmt.Fprintf(w, "        generated with scheduler.Map in %.2f s\n\n", time.Since(start).Seconds())

	paths := make([]string, len(gen))
	for i, g := range gen {
		paths[i] = g.path
	}

	// 2. The pipeline, in input order: scheduler.Stream runs processFile on
	// the workers and yields each file's statistics in the order of paths.
	fmt.Fprintf(w, "scheduler.Stream (results in input order), the first %d files:\n", min(*show, len(paths)))
	fmt.Fprintf(w, "  %-17s %7s %7s %7s %8s  %7s %6s %7s %7s  %7s %8s\n",
		"file", "rows", "kept", "errors", "outliers", "mean°C", "sd", "min", "max", "dew°C", "time")
	var total summary
	start = time.Now()
	i := 0
	for st, err := range scheduler.Stream(ctx, slices.Values(paths), processFile, s, scheduler.Op("read → parse → stats")) {
		if err != nil {
			return err
		}
		if i < *show {
			fmt.Fprintf(w, "  %-17s %7d %7d %7d %8d  %7.2f %6.2f %7.2f %7.2f  %7.2f %8s\n",
				filepath.Base(st.path), st.rows, st.temp.n, st.errRows, st.outliers,
				st.temp.mean, st.temp.stddev(), st.temp.min, st.temp.max, st.dewMean, roundDuration(st.read+st.parse+st.stats))
		}
		total.add(st)
		i++
	}
	elapsed := time.Since(start)
	if i > *show {
		fmt.Fprintf(w, "  … and %d more files\n", i-*show)
	}
	total.print(w, elapsed, s.Workers())

	if total.rows != genRows || total.temp.n != genValid || total.files != len(gen) {
		return fmt.Errorf("check failed: the pipeline saw %d files, %d rows, %d valid; the generator wrote %d, %d, %d",
			total.files, total.rows, total.temp.n, len(gen), genRows, genValid)
	}
	fmt.Fprintf(w, "  check:        %d files, %s rows and %s valid readings, as generated: ok\n\n",
		total.files, thousands(total.rows), thousands(total.temp.n))

	// 3. The same pipeline in completion order: StreamUnordered yields each
	// file as soon as it is done. Breaking out of the loop cancels the files
	// still in flight and waits for them.
	const first = 3
	fmt.Fprintf(w, "scheduler.StreamUnordered (results in completion order), the first %d files to finish:\n", first)
	start = time.Now()
	got := 0
	for st, err := range scheduler.StreamUnordered(ctx, slices.Values(paths), processFile, s, scheduler.Op("read → parse → stats")) {
		if err != nil {
			return err
		}
		got++
		fmt.Fprintf(w, "  %d. %-17s %6d rows, mean %.2f °C, finished after %s\n",
			got, filepath.Base(st.path), st.rows, st.temp.mean, roundDuration(time.Since(start)))
		if got == first {
			break
		}
	}
	fmt.Fprintf(w, "  stopped after %d of %d files: breaking out cancelled the rest (%s in all)\n",
		got, len(paths), roundDuration(time.Since(start)))
	return nil
}

// fileStats is what the pipeline learns from one file.
type fileStats struct {
	path     string
	bytes    int64
	rows     int     // data rows read
	errRows  int     // dropped: status err
	outliers int     // dropped: temperature out of [minTemp, maxTemp]
	temp     moments // temperature of the rows kept
	dewMean  float64 // mean dew point of the rows kept
	hottest  string  // sensor with the highest reading
	// Time spent in each stage.
	read, parse, stats time.Duration
}

// reading is one cleaned row.
type reading struct {
	temp, dew float64
	sensor    [4]byte
}

// processFile is the pipeline for one file: read it, parse and clean its
// rows, compute their statistics.
func processFile(ctx context.Context, path string) (fileStats, error) {
	st := fileStats{path: path}
	t0 := time.Now()
	data, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	st.bytes = int64(len(data))
	t1 := time.Now()
	if err := ctx.Err(); err != nil {
		return st, context.Cause(ctx)
	}
	readings, err := parse(path, data, &st)
	if err != nil {
		return st, err
	}
	t2 := time.Now()
	describe(readings, &st)
	st.read, st.parse, st.stats = t1.Sub(t0), t2.Sub(t1), time.Since(t2)
	return st, nil
}

// parse is the preprocessing stage: it parses the rows of data, drops
// those with status err or an implausible temperature (counting them in
// st) and derives each kept row's dew point. Malformed input is an error
// that names the file, line and column.
func parse(path string, data []byte, st *fileStats) ([]reading, error) {
	first, rest, _ := bytes.Cut(data, []byte{'\n'})
	if string(bytes.TrimSuffix(first, []byte{'\r'})) != header {
		return nil, fmt.Errorf("%s:1: want the header %q", path, header)
	}
	out := make([]reading, 0, len(data)/34)
	var fields [5][]byte
	var cols [5]int
	line := 1
	for b := range bytes.Lines(rest) {
		line++
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte{'\n'}), []byte{'\r'})
		if len(b) == 0 {
			continue
		}
		n := 0
		for start := 0; ; {
			end := start
			for end < len(b) && b[end] != ',' {
				end++
			}
			if n < len(fields) {
				fields[n], cols[n] = b[start:end], start+1
			}
			n++
			if end == len(b) {
				break
			}
			start = end + 1
		}
		if n != len(fields) {
			return nil, fmt.Errorf("%s:%d: got %d fields, want %d", path, line, n, len(fields))
		}
		st.rows++
		switch string(fields[4]) {
		case "ok":
		case "err":
			st.errRows++
			continue
		default:
			return nil, fmt.Errorf("%s:%d:%d: status %q, want ok or err", path, line, cols[4], fields[4])
		}
		temp, err := strconv.ParseFloat(string(fields[2]), 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d:%d: temperature: %w", path, line, cols[2], err)
		}
		hum, err := strconv.ParseFloat(string(fields[3]), 64)
		if err != nil || hum <= 0 || hum > 100 {
			return nil, fmt.Errorf("%s:%d:%d: humidity %q: want a percentage in (0, 100]", path, line, cols[3], fields[3])
		}
		if temp < minTemp || temp > maxTemp {
			st.outliers++
			continue
		}
		r := reading{temp: temp, dew: dewPoint(temp, hum)}
		copy(r.sensor[:], fields[1])
		out = append(out, r)
	}
	return out, nil
}

// dewPoint returns the dew point (°C) of air at temp °C and hum % relative
// humidity, by the Magnus formula.
func dewPoint(temp, hum float64) float64 {
	const b, c = 17.62, 243.12
	g := math.Log(hum/100) + b*temp/(c+temp)
	return c * g / (b - g)
}

// describe is the processing stage: the statistics of the kept readings.
func describe(rs []reading, st *fileStats) {
	dew, hot := 0.0, math.Inf(-1)
	for _, r := range rs {
		st.temp.push(r.temp)
		dew += r.dew
		if r.temp > hot {
			hot, st.hottest = r.temp, string(r.sensor[:])
		}
	}
	if len(rs) > 0 {
		st.dewMean = dew / float64(len(rs))
	}
}

// moments accumulates count, mean, sum of squared deviations, min and max
// (Welford's method); two of them merge exactly (Chan et al.), which is how
// per-file statistics become the totals.
type moments struct {
	n        int
	mean, m2 float64
	min, max float64
}

func (m *moments) push(x float64) {
	if m.n == 0 {
		m.min, m.max = x, x
	}
	m.n++
	d := x - m.mean
	m.mean += d / float64(m.n)
	m.m2 += d * (x - m.mean)
	m.min, m.max = min(m.min, x), max(m.max, x)
}

func (m *moments) merge(o moments) {
	switch {
	case o.n == 0:
		return
	case m.n == 0:
		*m = o
		return
	}
	n := m.n + o.n
	d := o.mean - m.mean
	m.mean += d * float64(o.n) / float64(n)
	m.m2 += o.m2 + d*d*float64(m.n)*float64(o.n)/float64(n)
	m.n = n
	m.min, m.max = min(m.min, o.min), max(m.max, o.max)
}

// stddev is the sample standard deviation.
func (m moments) stddev() float64 {
	if m.n < 2 {
		return 0
	}
	return math.Sqrt(m.m2 / float64(m.n-1))
}

// summary merges the statistics of all files.
type summary struct {
	files, rows, errRows, outliers int
	bytes                          int64
	temp                           moments
	dewSum                         float64
	warmest                        fileStats
	hottest, hottestFile           string
	hottestTemp                    float64
	read, parse, stats             time.Duration
}

func (s *summary) add(st fileStats) {
	if s.files == 0 || st.temp.mean > s.warmest.temp.mean {
		s.warmest = st
	}
	if s.files == 0 || st.temp.max > s.hottestTemp {
		s.hottestTemp, s.hottest, s.hottestFile = st.temp.max, st.hottest, st.path
	}
	s.files++
	s.rows += st.rows
	s.errRows += st.errRows
	s.outliers += st.outliers
	s.bytes += st.bytes
	s.temp.merge(st.temp)
	s.dewSum += st.dewMean * float64(st.temp.n)
	s.read += st.read
	s.parse += st.parse
	s.stats += st.stats
}

func (s *summary) print(w io.Writer, elapsed time.Duration, workers int) {
	sec := elapsed.Seconds()
	dew := 0.0
	if s.temp.n > 0 {
		dew = s.dewSum / float64(s.temp.n)
	}
	fmt.Fprintf(w, "\nsummary:\n")
	fmt.Fprintf(w, "  files:        %d, %s read\n", s.files, megabytes(s.bytes))
	fmt.Fprintf(w, "  rows:         %s: %s kept, %s dropped with status err, %s dropped as outliers (temperature outside [%g, %g] °C)\n",
		thousands(s.rows), thousands(s.temp.n), thousands(s.errRows), thousands(s.outliers), minTemp, maxTemp)
	fmt.Fprintf(w, "  temperature:  mean %.3f °C, sd %.3f, min %.2f, max %.2f (sensor %s in %s)\n",
		s.temp.mean, s.temp.stddev(), s.temp.min, s.temp.max, s.hottest, filepath.Base(s.hottestFile))
	fmt.Fprintf(w, "  dew point:    mean %.3f °C\n", dew)
	fmt.Fprintf(w, "  warmest file: %s (mean %.3f °C)\n", filepath.Base(s.warmest.path), s.warmest.temp.mean)
	fmt.Fprintf(w, "  elapsed:      %.3f s on %d workers: %.1f MB/s, %.2f million rows/s, %.0f files/s\n",
		sec, workers, float64(s.bytes)/1e6/sec, float64(s.rows)/1e6/sec, float64(s.files)/sec)
	busy := s.read + s.parse + s.stats
	fmt.Fprintf(w, "  stage time:   read %.3f s, parse & clean %.3f s, statistics %.3f s (summed over workers; %.0f%% of %d workers × elapsed)\n",
		s.read.Seconds(), s.parse.Seconds(), s.stats.Seconds(), 100*busy.Seconds()/(sec*float64(workers)), workers)
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// thousands formats n with comma separators: 2,000,000.
func thousands(n int) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
