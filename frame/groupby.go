package frame

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/dusk-go/dusk/internal/agg"
)

// Agg is one aggregation of a GroupBy: a function over one column (two for
// Corr, none for Len), with a name for its result column. Aggregations skip
// nulls; a group without a non-null value gets null (0 for Count), as in
// SQL.
type Agg struct {
	spec agg.Spec
	cols []string
	name string
}

func newAgg(kind agg.Kind, fn string, cols ...string) Agg {
	return Agg{spec: agg.Spec{Kind: kind}, cols: cols, name: fmt.Sprintf("%s(%s)", fn, strings.Join(cols, ", "))}
}

// As names the aggregation's result column (by default "sum(v1)" and so on).
func (a Agg) As(name string) Agg { a.name = name; return a }

// String returns the aggregation's result name.
func (a Agg) String() string { return a.name }

// Sum adds the values of a column (int64 for signed integers, uint64 for
// unsigned ones, float64 for floats).
func Sum(col string) Agg { return newAgg(agg.Sum, "sum", col) }

// Mean is the arithmetic mean of a numeric column.
func Mean(col string) Agg { return newAgg(agg.Mean, "mean", col) }

// Min is the smallest value (numbers, strings, dates, times).
func Min(col string) Agg { return newAgg(agg.Min, "min", col) }

// Max is the largest value.
func Max(col string) Agg { return newAgg(agg.Max, "max", col) }

// Count counts the non-null values of a column.
func Count(col string) Agg { return newAgg(agg.Count, "count", col) }

// Len counts the rows of each group, nulls included.
func Len() Agg { return Agg{spec: agg.Spec{Kind: agg.CountRows}, name: "len"} }

// CountDistinct counts the distinct non-null values of a column.
func CountDistinct(col string) Agg { return newAgg(agg.CountDistinct, "count_distinct", col) }

// First is the first non-null value in the frame's row order.
func First(col string) Agg { return newAgg(agg.First, "first", col) }

// Last is the last non-null value in the frame's row order.
func Last(col string) Agg { return newAgg(agg.Last, "last", col) }

// Var is the variance with ddof delta degrees of freedom (1: the sample
// variance, as SQL's var_samp and pandas' default).
func Var(col string, ddof int) Agg {
	a := newAgg(agg.Var, "var", col)
	a.spec.DDof = ddof
	return a
}

// Std is the standard deviation with ddof delta degrees of freedom.
func Std(col string, ddof int) Agg {
	a := newAgg(agg.Std, "std", col)
	a.spec.DDof = ddof
	return a
}

// Median is the exact median (the mean of the two middle values for an
// even count).
func Median(col string) Agg { return newAgg(agg.Median, "median", col) }

// Quantile is the exact q-quantile, interpolating linearly between the
// closest ranks (DuckDB's quantile_cont, NumPy's default).
func Quantile(col string, q float64) Agg {
	a := newAgg(agg.Quantile, fmt.Sprintf("quantile_%g", q), col)
	a.spec.Q = q
	return a
}

// Corr is Pearson's correlation of two numeric columns over the rows where
// both are non-null.
func Corr(a, b string) Agg { return newAgg(agg.Corr, "corr", a, b) }

// Any reports whether any value of a bool column is true.
func Any(col string) Agg { return newAgg(agg.Any, "any", col) }

// All reports whether every value of a bool column is true.
func All(col string) Agg { return newAgg(agg.All, "all", col) }

// GroupStrategy is how a group-by combines the partial aggregates of its
// input partitions.
type GroupStrategy uint8

const (
	// GroupAuto decides at run time: each partial aggregate carries a
	// HyperLogLog sketch of its keys, and a decision task estimates the
	// number of groups from the merged sketches. Few groups merge in one
	// task; many are hash-partitioned into buckets merged in parallel.
	GroupAuto GroupStrategy = iota
	// GroupTree merges partial aggregates in a tree of fan-in 8: best for
	// few groups.
	GroupTree
	// GroupShuffle hash-partitions the partial aggregates by key into
	// buckets merged in parallel: best for many groups.
	GroupShuffle
)

func (s GroupStrategy) String() string {
	return [...]string{"auto", "tree", "shuffle"}[s]
}

// Grouped is a frame grouped by key columns, waiting for its aggregations.
type Grouped struct {
	f        *Frame
	keys     []string
	strategy GroupStrategy
	err      error
}

// GroupBy groups the rows by the values of the key columns (any type; a
// null is a key value of its own, so null keys form a group).
func (f *Frame) GroupBy(keys ...string) *Grouped {
	g := &Grouped{f: f, keys: slices.Clone(keys)}
	if f.Err() != nil {
		g.err = f.Err()
		return g
	}
	if len(keys) == 0 {
		g.err = fmt.Errorf("frame: group_by: no key columns (use Agg on the whole frame by grouping by a constant column)")
		return g
	}
	for i, k := range keys {
		if _, err := columnIndex(f.plan.schema(), k); err != nil {
			g.err = fmt.Errorf("frame: group_by(%s): %w", strings.Join(keys, ", "), err)
			return g
		}
		if slices.Contains(keys[:i], k) {
			g.err = fmt.Errorf("frame: group_by(%s): key %q is given twice", strings.Join(keys, ", "), k)
			return g
		}
	}
	return g
}

