package frame

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"

	dio "github.com/dusk-go/dusk/io"
)

// A Frame is a lazy data frame: a logical plan over partitions of Arrow
// records. Operations return new Frames and never change their receiver, so
// a Frame may be shared, extended in several ways and computed many times.
// Nothing is read or computed until Compute, Stream, a Write method or
// Explain runs.
//
// A mistake found while the plan is built (a column that does not exist, a
// type error, a file that cannot be opened) is kept in the Frame: every
// later operation passes it on, and Err, Compute, Stream, the Write methods
// and Explain return it. So chains stay fluent and the first error is the
// one reported.
type Frame struct {
	plan node
	err  error
}

func failed(err error) *Frame { return &Frame{err: err} }

// Err returns the error recorded while the frame's plan was built, or nil.
func (f *Frame) Err() error {
	if f == nil {
		return errors.New("frame: nil *Frame")
	}
	return f.err
}

// Schema returns the schema of the frame's rows, or nil when Err is not nil.
func (f *Frame) Schema() *arrow.Schema {
	if f.Err() != nil {
		return nil
	}
	return f.plan.schema()
}

// Columns returns the names of the frame's columns, in order.
func (f *Frame) Columns() []string {
	s := f.Schema()
	if s == nil {
		return nil
	}
	names := make([]string, s.NumFields())
	for i, fl := range s.Fields() {
		names[i] = fl.Name
	}
	return names
}

// CSVOptions configure ReadCSV; see io.CSVOptions.
type CSVOptions = dio.CSVOptions

// ParquetOptions configure ReadParquet; see io.ParquetOptions.
type ParquetOptions = dio.ParquetOptions

// IPCOptions configure ReadIPC; see io.IPCOptions.
type IPCOptions = dio.IPCOptions

// ReadCSV returns a frame over CSV files: path is a file, a glob pattern or a
// directory. ReadCSV reads a sample of the files to learn the schema (and
// checks that the files agree), which is why it takes a context; the data is
// read when the frame is computed, in partitions of CSVOptions.BlockSize
// bytes. At most one CSVOptions may be given.
func ReadCSV(ctx context.Context, path string, opts ...CSVOptions) *Frame {
	o, err := oneOption("ReadCSV", opts)
	if err != nil {
		return failed(err)
	}
	ds, err := dio.OpenCSV(ctx, []string{path}, o)
	if err != nil {
		return failed(fmt.Errorf("frame: read_csv(%q): %w", path, err))
	}
	return &Frame{plan: newScan(ds, path)}
}

// ReadParquet returns a frame over Parquet files: path is a file, a glob
// pattern or a directory. It reads the files' footers now; the row groups
// are read when the frame is computed, and only the columns the plan uses.
// At most one ParquetOptions may be given.
func ReadParquet(ctx context.Context, path string, opts ...ParquetOptions) *Frame {
	o, err := oneOption("ReadParquet", opts)
	if err != nil {
		return failed(err)
	}
	ds, err := dio.OpenParquet(ctx, []string{path}, o)
	if err != nil {
		return failed(fmt.Errorf("frame: read_parquet(%q): %w", path, err))
	}
	return &Frame{plan: newScan(ds, path)}
}

// ReadIPC returns a frame over Arrow IPC files or streams: path is a file, a
// glob pattern or a directory. At most one IPCOptions may be given.
func ReadIPC(ctx context.Context, path string, opts ...IPCOptions) *Frame {
	o, err := oneOption("ReadIPC", opts)
	if err != nil {
		return failed(err)
	}
	ds, err := dio.OpenIPC(ctx, []string{path}, o)
	if err != nil {
		return failed(fmt.Errorf("frame: read_ipc(%q): %w", path, err))
	}
	return &Frame{plan: newScan(ds, path)}
}

// FromDataset returns a frame over a dataset opened with the io package.
func FromDataset(ds dio.Dataset) *Frame {
	if ds == nil {
		return failed(errors.New("frame: FromDataset: nil dataset"))
	}
	return &Frame{plan: newScan(ds, strings.Join(ds.Paths(), ","))}
}

