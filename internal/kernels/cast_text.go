package kernels

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// castToText formats every row of a as text into a string or binary array
// with offsets O. Null rows are empty and null.
func castToText[O offsetT](mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	n := a.Len()
	b := newStrBuilder[O](mem, "cast", n, 0)
	valid := validitySrc(ArrayOf(a))
	var err error
	switch dt := a.DataType(); dt.ID() {
	case arrow.INT8:
		intText(b, values[int8](a), valid)
	case arrow.INT16:
		intText(b, values[int16](a), valid)
	case arrow.INT32:
		intText(b, values[int32](a), valid)
	case arrow.INT64:
		intText(b, values[int64](a), valid)
	case arrow.UINT8:
		intText(b, values[uint8](a), valid)
	case arrow.UINT16:
		intText(b, values[uint16](a), valid)
	case arrow.UINT32:
		intText(b, values[uint32](a), valid)
	case arrow.UINT64:
		intText(b, values[uint64](a), valid)
	case arrow.FLOAT32:
		floatText(b, values[float32](a), valid)
	case arrow.FLOAT64:
		floatText(b, values[float64](a), valid)
	case arrow.BOOL:
		src := boolSrc(ArrayOf(a))
		for i := 0; i < n; i++ {
			switch {
			case !valid.bit(i):
				b.end()
			case src.bit(i):
				b.add("true")
			default:
				b.add("false")
			}
		}
	case arrow.DATE32:
		for i, d := range values[int32](a) {
			if valid.bit(i) {
				b.room(16)
				b.data = appendDate(b.data, int64(d))
			}
			b.end()
		}
	case arrow.TIMESTAMP:
		err = timestampText(b, a, valid)
	case arrow.STRING, arrow.BINARY:
		err = copyText(b, viewOf[int32](a), valid, a.DataType(), to)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		err = copyText(b, viewOf[int64](a), valid, a.DataType(), to)
	}
	if err != nil {
		b.release()
		return nil, err
	}
	validity, nulls := andValidity(mem, n, ArrayOf(a))
	return b.finish(to, validity, nulls)
}

func intText[O offsetT, T integer](b *strBuilder[O], in []T, valid bitSrc) {
	signed := isSigned[T]()
	for i, v := range in {
		if valid.bit(i) {
			b.room(20)
			if signed {
				b.data = strconv.AppendInt(b.data, int64(v), 10)
			} else {
				b.data = strconv.AppendUint(b.data, uint64(v), 10)
			}
		}
		b.end()
	}
}

func floatText[O offsetT, T float](b *strBuilder[O], in []T, valid bitSrc) {
	size := bitSize[T]()
	for i, v := range in {
		if valid.bit(i) {
			b.room(32)
			b.data = strconv.AppendFloat(b.data, float64(v), 'g', -1, size)
		}
		b.end()
	}
}

// copyText copies strings or binaries, checking that binary becomes valid
// UTF-8 when the target is a string type.
func copyText[O, P offsetT](b *strBuilder[O], x strView[P], valid bitSrc, from, to arrow.DataType) error {
	check := kindOf(from) == kBinary && kindOf(to) == kString
	for i := 0; i+1 < len(x.offs); i++ {
		if !valid.bit(i) {
			b.end()
			continue
		}
		s := x.bytesAt(i)
		if check && !utf8.Valid(s) {
			return &CastError{Row: i, Value: string(s), From: from, To: to, Err: errInvalidUTF8}
		}
		b.addBytes(s)
	}
	return nil
}

// errorString is an error type for fixed parse failures.
type errorString string

func (e errorString) Error() string { return string(e) }

const (
	errInvalidUTF8 = errorString("invalid UTF-8")
	errSyntax      = errorString("invalid syntax")
	errRange       = errorString("value out of range")
)

