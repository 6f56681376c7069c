package kernels

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// castKind groups types by how Cast treats them.
type castKind uint8

const (
	kOther castKind = iota
	kInt
	kFloat
	kBool
	kString // string, large_string
	kBinary // binary, large_binary
	kDate32
	kTimestamp
)

func kindOf(dt arrow.DataType) castKind {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		return kInt
	case arrow.FLOAT32, arrow.FLOAT64:
		return kFloat
	case arrow.BOOL:
		return kBool
	case arrow.STRING, arrow.LARGE_STRING:
		return kString
	case arrow.BINARY, arrow.LARGE_BINARY:
		return kBinary
	case arrow.DATE32:
		return kDate32
	case arrow.TIMESTAMP:
		return kTimestamp
	}
	return kOther
}

// Cast converts array a to type to and returns a new array owned by the
// caller (a itself, retained, when the types are identical). a is borrowed.
// Null rows stay null. The conversions:
//
//   - between numbers (int8 … uint64, float32, float64): float to integer
//     truncates toward zero; a value out of the target's range, or NaN or
//     ±Inf to an integer, or a finite float64 beyond float32's range, is a
//     *CastError naming the row; integer to float rounds to nearest.
//   - bool to number: 1 or 0; number to bool: true unless 0 (NaN is true).
//   - date32 to and from integers, and timestamp to and from integers: the
//     raw day or tick count, range-checked like numbers.
//   - date32 to timestamp: midnight of that day, in the timestamp's zone
//     when it has one; timestamp to date32: the calendar day of the instant
//     in its zone; timestamp to timestamp: the same instant (a coarser unit
//     floors toward the past; a finer unit that overflows is a *CastError).
//   - anything above (and binary) to string or large_string: integers in
//     decimal, floats with strconv 'g' and the shortest exact precision,
//     bool as true/false, date32 as 2006-01-02, timestamps as ISO 8601
//     2006-01-02T15:04:05.999999999 (trailing zeros dropped), followed by Z
//     or ±hh:mm when the type has a zone; binary must be valid UTF-8.
//   - string to numbers (strconv, surrounding white space ignored), bool
//     (strconv.ParseBool: 1 t true 0 f false, any case), date32
//     (2006-01-02), timestamp (2006-01-02, or 2006-01-02T15:04:05 with T or
//     a space, optional fraction, optional Z or ±hh:mm; without a zone the
//     text is wall-clock time in the type's zone, or UTC; a fraction finer
//     than the unit is floored): text that does not parse, or is out of
//     range, is a *CastError with the row and text.
//   - string and binary to each other and between offset widths.
//   - the null type to anything Broadcast takes: all null.
//
// Other pairs are an error wrapping ErrType.
func Cast(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	const name = "cast"
	if a == nil || to == nil {
		return nil, errorf(ErrArgument, name, "nil array or type")
	}
	from := a.DataType()
	if arrow.TypeEqual(from, to) {
		a.Retain()
		return a, nil
	}
	if from.ID() == arrow.NULL && broadcastable(to) {
		return array.MakeArrayOfNull(mem, to, a.Len()), nil
	}
	fk, tk := kindOf(from), kindOf(to)
	switch {
	case (fk == kInt || fk == kFloat) && (tk == kInt || tk == kFloat),
		(fk == kDate32 || fk == kTimestamp) && tk == kInt,
		fk == kInt && (tk == kDate32 || tk == kTimestamp):
		return castNumeric(mem, a, to)
	case fk == kBool && (tk == kInt || tk == kFloat):
		return castFromBool(mem, a, to)
	case (fk == kInt || fk == kFloat) && tk == kBool:
		return castToBool(mem, a, to)
	case fk == kDate32 && tk == kTimestamp,
		fk == kTimestamp && tk == kDate32,
		fk == kTimestamp && tk == kTimestamp:
		return castTemporal(mem, a, to)
	case fk != kOther && (tk == kString || tk == kBinary) && (fk != kBinary || tk != kBinary):
		if large(to) {
			return castToText[int64](mem, a, to)
		}
		return castToText[int32](mem, a, to)
	case fk == kString && tk != kOther:
		if large(from) {
			return castFromText[int64](mem, a, to)
		}
		return castFromText[int32](mem, a, to)
	}
	return nil, errorf(ErrType, name, "cannot cast %s to %s", from, to)
}

// physical is the type ID of the values a type is stored as.
func physical(dt arrow.DataType) arrow.Type {
	switch dt.ID() {
	case arrow.DATE32, arrow.TIME32:
		return arrow.INT32
	case arrow.TIMESTAMP, arrow.DATE64, arrow.TIME64, arrow.DURATION:
		return arrow.INT64
	}
	return dt.ID()
}

