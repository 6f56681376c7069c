package io

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/ipc"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// Where the Arrow schema the Parquet library reads differs from the one a
// file was written with, and what nested columns need beyond what flat ones
// do.

// parquetFieldIDKey is the field metadata key under which the Parquet
// library reports a field's Parquet field id, "-1" when it has none.
const parquetFieldIDKey = "PARQUET:field_id"

// stripUnsetFieldIDs returns sc without the "PARQUET:field_id": "-1"
// metadata the Parquet library puts on every field (and every field of a
// struct or list) that has no field id, so that a file's schema reads as
// the schema it was written with. Ids that are set are kept.
func stripUnsetFieldIDs(sc *arrow.Schema) *arrow.Schema {
	fields := sc.Fields()
	for i := range fields {
		fields[i] = stripFieldID(fields[i])
	}
	md := sc.Metadata()
	return arrow.NewSchema(fields, &md)
}

func stripFieldID(f arrow.Field) arrow.Field {
	if i := f.Metadata.FindKey(parquetFieldIDKey); i >= 0 && f.Metadata.Values()[i] == "-1" {
		var keys, values []string
		for k := range f.Metadata.Keys() {
			if k != i {
				keys = append(keys, f.Metadata.Keys()[k])
				values = append(values, f.Metadata.Values()[k])
			}
		}
		f.Metadata = arrow.NewMetadata(keys, values)
	}
	switch t := f.Type.(type) {
	case *arrow.StructType:
		children := t.Fields()
		for i := range children {
			children[i] = stripFieldID(children[i])
		}
		f.Type = arrow.StructOf(children...)
	case *arrow.ListType:
		f.Type = arrow.ListOfField(stripFieldID(t.ElemField()))
	case *arrow.LargeListType:
		f.Type = arrow.LargeListOfField(stripFieldID(t.ElemField()))
	case *arrow.FixedSizeListType:
		f.Type = arrow.FixedSizeListOfField(t.Len(), stripFieldID(t.ElemField()))
	}
	return f
}

// storedArrowSchema decodes the Arrow schema that a writer stored in a
// file's key-value metadata under "ARROW:schema" (an IPC schema message,
// base64), or returns nil when there is none or it does not decode.
func storedArrowSchema(kv metadata.KeyValueMetadata) *arrow.Schema {
	v := kv.FindValue("ARROW:schema")
	if v == nil {
		return nil
	}
	raw, err := base64.StdEncoding.DecodeString(*v)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(*v); err != nil {
			return nil
		}
	}
	r, err := ipc.NewReader(bytes.NewReader(raw), ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil
	}
	defer r.Release()
	return r.Schema()
}

// restoreStoredTypes returns sc with the types of the stored Arrow schema
// (origin, nil when the file has none) where the Parquet library reads a
// top-level field as another type that holds the same values, and the
// conversions that turn what it reads into those types (nil where no
// conversion is needed). The Go Parquet writer stores date64 as a
// timestamp in milliseconds, second timestamps in milliseconds, and marks
// every timestamp as adjusted to UTC, so that the library reads a
// timestamp without time zone back as "UTC".
func restoreStoredTypes(sc, origin *arrow.Schema) (*arrow.Schema, []typeFix) {
	fixes := make([]typeFix, sc.NumFields())
	if origin == nil || origin.NumFields() != sc.NumFields() {
		return sc, fixes
	}
	fields := sc.Fields()
	changed := false
	for i := range fields {
		o := origin.Field(i)
		if o.Name != fields[i].Name {
			continue
		}
		if fix := storedTypeFix(fields[i].Type, o.Type); fix != nil {
			fields[i].Type = o.Type
			fixes[i] = fix
			changed = true
		}
	}
	if !changed {
		return sc, fixes
	}
	md := sc.Metadata()
	return arrow.NewSchema(fields, &md), fixes
}

// A typeFix turns an array the Parquet library read into the type the
// file was written with. It takes over a and returns an array the caller
// owns.
type typeFix func(a arrow.Array, mem memory.Allocator) arrow.Array

