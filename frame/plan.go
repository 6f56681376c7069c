package frame

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	dio "github.com/dusk-go/dusk/io"
)

// node is the sealed interface of logical plan nodes: one small struct per
// kind, immutable once built. Optimizer passes return new nodes.
type node interface {
	// schema is the schema of the node's output.
	schema() *arrow.Schema
	// inputs returns the nodes the node reads.
	inputs() []node
	// withInputs returns a copy reading the given nodes instead.
	withInputs(in []node) node
	// String is the node's line in EXPLAIN.
	String() string
	planNode()
}

// scanNode reads a dataset. columns is the projection pushed into the scan
// (nil: every column); filter the predicates pushed into it as advice (the
// rows still pass through a filterNode above).
type scanNode struct {
	ds      dio.Dataset
	source  string // what the user named: the path or glob
	columns []string
	filter  []dio.Predicate
	out     *arrow.Schema
}

func newScan(ds dio.Dataset, source string) *scanNode {
	return &scanNode{ds: ds, source: source, out: ds.Schema()}
}

func (s *scanNode) schema() *arrow.Schema     { return s.out }
func (s *scanNode) inputs() []node            { return nil }
func (s *scanNode) withInputs(in []node) node { return s }
func (s *scanNode) planNode()                 {}
func (s *scanNode) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Scan %s %q", s.ds.Format(), s.source)
	if s.columns != nil {
		fmt.Fprintf(&b, " columns=[%s]", strings.Join(s.columns, ", "))
	}
	if len(s.filter) > 0 {
		ps := make([]string, len(s.filter))
		for i, p := range s.filter {
			ps[i] = p.String()
		}
		fmt.Fprintf(&b, " pushed=[%s]", strings.Join(ps, " AND "))
	}
	return b.String()
}

// withColumns returns a copy of the scan that reads only the named columns,
// in the dataset's order.
func (s *scanNode) withColumns(names []string) *scanNode {
	full := s.ds.Schema()
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	var cols []string
	var fields []arrow.Field
	for _, f := range full.Fields() {
		if want[f.Name] {
			cols = append(cols, f.Name)
			fields = append(fields, f)
		}
	}
	c := *s
	c.columns = cols
	if cols == nil {
		c.columns = []string{}
	}
	c.out = arrow.NewSchema(fields, nil)
	return &c
}

// memoryNode holds in-memory data (FromRecords, FromTable), borrowed from
// the user: records, one partition each, or a table cut into row ranges
// that lie inside one chunk of every column. columns selects some of the
// columns (projection pushdown); nil keeps all.
type memoryNode struct {
	recs    []arrow.Record
	tbl     arrow.Table
	ranges  [][2]int64 // offset and length of each partition of tbl
	columns []int
	out     *arrow.Schema
}

func (m *memoryNode) numPartitions() int {
	if m.tbl != nil {
		return len(m.ranges)
	}
	return len(m.recs)
}

func (m *memoryNode) rows() int64 {
	if m.tbl != nil {
		return m.tbl.NumRows()
	}
	var n int64
	for _, r := range m.recs {
		n += r.NumRows()
	}
	return n
}

// partition returns partition i as a record the caller owns. Its columns
// share the user's buffers, which the frame never writes.
func (m *memoryNode) partition(i int) arrow.Record {
	var cols []arrow.Array
	var rows int64
	if m.tbl != nil {
		off, n := m.ranges[i][0], m.ranges[i][1]
		rows = n
		cols = make([]arrow.Array, m.tbl.NumCols())
		for c := range cols {
			start := int64(0)
			for _, ch := range m.tbl.Column(c).Data().Chunks() {
				l := int64(ch.Len())
				if off >= start && off+n <= start+l {
					cols[c] = array.NewSlice(ch, off-start, off-start+n)
					break
				}
				start += l
			}
		}
		defer func() {
			for _, c := range cols {
				c.Release()
			}
		}()
	} else {
		cols = m.recs[i].Columns()
		rows = m.recs[i].NumRows()
	}
	if m.columns != nil {
		sel := make([]arrow.Array, len(m.columns))
		for j, c := range m.columns {
			sel[j] = cols[c]
		}
		cols = sel
	}
	return array.NewRecord(m.out, cols, rows)
}

func (m *memoryNode) schema() *arrow.Schema     { return m.out }
func (m *memoryNode) inputs() []node            { return nil }
func (m *memoryNode) withInputs(in []node) node { return m }
func (m *memoryNode) planNode()                 {}
func (m *memoryNode) String() string {
	s := fmt.Sprintf("Memory partitions=%d rows=%d", m.numPartitions(), m.rows())
	if m.columns != nil {
		names := make([]string, m.out.NumFields())
		for i, f := range m.out.Fields() {
			names[i] = f.Name
		}
		s += " columns=[" + strings.Join(names, ", ") + "]"
	}
	return s
}

// filterNode keeps the rows where pred (a bound bool expression) is true.
type filterNode struct {
	input node
	pred  exprNode
}

func (f *filterNode) schema() *arrow.Schema { return f.input.schema() }
func (f *filterNode) inputs() []node        { return []node{f.input} }
func (f *filterNode) withInputs(in []node) node {
	c := *f
	c.input = in[0]
	return &c
}
func (f *filterNode) planNode()      {}
func (f *filterNode) String() string { return "Filter " + f.pred.String() }

