package io

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// csvLex is the outcome of lexing one field.
type csvLex uint8

const (
	csvLexOK         csvLex = iota
	csvLexNeedMore          // the buffer ends before the field does
	csvLexBareQuote         // a quote inside an unquoted field
	csvLexAfterQuote        // a quoted field's closing quote is followed by text
	csvLexUnclosed          // the file ends inside a quoted field
)

// lexField reads the field that starts at buf[p]. It returns the field's
// text (for a quoted field without its quotes, with doubled quotes and
// escapes resolved, possibly in *scratch), whether it was quoted, and the
// position of what ends it: the delimiter, the '\n' or the '\r' of "\r\n",
// or len(buf) at the end of the file. atEOF says that buf ends where the
// file does. On an error, end is the position of the offending byte (the
// opening quote for csvLexUnclosed).
func (c *csvConfig) lexField(buf []byte, p int, atEOF bool, scratch *[]byte) (text []byte, quoted bool, end int, st csvLex) {
	n := len(buf)
	q := p
	if c.trim {
		for q < n && csvIsSpace(buf[q]) {
			q++
		}
	}
	if c.quoting && q < n && buf[q] == c.quote {
		return c.lexQuoted(buf, q, atEOF, scratch)
	}
	for q < n {
		b := buf[q]
		switch {
		case b == c.delim || b == '\n':
			return buf[p:q], false, q, csvLexOK
		case b == '\r':
			if q+1 < n {
				if buf[q+1] == '\n' {
					return buf[p:q], false, q, csvLexOK
				}
			} else if !atEOF {
				return nil, false, q, csvLexNeedMore
			}
		case c.quoting && b == c.quote:
			return nil, false, q, csvLexBareQuote
		}
		q++
	}
	if !atEOF {
		return nil, false, q, csvLexNeedMore
	}
	return buf[p:n], false, n, csvLexOK
}

// lexQuoted reads the quoted field whose opening quote is at buf[q].
func (c *csvConfig) lexQuoted(buf []byte, q int, atEOF bool, scratch *[]byte) (text []byte, quoted bool, end int, st csvLex) {
	n := len(buf)
	start := q + 1
	i := start
	copied := false
	s := (*scratch)[:0]
	for {
		j := bytes.IndexByte(buf[i:], c.quote)
		if c.hasEscape {
			lim := j
			if lim < 0 {
				lim = n - i
			}
			if k := bytes.IndexByte(buf[i:i+lim], c.escape); k >= 0 {
				j = k
			}
		}
		if j < 0 {
			if atEOF {
				return nil, true, q, csvLexUnclosed
			}
			return nil, true, n, csvLexNeedMore
		}
		j += i
		if c.hasEscape && buf[j] == c.escape {
			if j+1 == n {
				if atEOF {
					return nil, true, q, csvLexUnclosed
				}
				return nil, true, n, csvLexNeedMore
			}
			s = append(s, buf[i:j]...)
			s = append(s, buf[j+1])
			copied = true
			i = j + 2
			continue
		}
		if j+1 < n && buf[j+1] == c.quote {
			s = append(s, buf[i:j+1]...)
			copied = true
			i = j + 2
			continue
		}
		if j+1 == n && !atEOF {
			return nil, true, n, csvLexNeedMore
		}
		if copied {
			s = append(s, buf[i:j]...)
			text = s
		} else {
			text = buf[start:j]
		}
		*scratch = s
		e := j + 1
		if c.trim {
			for e < n && csvIsSpace(buf[e]) {
				e++
			}
		}
		if e == n {
			if !atEOF {
				return nil, true, n, csvLexNeedMore
			}
			return text, true, e, csvLexOK
		}
		switch b := buf[e]; {
		case b == c.delim || b == '\n':
			return text, true, e, csvLexOK
		case b == '\r':
			if e+1 < n {
				if buf[e+1] == '\n' {
					return text, true, e, csvLexOK
				}
			} else if !atEOF {
				return nil, true, n, csvLexNeedMore
			}
		}
		return nil, true, e, csvLexAfterQuote
	}
}

// rowEnd lexes the fields of a row from buf[p], a field start, to the end
// of the row. It returns the position after the row's newline (len(buf) at
// the end of the file) and how many fields it read. On an error it
// returns the lexer's outcome and the position of the error.
func (c *csvConfig) rowEnd(buf []byte, p int, atEOF bool, scratch *[]byte) (next, fields int, st csvLex) {
	for {
		_, _, end, st := c.lexField(buf, p, atEOF, scratch)
		if st != csvLexOK {
			return end, fields, st
		}
		fields++
		switch {
		case end == len(buf):
			return end, fields, csvLexOK
		case buf[end] == c.delim:
			p = end + 1
		case buf[end] == '\r':
			return end + 2, fields, csvLexOK
		default:
			return end + 1, fields, csvLexOK
		}
	}
}

