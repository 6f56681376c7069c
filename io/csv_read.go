package io

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// Read reads the rows that start in the partition's byte range (for a gzip
// file, every row) into one record of the columns opts.Columns names, in
// that order (every column when nil). The caller owns the record and must
// Release it. The partition runs in the calling goroutine; its partitions
// may be read concurrently. Errors name the file and, for a bad row, are a
// *CSVError with its line and column.
func (p *csvPartition) Read(ctx context.Context, opts ReadOptions) (arrow.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, f := p.d, p.f
	schema, outs, err := d.project(opts.Columns)
	if err != nil {
		return nil, err
	}
	mem := opts.allocator()

	// Presize the columns from the sample's row sizes.
	span := f.gridEnd(p.block) - f.gridStart(p.block)
	if f.gzip {
		span = min(4*f.size, 64<<20) // unknown: start modestly, grow
	}
	rows := int(min(float64(span)/max(d.rowBytes, 1)*1.04+16, 1<<28))
	cols := make([]csvColumn, len(d.schema.Fields()))
	for i, fl := range d.schema.Fields() {
		c := &cols[i]
		c.index, c.name, c.typ = i, fl.Name, fl.Type
	}
	for _, i := range outs {
		c := &cols[i]
		c.kind, c.width, c.parse, _ = csvKindOf(c.typ)
		c.isBytes = c.kind == csvKindString || c.kind == csvKindLarge
		// A column's text is at most the partition's bytes.
		c.init(mem, rows, int(min(float64(rows)*d.valBytes[i], float64(span))*1.04+64))
	}
	ps := newCSVParser(ctx, &d.cfg, mem, cols, outs)
	defer ps.release()
	if f.gzip {
		err = d.readGzip(ctx, ps, f)
	} else {
		err = d.readBlock(ctx, ps, f, p.block)
	}
	d.badRows.Add(ps.skipped)
	if err != nil {
		return nil, err
	}
	arrays := make([]arrow.Array, len(outs))
	for k, i := range outs {
		arrays[k] = cols[i].array()
	}
	rec := array.NewRecord(schema, arrays, int64(ps.rows))
	for _, a := range arrays {
		a.Release()
	}
	return rec, nil
}

// project returns the schema of the columns names asks for (all when nil)
// and their positions in the file.
func (d *CSVDataset) project(names []string) (*arrow.Schema, []int, error) {
	if names == nil {
		outs := make([]int, len(d.schema.Fields()))
		for i := range outs {
			outs[i] = i
		}
		return d.schema, outs, nil
	}
	outs := make([]int, len(names))
	fields := make([]arrow.Field, len(names))
	seen := make(map[int]bool, len(names))
	for k, name := range names {
		idx := d.schema.FieldIndices(name)
		if len(idx) == 0 {
			return nil, nil, fmt.Errorf("io: column %q is not in %s (its columns are %s)", name, d.paths[0], csvNames(d.schema))
		}
		if seen[idx[0]] {
			return nil, nil, fmt.Errorf("io: column %q is asked for twice", name)
		}
		seen[idx[0]] = true
		outs[k] = idx[0]
		fields[k] = d.schema.Field(idx[0])
	}
	md := d.schema.Metadata()
	return arrow.NewSchema(fields, &md), outs, nil
}

func csvNames(s *arrow.Schema) string {
	var b bytes.Buffer
	for i, f := range s.Fields() {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", f.Name)
	}
	return b.String()
}

// getBuf returns a buffer of n bytes from the dataset's pool.
func (d *CSVDataset) getBuf(n int) []byte {
	if b, ok := d.bufs.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]byte, n, n+n/8)
}

func (d *CSVDataset) putBuf(b []byte) {
	d.bufs.Put(&b)
}

// csvOpenChecked opens a file of the dataset and checks that its size is
// what OpenCSV saw.
func csvOpenChecked(f *csvFile) (*os.File, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, fmt.Errorf("io: %w", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("io: %w", err)
	}
	if st.Size() != f.size {
		fh.Close()
		return nil, fmt.Errorf("io: %s changed since it was opened: it had %d bytes, it has %d", f.path, f.size, st.Size())
	}
	return fh, nil
}

// csvChunk is the size of the buffer a partition streams its bytes
// through: small enough to stay in the core's cache while it is parsed.
const csvChunk = 1 << 20

