package io

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// CSVWriteOptions say how CreateCSV writes. The zero value writes a header
// line, ',' between fields, '"' around the fields that need quotes, "\n"
// after each row, and nulls as empty fields.
type CSVWriteOptions struct {
	// NoHeader leaves out the header line.
	NoHeader bool
	// Delimiter separates fields; 0 means ','. It must be ASCII, and not a
	// newline, a carriage return or Quote.
	Delimiter rune
	// Quote surrounds the fields that need it; 0 means '"'. It must be
	// ASCII.
	Quote rune
	// NullString is the text of a null; "" by default. A string equal to
	// it is quoted, so that OpenCSV reads an empty string back as an empty
	// string and a null as a null (give NullString in
	// CSVOptions.NullValues when it is not "").
	NullString string
}

// CreateCSV creates a CSV file at path whose records have the given schema,
// written atomically (see RecordWriter). Values are written as OpenCSV reads
// them back: numbers in full precision (floats in the shortest form that
// parses back to the same value: strconv's 'g' format with precision -1,
// so NaN and ±Inf as NaN, +Inf and -Inf), bools as true and false, dates
// as YYYY-MM-DD, timestamps as YYYY-MM-DDTHH:MM:SS with as many fraction
// digits as needed and a final Z when the type has a time zone (the value
// is then in UTC), binary values as their bytes. A field is quoted when it
// holds the delimiter, the quote, a newline or a carriage return, starts
// or ends with a space or a tab, or equals NullString; quotes inside it are
// doubled. Dictionary-encoded columns are written as their values.
//
// The schema's types must be null, bool, integers, floats (not float16),
// strings, binaries, date32, date64, timestamps, or dictionaries of these;
// dates and timestamps must fall in the years 0 to 9999, and date64 values
// must be whole days.
func CreateCSV(path string, schema *arrow.Schema, opts CSVWriteOptions) (RecordWriter, error) {
	delim, err := csvASCII("CSVWriteOptions.Delimiter", csvOr(opts.Delimiter, ','))
	if err != nil {
		return nil, err
	}
	quote, err := csvASCII("CSVWriteOptions.Quote", csvOr(opts.Quote, '"'))
	if err != nil {
		return nil, err
	}
	if delim == quote {
		return nil, fmt.Errorf("io: CSVWriteOptions.Delimiter and Quote are both %q", delim)
	}
	for _, f := range schema.Fields() {
		if !csvWritable(f.Type) {
			return nil, fmt.Errorf("io: CSV cannot write column %q of type %s", f.Name, f.Type)
		}
	}
	af, err := createAtomic(path)
	if err != nil {
		return nil, err
	}
	w := &csvWriter{af: af, w: bufio.NewWriterSize(af, 1<<20), schema: schema, delim: delim, quote: quote, null: []byte(opts.NullString)}
	if !opts.NoHeader {
		line := w.line[:0]
		for i, f := range schema.Fields() {
			if i > 0 {
				line = append(line, delim)
			}
			line = w.appendText(line, []byte(f.Name))
		}
		line = append(line, '\n')
		if _, err := w.w.Write(line); err != nil {
			return nil, w.fail(err)
		}
		w.line = line
	}
	return w, nil
}

func csvWritable(t arrow.DataType) bool {
	switch t := t.(type) {
	case *arrow.NullType, *arrow.BooleanType,
		*arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type,
		*arrow.Float32Type, *arrow.Float64Type,
		*arrow.StringType, *arrow.LargeStringType, *arrow.BinaryType, *arrow.LargeBinaryType,
		*arrow.Date32Type, *arrow.Date64Type, *arrow.TimestampType:
		return true
	case *arrow.DictionaryType:
		return csvWritable(t.ValueType)
	}
	return false
}

// csvWriter is the RecordWriter of CreateCSV.
type csvWriter struct {
	af     *atomicFile
	w      *bufio.Writer
	schema *arrow.Schema
	delim  byte
	quote  byte
	null   []byte
	line   []byte
	err    error // the first error; the file is gone
	closed bool
}

// fail removes the file and keeps err for the calls to come.
func (w *csvWriter) fail(err error) error {
	if w.err == nil {
		w.err = fmt.Errorf("io: writing %s: %w", w.af.target, err)
		w.af.abort()
	}
	return w.err
}

// Write writes the rows of rec, which must have the writer's schema. An
// error removes the file.
func (w *csvWriter) Write(rec arrow.Record) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return fmt.Errorf("io: writing %s: the writer is closed", w.af.target)
	}
	if !rec.Schema().Equal(w.schema) {
		return w.fail(fmt.Errorf("the record's schema %s is not the writer's %s", rec.Schema(), w.schema))
	}
	cols := rec.Columns()
	line := w.line[:0]
	for r := 0; r < int(rec.NumRows()); r++ {
		line = line[:0]
		for c, col := range cols {
			if c > 0 {
				line = append(line, w.delim)
			}
			var err error
			if line, err = w.appendValue(line, col, r); err != nil {
				return w.fail(fmt.Errorf("column %q, row %d: %w", w.schema.Field(c).Name, r, err))
			}
		}
		line = append(line, '\n')
		if _, err := w.w.Write(line); err != nil {
			return w.fail(err)
		}
	}
	w.line = line
	return nil
}

