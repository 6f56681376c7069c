package array

import (
	"fmt"
	"testing"
)

var binaryOps = []struct {
	name string
	fn   func(x *Array, y any) *Array
	kind string // "num", "cmp", "bool"
}{
	{"add", (*Array).Add, "num"}, {"sub", (*Array).Sub, "num"}, {"mul", (*Array).Mul, "num"},
	{"div", (*Array).Div, "num"}, {"floordiv", (*Array).FloorDiv, "num"}, {"mod", (*Array).Mod, "num"},
	{"pow", (*Array).Pow, "num"}, {"maximum", (*Array).Maximum, "num"}, {"minimum", (*Array).Minimum, "num"},
	{"eq", (*Array).Eq, "cmp"}, {"ne", (*Array).Ne, "cmp"}, {"lt", (*Array).Lt, "cmp"},
	{"le", (*Array).Le, "cmp"}, {"gt", (*Array).Gt, "cmp"}, {"ge", (*Array).Ge, "cmp"},
	{"and", (*Array).And, "bool"}, {"or", (*Array).Or, "bool"}, {"xor", (*Array).Xor, "bool"},
}

var unaryOps = []struct {
	name string
	fn   func(x *Array) *Array
}{
	{"exp", (*Array).Exp}, {"log", (*Array).Log}, {"log1p", (*Array).Log1p}, {"sqrt", (*Array).Sqrt},
	{"abs", (*Array).Abs}, {"neg", (*Array).Neg}, {"sin", (*Array).Sin}, {"cos", (*Array).Cos},
	{"tan", (*Array).Tan}, {"sinh", (*Array).Sinh}, {"cosh", (*Array).Cosh}, {"tanh", (*Array).Tanh},
	{"floor", (*Array).Floor}, {"ceil", (*Array).Ceil}, {"round", (*Array).Round}, {"isnan", (*Array).IsNaN},
}

func TestBinaryDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 1)
			for trial := range 120 {
				op := binaryOps[trial%len(binaryOps)]
				dts := []DType{Float64, Int64}
				if op.kind == "bool" {
					dts = []DType{Bool}
				}
				xs := refRandShape(rng, 3, 60)
				ys := compatible(rng, xs)
				if rng.IntN(2) == 0 {
					xs, ys = ys, xs
				}
				x := refRandData(rng, xs, dts[rng.IntN(len(dts))], true)
				y := refRandData(rng, ys, dts[rng.IntN(len(dts))], true)
				what := fmt.Sprintf("trial %d: %s(%s, %s)", trial, op.name, describeRef(x), describeRef(y))
				want, wantErr := refBinary(op.name, x, y)
				var got *Array
				if rng.IntN(4) == 0 && len(ys) == 0 {
					// a Go scalar operand
					switch y.dtype {
					case Float64:
						got = op.fn(arrOf(rng, x), y.f[0])
					case Int64:
						got = op.fn(arrOf(rng, x), y.i[0])
					default:
						got = op.fn(arrOf(rng, x), y.b[0])
					}
				} else {
					got = op.fn(arrOf(rng, x), arrOf(rng, y))
				}
				same(t, m, what, got, want, wantErr, 0, 0)
			}
		})
	}
}

func TestUnaryDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 2)
			for trial := range 64 {
				op := unaryOps[trial%len(unaryOps)]
				dt := Float64
				if rng.IntN(4) == 0 {
					dt = Int64
				}
				x := refRandData(rng, refRandShape(rng, 3, 80), dt, true)
				want, wantErr := refUnary(op.name, x)
				// Exp, Sinh and Cosh have their own kernels, within a few
				// ulp of the math package; the others call it.
				same(t, m, fmt.Sprintf("trial %d: %s(%s)", trial, op.name, describeRef(x)), op.fn(arrOf(rng, x)), want, wantErr, 4e-16, 0)
			}
		})
	}
}

func TestCastWhereClipDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 3)
			for range 30 {
				shp := refRandShape(rng, 3, 60)
				from := []DType{Float64, Int64, Bool}[rng.IntN(3)]
				to := []DType{Float64, Int64, Bool}[rng.IntN(3)]
				x := refRandData(rng, shp, from, from != Float64 || rng.IntN(2) == 0)
				want, wantErr := refUnary("cast:"+to.String(), x)
				same(t, m, fmt.Sprintf("cast %s → %s", describeRef(x), to), arrOf(rng, x).Cast(to), want, wantErr, 0, 0)

				c := refRandData(rng, compatible(rng, shp), Bool, false)
				a := refRandData(rng, shp, Float64, true)
				b := refRandData(rng, compatible(rng, shp), []DType{Float64, Int64}[rng.IntN(2)], true)
				want, wantErr = refWhere(c, a, b)
				same(t, m, "where", Where(arrOf(rng, c), arrOf(rng, a), arrOf(rng, b)), want, wantErr, 0, 0)

				dt := []DType{Float64, Int64}[rng.IntN(2)]
				x = refRandData(rng, shp, dt, dt == Float64)
				lo, hi := -float64(rng.IntN(20)), float64(rng.IntN(20))
				want, wantErr = refClip(x, lo, hi)
				same(t, m, "clip", arrOf(rng, x).Clip(lo, hi), want, wantErr, 0, 0)
			}
		})
	}
}
