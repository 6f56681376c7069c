package io

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// csvKind is how the parser handles a column: the hot types have their own
// code in the parser's loop, the others go through csvColumn.appendText.
type csvKind uint8

const (
	csvKindSkip    csvKind = iota // not read: scanned over
	csvKindInt64                  // int64
	csvKindFloat64                // float64
	csvKindString                 // string, binary: int32 offsets
	csvKindLarge                  // large_string, large_binary: int64 offsets
	csvKindBool                   // bool: a bitmap of values
	csvKindFixed                  // other fixed-width types, through parse
)

// csvColumn builds one column of a partition's record in buffers from the
// allocator, one value per row. A column holds n values; during a row it
// may hold one value more than the parser's committed rows, which rollback
// takes away.
type csvColumn struct {
	kind    csvKind
	index   int    // the column's position in the file
	name    string // the column's name, for errors
	typ     arrow.DataType
	isBytes bool // string or binary kinds: a quoted field is never null
	width   int  // bytes per value of csvKindFixed
	// parse turns a text into the bits of a csvKindFixed value.
	parse func([]byte) (uint64, bool)

	n, capN int // values held, values the buffers have room for
	nulls   int

	valid *memory.Buffer // nil until the first null
	vbits []byte
	vals  *memory.Buffer // values, or offsets for the string kinds
	i64   []int64        // vals as int64 (int64, large offsets)
	f64   []float64      // vals as float64
	o32   []int32        // vals as int32 offsets
	raw   []byte         // vals as bytes (fixed, bool)
	data  *memory.Buffer // string bytes
	dbuf  []byte         // data's bytes
	dlen  int            // string bytes used
}

// csvKindOf returns how the parser reads t, and for csvKindFixed the width
// and the parse function; ok is false for a type CSV cannot read.
func csvKindOf(t arrow.DataType) (kind csvKind, width int, parse func([]byte) (uint64, bool), ok bool) {
	signed := func(bits uint) func([]byte) (uint64, bool) {
		lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
		return func(b []byte) (uint64, bool) {
			v, ok, _ := csvParseInt(b)
			return uint64(v), ok && v >= lo && v <= hi
		}
	}
	unsigned := func(bits uint) func([]byte) (uint64, bool) {
		hi := uint64(math.MaxUint64) >> (64 - bits)
		return func(b []byte) (uint64, bool) {
			v, ok := csvParseUint(b)
			return v, ok && v <= hi
		}
	}
	switch t := t.(type) {
	case *arrow.Int64Type:
		return csvKindInt64, 8, nil, true
	case *arrow.Float64Type:
		return csvKindFloat64, 8, nil, true
	case *arrow.StringType, *arrow.BinaryType:
		return csvKindString, 0, nil, true
	case *arrow.LargeStringType, *arrow.LargeBinaryType:
		return csvKindLarge, 0, nil, true
	case *arrow.BooleanType:
		return csvKindBool, 0, nil, true
	case *arrow.Int8Type:
		return csvKindFixed, 1, signed(8), true
	case *arrow.Int16Type:
		return csvKindFixed, 2, signed(16), true
	case *arrow.Int32Type:
		return csvKindFixed, 4, signed(32), true
	case *arrow.Uint8Type:
		return csvKindFixed, 1, unsigned(8), true
	case *arrow.Uint16Type:
		return csvKindFixed, 2, unsigned(16), true
	case *arrow.Uint32Type:
		return csvKindFixed, 4, unsigned(32), true
	case *arrow.Uint64Type:
		return csvKindFixed, 8, unsigned(64), true
	case *arrow.Float32Type:
		return csvKindFixed, 4, func(b []byte) (uint64, bool) {
			f, ok := csvParseFloat(b)
			f32 := float32(f)
			if ok && math.IsInf(float64(f32), 0) && !math.IsInf(f, 0) {
				return 0, false
			}
			return uint64(math.Float32bits(f32)), ok
		}, true
	case *arrow.Date32Type:
		return csvKindFixed, 4, func(b []byte) (uint64, bool) {
			d, ok := csvParseDate(b)
			return uint64(d), ok && d >= math.MinInt32 && d <= math.MaxInt32
		}, true
	case *arrow.Date64Type:
		return csvKindFixed, 8, func(b []byte) (uint64, bool) {
			d, ok := csvParseDate(b)
			return uint64(d * 86400000), ok
		}, true
	case *arrow.TimestampType:
		unit := t.Unit
		return csvKindFixed, 8, func(b []byte) (uint64, bool) {
			ts, ok := csvParseTimestamp(b)
			if !ok {
				return 0, false
			}
			v, ok := csvTimestampIn(ts, unit)
			return uint64(v), ok
		}, true
	}
	return 0, 0, nil, false
}

