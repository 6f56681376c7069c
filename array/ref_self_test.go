package array

// Tests of the dense reference itself against small hand-computed cases,
// so that the differential tests' oracle can be trusted.

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func refSh(d ...int) []int { return append([]int{}, d...) }

func refVF(shape []int, v ...float64) refArr { return refFromF(shape, v) }
func refVI(shape []int, v ...int64) refArr   { return refFromI(shape, v) }
func refVB(shape []int, v ...bool) refArr    { return refFromB(shape, v) }

// refSl is the slice start:stop:step with both ends given.
func refSl(start, stop, step int) refS {
	return refS{Start: start, Stop: stop, Step: step, HasStart: true, HasStop: true}
}

var refNaN, refInf = math.NaN(), math.Inf(1)

// refExpect checks an operation that must succeed with exactly want.
func refExpect(t *testing.T, name string, got refArr, err error, want refArr) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: got error %v, want %v", name, err, want)
		return
	}
	if e := refClose(got, want, 0, 0); e != nil {
		t.Errorf("%s: %v", name, e)
	}
}

// refExpectErr checks an operation that must fail.
func refExpectErr(t *testing.T, name string, got refArr, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got %v, want an error", name, got)
	}
}

func TestRefClose(t *testing.T) {
	a := refVF(refSh(2, 2), 1, refNaN, refInf, 0)
	if err := refClose(a, refVF(refSh(2, 2), 1, refNaN, refInf, 0), 0, 0); err != nil {
		t.Errorf("equal arrays: got %v, want nil", err)
	}
	if err := refClose(refVF(refSh(1), 1.0000001), refVF(refSh(1), 1), 1e-6, 0); err != nil {
		t.Errorf("within rtol: got %v, want nil", err)
	}
	if err := refClose(refVF(refSh(1), 1e-9), refVF(refSh(1), 0), 0, 1e-8); err != nil {
		t.Errorf("within atol: got %v, want nil", err)
	}
	if err := refClose(refVF(nil, -0.0), refVF(nil, 0), 0, 0); err != nil {
		t.Errorf("-0 vs 0: got %v, want nil", err)
	}
	x := refVF(refSh(3, 4), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5)
	y := refVF(refSh(3, 4), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.25)
	if err := refClose(x, y, 1e-3, 0); err == nil || err.Error() != "at [2 3]: got 1.5, want 1.25" {
		t.Errorf("message: got %v, want %v", err, "at [2 3]: got 1.5, want 1.25")
	}
	bad := []struct {
		name      string
		got, want refArr
	}{
		{"shape", refVF(refSh(2), 1, 2), refVF(refSh(1, 2), 1, 2)},
		{"scalar vs 1", refVF(nil, 1), refVF(refSh(1), 1)},
		{"dtype", refVI(refSh(1), 1), refVF(refSh(1), 1)},
		{"NaN vs number", refVF(refSh(1), refNaN), refVF(refSh(1), 1)},
		{"number vs NaN", refVF(refSh(1), 1), refVF(refSh(1), refNaN)},
		{"Inf vs big", refVF(refSh(1), 1e308), refVF(refSh(1), refInf)},
		{"Inf sign", refVF(refSh(1), -refInf), refVF(refSh(1), refInf)},
		{"outside tol", refVF(refSh(1), 1.1), refVF(refSh(1), 1)},
		{"int", refVI(refSh(2), 1, 2), refVI(refSh(2), 1, 3)},
		{"bool", refVB(refSh(1), true), refVB(refSh(1), false)},
	}
	for _, c := range bad {
		if err := refClose(c.got, c.want, 1e-3, 1e-3); err == nil {
			t.Errorf("%s: got nil, want an error", c.name)
		}
	}
	if err := refClose(refVI(refSh(2), 1, 2), refVI(refSh(2), 1, 3), 0, 0); !strings.Contains(err.Error(), "at [1]") {
		t.Errorf("int message: got %v, want %v", err, "at [1]: ...")
	}
}

func TestRefConstructors(t *testing.T) {
	for _, c := range []struct {
		shape []int
		want  int
	}{{nil, 1}, {refSh(), 1}, {refSh(3), 3}, {refSh(2, 3, 4), 24}, {refSh(2, 0, 4), 0}} {
		if got := refNumel(c.shape); got != c.want {
			t.Errorf("refNumel(%v): got %v, want %v", c.shape, got, c.want)
		}
	}
	x := refVF(refSh(2, 3), 0, 1, 2, 3, 4, 5)
	if got := refAt(x, 1, 2); got != 5 {
		t.Errorf("refAt: got %v, want %v", got, 5)
	}
	if got := refAtI(refVI(refSh(2, 2), 1, 2, 3, 4), 1, 0); got != 3 {
		t.Errorf("refAtI: got %v, want %v", got, 3)
	}
	if got := refAtB(refVB(refSh(2), false, true), 1); !got {
		t.Errorf("refAtB: got %v, want %v", got, true)
	}
	if got := refAt(refVF(nil, 7), []int{}...); got != 7 {
		t.Errorf("scalar refAt: got %v, want %v", got, 7)
	}
	if got := refUnravel(refSh(2, 3, 4), 23); !slices.Equal(got, refSh(1, 2, 3)) {
		t.Errorf("refUnravel: got %v, want %v", got, refSh(1, 2, 3))
	}
	refExpect(t, "full", refFull(refSh(2), 2.5), nil, refVF(refSh(2), 2.5, 2.5))
	got, err := refArange(4, 1, 0.5)
	refExpect(t, "arange", got, err, refVF(refSh(4), 1, 1.5, 2, 2.5))
	got, err = refArange(0, 1, 1)
	refExpect(t, "arange 0", got, err, refVF(refSh(0)))
	got, err = refArange(-1, 0, 1)
	refExpectErr(t, "arange -1", got, err)
	got, err = refLinspace(0, 1, 5, true)
	refExpect(t, "linspace", got, err, refVF(refSh(5), 0, 0.25, 0.5, 0.75, 1))
	got, err = refLinspace(0, 1, 4, false)
	refExpect(t, "linspace no endpoint", got, err, refVF(refSh(4), 0, 0.25, 0.5, 0.75))
	got, err = refLinspace(2, 5, 1, true)
	refExpect(t, "linspace 1", got, err, refVF(refSh(1), 2))
	got, err = refLinspace(2, 5, 0, true)
	refExpect(t, "linspace 0", got, err, refVF(refSh(0)))
	// 49 * (1/49) is not 1 in float64: the last element is set to stop.
	got, err = refLinspace(0, 1, 50, true)
	if one, n := 1.0, 49.0; err != nil || got.f[1] != one/n || got.f[48] != 48*(one/n) || got.f[49] != 1 || n*(one/n) == 1 {
		t.Errorf("linspace 50: got %v, want i*(1/49) and 1 last", got.f)
	}
	got, err = refLinspace(0, 1, -2, true)
	refExpectErr(t, "linspace -2", got, err)
}

