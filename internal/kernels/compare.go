package kernels

import (
	"encoding/binary"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// CmpOp is a comparison operator.
type CmpOp uint8

const (
	Eq CmpOp = iota
	Ne
	Lt
	Le
	Gt
	Ge
)

func (op CmpOp) String() string {
	switch op {
	case Eq:
		return "eq"
	case Ne:
		return "ne"
	case Lt:
		return "lt"
	case Le:
		return "le"
	case Gt:
		return "gt"
	case Ge:
		return "ge"
	}
	return "compare"
}

// Compare computes a op b row by row over a batch of n rows and returns a new
// boolean array owned by the caller. The operands are borrowed and must have
// the same type: a number type, bool, string, large_string, binary,
// large_binary, date32, date64, time32, time64, timestamp (same unit and
// zone) or duration.
//
// A row is null when either operand is null. Floats compare as IEEE 754: NaN
// is unordered, so every comparison with NaN is false except Ne, which is
// true. Strings and binaries compare bytewise (for UTF-8, code point order).
// false < true.
func Compare(mem memory.Allocator, op CmpOp, a, b Operand, n int) (*array.Boolean, error) {
	if op > Ge {
		return nil, errorf(ErrArgument, "compare", "unknown operator %d", op)
	}
	name := op.String()
	if err := check(name, n, a, b); err != nil {
		return nil, err
	}
	dt, err := sameType(name, a, b)
	if err != nil {
		return nil, err
	}
	if !comparableType(dt) {
		return nil, errorf(ErrType, name, "unsupported type %s", dt)
	}
	if a.IsScalar() && b.IsScalar() {
		r, err := foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return Compare(mem, op, ops[0], ops[1], 1)
		}, a, b)
		if err != nil {
			return nil, err
		}
		return r.(*array.Boolean), nil
	}
	if a.isNull() || b.isNull() {
		return array.MakeArrayOfNull(mem, arrow.FixedWidthTypes.Boolean, n).(*array.Boolean), nil
	}
	// Normalise to Eq, Lt, Le with the array on the left when one side is a
	// scalar; Ne is Eq inverted (NaN != x is true, as IEEE says).
	invert := op == Ne
	switch op {
	case Ne:
		op = Eq
	case Gt:
		op, a, b = Lt, b, a
	case Ge:
		op, a, b = Le, b, a
	}
	if a.IsScalar() {
		a, b = b, a
		switch op {
		case Lt:
			op = Gt
		case Le:
			op = Ge
		}
	}
	validity, nulls := andValidity(mem, n, a, b)
	dbuf, _ := newBitmap(mem, n)
	out := dbuf.Bytes()
	switch dt.ID() {
	case arrow.INT8:
		cmpNum[int8](op, out, a, b)
	case arrow.INT16:
		cmpNum[int16](op, out, a, b)
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		cmpNum[int32](op, out, a, b)
	case arrow.INT64, arrow.TIMESTAMP, arrow.DATE64, arrow.TIME64, arrow.DURATION:
		cmpNum[int64](op, out, a, b)
	case arrow.UINT8:
		cmpNum[uint8](op, out, a, b)
	case arrow.UINT16:
		cmpNum[uint16](op, out, a, b)
	case arrow.UINT32:
		cmpNum[uint32](op, out, a, b)
	case arrow.UINT64:
		cmpNum[uint64](op, out, a, b)
	case arrow.FLOAT32:
		cmpNum[float32](op, out, a, b)
	case arrow.FLOAT64:
		cmpNum[float64](op, out, a, b)
	case arrow.STRING, arrow.BINARY:
		cmpStr[int32](op, out, a, b)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		cmpStr[int64](op, out, a, b)
	case arrow.BOOL:
		cmpBool(op, out, n, a, b)
	}
	if invert {
		for i := range out {
			out[i] = ^out[i]
		}
		if r := n & 7; r != 0 {
			out[len(out)-1] &= 1<<r - 1
		}
	}
	return build(arrow.FixedWidthTypes.Boolean, n, nulls, validity, dbuf).(*array.Boolean), nil
}

func comparableType(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT32, arrow.FLOAT64, arrow.BOOL,
		arrow.STRING, arrow.BINARY, arrow.LARGE_STRING, arrow.LARGE_BINARY,
		arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64, arrow.TIMESTAMP, arrow.DURATION:
		return true
	}
	return false
}

// Comparisons run in blocks: a tight loop writes one 0/1 byte per row into a
// small stack buffer, then packBools packs them 8 at a time into the bitmap.
const cmpBlock = 1024

