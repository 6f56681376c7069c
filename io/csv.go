package io

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
)

// CSVOptions say how OpenCSV reads CSV files. The zero value reads
// RFC 4180 files with a header line, ',' between fields, '"' around quoted
// fields, and an unquoted empty field as null, inferring the column types.
//
// # Syntax
//
// Rows end with "\n" or "\r\n"; a UTF-8 byte order mark at the start of a
// file is skipped. A field that starts with Quote is quoted: it may hold
// delimiters and newlines, a doubled quote inside it stands for one quote
// (and, with Escape set, Escape followed by any character stands for that
// character), and after its closing quote comes a delimiter or the end of
// the row. A quote anywhere else is an error, because it leaves the row
// boundaries of the rest of the file in doubt; set NoQuote to read files
// whose quotes are ordinary text (such as many TSV files). With more than
// one column, blank lines are skipped; with one column a blank line is a
// row holding an empty (by default null) field.
//
// # Types
//
// Without Schema, a column's type is inferred from a sample spread over the
// files (see SampleSize): int64, float64, bool (true or false in any case),
// date32 (YYYY-MM-DD), timestamp (YYYY-MM-DD, then 'T' or ' ',
// HH:MM[:SS[.fraction]], optionally Z or ±HH[:MM]; a zone converts the value
// to UTC; the type is timestamp[us], timestamp[ns] when the sample holds
// sub-microsecond digits, with time zone "UTC" when the sample holds a
// zone), else string. A column whose sampled values mix types widens: int64
// to float64, date32 to timestamp, any other mix to string; a column with
// only nulls in the sample is string. Because the sample does not see every
// row, a value outside it may not parse as the inferred type (a "2.5" far
// down an int64 column): reading that row is then a *CSVError that says so,
// and ColumnTypes fixes it. A schema given in Schema or ColumnTypes may also
// use int8 to int64, uint8 to uint64, float32, large_string, binary,
// date64 and timestamps of any unit and zone; a bool column then also
// accepts 1 and 0.
//
// # Partitions
//
// Each uncompressed file splits into partitions of about BlockSize bytes
// that start on true row boundaries, found from the parity of the quotes
// before them, so quoted newlines never split a row. With Escape or Comment
// set, quotes no longer tell alone where rows start, and the boundaries are
// found by scanning the file from its start once, lazily. A gzip file
// (found by its magic bytes) is one partition, read as a stream.
type CSVOptions struct {
	// NoHeader says the first line is data. Columns are then named
	// column_1, column_2, ... unless Schema names them.
	NoHeader bool
	// Delimiter separates fields; 0 means ','. It must be an ASCII
	// character other than a newline, a carriage return or Quote.
	Delimiter rune
	// Quote starts and ends quoted fields; 0 means '"'. It must be ASCII.
	Quote rune
	// NoQuote makes quotes ordinary characters: no field is quoted, so no
	// field can hold the delimiter or a newline.
	NoQuote bool
	// Escape, when not 0, escapes the character after it inside quoted
	// fields, as '\\' does in `"say \"hi\""`. It must be ASCII. Outside
	// quoted fields it is an ordinary character.
	Escape rune
	// Comment, when not 0, makes lines that start with it comments, which
	// are skipped. It must be ASCII.
	Comment rune
	// NullValues lists the field texts that are null. nil means {""}: an
	// unquoted empty field is null. In a string or binary column a quoted
	// field is never null, so `""` is an empty string; in other columns a
	// quoted null text is null too. An empty non-nil list means no text is
	// null (an empty field of a number column is then an error).
	NullValues []string
	// TrimSpace removes spaces and tabs around unquoted fields, and between
	// a quoted field's quotes and its delimiters.
	TrimSpace bool
	// Schema, when not nil, is the whole schema: no type is inferred. Its
	// field count must match the files; with a header, its names must
	// match the header's, in order.
	Schema *arrow.Schema
	// ColumnTypes sets the types of some columns by name; the others are
	// inferred. Every name must be a column of the files. It cannot be
	// combined with Schema.
	ColumnTypes map[string]arrow.DataType
	// BlockSize is the size in bytes of the partitions an uncompressed
	// file splits into; 0 means 64 MiB.
	BlockSize int64
	// SampleSize is how many bytes type inference reads, in windows
	// spread over the files: the start, the middle and the end (gzip files:
	// the start only). 0 means 1 MiB. A dataset no larger than SampleSize
	// is read whole, so its types are exact.
	SampleSize int64
	// SkipBadRows skips the rows that have the wrong number of fields or a
	// value that does not parse as its column's type, or that end inside a
	// quoted field at the end of the file, and counts them (see
	// CSVDataset.BadRows) instead of failing. A misplaced quote is still an
	// error.
	SkipBadRows bool
}