// csvTerm reports whether a field can end at buf[i]: at a delimiter, a
// newline, "\r\n" or the end of the file.
func csvTerm(buf []byte, i int, delim byte, atEOF bool) bool {
	if i < len(buf) {
		b := buf[i]
		return b == delim || b == '\n' || (b == '\r' && i+1 < len(buf) && buf[i+1] == '\n')
	}
	return atEOF
}

// csvStatus is the outcome of csvParser.parse.
type csvStatus uint8

const (
	csvDone     csvStatus = iota // every row before stop is read
	csvNeedMore                  // the row at the returned position needs more bytes
	csvBad                       // the row at the returned position is bad: see csvParser.bad
	csvCanceled                  // the context is done
)

// csvBadRow describes what is wrong with a row.
type csvBadRow struct {
	pos   int // where in the buffer: the field's start, or the row's end
	col   int // the file column, 0-based
	text  string
	kind  error
	msg   string
	fatal bool // SkipBadRows does not skip it
}

// csvParser parses the rows of one partition into columns. It is used by
// one goroutine.
type csvParser struct {
	ctx     context.Context
	cfg     *csvConfig
	mem     memory.Allocator
	cols    []csvColumn // one per column of the file
	outs    []int       // the columns read, in output order: indexes into cols
	rows    int         // rows committed
	tick    int         // rows left before the next look at ctx
	skipped int64       // bad rows skipped
	scratch []byte
	bad     csvBadRow
	stopTab [256]bool // bytes that end the fast scan of an unquoted field
	swar    [4]uint64 // those bytes, each repeated 8 times
}

func newCSVParser(ctx context.Context, cfg *csvConfig, mem memory.Allocator, cols []csvColumn, outs []int) *csvParser {
	ps := &csvParser{ctx: ctx, cfg: cfg, mem: mem, cols: cols, outs: outs, tick: 1 << 16}
	ps.stopTab[cfg.delim] = true
	ps.stopTab['\n'] = true
	ps.stopTab['\r'] = true
	const lo = 0x0101010101010101
	ps.swar = [4]uint64{uint64(cfg.delim) * lo, '\n' * lo, '\r' * lo, uint64(cfg.delim) * lo}
	if cfg.quoting {
		ps.stopTab[cfg.quote] = true
		ps.swar[3] = uint64(cfg.quote) * lo
	}
	return ps
}

// rollback takes away the values of the row being parsed.
func (ps *csvParser) rollback() {
	for _, i := range ps.outs {
		ps.cols[i].truncate(ps.rows)
	}
}

// release gives up every column's buffers.
func (ps *csvParser) release() {
	for i := range ps.cols {
		ps.cols[i].release()
	}
}

