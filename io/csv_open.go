package io

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/apache/arrow/go/v15/arrow"
)

// csvExtensions are the file name endings that OpenCSV reads from a
// directory.
var csvExtensions = []string{".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz"}

// OpenCSV opens the CSV files that paths name: files, glob patterns or
// directories (see ResolvePaths; a directory gives its files ending in
// .csv, .tsv or .txt, optionally followed by .gz). It reads each file's
// header, checks that every file has the same columns in the same order,
// infers the column types from a sample (see CSVOptions), and plans the
// partitions. It reads no more than the headers and the sample.
//
// A missing file, an empty file, a file whose header differs from the
// first file's, and a dataset whose files hold a header but no rows
// (unless opts.Schema is given) are errors that name the file.
func OpenCSV(ctx context.Context, paths []string, opts CSVOptions) (*CSVDataset, error) {
	cfg, err := newCSVConfig(opts)
	if err != nil {
		return nil, err
	}
	if opts.Schema != nil && opts.ColumnTypes != nil {
		return nil, errors.New("io: give CSVOptions.Schema or CSVOptions.ColumnTypes, not both")
	}
	files, err := ResolvePaths(paths, csvExtensions...)
	if err != nil {
		return nil, err
	}
	d := &CSVDataset{cfg: cfg, paths: files}
	var names []string
	heads := make([]*csvHead, len(files))
	gzSample := int(max(cfg.sampleSize/int64(len(files)), 64<<10))
	for i, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, err := cfg.inspect(path, gzSample)
		if err != nil {
			return nil, err
		}
		heads[i] = h
		if i == 0 {
			names = h.names
		} else if err := csvSameColumns(files[0], names, path, h.names, cfg.header); err != nil {
			return nil, err
		}
		d.files = append(d.files, h.file)
	}

	// The schema: given, or inferred where not given.
	given := make([]arrow.DataType, len(names))
	if s := opts.Schema; s != nil {
		if len(s.Fields()) != len(names) {
			return nil, fmt.Errorf("io: CSVOptions.Schema has %d columns, but %s has %d", len(s.Fields()), files[0], len(names))
		}
		for i, f := range s.Fields() {
			if cfg.header && f.Name != names[i] {
				return nil, fmt.Errorf("io: CSVOptions.Schema names column %d %q, but the header of %s names it %q", i+1, f.Name, files[0], names[i])
			}
			given[i] = f.Type
		}
		names = make([]string, len(s.Fields()))
		for i, f := range s.Fields() {
			names[i] = f.Name
		}
		if dup := csvDuplicate(names); dup != "" {
			return nil, fmt.Errorf("io: CSVOptions.Schema has two columns named %q", dup)
		}
	}
	for name, t := range opts.ColumnTypes {
		i := slices.Index(names, name)
		if i < 0 {
			return nil, fmt.Errorf("io: CSVOptions.ColumnTypes names %q, which is not a column of %s", name, files[0])
		}
		given[i] = t
	}
	for i, t := range given {
		if t == nil {
			continue
		}
		if _, _, _, ok := csvKindOf(t); !ok {
			return nil, fmt.Errorf("io: CSV cannot read column %q as %s", names[i], t)
		}
	}

	smp, err := d.sample(ctx, heads, len(names))
	if err != nil {
		return nil, err
	}
	if smp.records == 0 && smp.whole && slices.Contains(given, nil) {
		which := files[0]
		if len(files) > 1 {
			which = fmt.Sprintf("every file of %s (%d files)", strings.Join(paths, ", "), len(files))
		}
		return nil, fmt.Errorf("io: %s has a header but no rows; give CSVOptions.Schema to read it as empty", which)
	}
	fields := make([]arrow.Field, len(names))
	d.inferred = make([]bool, len(names))
	for i := range names {
		t := given[i]
		if t == nil {
			t = smp.cols[i].dataType()
			d.inferred[i] = true
		}
		fields[i] = arrow.Field{Name: names[i], Type: t, Nullable: true}
	}
	if opts.Schema != nil {
		d.schema = opts.Schema
	} else {
		d.schema = arrow.NewSchema(fields, nil)
	}
	d.rowBytes, d.valBytes = smp.sizes(len(names))

	// Plan the partitions.
	for _, f := range d.files {
		f.plan(cfg.blockSize)
	}
	return d, nil
}

// csvHead is what inspect learns of a file.
type csvHead struct {
	file   *csvFile
	names  []string
	prefix []byte // of a gzip file: the first bytes of the stream, to sample
	whole  bool   // prefix is the whole stream
}

// csvBOM is the UTF-8 byte order mark.
const csvBOM = "\xef\xbb\xbf"