// The defaults of CSVOptions.
const (
	// DefaultCSVBlockSize is the partition size when CSVOptions.BlockSize
	// is 0.
	DefaultCSVBlockSize = 64 << 20
	// DefaultCSVSampleSize is the inference sample when
	// CSVOptions.SampleSize is 0.
	DefaultCSVSampleSize = 1 << 20
)

// Errors that a *CSVError wraps, for errors.Is.
var (
	// ErrCSVFieldCount: a row has more or fewer fields than the header.
	ErrCSVFieldCount = errors.New("wrong number of fields")
	// ErrCSVQuote: a quote where none may be, or a quoted field still open
	// at the end of the file.
	ErrCSVQuote = errors.New("malformed quoted field")
	// ErrCSVValue: a value does not parse as its column's type.
	ErrCSVValue = errors.New("value does not parse as the column type")
)

// A CSVError reports a malformed row or value of a CSV file. Line and
// Column are 1-based and exact, wherever the partition that found the error
// starts; Line counts every line of the file from its start, header and
// comments included.
type CSVError struct {
	Path       string
	Line       int64
	Column     int    // 1-based; one more than the field count for a row with too many fields
	ColumnName string // "" when Column is not a column of the file
	Text       string // the offending text, truncated to about 40 bytes
	// Err says what is wrong. errors.Is(err, ErrCSVFieldCount),
	// ErrCSVQuote or ErrCSVValue tells the kind.
	Err error
}

func (e *CSVError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "io: %s:%d:%d", e.Path, e.Line, e.Column)
	if e.ColumnName != "" {
		fmt.Fprintf(&b, " (column %q)", e.ColumnName)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *CSVError) Unwrap() error { return e.Err }

// csvErrorDetail is the Err of a CSVError: a message that unwraps to one of
// the ErrCSV kinds.
type csvErrorDetail struct {
	kind error
	msg  string
}

func (e *csvErrorDetail) Error() string { return e.msg }
func (e *csvErrorDetail) Unwrap() error { return e.kind }

