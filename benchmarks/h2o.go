package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	"github.com/dusk-go/dusk/frame"
	"github.com/dusk-go/dusk/internal/h2o"
)

// The h2o suite asks the db-benchmark's questions (first h2o.ai's, now
// DuckDB Labs'): ten group-bys over G1_1e7_1e2_0_0 and five joins of
// J1_1e7_NA_0_0 with its small, medium and big right-hand tables. As in
// the benchmark, the CSV files are read into memory first (untimed) and
// each question is timed alone, from the plan to the answer materialized
// as a table; its check is the sums of the answer's measure columns and
// its row count. With -peers, DuckDB and Polars answer the same questions
// on the same files (benchmarks/peers/peers.mjs, tasks h2o_groupby and
// h2o_join) and their checks must agree with dusk's. -quick asks them of
// G1_1e5_1e2_0_0 and J1_1e6_NA_0_0 (the smallest join data set: its
// small table has N/1e6 rows).

func h2oSuite() suite {
	return suite{
		name: "h2o",
		doc:  "the db-benchmark's groupby (q1..q10 on G1_1e7_1e2_0_0) and join (q1..q5 on J1_1e7_NA_0_0) questions on tables in memory; -peers adds DuckDB and Polars",
		cases: []benchCase{
			{name: "groupby", doc: "q1..q10: sums, means, median and sd, max-min, largest two, r², count, by 1 to 6 keys: seconds, rows and check sums; best of 2", run: h2oGroupby},
			{name: "join", doc: "q1..q5: inner joins with the small, medium (int and string key) and big tables, a left join with medium: seconds, rows and check sums; best of 2", run: h2oJoin},
		},
	}
}

// An h2oQuestion is one question of the benchmark.
type h2oQuestion struct {
	name  string // "q1"
	query h2oQuery
	// chk names the answer's measure columns whose sums make the check,
	// as the benchmark's scripts name them.
	chk []string
	// check, when set, computes the rows and the check from the computed
	// table in place of counting its rows and summing the chk columns.
	check func(tbl arrow.Table) (rows int64, chk []float64, err error)
	// lo and hi bound the row count of a right answer.
	lo, hi int64
	// tol is the relative difference allowed between two engines' checks.
	tol float64
}

// An h2oQuery builds a question's answer from the tables by the names the
// benchmark's scripts give them: x, and small, medium, big for joins.
type h2oQuery = func(t map[string]*frame.Frame) *frame.Frame

// An h2oAnswer is one engine's answer to one question.
type h2oAnswer struct {
	seconds float64
	rows    int64
	chk     []float64
	err     error
	done    bool // answered (err is nil)
}

// h2oGroupbyQuestions returns the groupby questions over the data set g.
func h2oGroupbyQuestions(g h2o.Groupby) []h2oQuestion {
	n, k := float64(g.N), float64(g.K)
	idK, idNK := k, math.Ceil(n/k) // distinct values of id1, id2, id4, id5 and of id3, id6
	// by("id1")(aggs...) groups x by id1 and aggregates.
	by := func(keys ...string) func(aggs ...frame.Agg) h2oQuery {
		return func(aggs ...frame.Agg) h2oQuery {
			return func(t map[string]*frame.Frame) *frame.Frame { return t["x"].GroupBy(keys...).Agg(aggs...) }
		}
	}
	q := func(name string, groups float64, query h2oQuery, chk ...string) h2oQuestion {
		lo, hi := distinctRange(n, groups)
		return h2oQuestion{name: name, query: query, chk: chk, lo: lo, hi: hi, tol: 1e-6}
	}
	qs := []h2oQuestion{
		q("q1", idK, by("id1")(frame.Sum("v1").As("v1")), "v1"),
		q("q2", idK*idK, by("id1", "id2")(frame.Sum("v1").As("v1")), "v1"),
		q("q3", idNK, by("id3")(frame.Sum("v1").As("v1"), frame.Mean("v3").As("v3")), "v1", "v3"),
		q("q4", idK, by("id4")(frame.Mean("v1").As("v1"), frame.Mean("v2").As("v2"), frame.Mean("v3").As("v3")), "v1", "v2", "v3"),
		q("q5", idNK, by("id6")(frame.Sum("v1").As("v1"), frame.Sum("v2").As("v2"), frame.Sum("v3").As("v3")), "v1", "v2", "v3"),
		q("q6", idK*idK, by("id4", "id5")(frame.Median("v3").As("median_v3"), frame.Std("v3", 1).As("sd_v3")), "median_v3", "sd_v3"),
		q("q7", idNK, func(t map[string]*frame.Frame) *frame.Frame {
			return t["x"].GroupBy("id3").Agg(frame.Max("v1").As("max_v1"), frame.Min("v2").As("min_v2")).
				WithColumns(frame.Col("max_v1").Sub(frame.Col("min_v2")).As("range_v1_v2")).
				Select("id3", "range_v1_v2")
		}, "range_v1_v2"),
		q("q8", idNK, h2oLargest2, "largest2_v3"),
		q("q9", idK*idK, func(t map[string]*frame.Frame) *frame.Frame {
			return t["x"].GroupBy("id2", "id4").Agg(frame.Corr("v1", "v2").As("r")).
				WithColumns(frame.Col("r").Mul(frame.Col("r")).As("r2")).
				Select("id2", "id4", "r2")
		}, "r2"),
		q("q10", idK*idK*idK*idK*idNK*idNK, by("id1", "id2", "id3", "id4", "id5", "id6")(frame.Sum("v3").As("v3"), frame.Len().As("count")), "v3", "count"),
	}
	// q8's answer has two rows per group of id6, one for a group of one
	// row: rows of one value are rare enough to bound by their expected
	// count (n draws, each alone in its group with probability
	// (1-1/groups)^(n-1)).
	q8 := &qs[7]
	single := n * math.Exp((n-1)*math.Log1p(-1/idNK))
	q8.lo, q8.hi = 2*q8.lo-int64(math.Ceil(single+6*math.Sqrt(single))), 2*q8.hi
	// median and sd (q6) and r² (q9) are computed differently by each
	// engine: the sd and the correlation in one pass or two, with
	// different rounding.
	qs[5].tol, qs[8].tol = 1e-4, 1e-4
	return qs
}

