package io

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/metadata"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// parquetPartitionBytes is the partition size when
// ParquetOptions.PartitionBytes is 0: 64 MiB.
const parquetPartitionBytes = 64 << 20

// ParquetOptions configure OpenParquet. The zero value is ready to use.
type ParquetOptions struct {
	// PartitionBytes is the target size of a partition in uncompressed
	// bytes, as the row groups' footers record them: consecutive row groups
	// of a file are grouped into one partition while their total stays
	// within PartitionBytes. A row group is never split, so one larger than
	// PartitionBytes is a partition by itself, and a partition never spans
	// two files. 0 means 64 MiB.
	PartitionBytes int64
}

// A ParquetDataset is a set of Parquet files of one schema, opened by
// OpenParquet. It implements Dataset: its partitions are row groups, or runs
// of consecutive small row groups of one file, and Partitions leaves out the
// row groups whose statistics prove that no row matches the filter. It is
// immutable and safe for concurrent use.
//
// Reading a partition reads the column chunks of the chosen columns only
// (a nested column whole) from the partition's row groups, less those
// ReadOptions.Filter rules out, into one record: a column read from several
// row groups is concatenated. A column that is or holds a struct is decoded
// twice, first to turn corrupt data into an error (the Arrow reader decodes
// a struct's children on goroutines where a panic would end the process).
// ctx is checked before each column.
type ParquetDataset struct {
	paths  []string
	schema *arrow.Schema
	files  []*parquetFile
	plan   []*parquetPartition // the partitions with no filter
}

// parquetFile is what OpenParquet learned from one file's footer. It is not
// changed after OpenParquet returns; reads share it.
type parquetFile struct {
	path string
	size int64
	meta *metadata.FileMetaData
	// schema is the file's own Arrow schema (a field that is nullable in
	// the dataset's schema may not be in this file's).
	schema *arrow.Schema
	// fixes[f] converts what the Parquet library reads of top-level field
	// f into the type of schema, or is nil (see restoreStoredTypes).
	fixes []typeFix
	// rows[i] is the number of rows of row group i; stats[i][f] the
	// statistics of top-level field f in row group i (nil for nested
	// fields).
	rows  []int64
	stats [][]*columnStats
}

// OpenParquet opens the Parquet files that paths name (files, globs or
// directories, see ResolvePaths; a directory gives its *.parquet and
// *.parq files). It reads every footer, in parallel, and checks that all
// files have the same Arrow schema: the same field names in the same
// order, with the same types (a field may be nullable in one file and not in
// another; the dataset's field is then nullable). Nothing else is read until
// a partition is.
//
// An empty, truncated or corrupt footer is an error naming the file (the
// Parquet library's panics on corrupt input are recovered here and become
// such errors); so is a schema that differs between two files, naming both
// and the first field that differs. With several bad files, the error is
// about the first in path order. ctx cancels the opening.
func OpenParquet(ctx context.Context, paths []string, opts ParquetOptions) (*ParquetDataset, error) {
	resolved, err := ResolvePaths(paths, ".parquet", ".parq")
	if err != nil {
		return nil, err
	}
	files, err := openEach(ctx, resolved, openParquetFile)
	if err != nil {
		return nil, err
	}
	schemas := make([]*arrow.Schema, len(files))
	for i, f := range files {
		schemas[i] = f.schema
	}
	sc, err := agreeSchemas(resolved, schemas)
	if err != nil {
		return nil, err
	}
	d := &ParquetDataset{paths: resolved, schema: sc, files: files}
	target := opts.PartitionBytes
	if target <= 0 {
		target = parquetPartitionBytes
	}
	for _, f := range files {
		d.plan = append(d.plan, f.plan(d, target)...)
	}
	return d, nil
}