// storedTypeFix returns the conversion from got, the type read, to want,
// the type stored, or nil when there is none to make or none known.
func storedTypeFix(got, want arrow.DataType) typeFix {
	if arrow.TypeEqual(got, want) {
		return nil
	}
	g, ok := got.(*arrow.TimestampType)
	if !ok {
		return nil
	}
	switch w := want.(type) {
	case *arrow.Date64Type:
		if g.Unit == arrow.Millisecond {
			return retypeTo(want)
		}
	case *arrow.TimestampType:
		switch {
		case w.Unit == g.Unit:
			return retypeTo(want)
		case w.Unit < g.Unit:
			div := int64(w.Unit.Multiplier() / g.Unit.Multiplier())
			return func(a arrow.Array, mem memory.Allocator) arrow.Array {
				defer a.Release()
				d := a.Data()
				raw := arrow.Int64Traits.CastFromBytes(d.Buffers()[1].Bytes())
				buf := memory.NewResizableBuffer(mem)
				defer buf.Release()
				buf.Resize(arrow.Int64Traits.BytesRequired(len(raw)))
				out := arrow.Int64Traits.CastFromBytes(buf.Bytes())
				for i, v := range raw {
					out[i] = v / div
				}
				nd := array.NewData(want, d.Len(), []*memory.Buffer{d.Buffers()[0], buf}, nil, d.NullN(), d.Offset())
				defer nd.Release()
				return array.MakeFromData(nd)
			}
		}
	}
	return nil
}

// retypeTo returns a typeFix that gives an array type t, sharing its
// buffers: for types of the same layout.
func retypeTo(t arrow.DataType) typeFix {
	return func(a arrow.Array, _ memory.Allocator) arrow.Array {
		defer a.Release()
		d := a.Data()
		nd := array.NewData(t, d.Len(), d.Buffers(), d.Children(), d.NullN(), d.Offset())
		defer nd.Release()
		return array.MakeFromData(nd)
	}
}

// hasStruct reports whether a field is or holds a struct (a map holds one).
func hasStruct(sf *pqarrow.SchemaField) bool {
	switch sf.Field.Type.ID() {
	case arrow.STRUCT, arrow.MAP:
		return true
	}
	for i := range sf.Children {
		if hasStruct(&sf.Children[i]) {
			return true
		}
	}
	return false
}

// fieldLeaves returns the leaf column indices under a field.
func fieldLeaves(sf *pqarrow.SchemaField) []int {
	var out []int
	if sf.IsLeaf() {
		out = append(out, sf.ColIndex)
	}
	for i := range sf.Children {
		out = append(out, fieldLeaves(&sf.Children[i])...)
	}
	return out
}

// decodeLeaves decodes, and throws away, every value and level of the
// given leaf columns in row groups rgs. The Arrow reader of a struct
// decodes its children on goroutines of its own, where a panic on corrupt
// data (the Snappy decoder panics, for one) cannot be recovered and would
// end the process; decoding them first on the caller's goroutine turns such
// data into an error, or a panic that the caller recovers.
func decodeLeaves(rdr *file.Reader, leaves, rgs []int) error {
	const batch = 4096
	levels := make([]int16, 2*batch)
	def, rep := levels[:batch], levels[batch:]
	for _, rg := range rgs {
		rgr := rdr.RowGroup(rg)
		for _, leaf := range leaves {
			cr, err := rgr.Column(leaf)
			if err != nil {
				return err
			}
			var read func() (int64, error)
			switch r := cr.(type) {
			case *file.BooleanColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]bool, batch), def, rep)
			case *file.Int32ColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]int32, batch), def, rep)
			case *file.Int64ColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]int64, batch), def, rep)
			case *file.Int96ColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]parquet.Int96, batch), def, rep)
			case *file.Float32ColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]float32, batch), def, rep)
			case *file.Float64ColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]float64, batch), def, rep)
			case *file.ByteArrayColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]parquet.ByteArray, batch), def, rep)
			case *file.FixedLenByteArrayColumnChunkReader:
				read = readerOf(r.ReadBatch, make([]parquet.FixedLenByteArray, batch), def, rep)
			default:
				return fmt.Errorf("no decoder for column %d (%T)", leaf, cr)
			}
			for cr.HasNext() {
				n, err := read()
				if err != nil {
					return fmt.Errorf("column %d: %w", leaf, err)
				}
				if n == 0 {
					return errors.New("the decoder makes no progress")
				}
			}
			if err := cr.Err(); err != nil {
				return fmt.Errorf("column %d: %w", leaf, err)
			}
		}
	}
	return nil
}

func readerOf[T any](readBatch func(int64, []T, []int16, []int16) (int64, int, error), values []T, def, rep []int16) func() (int64, error) {
	return func() (int64, error) {
		n, _, err := readBatch(int64(len(values)), values, def, rep)
		return n, err
	}
}
