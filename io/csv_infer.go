package io

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow/go/v15/arrow"
)

// Type inference reads a sample of the dataset: all of it when its data is
// no larger than SampleSize; else windows of SampleSize/8 bytes (4 KiB to
// 256 KiB) spread evenly over the data of all uncompressed files, from the
// first byte of the first file to the last byte of the last, plus the
// start of each gzip file. A window that starts mid-file starts at the
// first of its first 16 newlines after which every complete row in the
// window lexes into the right number of fields; the window is dropped when
// none does. A window's last row, cut by its end, is dropped.

// csvColStats is what the sample says of a column.
type csvColStats struct {
	typ     csvType
	zoned   bool // a timestamp held a zone
	subUsec bool // a timestamp held sub-microsecond digits
	bytes   int64
}

// dataType is the column's inferred type.
func (s *csvColStats) dataType() arrow.DataType {
	switch s.typ {
	case csvTypeInt:
		return arrow.PrimitiveTypes.Int64
	case csvTypeFloat:
		return arrow.PrimitiveTypes.Float64
	case csvTypeBool:
		return arrow.FixedWidthTypes.Boolean
	case csvTypeDate:
		return arrow.FixedWidthTypes.Date32
	case csvTypeTimestamp:
		t := &arrow.TimestampType{Unit: arrow.Microsecond}
		if s.subUsec {
			t.Unit = arrow.Nanosecond
		}
		if s.zoned {
			t.TimeZone = "UTC"
		}
		return t
	}
	return arrow.BinaryTypes.String
}

// csvSample gathers what the sample says of the dataset.
type csvSample struct {
	cols    []csvColStats
	records int64 // rows seen, good or bad
	rows    int64 // rows of the right shape, which the statistics count
	bytes   int64 // their bytes
	whole   bool  // the sample is the whole dataset
}

// sizes returns the bytes per row and per value of each column.
func (s *csvSample) sizes(ncols int) (float64, []float64) {
	vals := make([]float64, ncols)
	if s.rows == 0 {
		for i := range vals {
			vals[i] = 16
		}
		return 64, vals
	}
	for i := range vals {
		vals[i] = float64(s.cols[i].bytes) / float64(s.rows)
	}
	return float64(s.bytes) / float64(s.rows), vals
}

// sample reads the sample of the dataset.
func (d *CSVDataset) sample(ctx context.Context, heads []*csvHead, ncols int) (*csvSample, error) {
	cfg := &d.cfg
	smp := &csvSample{cols: make([]csvColStats, ncols), whole: true}
	var total int64
	for _, h := range heads {
		f := h.file
		if f.gzip {
			cfg.sampleRows(smp, h.prefix[f.dataStart:], 0, h.whole, ncols, true)
			smp.whole = smp.whole && h.whole
			continue
		}
		total += f.size - f.dataStart
	}
	if total == 0 {
		return smp, nil
	}

	// The windows over the uncompressed files' data, as if concatenated.
	var windows []csvWindow
	if total <= cfg.sampleSize {
		windows = []csvWindow{{0, total}}
	} else {
		smp.whole = false
		w := min(max(cfg.sampleSize/8, 4<<10), 256<<10)
		k := max(2, cfg.sampleSize/w)
		for m := int64(0); m < k; m++ {
			windows = append(windows, csvWindow{m * (total - w) / (k - 1), w})
		}
	}
	var base int64 // offset of the current file's data in the concatenation
	for _, h := range heads {
		f := h.file
		if f.gzip {
			continue
		}
		size := f.size - f.dataStart
		if err := cfg.sampleFile(ctx, smp, f, base, size, windows, ncols); err != nil {
			return nil, err
		}
		base += size
	}
	return smp, nil
}

