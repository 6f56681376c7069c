package frame

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
)

// SortKey orders rows by one column.
type SortKey struct {
	Col        string
	Desc       bool
	NullsFirst bool
}

// Asc orders by col, smallest first, nulls last.
func Asc(col string) SortKey { return SortKey{Col: col} }

// Desc orders by col, largest first, nulls last.
func Desc(col string) SortKey { return SortKey{Col: col, Desc: true} }

// WithNullsFirst returns the key with nulls before the other values.
func (k SortKey) WithNullsFirst() SortKey { k.NullsFirst = true; return k }

func (k SortKey) String() string {
	s := k.Col
	if k.Desc {
		s += " desc"
	}
	if k.NullsFirst {
		s += " nulls first"
	}
	return s
}

func sortKeysString(keys []SortKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.String()
	}
	return strings.Join(parts, ", ")
}

func (f *Frame) checkSortKeys(op string, keys []SortKey) error {
	if len(keys) == 0 {
		return fmt.Errorf("frame: %s: no sort keys", op)
	}
	for _, k := range keys {
		i, err := columnIndex(f.plan.schema(), k.Col)
		if err != nil {
			return fmt.Errorf("frame: %s(%s): %w", op, sortKeysString(keys), err)
		}
		switch f.plan.schema().Field(i).Type.ID() {
		case arrow.LIST, arrow.STRUCT, arrow.MAP, arrow.LARGE_LIST, arrow.FIXED_SIZE_LIST:
			return fmt.Errorf("frame: %s(%s): column %q of type %s cannot be ordered: %w", op, sortKeysString(keys), k.Col, f.plan.schema().Field(i).Type, ErrType)
		}
	}
	return nil
}

// Sort orders the rows by the keys (stable: rows with equal keys keep
// their order within each input partition). NaN sorts after every number.
// It samples the input to choose range boundaries, moves each row to the
// partition of its range, and sorts each partition, so the result's
// partitions in order are sorted and no task holds all the rows.
// Head after Sort keeps only the first rows without sorting everything.
func (f *Frame) Sort(keys ...SortKey) *Frame {
	if f.Err() != nil {
		return f
	}
	if err := f.checkSortKeys("sort", keys); err != nil {
		return failed(err)
	}
	return &Frame{plan: &sortNode{input: f.plan, keys: keys}}
}

// TopK returns the first k rows in the order of the keys, without sorting
// all the rows: each partition keeps its own first k, and one task merges
// them.
func (f *Frame) TopK(k int, keys ...SortKey) *Frame {
	if f.Err() != nil {
		return f
	}
	if k < 0 {
		return failed(fmt.Errorf("frame: top_k(%d): negative count", k))
	}
	if err := f.checkSortKeys("top_k", keys); err != nil {
		return failed(err)
	}
	return &Frame{plan: &topKNode{input: f.plan, keys: keys, k: int64(k)}}
}

// sortNode orders its input.
type sortNode struct {
	input node
	keys  []SortKey
}

func (s *sortNode) schema() *arrow.Schema { return s.input.schema() }
func (s *sortNode) inputs() []node        { return []node{s.input} }
func (s *sortNode) withInputs(in []node) node {
	c := *s
	c.input = in[0]
	return &c
}
func (s *sortNode) planNode()      {}
func (s *sortNode) String() string { return "Sort " + sortKeysString(s.keys) }

// topKNode keeps the first k rows in an order.
type topKNode struct {
	input node
	keys  []SortKey
	k     int64
}

func (t *topKNode) schema() *arrow.Schema { return t.input.schema() }
func (t *topKNode) inputs() []node        { return []node{t.input} }
func (t *topKNode) withInputs(in []node) node {
	c := *t
	c.input = in[0]
	return &c
}
func (t *topKNode) planNode() {}
func (t *topKNode) String() string {
	return fmt.Sprintf("TopK %d by %s", t.k, sortKeysString(t.keys))
}

// Distinct returns the distinct combinations of the named columns (of
// every column when none is named), one row each, in no particular order.
func (f *Frame) Distinct(cols ...string) *Frame {
	if f.Err() != nil {
		return f
	}
	if len(cols) == 0 {
		cols = f.Columns()
	}
	return f.GroupBy(cols...).Agg()
}

// ValueCounts counts the rows of each distinct combination of the named
// columns: the columns and "count", most frequent first.
func (f *Frame) ValueCounts(cols ...string) *Frame {
	if f.Err() != nil {
		return f
	}
	if len(cols) == 0 {
		return failed(fmt.Errorf("frame: value_counts: no columns"))
	}
	return f.GroupBy(cols...).Agg(Len().As("count")).Sort(Desc("count"))
}