func oneOption[T any](op string, opts []T) (T, error) {
	var zero T
	switch len(opts) {
	case 0:
		return zero, nil
	case 1:
		return opts[0], nil
	}
	return zero, fmt.Errorf("frame: %s: %d option values given, want at most one", op, len(opts))
}

// FromRecords returns a frame whose partitions are the given records, which
// must all have the same schema. The records are borrowed: the caller keeps
// them alive (does not Release them) as long as the frame may be computed.
// Computing the frame never changes them.
func FromRecords(recs ...arrow.Record) *Frame {
	if len(recs) == 0 {
		return failed(errors.New("frame: FromRecords: no records (an empty frame needs a schema: use FromTable with an empty table)"))
	}
	for i, r := range recs {
		if r == nil {
			return failed(fmt.Errorf("frame: FromRecords: record %d is nil", i))
		}
	}
	s := recs[0].Schema()
	for i, r := range recs[1:] {
		if !r.Schema().Equal(s) {
			return failed(fmt.Errorf("frame: FromRecords: record %d has schema %s, record 0 has %s", i+1, r.Schema(), s))
		}
	}
	return &Frame{plan: &memoryNode{recs: slices.Clone(recs), out: s}}
}

// FromTable returns a frame over an in-memory table, cut into partitions of
// at most rowsPerPartition rows that never cross a chunk boundary (the
// table's chunks, when rowsPerPartition is 0 or less). The table is
// borrowed, as the records of FromRecords are.
func FromTable(tbl arrow.Table, rowsPerPartition int64) *Frame {
	if tbl == nil {
		return failed(errors.New("frame: FromTable: nil table"))
	}
	m := &memoryNode{tbl: tbl, out: tbl.Schema()}
	tr := array.NewTableReader(tbl, max(rowsPerPartition, 0))
	defer tr.Release()
	var off int64
	for tr.Next() {
		n := tr.Record().NumRows()
		m.ranges = append(m.ranges, [2]int64{off, n})
		off += n
	}
	return &Frame{plan: m}
}

// Filter keeps the rows where pred is true (not false, not null).
func (f *Frame) Filter(pred Expr) *Frame {
	if f.Err() != nil {
		return f
	}
	p, err := bind(pred.node(), f.plan.schema())
	if err != nil {
		return failed(fmt.Errorf("frame: filter(%s): %w", pred, err))
	}
	if t := p.dataType(); t.ID() != arrow.BOOL && t.ID() != arrow.NULL {
		return failed(fmt.Errorf("frame: filter(%s): the condition has type %s, not bool: %w", pred, t, ErrType))
	}
	if p.dataType().ID() == arrow.NULL {
		p = &litExpr{val: nil, typ: arrow.FixedWidthTypes.Boolean}
	}
	return &Frame{plan: &filterNode{input: f.plan, pred: p}}
}

// Select keeps the named columns, in the order given.
func (f *Frame) Select(columns ...string) *Frame {
	exprs := make([]Expr, len(columns))
	for i, c := range columns {
		exprs[i] = Col(c)
	}
	return f.project("select", exprs, false)
}

// SelectExprs computes a new set of columns. A column's name is its alias
// (Expr.As), the column an expression of one column names, or the
// expression's text.
func (f *Frame) SelectExprs(exprs ...Expr) *Frame { return f.project("select", exprs, false) }

// WithColumns adds computed columns, or replaces the columns of the same
// name (in place). Names follow SelectExprs.
func (f *Frame) WithColumns(exprs ...Expr) *Frame { return f.project("with_columns", exprs, true) }

func (f *Frame) project(op string, exprs []Expr, keep bool) *Frame {
	if f.Err() != nil {
		return f
	}
	in := f.plan.schema()
	var outE []exprNode
	var outN []string
	if keep {
		for _, fl := range in.Fields() {
			outE = append(outE, &colExpr{name: fl.Name, typ: fl.Type})
			outN = append(outN, fl.Name)
		}
	}
	seen := map[string]int{}
	for i, n := range outN {
		seen[n] = i
	}
	texts := make([]string, len(exprs))
	for i, e := range exprs {
		texts[i] = e.String()
	}
	where := fmt.Sprintf("frame: %s(%s)", op, strings.Join(texts, ", "))
	for _, e := range exprs {
		b, err := bind(e.node(), in)
		if err != nil {
			return failed(fmt.Errorf("%s: %w", where, err))
		}
		name := outputName(b)
		if i, dup := seen[name]; dup {
			if !keep || i >= in.NumFields() {
				return failed(fmt.Errorf("%s: column %q is computed twice", where, name))
			}
			outE[i] = b
			seen[name] = len(outN) + 1 // a second replacement is a duplicate
			continue
		}
		seen[name] = len(outN)
		outE = append(outE, b)
		outN = append(outN, name)
	}
	return &Frame{plan: newProject(f.plan, outE, outN)}
}