func TestRefBroadcast(t *testing.T) {
	ok := []struct{ a, b, want []int }{
		{refSh(), refSh(), refSh()},
		{refSh(3), refSh(), refSh(3)},
		{refSh(2, 3), refSh(3), refSh(2, 3)},
		{refSh(2, 1), refSh(1, 3), refSh(2, 3)},
		{refSh(4, 1, 5), refSh(3, 1), refSh(4, 3, 5)},
		{refSh(0, 1), refSh(1, 5), refSh(0, 5)},
		{refSh(1), refSh(0), refSh(0)},
	}
	for _, c := range ok {
		got, err := refBroadcastShapes(c.a, c.b)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("broadcast %v %v: got %v (%v), want %v", c.a, c.b, got, err, c.want)
		}
	}
	for _, c := range [][2][]int{{refSh(2), refSh(3)}, {refSh(2, 3), refSh(2)}, {refSh(0), refSh(2)}} {
		if got, err := refBroadcastShapes(c[0], c[1]); err == nil {
			t.Errorf("broadcast %v %v: got %v, want an error", c[0], c[1], got)
		}
	}
	got, err := refBroadcastTo(refVI(refSh(2, 1), 1, 2), refSh(3, 2, 2))
	refExpect(t, "broadcast_to", got, err, refVI(refSh(3, 2, 2), 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2))
	got, err = refBroadcastTo(refVF(nil, 5), refSh(2))
	refExpect(t, "broadcast_to scalar", got, err, refVF(refSh(2), 5, 5))
	got, err = refBroadcastTo(refVF(refSh(1), 5), refSh(0))
	refExpect(t, "broadcast_to 0", got, err, refVF(refSh(0)))
	got, err = refBroadcastTo(refVF(refSh(3), 1, 2, 3), refSh(3, 1))
	refExpectErr(t, "broadcast_to (3)->(3,1)", got, err)
	got, err = refBroadcastTo(refVF(refSh(1, 3), 1, 2, 3), refSh(3))
	refExpectErr(t, "broadcast_to fewer dims", got, err)
}

