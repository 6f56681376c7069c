package io

import (
	"bufio"
	"fmt"
	goio "io"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet"
	"github.com/apache/arrow/go/v15/parquet/compress"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// ParquetCompression is the codec of the pages of a Parquet file that
// CreateParquet writes.
type ParquetCompression int

// The Parquet codecs. The zero value, ParquetSnappy, is the default.
const (
	// ParquetSnappy compresses fast and is read by every Parquet reader.
	ParquetSnappy ParquetCompression = iota
	// ParquetZSTD gives smaller files for more time spent writing.
	ParquetZSTD
	// ParquetGzip is for readers that know nothing newer.
	ParquetGzip
	// ParquetUncompressed writes the pages as they are encoded.
	ParquetUncompressed
)

var parquetCompressionNames = [...]string{"snappy", "zstd", "gzip", "uncompressed"}

func (c ParquetCompression) String() string {
	if c < 0 || int(c) >= len(parquetCompressionNames) {
		return fmt.Sprintf("ParquetCompression(%d)", int(c))
	}
	return parquetCompressionNames[c]
}

func (c ParquetCompression) codec() (compress.Compression, error) {
	switch c {
	case ParquetSnappy:
		return compress.Codecs.Snappy, nil
	case ParquetZSTD:
		return compress.Codecs.Zstd, nil
	case ParquetGzip:
		return compress.Codecs.Gzip, nil
	case ParquetUncompressed:
		return compress.Codecs.Uncompressed, nil
	}
	return 0, fmt.Errorf("io: unknown Parquet compression %v", c)
}

// parquetRowGroupRows is the row group length when
// ParquetWriteOptions.RowGroupRows is 0.
const parquetRowGroupRows = 1 << 20

// ParquetWriteOptions configure CreateParquet. The zero value is ready to
// use: Snappy, row groups of 1,048,576 rows.
type ParquetWriteOptions struct {
	// Compression is the pages' codec; the zero value is Snappy.
	Compression ParquetCompression
	// RowGroupRows is the number of rows of a row group: the writer gathers
	// the records it is given into row groups of that many rows (the last
	// one may be shorter), whatever their sizes. A row group is held in
	// memory, encoded and compressed, until it is full. 0 means 1,048,576
	// (1 << 20).
	RowGroupRows int64
}

// CreateParquet returns a RecordWriter that writes records of the given
// schema to a Parquet file at path, atomically (see RecordWriter): the file
// appears, complete, when Close returns nil. The file stores its Arrow
// schema, so that OpenParquet gives back the Arrow types written (restoring,
// for top-level fields, what Parquet cannot say: date64, timestamps in
// seconds, timestamps without time zone), and holds column statistics (min, max, null count) for every column, so that
// ParquetDataset.Partitions can prune its row groups. Pages are
// dictionary-encoded where that pays; the file is Parquet format 2.6
// (nanosecond timestamps are kept) with version 2 data pages, which
// current readers (Arrow, Spark 3, DuckDB, Polars) read and some old ones
// do not.
//
// Write takes records whose fields have the schema's names and types in
// its order; a record that differs (or has nulls in a column the schema
// says is not nullable) is an error that aborts the file.
func CreateParquet(path string, schema *arrow.Schema, opts ParquetWriteOptions) (RecordWriter, error) {
	codec, err := opts.Compression.codec()
	if err != nil {
		return nil, err
	}
	rows := opts.RowGroupRows
	if rows <= 0 {
		rows = parquetRowGroupRows
	}
	props := parquet.NewWriterProperties(
		parquet.WithCompression(codec),
		parquet.WithStats(true),
		parquet.WithMaxRowGroupLength(rows),
		parquet.WithVersion(parquet.V2_LATEST),
		// Version 2 data pages: with version 1 pages the v15 writer grows
		// the buffer of a nullable column's definition levels a few bytes
		// at a time, copying it each time (2 GB copied to write 1e6 rows of
		// one nullable float64 column, 10x what version 2 costs).
		parquet.WithDataPageVersion(parquet.DataPageV2),
		parquet.WithAllocator(memory.DefaultAllocator),
	)
	af, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	w := &parquetWriter{writerState: writerState{path: path}, schema: schema, af: af}
	w.sink.w = af.File
	w.buf = bufio.NewWriterSize(&w.sink, 1<<20)
	fw, err := newParquetFileWriter(schema, w.buf, props)
	if err != nil {
		af.abort()
		return nil, fmt.Errorf("io: creating %s: %w", path, err)
	}
	w.fw = fw
	return w, nil
}

func newParquetFileWriter(schema *arrow.Schema, w goio.Writer, props *parquet.WriterProperties) (fw *pqarrow.FileWriter, err error) {
	defer func() {
		if r := recover(); r != nil {
			fw, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
}

// parquetWriter is the RecordWriter of CreateParquet.
type parquetWriter struct {
	writerState
	schema *arrow.Schema
	af     *atomicFile
	sink   switchableWriter // under buf: the file, or nothing once aborted
	buf    *bufio.Writer
	fw     *pqarrow.FileWriter
}

// switchableWriter writes to w, which Abort points at io.Discard so that
// closing the Parquet writer (which flushes what it holds) writes nothing.
type switchableWriter struct{ w goio.Writer }

func (s *switchableWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// Write appends rec to the current row group, starting new ones as they
// fill. rec is borrowed. An error aborts the file.
func (w *parquetWriter) Write(rec arrow.Record) (err error) {
	if err := w.usable(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
		if err != nil {
			err = fmt.Errorf("io: writing %s: %w", w.path, err)
			w.fail(err)
		}
	}()
	rec, err = conformRecord(rec, w.schema)
	if err != nil {
		return err
	}
	defer rec.Release()
	return w.fw.WriteBuffered(rec)
}

// fail aborts the writer after an error.
func (w *parquetWriter) fail(err error) {
	w.Abort()
	w.err = err
}

// Close writes the last row group and the footer and gives the file its
// name. Close after Close does nothing; Close after Abort or after a failed
// Write returns an error.
func (w *parquetWriter) Close() (err error) {
	if w.state == writerClosed && w.err == nil {
		return nil
	}
	if err := w.usable(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("io: writing %s: %v", w.path, r)
		}
		if err != nil {
			w.fail(err)
		}
	}()
	if err := w.fw.Close(); err != nil {
		return fmt.Errorf("io: writing %s: %w", w.path, err)
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("io: writing %s: %w", w.path, err)
	}
	w.state = writerClosed
	return w.af.commit()
}

// Abort removes the temporary file. After Close it does nothing.
func (w *parquetWriter) Abort() error {
	if w.state != writerOpen {
		return nil
	}
	w.state = writerAborted
	w.sink.w = goio.Discard
	func() {
		defer func() { recover() }() // the writer is being thrown away
		w.fw.Close()
	}()
	return w.af.abort()
}