// init prepares the buffers for about rows values and, for strings, about
// bytes bytes of text.
func (c *csvColumn) init(mem memory.Allocator, rows, bytes int) {
	rows = max(rows, 1)
	if c.kind == csvKindSkip {
		return
	}
	c.vals = memory.NewResizableBuffer(mem)
	if c.kind == csvKindString || c.kind == csvKindLarge {
		c.data = memory.NewResizableBuffer(mem)
		c.data.Reserve(max(bytes, 64))
		c.dbuf = c.data.Buf()
	}
	c.reserve(mem, rows)
}

// reserve makes room for capN values.
func (c *csvColumn) reserve(mem memory.Allocator, capN int) {
	switch c.kind {
	case csvKindInt64:
		c.vals.Reserve(capN * 8)
		c.i64 = arrow.Int64Traits.CastFromBytes(c.vals.Buf())
		capN = len(c.i64)
	case csvKindFloat64:
		c.vals.Reserve(capN * 8)
		c.f64 = arrow.Float64Traits.CastFromBytes(c.vals.Buf())
		capN = len(c.f64)
	case csvKindString:
		c.vals.Reserve((capN + 1) * 4)
		c.o32 = arrow.Int32Traits.CastFromBytes(c.vals.Buf())
		capN = len(c.o32) - 1
	case csvKindLarge:
		c.vals.Reserve((capN + 1) * 8)
		c.i64 = arrow.Int64Traits.CastFromBytes(c.vals.Buf())
		capN = len(c.i64) - 1
	case csvKindBool:
		c.vals.Reserve(int(bitutil.BytesForBits(int64(capN))))
		c.raw = c.vals.Buf()
		clear(c.raw[bitutil.BytesForBits(int64(c.capN)):])
		capN = len(c.raw) * 8
	case csvKindFixed:
		c.vals.Reserve(capN * c.width)
		c.raw = c.vals.Buf()
		capN = len(c.raw) / c.width
	}
	if c.valid != nil {
		c.valid.Reserve(int(bitutil.BytesForBits(int64(capN))))
		c.vbits = c.valid.Buf()
		clear(c.vbits[bitutil.BytesForBits(int64(c.capN)):])
	}
	c.capN = capN
}

// grow makes room for at least one more value.
func (c *csvColumn) grow(mem memory.Allocator) {
	c.reserve(mem, c.capN+c.capN/2+64)
}

// growData makes room for k more string bytes, and 16 bytes of slack that
// the parser's short copies may write into.
func (c *csvColumn) growData(k int) {
	need := c.dlen + k + 16
	if need <= len(c.dbuf) {
		return
	}
	c.data.Reserve(max(need, len(c.dbuf)+len(c.dbuf)/2))
	c.dbuf = c.data.Buf()
}

// setValid records value i as valid, when the column has a bitmap.
func (c *csvColumn) setValid(i int) {
	if c.vbits != nil {
		c.vbits[i>>3] |= 1 << (i & 7)
	}
}

// appendNull appends a null.
func (c *csvColumn) appendNull(mem memory.Allocator) {
	if c.n == c.capN {
		c.grow(mem)
	}
	if c.vbits == nil {
		c.valid = memory.NewResizableBuffer(mem)
		c.valid.Reserve(int(bitutil.BytesForBits(int64(c.capN))))
		c.vbits = c.valid.Buf()
		clear(c.vbits)
		bitutil.SetBitsTo(c.vbits, 0, int64(c.n), true)
	}
	c.vbits[c.n>>3] &^= 1 << (c.n & 7)
	switch c.kind {
	case csvKindInt64:
		c.i64[c.n] = 0
	case csvKindFloat64:
		c.f64[c.n] = 0
	case csvKindString:
		c.o32[c.n+1] = int32(c.dlen)
	case csvKindLarge:
		c.i64[c.n+1] = int64(c.dlen)
	case csvKindBool:
		c.raw[c.n>>3] &^= 1 << (c.n & 7)
	case csvKindFixed:
		clear(c.raw[c.n*c.width : (c.n+1)*c.width])
	}
	c.n++
	c.nulls++
}

// appendBytes appends a string value; it reports false when the column's
// offsets would overflow.
func (c *csvColumn) appendBytes(mem memory.Allocator, b []byte) bool {
	if c.n == c.capN {
		c.grow(mem)
	}
	if c.kind == csvKindString && c.dlen+len(b) > math.MaxInt32 {
		return false
	}
	c.growData(len(b))
	copy(c.dbuf[c.dlen:], b)
	c.dlen += len(b)
	if c.kind == csvKindString {
		c.o32[c.n+1] = int32(c.dlen)
	} else {
		c.i64[c.n+1] = int64(c.dlen)
	}
	c.setValid(c.n)
	c.n++
	return true
}

