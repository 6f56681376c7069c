package agg

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

var allTypes = []arrow.DataType{
	arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
	arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
	arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Boolean,
	arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.FixedWidthTypes.Date32,
	arrow.FixedWidthTypes.Date64, &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"},
}

var allSpecs = []Spec{
	{Kind: Sum}, {Kind: Mean}, {Kind: Min}, {Kind: Max}, {Kind: Count}, {Kind: CountRows},
	{Kind: CountDistinct}, {Kind: First}, {Kind: Last}, {Kind: Var, DDof: 1}, {Kind: Var},
	{Kind: Std, DDof: 1}, {Kind: Std, DDof: 3}, {Kind: Median}, {Kind: Quantile, Q: 0.25},
	{Kind: Quantile}, {Kind: Quantile, Q: 1}, {Kind: Quantile, Q: 0.9}, {Kind: Corr},
	{Kind: Any}, {Kind: All},
}

func specName(s Spec) string {
	switch s.Kind {
	case Var, Std:
		return fmt.Sprintf("%s(ddof=%d)", s.Kind, s.DDof)
	case Quantile:
		return fmt.Sprintf("%s(%v)", s.Kind, s.Q)
	}
	return s.Kind.String()
}

// testCase is an aggregation over columns of these types; linked makes the
// second column of Corr a noisy linear function of the first.
type testCase struct {
	spec   Spec
	inputs []arrow.DataType
	linked bool
}

// allCases returns every spec over every type it supports.
func allCases() []testCase {
	var cases []testCase
	for _, s := range allSpecs {
		if s.Kind == CountRows {
			cases = append(cases, testCase{spec: s})
			continue
		}
		for _, dt := range allTypes {
			in := []arrow.DataType{dt}
			if s.Kind == Corr {
				in = append(in, dt)
			}
			if _, err := Check(s, in); err == nil {
				cases = append(cases, testCase{spec: s, inputs: in})
			}
		}
	}
	f64 := arrow.PrimitiveTypes.Float64
	return append(cases,
		testCase{spec: Spec{Kind: Corr}, inputs: []arrow.DataType{arrow.PrimitiveTypes.Int32, f64}},
		testCase{spec: Spec{Kind: Corr}, inputs: []arrow.DataType{f64, f64}, linked: true},
		testCase{spec: Spec{Kind: Corr}, inputs: []arrow.DataType{arrow.PrimitiveTypes.Float32, f64}, linked: true})
}

func (c testCase) name() string {
	name := specName(c.spec)
	for _, dt := range c.inputs {
		name += "/" + typeName(dt)
	}
	if c.linked {
		name += "/linked"
	}
	return name
}

func checkedMem(t testing.TB) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// data is a generated table: group ids, cells and their arrays.
type data struct {
	ids     []int32
	ngroups int
	cells   [][]any
	cols    []arrow.Array
}

func genData(r *rand.Rand, mem memory.Allocator, c testCase, n, ngroups int) *data {
	d := &data{ids: genIDs(r, n, ngroups), ngroups: ngroups}
	for _, dt := range c.inputs {
		d.cells = append(d.cells, genCells(r, dt, d.ids))
	}
	if c.linked {
		x, y := d.cells[0], d.cells[1]
		for i := range y {
			if x[i] != nil && y[i] != nil {
				y[i] = 0.5*toFloat(x[i]) + r.NormFloat64()*20
			}
		}
	}
	for i, dt := range c.inputs {
		d.cols = append(d.cols, buildCol(mem, dt, d.cells[i]))
	}
	return d
}

func (d *data) release() {
	for _, c := range d.cols {
		c.Release()
	}
}

func newAcc(t testing.TB, c testCase, mem memory.Allocator) Acc {
	t.Helper()
	a, err := New(c.spec, c.inputs, mem)
	noErr(t, err)
	return a
}

func final(t testing.TB, a Acc, mem memory.Allocator) arrow.Array {
	t.Helper()
	out, err := a.Final(mem)
	noErr(t, err)
	return out
}