// openParquetFile reads and checks one file's footer.
func openParquetFile(path string) (pf *parquetFile, err error) {
	defer func() {
		if r := recover(); r != nil {
			pf, err = nil, fmt.Errorf("io: %s is not a valid Parquet file: %v", path, r)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("io: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("io: %w", err)
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("io: %s is empty, not a Parquet file", path)
	}
	rdr, err := file.NewParquetReader(f, file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)))
	if err != nil {
		return nil, fmt.Errorf("io: %s is not a valid Parquet file: %w", path, err)
	}
	md := rdr.MetaData()
	if md == nil || md.Schema == nil {
		return nil, fmt.Errorf("io: %s is not a valid Parquet file: its footer has no schema", path)
	}
	md.WriterVersion() // set the lazily computed field now, before reads share md
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return nil, fmt.Errorf("io: %s: cannot map its Parquet schema to Arrow: %w", path, err)
	}
	sc, err := fr.Schema()
	if err != nil {
		return nil, fmt.Errorf("io: %s: cannot map its Parquet schema to Arrow: %w", path, err)
	}
	sc, fixes := restoreStoredTypes(stripUnsetFieldIDs(sc), storedArrowSchema(md.KeyValueMetadata()))
	pf = &parquetFile{path: path, size: st.Size(), meta: md, schema: sc, fixes: fixes}
	ncols := md.Schema.NumColumns()
	for i := 0; i < rdr.NumRowGroups(); i++ {
		rg := md.RowGroup(i)
		if rg.NumRows() < 0 || rg.NumColumns() != ncols {
			return nil, fmt.Errorf("io: %s is not a valid Parquet file: row group %d has %d rows and %d columns, the schema %d columns",
				path, i, rg.NumRows(), rg.NumColumns(), ncols)
		}
		if err := checkColumnChunks(rg, st.Size()); err != nil {
			return nil, fmt.Errorf("io: %s is not a valid Parquet file: row group %d: %w", path, i, err)
		}
		stats, err := parquetRowGroupStats(rg, md.Schema, fr.Manifest, md.GetCreatedBy())
		if err != nil {
			return nil, fmt.Errorf("io: %s is not a valid Parquet file: row group %d: %w", path, i, err)
		}
		pf.rows = append(pf.rows, rg.NumRows())
		pf.stats = append(pf.stats, stats)
	}
	return pf, nil
}

// checkColumnChunks checks that a row group's column chunks lie inside the
// file, as the reader will compute their byte ranges.
func checkColumnChunks(rg *metadata.RowGroupMetaData, size int64) error {
	for c := 0; c < rg.NumColumns(); c++ {
		cc, err := rg.ColumnChunk(c)
		if err != nil {
			return err
		}
		start := cc.DataPageOffset()
		if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && start > cc.DictionaryPageOffset() {
			start = cc.DictionaryPageOffset()
		}
		n := cc.TotalCompressedSize()
		if start < 0 || n < 0 || start > size || n > size-start {
			return fmt.Errorf("column %d claims bytes %d to %d of a file of %d", c, start, start+n, size)
		}
	}
	return nil
}

// plan groups the file's row groups into partitions of about target bytes.
func (f *parquetFile) plan(d *ParquetDataset, target int64) []*parquetPartition {
	var out []*parquetPartition
	var cur []int
	var curBytes int64
	for i := range f.rows {
		b := f.meta.RowGroup(i).TotalByteSize()
		if len(cur) > 0 && curBytes+b > target {
			out = append(out, &parquetPartition{d: d, file: f, rowGroups: cur})
			cur, curBytes = nil, 0
		}
		cur = append(cur, i)
		curBytes += b
	}
	if len(cur) > 0 {
		out = append(out, &parquetPartition{d: d, file: f, rowGroups: cur})
	}
	return out
}

// Format returns "parquet".
func (d *ParquetDataset) Format() string { return "parquet" }

// Paths returns the dataset's files, in the order of their partitions. The
// slice must not be modified.
func (d *ParquetDataset) Paths() []string { return d.paths }

// Schema returns the Arrow schema of the dataset, as the Parquet library maps
// the files' Parquet schema (restoring the original Arrow types when a file
// stores its Arrow schema, as CreateParquet's files do).
func (d *ParquetDataset) Schema() *arrow.Schema { return d.schema }

