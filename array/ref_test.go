package array

// The naive dense reference the differential tests compare the chunked
// engine against. Everything here is written for obviousness, not speed:
// arrays are flat C-order slices, every operation walks multi-indices one
// element at a time, and structural operations are gathers that say, for
// each output index, which input element it comes from. Reference arrays
// are never modified after they are built. Inside an operation a rejection
// panics with refErr (refCheck); refTry turns it into the returned error.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// refArr is a dense array in C order (row-major). A shape of length 0 is a
// scalar holding one element. Exactly one of f, i, b holds the data,
// according to dtype.
type refArr struct {
	shape []int
	dtype DType
	f     []float64
	i     []int64
	b     []bool
}

// refS is one axis of a Python-style slice start:stop:step. Start and Stop
// count only when HasStart and HasStop say so; Step must be set (0 is an
// error, as in Python).
type refS struct {
	Start, Stop, Step int
	HasStart, HasStop bool
}

// refErr is a rejection on its way from refCheck to refTry.
type refErr struct{ err error }

// refCheck rejects the operation in progress unless ok.
func refCheck(ok bool, format string, args ...any) {
	if !ok {
		panic(refErr{fmt.Errorf(format, args...)})
	}
}

// refMust passes v on, or rejects the operation in progress with err.
func refMust[T any](v T, err error) T {
	refCheck(err == nil, "%v", err)
	return v
}

// refTry runs an operation, returning a refCheck rejection as its error.
func refTry(fn func() refArr) (out refArr, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(refErr)
			if !ok {
				panic(r)
			}
			out, err = refArr{}, e.err
		}
	}()
	return fn(), nil
}

// refNumel returns the number of elements of a shape (1 for a scalar).
func refNumel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// refNew returns a zeroed array.
func refNew(shape []int, dt DType) refArr {
	x := refArr{shape: append([]int{}, shape...), dtype: dt}
	switch n := refNumel(shape); dt {
	case Float64:
		x.f = make([]float64, n)
	case Int64:
		x.i = make([]int64, n)
	case Bool:
		x.b = make([]bool, n)
	default:
		panic(fmt.Sprintf("refNew: bad dtype %v", dt))
	}
	return x
}

// refChk panics when data does not fill shape, and returns data.
func refChk[T any](shape []int, data []T) []T {
	if refNumel(shape) != len(data) {
		panic(fmt.Sprintf("ref: shape %v needs %d elements, got %d", shape, refNumel(shape), len(data)))
	}
	return data
}

// refFromF, refFromI and refFromB build arrays; the data is copied.
func refFromF(shape []int, data []float64) refArr {
	return refArr{shape: slices.Clone(shape), dtype: Float64, f: slices.Clone(refChk(shape, data))}
}

func refFromI(shape []int, data []int64) refArr {
	return refArr{shape: slices.Clone(shape), dtype: Int64, i: slices.Clone(refChk(shape, data))}
}

func refFromB(shape []int, data []bool) refArr {
	return refArr{shape: slices.Clone(shape), dtype: Bool, b: slices.Clone(refChk(shape, data))}
}

// refFull returns a float64 array with every element v.
func refFull(shape []int, v float64) refArr {
	x := refNew(shape, Float64)
	for k := range x.f {
		x.f[k] = v
	}
	return x
}

// refArange returns the float64 vector start+step*i for i in [0, n).
func refArange(n int, start, step float64) (refArr, error) {
	return refTry(func() refArr {
		refCheck(n >= 0, "arange: negative length %d", n)
		x := refNew([]int{n}, Float64)
		for k := range x.f {
			x.f[k] = start + step*float64(k)
		}
		return x
	})
}

// refLinspace follows NumPy: div = n-1 with endpoint else n, step =
// (stop-start)/div, x[i] = start + i*step, and the last element exactly
// stop with endpoint and n > 1. As in NumPy, a step that underflows to 0
// is computed as i/div*delta, and div = 0 (one point) gives start+i*delta.
func refLinspace(start, stop float64, n int, endpoint bool) (refArr, error) {
	return refTry(func() refArr {
		refCheck(n >= 0, "linspace: negative length %d", n)
		x := refNew([]int{n}, Float64)
		div, delta := n, stop-start
		if endpoint {
			div = n - 1
		}
		step := delta / float64(div)
		for k := range x.f {
			switch {
			case div <= 0:
				x.f[k] = start + float64(k)*delta
			case step == 0:
				x.f[k] = start + float64(k)/float64(div)*delta
			default:
				x.f[k] = start + float64(k)*step
			}
		}
		if endpoint && n > 1 {
			x.f[n-1] = stop
		}
		return x
	})
}