// readBlock parses the rows that start in block i of an uncompressed file,
// streaming its bytes through a buffer.
func (d *CSVDataset) readBlock(ctx context.Context, ps *csvParser, f *csvFile, i int) error {
	cfg := &d.cfg
	fh, err := csvOpenChecked(f)
	if err != nil {
		return err
	}
	defer fh.Close()
	gs, ge := f.gridStart(i), f.gridEnd(i)
	parity := !cfg.hasEscape && !cfg.hasComment
	counting := parity && cfg.quoting

	// scratch is for reading other blocks: to count their quotes, to scan
	// their rows, to count lines for an error.
	scratch := d.getBuf(csvChunk)
	defer func() { d.putBuf(scratch) }()

	// buf holds the file's bytes [bufOff, bufOff+k).
	var bufOff int64
	if parity {
		bufOff = gs
		if i > 0 {
			bufOff = gs - 1 // to see whether a newline ends the block before
		}
	} else {
		if bufOff, err = f.chainStart(ctx, fh, scratch, cfg, i); err != nil {
			return err
		}
		if bufOff >= ge {
			return nil
		}
	}
	buf := d.getBuf(int(min(csvChunk, ge-bufOff+min(max(cfg.blockSize/4, 256), 64<<10))))
	defer func() { d.putBuf(buf) }()
	k := 0
	fill := func() error {
		m := int(min(int64(len(buf)-k), f.size-(bufOff+int64(k))))
		if err := csvReadFull(fh, f.path, buf[k:k+m], bufOff+int64(k)); err != nil {
			return err
		}
		k += m
		return nil
	}

	// The quotes of [gs, ge) as they stream by, to offer the count to the
	// partitions after this one.
	var quotes int64
	countedTo := gs
	count := func(to int64) {
		if to = min(to, ge); counting && to > countedTo {
			quotes += int64(bytes.Count(buf[countedTo-bufOff:to-bufOff], []byte{cfg.quote}))
			countedTo = to
		}
	}
	finish := func() {
		count(ge)
		if counting {
			f.quotes.offer(i, quotes)
		}
	}

	if err := fill(); err != nil {
		return err
	}
	p := 0
	if parity && i > 0 {
		// Find the first newline at or after gs-1 with an even number of
		// quotes before it.
		var par int64
		if counting {
			if par, err = f.quotesBefore(ctx, fh, scratch, cfg.quote, i); err != nil {
				return err
			}
		}
		if buf[0] == '\n' && par&1 == 0 {
			p = 1
		}
		for q := 1; p == 0; {
			lim := int(min(int64(k), ge-bufOff))
			j := bytes.IndexByte(buf[q:lim], '\n')
			if j < 0 {
				j = lim - q
			}
			if counting {
				par += int64(bytes.Count(buf[q:q+j], []byte{cfg.quote}))
			}
			switch {
			case q+j < lim && par&1 == 0:
				p = q + j + 1
			case q+j < lim:
				q += j + 1
			case bufOff+int64(lim) >= ge:
				finish() // no row starts in this block
				return nil
			default:
				count(bufOff + int64(k))
				bufOff, k, q = bufOff+int64(k), 0, 0
				if err := fill(); err != nil {
					return err
				}
			}
		}
	}

	for {
		next, st := ps.parse(buf[:k], p, int(min(ge-bufOff, math.MaxInt32)), bufOff+int64(k) == f.size)
		switch st {
		case csvDone:
			finish()
			return nil
		case csvCanceled:
			return ctx.Err()
		case csvBad:
			return d.rowError(ctx, fh, scratch, f, ps, bufOff, buf[:k], 0)
		}
		// The row at next goes on after the buffer.
		if next == 0 {
			nb := make([]byte, 2*len(buf))
			copy(nb, buf[:k])
			buf = nb
		} else {
			count(bufOff + int64(next))
			k = copy(buf, buf[next:k])
			bufOff += int64(next)
		}
		p = 0
		if err := fill(); err != nil {
			return err
		}
	}
}

// readGzip parses every row of a gzip file, streaming.
func (d *CSVDataset) readGzip(ctx context.Context, ps *csvParser, f *csvFile) error {
	fh, err := csvOpenChecked(f)
	if err != nil {
		return err
	}
	defer fh.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(fh, 1<<20))
	if err != nil {
		return fmt.Errorf("io: reading %s: %w", f.path, err)
	}
	defer zr.Close()
	if _, err := io.CopyN(io.Discard, zr, f.dataStart); err != nil {
		return fmt.Errorf("io: reading %s: %w", f.path, err)
	}
	lines := f.startLines
	buf := d.getBuf(4 << 20)
	defer func() { d.putBuf(buf) }()
	k, p, eof := 0, 0, false
	for {
		for k < len(buf) && !eof {
			m, err := zr.Read(buf[k:])
			k += m
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				return fmt.Errorf("io: reading %s: %w", f.path, err)
			}
		}
		next, st := ps.parse(buf[:k], p, math.MaxInt, eof)
		switch st {
		case csvDone:
			return nil
		case csvCanceled:
			return ctx.Err()
		case csvBad:
			return d.rowError(ctx, nil, nil, f, ps, 0, buf[:k], lines)
		}
		if next == 0 {
			nb := make([]byte, 2*len(buf))
			copy(nb, buf[:k])
			buf = nb
		} else {
			lines += int64(bytes.Count(buf[:next], []byte{'\n'}))
			k = copy(buf, buf[next:k])
		}
		p = 0
	}
}

// rowError turns ps.bad into a *CSVError. buf holds the file from off; the
// line is counted from the file's start (r, for an uncompressed file, read
// through scratch), or from lines, the newlines before buf.
func (d *CSVDataset) rowError(ctx context.Context, r io.ReaderAt, scratch []byte, f *csvFile, ps *csvParser, off int64, buf []byte, lines int64) error {
	bad := ps.bad
	if r != nil && off > 0 {
		err := csvChunks(ctx, r, f.path, scratch, 0, off, func(b []byte) bool {
			lines += int64(bytes.Count(b, []byte{'\n'}))
			return true
		})
		if err != nil {
			return err
		}
	}
	lines += int64(bytes.Count(buf[:bad.pos], []byte{'\n'}))
	e := &CSVError{Path: f.path, Line: lines + 1, Column: bad.col + 1, Text: bad.text}
	msg := bad.msg
	if bad.col >= 0 && bad.col < len(d.schema.Fields()) {
		e.ColumnName = d.schema.Field(bad.col).Name
		if bad.kind == ErrCSVValue && d.inferred[bad.col] {
			msg += fmt.Sprintf(" (the type was inferred from a sample of the files; set CSVOptions.ColumnTypes[%q] to read the column as another type)", e.ColumnName)
		}
	}
	e.Err = &csvErrorDetail{kind: bad.kind, msg: msg}
	return e
}