// NumRows returns the number of rows of the dataset, from the footers.
func (d *ParquetDataset) NumRows() int64 {
	var n int64
	for _, f := range d.files {
		for _, r := range f.rows {
			n += r
		}
	}
	return n
}

// Partitions returns the partitions to read: row groups, or runs of small
// consecutive row groups of one file (see ParquetOptions.PartitionBytes),
// in file order. With a filter, a row group is left out of its partition
// when its column-chunk statistics (min, max, null count) prove that no row
// satisfies every predicate, and a partition left without row groups is
// left out.
//
// What the statistics prove follows Predicate's semantics exactly and errs
// toward keeping a row group:
//   - a comparison (=, !=, <, <=, >, >=) holds for no row of a row group
//     whose values are all null; IsNull for none of one whose null count is
//     0; NotNull for none of one whose values are all null;
//   - a comparison is checked against the min and max of integer (Value
//     int64), floating-point (float64), boolean (bool), string (string),
//     date and timestamp (time.Time) columns; a Value of another type, a
//     column without statistics, a nested column or a column of another
//     type (decimal, binary of fixed size, INT96, time of day) proves
//     nothing;
//   - floating point follows IEEE 754: NaN satisfies only !=, so != never
//     prunes a float column, and NaN bounds or a NaN Value prove nothing;
//   - a time between two ticks of the column (a date with a time of day, a
//     timestamp finer than the column's unit) is compared so that either
//     reading of it (exact, or truncated to the column's unit) keeps the
//     row groups it might match;
//   - the bounds of unsigned columns written by the Go Parquet library are
//     not trusted (it computes some with signed comparisons).
func (d *ParquetDataset) Partitions(filter []Predicate) []Partition {
	out := make([]Partition, 0, len(d.plan))
	for _, p := range d.plan {
		if q := p.pruned(filter); q != nil {
			out = append(out, q)
		}
	}
	return out
}

// A parquetPartition is a run of row groups of one file.
type parquetPartition struct {
	d         *ParquetDataset
	file      *parquetFile
	rowGroups []int // increasing
}

// pruned returns the partition without the row groups that filter rules
// out: p itself when it keeps them all, nil when it keeps none.
func (p *parquetPartition) pruned(filter []Predicate) *parquetPartition {
	if len(filter) == 0 {
		return p
	}
	kept := p.file.mayMatch(p.d.schema, p.rowGroups, filter)
	switch len(kept) {
	case 0:
		return nil
	case len(p.rowGroups):
		return p
	}
	return &parquetPartition{d: p.d, file: p.file, rowGroups: kept}
}

// mayMatch returns the row groups of rgs that filter does not rule out.
func (f *parquetFile) mayMatch(sc *arrow.Schema, rgs []int, filter []Predicate) []int {
	if len(filter) == 0 {
		return rgs
	}
	kept := make([]int, 0, len(rgs))
	for _, rg := range rgs {
		stats := func(column string) (*columnStats, bool) {
			idx := sc.FieldIndices(column)
			if len(idx) == 0 || f.stats[rg][idx[0]] == nil {
				return nil, false
			}
			return f.stats[rg][idx[0]], true
		}
		if filterMayMatch(filter, stats) {
			kept = append(kept, rg)
		}
	}
	return kept
}

// String names the file and the row groups, such as
// "data/x.parquet row groups 3-5" or "data/x.parquet row group 2".
func (p *parquetPartition) String() string {
	if len(p.rowGroups) == 1 {
		return fmt.Sprintf("%s row group %d", p.file.path, p.rowGroups[0])
	}
	return p.file.path + " row groups " + formatRanges(p.rowGroups)
}

// formatRanges writes increasing integers as comma-separated inclusive
// ranges: 0-3,5,7-8.
func formatRanges(xs []int) string {
	var b strings.Builder
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(xs[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(xs[j]))
		}
		i = j + 1
	}
	return b.String()
}

