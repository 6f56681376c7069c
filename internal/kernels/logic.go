package kernels

import (
	"math/bits"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// And is SQL's three-valued AND of two boolean operands over n rows:
// false AND anything is false (null included), true AND null is null.
// The result is a new array owned by the caller; the operands are borrowed.
func And(mem memory.Allocator, a, b Operand, n int) (*array.Boolean, error) {
	return kleene(mem, "and", a, b, n, false)
}

// Or is SQL's three-valued OR: true OR anything is true (null included),
// false OR null is null.
func Or(mem memory.Allocator, a, b Operand, n int) (*array.Boolean, error) {
	return kleene(mem, "or", a, b, n, true)
}

func checkBool(kernel string, ops ...Operand) error {
	for _, o := range ops {
		if o.DataType().ID() != arrow.BOOL {
			return errorf(ErrType, kernel, "operand type %s is not bool", o.DataType())
		}
	}
	return nil
}

func kleene(mem memory.Allocator, name string, a, b Operand, n int, or bool) (*array.Boolean, error) {
	if err := check(name, n, a, b); err != nil {
		return nil, err
	}
	if err := checkBool(name, a, b); err != nil {
		return nil, err
	}
	av, bv := validitySrc(a), validitySrc(b)
	ad, bd := boolSrc(a), boolSrc(b)
	dbuf, _ := bitmapOf(mem, n, func(w int) uint64 {
		if or {
			return ad.word(w) | bd.word(w)
		}
		return ad.word(w) & bd.word(w)
	})
	noNulls := av.bm == nil && av.fill != 0 && bv.bm == nil && bv.fill != 0
	if noNulls || n == 0 {
		return build(arrow.FixedWidthTypes.Boolean, n, 0, nil, dbuf).(*array.Boolean), nil
	}
	// A row is known when both sides are, or when one side alone decides it
	// (a known false for AND, a known true for OR).
	vbuf, set := bitmapOf(mem, n, func(w int) uint64 {
		p, q := av.word(w), bv.word(w)
		x, y := ad.word(w), bd.word(w)
		if !or {
			x, y = ^x, ^y
		}
		return p&q | p&x | q&y
	})
	return build(arrow.FixedWidthTypes.Boolean, n, n-set, vbuf, dbuf).(*array.Boolean), nil
}

// Not is logical negation; null stays null.
func Not(mem memory.Allocator, a Operand, n int) (*array.Boolean, error) {
	const name = "not"
	if err := check(name, n, a); err != nil {
		return nil, err
	}
	if err := checkBool(name, a); err != nil {
		return nil, err
	}
	ad := boolSrc(a)
	dbuf, _ := bitmapOf(mem, n, func(w int) uint64 { return ^ad.word(w) })
	validity, nulls := andValidity(mem, n, a)
	return build(arrow.FixedWidthTypes.Boolean, n, nulls, validity, dbuf).(*array.Boolean), nil
}

// IsNull reports for each row whether a is null. The result has no nulls.
// a may be of any type.
func IsNull(mem memory.Allocator, a Operand, n int) (*array.Boolean, error) {
	return nullTest(mem, "is_null", a, n, true)
}

// IsNotNull reports for each row whether a is not null. The result has no
// nulls. a may be of any type.
func IsNotNull(mem memory.Allocator, a Operand, n int) (*array.Boolean, error) {
	return nullTest(mem, "is_not_null", a, n, false)
}

func nullTest(mem memory.Allocator, name string, a Operand, n int, isNull bool) (*array.Boolean, error) {
	if err := check(name, n, a); err != nil {
		return nil, err
	}
	v := validitySrc(a)
	dbuf, _ := bitmapOf(mem, n, func(w int) uint64 {
		if isNull {
			return ^v.word(w)
		}
		return v.word(w)
	})
	return build(arrow.FixedWidthTypes.Boolean, n, 0, nil, dbuf).(*array.Boolean), nil
}

// FillNull replaces the null rows of a by the rows of fill (a scalar or an
// array of the same type); a row stays null only where fill is null too.
// Types: those Broadcast takes. The result is owned by the caller; when
// nothing needs replacing it may be a itself, retained.
func FillNull(mem memory.Allocator, a, fill Operand, n int) (arrow.Array, error) {
	const name = "fill_null"
	if err := check(name, n, a, fill); err != nil {
		return nil, err
	}
	dt, err := sameType(name, a, fill)
	if err != nil {
		return nil, err
	}
	if !broadcastable(dt) {
		return nil, errorf(ErrType, name, "unsupported type %s", dt)
	}
	if a.IsScalar() {
		if a.Scalar != nil {
			return Broadcast(mem, a, n)
		}
		return Broadcast(mem, fill, n)
	}
	if nullCount(a.Array) == 0 || fill.isNull() {
		a.Array.Retain()
		return a.Array, nil
	}
	if fill.IsScalar() {
		f, err := Broadcast(mem, fill, 1)
		if err != nil {
			return nil, err
		}
		defer f.Release()
		return fillNull(mem, dt, a.Array, f, true, n)
	}
	return fillNull(mem, dt, a.Array, fill.Array, false, n)
}

// fillNull fills a's nulls from f, whose row 0 is used for every row when
// scalar is set.
func fillNull(mem memory.Allocator, dt arrow.DataType, a, f arrow.Array, scalar bool, n int) (arrow.Array, error) {
	av := validitySrc(ArrayOf(a))
	fv := validitySrc(ArrayOf(f))
	var validity *memory.Buffer
	nulls := 0
	if !scalar && nullCount(f) > 0 {
		var set int
		validity, set = bitmapOf(mem, n, func(w int) uint64 { return av.word(w) | fv.word(w) })
		nulls = n - set
	}
	switch dt.ID() {
	case arrow.BOOL:
		ad, fd := boolSrc(ArrayOf(a)), boolSrc(ArrayOf(f))
		if scalar {
			fd = constBits(f.(*array.Boolean).Value(0))
		}
		dbuf, _ := bitmapOf(mem, n, func(w int) uint64 {
			m := av.word(w)
			return ad.word(w)&m | fd.word(w)&^m
		})
		return build(dt, n, nulls, validity, dbuf), nil
	case arrow.STRING, arrow.BINARY:
		return fillStrings[int32](mem, dt, a, f, scalar, av, validity, nulls)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		return fillStrings[int64](mem, dt, a, f, scalar, av, validity, nulls)
	}
	var vbuf *memory.Buffer
	switch fixedWidth(dt) {
	case 1:
		vbuf = fillFixed[uint8](mem, a, f, scalar, av, n)
	case 2:
		vbuf = fillFixed[uint16](mem, a, f, scalar, av, n)
	case 4:
		vbuf = fillFixed[uint32](mem, a, f, scalar, av, n)
	default:
		vbuf = fillFixed[uint64](mem, a, f, scalar, av, n)
	}
	return build(dt, n, nulls, validity, vbuf), nil
}

func fillFixed[T fixedRaw](mem memory.Allocator, a, f arrow.Array, scalar bool, av bitSrc, n int) *memory.Buffer {
	buf, out := newValues[T](mem, n)
	copy(out, values[T](a))
	fs := values[T](f)
	// Visit the null rows of a word at a time.
	for w := range words(n) {
		m := ^av.word(w)
		if w == words(n)-1 {
			m &= tailMask(n)
		}
		for m != 0 {
			i := w<<6 + bits.TrailingZeros64(m)
			if scalar {
				out[i] = fs[0]
			} else {
				out[i] = fs[i]
			}
			m &= m - 1
		}
	}
	return buf
}

func fillStrings[O offsetT](mem memory.Allocator, dt arrow.DataType, a, f arrow.Array, scalar bool, av bitSrc, validity *memory.Buffer, nulls int) (arrow.Array, error) {
	x, y := viewOf[O](a), viewOf[O](f)
	n := a.Len()
	b := newStrBuilder[O](mem, "fill_null", n, len(x.span()))
	for w := range words(n) {
		m := av.word(w)
		for i := w << 6; i < min(w<<6+64, n); i++ {
			switch {
			case m&1 != 0:
				b.addBytes(x.bytesAt(i))
			case scalar:
				b.addBytes(y.bytesAt(0))
			default:
				b.addBytes(y.bytesAt(i))
			}
			m >>= 1
		}
	}
	return b.finish(dt, validity, nulls)
}