// h2oLargest2 answers q8, the two largest v3 of each id6 (the benchmark's
// row_number() over (partition by id6 order by v3 desc) <= 2, over the
// rows where v3 is not null): GroupBy(...).TopK.
func h2oLargest2(t map[string]*frame.Frame) *frame.Frame {
	return t["x"].Select("id6", "v3").Filter(frame.Col("v3").IsNotNull()).
		GroupBy("id6").TopK(2, frame.Desc("v3")).
		Rename(map[string]string{"v3": "largest2_v3"})
}

// h2oJoinQuestions returns the join questions over the data set j.
func h2oJoinQuestions(j h2o.Join) []h2oQuestion {
	n := float64(j.N)
	join := func(name, right string, how frame.JoinType, key string, keys float64) h2oQuestion {
		// The right table's own key column (id1 of small, id2 of medium and
		// its id5 = "id"+id2, id3 of big) holds each key of its pool once:
		// a left row matches one right row when its key is among the
		// pool's 90% shared with the left table's, else none. The left
		// table holds each key of its pool once and draws its other rows
		// uniformly from the pool.
		shared := math.Floor(keys * 9 / 10)
		p := shared / keys
		mean, sd := shared+(n-keys)*p, math.Sqrt((n-keys)*p*(1-p))
		lo, hi := int64(math.Ceil(mean-6*sd-1e-6)), int64(math.Floor(mean+6*sd+1e-6))
		if how == frame.Left {
			lo, hi = j.N, j.N
		}
		return h2oQuestion{name: name, chk: []string{"v1", "v2"}, lo: lo, hi: hi, tol: 1e-6,
			query: func(t map[string]*frame.Frame) *frame.Frame { return t["x"].Join(t[right], how, key) }}
	}
	small, medium := n/1e6, n/1e3
	return []h2oQuestion{
		join("q1", "small", frame.Inner, "id1", small),
		join("q2", "medium", frame.Inner, "id2", medium),
		join("q3", "medium", frame.Left, "id2", medium),
		join("q4", "medium", frame.Inner, "id5", medium),
		join("q5", "big", frame.Inner, "id3", n),
	}
}

// distinctRange bounds the number of distinct values that n uniform draws
// from m values take: its expectation m(1-(1-1/m)^n) less six standard
// deviations (the variance is at most the expected count of values not
// drawn, and at most that of repeated draws), up to min(n, m).
func distinctRange(n, m float64) (lo, hi int64) {
	e := m * -math.Expm1(n*math.Log1p(-1/m))
	sd := math.Sqrt(max(0, min(m-e, n-e)))
	return max(0, int64(math.Ceil(e-6*sd-1e-6))), int64(min(n, m))
}