func castNumeric(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	switch physical(a.DataType()) {
	case arrow.INT8:
		return castFrom[int8](mem, a, to)
	case arrow.INT16:
		return castFrom[int16](mem, a, to)
	case arrow.INT32:
		return castFrom[int32](mem, a, to)
	case arrow.INT64:
		return castFrom[int64](mem, a, to)
	case arrow.UINT8:
		return castFrom[uint8](mem, a, to)
	case arrow.UINT16:
		return castFrom[uint16](mem, a, to)
	case arrow.UINT32:
		return castFrom[uint32](mem, a, to)
	case arrow.UINT64:
		return castFrom[uint64](mem, a, to)
	case arrow.FLOAT32:
		return castFrom[float32](mem, a, to)
	case arrow.FLOAT64:
		return castFrom[float64](mem, a, to)
	}
	return nil, errorf(ErrType, "cast", "cannot cast %s to %s", a.DataType(), to)
}

func castFrom[F number](mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	switch physical(to) {
	case arrow.INT8:
		return castNum[F, int8](mem, a, to)
	case arrow.INT16:
		return castNum[F, int16](mem, a, to)
	case arrow.INT32:
		return castNum[F, int32](mem, a, to)
	case arrow.INT64:
		return castNum[F, int64](mem, a, to)
	case arrow.UINT8:
		return castNum[F, uint8](mem, a, to)
	case arrow.UINT16:
		return castNum[F, uint16](mem, a, to)
	case arrow.UINT32:
		return castNum[F, uint32](mem, a, to)
	case arrow.UINT64:
		return castNum[F, uint64](mem, a, to)
	case arrow.FLOAT32:
		return castNum[F, float32](mem, a, to)
	case arrow.FLOAT64:
		return castNum[F, float64](mem, a, to)
	}
	return nil, errorf(ErrType, "cast", "cannot cast %s to %s", a.DataType(), to)
}

func castNum[F, T number](mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	n := a.Len()
	in := values[F](a)
	vbuf, out := newValues[T](mem, n)
	for i, v := range in {
		out[i] = T(v)
	}
	if row := lossy(in, out, validitySrc(ArrayOf(a))); row >= 0 {
		vbuf.Release()
		return nil, &CastError{Row: row, Value: formatNum(in[row]), From: a.DataType(), To: to}
	}
	validity, nulls := andValidity(mem, n, ArrayOf(a))
	return build(to, n, nulls, validity, vbuf), nil
}

func isFloat[T number]() bool {
	var z T
	switch any(z).(type) {
	case float32, float64:
		return true
	}
	return false
}

func isSigned[T number]() bool {
	var z T
	z--
	return z < 0
}

func bitSize[T number]() int {
	var z T
	return int(unsafe.Sizeof(z)) * 8
}

// widens reports whether every value of integer type F is a value of T.
func widens[F, T number]() bool {
	fs, ts := isSigned[F](), isSigned[T]()
	fb, tb := bitSize[F](), bitSize[T]()
	switch {
	case fs == ts:
		return tb >= fb
	case !fs && ts:
		return tb > fb
	}
	return false
}

func (s bitSrc) bit(i int) bool {
	if s.bm == nil {
		return s.fill != 0
	}
	i += s.off
	return s.bm[i>>3]&(1<<(i&7)) != 0
}

// lossy returns the first valid row whose value did not survive the
// conversion from in to out, or -1.
func lossy[F, T number](in []F, out []T, valid bitSrc) int {
	ff, tf := isFloat[F](), isFloat[T]()
	switch {
	case !ff && !tf:
		if widens[F, T]() {
			return -1
		}
		for i, v := range in {
			o := out[i]
			if (F(o) != v || (v < 0) != (o < 0)) && valid.bit(i) {
				return i
			}
		}
	case ff && !tf:
		// In range when trunc(v) is in [lo, hi); NaN never is.
		lo, hi := 0.0, math.Ldexp(1, bitSize[T]())
		if isSigned[T]() {
			lo, hi = -math.Ldexp(1, bitSize[T]()-1), math.Ldexp(1, bitSize[T]()-1)
		}
		for i, v := range in {
			t := math.Trunc(float64(v))
			if !(t >= lo && t < hi) && valid.bit(i) {
				return i
			}
		}
	case ff && tf:
		if bitSize[T]() >= bitSize[F]() {
			return -1
		}
		for i, v := range in {
			if math.IsInf(float64(out[i]), 0) && !math.IsInf(float64(v), 0) && valid.bit(i) {
				return i
			}
		}
	}
	return -1
}

