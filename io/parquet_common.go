package io

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Helpers shared by the Parquet and the Arrow IPC readers: checking that the
// files of a dataset agree on their schema, choosing columns, and
// assembling a partition's pieces into the one record Read returns.

// schemaDiff returns an error naming both files and the first field where
// sc (of path) differs from want (of wantPath), or nil when they have the
// same fields, in the same order, with the same names and types. Whether a
// field is nullable may differ between files (writers disagree on it); the
// dataset's field is nullable when any file's is.
func schemaDiff(want *arrow.Schema, wantPath string, sc *arrow.Schema, path string) error {
	if d := firstFieldDiff(want, sc, "the first", "the second"); d != "" {
		return fmt.Errorf("io: %s and %s have different schemas: %s", wantPath, path, d)
	}
	return nil
}

// firstFieldDiff describes the first field where the schemas a and b
// differ in name or type, calling them aName and bName, as in
// `field 2 is "x" int64 in the first, "x" utf8 in the second`; it returns ""
// when they agree.
func firstFieldDiff(a, b *arrow.Schema, aName, bName string) string {
	n := min(a.NumFields(), b.NumFields())
	for i := 0; i < n; i++ {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || !arrow.TypeEqual(fa.Type, fb.Type) {
			return fmt.Sprintf("field %d is %s in %s, %s in %s", i, fieldString(fa), aName, fieldString(fb), bName)
		}
	}
	switch {
	case a.NumFields() > n:
		return fmt.Sprintf("field %d is %s in %s, missing in %s", n, fieldString(a.Field(n)), aName, bName)
	case b.NumFields() > n:
		return fmt.Sprintf("field %d is missing in %s, %s in %s", n, aName, fieldString(b.Field(n)), bName)
	}
	return ""
}

func fieldString(f arrow.Field) string {
	return fmt.Sprintf("%q %s", f.Name, f.Type)
}

// widenNullability returns sc with every field nullable that is nullable in
// sc or in other (which has the same fields, as schemaDiff checked).
func widenNullability(sc, other *arrow.Schema) *arrow.Schema {
	fields := sc.Fields()
	changed := false
	for i := range fields {
		if !fields[i].Nullable && other.Field(i).Nullable {
			fields[i].Nullable = true
			changed = true
		}
	}
	if !changed {
		return sc
	}
	md := sc.Metadata()
	return arrow.NewSchema(fields, &md)
}

// columnSelection is the result of choosing columns by name: the indices of
// the chosen top-level fields and the schema of the records to return.
type columnSelection struct {
	indices []int
	schema  *arrow.Schema
}

// selectColumns resolves names against sc (every field when names is nil).
// A name sc lacks is an error naming the column and the file. A name that
// sc holds twice chooses the first such field.
func selectColumns(sc *arrow.Schema, names []string, path string) (columnSelection, error) {
	if names == nil {
		idx := make([]int, sc.NumFields())
		for i := range idx {
			idx[i] = i
		}
		return columnSelection{indices: idx, schema: sc}, nil
	}
	idx := make([]int, len(names))
	fields := make([]arrow.Field, len(names))
	for i, name := range names {
		found := sc.FieldIndices(name)
		if len(found) == 0 {
			return columnSelection{}, fmt.Errorf("io: %s has no column %q (it has %s)", path, name, columnList(sc))
		}
		idx[i] = found[0]
		fields[i] = sc.Field(found[0])
	}
	md := sc.Metadata()
	return columnSelection{indices: idx, schema: arrow.NewSchema(fields, &md)}, nil
}

// columnList names a schema's columns for an error message, the first ten
// of them.
func columnList(sc *arrow.Schema) string {
	const most = 10
	var b strings.Builder
	for i, f := range sc.Fields() {
		if i == most {
			fmt.Fprintf(&b, ", … (%d in all)", sc.NumFields())
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", f.Name)
	}
	if sc.NumFields() == 0 {
		return "no columns"
	}
	return b.String()
}

// recordFromChunks assembles one record of schema sc from the pieces of
// each column (chunks[i] for column i, in row order): a column of one piece
// is used as it is (copied into mem when copyAll is set), one of several is
// concatenated into new buffers from mem, and one of none becomes an empty
// array. nrows is the record's length (it matters only when sc has no
// fields). recordFromChunks takes over the chunks: it releases them, on
// error too. The record is owned by the caller.
func recordFromChunks(mem memory.Allocator, sc *arrow.Schema, chunks [][]arrow.Array, nrows int64, copyAll bool) (rec arrow.Record, err error) {
	cols := make([]arrow.Array, len(chunks))
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
		for _, cs := range chunks {
			for _, c := range cs {
				if c != nil {
					c.Release()
				}
			}
		}
		if r := recover(); r != nil {
			rec, err = nil, fmt.Errorf("assembling the record: %v", r)
		}
	}()
	for i, cs := range chunks {
		switch len(cs) {
		case 0:
			cols[i] = array.MakeArrayOfNull(mem, sc.Field(i).Type, 0)
		case 1:
			if !copyAll {
				cols[i], cs[0] = cs[0], nil
				break
			}
			fallthrough
		default:
			concat := array.Concatenate
			if dt, ok := sc.Field(i).Type.(*arrow.DictionaryType); ok {
				concat = func(arrs []arrow.Array, mem memory.Allocator) (arrow.Array, error) {
					return concatDictionaries(dt, arrs, mem)
				}
			}
			c, err := concat(cs, mem)
			if err != nil {
				return nil, fmt.Errorf("concatenating column %q: %w", sc.Field(i).Name, err)
			}
			cols[i] = c
		}
		if int64(cols[i].Len()) != nrows {
			return nil, fmt.Errorf("column %q has %d rows, want %d", sc.Field(i).Name, cols[i].Len(), nrows)
		}
	}
	return array.NewRecord(sc, cols, nrows), nil
}