// appendText parses the text of a field and appends its value; quoted says
// the field was quoted. It returns "" or why the text is not a value of the
// column.
func (c *csvColumn) appendText(mem memory.Allocator, cfg *csvConfig, b []byte, quoted bool) string {
	if c.kind == csvKindSkip {
		return ""
	}
	if cfg.trim && !quoted {
		b = csvTrim(b)
	}
	if (!quoted || !c.isBytes) && cfg.isNull(b) {
		c.appendNull(mem)
		return ""
	}
	switch c.kind {
	case csvKindString, csvKindLarge:
		if !c.appendBytes(mem, b) {
			return fmt.Sprintf("column %q holds more than 2 GiB of text in one partition; read it as large_string (CSVOptions.ColumnTypes) or use a smaller BlockSize", c.name)
		}
		return ""
	}
	if c.n == c.capN {
		c.grow(mem)
	}
	ok := false
	switch c.kind {
	case csvKindInt64:
		var v int64
		v, ok, _ = csvParseInt(b)
		c.i64[c.n] = v
	case csvKindFloat64:
		var f float64
		f, ok = csvParseFloat(b)
		c.f64[c.n] = f
	case csvKindBool:
		var v bool
		v, ok = csvParseBool(b, true)
		if v {
			c.raw[c.n>>3] |= 1 << (c.n & 7)
		} else {
			c.raw[c.n>>3] &^= 1 << (c.n & 7)
		}
	case csvKindFixed:
		var u uint64
		u, ok = c.parse(b)
		c.putFixed(c.n, u)
	}
	if !ok {
		return fmt.Sprintf("cannot parse %q as %s", csvTruncate(b), c.typ)
	}
	c.setValid(c.n)
	c.n++
	return ""
}

func (c *csvColumn) putFixed(i int, u uint64) {
	switch c.width {
	case 1:
		c.raw[i] = byte(u)
	case 2:
		binary.LittleEndian.PutUint16(c.raw[i*2:], uint16(u))
	case 4:
		binary.LittleEndian.PutUint32(c.raw[i*4:], uint32(u))
	default:
		binary.LittleEndian.PutUint64(c.raw[i*8:], u)
	}
}

// truncate drops the values after the first n; n is at least c.n-1.
func (c *csvColumn) truncate(n int) {
	if c.kind == csvKindSkip || c.n <= n {
		return
	}
	if c.vbits != nil && c.vbits[n>>3]&(1<<(n&7)) == 0 {
		c.nulls--
	}
	c.n = n
	switch c.kind {
	case csvKindString:
		c.dlen = int(c.o32[n])
	case csvKindLarge:
		c.dlen = int(c.i64[n])
	}
}

// array hands the buffers to a new array, which the caller owns.
func (c *csvColumn) array() arrow.Array {
	var valid *memory.Buffer
	if c.nulls > 0 {
		c.valid.ResizeNoShrink(int(bitutil.BytesForBits(int64(c.n))))
		valid = c.valid
	}
	var bufs []*memory.Buffer
	switch c.kind {
	case csvKindString:
		c.vals.ResizeNoShrink((c.n + 1) * 4)
		c.data.ResizeNoShrink(c.dlen)
		bufs = []*memory.Buffer{valid, c.vals, c.data}
	case csvKindLarge:
		c.vals.ResizeNoShrink((c.n + 1) * 8)
		c.data.ResizeNoShrink(c.dlen)
		bufs = []*memory.Buffer{valid, c.vals, c.data}
	case csvKindBool:
		c.vals.ResizeNoShrink(int(bitutil.BytesForBits(int64(c.n))))
		bufs = []*memory.Buffer{valid, c.vals}
	case csvKindFixed:
		c.vals.ResizeNoShrink(c.n * c.width)
		bufs = []*memory.Buffer{valid, c.vals}
	default:
		c.vals.ResizeNoShrink(c.n * 8)
		bufs = []*memory.Buffer{valid, c.vals}
	}
	data := array.NewData(c.typ, c.n, bufs, nil, c.nulls, 0)
	arr := array.MakeFromData(data)
	data.Release()
	c.release()
	return arr
}

// release gives up the column's buffers.
func (c *csvColumn) release() {
	for _, b := range []*memory.Buffer{c.valid, c.vals, c.data} {
		if b != nil {
			b.Release()
		}
	}
	c.valid, c.vals, c.data = nil, nil, nil
	c.vbits, c.i64, c.f64, c.o32, c.raw, c.dbuf = nil, nil, nil, nil, nil, nil
}