// refForEach calls fn for every multi-index of shape in C order, with the
// flat position. fn must not keep idx.
func refForEach(shape []int, fn func(flat int, idx []int)) {
	idx := make([]int, len(shape))
	for flat := 0; flat < refNumel(shape); flat++ {
		fn(flat, idx)
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
}

// refOffset returns the flat C-order position of a multi-index; it panics
// on a bad index.
func refOffset(shape []int, idx []int) int {
	if len(idx) != len(shape) {
		panic(fmt.Sprintf("ref: index %v for shape %v", idx, shape))
	}
	off := 0
	for d, n := range shape {
		if idx[d] < 0 || idx[d] >= n {
			panic(fmt.Sprintf("ref: index %v out of shape %v", idx, shape))
		}
		off = off*n + idx[d]
	}
	return off
}

// refUnravel returns the multi-index of a flat C-order position.
func refUnravel(shape []int, flat int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = flat % shape[d]
		flat /= shape[d]
	}
	return idx
}

// refB2I is a bool as a number.
var refB2I = map[bool]int64{false: 0, true: 1}

// refGetF reads element k as float64 (bool as 0/1).
func refGetF(x refArr, k int) float64 {
	switch x.dtype {
	case Float64:
		return x.f[k]
	case Int64:
		return float64(x.i[k])
	}
	return float64(refB2I[x.b[k]])
}

// refGetI reads element k of an int64 or bool array as int64.
func refGetI(x refArr, k int) int64 {
	if x.dtype == Bool {
		return refB2I[x.b[k]]
	}
	return x.i[k]
}

// refGetB reads element k as bool (numeric: nonzero, NaN included).
func refGetB(x refArr, k int) bool {
	if x.dtype == Bool {
		return x.b[k]
	}
	return refGetF(x, k) != 0
}

// refAt, refAtI and refAtB return the element at a multi-index as
// float64, as int64 (int64 and bool arrays) and as bool.
func refAt(x refArr, idx ...int) float64 { return refGetF(x, refOffset(x.shape, idx)) }
func refAtI(x refArr, idx ...int) int64  { return refGetI(x, refOffset(x.shape, idx)) }
func refAtB(x refArr, idx ...int) bool   { return refGetB(x, refOffset(x.shape, idx)) }

// refCopy sets dst[k] = src[sk]; both have the same dtype.
func refCopy(dst *refArr, k int, src refArr, sk int) {
	switch dst.dtype {
	case Float64:
		dst.f[k] = src.f[sk]
	case Int64:
		dst.i[k] = src.i[sk]
	default:
		dst.b[k] = src.b[sk]
	}
}

// refConvert converts for promotion: anything to float64 or bool, int64
// or bool to int64. It always copies.
func refConvert(x refArr, dt DType) refArr {
	out := refNew(x.shape, dt)
	for k := range out.f {
		out.f[k] = refGetF(x, k)
	}
	for k := range out.i {
		out.i[k] = refGetI(x, k)
	}
	for k := range out.b {
		out.b[k] = refGetB(x, k)
	}
	return out
}

// refPromoteAll is the common dtype of several operands: bool when all are
// bool, else promote folded over them (bool counts as int64).
func refPromoteAll(dts ...DType) DType {
	out := dts[0]
	for _, d := range dts[1:] {
		if d != out {
			out = promote(out, d)
		}
	}
	return out
}

// refGather builds an array of shape whose element at idx is x's element
// at flat position src(idx).
func refGather(x refArr, shape []int, src func(idx []int) int) refArr {
	out := refNew(shape, x.dtype)
	refForEach(shape, func(k int, idx []int) { refCopy(&out, k, x, src(idx)) })
	return out
}

// refAxis maps an axis (or index) in [-n, n) to [0, n), rejecting others.
func refAxis(axis, n int) int {
	refCheck(axis >= -n && axis < n, "axis or index %d out of range [%d, %d)", axis, -n, n)
	if axis < 0 {
		return axis + n
	}
	return axis
}

