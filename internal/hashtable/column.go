package hashtable

import (
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/bitutil"
)

// kind is the physical layout of a key column.
type kind uint8

const (
	kSigned   kind = iota // two's complement integers of width bytes
	kUnsigned             // unsigned integers of width bytes
	kFloat32
	kFloat64
	kBool
	kStr32 // string, binary: int32 offsets
	kStr64 // large_string, large_binary: int64 offsets
	kDict  // dictionary with integer indices and kStr32/kStr64 values
)

// signBit maps two's complement integers onto unsigned order.
const signBit = 1 << 63

// canonNaN is the bit pattern every NaN key is rewritten to.
const (
	canonNaN64 = 0x7ff8000000000000
	canonNaN32 = 0x7fc00000
)

// colSpec describes one key column of a table or a HashRows call.
type colSpec struct {
	typ   arrow.DataType
	kind  kind
	width int  // byte width of integer values
	vkind kind // value kind of a dictionary
}

func (s colSpec) interned() bool { return s.kind == kStr32 || s.kind == kStr64 || s.kind == kDict }

// specOf classifies a key type; it fails for unsupported types.
func specOf(dt arrow.DataType) (colSpec, error) {
	if dt == nil {
		return colSpec{}, fmt.Errorf("hashtable: nil key type")
	}
	s := colSpec{typ: dt}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.DATE32, arrow.DATE64,
		arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64, arrow.DURATION:
		s.kind, s.width = kSigned, dt.(arrow.FixedWidthDataType).BitWidth()/8
	case arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64:
		s.kind, s.width = kUnsigned, dt.(arrow.FixedWidthDataType).BitWidth()/8
	case arrow.FLOAT32:
		s.kind, s.width = kFloat32, 4
	case arrow.FLOAT64:
		s.kind, s.width = kFloat64, 8
	case arrow.BOOL:
		s.kind = kBool
	case arrow.STRING, arrow.BINARY:
		s.kind = kStr32
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		s.kind = kStr64
	case arrow.DICTIONARY:
		d := dt.(*arrow.DictionaryType)
		if !arrow.IsInteger(d.IndexType.ID()) {
			return s, fmt.Errorf("hashtable: unsupported dictionary index type %v", d.IndexType)
		}
		v, err := specOf(d.ValueType)
		if err != nil || (v.kind != kStr32 && v.kind != kStr64) {
			return s, fmt.Errorf("hashtable: unsupported dictionary value type %v", d.ValueType)
		}
		s.kind, s.vkind = kDict, v.kind
	default:
		return s, fmt.Errorf("hashtable: unsupported key type %v", dt)
	}
	return s, nil
}

// fullBits is the number of packed bits a column needs for its whole value
// range plus the null code.
func (s colSpec) fullBits() uint {
	switch s.kind {
	case kBool:
		return 2
	case kSigned, kUnsigned, kFloat32, kFloat64:
		return uint(s.width*8 + 1)
	}
	return 33 // interned codes are below 2^32
}

// view is a borrowed, read-only window on an Arrow array's buffers. It
// reads ArrayData directly so that no lazily built state of the array is
// touched: views of one array may be taken by several goroutines at once.
type view struct {
	kind   kind // layout of the array: kDict for a dictionary
	vkind  kind // a dictionary's value layout
	n, off int
	valid  []byte // validity bitmap, nil when the array has none
	vals   []byte // buffer 1: values, offsets or dictionary indices
	data   []byte // buffer 2: string bytes
	ikind  kind   // dictionary index kind and width
	iwidth int
	dict   *view // dictionary values
}

func bufBytes(d arrow.ArrayData, i int) []byte {
	bufs := d.Buffers()
	if i >= len(bufs) || bufs[i] == nil {
		return nil
	}
	return bufs[i].Bytes()
}

func viewOfData(d arrow.ArrayData) view {
	v := view{n: d.Len(), off: d.Offset(), valid: bufBytes(d, 0), vals: bufBytes(d, 1), data: bufBytes(d, 2)}
	if d.NullN() == 0 && d.Len() > 0 {
		// a known zero null count lets us skip the bitmap entirely
		v.valid = nil
	}
	return v
}

// viewOf checks that a can feed a key column of spec s and returns its
// view. String-like columns accept their value type plain or
// dictionary-encoded with any integer index type: a string column takes
// dictionary<int*, string> arrays and a dictionary column plain strings.
func viewOf(a arrow.Array, s colSpec) (view, error) {
	if a == nil {
		return view{}, fmt.Errorf("hashtable: nil key column")
	}
	dt := a.DataType()
	if !s.interned() {
		if !arrow.TypeEqual(dt, s.typ) {
			return view{}, fmt.Errorf("hashtable: key column has type %v, want %v", dt, s.typ)
		}
		v := viewOfData(a.Data())
		v.kind = s.kind
		return v, nil
	}
	as, err := specOf(dt)
	if err != nil || !arrow.TypeEqual(valueType(dt), valueType(s.typ)) {
		return view{}, fmt.Errorf("hashtable: key column has type %v, want %v", dt, s.typ)
	}
	v := viewOfData(a.Data())
	v.kind, v.vkind = as.kind, as.vkind
	if as.kind == kDict {
		is, _ := specOf(dt.(*arrow.DictionaryType).IndexType)
		v.ikind, v.iwidth = is.kind, is.width
		v.dict = &view{}
		if dd := a.Data().Dictionary(); dd != nil {
			dv := viewOfData(dd)
			v.dict = &dv
		}
	}
	return v, nil
}