func TestRefBinary(t *testing.T) {
	i3 := func(v ...int64) refArr { return refVI(refSh(len(v)), v...) }
	f3 := func(v ...float64) refArr { return refVF(refSh(len(v)), v...) }
	b3 := func(v ...bool) refArr { return refVB(refSh(len(v)), v...) }
	T, F := true, false
	cases := []struct {
		op         string
		x, y, want refArr
	}{
		{"add", i3(1, 2, math.MaxInt64), i3(10, 20, 1), i3(11, 22, math.MinInt64)},
		{"sub", i3(1, math.MinInt64), i3(3, 1), i3(-2, math.MaxInt64)},
		{"mul", i3(3, 1<<62), i3(-4, 4), i3(-12, 0)},
		{"add", i3(1, 2), f3(0.5, 0.25), f3(1.5, 2.25)},
		{"mul", f3(1.5), i3(2), f3(3)},
		{"div", i3(7, 1, -1, 0), i3(2, 0, 0, 0), f3(3.5, refInf, -refInf, refNaN)},
		{"div", f3(1), f3(math.Copysign(0, -1)), f3(-refInf)},
		{"floordiv", i3(7, -7, 7, -7, 6, math.MinInt64), i3(2, 2, -2, -2, 3, -1), i3(3, -4, -4, 3, 2, math.MinInt64)},
		{"floordiv", f3(7, -7, 7.5, 1), f3(2, 2, -2, 0), f3(3, -4, -4, refInf)},
		{"mod", i3(7, -7, 7, -7, 6), i3(3, 3, -3, -3, 3), i3(1, 2, -2, -1, 0)},
		{"mod", f3(-7.5, 7.5, 5.5, 3, 3, 1), f3(2, -2, 2, refInf, -refInf, 0), f3(0.5, -0.5, 1.5, 3, -refInf, refNaN)},
		{"pow", i3(2, 2, 0), i3(10, -1, 0), f3(1024, 0.5, 1)},
		{"pow", f3(-8, 4), f3(1.0/3, 0.5), f3(refNaN, 2)},
		{"maximum", f3(1, refNaN, 3, -refInf), f3(2, 1, refNaN, -5), f3(2, refNaN, refNaN, -5)},
		{"minimum", f3(1, refNaN, 3, refInf), f3(2, 1, refNaN, 5), f3(1, refNaN, refNaN, 5)},
		{"maximum", i3(1, -5), i3(0, -2), i3(1, -2)},
		{"minimum", i3(1, -5), f3(0, -2), f3(0, -5)},
		{"eq", f3(1, refNaN, 2), i3(1, 0, 3), b3(T, F, F)},
		{"ne", f3(1, refNaN), f3(1, refNaN), b3(F, T)},
		{"lt", i3(1, 2, 3), i3(2, 2, 2), b3(T, F, F)},
		{"le", i3(1, 2, 3), i3(2, 2, 2), b3(T, T, F)},
		{"gt", f3(1, 2, refNaN), f3(0, 2, 0), b3(T, F, F)},
		{"ge", f3(1, 2, refNaN), i3(0, 2, 0), b3(T, T, F)},
		{"lt", i3(math.MaxInt64), i3(math.MaxInt64 - 1), b3(F)}, // exact int compare
		{"eq", b3(T, T, F, F), b3(T, F, T, F), b3(T, F, F, T)},
		{"ne", b3(T, T, F, F), b3(T, F, T, F), b3(F, T, T, F)},
		{"and", b3(T, T, F, F), b3(T, F, T, F), b3(T, F, F, F)},
		{"or", b3(T, T, F, F), b3(T, F, T, F), b3(T, T, T, F)},
		{"xor", b3(T, T, F, F), b3(T, F, T, F), b3(F, T, T, F)},
		// broadcasting
		{"add", refVI(refSh(2, 3), 1, 2, 3, 4, 5, 6), i3(10, 20, 30), refVI(refSh(2, 3), 11, 22, 33, 14, 25, 36)},
		{"sub", refVI(refSh(2, 1), 1, 2), refVI(refSh(1, 3), 1, 2, 3), refVI(refSh(2, 3), 0, -1, -2, 1, 0, -1)},
		{"mul", refVF(nil, 2), f3(1, 2), f3(2, 4)},
		{"add", refVF(nil, 2), refVI(nil, 3), refVF(nil, 5)},
		{"add", refVF(refSh(0, 3)), f3(1, 2, 3), refVF(refSh(0, 3))},
	}
	for _, c := range cases {
		got, err := refBinary(c.op, c.x, c.y)
		refExpect(t, c.op+" "+c.x.dtype.String()+" "+c.y.dtype.String(), got, err, c.want)
	}
	errs := []struct {
		op   string
		x, y refArr
	}{
		{"floordiv", i3(1, 2), i3(1, 0)},
		{"mod", i3(1, 2), i3(0, 1)},
		{"add", b3(T), b3(T)},
		{"sub", i3(1), b3(T)},
		{"div", b3(T), f3(1)},
		{"pow", f3(1), b3(T)},
		{"maximum", b3(T), b3(F)},
		{"mod", b3(T), i3(1)},
		{"lt", b3(T), b3(F)},
		{"ge", b3(T), i3(1)},
		{"eq", b3(T), i3(1)},
		{"ne", f3(1), b3(T)},
		{"and", b3(T), i3(1)},
		{"or", i3(1), i3(1)},
		{"xor", f3(1), f3(0)},
		{"add", f3(1, 2), f3(1, 2, 3)},
		{"hypot", f3(1), f3(1)},
	}
	for _, c := range errs {
		got, err := refBinary(c.op, c.x, c.y)
		refExpectErr(t, c.op+" "+c.x.dtype.String()+" "+c.y.dtype.String(), got, err)
	}
}

