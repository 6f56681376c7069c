package kernels

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// String kernels take string or large_string operands (the matching kernels
// and Concat also binary and large_binary) and keep the offset width: a
// large_string input gives a large_string result. Characters are Unicode code
// points of UTF-8 text; an invalid UTF-8 byte counts as one character (and
// Lower and Upper replace it by U+FFFD, as Go's strings.ToLower does).
// A null input row gives a null output row.

func isString(dt arrow.DataType) bool {
	return dt.ID() == arrow.STRING || dt.ID() == arrow.LARGE_STRING
}

func isBinaryLike(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY, arrow.LARGE_BINARY:
		return true
	}
	return false
}

func large(dt arrow.DataType) bool {
	return dt.ID() == arrow.LARGE_STRING || dt.ID() == arrow.LARGE_BINARY
}

func checkString(kernel string, n int, binaryOK bool, ops ...Operand) error {
	if err := check(kernel, n, ops...); err != nil {
		return err
	}
	for _, o := range ops {
		dt := o.DataType()
		if !isString(dt) && !(binaryOK && isBinaryLike(dt)) {
			return errorf(ErrType, kernel, "operand type %s is not a string type", dt)
		}
	}
	return nil
}

type matchKind uint8

const (
	matchContains matchKind = iota
	matchPrefix
	matchSuffix
)

// Contains reports for each row whether a contains the literal pattern.
func Contains(mem memory.Allocator, a Operand, pattern string, n int) (*array.Boolean, error) {
	return match(mem, "contains", matchContains, a, pattern, n)
}

// StartsWith reports for each row whether a starts with the literal pattern.
func StartsWith(mem memory.Allocator, a Operand, pattern string, n int) (*array.Boolean, error) {
	return match(mem, "starts_with", matchPrefix, a, pattern, n)
}

// EndsWith reports for each row whether a ends with the literal pattern.
func EndsWith(mem memory.Allocator, a Operand, pattern string, n int) (*array.Boolean, error) {
	return match(mem, "ends_with", matchSuffix, a, pattern, n)
}

func match(mem memory.Allocator, name string, kind matchKind, a Operand, pat string, n int) (*array.Boolean, error) {
	if err := checkString(name, n, true, a); err != nil {
		return nil, err
	}
	if a.IsScalar() {
		r, err := foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return match(mem, name, kind, ops[0], pat, 1)
		}, a)
		if err != nil {
			return nil, err
		}
		return r.(*array.Boolean), nil
	}
	validity, nulls := andValidity(mem, n, a)
	dbuf, _ := newBitmap(mem, n)
	if large(a.DataType()) {
		matchRows(kind, dbuf.Bytes(), viewOf[int64](a.Array), pat)
	} else {
		matchRows(kind, dbuf.Bytes(), viewOf[int32](a.Array), pat)
	}
	return build(arrow.FixedWidthTypes.Boolean, n, nulls, validity, dbuf).(*array.Boolean), nil
}

func matchRows[O offsetT](kind matchKind, out []byte, x strView[O], pat string) {
	n := len(x.offs) - 1
	if kind == matchContains && pat != "" {
		containsSpan(out, x, pat)
		return
	}
	var tmp [cmpBlock]uint8
	for lo := 0; lo < n; lo += cmpBlock {
		t := tmp[:min(cmpBlock, n-lo)]
		switch kind {
		case matchContains:
			for i := range t {
				t[i] = 1 // every string contains ""
			}
		case matchPrefix:
			for i := range t {
				t[i] = b2u(strings.HasPrefix(x.at(lo+i), pat))
			}
		case matchSuffix:
			for i := range t {
				t[i] = b2u(strings.HasSuffix(x.at(lo+i), pat))
			}
		}
		packBools(out[lo>>3:], t)
	}
}

// containsSpan searches the whole data span once with bytes.Index (which
// is vectorised) instead of each row separately, and maps each match to its
// row; a match that straddles two rows is skipped by restarting one byte on.
func containsSpan[O offsetT](out []byte, x strView[O], pat string) {
	clear(out)
	n := len(x.offs) - 1
	base := int(x.offs[0])
	span := x.span()
	p := []byte(pat)
	pos, row := 0, 0
	for pos < len(span) && row < n {
		k := bytes.Index(span[pos:], p)
		if k < 0 {
			return
		}
		m := pos + k
		for row < n && int(x.offs[row+1])-base <= m {
			row++
		}
		if row == n {
			return
		}
		end := int(x.offs[row+1]) - base
		if m+len(p) <= end {
			out[row>>3] |= 1 << (row & 7)
			pos = end
			row++
		} else {
			pos = m + 1
		}
	}
}

