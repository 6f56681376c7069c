package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	magic       = "\x93NUMPY"
	arrayAlign  = 64 // the data starts at a multiple of this many bytes
	growthSpace = 21 // NumPy pads the growth axis's repr to this many digits
	maxDepth    = 16 // nesting limit for values in a header dict
)

// formatHeader returns the magic, version, length field and header NumPy
// writes for a C-order array of the given descr and shape: version 1.0, or
// 2.0 when the padded header does not fit a 2-byte length.
func formatHeader(descr DType, shape []int) ([]byte, error) {
	var b strings.Builder
	b.WriteString("{'descr': '")
	b.WriteString(string(descr))
	b.WriteString("', 'fortran_order': False, 'shape': (")
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteString("), }")
	if len(shape) > 0 {
		// Spare room so the header can be rewritten in place when the
		// array grows along its first axis, as NumPy does.
		b.WriteString(strings.Repeat(" ", growthSpace-len(strconv.Itoa(shape[0]))))
	}
	dict := b.String()

	for _, lenSize := range []int{2, 4} {
		hlen := len(dict) + 1 // the final '\n'
		pad := arrayAlign - (len(magic)+2+lenSize+hlen)%arrayAlign
		total := hlen + pad
		if lenSize == 2 && total > math.MaxUint16 {
			continue
		}
		if total > MaxHeaderLen {
			break
		}
		out := make([]byte, 0, len(magic)+2+lenSize+total)
		out = append(out, magic...)
		if lenSize == 2 {
			out = append(out, 1, 0)
			out = binary.LittleEndian.AppendUint16(out, uint16(total))
		} else {
			out = append(out, 2, 0)
			out = binary.LittleEndian.AppendUint32(out, uint32(total))
		}
		out = append(out, dict...)
		for range pad {
			out = append(out, ' ')
		}
		return append(out, '\n'), nil
	}
	return nil, formatErr("header for shape of %d dimensions exceeds %d bytes", len(shape), MaxHeaderLen)
}

// ReadHeader reads the magic, version and header of a .npy file from r and
// validates them, including that the dtype is supported and the shape is
// valid. It consumes exactly Header.DataOffset bytes of r, leaving r at the
// start of the data.
func ReadHeader(r io.Reader) (Header, error) {
	h, _, _, err := readHeader(r)
	return h, err
}

