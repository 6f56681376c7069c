package array

import (
	"fmt"
	"slices"
)

// redKind names a reduction.
type redKind uint8

const (
	redSum redKind = iota + 1
	redProd
	redMean
	redVar
	redStd
	redMin
	redMax
	redArgMin
	redArgMax
	redAny
	redAll
	redNanSum
	redNanProd
	redNanMean
	redNanVar
	redNanStd
	redNanMin
	redNanMax
	redNanArgMin
	redNanArgMax
)

var redNames = map[redKind]string{
	redSum: "sum", redProd: "prod", redMean: "mean", redVar: "var", redStd: "std",
	redMin: "min", redMax: "max", redArgMin: "argmin", redArgMax: "argmax",
	redAny: "any", redAll: "all", redNanSum: "nansum", redNanProd: "nanprod",
	redNanMean: "nanmean", redNanVar: "nanvar", redNanStd: "nanstd",
	redNanMin: "nanmin", redNanMax: "nanmax", redNanArgMin: "nanargmin", redNanArgMax: "nanargmax",
}

func (k redKind) String() string { return redNames[k] }

func (k redKind) skipsNaN() bool { return k >= redNanSum }

// base returns the reduction without its NaN skipping.
func (k redKind) base() redKind {
	switch k {
	case redNanSum:
		return redSum
	case redNanProd:
		return redProd
	case redNanMean:
		return redMean
	case redNanVar:
		return redVar
	case redNanStd:
		return redStd
	case redNanMin:
		return redMin
	case redNanMax:
		return redMax
	case redNanArgMin:
		return redArgMin
	case redNanArgMax:
		return redArgMax
	}
	return k
}

func (k redKind) isArg() bool { b := k.base(); return b == redArgMin || b == redArgMax }

// DefaultFanIn is how many partial results a tree reduction combines in
// one task.
const DefaultFanIn = 8

// ReduceOption configures a reduction.
type ReduceOption func(*reduceConfig)

type reduceConfig struct {
	axes     []int
	ddof     int
	keepDims bool
	fanIn    int
}

// Axis reduces along the given axes (negative ones count from the end).
// Without it a reduction covers every axis and returns a 0-d array.
// ArgMin and ArgMax take at most one axis.
func Axis(axes ...int) ReduceOption {
	return func(c *reduceConfig) { c.axes = slices.Clone(axes) }
}

// DDof sets the delta degrees of freedom of Var and Std: the divisor is
// N - ddof (0 by default, as in NumPy).
func DDof(ddof int) ReduceOption { return func(c *reduceConfig) { c.ddof = ddof } }

// KeepDims keeps each reduced axis as an axis of length 1, so the result
// broadcasts against the input.
func KeepDims() ReduceOption { return func(c *reduceConfig) { c.keepDims = true } }

// FanIn sets how many partial results one task of the reduction tree
// combines (DefaultFanIn when not set; at least 2).
func FanIn(n int) ReduceOption { return func(c *reduceConfig) { c.fanIn = n } }

func (x *Array) reduce(kind redKind, opts []ReduceOption) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	c := reduceConfig{fanIn: DefaultFanIn}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	op := kind.String()
	in := x.n
	shp := in.shape()
	if c.fanIn < 2 {
		return failedf("%w: %s: fan-in %d (want at least 2)", ErrValue, op, c.fanIn)
	}
	if c.ddof < 0 {
		return failedf("%w: %s: ddof %d is negative", ErrValue, op, c.ddof)
	}
	if kind.isArg() && len(c.axes) > 1 {
		return failedf("%w: %s takes at most one axis, got %v", ErrAxis, op, c.axes)
	}
	red, err := normAxes(op, c.axes, len(shp))
	if err != nil {
		return failed(err)
	}
	// The type the reduction folds.
	dt := in.dtype()
	var res DType
	switch kind.base() {
	case redSum, redProd:
		if dt == Bool {
			in = castNode(in, Int64)
		}
		res = in.dtype()
	case redMean, redVar, redStd:
		in = castNode(in, Float64)
		res = Float64
	case redMin, redMax:
		if dt == Bool {
			return failedf("%w: %s of a bool array (use Any or All)", ErrType, op)
		}
		res = dt
	case redArgMin, redArgMax:
		if dt == Bool {
			in = castNode(in, Int64)
		}
		res = Int64
	case redAny, redAll:
		if dt != Bool {
			in = wrap(in).Ne(0).n
		}
		res = Bool
	}
	if kind.skipsNaN() && in.dtype() != Float64 {
		kind = kind.base() // nothing to skip in integers
	}
	var out []int
	redN := 1
	for a, r := range red {
		switch {
		case !r:
			out = append(out, shp[a])
		case c.keepDims:
			out = append(out, 1)
		}
		if r {
			redN *= shp[a]
		}
	}
	if redN == 0 {
		switch kind.base() {
		case redMin, redMax, redArgMin, redArgMax:
			return failedf("%w: %s over zero elements (shape %v), which has no identity", ErrValue, op, shp)
		}
	}
	return wrap(&reduceNode{in: in, kind: kind, axes: red, ddof: c.ddof, keepDims: c.keepDims, fanIn: c.fanIn, shp: out, dt: res})
}