// parse parses the rows of buf that start at p or after and before stop.
// atEOF says buf ends where the file does. It returns where it stopped:
// the end of the last row read, or the start of the row that needs more
// bytes or is bad.
func (ps *csvParser) parse(buf []byte, p, stop int, atEOF bool) (int, csvStatus) {
	cfg := ps.cfg
	cols := ps.cols
	ncols := len(cols)
	last := ncols - 1
	delim := cfg.delim
	quote, quoting := cfg.quote, cfg.quoting
	fastStr := !cfg.trim
	nullEmpty, nullTokens := cfg.nullEmpty, len(cfg.nullTokens) > 0
	mem := ps.mem
	n := len(buf)
rows:
	for {
		if p >= stop {
			return p, csvDone
		}
		if p >= n {
			if atEOF {
				return p, csvDone
			}
			return p, csvNeedMore
		}
		if ps.tick--; ps.tick <= 0 {
			ps.tick = 1 << 16
			if ps.ctx.Err() != nil {
				return p, csvCanceled
			}
		}
		rowStart := p
		switch ch := buf[p]; {
		case ch == '\n' && ncols > 1:
			p++
			continue
		case ch == '\r' && ncols > 1:
			if p+1 < n {
				if buf[p+1] == '\n' {
					p += 2
					continue
				}
			} else if !atEOF {
				return p, csvNeedMore
			}
		case cfg.hasComment && ch == cfg.comment:
			j := bytes.IndexByte(buf[p:], '\n')
			if j < 0 {
				if atEOF {
					return n, csvDone
				}
				return p, csvNeedMore
			}
			p += j + 1
			continue
		}
		for c := 0; c < ncols; c++ {
			col := &cols[c]
			q := -1
			switch col.kind {
			case csvKindInt64:
				i := p
				neg := uint(i) < uint(len(buf)) && buf[i] == '-'
				if neg {
					i++
				}
				s := i
				var v uint64
				for uint(i) < uint(len(buf)) {
					d := buf[i] - '0'
					if d > 9 {
						break
					}
					v = v*10 + uint64(d)
					i++
				}
				if nd := i - s; nd > 0 && nd <= 18 && (uint(i) < uint(len(buf)) && buf[i] == delim || csvTerm(buf, i, delim, atEOF)) {
					if col.n == col.capN {
						col.grow(mem)
					}
					x := int64(v)
					if neg {
						x = -x
					}
					col.i64[col.n] = x
					if col.vbits != nil {
						col.vbits[col.n>>3] |= 1 << (col.n & 7)
					}
					col.n++
					q = i
				}
			case csvKindFloat64:
				i := p
				neg := uint(i) < uint(len(buf)) && buf[i] == '-'
				if neg {
					i++
				}
				s := i
				var m uint64
				for uint(i) < uint(len(buf)) {
					d := buf[i] - '0'
					if d > 9 {
						break
					}
					m = m*10 + uint64(d)
					i++
				}
				nd, frac := i-s, 0
				if uint(i) < uint(len(buf)) && buf[i] == '.' {
					i++
					fs := i
					for uint(i) < uint(len(buf)) {
						d := buf[i] - '0'
						if d > 9 {
							break
						}
						m = m*10 + uint64(d)
						i++
					}
					frac = i - fs
					nd += frac
				}
				if nd > 0 && nd <= 19 && m <= 1<<53 && uint(frac) < uint(len(csvPow10)) && csvTerm(buf, i, delim, atEOF) {
					if col.n == col.capN {
						col.grow(mem)
					}
					f := float64(m) / csvPow10[frac]
					if neg {
						f = -f
					}
					col.f64[col.n] = f
					if col.vbits != nil {
						col.vbits[col.n>>3] |= 1 << (col.n & 7)
					}
					col.n++
					q = i
				}
			case csvKindString:
				if !fastStr || (quoting && p < n && buf[p] == quote) {
					break
				}
				i := ps.scan(buf, p)
				if i < n {
					if b := buf[i]; b != delim && b != '\n' {
						break
					}
				} else if !atEOF {
					break
				}
				k := i - p
				if (k == 0 && nullEmpty) || (nullTokens && k > 0 && cfg.isNull(buf[p:i])) {
					col.appendNull(mem)
					q = i
					break
				}
				if col.dlen+k > math.MaxInt32-16 {
					break
				}
				if col.n == col.capN {
					col.grow(mem)
				}
				if col.dlen+k+16 > len(col.dbuf) {
					col.growData(k)
				}
				if k <= 16 && p+16 <= n {
					d := col.dbuf[col.dlen : col.dlen+16]
					s := buf[p : p+16]
					binary.LittleEndian.PutUint64(d, binary.LittleEndian.Uint64(s))
					binary.LittleEndian.PutUint64(d[8:], binary.LittleEndian.Uint64(s[8:]))
				} else {
					copy(col.dbuf[col.dlen:], buf[p:i])
				}
				col.dlen += k
				col.o32[col.n+1] = int32(col.dlen)
				if col.vbits != nil {
					col.vbits[col.n>>3] |= 1 << (col.n & 7)
				}
				col.n++
				q = i
			case csvKindSkip:
				if quoting && p < n && buf[p] == quote {
					break
				}
				i := ps.scan(buf, p)
				if i < n {
					if b := buf[i]; b != delim && b != '\n' {
						break
					}
				} else if !atEOF {
					break
				}
				q = i
			}
			if q < 0 {
				text, quoted, end, st := cfg.lexField(buf, p, atEOF, &ps.scratch)
				if st != csvLexOK {
					if st == csvLexNeedMore {
						ps.rollback()
						return rowStart, csvNeedMore
					}
					ps.quoteError(buf, c, end, st)
					if next, s := ps.skip(buf, rowStart, atEOF); s != csvDone {
						return next, s
					} else {
						p = next
					}
					continue rows
				}
				if msg := col.appendText(mem, cfg, text, quoted); msg != "" {
					ps.bad = csvBadRow{pos: p, col: c, text: csvTruncate(text), kind: ErrCSVValue, msg: msg}
					if next, s := ps.skip(buf, rowStart, atEOF); s != csvDone {
						return next, s
					} else {
						p = next
					}
					continue rows
				}
				q = end
			}
			// The field ends at q: a delimiter, a newline or the end of the file.
			if q < n && buf[q] == delim {
				if c == last {
					ps.fieldCountError(buf, rowStart, q+1, atEOF)
					if next, s := ps.skip(buf, rowStart, atEOF); s != csvDone {
						return next, s
					} else {
						p = next
					}
					continue rows
				}
				p = q + 1
				continue
			}
			if c != last {
				ps.bad = csvBadRow{pos: q, col: c + 1, text: csvTruncate(buf[rowStart:q]), kind: ErrCSVFieldCount,
					msg: fmt.Sprintf("row has %d fields, want %d", c+1, ncols)}
				if next, s := ps.skip(buf, rowStart, atEOF); s != csvDone {
					return next, s
				} else {
					p = next
				}
				continue rows
			}
			switch {
			case q == n:
				p = q
			case buf[q] == '\r':
				p = q + 2
			default:
				p = q + 1
			}
		}
		ps.rows++
	}
}