func b2u(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// packBools packs t (0/1 bytes) into dst, LSB first; dst[0] receives t[0:8].
func packBools(dst []byte, t []uint8) {
	i := 0
	for ; i+8 <= len(t); i += 8 {
		// Multiplying gathers the low bit of each byte into the top byte.
		dst[i>>3] = byte(binary.LittleEndian.Uint64(t[i:]) * 0x0102040810204080 >> 56)
	}
	if i < len(t) {
		var v byte
		for k, b := range t[i:] {
			v |= b << k
		}
		dst[i>>3] = v
	}
}

// cmpNum compares array a with array or scalar b; op is Eq, Lt or Le, or
// also Gt or Ge when b is a scalar.
func cmpNum[T number](op CmpOp, out []byte, a, b Operand) {
	x := values[T](a.Array)
	if b.Array != nil {
		cmpAA(op, out, x, values[T](b.Array))
		return
	}
	cmpAS(op, out, x, scalarNum[T](b.Scalar))
}

func cmpAA[T ordered](op CmpOp, out []byte, x, y []T) {
	var tmp [cmpBlock]uint8
	for lo := 0; lo < len(x); lo += cmpBlock {
		a := x[lo:min(lo+cmpBlock, len(x))]
		b := y[lo : lo+len(a)]
		t := tmp[:len(a)]
		switch op {
		case Eq:
			for i := range t {
				t[i] = b2u(a[i] == b[i])
			}
		case Lt:
			for i := range t {
				t[i] = b2u(a[i] < b[i])
			}
		case Le:
			for i := range t {
				t[i] = b2u(a[i] <= b[i])
			}
		}
		packBools(out[lo>>3:], t)
	}
}

func cmpAS[T ordered](op CmpOp, out []byte, x []T, s T) {
	var tmp [cmpBlock]uint8
	for lo := 0; lo < len(x); lo += cmpBlock {
		a := x[lo:min(lo+cmpBlock, len(x))]
		t := tmp[:len(a)]
		switch op {
		case Eq:
			for i := range t {
				t[i] = b2u(a[i] == s)
			}
		case Lt:
			for i := range t {
				t[i] = b2u(a[i] < s)
			}
		case Le:
			for i := range t {
				t[i] = b2u(a[i] <= s)
			}
		case Gt:
			for i := range t {
				t[i] = b2u(a[i] > s)
			}
		case Ge:
			for i := range t {
				t[i] = b2u(a[i] >= s)
			}
		}
		packBools(out[lo>>3:], t)
	}
}

// strView is a non-owning view of a string or binary array's rows.
type strView[O offsetT] struct {
	offs []O // len = rows+1
	data []byte
}

func viewOf[O offsetT](a arrow.Array) strView[O] {
	d := a.Data()
	v := strView[O]{}
	if b := d.Buffers()[1]; b != nil && b.Len() > 0 {
		v.offs = arrow.GetOffsets[O](d, 1)
	} else {
		v.offs = make([]O, d.Len()+1) // an empty array may have no offsets
	}
	if b := d.Buffers()[2]; b != nil {
		v.data = b.Bytes()
	}
	return v
}

func (v strView[O]) at(i int) string {
	b := v.data[v.offs[i]:v.offs[i+1]]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func (v strView[O]) bytesAt(i int) []byte { return v.data[v.offs[i]:v.offs[i+1]] }

// span is the byte range of the data the rows of v refer to.
func (v strView[O]) span() []byte { return v.data[v.offs[0]:v.offs[len(v.offs)-1]] }

func cmpStr[O offsetT](op CmpOp, out []byte, a, b Operand) {
	x := viewOf[O](a.Array)
	n := len(x.offs) - 1
	var tmp [cmpBlock]uint8
	var y strView[O]
	var s string
	if b.Array != nil {
		y = viewOf[O](b.Array)
	} else {
		s = scalarStr(b.Scalar)
	}
	for lo := 0; lo < n; lo += cmpBlock {
		t := tmp[:min(cmpBlock, n-lo)]
		if b.Array != nil {
			switch op {
			case Eq:
				for i := range t {
					t[i] = b2u(x.at(lo+i) == y.at(lo+i))
				}
			case Lt:
				for i := range t {
					t[i] = b2u(x.at(lo+i) < y.at(lo+i))
				}
			case Le:
				for i := range t {
					t[i] = b2u(x.at(lo+i) <= y.at(lo+i))
				}
			}
		} else {
			switch op {
			case Eq:
				for i := range t {
					t[i] = b2u(x.at(lo+i) == s)
				}
			case Lt:
				for i := range t {
					t[i] = b2u(x.at(lo+i) < s)
				}
			case Le:
				for i := range t {
					t[i] = b2u(x.at(lo+i) <= s)
				}
			case Gt:
				for i := range t {
					t[i] = b2u(x.at(lo+i) > s)
				}
			case Ge:
				for i := range t {
					t[i] = b2u(x.at(lo+i) >= s)
				}
			}
		}
		packBools(out[lo>>3:], t)
	}
}

// cmpBool compares boolean bitmaps a word at a time (false < true).
func cmpBool(op CmpOp, out []byte, n int, a, b Operand) {
	x, y := boolSrc(a), boolSrc(b)
	w := bitWriter{b: out[:cap(out)]}
	nw := words(n)
	for i := 0; i < nw; i++ {
		p, q := x.word(i), y.word(i)
		var v uint64
		switch op {
		case Eq:
			v = ^(p ^ q)
		case Lt:
			v = ^p & q
		case Le:
			v = ^p | q
		case Gt:
			v = p &^ q
		case Ge:
			v = p | ^q
		}
		if i == nw-1 {
			v &= tailMask(n)
		}
		w.put(i, v)
	}
}