// readHeader is ReadHeader that also returns the element kind and whether
// the data is big-endian.
func readHeader(r io.Reader) (Header, *kind, bool, error) {
	var pre [12]byte
	if err := readFull(r, pre[:10], "header"); err != nil {
		return Header{}, nil, false, err
	}
	if string(pre[:6]) != magic {
		return Header{}, nil, false, formatErr("bad magic %q (not a .npy file)", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen int64
	offset := int64(10)
	switch {
	case major == 1 && minor == 0:
		hlen = int64(binary.LittleEndian.Uint16(pre[8:10]))
	case (major == 2 || major == 3) && minor == 0:
		if err := readFull(r, pre[10:12], "header"); err != nil {
			return Header{}, nil, false, err
		}
		hlen = int64(binary.LittleEndian.Uint32(pre[8:12]))
		offset = 12
	default:
		return Header{}, nil, false, formatErr("unsupported format version %d.%d", major, minor)
	}
	if hlen > MaxHeaderLen {
		return Header{}, nil, false, formatErr("header length %d exceeds %d bytes", hlen, MaxHeaderLen)
	}
	text := make([]byte, hlen)
	if err := readFull(r, text, "header"); err != nil {
		return Header{}, nil, false, err
	}
	if major == 3 && !utf8.Valid(text) {
		return Header{}, nil, false, formatErr("malformed header: not valid UTF-8")
	}
	h, k, big, err := parseHeader(string(text))
	if err != nil {
		return Header{}, nil, false, err
	}
	h.DataOffset = offset + hlen
	return h, k, big, nil
}

// readFull fills b from r, reporting a short read as a truncated section.
func readFull(r io.Reader, b []byte, what string) error {
	n, err := io.ReadFull(r, b)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return formatErr("%s truncated: want %d bytes, got %d", what, len(b), n)
	default:
		return fmt.Errorf("npy: read %s: %w", what, err)
	}
}

// parseHeader parses and validates the header dict.
func parseHeader(text string) (Header, *kind, bool, error) {
	p := &parser{s: text}
	dict, err := p.parseTop()
	if err != nil {
		return Header{}, nil, false, formatErr("malformed header: %v", err)
	}
	var descr, fortran, shape *value
	for _, e := range dict.items {
		var slot **value
		switch e.key {
		case "descr":
			slot = &descr
		case "fortran_order":
			slot = &fortran
		case "shape":
			slot = &shape
		default:
			return Header{}, nil, false, formatErr("malformed header: unexpected key %q", e.key)
		}
		if *slot != nil {
			return Header{}, nil, false, formatErr("malformed header: duplicate key %q", e.key)
		}
		*slot = e.val
	}
	switch {
	case descr == nil:
		return Header{}, nil, false, formatErr("malformed header: missing key 'descr'")
	case fortran == nil:
		return Header{}, nil, false, formatErr("malformed header: missing key 'fortran_order'")
	case shape == nil:
		return Header{}, nil, false, formatErr("malformed header: missing key 'shape'")
	}

	var k *kind
	var big bool
	if descr.typ == valString {
		k, big = lookupDescr(descr.str)
	}
	if k == nil {
		return Header{}, nil, false, formatErr("unsupported dtype %s", descr.raw)
	}
	if fortran.typ != valBool {
		return Header{}, nil, false, formatErr("malformed header: fortran_order is %s, not a bool", fortran.raw)
	}
	if shape.typ != valTuple {
		return Header{}, nil, false, formatErr("malformed header: shape is %s, not a tuple", shape.raw)
	}
	dims := make([]int, len(shape.elems))
	for i, d := range shape.elems {
		if d.typ != valInt {
			return Header{}, nil, false, formatErr("malformed header: shape %s has a non-integer dimension", shape.raw)
		}
		if d.overflow {
			return Header{}, nil, false, formatErr("invalid shape %s: size overflows", shape.raw)
		}
		dims[i] = d.num
	}
	if _, _, err := checkShape(dims, k.size); err != nil {
		return Header{}, nil, false, err
	}
	return Header{DType: k.dtype, Shape: dims, FortranOrder: fortran.boolean}, k, big, nil
}

// valType is the type of a Python literal in a header.
type valType int

const (
	valString valType = iota
	valInt
	valBool
	valNone
	valTuple
	valList
	valDict
)

// value is a parsed Python literal. raw is its source text.
type value struct {
	typ      valType
	raw      string
	str      string
	num      int
	overflow bool // an integer outside the range of int
	boolean  bool
	elems    []*value // tuple and list elements
	items    []entry  // dict entries, in order
}

type entry struct {
	key string
	val *value
}

// parser parses the subset of Python literal syntax NumPy headers use:
// dicts, tuples, lists, strings without escapes, decimal integers (with an
// optional Python 2 'L' suffix), True, False and None.
type parser struct {
	s     string
	pos   int
	depth int
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *parser) peek() byte {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) expect(c byte) error {
	if p.peek() != c {
		return p.errorf("expected %q", c)
	}
	p.pos++
	return nil
}

// parseTop parses the whole header: one dict with string keys, then only
// white space.
func (p *parser) parseTop() (*value, error) {
	if p.peek() != '{' {
		return nil, p.errorf("expected '{'")
	}
	v, err := p.parseValue()
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.pos < len(p.s) {
		return nil, p.errorf("unexpected text after the dict")
	}
	return v, nil
}

func (p *parser) parseValue() (*value, error) {
	if p.depth >= maxDepth {
		return nil, p.errorf("nested too deeply")
	}
	p.depth++
	defer func() { p.depth-- }()

	c := p.peek()
	start := p.pos
	var v *value
	var err error
	switch {
	case c == '{':
		v, err = p.parseDict()
	case c == '(':
		v, err = p.parseSeq('(', ')', valTuple)
	case c == '[':
		v, err = p.parseSeq('[', ']', valList)
	case c == '\'' || c == '"':
		v, err = p.parseString()
	case c == '-' || c == '+' || ('0' <= c && c <= '9'):
		v, err = p.parseInt()
	case c == 'T' || c == 'F' || c == 'N':
		v, err = p.parseName()
	case p.pos >= len(p.s):
		return nil, p.errorf("unexpected end of header")
	default:
		return nil, p.errorf("unexpected character %q", c)
	}
	if err != nil {
		return nil, err
	}
	if v.raw == "" {
		v.raw = p.s[start:p.pos]
	}
	return v, nil
}

func (p *parser) parseDict() (*value, error) {
	start := p.pos
	p.pos++ // '{'
	v := &value{typ: valDict}
	for p.peek() != '}' {
		if c := p.peek(); c != '\'' && c != '"' {
			return nil, p.errorf("expected a string key")
		}
		key, err := p.parseString()
		if err != nil {
			return nil, err
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		val, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		v.items = append(v.items, entry{key.str, val})
		if p.peek() == ',' {
			p.pos++
		} else if p.peek() != '}' {
			return nil, p.errorf("expected ',' or '}'")
		}
	}
	p.pos++ // '}'
	v.raw = p.s[start:p.pos]
	return v, nil
}

// parseSeq parses a tuple or list. A parenthesized value without a comma is
// that value, as in Python: (5) is the integer 5, (5,) a 1-tuple.
func (p *parser) parseSeq(open, close byte, typ valType) (*value, error) {
	start := p.pos
	p.pos++ // open
	v := &value{typ: typ}
	comma := false
	for p.peek() != close {
		el, err := p.parseValue()
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, el)
		switch p.peek() {
		case ',':
			p.pos++
			comma = true
		case close:
		default:
			return nil, p.errorf("expected ',' or %q", close)
		}
	}
	p.pos++ // close
	if typ == valTuple && len(v.elems) == 1 && !comma {
		inner := *v.elems[0]
		inner.raw = p.s[start:p.pos]
		return &inner, nil
	}
	v.raw = p.s[start:p.pos]
	return v, nil
}

func (p *parser) parseString() (*value, error) {
	q := p.s[p.pos]
	start := p.pos
	p.pos++
	for p.pos < len(p.s) {
		switch c := p.s[p.pos]; c {
		case q:
			p.pos++
			return &value{typ: valString, str: p.s[start+1 : p.pos-1], raw: p.s[start:p.pos]}, nil
		case '\\':
			return nil, p.errorf("escape sequences in strings are not supported")
		case '\n':
			return nil, p.errorf("unterminated string")
		}
		p.pos++
	}
	return nil, p.errorf("unterminated string")
}

func (p *parser) parseInt() (*value, error) {
	neg := false
	if c := p.s[p.pos]; c == '-' || c == '+' {
		neg = c == '-'
		p.pos++
	}
	digits := p.pos
	for p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
		p.pos++
	}
	text := p.s[digits:p.pos]
	if text == "" {
		return nil, p.errorf("expected digits")
	}
	if len(text) > 1 && text[0] == '0' && strings.Trim(text, "0") != "" {
		return nil, p.errorf("leading zeros in integer %s", text)
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'L' || p.s[p.pos] == 'l') {
		p.pos++ // Python 2 long suffix, written by old NumPy versions
	}
	if p.pos < len(p.s) && isNameByte(p.s[p.pos]) {
		return nil, p.errorf("invalid integer")
	}
	v := &value{typ: valInt}
	n, err := strconv.ParseInt(text, 10, 0)
	if err != nil {
		v.overflow = true
	}
	v.num = int(n)
	if neg {
		v.num = -v.num
	}
	return v, nil
}

func (p *parser) parseName() (*value, error) {
	start := p.pos
	for p.pos < len(p.s) && isNameByte(p.s[p.pos]) {
		p.pos++
	}
	switch p.s[start:p.pos] {
	case "True":
		return &value{typ: valBool, boolean: true}, nil
	case "False":
		return &value{typ: valBool}, nil
	case "None":
		return &value{typ: valNone}, nil
	}
	name := p.s[start:min(p.pos, start+16)]
	p.pos = start
	return nil, p.errorf("unknown name %q", name)
}

func isNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