// The constants of the SWAR tests for a byte value in a word.
const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// scan returns the position of the first byte at or after p that ends the
// fast scan of an unquoted field (the delimiter, '\n', '\r' or the quote),
// or len(buf). It looks at 8 bytes at a time.
func (ps *csvParser) scan(buf []byte, p int) int {
	const lo, hi = swarLo, swarHi
	d, nl, cr, qt := ps.swar[0], ps.swar[1], ps.swar[2], ps.swar[3]
	i := p
	for ; i+8 <= len(buf); i += 8 {
		w := binary.LittleEndian.Uint64(buf[i:])
		x1, x2, x3, x4 := w^d, w^nl, w^cr, w^qt
		m := ((x1 - lo) &^ x1) | ((x2 - lo) &^ x2) | ((x3 - lo) &^ x3) | ((x4 - lo) &^ x4)
		if m &= hi; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(buf); i++ {
		if ps.stopTab[buf[i]] {
			return i
		}
	}
	return i
}

// quoteError records a lexer error found in column c at pos.
func (ps *csvParser) quoteError(buf []byte, c, pos int, st csvLex) {
	b := csvBadRow{pos: pos, col: c, kind: ErrCSVQuote, fatal: true}
	q := string(ps.cfg.quote)
	switch st {
	case csvLexBareQuote:
		b.msg = fmt.Sprintf("bare %s in an unquoted field; quote the field and double its quotes, or set CSVOptions.NoQuote", q)
	case csvLexAfterQuote:
		b.msg = fmt.Sprintf("unexpected %q after the closing %s of a quoted field", buf[pos], q)
	case csvLexUnclosed:
		b.msg = fmt.Sprintf("quoted field is not closed at the end of the file")
		b.fatal = false
	}
	b.text = csvTruncate(buf[pos:min(len(buf), pos+40)])
	ps.bad = b
}

// fieldCountError records a row with more fields than the header; extra is
// the start of the first extra field.
func (ps *csvParser) fieldCountError(buf []byte, rowStart, extra int, atEOF bool) {
	ncols := len(ps.cols)
	_, fields, st := ps.cfg.rowEnd(buf, extra, atEOF, &ps.scratch)
	msg := fmt.Sprintf("row has more than %d fields", ncols)
	if st == csvLexOK {
		msg = fmt.Sprintf("row has %d fields, want %d", ncols+fields, ncols)
	}
	end := extra
	for end < len(buf) && end-extra < 40 && buf[end] != '\n' {
		end++
	}
	ps.bad = csvBadRow{pos: extra, col: ncols, text: csvTruncate(buf[extra:end]), kind: ErrCSVFieldCount, msg: msg}
}

// skip handles the bad row at rowStart that ps.bad describes: with
// SkipBadRows it takes its values away and returns the position after it
// with csvDone; else, or when the row cannot be skipped, it returns
// rowStart and csvBad (or csvNeedMore when the row's end is not in buf).
func (ps *csvParser) skip(buf []byte, rowStart int, atEOF bool) (int, csvStatus) {
	ps.rollback()
	if !ps.cfg.skipBad || ps.bad.fatal {
		return rowStart, csvBad
	}
	next, fields, st := ps.cfg.rowEnd(buf, rowStart, atEOF, &ps.scratch)
	switch st {
	case csvLexOK:
	case csvLexUnclosed:
		next = len(buf)
	case csvLexNeedMore:
		return rowStart, csvNeedMore
	default:
		ps.quoteError(buf, fields, next, st)
		return rowStart, csvBad
	}
	ps.skipped++
	return next, csvDone
}