// castFromText parses every valid row of a string array (offsets O).
func castFromText[O offsetT](mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	x := viewOf[O](a)
	valid := validitySrc(ArrayOf(a))
	from := a.DataType()
	var (
		vbuf *memory.Buffer
		err  error
	)
	switch to.ID() {
	case arrow.STRING, arrow.BINARY:
		return castToText[int32](mem, a, to)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return castToText[int64](mem, a, to)
	case arrow.BOOL:
		vbuf, err = parseBools(mem, x, valid, from, to)
	case arrow.INT8:
		vbuf, err = parseInts[O, int8](mem, x, valid, from, to)
	case arrow.INT16:
		vbuf, err = parseInts[O, int16](mem, x, valid, from, to)
	case arrow.INT32:
		vbuf, err = parseInts[O, int32](mem, x, valid, from, to)
	case arrow.INT64:
		vbuf, err = parseInts[O, int64](mem, x, valid, from, to)
	case arrow.UINT8:
		vbuf, err = parseInts[O, uint8](mem, x, valid, from, to)
	case arrow.UINT16:
		vbuf, err = parseInts[O, uint16](mem, x, valid, from, to)
	case arrow.UINT32:
		vbuf, err = parseInts[O, uint32](mem, x, valid, from, to)
	case arrow.UINT64:
		vbuf, err = parseInts[O, uint64](mem, x, valid, from, to)
	case arrow.FLOAT32:
		vbuf, err = parseFloats[O, float32](mem, x, valid, from, to)
	case arrow.FLOAT64:
		vbuf, err = parseFloats[O, float64](mem, x, valid, from, to)
	case arrow.DATE32:
		vbuf, err = parseDates(mem, x, valid, from, to)
	case arrow.TIMESTAMP:
		vbuf, err = parseTimestamps(mem, x, valid, from, to.(*arrow.TimestampType))
	default:
		return nil, errorf(ErrType, "cast", "cannot cast %s to %s", from, to)
	}
	if err != nil {
		vbuf.Release()
		return nil, err
	}
	n := a.Len()
	validity, nulls := andValidity(mem, n, ArrayOf(a))
	return build(to, n, nulls, validity, vbuf), nil
}

func textError(row int, text string, from, to arrow.DataType, err error) error {
	if ne, ok := err.(*strconv.NumError); ok {
		err = ne.Err // the text is in the CastError already
	}
	return &CastError{Row: row, Value: strings.Clone(text), From: from, To: to, Err: err}
}

func parseBools[O offsetT](mem memory.Allocator, x strView[O], valid bitSrc, from, to arrow.DataType) (*memory.Buffer, error) {
	n := len(x.offs) - 1
	dbuf, out := newBitmap(mem, n)
	var w uint64
	for i := 0; i < n; i++ {
		if valid.bit(i) {
			v, err := strconv.ParseBool(strings.TrimSpace(x.at(i)))
			if err != nil {
				return dbuf, textError(i, x.at(i), from, to, err)
			}
			if v {
				w |= 1 << (i & 63)
			}
		}
		if i&63 == 63 || i == n-1 {
			out.put(i>>6, w)
			w = 0
		}
	}
	return dbuf, nil
}

func parseInts[O offsetT, T integer](mem memory.Allocator, x strView[O], valid bitSrc, from, to arrow.DataType) (*memory.Buffer, error) {
	vbuf, out := newValues[T](mem, len(x.offs)-1)
	signed, size := isSigned[T](), bitSize[T]()
	for i := range out {
		out[i] = 0
		if !valid.bit(i) {
			continue
		}
		s := strings.TrimSpace(x.at(i))
		var err error
		if signed {
			var v int64
			v, err = strconv.ParseInt(s, 10, size)
			out[i] = T(v)
		} else {
			var v uint64
			v, err = strconv.ParseUint(s, 10, size)
			out[i] = T(v)
		}
		if err != nil {
			return vbuf, textError(i, x.at(i), from, to, err)
		}
	}
	return vbuf, nil
}

func parseFloats[O offsetT, T float](mem memory.Allocator, x strView[O], valid bitSrc, from, to arrow.DataType) (*memory.Buffer, error) {
	vbuf, out := newValues[T](mem, len(x.offs)-1)
	size := bitSize[T]()
	for i := range out {
		out[i] = 0
		if !valid.bit(i) {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(x.at(i)), size)
		if err != nil {
			return vbuf, textError(i, x.at(i), from, to, err)
		}
		out[i] = T(v)
	}
	return vbuf, nil
}