// isASCII reports whether every byte of b is below 0x80, 8 bytes at a time.
func isASCII(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Lower maps each row to lower case (unicode.ToLower per code point; bytes
// that are not UTF-8 become U+FFFD). Text that is all ASCII takes a bytewise
// path.
func Lower(mem memory.Allocator, a Operand, n int) (arrow.Array, error) {
	return caseMap(mem, "lower", a, n, false)
}

// Upper maps each row to upper case (unicode.ToUpper per code point).
func Upper(mem memory.Allocator, a Operand, n int) (arrow.Array, error) {
	return caseMap(mem, "upper", a, n, true)
}

func caseMap(mem memory.Allocator, name string, a Operand, n int, upper bool) (arrow.Array, error) {
	if err := checkString(name, n, false, a); err != nil {
		return nil, err
	}
	if a.IsScalar() {
		return foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return caseMap(mem, name, ops[0], 1, upper)
		}, a)
	}
	validity, nulls := andValidity(mem, n, a)
	if large(a.DataType()) {
		return caseRows(mem, name, viewOf[int64](a.Array), a.DataType(), validity, nulls, upper)
	}
	return caseRows(mem, name, viewOf[int32](a.Array), a.DataType(), validity, nulls, upper)
}

// asciiCase maps the ASCII letters of src into dst. Eight bytes at a time
// (SWAR): for bytes below 0x80, adding 0x80-'A' sets a byte's high bit when
// it is ≥ 'A', adding 0x7f-'Z' when it is > 'Z'; the letters' mask shifted
// down to 0x20 flips their case bit.
func asciiCase(dst, src []byte, upper bool) {
	dst = dst[:len(src)]
	lo, hi := uint64('A'), uint64('Z')
	if upper {
		lo, hi = 'a', 'z'
	}
	const ones = 0x0101010101010101
	i := 0
	for ; i+8 <= len(src); i += 8 {
		w := binary.LittleEndian.Uint64(src[i:])
		ge := w + ones*(0x80-lo)
		gt := w + ones*(0x7f-hi)
		letters := (ge &^ gt) & (ones * 0x80)
		binary.LittleEndian.PutUint64(dst[i:], w^letters>>2)
	}
	for ; i < len(src); i++ {
		c := src[i]
		if uint64(c)-lo <= hi-lo {
			c ^= 0x20
		}
		dst[i] = c
	}
}

func caseRows[O offsetT](mem memory.Allocator, name string, x strView[O], dt arrow.DataType, validity *memory.Buffer, nulls int, upper bool) (arrow.Array, error) {
	n := len(x.offs) - 1
	span := x.span()
	b := newStrBuilder[O](mem, name, n, len(span))
	if isASCII(span) {
		// Same lengths: rebase the offsets, map the bytes in one pass.
		base := x.offs[0]
		for i := 1; i <= n; i++ {
			b.offs[i] = x.offs[i] - base
		}
		b.room(len(span))
		b.data = b.data[:len(span)]
		asciiCase(b.data, span, upper)
		return b.finish(dt, validity, nulls)
	}
	for i := 0; i < n; i++ {
		s := x.bytesAt(i)
		if isASCII(s) {
			d := b.room(len(s))
			k := len(d)
			b.data = d[:k+len(s)]
			asciiCase(b.data[k:], s, upper)
			b.end()
			continue
		}
		for len(s) > 0 {
			r, size := utf8.DecodeRune(s)
			s = s[size:]
			if upper {
				r = unicode.ToUpper(r)
			} else {
				r = unicode.ToLower(r)
			}
			b.room(utf8.UTFMax)
			b.data = utf8.AppendRune(b.data, r)
		}
		b.end()
	}
	return b.finish(dt, validity, nulls)
}

// Length is the number of characters (code points) of each row, as int64.
func Length(mem memory.Allocator, a Operand, n int) (*array.Int64, error) {
	const name = "length"
	if err := checkString(name, n, false, a); err != nil {
		return nil, err
	}
	if a.IsScalar() {
		r, err := foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return Length(mem, ops[0], 1)
		}, a)
		if err != nil {
			return nil, err
		}
		return r.(*array.Int64), nil
	}
	validity, nulls := andValidity(mem, n, a)
	vbuf, out := newValues[int64](mem, n)
	if large(a.DataType()) {
		lengthRows(out, viewOf[int64](a.Array))
	} else {
		lengthRows(out, viewOf[int32](a.Array))
	}
	return build(arrow.PrimitiveTypes.Int64, n, nulls, validity, vbuf).(*array.Int64), nil
}

