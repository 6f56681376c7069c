package array

import (
	"fmt"
	"slices"
	"strings"
)

// Range selects positions along one axis, as Python's start:stop:step
// does: negative positions count from the end, bounds are clamped to the
// axis, and a negative step walks backwards.
type Range struct {
	start, stop, step int
	hasStart, hasStop bool
}

// All selects a whole axis (Python's ":").
func All() Range { return Range{step: 1} }

// Span selects [start, stop) (Python's "start:stop").
func Span(start, stop int) Range {
	return Range{start: start, stop: stop, step: 1, hasStart: true, hasStop: true}
}

// From selects from start to the end (Python's "start:").
func From(start int) Range { return Range{start: start, step: 1, hasStart: true} }

// To selects from the beginning to stop (Python's ":stop").
func To(stop int) Range { return Range{stop: stop, step: 1, hasStop: true} }

// Step returns the range with a step (Python's "::step"); a negative
// step walks backwards, and without explicit bounds starts at the end.
func (r Range) Step(step int) Range { r.step = step; return r }

func (r Range) String() string {
	var b strings.Builder
	if r.hasStart {
		fmt.Fprint(&b, r.start)
	}
	b.WriteByte(':')
	if r.hasStop {
		fmt.Fprint(&b, r.stop)
	}
	if r.step != 1 {
		fmt.Fprintf(&b, ":%d", r.step)
	}
	return b.String()
}

// indices resolves the range on an axis of length n, as Python's
// slice.indices does: the first position, the step and the count.
func (r Range) indices(n int) (start, step, count int, err error) {
	step = r.step
	if step == 0 {
		return 0, 0, 0, fmt.Errorf("%w: slice step 0", ErrValue)
	}
	lower, upper := 0, n
	if step < 0 {
		lower, upper = -1, n-1
	}
	clamp := func(v int) int {
		if v < 0 {
			v += n
			if v < lower {
				v = lower
			}
		} else if v > upper {
			v = upper
		}
		return v
	}
	if r.hasStart {
		start = clamp(r.start)
	} else if step < 0 {
		start = upper
	} else {
		start = lower
	}
	stop := upper
	if step < 0 {
		stop = lower
	}
	if r.hasStop {
		stop = clamp(r.stop)
	}
	if step > 0 && stop > start {
		count = (stop - start + step - 1) / step
	} else if step < 0 && start > stop {
		count = (start - stop - step - 1) / -step
	}
	return start, step, count, nil
}

func (x *Array) view(axes []viewAxis, shp []int, desc string) *Array {
	return wrap(&viewNode{in: x.n, shp: shp, axes: axes, desc: desc})
}

// Slice selects a range on each axis; axes without a range are kept
// whole. Slicing is a view: it copies nothing, and pushed through
// elementwise operations it reads only the selected elements of their
// inputs.
func (x *Array) Slice(ranges ...Range) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	shp := x.n.shape()
	if len(ranges) > len(shp) {
		return failedf("%w: slice: %d ranges for %d dimensions", ErrAxis, len(ranges), len(shp))
	}
	out := make([]int, len(shp))
	axes := make([]viewAxis, len(shp))
	var parts []string
	for a := range shp {
		r := All()
		if a < len(ranges) {
			r = ranges[a]
		}
		start, step, count, err := r.indices(shp[a])
		if err != nil {
			return failedf("slice axis %d (%v) of %v: %w", a, r, shp, err)
		}
		out[a] = count
		axes[a] = viewAxis{out: a, start: start, step: step}
		parts = append(parts, r.String())
	}
	return x.view(axes, out, "slice ["+strings.Join(parts, ", ")+"]")
}

// Index selects position i on an axis and drops the axis (Python's
// x[..., i, ...]); a negative i counts from the end.
func (x *Array) Index(axis, i int) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	shp := x.n.shape()
	a, err := normAxis("index", axis, len(shp))
	if err != nil {
		return failed(err)
	}
	if i < -shp[a] || i >= shp[a] {
		return failedf("%w: index %d is out of range for axis %d of length %d", ErrAxis, i, a, shp[a])
	}
	if i < 0 {
		i += shp[a]
	}
	axes := make([]viewAxis, len(shp))
	var out []int
	for j := range shp {
		switch {
		case j == a:
			axes[j] = viewAxis{out: -1, start: i}
		default:
			axes[j] = viewAxis{out: len(out), step: 1}
			out = append(out, shp[j])
		}
	}
	return x.view(axes, out, fmt.Sprintf("index axis %d at %d", a, i))
}

// Transpose permutes the axes: axis i of the result is axis perm[i] of x.
// Without perm it reverses them. It is a view.
func (x *Array) Transpose(perm ...int) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	shp := x.n.shape()
	nd := len(shp)
	if len(perm) == 0 {
		perm = make([]int, nd)
		for i := range perm {
			perm[i] = nd - 1 - i
		}
	}
	if len(perm) != nd {
		return failedf("%w: transpose: permutation %v for %d dimensions", ErrAxis, perm, nd)
	}
	seen := make([]bool, nd)
	axes := make([]viewAxis, nd)
	out := make([]int, nd)
	for i, p := range perm {
		q, err := normAxis("transpose", p, nd)
		if err != nil {
			return failed(err)
		}
		if seen[q] {
			return failedf("%w: transpose: axis %d repeats in %v", ErrAxis, p, perm)
		}
		seen[q] = true
		axes[q] = viewAxis{out: i, step: 1}
		out[i] = shp[q]
	}
	return x.view(axes, out, fmt.Sprintf("transpose %v", perm))
}

// T returns the transpose (the axes reversed).
func (x *Array) T() *Array { return x.Transpose() }

// BroadcastTo returns x broadcast to shape, as a view.
func (x *Array) BroadcastTo(shape ...int) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	if err := checkShape("broadcast", shape); err != nil {
		return failed(err)
	}
	shp := x.n.shape()
	got, err := broadcastShapes("broadcast", shp, shape)
	if err != nil || !slices.Equal(got, shape) {
		return failedf("%w: cannot broadcast %v to %v", ErrShape, shp, shape)
	}
	return x.view(broadcastMap(shp, shape, identityMap(len(shape))), slices.Clone(shape), fmt.Sprintf("broadcast %v", shp))
}

// ExpandDims inserts an axis of length 1 at position axis.
func (x *Array) ExpandDims(axis int) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	shp := x.n.shape()
	a, err := normAxis("expand dims", axis, len(shp)+1)
	if err != nil {
		return failed(err)
	}
	out := slices.Insert(slices.Clone(shp), a, 1)
	axes := make([]viewAxis, len(shp))
	for j := range shp {
		o := j
		if j >= a {
			o++
		}
		axes[j] = viewAxis{out: o, step: 1}
	}
	return x.view(axes, out, fmt.Sprintf("expand dims at %d", a))
}