// valueType is the type of a dictionary's values, or dt itself.
func valueType(dt arrow.DataType) arrow.DataType {
	if d, ok := dt.(*arrow.DictionaryType); ok {
		return d.ValueType
	}
	return dt
}

func (v *view) isNull(i int) bool {
	return v.valid != nil && !bitutil.BitIsSet(v.valid, v.off+i)
}

// nullsIn reports whether rows [s, e) hold a null.
func (v *view) nullsIn(s, e int) bool {
	return v.valid != nil && bitutil.CountSetBits(v.valid, v.off+s, e-s) != e-s
}

// str returns the bytes of row i of a string-like view.
func (v *view) str(k kind, i int) []byte {
	i += v.off
	if k == kStr32 {
		o := arrow.Int32Traits.CastFromBytes(v.vals)
		return v.data[o[i]:o[i+1]]
	}
	o := arrow.Int64Traits.CastFromBytes(v.vals)
	return v.data[o[i]:o[i+1]]
}

// index returns the dictionary index of row i.
func (v *view) index(i int) int {
	i += v.off
	switch v.iwidth {
	case 1:
		if v.ikind == kSigned {
			return int(int8(v.vals[i]))
		}
		return int(v.vals[i])
	case 2:
		if v.ikind == kSigned {
			return int(arrow.Int16Traits.CastFromBytes(v.vals)[i])
		}
		return int(arrow.Uint16Traits.CastFromBytes(v.vals)[i])
	case 4:
		if v.ikind == kSigned {
			return int(arrow.Int32Traits.CastFromBytes(v.vals)[i])
		}
		return int(arrow.Uint32Traits.CastFromBytes(v.vals)[i])
	}
	return int(arrow.Int64Traits.CastFromBytes(v.vals)[i])
}

func fillSigned[T int8 | int16 | int32 | int64](dst []uint64, src []T) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = uint64(int64(x)) ^ signBit
	}
}

func fillUnsigned[T uint8 | uint16 | uint32 | uint64](dst []uint64, src []T) {
	src = src[:len(dst)]
	for i, x := range src {
		dst[i] = uint64(x)
	}
}

// fillFixed writes the codes of rows [s, s+len(dst)) of a fixed-width view:
// integers in unsigned order, floats as normalised bit patterns, bools as
// 0 or 1. Codes of null rows are unspecified.
func fillFixed(k kind, width int, v *view, s int, dst []uint64) {
	lo := v.off + s
	hi := lo + len(dst)
	switch k {
	case kSigned:
		switch width {
		case 1:
			fillSigned(dst, arrow.Int8Traits.CastFromBytes(v.vals)[lo:hi])
		case 2:
			fillSigned(dst, arrow.Int16Traits.CastFromBytes(v.vals)[lo:hi])
		case 4:
			fillSigned(dst, arrow.Int32Traits.CastFromBytes(v.vals)[lo:hi])
		default:
			fillSigned(dst, arrow.Int64Traits.CastFromBytes(v.vals)[lo:hi])
		}
	case kUnsigned:
		switch width {
		case 1:
			fillUnsigned(dst, v.vals[lo:hi])
		case 2:
			fillUnsigned(dst, arrow.Uint16Traits.CastFromBytes(v.vals)[lo:hi])
		case 4:
			fillUnsigned(dst, arrow.Uint32Traits.CastFromBytes(v.vals)[lo:hi])
		default:
			fillUnsigned(dst, arrow.Uint64Traits.CastFromBytes(v.vals)[lo:hi])
		}
	case kFloat32:
		src := arrow.Float32Traits.CastFromBytes(v.vals)[lo:hi]
		for i, f := range src {
			b := uint64(math.Float32bits(f))
			if f == 0 {
				b = 0
			} else if f != f {
				b = canonNaN32
			}
			dst[i] = b
		}
	case kFloat64:
		src := arrow.Float64Traits.CastFromBytes(v.vals)[lo:hi]
		for i, f := range src {
			b := math.Float64bits(f)
			if f == 0 {
				b = 0
			} else if f != f {
				b = canonNaN64
			}
			dst[i] = b
		}
	case kBool:
		for i := range dst {
			dst[i] = 0
			if bitutil.BitIsSet(v.vals, lo+i) {
				dst[i] = 1
			}
		}
	}
}