// Read reads the partition's row groups, less those opts.Filter rules out,
// into one record of opts.Columns (every column when nil, none when empty
// and not nil: a record that only counts rows). Only the chosen columns'
// column chunks are read; a nested column is read whole. The record's
// buffers come from opts.Allocator and it is owned by the caller. ctx is
// checked before each column. Errors name the partition, and so its file.
func (p *parquetPartition) Read(ctx context.Context, opts ReadOptions) (arrow.Record, error) {
	sel, err := selectColumns(p.d.schema, opts.Columns, p.file.path)
	if err != nil {
		return nil, err
	}
	rgs := p.file.mayMatch(p.d.schema, p.rowGroups, opts.Filter)
	rec, err := p.file.read(ctx, sel, rgs, opts.allocator())
	if err != nil {
		return nil, fmt.Errorf("io: reading %s: %w", p, err)
	}
	return rec, nil
}

// read reads the chosen columns of row groups rgs into one record. A
// column that is or holds a struct is decoded twice: once to find corrupt
// data where a panic can be recovered (see decodeLeaves), then by the Arrow
// reader.
func (f *parquetFile) read(ctx context.Context, sel columnSelection, rgs []int, mem memory.Allocator) (rec arrow.Record, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var nrows int64
	for _, rg := range rgs {
		nrows += f.rows[rg]
	}
	chunks := make([][]arrow.Array, len(sel.indices))
	handedOver := false
	defer func() {
		if r := recover(); r != nil {
			rec, err = nil, fmt.Errorf("the Parquet reader failed (a corrupt file?): %v", r)
		}
		if !handedOver {
			for _, cs := range chunks {
				for _, c := range cs {
					c.Release()
				}
			}
		}
	}()
	if len(rgs) > 0 && len(sel.indices) > 0 {
		fh, err := os.Open(f.path)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		rdr, err := file.NewParquetReader(fh,
			file.WithReadProps(parquet.NewReaderProperties(memory.DefaultAllocator)),
			file.WithMetadata(f.meta))
		if err != nil {
			return nil, err
		}
		fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{}, mem)
		if err != nil {
			return nil, err
		}
		for j, fi := range sel.indices {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if hasStruct(&fr.Manifest.Fields[fi]) {
				if err := decodeLeaves(rdr, fieldLeaves(&fr.Manifest.Fields[fi]), rgs); err != nil {
					return nil, fmt.Errorf("column %q: %w", sel.schema.Field(j).Name, err)
				}
			}
			chunks[j], err = readParquetField(ctx, fr, fi, rgs, nrows)
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", sel.schema.Field(j).Name, err)
			}
			if fix := f.fixes[fi]; fix != nil {
				for k, c := range chunks[j] {
					chunks[j][k] = fix(c, mem)
				}
			}
		}
	}
	handedOver = true
	return recordFromChunks(mem, sel.schema, chunks, nrows, false)
}

// readParquetField reads top-level field fi, with every leaf column under
// it, from row groups rgs, which hold nrows rows. The arrays are owned by
// the caller.
func readParquetField(ctx context.Context, fr *pqarrow.FileReader, fi int, rgs []int, nrows int64) ([]arrow.Array, error) {
	leaves := make(map[int]bool)
	for _, leaf := range fieldLeaves(&fr.Manifest.Fields[fi]) {
		leaves[leaf] = true
	}
	cr, err := fr.GetFieldReader(ctx, fi, leaves, rgs)
	if err != nil {
		return nil, err
	}
	if cr == nil {
		return nil, fmt.Errorf("no reader for field %d", fi)
	}
	defer cr.Release()
	ch, err := cr.NextBatch(nrows)
	if err != nil {
		return nil, err
	}
	defer ch.Release()
	out := make([]arrow.Array, 0, len(ch.Chunks()))
	for _, c := range ch.Chunks() {
		if c.Len() == 0 && len(ch.Chunks()) > 1 {
			continue
		}
		c.Retain()
		out = append(out, c)
	}
	return out, nil
}