// csvTruncate shortens s to about 40 bytes, on a UTF-8 boundary, marking
// the cut with "...".
func csvTruncate(s []byte) string {
	const max = 40
	if len(s) <= max {
		return string(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return string(s[:cut]) + "..."
}

// CSVDataset is a Dataset of CSV files, made by OpenCSV. It is safe for
// concurrent use; its partitions may be read concurrently.
type CSVDataset struct {
	cfg      csvConfig
	schema   *arrow.Schema
	paths    []string
	files    []*csvFile
	inferred []bool // per column: the type came from the sample

	// From the sample, to presize the columns of a partition.
	rowBytes float64   // bytes per row
	valBytes []float64 // bytes per value of each column

	badRows atomic.Int64
	bufs    sync.Pool // *[]byte read buffers
}

// Format returns "csv".
func (d *CSVDataset) Format() string { return "csv" }

// Paths returns the files of the dataset, in the order of their partitions.
func (d *CSVDataset) Paths() []string { return append([]string(nil), d.paths...) }

// Schema returns the schema of the records that partitions produce when
// every column is read.
func (d *CSVDataset) Schema() *arrow.Schema { return d.schema }

// BadRows returns how many rows reading partitions has skipped so far
// because CSVOptions.SkipBadRows was set. Reading a partition again counts
// its bad rows again.
func (d *CSVDataset) BadRows() int64 { return d.badRows.Load() }

// Partitions returns the partitions of the dataset: byte ranges of about
// BlockSize of each file, in file order, and one per gzip file. CSV keeps
// no statistics, so filter is ignored.
func (d *CSVDataset) Partitions(filter []Predicate) []Partition {
	var out []Partition
	for _, f := range d.files {
		for i := 0; i < f.nblocks; i++ {
			out = append(out, &csvPartition{d: d, f: f, block: i})
		}
	}
	return out
}

// csvPartition is one block of a file (or a whole gzip file).
type csvPartition struct {
	d     *CSVDataset
	f     *csvFile
	block int
}

// String names the partition by its file and its nominal byte range; the
// rows it reads are those that start in that range.
func (p *csvPartition) String() string {
	if p.f.gzip {
		return p.f.path + " (gzip)"
	}
	return fmt.Sprintf("%s bytes %d-%d", p.f.path, p.f.gridStart(p.block), p.f.gridEnd(p.block))
}

// csvConfig is CSVOptions checked and in the form the parser uses.
type csvConfig struct {
	header     bool
	delim      byte
	quote      byte
	quoting    bool
	escape     byte
	hasEscape  bool
	comment    byte
	hasComment bool
	trim       bool
	nullEmpty  bool     // "" is a null value
	nullTokens [][]byte // the non-empty null values
	nullLens   uint64   // bit i set when a null token has length i (i < 64); bit 63 for longer
	blockSize  int64
	sampleSize int64
	skipBad    bool
}

func csvASCII(name string, r rune) (byte, error) {
	if r < 0 || r >= utf8.RuneSelf {
		return 0, fmt.Errorf("io: %s %q is not an ASCII character", name, r)
	}
	if r == '\n' || r == '\r' {
		return 0, fmt.Errorf("io: %s cannot be a newline or a carriage return", name)
	}
	return byte(r), nil
}

func newCSVConfig(o CSVOptions) (csvConfig, error) {
	c := csvConfig{header: !o.NoHeader, quoting: !o.NoQuote, trim: o.TrimSpace, skipBad: o.SkipBadRows}
	var err error
	if c.delim, err = csvASCII("CSVOptions.Delimiter", csvOr(o.Delimiter, ',')); err != nil {
		return c, err
	}
	if c.quote, err = csvASCII("CSVOptions.Quote", csvOr(o.Quote, '"')); err != nil {
		return c, err
	}
	if o.Escape != 0 {
		if c.escape, err = csvASCII("CSVOptions.Escape", o.Escape); err != nil {
			return c, err
		}
		// An escape equal to the quote is what doubling quotes already does.
		c.hasEscape = c.quoting && c.escape != c.quote
	}
	if o.Comment != 0 {
		if c.comment, err = csvASCII("CSVOptions.Comment", o.Comment); err != nil {
			return c, err
		}
		c.hasComment = true
	}
	switch {
	case c.quoting && c.delim == c.quote:
		return c, fmt.Errorf("io: CSVOptions.Delimiter and Quote are both %q", c.delim)
	case c.hasEscape && c.escape == c.delim:
		return c, fmt.Errorf("io: CSVOptions.Delimiter and Escape are both %q", c.delim)
	case c.hasComment && c.comment == c.delim:
		return c, fmt.Errorf("io: CSVOptions.Delimiter and Comment are both %q", c.delim)
	case c.hasComment && c.quoting && c.comment == c.quote:
		return c, fmt.Errorf("io: CSVOptions.Quote and Comment are both %q", c.quote)
	case c.trim && (c.delim == ' ' || c.delim == '\t'):
		return c, fmt.Errorf("io: CSVOptions.TrimSpace cannot be used with the delimiter %q", c.delim)
	}
	nulls := o.NullValues
	if nulls == nil {
		nulls = []string{""}
	}
	for _, s := range nulls {
		if s == "" {
			c.nullEmpty = true
			continue
		}
		c.nullTokens = append(c.nullTokens, []byte(s))
		c.nullLens |= 1 << min(len(s), 63)
	}
	c.blockSize = o.BlockSize
	if c.blockSize <= 0 {
		c.blockSize = DefaultCSVBlockSize
	}
	c.sampleSize = o.SampleSize
	if c.sampleSize <= 0 {
		c.sampleSize = DefaultCSVSampleSize
	}
	return c, nil
}

func csvOr(r, def rune) rune {
	if r == 0 {
		return def
	}
	return r
}

// isNull reports whether the text of a field is a null value.
func (c *csvConfig) isNull(b []byte) bool {
	if len(b) == 0 {
		return c.nullEmpty
	}
	if c.nullLens&(1<<min(len(b), 63)) == 0 {
		return false
	}
	for _, t := range c.nullTokens {
		if string(t) == string(b) {
			return true
		}
	}
	return false
}

// csvIsSpace reports whether TrimSpace removes b.
func csvIsSpace(b byte) bool { return b == ' ' || b == '\t' }

// csvTrim removes spaces and tabs at both ends of b.
func csvTrim(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && csvIsSpace(b[i]) {
		i++
	}
	for j > i && csvIsSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}