func formatNum[T number](v T) string {
	switch x := any(v).(type) {
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	if isSigned[T]() {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}

func castFromBool(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	switch to.ID() {
	case arrow.INT8:
		return boolToNum[int8](mem, a, to), nil
	case arrow.INT16:
		return boolToNum[int16](mem, a, to), nil
	case arrow.INT32:
		return boolToNum[int32](mem, a, to), nil
	case arrow.INT64:
		return boolToNum[int64](mem, a, to), nil
	case arrow.UINT8:
		return boolToNum[uint8](mem, a, to), nil
	case arrow.UINT16:
		return boolToNum[uint16](mem, a, to), nil
	case arrow.UINT32:
		return boolToNum[uint32](mem, a, to), nil
	case arrow.UINT64:
		return boolToNum[uint64](mem, a, to), nil
	case arrow.FLOAT32:
		return boolToNum[float32](mem, a, to), nil
	}
	return boolToNum[float64](mem, a, to), nil
}

func boolToNum[T number](mem memory.Allocator, a arrow.Array, to arrow.DataType) arrow.Array {
	n := a.Len()
	src := boolSrc(ArrayOf(a))
	vbuf, out := newValues[T](mem, n)
	for w := range words(n) {
		v := src.word(w)
		blk := out[w<<6 : min(w<<6+64, n)]
		for k := range blk {
			blk[k] = T(v >> k & 1)
		}
	}
	validity, nulls := andValidity(mem, n, ArrayOf(a))
	return build(to, n, nulls, validity, vbuf)
}

func castToBool(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	switch a.DataType().ID() {
	case arrow.INT8:
		return numToBool[int8](mem, a, to), nil
	case arrow.INT16:
		return numToBool[int16](mem, a, to), nil
	case arrow.INT32:
		return numToBool[int32](mem, a, to), nil
	case arrow.INT64:
		return numToBool[int64](mem, a, to), nil
	case arrow.UINT8:
		return numToBool[uint8](mem, a, to), nil
	case arrow.UINT16:
		return numToBool[uint16](mem, a, to), nil
	case arrow.UINT32:
		return numToBool[uint32](mem, a, to), nil
	case arrow.UINT64:
		return numToBool[uint64](mem, a, to), nil
	case arrow.FLOAT32:
		return numToBool[float32](mem, a, to), nil
	}
	return numToBool[float64](mem, a, to), nil
}

func numToBool[F number](mem memory.Allocator, a arrow.Array, to arrow.DataType) arrow.Array {
	n := a.Len()
	dbuf, _ := newBitmap(mem, n)
	cmpAS(Eq, dbuf.Bytes(), values[F](a), 0)
	out := dbuf.Bytes()
	for i := range out {
		out[i] = ^out[i] // != 0
	}
	if r := n & 7; r != 0 {
		out[len(out)-1] &= 1<<r - 1
	}
	validity, nulls := andValidity(mem, n, ArrayOf(a))
	return build(to, n, nulls, validity, dbuf)
}

// CanWiden reports whether from → to is an implicit numeric promotion that
// Widen performs without error: an integer to a wider integer that holds all
// its values, an integer to float64 (int64 and uint64 round to nearest, as
// in SQL), an 8- or 16-bit integer to float32, float32 to float64, or a type
// to itself.
func CanWiden(from, to arrow.DataType) bool {
	if arrow.TypeEqual(from, to) {
		return true
	}
	fk, tk := kindOf(from), kindOf(to)
	if (fk != kInt && fk != kFloat) || (tk != kInt && tk != kFloat) {
		return false
	}
	fw, tw := from.(arrow.FixedWidthDataType), to.(arrow.FixedWidthDataType)
	switch {
	case fk == kInt && tk == kInt:
		fs, ts := arrow.IsSignedInteger(from.ID()), arrow.IsSignedInteger(to.ID())
		switch {
		case fs == ts:
			return tw.BitWidth() >= fw.BitWidth()
		case !fs && ts:
			return tw.BitWidth() > fw.BitWidth()
		}
	case fk == kInt && tk == kFloat:
		return to.ID() == arrow.FLOAT64 || fw.BitWidth() <= 16
	case fk == kFloat && tk == kFloat:
		return to.ID() == arrow.FLOAT64
	}
	return false
}

// Widen performs an implicit promotion that CanWiden allows; it fails only
// when the pair is not one (an error wrapping ErrType). a is borrowed; the
// result is owned by the caller.
func Widen(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	if a == nil || to == nil {
		return nil, errorf(ErrArgument, "widen", "nil array or type")
	}
	if !CanWiden(a.DataType(), to) {
		return nil, errorf(ErrType, "widen", "%s does not widen to %s", a.DataType(), to)
	}
	return Cast(mem, a, to)
}