// projectNode computes its output columns from bound expressions: Select,
// WithColumns, Rename and Drop all build one.
type projectNode struct {
	input node
	exprs []exprNode
	names []string
	out   *arrow.Schema
}

func newProject(input node, exprs []exprNode, names []string) *projectNode {
	fields := make([]arrow.Field, len(exprs))
	in := input.schema()
	for i, e := range exprs {
		f := arrow.Field{Name: names[i], Type: e.dataType(), Nullable: true}
		if c, ok := e.(*colExpr); ok {
			// A column passed through keeps its field's nullability and
			// metadata.
			if idx := in.FieldIndices(c.name); len(idx) == 1 {
				f = in.Field(idx[0])
				f.Name = names[i]
			}
		}
		fields[i] = f
	}
	return &projectNode{input: input, exprs: exprs, names: names, out: arrow.NewSchema(fields, nil)}
}

func (p *projectNode) schema() *arrow.Schema { return p.out }
func (p *projectNode) inputs() []node        { return []node{p.input} }
func (p *projectNode) withInputs(in []node) node {
	return newProject(in[0], p.exprs, p.names)
}
func (p *projectNode) planNode() {}
func (p *projectNode) String() string {
	parts := make([]string, len(p.exprs))
	for i, e := range p.exprs {
		parts[i] = projection(e, p.names[i])
	}
	return "Project " + strings.Join(parts, ", ")
}

// projection shows one output column of a projection: the expression, and
// its name when the expression does not already say it.
func projection(e exprNode, name string) string {
	if outputName(e) == name {
		return e.String()
	}
	return e.String() + " AS " + (&colExpr{name: name}).String()
}

// limitNode keeps the first n rows, in partition order.
type limitNode struct {
	input node
	n     int64
}

func (l *limitNode) schema() *arrow.Schema { return l.input.schema() }
func (l *limitNode) inputs() []node        { return []node{l.input} }
func (l *limitNode) withInputs(in []node) node {
	c := *l
	c.input = in[0]
	return &c
}
func (l *limitNode) planNode()      {}
func (l *limitNode) String() string { return fmt.Sprintf("Limit %d", l.n) }

// concatNode is the union of its inputs' rows: their partitions, one after
// the other. The inputs have equal schemas.
type concatNode struct {
	ins []node
}

func (c *concatNode) schema() *arrow.Schema { return c.ins[0].schema() }
func (c *concatNode) inputs() []node        { return c.ins }
func (c *concatNode) withInputs(in []node) node {
	return &concatNode{ins: in}
}
func (c *concatNode) planNode()      {}
func (c *concatNode) String() string { return fmt.Sprintf("Concat inputs=%d", len(c.ins)) }

// stageNode is what the fuse pass makes of a chain of per-partition steps
// over a source (a scan or in-memory records): one task per partition runs
// them all, batch by batch.
type stageNode struct {
	source node // *scanNode or *memoryNode
	steps  []step
	out    *arrow.Schema
}

func (s *stageNode) schema() *arrow.Schema { return s.out }
func (s *stageNode) inputs() []node        { return []node{s.source} }
func (s *stageNode) withInputs(in []node) node {
	c := *s
	c.source = in[0]
	return &c
}
func (s *stageNode) planNode() {}
func (s *stageNode) String() string {
	parts := make([]string, len(s.steps))
	for i, st := range s.steps {
		parts[i] = st.String()
	}
	if len(parts) == 0 {
		return "Stage (read only)"
	}
	return "Stage " + strings.Join(parts, " -> ")
}

// A step is one per-partition operation of a stage: a filter, a projection
// or a per-partition limit.
type step struct {
	filter  exprNode     // when non-nil: keep the rows where it is true
	project *projectNode // when non-nil: compute these columns (its input is unused)
	limit   int64        // when > 0 and the others are nil: keep the first rows
}

func (s step) String() string {
	switch {
	case s.filter != nil:
		return "filter " + s.filter.String()
	case s.project != nil:
		return "project " + strings.TrimPrefix(s.project.String(), "Project ")
	}
	return fmt.Sprintf("head %d", s.limit)
}

// formatPlan writes the plan as an indented tree, root first.
func formatPlan(n node) string {
	var b strings.Builder
	var walk func(n node, depth int)
	walk = func(n node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		b.WriteString(n.String())
		b.WriteByte('\n')
		for _, in := range n.inputs() {
			walk(in, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// withColumns returns a copy that produces only the named columns of the
// current output, in the current order.
func (m *memoryNode) withColumns(names []string) *memoryNode {
	base := m.columns
	if base == nil {
		base = make([]int, m.out.NumFields())
		for i := range base {
			base[i] = i
		}
	}
	c := *m
	c.columns = nil
	var fields []arrow.Field
	for i, f := range m.out.Fields() {
		if slices.Contains(names, f.Name) {
			c.columns = append(c.columns, base[i])
			fields = append(fields, f)
		}
	}
	c.out = arrow.NewSchema(fields, nil)
	return &c
}