func state(t testing.TB, a Acc, mem memory.Allocator) []arrow.Array {
	t.Helper()
	out, err := a.State(mem)
	noErr(t, err)
	return out
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// slice returns the rows [lo, hi) of cols (caller releases).
func slice(cols []arrow.Array, lo, hi int) []arrow.Array {
	out := make([]arrow.Array, len(cols))
	for i, c := range cols {
		out[i] = array.NewSlice(c, int64(lo), int64(hi))
	}
	return out
}

func release(as []arrow.Array) {
	for _, a := range as {
		a.Release()
	}
}

// cuts returns 0 = c0 <= c1 <= … <= ck = n, k random in [1, maxk].
func cuts(r *rand.Rand, n, maxk int) []int {
	c := []int{0, n}
	for k := r.Intn(maxk); k > 0; k-- {
		c = append(c, r.Intn(n+1))
	}
	slices.Sort(c)
	return c
}

// runOne: Update over one batch.
func runOne(t *testing.T, mem memory.Allocator, c testCase, d *data) arrow.Array {
	a := newAcc(t, c, mem)
	defer a.Release()
	noErr(t, a.Update(d.ids, d.ngroups, d.cols, 0))
	return final(t, a, mem)
}

// runBatches: Update over batches of random sizes (some empty), sliced
// from the columns, ngroups growing with the ids seen.
func runBatches(t *testing.T, r *rand.Rand, mem memory.Allocator, c testCase, d *data) arrow.Array {
	a := newAcc(t, c, mem)
	defer a.Release()
	cs, ng := cuts(r, len(d.ids), 8), 0
	for j := 1; j < len(cs); j++ {
		lo, hi := cs[j-1], cs[j]
		for _, g := range d.ids[lo:hi] {
			ng = max(ng, int(g)+1)
		}
		if hi == len(d.ids) {
			ng = d.ngroups
		}
		cols := slice(d.cols, lo, hi)
		noErr(t, a.Update(d.ids[lo:hi], ng, cols, int64(lo)))
		release(cols)
	}
	return final(t, a, mem)
}

// partial is the state of a partition: groups[i] is the global group of
// state row i.
type partial struct {
	states []arrow.Array
	groups []int32
}

// localIDs numbers the global groups of ids densely in first-seen order,
// extending groups and index.
func localIDs(ids []int32, groups *[]int32, index map[int32]int32) []int32 {
	out := make([]int32, len(ids))
	for i, g := range ids {
		if g < 0 {
			out[i] = -1
			continue
		}
		l, ok := index[g]
		if !ok {
			l = int32(len(*groups))
			index[g] = l
			*groups = append(*groups, g)
		}
		out[i] = l
	}
	return out
}

// accumulate returns the state of rows [lo, hi), accumulated in two
// batches with partition-local group ids.
func accumulate(t *testing.T, r *rand.Rand, mem memory.Allocator, c testCase, d *data, lo, hi int) partial {
	var p partial
	ids := localIDs(d.ids[lo:hi], &p.groups, map[int32]int32{})
	a := newAcc(t, c, mem)
	defer a.Release()
	mid := lo + r.Intn(hi-lo+1)
	for _, b := range [][2]int{{lo, mid}, {mid, hi}} {
		ng := 0
		for _, g := range ids[:b[1]-lo] {
			ng = max(ng, int(g)+1)
		}
		cols := slice(d.cols, b[0], b[1])
		noErr(t, a.Update(ids[b[0]-lo:b[1]-lo], ng, cols, int64(b[0])))
		release(cols)
	}
	p.states = state(t, a, mem)
	return p
}

// mergeInto merges the states of p into a, state row i into group ids[i],
// in two slices cut at a random row.
func mergeInto(t *testing.T, r *rand.Rand, a Acc, p partial, ids []int32, ngroups int) {
	n := len(ids)
	cut := r.Intn(n + 1)
	for _, b := range [][2]int{{0, cut}, {cut, n}} {
		states := slice(p.states, b[0], b[1])
		noErr(t, a.Merge(ids[b[0]:b[1]], ngroups, states))
		release(states)
	}
}

// combine merges p and q into a new accumulator over the union of their
// groups and returns its state; it releases p's and q's.
func combine(t *testing.T, r *rand.Rand, mem memory.Allocator, c testCase, p, q partial) partial {
	var out partial
	index := map[int32]int32{}
	pids, qids := localIDs(p.groups, &out.groups, index), localIDs(q.groups, &out.groups, index)
	a := newAcc(t, c, mem)
	defer a.Release()
	mergeInto(t, r, a, q, qids, len(out.groups))
	mergeInto(t, r, a, p, pids, len(out.groups))
	release(p.states)
	release(q.states)
	out.states = state(t, a, mem)
	return out
}

// runPartitions: rows split into partitions, each accumulated alone; their
// states are merged in random order into a fresh accumulator, first
// combined in a random tree when tree is set.
func runPartitions(t *testing.T, r *rand.Rand, mem memory.Allocator, c testCase, d *data, tree bool) arrow.Array {
	cs := cuts(r, len(d.ids), 6)
	var parts []partial
	for j := 1; j < len(cs); j++ {
		parts = append(parts, accumulate(t, r, mem, c, d, cs[j-1], cs[j]))
	}
	for tree && len(parts) > 1 && r.Intn(5) != 0 {
		i := r.Intn(len(parts))
		p := parts[i]
		parts = slices.Delete(parts, i, i+1)
		j := r.Intn(len(parts))
		parts[j] = combine(t, r, mem, c, p, parts[j])
	}
	r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
	a := newAcc(t, c, mem)
	defer a.Release()
	for i, p := range parts {
		mergeInto(t, r, a, p, p.groups, d.ngroups)
		if i == 0 { // a state merged into no group changes nothing
			none := slices.Repeat([]int32{-1}, len(p.groups))
			mergeInto(t, r, a, p, none, d.ngroups)
		}
		release(p.states)
	}
	return final(t, a, mem)
}

// compare checks got against the reference.
func compare(t *testing.T, c testCase, got arrow.Array, w []want) {
	t.Helper()
	defer got.Release()
	typ, err := Check(c.spec, c.inputs)
	noErr(t, err)
	if !arrow.TypeEqual(got.DataType(), typ) {
		t.Fatalf("type: got %v, want %v", got.DataType(), typ)
	}
	if got.Len() != len(w) {
		t.Fatalf("groups: got %v, want %v", got.Len(), len(w))
	}
	bad := 0
	for g, v := range readCells(got) {
		if !sameCell(v, w[g]) {
			if bad++; bad <= 5 {
				t.Errorf("group %d: got %v, want %v (tolerance %g)", g, v, w[g].v, w[g].tol)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%d groups differ", bad)
	}
}

func testModes(t *testing.T, c testCase, seed int64, n, ngroups int, modes []string) {
	mem := checkedMem(t)
	r := rand.New(rand.NewSource(seed))
	d := genData(r, mem, c, n, ngroups)
	defer d.release()
	w := reference(c.spec, d.cells, d.ids, d.ngroups)
	for _, m := range modes {
		t.Run(m, func(t *testing.T) {
			switch m {
			case "one-batch":
				compare(t, c, runOne(t, mem, c, d), w)
			case "batches":
				compare(t, c, runBatches(t, r, mem, c, d), w)
			case "partitions":
				compare(t, c, runPartitions(t, r, mem, c, d, false), w)
			case "tree":
				compare(t, c, runPartitions(t, r, mem, c, d, true), w)
			}
		})
	}
}

// TestKinds compares every kind over every supported type, accumulated in
// one batch, in several, and in partitions merged in random order, with
// the reference.
func TestKinds(t *testing.T) {
	modes := []string{"one-batch", "batches", "partitions", "tree"}
	for i, c := range allCases() {
		t.Run(c.name(), func(t *testing.T) {
			for rep := range 3 {
				testModes(t, c, int64(100*i+rep), 2000+rep*1000, 150, modes)
			}
		})
	}
}

// TestManyGroups runs each kind over 1e5 groups (most with one or two
// rows, the hot group with half of them).
func TestManyGroups(t *testing.T) {
	n, ngroups := 300_000, 100_000
	switch {
	case testing.Short():
		n, ngroups = 30_000, 10_000
	case raceEnabled:
		n = 120_000
	}
	types := []arrow.DataType{arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String}
	for i, c := range allCases() {
		if len(c.inputs) > 0 && !slices.Contains(types, c.inputs[0]) || c.linked {
			continue
		}
		t.Run(c.name(), func(t *testing.T) {
			testModes(t, c, int64(i), n, ngroups, []string{"one-batch", "partitions"})
		})
	}
}