// sampleFile samples the parts of the windows that fall in the data of f,
// which starts at base in the concatenation of the files.
func (c *csvConfig) sampleFile(ctx context.Context, smp *csvSample, f *csvFile, base, size int64, windows []csvWindow, ncols int) error {
	var fh *os.File
	defer func() {
		if fh != nil {
			fh.Close()
		}
	}()
	for _, w := range windows {
		lo, hi := max(w.at, base), min(w.at+w.len, base+size)
		if lo >= hi {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if fh == nil {
			var err error
			if fh, err = os.Open(f.path); err != nil {
				return fmt.Errorf("io: %w", err)
			}
		}
		buf := make([]byte, hi-lo)
		if err := csvReadFull(fh, f.path, buf, f.dataStart+lo-base); err != nil {
			return err
		}
		c.sampleWindow(smp, buf, lo == base, hi == base+size, ncols)
	}
	return nil
}

// csvWindow is a window of the sample, in the concatenation of the files'
// data.
type csvWindow struct{ at, len int64 }

// sampleWindow samples the rows of buf; exact says buf starts at a row
// start, atEOF that it ends where the file does.
func (c *csvConfig) sampleWindow(smp *csvSample, buf []byte, exact, atEOF bool, ncols int) {
	if exact {
		c.sampleRows(smp, buf, 0, atEOF, ncols, true)
		return
	}
	p := 0
	for try := 0; try < 16; try++ {
		j := bytes.IndexByte(buf[p:], '\n')
		if j < 0 {
			return
		}
		p += j + 1
		if c.sampleRows(nil, buf, p, atEOF, ncols, false) {
			c.sampleRows(smp, buf, p, atEOF, ncols, false)
			return
		}
	}
}

// sampleRows lexes the rows of buf from p and, when smp is not nil, adds
// them to it. In an exact window (one that starts at a row start), rows of
// the wrong shape are counted but not used, and a quote error ends the
// window; otherwise either ends it, and sampleRows returns false. It
// returns whether it found a row of the right shape.
func (c *csvConfig) sampleRows(smp *csvSample, buf []byte, p int, atEOF bool, ncols int, exact bool) bool {
	var scratch []byte
	type field struct {
		lo, hi int
		quoted bool
	}
	var fields []field
	var arena []byte
	good := false
	for p < len(buf) {
		switch ch := buf[p]; {
		case ch == '\n' && ncols > 1:
			p++
			continue
		case ch == '\r' && ncols > 1 && p+1 < len(buf) && buf[p+1] == '\n':
			p += 2
			continue
		case c.hasComment && ch == c.comment:
			j := bytes.IndexByte(buf[p:], '\n')
			if j < 0 {
				return good
			}
			p += j + 1
			continue
		}
		rowStart := p
		fields, arena = fields[:0], arena[:0]
		for {
			text, quoted, end, st := c.lexField(buf, p, atEOF, &scratch)
			if st == csvLexNeedMore {
				return good
			}
			if st != csvLexOK {
				if smp != nil {
					smp.records++ // a bad row is a row
				}
				return good && exact
			}
			fields = append(fields, field{len(arena), len(arena) + len(text), quoted})
			arena = append(arena, text...)
			if end == len(buf) {
				p = end
				break
			}
			if buf[end] == c.delim {
				p = end + 1
				continue
			}
			if buf[end] == '\r' {
				end++
			}
			p = end + 1
			break
		}
		if smp != nil {
			smp.records++
		}
		if len(fields) != ncols {
			if !exact {
				return false
			}
			continue
		}
		good = true
		if smp == nil {
			continue
		}
		smp.rows++
		smp.bytes += int64(p - rowStart)
		for i, fl := range fields {
			text := arena[fl.lo:fl.hi]
			if c.trim && !fl.quoted {
				text = csvTrim(text)
			}
			s := &smp.cols[i]
			s.bytes += int64(len(text))
			if c.isNull(text) {
				continue
			}
			t, ts := csvClassify(text)
			s.typ = csvJoin(s.typ, t)
			s.zoned = s.zoned || ts.zoned
			s.subUsec = s.subUsec || ts.subUsec
		}
	}
	return good
}