func h2oGroupby(ctx context.Context, o options, emit func(result) error) error {
	path, g, err := groupbyData(ctx, o)
	if err != nil {
		return err
	}
	x, secs, err := h2oRead(ctx, o, path, checkGroupbySchema)
	if err != nil {
		return err
	}
	tables := map[string]*frame.Frame{"x": frame.FromTable(x, partitionRows(x.NumRows(), o))}
	if err := emit(result{Metric: "read_seconds", Value: secs, Unit: "s"}); err != nil {
		x.Release()
		return err
	}
	job := peerJob{Task: peerH2OGroupby, Path: path}
	return h2oRun(ctx, o, emit, "groupby", h2oGroupbyQuestions(g), tables, x.Release, job)
}

func h2oJoin(ctx context.Context, o options, emit func(result) error) error {
	j := h2o.Join{N: 1e7}
	if o.quick {
		j.N = 1e6 // the smallest join data set: N is a multiple of 1e6
	}
	dir := dataDirOf(o)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	job := peerJob{Task: peerH2OJoin, Right: map[string]string{}}
	tables := map[string]*frame.Frame{}
	var read []arrow.Table
	release := func() {
		for _, t := range read {
			t.Release()
		}
	}
	var total float64
	for _, t := range h2o.JoinTables() {
		path, err := j.EnsureCSV(ctx, dir, t)
		if err != nil {
			release()
			return err
		}
		tbl, secs, err := h2oRead(ctx, o, path, checkJoinSchema(j.Header(t)))
		if err != nil {
			release()
			return err
		}
		read, total = append(read, tbl), total+secs
		name := t.String()
		rows := partitionRows(tbl.NumRows(), o)
		switch t {
		case h2o.JoinLeft:
			name, job.Path = "x", path
		case h2o.JoinSmall, h2o.JoinMedium:
			// in the partitions the reader made (one for these sizes), so
			// that the join broadcasts them as the peers do
			rows = 0
			job.Right[name] = path
		default:
			job.Right[name] = path
		}
		tables[name] = frame.FromTable(tbl, rows)
	}
	if err := emit(result{Metric: "read_seconds", Value: total, Unit: "s"}); err != nil {
		release()
		return err
	}
	return h2oRun(ctx, o, emit, "join", h2oJoinQuestions(j), tables, release, job)
}

// h2oRead reads the CSV file at path into memory and checks its schema.
func h2oRead(ctx context.Context, o options, path string, check func(*arrow.Schema) error) (arrow.Table, float64, error) {
	start := time.Now()
	tbl, err := frame.ReadCSV(ctx, path).Compute(ctx, schedOpts(o)...)
	if err != nil {
		return nil, 0, err
	}
	secs := time.Since(start).Seconds()
	if err := check(tbl.Schema()); err != nil {
		tbl.Release()
		return nil, 0, fmt.Errorf("%s: %w", path, err)
	}
	return tbl, secs, nil
}

// checkJoinSchema returns a check of the types the CSV reader inferred for
// a join table with the given header: integer id1..id3, string id4..id6,
// float v1 or v2.
func checkJoinSchema(header string) func(*arrow.Schema) error {
	return func(s *arrow.Schema) error {
		names := strings.Split(header, ",")
		if s.NumFields() != len(names) {
			return fmt.Errorf("got %d columns, want %d (%s)", s.NumFields(), len(names), header)
		}
		for i, f := range s.Fields() {
			want := arrow.FLOAT64
			switch names[i] {
			case "id1", "id2", "id3":
				want = arrow.INT64
			case "id4", "id5", "id6":
				want = arrow.STRING
			}
			if f.Name != names[i] || f.Type.ID() != want {
				return fmt.Errorf("column %d: got %s %s, want %s %s", i, f.Name, f.Type, names[i], want)
			}
		}
		return nil
	}
}

// partitionRows returns the partition size of a table of n rows: two
// partitions per worker, of at least 64Ki rows.
func partitionRows(n int64, o options) int64 {
	per := int64(2 * workersOf(o))
	return max((n+per-1)/per, 1<<16)
}