func lengthRows[O offsetT](out []int64, x strView[O]) {
	if isASCII(x.span()) {
		for i := range out {
			out[i] = int64(x.offs[i+1] - x.offs[i])
		}
		return
	}
	for i := range out {
		out[i] = int64(utf8.RuneCount(x.bytesAt(i)))
	}
}

// Substring takes length characters of each row starting at character start,
// counted from 1 as in SQL. The window [start, start+length) is clipped to the
// row: a start of 0 or less takes fewer characters (SQL's SUBSTRING('abc', 0,
// 2) is 'a'), and a window past the end stops at the end. Pass math.MaxInt64
// as length for "to the end". A negative length is an error.
func Substring(mem memory.Allocator, a Operand, start, length int64, n int) (arrow.Array, error) {
	const name = "substring"
	if err := checkString(name, n, false, a); err != nil {
		return nil, err
	}
	if length < 0 {
		return nil, errorf(ErrArgument, name, "negative length %d", length)
	}
	if a.IsScalar() {
		return foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return Substring(mem, ops[0], start, length, 1)
		}, a)
	}
	// The window in 0-based character positions, [lo, hi), saturating at
	// the ends of int64 (a window that far left is empty either way).
	lo := int64(math.MinInt64)
	if start != math.MinInt64 {
		lo = start - 1
	}
	hi := lo + length
	if lo > 0 && length > math.MaxInt64-lo {
		hi = math.MaxInt64
	}
	lo = max(lo, 0)
	validity, nulls := andValidity(mem, n, a)
	if large(a.DataType()) {
		return substrRows(mem, viewOf[int64](a.Array), a.DataType(), lo, hi, validity, nulls)
	}
	return substrRows(mem, viewOf[int32](a.Array), a.DataType(), lo, hi, validity, nulls)
}

func substrRows[O offsetT](mem memory.Allocator, x strView[O], dt arrow.DataType, lo, hi int64, validity *memory.Buffer, nulls int) (arrow.Array, error) {
	n := len(x.offs) - 1
	ascii := isASCII(x.span())
	b := newStrBuilder[O](mem, "substring", n, 0)
	for i := 0; i < n; i++ {
		s := x.bytesAt(i)
		if hi <= lo {
			b.end()
			continue
		}
		if ascii {
			l := int64(len(s))
			b.addBytes(s[min(lo, l):min(hi, l)])
			continue
		}
		// Walk the characters to the byte positions of lo and hi.
		from, to := len(s), len(s)
		var c int64
		for p := 0; p < len(s); c++ {
			if c == lo {
				from = p
			}
			if c == hi {
				to = p
				break
			}
			_, size := utf8.DecodeRune(s[p:])
			p += size
		}
		b.addBytes(s[from:max(from, to)])
	}
	return b.finish(dt, validity, nulls)
}

// Concat joins a and b row by row; a row is null when either side is null.
// Both operands have the same string or binary type.
func Concat(mem memory.Allocator, a, b Operand, n int) (arrow.Array, error) {
	const name = "concat"
	if err := checkString(name, n, true, a, b); err != nil {
		return nil, err
	}
	dt, err := sameType(name, a, b)
	if err != nil {
		return nil, err
	}
	if a.IsScalar() && b.IsScalar() {
		return foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return Concat(mem, ops[0], ops[1], 1)
		}, a, b)
	}
	if a.isNull() || b.isNull() {
		return array.MakeArrayOfNull(mem, dt, n), nil
	}
	validity, nulls := andValidity(mem, n, a, b)
	if large(dt) {
		return concatRows[int64](mem, dt, a, b, n, validity, nulls)
	}
	return concatRows[int32](mem, dt, a, b, n, validity, nulls)
}

func concatRows[O offsetT](mem memory.Allocator, dt arrow.DataType, a, b Operand, n int, validity *memory.Buffer, nulls int) (arrow.Array, error) {
	side := func(o Operand) (strView[O], string, int) {
		if o.Array != nil {
			v := viewOf[O](o.Array)
			return v, "", len(v.span())
		}
		s := scalarStr(o.Scalar)
		return strView[O]{}, s, len(s) * n
	}
	x, xs, xl := side(a)
	y, ys, yl := side(b)
	out := newStrBuilder[O](mem, "concat", n, xl+yl)
	for i := 0; i < n; i++ {
		p, q := xs, ys
		if a.Array != nil {
			p = x.at(i)
		}
		if b.Array != nil {
			q = y.at(i)
		}
		out.room(len(p) + len(q))
		out.data = append(append(out.data, p...), q...)
		out.end()
	}
	return out.finish(dt, validity, nulls)
}
