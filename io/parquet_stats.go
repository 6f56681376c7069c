package io

import (
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
	"github.com/apache/arrow/go/v15/parquet/schema"
)

// parquetRowGroupStats reads the statistics of one row group: one entry per
// top-level field of the manifest, nil for a nested field (whose null counts
// and bounds do not describe rows one to one).
//
// Min/max bounds are used only where the Parquet library vouches for them
// (metadata.ColumnChunkMetaData.Statistics leaves out those of writers with
// known bugs and columns without a defined sort order), and only for the
// physical and logical types predicate.go compares. The null count is used
// for every flat column.
func parquetRowGroupStats(rg *metadata.RowGroupMetaData, sc *schema.Schema, manifest *pqarrow.SchemaManifest, writer string) ([]*columnStats, error) {
	out := make([]*columnStats, len(manifest.Fields))
	rows := rg.NumRows()
	for i := range manifest.Fields {
		f := &manifest.Fields[i]
		if len(f.Children) > 0 || !f.IsLeaf() {
			continue
		}
		cc, err := rg.ColumnChunk(f.ColIndex)
		if err != nil {
			return nil, err
		}
		col := sc.Column(f.ColIndex)
		s := &columnStats{rows: rows}
		out[i] = s
		if col.MaxRepetitionLevel() > 0 {
			continue
		}
		typed, err := cc.Statistics()
		if err != nil || typed == nil {
			continue // no usable statistics: proves nothing
		}
		if typed.HasNullCount() {
			s.hasNulls, s.nulls = true, typed.NullCount()
		}
		if typed.HasMinMax() {
			setParquetBounds(s, typed, col, writer)
		}
	}
	return out, nil
}

// setParquetBounds fills the kind and bounds of s from typed statistics, or
// leaves them unset (statNone) for a type that predicates do not compare.
func setParquetBounds(s *columnStats, typed metadata.TypedStatistics, col *schema.Column, writer string) {
	logical := col.LogicalType()
	order := col.SortOrder()
	switch st := typed.(type) {
	case *metadata.Int32Statistics:
		lo, hi := int64(st.Min()), int64(st.Max())
		switch lt := logical.(type) {
		case schema.DateLogicalType:
			s.kind = statDate
		case *schema.IntLogicalType:
			if !lt.IsSigned() {
				setUnsignedBounds(s, uint64(uint32(st.Min())), uint64(uint32(st.Max())), order, writer)
				return
			}
			s.kind = statInt
		case schema.NoLogicalType, nil:
			s.kind = statInt
		default:
			return
		}
		if order != schema.SortSIGNED {
			s.kind = statNone
			return
		}
		s.lo.i, s.hi.i, s.hasMinMax = lo, hi, true
	case *metadata.Int64Statistics:
		lo, hi := st.Min(), st.Max()
		switch lt := logical.(type) {
		case *schema.TimestampLogicalType:
			switch lt.TimeUnit() {
			case schema.TimeUnitMillis:
				s.unit = time.Millisecond
			case schema.TimeUnitMicros:
				s.unit = time.Microsecond
			case schema.TimeUnitNanos:
				s.unit = time.Nanosecond
			default:
				return
			}
			s.kind = statTimestamp
		case *schema.IntLogicalType:
			if !lt.IsSigned() {
				setUnsignedBounds(s, uint64(st.Min()), uint64(st.Max()), order, writer)
				return
			}
			s.kind = statInt
		case schema.NoLogicalType, nil:
			s.kind = statInt
		default:
			return
		}
		if order != schema.SortSIGNED {
			s.kind = statNone
			return
		}
		s.lo.i, s.hi.i, s.hasMinMax = lo, hi, true
	case *metadata.Float32Statistics:
		if order != schema.SortSIGNED {
			return
		}
		s.kind, s.lo.f, s.hi.f, s.hasMinMax = statFloat32, float64(st.Min()), float64(st.Max()), true
	case *metadata.Float64Statistics:
		if order != schema.SortSIGNED {
			return
		}
		s.kind, s.lo.f, s.hi.f, s.hasMinMax = statFloat64, st.Min(), st.Max(), true
	case *metadata.BooleanStatistics:
		s.kind, s.hasMinMax = statBool, true
		if st.Min() {
			s.lo.i = 1
		}
		if st.Max() {
			s.hi.i = 1
		}
	case *metadata.ByteArrayStatistics:
		switch logical.(type) {
		case schema.StringLogicalType, schema.NoLogicalType, nil:
		default:
			return
		}
		if order != schema.SortUNSIGNED {
			return
		}
		s.kind, s.lo.s, s.hi.s, s.hasMinMax = statString, string(st.Min()), string(st.Max()), true
	}
}

// setUnsignedBounds sets the bounds of an unsigned integer column, unless
// the file comes from the Go Parquet writer: up to at least v15 it computes
// unsigned bounds with signed comparisons whenever a page goes through its
// "spaced" path (a column with a validity bitmap), so its bounds are wrong
// (a uint32 column holding 5, 7 and 3e9 gets min 4294967295, max 0).
func setUnsignedBounds(s *columnStats, lo, hi uint64, order schema.SortOrder, writer string) {
	if order != schema.SortUNSIGNED || strings.HasPrefix(writer, "parquet-go") {
		return
	}
	s.kind, s.lo.u, s.hi.u, s.hasMinMax = statUint, lo, hi, true
}