// h2oRun answers the questions with dusk, then (with -peers) with each
// peer engine, compares the checks and reports: per question dusk's
// seconds, each peer's, the ratios, the rows and the checks; then the
// totals. A question dusk fails is reported in the returned error, and
// the others still run. release frees the tables once dusk is done.
func h2oRun(ctx context.Context, o options, emit func(result) error, kind string, qs []h2oQuestion,
	tables map[string]*frame.Frame, release func(), job peerJob) error {
	reps := 2
	if o.quick {
		reps = 1
	}
	var errs []error
	dusk := make([]h2oAnswer, len(qs))
	for i, q := range qs {
		if err := ctx.Err(); err != nil {
			release()
			return err
		}
		dusk[i] = h2oAsk(ctx, o, reps, q, tables)
		if dusk[i].err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", kind, q.name, dusk[i].err))
		}
		if !o.peers {
			if err := emitH2O(emit, q, dusk[i], nil); err != nil {
				release()
				return err
			}
		}
	}
	release()
	runtime.GC()

	engines := []string{peerDuckDB, peerPolars}
	peers := map[string][]h2oAnswer{}
	if o.peers {
		for _, engine := range engines {
			ans, err := h2oPeer(ctx, o, reps, kind, engine, job, qs, dusk)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			errs = append(errs, err)
			peers[engine] = ans
		}
		for i, q := range qs {
			byEngine := map[string]h2oAnswer{}
			for engine, ans := range peers {
				byEngine[engine] = ans[i]
			}
			if err := emitH2O(emit, q, dusk[i], byEngine); err != nil {
				return err
			}
		}
	}

	// totals, over the questions each pair of engines answered
	target := map[string]string{"groupby": "≤ 0.5 × DuckDB (same run)", "join": "≤ Polars (same run)"}[kind]
	var total float64
	for _, a := range dusk {
		if a.done {
			total += a.seconds
		}
	}
	if err := emit(result{Metric: kind + "_total_seconds", Value: total, Unit: "s", Target: target}); err != nil {
		return err
	}
	for _, engine := range engines {
		ans := peers[engine]
		if ans == nil {
			continue
		}
		var ours, theirs float64
		for i, a := range ans {
			if a.done && dusk[i].done {
				ours, theirs = ours+dusk[i].seconds, theirs+a.seconds
			}
		}
		if theirs == 0 {
			continue
		}
		if err := emit(result{Metric: engine + "_total_seconds", Value: theirs, Unit: "s"}); err != nil {
			return err
		}
		if err := emit(result{Metric: "total_ratio_vs_" + engine, Value: ours / theirs, Unit: "x", Target: "< 1 is faster"}); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// h2oAsk answers q with dusk: reps timed runs (the plan built, computed
// into a table), the fastest reported; then the check of the last answer
// and its row count against the question's bounds.
func h2oAsk(ctx context.Context, o options, reps int, q h2oQuestion, tables map[string]*frame.Frame) h2oAnswer {
	var tbl arrow.Table
	defer func() {
		if tbl != nil {
			tbl.Release()
		}
	}()
	best := time.Duration(math.MaxInt64)
	for range reps {
		if tbl != nil {
			tbl.Release()
			tbl = nil
		}
		runtime.GC()
		start := time.Now()
		t, err := q.query(tables).Compute(ctx, schedOpts(o)...)
		d := time.Since(start)
		if err != nil {
			return h2oAnswer{err: err}
		}
		tbl, best = t, min(best, d)
	}
	a := h2oAnswer{seconds: best.Seconds(), rows: tbl.NumRows()}
	var err error
	if q.check != nil {
		a.rows, a.chk, err = q.check(tbl)
	} else {
		a.chk, err = sumColumns(tbl, q.chk)
	}
	if err != nil {
		return h2oAnswer{err: err}
	}
	if a.rows < q.lo || a.rows > q.hi {
		return h2oAnswer{err: fmt.Errorf("the answer has %d rows, want %d..%d", a.rows, q.lo, q.hi)}
	}
	a.done = true
	return a
}

// h2oPeer answers the questions with a peer engine, in one node process
// that reads the data once, and compares its rows and checks with dusk's
// answers. It returns the peer's answers by question, with the errors:
// the peer's own, and each disagreement.
func h2oPeer(ctx context.Context, o options, reps int, kind, engine string, job peerJob, qs []h2oQuestion, dusk []h2oAnswer) ([]h2oAnswer, error) {
	job.Engine, job.Threads, job.Runs = engine, o.workers, reps
	lines, err := runPeerLines(ctx, job)
	errs := []error{err}
	ans := make([]h2oAnswer, len(qs))
	for _, l := range lines {
		i := slices.IndexFunc(qs, func(q h2oQuestion) bool { return q.name == l.Question })
		switch {
		case i < 0:
			errs = append(errs, fmt.Errorf("%s: %s answered an unknown question %q", kind, engine, l.Question))
			continue
		case !slices.Equal(l.ChkColumns, qs[i].chk) || len(l.Chk) != len(qs[i].chk):
			errs = append(errs, fmt.Errorf("%s %s: %s checked columns %v with %v, dusk %v", kind, l.Question, engine, l.ChkColumns, l.Chk, qs[i].chk))
			continue
		case l.Seconds <= 0:
			errs = append(errs, fmt.Errorf("%s %s: %s reported %v seconds", kind, l.Question, engine, l.Seconds))
			continue
		}
		ans[i] = h2oAnswer{seconds: l.Seconds, rows: l.Rows, chk: l.Chk, done: true}
		d := dusk[i]
		if !d.done {
			continue
		}
		if d.rows != l.Rows {
			errs = append(errs, fmt.Errorf("%s %s: %s's answer has %d rows, dusk's %d", kind, l.Question, engine, l.Rows, d.rows))
		}
		for c, name := range qs[i].chk {
			ours, theirs := d.chk[c], l.Chk[c]
			if diff := math.Abs(ours - theirs); diff > qs[i].tol*max(math.Abs(ours), math.Abs(theirs)) {
				errs = append(errs, fmt.Errorf("%s %s: check %s: %s %v, dusk %v (relative difference %.3g, allowed %g)",
					kind, l.Question, name, engine, theirs, ours, diff/max(math.Abs(ours), math.Abs(theirs)), qs[i].tol))
			}
		}
	}
	return ans, errors.Join(errs...)
}

// emitH2O reports one question: dusk's seconds, each peer's and the
// ratios, side by side, then dusk's rows and checks. peers holds the
// peers' answers to q by engine (none without -peers).
func emitH2O(emit func(result) error, q h2oQuestion, dusk h2oAnswer, peers map[string]h2oAnswer) error {
	var rs, ratios []result
	if dusk.done {
		rs = append(rs, result{Metric: q.name + "_seconds", Value: dusk.seconds, Unit: "s"})
	}
	for _, engine := range []string{peerDuckDB, peerPolars} {
		a := peers[engine]
		if !a.done {
			continue
		}
		rs = append(rs, result{Metric: engine + "_" + q.name + "_seconds", Value: a.seconds, Unit: "s"})
		if dusk.done {
			ratios = append(ratios, result{Metric: q.name + "_ratio_vs_" + engine, Value: dusk.seconds / a.seconds, Unit: "x", Target: "< 1 is faster"})
		}
	}
	rs = append(rs, ratios...)
	if dusk.done {
		rs = append(rs, result{Metric: q.name + "_rows", Value: float64(dusk.rows), Unit: "rows"})
		for c, name := range q.chk {
			rs = append(rs, result{Metric: q.name + "_chk_" + name, Value: dusk.chk[c], Unit: "sum"})
		}
	}
	for _, r := range rs {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

// sumColumns returns the sum of each named numeric column of tbl, nulls,
// NaN and infinities skipped (as the peers' checks skip them).
func sumColumns(tbl arrow.Table, names []string) ([]float64, error) {
	cols, err := float64Columns(tbl, names...)
	if err != nil {
		return nil, err
	}
	sums := make([]float64, len(cols))
	for c, vals := range cols {
		for _, v := range vals {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				sums[c] += v
			}
		}
	}
	return sums, nil
}

// float64Columns returns the named numeric columns of tbl as float64, a
// null as NaN.
func float64Columns(tbl arrow.Table, names ...string) ([][]float64, error) {
	out := make([][]float64, len(names))
	for c, name := range names {
		idx := tbl.Schema().FieldIndices(name)
		if len(idx) != 1 {
			return nil, fmt.Errorf("the answer has %d columns named %q (columns: %v)", len(idx), name, tbl.Schema())
		}
		vals := make([]float64, 0, tbl.NumRows())
		for _, chunk := range tbl.Column(idx[0]).Data().Chunks() {
			for i := range chunk.Len() {
				if chunk.IsNull(i) {
					vals = append(vals, math.NaN())
					continue
				}
				switch a := chunk.(type) {
				case *array.Int64:
					vals = append(vals, float64(a.Value(i)))
				case *array.Uint64:
					vals = append(vals, float64(a.Value(i)))
				case *array.Int32:
					vals = append(vals, float64(a.Value(i)))
				case *array.Float64:
					vals = append(vals, a.Value(i))
				default:
					return nil, fmt.Errorf("column %q of the answer has type %s, not a number", name, chunk.DataType())
				}
			}
		}
		out[c] = vals
	}
	return out, nil
}