// Strategy overrides how the partial aggregates are combined (GroupAuto
// by default).
func (g *Grouped) Strategy(s GroupStrategy) *Grouped {
	c := *g
	c.strategy = s
	return &c
}

// Agg computes the aggregations per group. The result has the key columns
// then one column per aggregation, one row per group, in no particular
// order (Sort it for one).
func (g *Grouped) Agg(aggs ...Agg) *Frame {
	if g.err != nil {
		return failed(g.err)
	}
	in := g.f.plan.schema()
	op := fmt.Sprintf("group_by(%s).agg", strings.Join(g.keys, ", "))
	fields := make([]arrow.Field, 0, len(g.keys)+len(aggs))
	for _, k := range g.keys {
		i, _ := columnIndex(in, k)
		f := in.Field(i)
		if d, ok := f.Type.(*arrow.DictionaryType); ok {
			f.Type = d.ValueType // groups come back with plain keys
		}
		f.Nullable = true
		fields = append(fields, f)
	}
	names := map[string]bool{}
	for _, k := range g.keys {
		names[k] = true
	}
	for _, a := range aggs {
		types := make([]arrow.DataType, len(a.cols))
		for j, c := range a.cols {
			i, err := columnIndex(in, c)
			if err != nil {
				return failed(fmt.Errorf("frame: %s(%s): %w", op, a.name, err))
			}
			types[j] = in.Field(i).Type
		}
		t, err := agg.Check(a.spec, types)
		if err != nil {
			return failed(fmt.Errorf("frame: %s(%s): %v: %w", op, a.name, err, ErrType))
		}
		if names[a.name] {
			return failed(fmt.Errorf("frame: %s: two result columns are named %q (use As)", op, a.name))
		}
		names[a.name] = true
		fields = append(fields, arrow.Field{Name: a.name, Type: t, Nullable: true})
	}
	return &Frame{plan: &aggregateNode{input: g.f.plan, keys: g.keys, aggs: slices.Clone(aggs), strategy: g.strategy, out: arrow.NewSchema(fields, nil)}}
}

// aggregateNode groups its input by keys and aggregates each group.
type aggregateNode struct {
	input    node
	keys     []string
	aggs     []Agg
	strategy GroupStrategy
	out      *arrow.Schema
}

func (a *aggregateNode) schema() *arrow.Schema { return a.out }
func (a *aggregateNode) inputs() []node        { return []node{a.input} }
func (a *aggregateNode) withInputs(in []node) node {
	c := *a
	c.input = in[0]
	return &c
}
func (a *aggregateNode) planNode() {}
func (a *aggregateNode) String() string {
	parts := make([]string, len(a.aggs))
	for i, x := range a.aggs {
		parts[i] = x.name
	}
	s := fmt.Sprintf("Aggregate keys=[%s] aggs=[%s]", strings.Join(a.keys, ", "), strings.Join(parts, ", "))
	if a.strategy != GroupAuto {
		s += " strategy=" + a.strategy.String()
	}
	return s
}

// columns returns the input columns the aggregation reads.
func (a *aggregateNode) columns() []string {
	cols := slices.Clone(a.keys)
	for _, x := range a.aggs {
		cols = union(cols, x.cols)
	}
	return cols
}

// columnIndex returns the index of the column named name, or an error that
// matches ErrColumn.
func columnIndex(s *arrow.Schema, name string) (int, error) {
	idx := s.FieldIndices(name)
	switch len(idx) {
	case 0:
		return 0, fmt.Errorf("unknown column %q (columns: %s): %w", name, columnList(s), ErrColumn)
	case 1:
		return idx[0], nil
	}
	return 0, fmt.Errorf("column %q is ambiguous: the frame has %d columns of that name: %w", name, len(idx), ErrColumn)
}

// TopK keeps, for each group, the k rows that come first in the order of
// by (frame.Desc("v") for the largest values), with every column, in no
// particular order. Each partition first keeps its own k rows per group;
// the rows left are hash-partitioned by key, and each bucket keeps k per
// group. Keeping them takes one pass with k slots per group (ties go to
// the earlier row, as in a stable sort) for k up to 64 and key types the
// hash table takes, else a sort.
func (g *Grouped) TopK(k int, by ...SortKey) *Frame {
	if g.err != nil {
		return failed(g.err)
	}
	if k < 0 {
		return failed(fmt.Errorf("frame: group_by(%s).top_k(%d): negative count", strings.Join(g.keys, ", "), k))
	}
	if err := g.f.checkSortKeys("group_by.top_k", by); err != nil {
		return failed(err)
	}
	return &Frame{plan: &groupTopKNode{input: g.f.plan, keys: g.keys, by: slices.Clone(by), k: k}}
}

// groupTopKNode keeps the first k rows of each group in an order.
type groupTopKNode struct {
	input node
	keys  []string
	by    []SortKey
	k     int
}

func (t *groupTopKNode) schema() *arrow.Schema { return t.input.schema() }
func (t *groupTopKNode) inputs() []node        { return []node{t.input} }
func (t *groupTopKNode) withInputs(in []node) node {
	c := *t
	c.input = in[0]
	return &c
}
func (t *groupTopKNode) planNode() {}
func (t *groupTopKNode) String() string {
	return fmt.Sprintf("GroupTopK %d by %s per [%s]", t.k, sortKeysString(t.by), strings.Join(t.keys, ", "))
}