// conformRecord checks a record given to a writer of schema sc and returns
// it with exactly that schema, as the Arrow writers require: the fields
// must have the same names and types; a field that is not nullable in sc
// must hold no null; nullability flags and metadata are otherwise taken
// from sc. The result is a new reference the caller releases.
func conformRecord(rec arrow.Record, sc *arrow.Schema) (arrow.Record, error) {
	if d := firstFieldDiff(sc, rec.Schema(), "the file", "the record"); d != "" {
		return nil, fmt.Errorf("the record's schema differs from the file's: %s", d)
	}
	for i, f := range sc.Fields() {
		if !f.Nullable && rec.Column(i).NullN() > 0 {
			return nil, fmt.Errorf("column %q is not nullable in the file, and the record has %d nulls in it", f.Name, rec.Column(i).NullN())
		}
	}
	if rec.Schema().Equal(sc) {
		rec.Retain()
		return rec, nil
	}
	return array.NewRecord(sc, rec.Columns(), rec.NumRows()), nil
}

// concatDictionaries concatenates dictionary arrays of type dt, unifying
// their dictionaries. array.Concatenate does this wrongly in Arrow Go v15
// when an array has nulls (it clears the indices at element offsets taken
// as byte offsets), so it is done here; a dictionary nested in another type
// still goes through array.Concatenate.
func concatDictionaries(dt *arrow.DictionaryType, arrs []arrow.Array, mem memory.Allocator) (arrow.Array, error) {
	u, err := array.NewDictionaryUnifier(mem, dt.ValueType)
	if err != nil {
		return nil, err
	}
	defer u.Release()
	n := 0
	maps := make([][]int32, len(arrs))
	for i, a := range arrs {
		d, ok := a.(*array.Dictionary)
		if !ok {
			return nil, fmt.Errorf("a chunk of a dictionary column is a %s", a.DataType())
		}
		buf, err := u.UnifyAndTranspose(d.Dictionary())
		if err != nil {
			return nil, err
		}
		defer buf.Release()
		maps[i] = arrow.Int32Traits.CastFromBytes(buf.Bytes())
		n += a.Len()
	}
	dict, err := u.GetResultWithIndexType(dt.IndexType)
	if err != nil {
		return nil, err
	}
	defer dict.Release()
	idx := make([]int64, 0, n)
	valid := make([]bool, 0, n)
	for i, a := range arrs {
		d := a.(*array.Dictionary)
		for k := 0; k < d.Len(); k++ {
			if d.IsNull(k) {
				idx, valid = append(idx, 0), append(valid, false)
				continue
			}
			idx, valid = append(idx, int64(maps[i][d.GetValueIndex(k)])), append(valid, true)
		}
	}
	ib := array.NewBuilder(mem, dt.IndexType)
	defer ib.Release()
	ib.Reserve(n)
	for k, v := range idx {
		if !valid[k] {
			ib.AppendNull()
			continue
		}
		switch b := ib.(type) {
		case *array.Int8Builder:
			b.UnsafeAppend(int8(v))
		case *array.Int16Builder:
			b.UnsafeAppend(int16(v))
		case *array.Int32Builder:
			b.UnsafeAppend(int32(v))
		case *array.Int64Builder:
			b.UnsafeAppend(v)
		case *array.Uint8Builder:
			b.UnsafeAppend(uint8(v))
		case *array.Uint16Builder:
			b.UnsafeAppend(uint16(v))
		case *array.Uint32Builder:
			b.UnsafeAppend(uint32(v))
		case *array.Uint64Builder:
			b.UnsafeAppend(uint64(v))
		default:
			return nil, fmt.Errorf("dictionary index type %s", dt.IndexType)
		}
	}
	indices := ib.NewArray()
	defer indices.Release()
	return array.NewDictionaryArray(dt, indices, dict), nil
}
