package array

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// pair is an engine array and the reference it should equal.
type pair struct {
	a    *Array
	r    refArr
	desc string
}

func must(x refArr, err error) refArr {
	if err != nil {
		panic(err)
	}
	return x
}

// step applies one random operation to p: elementwise with a fresh
// operand or with a view of itself (repeated subexpressions), a slice, a
// transpose, an index, a broadcast, a rechunk, or a reduction along one
// axis. Every step keeps float64 values of moderate size.
func step(rng *rand.Rand, p pair) pair {
	shp := p.r.shape
	nd := len(shp)
	switch rng.IntN(9) {
	case 0: // binary with a fresh operand
		ops := []string{"add", "sub", "mul", "maximum"}
		op := ops[rng.IntN(len(ops))]
		y := refRandData(rng, compatible(rng, shp), Float64, false)
		fns := map[string]func(*Array, any) *Array{"add": (*Array).Add, "sub": (*Array).Sub, "mul": (*Array).Mul, "maximum": (*Array).Maximum}
		return pair{fns[op](p.a, arrOf(rng, y)), must(refBinary(op, p.r, y)), fmt.Sprintf("%s(%s, %v)", op, p.desc, y.shape)}
	case 1: // with itself: one subexpression, used twice
		return pair{p.a.Mul(p.a).Add(p.a), must(refBinary("add", must(refBinary("mul", p.r, p.r)), p.r)), fmt.Sprintf("x*x+x of %s", p.desc)}
	case 2: // unary
		ops := []string{"sin", "abs", "neg", "cos"}
		op := ops[rng.IntN(len(ops))]
		fns := map[string]func(*Array) *Array{"sin": (*Array).Sin, "abs": (*Array).Abs, "neg": (*Array).Neg, "cos": (*Array).Cos}
		return pair{fns[op](p.a), must(refUnary(op, p.r)), fmt.Sprintf("%s(%s)", op, p.desc)}
	case 3: // slice
		var rs []Range
		var ss []refS
		for a := range nd {
			r, s := randRange(rng, shp[a])
			rs, ss = append(rs, r), append(ss, s)
		}
		return pair{p.a.Slice(rs...), must(refSlice(p.r, ss)), fmt.Sprintf("%s%v", p.desc, rs)}
	case 4: // transpose
		perm := randPerm(rng, nd)
		return pair{p.a.Transpose(perm...), must(refTranspose(p.r, perm)), fmt.Sprintf("transpose%v(%s)", perm, p.desc)}
	case 5: // index
		if nd == 0 || shp[0] == 0 {
			return p
		}
		a := rng.IntN(nd)
		if shp[a] == 0 {
			return p
		}
		i := rng.IntN(shp[a])
		return pair{p.a.Index(a, i), must(refIndex(p.r, a, i)), fmt.Sprintf("%s[axis %d = %d]", p.desc, a, i)}
	case 6: // broadcast along a new axis, combined with a view of itself
		n := 1 + rng.IntN(3)
		bs := append([]int{n}, shp...)
		b := p.a.BroadcastTo(bs...)
		return pair{b.Add(p.a), must(refBinary("add", must(refBroadcastTo(p.r, bs)), p.r)), fmt.Sprintf("broadcast(%s)+itself", p.desc)}
	case 7: // rechunk (a materialization boundary when the input reads chunks)
		return pair{p.a.Rechunk(ChunkSizes(randGrid(rng, shp)...)), p.r, p.desc}
	default: // a reduction along one axis, then more steps on its result
		if nd == 0 {
			return p
		}
		a := rng.IntN(nd)
		return pair{p.a.Sum(Axis(a), FanIn(2+rng.IntN(3))), must(refReduce("sum", p.r, []int{a}, 0)), fmt.Sprintf("sum(%s, axis %d)", p.desc, a)}
	}
}

func TestChainDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 8)
			for trial := range 80 {
				x := refRandData(rng, refRandShape(rng, 3, 80), Float64, false)
				for k := range x.f {
					x.f[k] = float64(rng.IntN(7) - 3) // exact sums and products
				}
				p := pair{arrOf(rng, x), x, fmt.Sprint(x.shape)}
				for range 1 + rng.IntN(5) {
					p = step(rng, p)
				}
				if err := p.a.Err(); err != nil {
					t.Fatalf("trial %d: %s: %v", trial, p.desc, err)
				}
				same(t, m, fmt.Sprintf("trial %d: %s", trial, p.desc), p.a, p.r, nil, 1e-12, 1e-9)
				if !slices.Equal(p.a.Shape(), p.r.shape) {
					t.Errorf("trial %d: shape %v, want %v", trial, p.a.Shape(), p.r.shape)
				}
			}
		})
	}
}
