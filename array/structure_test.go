package array

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func randRange(rng *rand.Rand, n int) (Range, refS) {
	var r Range
	var s refS
	step := []int{1, 1, 2, 3, -1, -2}[rng.IntN(6)]
	pick := func() int { return rng.IntN(2*n+3) - n - 1 }
	switch rng.IntN(4) {
	case 0:
		r, s = All(), refS{}
	case 1:
		a, b := pick(), pick()
		r, s = Span(a, b), refS{Start: a, Stop: b, HasStart: true, HasStop: true}
	case 2:
		a := pick()
		r, s = From(a), refS{Start: a, HasStart: true}
	default:
		b := pick()
		r, s = To(b), refS{Stop: b, HasStop: true}
	}
	return r.Step(step), refS{Start: s.Start, Stop: s.Stop, Step: step, HasStart: s.HasStart, HasStop: s.HasStop}
}

func randPerm(rng *rand.Rand, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	rng.Shuffle(n, func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

func TestStructureDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 6)
			for trial := range 60 {
				shp := refRandShape(rng, 3, 60)
				dt := []DType{Float64, Int64, Bool}[rng.IntN(3)]
				x := refRandData(rng, shp, dt, false)
				nd := len(shp)
				what := fmt.Sprintf("trial %d on %s", trial, describeRef(x))

				// slice
				var rs []Range
				var ss []refS
				for a := range rng.IntN(nd + 1) {
					r, s := randRange(rng, shp[a])
					rs, ss = append(rs, r), append(ss, s)
				}
				want, err := refSlice(x, ss)
				same(t, m, what+fmt.Sprintf(" slice %v", rs), arrOf(rng, x).Slice(rs...), want, err, 0, 0)

				// transpose
				perm := randPerm(rng, nd)
				want, err = refTranspose(x, perm)
				same(t, m, what+fmt.Sprintf(" transpose %v", perm), arrOf(rng, x).Transpose(perm...), want, err, 0, 0)

				if nd > 0 {
					a := rng.IntN(nd)
					// index
					i := rng.IntN(shp[a]+2) - 1
					want, err = refIndex(x, a, i)
					got := arrOf(rng, x).Index(a, i)
					if err != nil {
						if !isBuildErr(got.Err()) {
							t.Errorf("%s index %d %d: got %v, want a build error", what, a, i, got.Err())
						}
					} else {
						same(t, m, what+fmt.Sprintf(" index axis %d at %d", a, i), got, want, nil, 0, 0)
					}
					// take and mask
					idx := make([]int, rng.IntN(6))
					for k := range idx {
						idx[k] = rng.IntN(2*shp[a]+1) - shp[a]
					}
					want, err = refTake(x, a, idx)
					same(t, m, what+fmt.Sprintf(" take axis %d %v", a, idx), arrOf(rng, x).Take(a, idx), want, err, 0, 0)
					mask := make([]bool, shp[a])
					for k := range mask {
						mask[k] = rng.IntN(2) == 0
					}
					want, err = refMask(x, a, mask)
					same(t, m, what+" mask", arrOf(rng, x).Mask(a, mask), want, err, 0, 0)
				}

				// reshape: whatever the chunks
				newShape := slices.Clone(shp)
				rng.Shuffle(len(newShape), func(i, j int) { newShape[i], newShape[j] = newShape[j], newShape[i] })
				if len(newShape) > 0 && rng.IntN(2) == 0 {
					newShape = append(newShape[:0:0], numel(shp))
				}
				want, err = refReshape(x, newShape)
				rows := arrOf(rng, x).Rechunk(ChunkSizes(append([][]int{randSizes(rng, max(0, firstOr(shp, 0)))}, wholeAxes(shp[min(1, nd):])...)...))
				if nd == 0 {
					rows = arrOf(rng, x)
				}
				same(t, m, what+fmt.Sprintf(" reshape %v", newShape), rows.Reshape(newShape...), want, err, 0, 0)
				any := arrOf(rng, x)
				same(t, m, what+fmt.Sprintf(" reshape %v of chunks %v", newShape, any.Chunks()), any.Reshape(newShape...), want, err, 0, 0)

				// concatenate and stack with arrays of the same type
				if nd > 0 {
					a := rng.IntN(nd)
					ys := []refArr{x}
					for range rng.IntN(3) {
						s := slices.Clone(shp)
						s[a] = rng.IntN(4)
						ys = append(ys, refRandData(rng, s, dt, false))
					}
					want, err = refConcatenate(ys, a)
					arrs := make([]*Array, len(ys))
					for k, y := range ys {
						arrs[k] = arrOf(rng, y)
					}
					same(t, m, what+fmt.Sprintf(" concatenate axis %d", a), Concatenate(a, arrs...), want, err, 0, 0)
				}
				b := rng.IntN(nd + 1)
				zs := []refArr{x, refRandData(rng, shp, dt, false)}
				want, err = refStack(zs, b)
				same(t, m, what+fmt.Sprintf(" stack axis %d", b), Stack(b, arrOf(rng, zs[0]), arrOf(rng, zs[1])), want, err, 0, 0)

				// broadcast to a shape with a new leading axis
				bs := append([]int{1 + rng.IntN(3)}, shp...)
				want, err = refBroadcastTo(x, bs)
				same(t, m, what+fmt.Sprintf(" broadcast %v", bs), arrOf(rng, x).BroadcastTo(bs...), want, err, 0, 0)

				// rechunk
				same(t, m, what+" rechunk", arrOf(rng, x).Rechunk(ChunkSizes(randGrid(rng, shp)...)), x, nil, 0, 0)
			}
		})
	}
}

func firstOr(s []int, d int) int {
	if len(s) == 0 {
		return d
	}
	return s[0]
}

func wholeAxes(s []int) [][]int {
	out := make([][]int, len(s))
	for a, d := range s {
		out[a] = []int{d}
	}
	return out
}

func TestMatMulDifferential(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 7)
			for trial := range 25 {
				r, k, c := 1+rng.IntN(20), 1+rng.IntN(20), 1+rng.IntN(20)
				a := refRandData(rng, []int{r, k}, []DType{Float64, Int64}[rng.IntN(2)], false)
				b := refRandData(rng, []int{k, c}, Float64, false)
				want, err := refMatMul(a, b)
				same(t, m, fmt.Sprintf("trial %d: matmul %v × %v", trial, a.shape, b.shape), arrOf(rng, a).MatMul(arrOf(rng, b)), want, err, 1e-12, 1e-9)
			}
		})
	}
}

func TestDot(t *testing.T) {
	ctx := context.Background()
	v := FromSlice([]float64{1, 2, 3}, nil)
	got, err := v.Dot(v).Float(ctx)
	if err != nil || got != 14 {
		t.Errorf("vector dot: got %v, %v, want 14", got, err)
	}
	mv, err := FromSlice([]float64{1, 2, 3, 4, 5, 6}, []int{2, 3}).Dot(v).Compute(ctx)
	if err != nil || fmt.Sprint(mv.Float64s()) != "[14 32]" {
		t.Errorf("matrix-vector dot: got %v, %v, want [14 32]", mv, err)
	}
}