// refBroadcastShapes applies NumPy's rules: trailing dimensions aligned, a
// 1 stretches, any other mismatch is an error.
func refBroadcastShapes(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for k := 0; k < n; k++ { // k counts from the last dimension
		da, db := 1, 1
		if k < len(a) {
			da = a[len(a)-1-k]
		}
		if k < len(b) {
			db = b[len(b)-1-k]
		}
		switch {
		case da == db || db == 1:
			out[n-1-k] = da
		case da == 1:
			out[n-1-k] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// refBcastSrc returns the flat position in an array of shape in of the
// element that broadcasting sends to outIdx.
func refBcastSrc(in []int, outIdx []int) int {
	lead := len(outIdx) - len(in)
	off := 0
	for d, n := range in {
		j := outIdx[lead+d]
		if n == 1 {
			j = 0
		}
		off = off*n + j
	}
	return off
}

// refBroadcastTo stretches x to shape (one-directional: x's dimensions
// must be 1 or equal to the target's).
func refBroadcastTo(x refArr, shape []int) (refArr, error) {
	return refTry(func() refArr {
		lead := len(shape) - len(x.shape)
		refCheck(lead >= 0, "broadcast_to: %v has fewer dimensions than %v", shape, x.shape)
		for d, n := range shape {
			refCheck(n >= 0 && (d < lead || x.shape[d-lead] == 1 || x.shape[d-lead] == n),
				"broadcast_to: %v does not broadcast to %v", x.shape, shape)
		}
		return refGather(x, shape, func(idx []int) int { return refBcastSrc(x.shape, idx) })
	})
}

// refFMod is NumPy's float remainder: fmod, then moved to the sign of the
// divisor.
func refFMod(a, b float64) float64 {
	r := math.Mod(a, b)
	if r != 0 && (r < 0) != (b < 0) {
		r += b
	}
	return r
}

// refBinF is a float64 arithmetic operation. Go's max and min return NaN
// when either operand is NaN, as NumPy's maximum and minimum do.
func refBinF(op string, a, b float64) float64 {
	return map[string]float64{
		"add": a + b, "sub": a - b, "mul": a * b, "div": a / b,
		"floordiv": math.Floor(a / b), "mod": refFMod(a, b), "pow": math.Pow(a, b),
		"maximum": max(a, b), "minimum": min(a, b),
	}[op]
}

// refBinI is an int64 arithmetic operation with Go wraparound; floordiv
// and mod floor like Python and reject a zero divisor.
func refBinI(op string, a, b int64) int64 {
	refCheck(b != 0 || (op != "floordiv" && op != "mod"), "%s: integer division by zero", op)
	var q, r int64 // floored quotient and remainder
	if b != 0 {
		q, r = a/b, a%b
		if r != 0 && (r < 0) != (b < 0) {
			q, r = q-1, r+b
		}
	}
	return map[string]int64{
		"add": a + b, "sub": a - b, "mul": a * b, "floordiv": q, "mod": r,
		"maximum": max(a, b), "minimum": min(a, b),
	}[op]
}

// refCmp compares two numbers (NaN compares false except under ne).
func refCmp[T float64 | int64](op string, a, b T) bool {
	return map[string]bool{"eq": a == b, "ne": a != b, "lt": a < b, "le": a <= b, "gt": a > b, "ge": a >= b}[op]
}

// refBinB is a bool operation.
func refBinB(op string, a, b bool) bool {
	return map[string]bool{"eq": a == b, "ne": a != b, "xor": a != b, "and": a && b, "or": a || b}[op]
}

// refBinary applies an elementwise binary operation with broadcasting.
// Arithmetic rejects bool; eq and ne take two bools or two numbers; and,
// or, xor take bools only.
func refBinary(op string, x, y refArr) (refArr, error) {
	return refTry(func() refArr {
		shape := refMust(refBroadcastShapes(x.shape, y.shape))
		num := promote(x.dtype, y.dtype)
		dt, ok := map[string]DType{
			"add": num, "sub": num, "mul": num, "floordiv": num, "mod": num, "maximum": num, "minimum": num,
			"div": Float64, "pow": Float64, "eq": Bool, "ne": Bool, "lt": Bool, "le": Bool, "gt": Bool, "ge": Bool,
			"and": Bool, "or": Bool, "xor": Bool,
		}[op]
		refCheck(ok, "unknown binary op %q", op)
		nBool := 0 // how many operands are bool
		for _, d := range []DType{x.dtype, y.dtype} {
			if d == Bool {
				nBool++
			}
		}
		switch op {
		case "and", "or", "xor":
			refCheck(nBool == 2, "%s: operands %v and %v", op, x.dtype, y.dtype)
		case "eq", "ne":
			refCheck(nBool != 1, "%s: operands %v and %v", op, x.dtype, y.dtype)
		default:
			refCheck(nBool == 0, "%s: operands %v and %v", op, x.dtype, y.dtype)
		}
		out := refNew(shape, dt)
		refForEach(shape, func(k int, idx []int) {
			i, j := refBcastSrc(x.shape, idx), refBcastSrc(y.shape, idx)
			switch {
			case dt == Float64:
				out.f[k] = refBinF(op, refGetF(x, i), refGetF(y, j))
			case dt == Int64:
				out.i[k] = refBinI(op, x.i[i], y.i[j])
			case nBool == 2:
				out.b[k] = refBinB(op, x.b[i], y.b[j])
			case num == Float64:
				out.b[k] = refCmp(op, refGetF(x, i), refGetF(y, j))
			default:
				out.b[k] = refCmp(op, x.i[i], y.i[j])
			}
		})
		return out
	})
}

// refMathFns are the float64 functions of refUnary; refKeepInt names those
// that leave an int64 operand int64.
var (
	refMathFns = map[string]func(float64) float64{
		"exp": math.Exp, "log": math.Log, "log1p": math.Log1p, "sqrt": math.Sqrt,
		"sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
		"sinh": math.Sinh, "cosh": math.Cosh, "tanh": math.Tanh,
		"abs": math.Abs, "neg": func(v float64) float64 { return -v },
		"floor": math.Floor, "ceil": math.Ceil, "round": math.RoundToEven,
	}
	refKeepInt = map[string]bool{"abs": true, "neg": true, "floor": true, "ceil": true, "round": true}
)

// refUnary applies an elementwise unary operation.
func refUnary(op string, x refArr) (refArr, error) {
	return refTry(func() refArr {
		fn, isMath := refMathFns[op]
		refCheck(!((isMath || op == "isnan") && x.dtype == Bool) && !(op == "not" && x.dtype != Bool),
			"%s: %v operand", op, x.dtype)
		switch {
		case refKeepInt[op] && x.dtype == Int64:
			out := refNew(x.shape, Int64) // floor, ceil and round keep it
			for k, v := range x.i {
				if op == "neg" || (op == "abs" && v < 0) {
					v = -v // wraps at MinInt64
				}
				out.i[k] = v
			}
			return out
		case isMath:
			out := refNew(x.shape, Float64)
			for k := range out.f {
				out.f[k] = fn(refGetF(x, k))
			}
			return out
		case op == "isnan" || op == "not":
			out := refNew(x.shape, Bool)
			for k := range out.b {
				out.b[k] = (op == "isnan" && math.IsNaN(refGetF(x, k))) || (op == "not" && !x.b[k])
			}
			return out
		case op == "cast:float64":
			return refConvert(x, Float64)
		case op == "cast:bool":
			return refConvert(x, Bool)
		case op == "cast:int64" && x.dtype != Float64:
			return refConvert(x, Int64)
		case op == "cast:int64": // truncate toward zero; NaN, ±Inf, out of range rejected
			out := refNew(x.shape, Int64)
			for k, v := range x.f {
				t := math.Trunc(v)
				refCheck(t >= -9223372036854775808.0 && t < 9223372036854775808.0, "cannot convert %v to int64", v)
				out.i[k] = int64(t)
			}
			return out
		}
		refCheck(false, "unknown unary op %q", op)
		return refArr{}
	})
}

// refWhere picks a where cond is true, else b, broadcasting all three. The
// result is bool when a and b are bool, else promote(a, b).
func refWhere(cond, a, b refArr) (refArr, error) {
	return refTry(func() refArr {
		refCheck(cond.dtype == Bool, "where: %v condition", cond.dtype)
		s := refMust(refBroadcastShapes(cond.shape, a.shape))
		s = refMust(refBroadcastShapes(s, b.shape))
		dt := refPromoteAll(a.dtype, b.dtype)
		a, b := refConvert(a, dt), refConvert(b, dt)
		out := refNew(s, dt)
		refForEach(s, func(k int, idx []int) {
			if cond.b[refBcastSrc(cond.shape, idx)] {
				refCopy(&out, k, a, refBcastSrc(a.shape, idx))
			} else {
				refCopy(&out, k, b, refBcastSrc(b.shape, idx))
			}
		})
		return out
	})
}

// refClip is minimum(maximum(x, lo), hi). Float64 stays float64 (NaN
// propagates, from x or from a bound); int64 stays int64 with the bounds
// taken as ceil(lo) and floor(hi), saturated to the int64 range, and a NaN
// bound is an error. Bool is an error.
func refClip(x refArr, lo, hi float64) (refArr, error) {
	return refTry(func() refArr {
		refCheck(x.dtype == Float64 || (x.dtype == Int64 && !math.IsNaN(lo) && !math.IsNaN(hi)),
			"clip: %v operand with bounds %v, %v", x.dtype, lo, hi)
		sat := func(v float64) int64 { // an integral float64 as int64, saturating
			switch {
			case v >= 9223372036854775808.0:
				return math.MaxInt64
			case v <= -9223372036854775808.0:
				return math.MinInt64
			}
			return int64(v)
		}
		out := refNew(x.shape, x.dtype)
		for k := range out.f {
			out.f[k] = min(max(x.f[k], lo), hi) // Go's min and max propagate NaN
		}
		for k := range out.i {
			out.i[k] = min(max(x.i[k], sat(math.Ceil(lo))), sat(math.Floor(hi)))
		}
		return out
	})
}

// refReduce reduces x over axes (nil or empty: all) without keeping them.
// Ops: sum prod mean var std min max argmin argmax any all, and the nan
// forms of the first nine, which skip NaN.
func refReduce(op string, x refArr, axes []int, ddof int) (refArr, error) {
	return refTry(func() refArr {
		red := make([]bool, len(x.shape))
		for _, a := range axes {
			d := refAxis(a, len(x.shape))
			refCheck(!red[d], "duplicate axis %d", a)
			red[d] = true
		}
		outShape, redCount := []int{}, 1
		for d, n := range x.shape {
			if red[d] || len(axes) == 0 {
				red[d] = true
				redCount *= n
			} else {
				outShape = append(outShape, n)
			}
		}
		// groups[o] lists, in C order, the flat positions of x reduced into o.
		groups := make([][]int, refNumel(outShape))
		refForEach(x.shape, func(k int, idx []int) {
			o := 0
			for d, n := range x.shape {
				if !red[d] {
					o = o*n + idx[d]
				}
			}
			groups[o] = append(groups[o], k)
		})
		base, skipNaN := strings.CutPrefix(op, "nan")
		isArg, isExt := base == "argmin" || base == "argmax", base == "min" || base == "max"
		dt, ok := map[string]DType{
			"sum": Int64, "prod": Int64, "mean": Float64, "var": Float64, "std": Float64,
			"min": x.dtype, "max": x.dtype, "argmin": Int64, "argmax": Int64, "any": Bool, "all": Bool,
		}[base]
		refCheck(ok && !(skipNaN && (base == "any" || base == "all")), "unknown reduction %q", op)
		refCheck(!isArg || len(axes) <= 1, "%s: more than one axis", op)
		refCheck(redCount > 0 || !(isArg || isExt), "%s: zero-size reduction", op)
		if (base == "sum" || base == "prod") && x.dtype == Float64 {
			dt = Float64
		}
		isNaN := func(k int) bool { return x.dtype == Float64 && math.IsNaN(x.f[k]) }
		wantMin := base == "min" || base == "argmin"
		better := func(k, b int) bool { // x[k] strictly more extreme than x[b]
			if x.dtype == Float64 {
				return (wantMin && x.f[k] < x.f[b]) || (!wantMin && x.f[k] > x.f[b])
			}
			u, v := refGetI(x, k), refGetI(x, b)
			return (wantMin && u < v) || (!wantMin && u > v)
		}
		out := refNew(outShape, dt)
		for o, g := range groups {
			var ps []int // the positions in g that take part
			for p, k := range g {
				if !skipNaN || !isNaN(k) {
					ps = append(ps, p)
				}
			}
			switch {
			case base == "sum" || base == "prod":
				accF, accI, op2 := 0.0, int64(0), "add"
				if base == "prod" {
					accF, accI, op2 = 1, 1, "mul"
				}
				for _, p := range ps {
					if dt == Float64 {
						accF = refBinF(op2, accF, x.f[g[p]])
					} else {
						accI = refBinI(op2, accI, refGetI(x, g[p]))
					}
				}
				if dt == Float64 {
					out.f[o] = accF
				} else {
					out.i[o] = accI
				}
			case base == "mean" || base == "var" || base == "std":
				n, sum, ss := float64(len(ps)), 0.0, 0.0
				for _, p := range ps {
					sum += refGetF(x, g[p])
				}
				mean := sum / n // NaN when n == 0
				for _, p := range ps {
					ss += (refGetF(x, g[p]) - mean) * (refGetF(x, g[p]) - mean)
				}
				v := math.NaN()
				if n > 0 && n-float64(ddof) > 0 {
					v = ss / (n - float64(ddof))
				}
				out.f[o] = map[string]float64{"mean": mean, "var": v, "std": math.Sqrt(v)}[base]
			case isArg || isExt:
				best := -1 // position in g: the first NaN, else the first extreme
				for _, p := range ps {
					if best >= 0 && isNaN(g[best]) {
						break
					}
					if best < 0 || isNaN(g[p]) || better(g[p], g[best]) {
						best = p
					}
				}
				refCheck(best >= 0 || !isArg, "%s: all-NaN slice", op)
				switch {
				case best < 0:
					out.f[o] = math.NaN() // only float64 can be all NaN
				case isArg:
					out.i[o] = int64(best)
				default:
					refCopy(&out, o, x, g[best])
				}
			default: // any, all
				out.b[o] = base == "all"
				for _, k := range g {
					if refGetB(x, k) == (base == "any") {
						out.b[o] = base == "any"
					}
				}
			}
		}
		return out
	})
}

// refSliceIndices is Python's slice.indices(length): the first position,
// the step and the number of elements.
func refSliceIndices(s refS, length int) (start, step, count int) {
	refCheck(s.Step != 0, "slice step cannot be zero")
	step = s.Step
	lower, upper := 0, length
	if step < 0 {
		lower, upper = -1, length-1
	}
	norm := func(v int) int {
		if v < 0 {
			return max(v+length, lower)
		}
		return min(v, upper)
	}
	start, stop := lower, upper
	if step < 0 {
		start, stop = upper, lower
	}
	if s.HasStart {
		start = norm(s.Start)
	}
	if s.HasStop {
		stop = norm(s.Stop)
	}
	switch {
	case step > 0 && start < stop:
		count = (stop-start-1)/step + 1
	case step < 0 && stop < start:
		count = (start-stop-1)/(-step) + 1
	}
	return start, step, count
}

// refSlice slices the leading len(s) axes with Python semantics; the
// remaining axes are kept whole.
func refSlice(x refArr, s []refS) (refArr, error) {
	return refTry(func() refArr {
		refCheck(len(s) <= len(x.shape), "%d slices for %d dimensions", len(s), len(x.shape))
		x := refConvert(x, x.dtype)
		for d := range s {
			start, step, count := refSliceIndices(s[d], x.shape[d])
			idx := make([]int, count)
			for k := range idx {
				idx[k] = start + k*step
			}
			x = refMust(refTake(x, d, idx))
		}
		return x
	})
}

// refIndex selects position i (negative from the end) along axis and drops
// the axis.
func refIndex(x refArr, axis, i int) (refArr, error) {
	return refTry(func() refArr {
		axis := refAxis(axis, len(x.shape))
		t := refMust(refTake(x, axis, []int{i}))
		return refMust(refReshape(t, slices.Delete(slices.Clone(x.shape), axis, axis+1)))
	})
}

// refTake gathers positions idx (negative from the end) along axis.
func refTake(x refArr, axis int, idx []int) (refArr, error) {
	return refTry(func() refArr {
		axis := refAxis(axis, len(x.shape))
		pos := make([]int, len(idx))
		for k, v := range idx {
			pos[k] = refAxis(v, x.shape[axis])
		}
		shape := slices.Clone(x.shape)
		shape[axis] = len(idx)
		src := make([]int, len(x.shape))
		return refGather(x, shape, func(o []int) int {
			copy(src, o)
			src[axis] = pos[o[axis]]
			return refOffset(x.shape, src)
		})
	})
}

// refMask keeps the positions along axis where mask is true.
func refMask(x refArr, axis int, mask []bool) (refArr, error) {
	return refTry(func() refArr {
		axis := refAxis(axis, len(x.shape))
		refCheck(len(mask) == x.shape[axis], "mask of length %d for axis of length %d", len(mask), x.shape[axis])
		idx := []int{}
		for k, m := range mask {
			if m {
				idx = append(idx, k)
			}
		}
		return refMust(refTake(x, axis, idx))
	})
}

// refTranspose permutes the axes: result axis d is x's axis perm[d]. A nil
// perm reverses them; negative entries count from the end.
func refTranspose(x refArr, perm []int) (refArr, error) {
	return refTry(func() refArr {
		nd := len(x.shape)
		refCheck(perm == nil || len(perm) == nd, "transpose: perm %v for %d dimensions", perm, nd)
		p := make([]int, nd)
		for d := range p {
			p[d] = nd - 1 - d
		}
		seen := make([]bool, nd)
		for d, a := range perm {
			p[d] = refAxis(a, nd)
			refCheck(!seen[p[d]], "transpose: repeated axis in %v", perm)
			seen[p[d]] = true
		}
		shape := make([]int, nd)
		for d := range p {
			shape[d] = x.shape[p[d]]
		}
		src := make([]int, nd)
		return refGather(x, shape, func(idx []int) int {
			for d := range p {
				src[p[d]] = idx[d]
			}
			return refOffset(x.shape, src)
		})
	})
}

// refReshape gives x a new shape of the same size; one -1 is inferred.
func refReshape(x refArr, newShape []int) (refArr, error) {
	return refTry(func() refArr {
		shape := slices.Clone(newShape)
		infer, known := -1, 1
		for d, n := range shape {
			refCheck(n >= 0 || (n == -1 && infer < 0), "reshape: invalid shape %v", newShape)
			if n == -1 {
				infer = d
			} else {
				known *= n
			}
		}
		size := refNumel(x.shape)
		if infer >= 0 {
			refCheck(known != 0 && size%known == 0, "reshape: cannot infer %v from size %d", newShape, size)
			shape[infer] = size / known
		}
		refCheck(refNumel(shape) == size, "reshape: size %d into %v", size, newShape)
		return refGather(x, shape, func(idx []int) int { return refOffset(shape, idx) })
	})
}

// refConcatenate joins arrays along an existing axis; dtypes are promoted
// as by refPromoteAll.
func refConcatenate(xs []refArr, axis int) (refArr, error) {
	return refTry(func() refArr {
		refCheck(len(xs) > 0 && len(xs[0].shape) > 0, "concatenate: no arrays, or scalars")
		nd := len(xs[0].shape)
		axis := refAxis(axis, nd)
		shape := slices.Clone(xs[0].shape)
		shape[axis] = 0
		dts := []DType{}
		for _, x := range xs {
			refCheck(len(x.shape) == nd, "concatenate: shapes %v and %v", xs[0].shape, x.shape)
			for d := range x.shape {
				refCheck(d == axis || x.shape[d] == xs[0].shape[d], "concatenate: shapes %v and %v", xs[0].shape, x.shape)
			}
			shape[axis] += x.shape[axis]
			dts = append(dts, x.dtype)
		}
		dt := refPromoteAll(dts...)
		conv := make([]refArr, len(xs))
		for p, x := range xs {
			conv[p] = refConvert(x, dt)
		}
		out := refNew(shape, dt)
		src := make([]int, nd)
		refForEach(shape, func(k int, idx []int) {
			p, j := 0, idx[axis] // piece p, position j in it
			for j >= xs[p].shape[axis] {
				j -= xs[p].shape[axis]
				p++
			}
			copy(src, idx)
			src[axis] = j
			refCopy(&out, k, conv[p], refOffset(xs[p].shape, src))
		})
		return out
	})
}

// refStack joins arrays of one shape along a new axis in [-(n+1), n].
func refStack(xs []refArr, axis int) (refArr, error) {
	return refTry(func() refArr {
		refCheck(len(xs) > 0, "stack: no arrays")
		axis := refAxis(axis, len(xs[0].shape)+1)
		ys := make([]refArr, len(xs))
		for p, x := range xs {
			refCheck(slices.Equal(x.shape, xs[0].shape), "stack: shapes %v and %v", xs[0].shape, x.shape)
			ys[p] = refMust(refReshape(x, slices.Insert(slices.Clone(x.shape), axis, 1)))
		}
		return refMust(refConcatenate(ys, axis))
	})
}

// refMatMul multiplies two 2-D numeric arrays into float64, accumulating
// each element from 0 in k order.
func refMatMul(a, b refArr) (refArr, error) {
	return refTry(func() refArr {
		refCheck(len(a.shape) == 2 && len(b.shape) == 2 && a.dtype != Bool && b.dtype != Bool && a.shape[1] == b.shape[0],
			"matmul: %v %v by %v %v", a.dtype, a.shape, b.dtype, b.shape)
		out := refNew([]int{a.shape[0], b.shape[1]}, Float64)
		refForEach(out.shape, func(o int, idx []int) {
			for k := 0; k < a.shape[1]; k++ {
				out.f[o] += refAt(a, idx[0], k) * refAt(b, k, idx[1])
			}
		})
		return out
	})
}

// refClose checks got against want: equal shapes and dtypes, ints and
// bools exact, floats within atol + rtol*|want| with NaN matching NaN and
// infinities matching exactly. The error names the first differing index.
func refClose(got, want refArr, rtol, atol float64) error {
	if !slices.Equal(got.shape, want.shape) {
		return fmt.Errorf("shape: got %v, want %v", got.shape, want.shape)
	}
	if got.dtype != want.dtype {
		return fmt.Errorf("dtype: got %v, want %v", got.dtype, want.dtype)
	}
	for k := 0; k < refNumel(want.shape); k++ {
		var ok bool
		var g, w any
		switch want.dtype {
		case Float64:
			gf, wf := got.f[k], want.f[k]
			g, w = gf, wf
			switch {
			case math.IsNaN(gf) || math.IsNaN(wf):
				ok = math.IsNaN(gf) && math.IsNaN(wf)
			case math.IsInf(gf, 0) || math.IsInf(wf, 0):
				ok = gf == wf
			default:
				ok = math.Abs(gf-wf) <= atol+rtol*math.Abs(wf)
			}
		case Int64:
			g, w, ok = got.i[k], want.i[k], got.i[k] == want.i[k]
		default:
			g, w, ok = got.b[k], want.b[k], got.b[k] == want.b[k]
		}
		if !ok {
			return fmt.Errorf("at %v: got %v, want %v", refUnravel(want.shape, k), g, w)
		}
	}
	return nil
}

// refRandShape returns a shape of at most maxDims dimensions and at most
// maxSize elements; now and then a dimension is 0.
func refRandShape(rng *rand.Rand, maxDims, maxSize int) []int {
	shape := make([]int, rng.IntN(maxDims+1))
	budget := max(maxSize, 1)
	for d := range shape {
		if rng.IntN(16) == 0 {
			continue // 0
		}
		// at most twice the even share of what is left, so that later
		// dimensions are not all 1
		share := math.Pow(float64(budget), 1/float64(len(shape)-d))
		shape[d] = 1 + rng.IntN(min(budget, 2*int(math.Ceil(share))))
		budget = max(budget/shape[d], 1)
	}
	return shape
}

// refSpecialF and refSpecialI are the values refRandData mixes in.
var (
	refSpecialF = []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
		1e300, -1e300, 5e-324, -2.2250738585072014e-308, 1e-310}
	refSpecialI = []int64{0, 1, -1, math.MaxInt64, math.MinInt64, 1 << 40, -(1 << 40)}
)

// refRandData returns random data of shape and dtype: floats normal with
// scale 10, ints in [-100, 100], bools fair; withSpecials replaces about
// one element in six with a special value (NaN, ±Inf, 0, -0, huge, tiny;
// for ints 0, ±1, the int64 extremes, ±2^40).
func refRandData(rng *rand.Rand, shape []int, dt DType, withSpecials bool) refArr {
	x := refNew(shape, dt)
	special := func() bool { return withSpecials && rng.IntN(6) == 0 }
	for k := range x.f {
		x.f[k] = rng.NormFloat64() * 10
		if special() {
			x.f[k] = refSpecialF[rng.IntN(len(refSpecialF))]
		}
	}
	for k := range x.i {
		x.i[k] = rng.Int64N(201) - 100
		if special() {
			x.i[k] = refSpecialI[rng.IntN(len(refSpecialI))]
		}
	}
	for k := range x.b {
		x.b[k] = rng.IntN(2) == 1
	}
	return x
}