func castNode(n node, d DType) node {
	if n.dtype() == d {
		return n
	}
	return &ewNode{op: opCast, in: []node{n}, shp: n.shape(), dt: d, to: d}
}

// Sum returns the sum of the elements (int64 for int64 and bool arrays).
// Floating-point sums are pairwise over blocks, so their rounding error
// grows with the logarithm of the count, not the count.
func (x *Array) Sum(opts ...ReduceOption) *Array { return x.reduce(redSum, opts) }

// Prod returns the product of the elements.
func (x *Array) Prod(opts ...ReduceOption) *Array { return x.reduce(redProd, opts) }

// Mean returns the arithmetic mean (NaN over zero elements).
func (x *Array) Mean(opts ...ReduceOption) *Array { return x.reduce(redMean, opts) }

// Var returns the variance, dividing by N - ddof (see DDof), computed with
// a numerically stable merge of partial means and squared deviations.
func (x *Array) Var(opts ...ReduceOption) *Array { return x.reduce(redVar, opts) }

// Std returns the standard deviation, the square root of Var.
func (x *Array) Std(opts ...ReduceOption) *Array { return x.reduce(redStd, opts) }

// Min returns the smallest element (NaN if any element is NaN).
func (x *Array) Min(opts ...ReduceOption) *Array { return x.reduce(redMin, opts) }

// Max returns the largest element (NaN if any element is NaN).
func (x *Array) Max(opts ...ReduceOption) *Array { return x.reduce(redMax, opts) }

// ArgMin returns the index of the smallest element: along the one axis
// given with Axis, else in the flattened array. Ties give the first index;
// a NaN counts as the smallest.
func (x *Array) ArgMin(opts ...ReduceOption) *Array { return x.reduce(redArgMin, opts) }

// ArgMax returns the index of the largest element, like ArgMin.
func (x *Array) ArgMax(opts ...ReduceOption) *Array { return x.reduce(redArgMax, opts) }

// Any reports whether any element is true (non-zero).
func (x *Array) Any(opts ...ReduceOption) *Array { return x.reduce(redAny, opts) }

// All reports whether every element is true (non-zero).
func (x *Array) All(opts ...ReduceOption) *Array { return x.reduce(redAll, opts) }

// NanSum is Sum skipping NaN (0 when every element is NaN).
func (x *Array) NanSum(opts ...ReduceOption) *Array { return x.reduce(redNanSum, opts) }

// NanProd is Prod skipping NaN.
func (x *Array) NanProd(opts ...ReduceOption) *Array { return x.reduce(redNanProd, opts) }

// NanMean is Mean skipping NaN.
func (x *Array) NanMean(opts ...ReduceOption) *Array { return x.reduce(redNanMean, opts) }

// NanVar is Var skipping NaN.
func (x *Array) NanVar(opts ...ReduceOption) *Array { return x.reduce(redNanVar, opts) }

// NanStd is Std skipping NaN.
func (x *Array) NanStd(opts ...ReduceOption) *Array { return x.reduce(redNanStd, opts) }

// NanMin is Min skipping NaN (NaN when every element is NaN).
func (x *Array) NanMin(opts ...ReduceOption) *Array { return x.reduce(redNanMin, opts) }

// NanMax is Max skipping NaN.
func (x *Array) NanMax(opts ...ReduceOption) *Array { return x.reduce(redNanMax, opts) }

// NanArgMin is ArgMin skipping NaN; a slice of only NaN is an error of the
// computation.
func (x *Array) NanArgMin(opts ...ReduceOption) *Array { return x.reduce(redNanArgMin, opts) }

// NanArgMax is ArgMax skipping NaN.
func (x *Array) NanArgMax(opts ...ReduceOption) *Array { return x.reduce(redNanArgMax, opts) }

var _ = fmt.Sprint