func TestRefUnary(t *testing.T) {
	f := func(v ...float64) refArr { return refVF(refSh(len(v)), v...) }
	i := func(v ...int64) refArr { return refVI(refSh(len(v)), v...) }
	b := func(v ...bool) refArr { return refVB(refSh(len(v)), v...) }
	cases := []struct {
		op      string
		x, want refArr
	}{
		{"exp", i(0, 1), f(1, math.E)},
		{"exp", f(-refInf, refNaN), f(0, refNaN)},
		{"log", f(1, 0, -1), f(0, -refInf, refNaN)},
		{"log1p", f(0, -1), f(0, -refInf)},
		{"sqrt", i(4, -1), f(2, refNaN)},
		{"sin", f(0), f(0)},
		{"cos", i(0), f(1)},
		{"tan", f(0.5), f(math.Tan(0.5))},
		{"sinh", f(1), f(math.Sinh(1))},
		{"cosh", f(0), f(1)},
		{"tanh", f(refInf), f(1)},
		{"abs", i(-3, 4, math.MinInt64), i(3, 4, math.MinInt64)},
		{"abs", f(-1.5, refNaN, -refInf), f(1.5, refNaN, refInf)},
		{"neg", i(3, math.MinInt64), i(-3, math.MinInt64)},
		{"neg", f(1.5, 0), f(-1.5, math.Copysign(0, -1))},
		{"floor", f(1.5, -1.5, refNaN), f(1, -2, refNaN)},
		{"ceil", f(1.5, -1.5, refInf), f(2, -1, refInf)},
		{"floor", i(-3), i(-3)},
		{"round", f(0.5, 1.5, 2.5, -2.5, 2.6, -0.4), f(0, 2, 2, -2, 3, 0)},
		{"round", i(7), i(7)},
		{"isnan", f(1, refNaN, refInf), b(false, true, false)},
		{"isnan", i(1), b(false)},
		{"not", b(true, false), b(false, true)},
		{"cast:float64", i(-3, 1<<53), f(-3, 1<<53)},
		{"cast:float64", b(true, false), f(1, 0)},
		{"cast:int64", f(2.9, -2.9, -0.5, -9223372036854775808), i(2, -2, 0, math.MinInt64)},
		{"cast:int64", b(true, false), i(1, 0)},
		{"cast:bool", f(0, math.Copysign(0, -1), 0.1, refNaN), b(false, false, true, true)},
		{"cast:bool", i(0, -2), b(false, true)},
		{"cast:int64", refVF(refSh(0)), refVI(refSh(0))},
	}
	for _, c := range cases {
		got, err := refUnary(c.op, c.x)
		refExpect(t, c.op+" "+c.x.dtype.String(), got, err, c.want)
	}
	errs := []struct {
		op string
		x  refArr
	}{
		{"exp", b(true)}, {"sqrt", b(true)}, {"abs", b(true)}, {"neg", b(false)},
		{"floor", b(true)}, {"round", b(true)}, {"isnan", b(true)},
		{"not", f(1)}, {"not", i(0)},
		{"cast:int64", f(refNaN)}, {"cast:int64", f(refInf)}, {"cast:int64", f(-refInf)},
		{"cast:int64", f(9223372036854775808)}, {"cast:int64", f(1, 1e19)},
		{"cast:int32", f(1)}, {"erf", f(1)},
	}
	for _, c := range errs {
		got, err := refUnary(c.op, c.x)
		refExpectErr(t, c.op+" "+c.x.dtype.String(), got, err)
	}
}

func TestRefWhereClip(t *testing.T) {
	cond := refVB(refSh(2, 1), true, false)
	got, err := refWhere(cond, refVI(refSh(3), 1, 2, 3), refVI(nil, 0))
	refExpect(t, "where int", got, err, refVI(refSh(2, 3), 1, 2, 3, 0, 0, 0))
	got, err = refWhere(cond, refVI(refSh(3), 1, 2, 3), refVF(refSh(2, 3), 9, 9, 9, 9, 9, 9.5))
	refExpect(t, "where promote", got, err, refVF(refSh(2, 3), 1, 2, 3, 9, 9, 9.5))
	got, err = refWhere(refVB(refSh(2), true, false), refVB(nil, false), refVB(nil, true))
	refExpect(t, "where bool", got, err, refVB(refSh(2), false, true))
	got, err = refWhere(refVB(refSh(2), true, false), refVB(nil, true), refVI(nil, 5))
	refExpect(t, "where bool int", got, err, refVI(refSh(2), 1, 5))
	got, err = refWhere(refVI(refSh(2), 1, 0), refVI(nil, 1), refVI(nil, 2))
	refExpectErr(t, "where int cond", got, err)
	got, err = refWhere(refVB(refSh(2), true, false), refVI(refSh(3), 1, 2, 3), refVI(nil, 2))
	refExpectErr(t, "where shapes", got, err)

	got, err = refClip(refVF(refSh(5), -5, 0.5, 5, refNaN, -refInf), 0, 1)
	refExpect(t, "clip float", got, err, refVF(refSh(5), 0, 0.5, 1, refNaN, 0))
	got, err = refClip(refVF(refSh(2), -5, 5), refNaN, 1)
	refExpect(t, "clip NaN bound", got, err, refVF(refSh(2), refNaN, refNaN))
	got, err = refClip(refVI(refSh(4), -5, 0, 3, 9), -0.5, 3.5)
	refExpect(t, "clip int", got, err, refVI(refSh(4), 0, 0, 3, 3))
	got, err = refClip(refVI(refSh(2), math.MinInt64, math.MaxInt64), -refInf, refInf)
	refExpect(t, "clip int inf", got, err, refVI(refSh(2), math.MinInt64, math.MaxInt64))
	got, err = refClip(refVI(refSh(2), 1, 5), 3, 2) // lo > hi: hi wins
	refExpect(t, "clip crossed", got, err, refVI(refSh(2), 2, 2))
	got, err = refClip(refVI(refSh(1), 1), refNaN, 2)
	refExpectErr(t, "clip int NaN", got, err)
	got, err = refClip(refVB(refSh(1), true), 0, 1)
	refExpectErr(t, "clip bool", got, err)
}