// Rename renames columns: each key of names is a column, its value the new
// name. Renaming a column that does not exist is an error; the result must
// not have two columns of one name.
func (f *Frame) Rename(names map[string]string) *Frame {
	if f.Err() != nil {
		return f
	}
	in := f.plan.schema()
	var keys []string
	for k := range names {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if len(in.FieldIndices(k)) == 0 {
			return failed(fmt.Errorf("frame: rename(%s -> %s): unknown column %q (columns: %s): %w", k, names[k], k, columnList(in), ErrColumn))
		}
	}
	var exprs []exprNode
	var out []string
	seen := map[string]bool{}
	for _, fl := range in.Fields() {
		n := fl.Name
		if nn, ok := names[n]; ok {
			n = nn
		}
		if n == "" || seen[n] {
			return failed(fmt.Errorf("frame: rename: the result would have two columns named %q", n))
		}
		seen[n] = true
		exprs = append(exprs, &colExpr{name: fl.Name, typ: fl.Type})
		out = append(out, n)
	}
	return &Frame{plan: newProject(f.plan, exprs, out)}
}

// Drop removes the named columns; naming a column that does not exist is an
// error.
func (f *Frame) Drop(columns ...string) *Frame {
	if f.Err() != nil {
		return f
	}
	in := f.plan.schema()
	drop := map[string]bool{}
	for _, c := range columns {
		if len(in.FieldIndices(c)) == 0 {
			return failed(fmt.Errorf("frame: drop(%s): unknown column %q (columns: %s): %w", strings.Join(columns, ", "), c, columnList(in), ErrColumn))
		}
		drop[c] = true
	}
	var keep []string
	for _, fl := range in.Fields() {
		if !drop[fl.Name] {
			keep = append(keep, fl.Name)
		}
	}
	return f.Select(keep...)
}

// Head keeps the first n rows, in partition order (the order of the files,
// and of the rows in each file). n must not be negative.
func (f *Frame) Head(n int64) *Frame {
	if f.Err() != nil {
		return f
	}
	if n < 0 {
		return failed(fmt.Errorf("frame: head(%d): negative row count", n))
	}
	return &Frame{plan: &limitNode{input: f.plan, n: n}}
}

// Limit is Head.
func (f *Frame) Limit(n int64) *Frame { return f.Head(n) }

// Concat returns the rows of f followed by the rows of others. The frames
// must have the same column names and types, in the same order.
func (f *Frame) Concat(others ...*Frame) *Frame {
	if f.Err() != nil {
		return f
	}
	ins := []node{f.plan}
	s := f.plan.schema()
	for i, o := range others {
		if err := o.Err(); err != nil {
			return failed(err)
		}
		os := o.plan.schema()
		if err := sameSchema(s, os); err != nil {
			return failed(fmt.Errorf("frame: concat: frame %d: %w", i+1, err))
		}
		ins = append(ins, o.plan)
	}
	if len(ins) == 1 {
		return f
	}
	return &Frame{plan: &concatNode{ins: ins}}
}

// sameSchema checks that b has a's column names and types, in order.
func sameSchema(a, b *arrow.Schema) error {
	if a.NumFields() != b.NumFields() {
		return fmt.Errorf("has %d columns (%s), want %d (%s)", b.NumFields(), columnList(b), a.NumFields(), columnList(a))
	}
	for i := range a.NumFields() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || !arrow.TypeEqual(fa.Type, fb.Type) {
			return fmt.Errorf("column %d is %s %s, want %s %s", i+1, fb.Name, fb.Type, fa.Name, fa.Type)
		}
	}
	return nil
}