// inspect reads a file's first record: its column names (the header) or
// its column count (without a header). Of a gzip file, it keeps the first
// gzSample bytes of data, to sample them.
func (c *csvConfig) inspect(path string, gzSample int) (*csvHead, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("io: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("io: %w", err)
	}
	if st.Size() == 0 {
		return nil, fmt.Errorf("io: %s is empty", path)
	}
	f := &csvFile{path: path, size: st.Size()}
	var magic [2]byte
	if n, _ := fh.ReadAt(magic[:], 0); n == 2 && magic == [2]byte{0x1f, 0x8b} {
		f.gzip = true
	}
	pre, err := newCSVPrefix(fh, path, f.gzip)
	if err != nil {
		return nil, err
	}
	defer pre.close()
	want := 64 << 10
	for {
		buf, whole, err := pre.fill(want)
		if err != nil {
			return nil, err
		}
		fields, start, end, st, pos := c.firstRecord(buf, whole)
		switch st {
		case csvLexNeedMore:
			want *= 4
			continue
		case csvLexOK:
		default:
			line := 1 + int64(bytes.Count(buf[:pos], []byte{'\n'}))
			return nil, &CSVError{Path: path, Line: line, Column: len(fields) + 1, Text: csvTruncate(buf[pos:min(len(buf), pos+40)]),
				Err: &csvErrorDetail{kind: ErrCSVQuote, msg: "malformed quote in the first row"}}
		}
		if fields == nil {
			return nil, fmt.Errorf("io: %s is empty: it holds no row", path)
		}
		h := &csvHead{file: f}
		if c.header {
			f.dataStart = int64(end)
			seen := make(map[string]bool)
			for i, fl := range fields {
				name := string(fl)
				if name == "" {
					name = fmt.Sprintf("column_%d", i+1)
				}
				if seen[name] {
					return nil, fmt.Errorf("io: %s: the header names column %q twice", path, name)
				}
				seen[name] = true
				h.names = append(h.names, name)
			}
		} else {
			f.dataStart = int64(start)
			for i := range fields {
				h.names = append(h.names, fmt.Sprintf("column_%d", i+1))
			}
		}
		f.startLines = int64(bytes.Count(buf[:f.dataStart], []byte{'\n'}))
		if f.gzip {
			if h.prefix, h.whole, err = pre.fill(int(f.dataStart) + gzSample); err != nil {
				return nil, err
			}
		}
		return h, nil
	}
}

// firstRecord finds the first record of a file: past a BOM, blank lines
// and comments. It returns the record's fields (nil when the file holds
// none), where the data starts without a header (after the BOM) and where
// it starts with one (after the record); on a lexer error, the position.
func (c *csvConfig) firstRecord(buf []byte, atEOF bool) (fields [][]byte, start, end int, st csvLex, pos int) {
	p := 0
	if bytes.HasPrefix(buf, []byte(csvBOM)) {
		p = len(csvBOM)
	}
	start = p
	for {
		switch {
		case p >= len(buf):
			if atEOF {
				return nil, start, p, csvLexOK, 0
			}
			return nil, 0, 0, csvLexNeedMore, 0
		case buf[p] == '\n':
			p++
			continue
		case buf[p] == '\r' && p+1 < len(buf) && buf[p+1] == '\n':
			p += 2
			continue
		case c.hasComment && buf[p] == c.comment:
			j := bytes.IndexByte(buf[p:], '\n')
			if j < 0 {
				if !atEOF {
					return nil, 0, 0, csvLexNeedMore, 0
				}
				p = len(buf)
			} else {
				p += j + 1
			}
			continue
		}
		break
	}
	var scratch []byte
	for {
		text, quoted, e, st := c.lexField(buf, p, atEOF, &scratch)
		if st != csvLexOK {
			return fields, 0, 0, st, e
		}
		if c.trim && !quoted {
			text = csvTrim(text)
		}
		fields = append(fields, bytes.Clone(text))
		switch {
		case e == len(buf):
			return fields, start, e, csvLexOK, 0
		case buf[e] == c.delim:
			p = e + 1
		case buf[e] == '\r':
			return fields, start, e + 2, csvLexOK, 0
		default:
			return fields, start, e + 1, csvLexOK, 0
		}
	}
}

// csvSameColumns checks that a file has the columns of the first file.
func csvSameColumns(first string, a []string, path string, b []string, header bool) error {
	if !header {
		if len(a) != len(b) {
			return fmt.Errorf("io: %s has %d columns, but %s has %d", path, len(b), first, len(a))
		}
		return nil
	}
	if !slices.Equal(a, b) {
		return fmt.Errorf("io: %s has the columns %s, but %s has %s; the files of a dataset must have the same header",
			path, csvQuoteList(b), first, csvQuoteList(a))
	}
	return nil
}

func csvQuoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "[" + strings.Join(q, " ") + "]"
}

func csvDuplicate(names []string) string {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

// csvPrefix reads the start of a file, decompressed for gzip, growing on
// demand.
type csvPrefix struct {
	path string
	r    io.Reader
	zr   *gzip.Reader
	buf  []byte
	eof  bool
}

func newCSVPrefix(fh *os.File, path string, gz bool) (*csvPrefix, error) {
	p := &csvPrefix{path: path, r: io.NewSectionReader(fh, 0, 1<<62)}
	if gz {
		zr, err := gzip.NewReader(bufio.NewReader(p.r))
		if err != nil {
			return nil, fmt.Errorf("io: reading %s: %w", path, err)
		}
		p.zr, p.r = zr, zr
	}
	return p, nil
}

// fill returns at least the first n bytes of the file, or all of them
// with whole set.
func (p *csvPrefix) fill(n int) (buf []byte, whole bool, err error) {
	for len(p.buf) < n && !p.eof {
		if cap(p.buf) < n {
			p.buf = slices.Grow(p.buf, n-len(p.buf))
		}
		m, err := p.r.Read(p.buf[len(p.buf):cap(p.buf)])
		p.buf = p.buf[:len(p.buf)+m]
		if errors.Is(err, io.EOF) {
			p.eof = true
		} else if err != nil {
			return nil, false, fmt.Errorf("io: reading %s: %w", p.path, err)
		}
	}
	return p.buf, p.eof, nil
}

func (p *csvPrefix) close() {
	if p.zr != nil {
		p.zr.Close()
	}
}