func TestRefReduce(t *testing.T) {
	x := refVI(refSh(2, 3), 1, 2, 3, 4, 5, 6)
	y := refVF(refSh(2, 3), 1, refNaN, 3, 4, 5, 6)
	e := refVF(refSh(0, 3))
	s := func(v float64) refArr { return refVF(nil, v) }
	si := func(v int64) refArr { return refVI(nil, v) }
	cases := []struct {
		name, op string
		x        refArr
		axes     []int
		ddof     int
		want     refArr
	}{
		{"sum all", "sum", x, nil, 0, si(21)},
		{"sum empty axes", "sum", x, []int{}, 0, si(21)},
		{"sum 0", "sum", x, []int{0}, 0, refVI(refSh(3), 5, 7, 9)},
		{"sum 1", "sum", x, []int{1}, 0, refVI(refSh(2), 6, 15)},
		{"sum -1", "sum", x, []int{-1}, 0, refVI(refSh(2), 6, 15)},
		{"sum 1,0", "sum", x, []int{1, 0}, 0, si(21)},
		{"sum 3-D", "sum", refVI(refSh(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8), []int{0, 2}, 0, refVI(refSh(2), 14, 22)},
		{"sum wrap", "sum", refVI(refSh(2), math.MaxInt64, 1), nil, 0, si(math.MinInt64)},
		{"sum bool", "sum", refVB(refSh(3), true, false, true), nil, 0, si(2)},
		{"sum NaN", "sum", y, nil, 0, s(refNaN)},
		{"sum scalar", "sum", refVF(nil, 2.5), nil, 0, s(2.5)},
		{"sum empty", "sum", e, []int{0}, 0, refVF(refSh(3), 0, 0, 0)},
		{"sum empty out", "sum", e, []int{1}, 0, refVF(refSh(0))},
		{"prod", "prod", x, []int{1}, 0, refVI(refSh(2), 6, 120)},
		{"prod empty", "prod", e, nil, 0, s(1)},
		{"prod bool", "prod", refVB(refSh(2), true, false), nil, 0, si(0)},
		{"mean", "mean", x, []int{0}, 0, refVF(refSh(3), 2.5, 3.5, 4.5)},
		{"mean empty", "mean", e, nil, 0, s(refNaN)},
		{"mean NaN", "mean", y, []int{1}, 0, refVF(refSh(2), refNaN, 5)},
		{"var", "var", refVF(refSh(4), 1, 2, 3, 4), nil, 0, s(1.25)},
		{"var ddof", "var", refVI(refSh(4), 1, 2, 3, 4), nil, 1, s(5.0 / 3)},
		{"var ddof=n", "var", refVF(refSh(2), 1, 2), nil, 2, s(refNaN)},
		{"var one", "var", refVF(refSh(1), 7), nil, 0, s(0)},
		{"std", "std", refVF(refSh(2), 1, 3), nil, 0, s(1)},
		{"std axis", "std", refVF(refSh(2, 2), 1, 5, 3, 5), []int{0}, 1, refVF(refSh(2), math.Sqrt2, 0)},
		{"min", "min", x, []int{1}, 0, refVI(refSh(2), 1, 4)},
		{"max", "max", x, nil, 0, si(6)},
		{"max NaN", "max", y, []int{1}, 0, refVF(refSh(2), refNaN, 6)},
		{"min NaN last", "min", refVF(refSh(3), 1, 0, refNaN), nil, 0, s(refNaN)},
		{"min inf", "min", refVF(refSh(2), refInf, -refInf), nil, 0, s(-refInf)},
		{"max bool", "max", refVB(refSh(2), false, true), nil, 0, refVB(nil, true)},
		{"min bool", "min", refVB(refSh(2), false, true), nil, 0, refVB(nil, false)},
		{"max empty out", "max", e, []int{1}, 0, refVF(refSh(0))},
		{"argmin flat", "argmin", refVI(refSh(2, 2), 3, 1, 1, 0), nil, 0, si(3)},
		{"argmax first", "argmax", refVI(refSh(4), 1, 5, 5, 2), nil, 0, si(1)},
		{"argmax axis", "argmax", refVF(refSh(2, 3), 1, 9, 3, 7, 5, 6), []int{1}, 0, refVI(refSh(2), 1, 0)},
		{"argmin axis 0", "argmin", refVF(refSh(2, 3), 1, 9, 3, 0, 9, 6), []int{0}, 0, refVI(refSh(3), 1, 0, 0)},
		{"argmax NaN", "argmax", refVF(refSh(4), 1, refNaN, 9, refNaN), nil, 0, si(1)},
		{"argmin NaN", "argmin", refVF(refSh(3), -refInf, 0, refNaN), nil, 0, si(2)},
		{"argmax bool", "argmax", refVB(refSh(3), false, true, true), nil, 0, si(1)},
		{"any", "any", refVF(refSh(2, 2), 0, 0, 0, refNaN), []int{1}, 0, refVB(refSh(2), false, true)},
		{"all", "all", refVI(refSh(2, 2), 1, 2, 0, 3), []int{1}, 0, refVB(refSh(2), true, false)},
		{"any empty", "any", e, nil, 0, refVB(nil, false)},
		{"all empty", "all", e, []int{0}, 0, refVB(refSh(3), true, true, true)},
		{"nansum", "nansum", y, []int{1}, 0, refVF(refSh(2), 4, 15)},
		{"nansum all-NaN", "nansum", refVF(refSh(2), refNaN, refNaN), nil, 0, s(0)},
		{"nansum int", "nansum", x, nil, 0, si(21)},
		{"nanprod", "nanprod", y, []int{1}, 0, refVF(refSh(2), 3, 120)},
		{"nanprod all-NaN", "nanprod", refVF(refSh(1), refNaN), nil, 0, s(1)},
		{"nanmean", "nanmean", y, []int{1}, 0, refVF(refSh(2), 2, 5)},
		{"nanmean all-NaN", "nanmean", refVF(refSh(1), refNaN), nil, 0, s(refNaN)},
		{"nanvar", "nanvar", refVF(refSh(3), 1, refNaN, 3), nil, 0, s(1)},
		{"nanvar ddof", "nanvar", refVF(refSh(3), 1, refNaN, 3), nil, 1, s(2)},
		{"nanvar ddof=n", "nanvar", refVF(refSh(3), 1, refNaN, 3), nil, 2, s(refNaN)},
		{"nanstd", "nanstd", refVF(refSh(3), 1, refNaN, 3), nil, 0, s(1)},
		{"nanstd all-NaN", "nanstd", refVF(refSh(1), refNaN), nil, 0, s(refNaN)},
		{"nanmin", "nanmin", y, []int{1}, 0, refVF(refSh(2), 1, 4)},
		{"nanmax", "nanmax", y, []int{0}, 0, refVF(refSh(3), 4, 5, 6)},
		{"nanmax all-NaN", "nanmax", refVF(refSh(2), refNaN, refNaN), nil, 0, s(refNaN)},
		{"nanmin int", "nanmin", x, nil, 0, si(1)},
		{"nanmax bool", "nanmax", refVB(refSh(2), false, true), nil, 0, refVB(nil, true)},
		{"nanargmin int", "nanargmin", refVI(refSh(3), 2, 1, 1), nil, 0, si(1)},
		{"nanargmin", "nanargmin", refVF(refSh(4), refNaN, 3, 1, 1), nil, 0, si(2)},
		{"nanargmax", "nanargmax", refVF(refSh(2, 2), refNaN, 3, 4, refNaN), []int{1}, 0, refVI(refSh(2), 1, 0)},
	}
	for _, c := range cases {
		got, err := refReduce(c.op, c.x, c.axes, c.ddof)
		refExpect(t, c.name, got, err, c.want)
	}
	errs := []struct {
		name, op string
		x        refArr
		axes     []int
	}{
		{"dup axis", "sum", x, []int{0, 0}},
		{"dup negative axis", "sum", x, []int{1, -1}},
		{"axis 2", "sum", x, []int{2}},
		{"axis -3", "mean", x, []int{-3}},
		{"scalar axis", "sum", refVF(nil, 1), []int{0}},
		{"min empty", "min", e, []int{0}},
		{"max empty all", "max", e, nil},
		{"max empty out", "max", refVF(refSh(0, 0)), []int{1}},
		{"nanmin empty", "nanmin", e, nil},
		{"argmin empty", "argmin", e, nil},
		{"argmax empty axis", "argmax", e, []int{0}},
		{"argmax two axes", "argmax", x, []int{0, 1}},
		{"nanargmin all-NaN", "nanargmin", refVF(refSh(2, 2), 1, refNaN, refNaN, refNaN), []int{1}},
		{"nanargmax all-NaN", "nanargmax", refVF(refSh(1), refNaN), nil},
		{"unknown", "median", x, nil},
		{"nanany", "nanany", x, nil},
	}
	for _, c := range errs {
		got, err := refReduce(c.op, c.x, c.axes, 0)
		refExpectErr(t, c.name, got, err)
	}
}

func TestRefSlice(t *testing.T) {
	r, _ := refArange(10, 0, 1)
	full := refS{Step: 1}
	cases := []struct {
		name string
		s    refS
		want []float64
	}{
		{"[::-1]", refS{Step: -1}, []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"[5:1:-2]", refSl(5, 1, -2), []float64{5, 3}},
		{"[-100:100]", refSl(-100, 100, 1), []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"[-100:100:-1]", refSl(-100, 100, -1), nil},
		{"[100:-100:-1]", refSl(100, -100, -1), []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"[:]", full, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"[-3:]", refS{Start: -3, HasStart: true, Step: 1}, []float64{7, 8, 9}},
		{"[:-3]", refS{Stop: -3, HasStop: true, Step: 1}, []float64{0, 1, 2, 3, 4, 5, 6}},
		{"[8:2]", refSl(8, 2, 1), nil},
		{"[1:8:3]", refSl(1, 8, 3), []float64{1, 4, 7}},
		{"[1:9:3]", refSl(1, 9, 3), []float64{1, 4, 7}},
		{"[::-3]", refS{Step: -3}, []float64{9, 6, 3, 0}},
		{"[-1:-4:-1]", refSl(-1, -4, -1), []float64{9, 8, 7}},
		{"[3::-1]", refS{Start: 3, HasStart: true, Step: -1}, []float64{3, 2, 1, 0}},
		{"[:3:-1]", refS{Stop: 3, HasStop: true, Step: -1}, []float64{9, 8, 7, 6, 5, 4}},
		{"[:-11:-1]", refS{Stop: -11, HasStop: true, Step: -1}, []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"[10:]", refS{Start: 10, HasStart: true, Step: 1}, nil},
		{"[::100]", refS{Step: 100}, []float64{0}},
		{"[2:3]", refSl(2, 3, 1), []float64{2}},
	}
	for _, c := range cases {
		got, err := refSlice(r, []refS{c.s})
		refExpect(t, c.name, got, err, refVF(refSh(len(c.want)), c.want...))
	}
	m := refVI(refSh(3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	got, err := refSlice(m, []refS{refS{Step: -1}, refSl(1, 4, 2)})
	refExpect(t, "2-D", got, err, refVI(refSh(3, 2), 9, 11, 5, 7, 1, 3))
	got, err = refSlice(m, []refS{refSl(1, 2, 1)})
	refExpect(t, "leading axis only", got, err, refVI(refSh(1, 4), 4, 5, 6, 7))
	got, err = refSlice(refVI(refSh(0, 2)), []refS{refS{Step: -1}})
	refExpect(t, "empty axis", got, err, refVI(refSh(0, 2)))
	got, err = refSlice(r, []refS{refSl(0, 5, 0)})
	refExpectErr(t, "step 0", got, err)
	got, err = refSlice(r, []refS{full, full})
	refExpectErr(t, "too many", got, err)
}

func TestRefIndexTakeMask(t *testing.T) {
	m := refVI(refSh(3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	got, err := refIndex(m, 0, 1)
	refExpect(t, "index 0 1", got, err, refVI(refSh(4), 4, 5, 6, 7))
	got, err = refIndex(m, 1, -1)
	refExpect(t, "index 1 -1", got, err, refVI(refSh(3), 3, 7, 11))
	got, err = refIndex(m, -2, -3)
	refExpect(t, "index -2 -3", got, err, refVI(refSh(4), 0, 1, 2, 3))
	got, err = refIndex(refVF(refSh(2), 1, 2), 0, 1)
	refExpect(t, "index to scalar", got, err, refVF(nil, 2))
	for _, c := range [][2]int{{0, 3}, {0, -4}, {2, 0}, {-3, 0}} {
		got, err = refIndex(m, c[0], c[1])
		refExpectErr(t, "index out of range", got, err)
	}
	got, err = refIndex(refVF(nil, 1), 0, 0)
	refExpectErr(t, "index scalar", got, err)

	got, err = refTake(m, 1, []int{3, 0, -1, 0})
	refExpect(t, "take", got, err, refVI(refSh(3, 4), 3, 0, 3, 0, 7, 4, 7, 4, 11, 8, 11, 8))
	got, err = refTake(m, 0, nil)
	refExpect(t, "take none", got, err, refVI(refSh(0, 4)))
	got, err = refTake(m, 0, []int{3})
	refExpectErr(t, "take 3", got, err)
	got, err = refTake(m, -1, []int{-5})
	refExpectErr(t, "take -5", got, err)
	got, err = refTake(m, 2, []int{0})
	refExpectErr(t, "take axis", got, err)

	got, err = refMask(m, 0, []bool{true, false, true})
	refExpect(t, "mask", got, err, refVI(refSh(2, 4), 0, 1, 2, 3, 8, 9, 10, 11))
	got, err = refMask(m, -1, []bool{false, false, false, false})
	refExpect(t, "mask none", got, err, refVI(refSh(3, 0)))
	got, err = refMask(m, 1, []bool{true, true})
	refExpectErr(t, "mask length", got, err)
}

func TestRefTransposeReshape(t *testing.T) {
	m := refVI(refSh(2, 3), 0, 1, 2, 3, 4, 5)
	got, err := refTranspose(m, nil)
	refExpect(t, "T", got, err, refVI(refSh(3, 2), 0, 3, 1, 4, 2, 5))
	c := refVI(refSh(2, 3, 2), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
	got, err = refTranspose(c, []int{1, 2, 0})
	refExpect(t, "perm 1 2 0", got, err, refVI(refSh(3, 2, 2), 0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11))
	got, err = refTranspose(c, []int{-1, 0, 1})
	refExpect(t, "perm -1 0 1", got, err, refVI(refSh(2, 2, 3), 0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11))
	got, err = refTranspose(refVF(nil, 3), nil)
	refExpect(t, "T scalar", got, err, refVF(nil, 3))
	for _, p := range [][]int{{0}, {0, 0}, {0, 2}, {1, 0, 2}, {-1, 1}} {
		got, err = refTranspose(m, p)
		refExpectErr(t, "bad perm", got, err)
	}

	got, err = refReshape(m, refSh(3, 2))
	refExpect(t, "reshape", got, err, refVI(refSh(3, 2), 0, 1, 2, 3, 4, 5))
	got, err = refReshape(m, refSh(-1, 3, 1))
	refExpect(t, "reshape -1", got, err, refVI(refSh(2, 3, 1), 0, 1, 2, 3, 4, 5))
	got, err = refReshape(m, refSh(6, -1))
	refExpect(t, "reshape 6,-1", got, err, refVI(refSh(6, 1), 0, 1, 2, 3, 4, 5))
	got, err = refReshape(refVF(refSh(1, 1), 4), nil)
	refExpect(t, "reshape scalar", got, err, refVF(nil, 4))
	got, err = refReshape(refVF(refSh(0, 3)), refSh(3, -1))
	refExpect(t, "reshape empty", got, err, refVF(refSh(3, 0)))
	for _, s := range [][]int{{4}, {-1, -1}, {-1, 4}, {-2, -3}, {7}} {
		got, err = refReshape(m, s)
		refExpectErr(t, "bad reshape", got, err)
	}
	got, err = refReshape(refVF(refSh(0)), refSh(-1, 0))
	refExpectErr(t, "reshape -1 with 0", got, err)
}

func TestRefJoin(t *testing.T) {
	a := refVI(refSh(2, 2), 1, 2, 3, 4)
	b := refVF(refSh(1, 2), 5.5, 6)
	got, err := refConcatenate([]refArr{a, b}, 0)
	refExpect(t, "concat 0", got, err, refVF(refSh(3, 2), 1, 2, 3, 4, 5.5, 6))
	got, err = refConcatenate([]refArr{a, refVI(refSh(2, 1), 7, 8), a}, -1)
	refExpect(t, "concat -1", got, err, refVI(refSh(2, 5), 1, 2, 7, 1, 2, 3, 4, 8, 3, 4))
	got, err = refConcatenate([]refArr{refVB(refSh(1), true), refVB(refSh(0)), refVB(refSh(1), false)}, 0)
	refExpect(t, "concat bool", got, err, refVB(refSh(2), true, false))
	got, err = refConcatenate([]refArr{refVB(refSh(1), true), refVI(refSh(1), 5)}, 0)
	refExpect(t, "concat bool int", got, err, refVI(refSh(2), 1, 5))
	got, err = refConcatenate([]refArr{a}, 1)
	refExpect(t, "concat one", got, err, a)
	for name, xs := range map[string][]refArr{
		"none": nil, "scalar": {refVF(nil, 1), refVF(nil, 2)},
		"shape": {a, refVI(refSh(2, 3), 0, 0, 0, 0, 0, 0)}, "ndim": {a, refVI(refSh(2), 1, 2)},
	} {
		got, err = refConcatenate(xs, 0)
		refExpectErr(t, "concat "+name, got, err)
	}
	got, err = refConcatenate([]refArr{a, a}, 2)
	refExpectErr(t, "concat axis", got, err)

	u, v := refVI(refSh(2), 1, 2), refVI(refSh(2), 3, 4)
	got, err = refStack([]refArr{u, v}, 0)
	refExpect(t, "stack 0", got, err, refVI(refSh(2, 2), 1, 2, 3, 4))
	got, err = refStack([]refArr{u, v}, 1)
	refExpect(t, "stack 1", got, err, refVI(refSh(2, 2), 1, 3, 2, 4))
	got, err = refStack([]refArr{u, v, u}, -1)
	refExpect(t, "stack -1", got, err, refVI(refSh(2, 3), 1, 3, 1, 2, 4, 2))
	got, err = refStack([]refArr{refVF(nil, 1), refVI(nil, 2)}, 0)
	refExpect(t, "stack scalars", got, err, refVF(refSh(2), 1, 2))
	got, err = refStack([]refArr{u, v}, 2)
	refExpectErr(t, "stack axis 2", got, err)
	got, err = refStack([]refArr{u, v}, -3)
	refExpectErr(t, "stack axis -3", got, err)
	got, err = refStack([]refArr{u, refVI(refSh(3), 1, 2, 3)}, 0)
	refExpectErr(t, "stack shapes", got, err)
	got, err = refStack(nil, 0)
	refExpectErr(t, "stack none", got, err)
}

func TestRefMatMul(t *testing.T) {
	a := refVI(refSh(2, 3), 1, 2, 3, 4, 5, 6)
	b := refVF(refSh(3, 2), 7, 8, 9, 10, 11, 12)
	got, err := refMatMul(a, b)
	refExpect(t, "matmul", got, err, refVF(refSh(2, 2), 58, 64, 139, 154))
	got, err = refMatMul(refVF(refSh(2, 0)), refVF(refSh(0, 3)))
	refExpect(t, "matmul k=0", got, err, refVF(refSh(2, 3), 0, 0, 0, 0, 0, 0))
	got, err = refMatMul(refVF(refSh(1, 2), refInf, 1), refVF(refSh(2, 1), 0, 1))
	refExpect(t, "matmul inf*0", got, err, refVF(refSh(1, 1), refNaN))
	got, err = refMatMul(a, a)
	refExpectErr(t, "matmul inner", got, err)
	got, err = refMatMul(refVI(refSh(3), 1, 2, 3), b)
	refExpectErr(t, "matmul 1-D", got, err)
	got, err = refMatMul(refVB(refSh(1, 1), true), refVB(refSh(1, 1), true))
	refExpectErr(t, "matmul bool", got, err)
}

// TestRefRandom checks the random helpers and a few identities between
// reference operations on random inputs.
func TestRefRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sawNaN, sawZeroDim, sawBig := false, false, false
	for n := 0; n < 500; n++ {
		shape := refRandShape(rng, 4, 60)
		if len(shape) > 4 || refNumel(shape) > 60 {
			t.Fatalf("refRandShape: got %v, want at most 4 dims and 60 elements", shape)
		}
		sawZeroDim = sawZeroDim || refNumel(shape) == 0
		sawBig = sawBig || (len(shape) >= 2 && refNumel(shape) >= 20)
		dt := []DType{Float64, Int64, Bool}[n%3]
		x := refRandData(rng, shape, dt, true)
		if x.dtype != dt || !slices.Equal(x.shape, shape) {
			t.Fatalf("refRandData: got %v %v, want %v %v", x.dtype, x.shape, dt, shape)
		}
		for _, v := range x.f {
			sawNaN = sawNaN || math.IsNaN(v)
		}
		if dt == Bool {
			continue
		}
		// transposing twice with the reversed order is the identity
		tt, err := refTranspose(x, nil)
		if err == nil {
			tt, err = refTranspose(tt, nil)
		}
		refExpect(t, "transpose twice", tt, err, x)
		// the sum over everything is the sum of sums over axis 0 (ints)
		if dt == Int64 && len(shape) > 0 {
			s0, err := refReduce("sum", x, []int{0}, 0)
			if err != nil {
				t.Fatal(err)
			}
			all, _ := refReduce("sum", x, nil, 0)
			s2, _ := refReduce("sum", s0, nil, 0)
			refExpect(t, "sum of sums", s2, nil, all)
		}
		// x[::-1][::-1] along axis 0 is x
		if len(shape) > 0 {
			r, err := refSlice(x, []refS{{Step: -1}})
			if err == nil {
				r, err = refSlice(r, []refS{{Step: -1}})
			}
			refExpect(t, "reverse twice", r, err, x)
		}
		// x + 0 broadcast from a scalar is x
		z, err := refBinary("add", x, refVI(nil, 0))
		refExpect(t, "add 0", z, err, x)
	}
	if !sawNaN || !sawZeroDim || !sawBig {
		t.Errorf("coverage: got NaN %v, zero-size %v, big %v, want all true", sawNaN, sawZeroDim, sawBig)
	}
}