// Close flushes the file and gives it its name.
func (w *csvWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	w.closed = true
	if err := w.w.Flush(); err != nil {
		return w.fail(err)
	}
	if err := w.af.commit(); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Abort removes the file; after Close it does nothing.
func (w *csvWriter) Abort() error {
	if w.closed || w.err != nil {
		return nil
	}
	w.closed = true
	return w.af.abort()
}

// appendValue appends the text of value i of a.
func (w *csvWriter) appendValue(dst []byte, a arrow.Array, i int) ([]byte, error) {
	if a.IsNull(i) {
		return append(dst, w.null...), nil
	}
	switch a := a.(type) {
	case *array.Boolean:
		return strconv.AppendBool(dst, a.Value(i)), nil
	case *array.Int8:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int16:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int32:
		return strconv.AppendInt(dst, int64(a.Value(i)), 10), nil
	case *array.Int64:
		return strconv.AppendInt(dst, a.Value(i), 10), nil
	case *array.Uint8:
		return strconv.AppendUint(dst, uint64(a.Value(i)), 10), nil
	case *array.Uint16:
		return strconv.AppendUint(dst, uint64(a.Value(i)), 10), nil
	case *array.Uint32:
		return strconv.AppendUint(dst, uint64(a.Value(i)), 10), nil
	case *array.Uint64:
		return strconv.AppendUint(dst, a.Value(i), 10), nil
	case *array.Float32:
		return strconv.AppendFloat(dst, float64(a.Value(i)), 'g', -1, 32), nil
	case *array.Float64:
		return strconv.AppendFloat(dst, a.Value(i), 'g', -1, 64), nil
	case *array.String:
		return w.appendText(dst, []byte(a.Value(i))), nil
	case *array.LargeString:
		return w.appendText(dst, []byte(a.Value(i))), nil
	case *array.Binary:
		return w.appendText(dst, a.Value(i)), nil
	case *array.LargeBinary:
		return w.appendText(dst, a.Value(i)), nil
	case *array.Date32:
		return csvAppendDate(dst, int64(a.Value(i)))
	case *array.Date64:
		ms := int64(a.Value(i))
		if ms%86400000 != 0 {
			return dst, fmt.Errorf("date64 value %d is not a whole day", ms)
		}
		return csvAppendDate(dst, ms/86400000)
	case *array.Timestamp:
		t := a.DataType().(*arrow.TimestampType)
		return csvAppendTimestamp(dst, int64(a.Value(i)), t.Unit, t.TimeZone != "")
	case *array.Dictionary:
		return w.appendValue(dst, a.Dictionary(), a.GetValueIndex(i))
	}
	return dst, fmt.Errorf("cannot write a value of type %s", a.DataType())
}

// appendText appends s, quoted when it needs to be.
func (w *csvWriter) appendText(dst, s []byte) []byte {
	need := bytes.Equal(s, w.null) || (len(s) > 0 && (csvIsSpace(s[0]) || csvIsSpace(s[len(s)-1])))
	if !need {
		for _, b := range s {
			if b == w.delim || b == w.quote || b == '\n' || b == '\r' {
				need = true
				break
			}
		}
	}
	if !need {
		return append(dst, s...)
	}
	dst = append(dst, w.quote)
	for {
		j := bytes.IndexByte(s, w.quote)
		if j < 0 {
			break
		}
		dst = append(dst, s[:j+1]...)
		dst = append(dst, w.quote)
		s = s[j+1:]
	}
	dst = append(dst, s...)
	return append(dst, w.quote)
}

// csvAppendDate appends the date of days since the epoch as YYYY-MM-DD.
func csvAppendDate(dst []byte, days int64) ([]byte, error) {
	if days < csvDaysFromCivil(0, 1, 1) || days > csvDaysFromCivil(9999, 12, 31) {
		return dst, fmt.Errorf("the date %d days from 1970-01-01 is outside the years 0 to 9999", days)
	}
	y, m, d := csvCivilFromDays(days)
	return append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10)), nil
}

// csvAppendTimestamp appends v, in unit since the epoch, as
// YYYY-MM-DDTHH:MM:SS[.fraction][Z].
func csvAppendTimestamp(dst []byte, v int64, unit arrow.TimeUnit, zoned bool) ([]byte, error) {
	per := int64(1)
	switch unit {
	case arrow.Millisecond:
		per = 1e3
	case arrow.Microsecond:
		per = 1e6
	case arrow.Nanosecond:
		per = 1e9
	}
	sec, sub := v/per, v%per
	if sub < 0 {
		sec, sub = sec-1, sub+per
	}
	days, rem := sec/86400, sec%86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	dst, err := csvAppendDate(dst, days)
	if err != nil {
		return dst, fmt.Errorf("timestamp %d: %w", v, err)
	}
	h, m, s := rem/3600, rem/60%60, rem%60
	dst = append(dst, 'T', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	if sub != 0 {
		nsec := sub * (1e9 / per)
		var frac [9]byte
		for k := 8; k >= 0; k-- {
			frac[k] = byte('0' + nsec%10)
			nsec /= 10
		}
		n := 9
		for frac[n-1] == '0' {
			n--
		}
		dst = append(dst, '.')
		dst = append(dst, frac[:n]...)
	}
	if zoned {
		dst = append(dst, 'Z')
	}
	return dst, nil
}
