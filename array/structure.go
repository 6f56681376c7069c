package array

import (
	"context"
	"fmt"
	"slices"

	"github.com/dusk-go/dusk/graph"
)

// Rechunk returns x with a new chunk grid (given like the options of a
// constructor: Chunks, ChunkSizes or ChunkBytes). An elementwise
// expression over generators and in-memory arrays is recomputed on the new
// grid directly; otherwise each new chunk is copied from the old chunks it
// overlaps.
func (x *Array) Rechunk(opts ...Option) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	c := newConfig(opts)
	g, err := c.gridFor("rechunk", x.n.shape(), x.n.dtype())
	if err != nil {
		return failed(err)
	}
	if g.equal(x.n.nominal()) {
		return x
	}
	return wrap(&rechunkNode{in: x.n, g: g})
}

// Reshape gives x a new shape with the same number of elements, in C
// order; one length may be -1 and is inferred. When every chunk of x is a
// run of elements that is also a block of the new shape (x chunked along
// its first axes only, in fitting sizes), Reshape moves no data: each
// chunk of x is one chunk of the result. Otherwise x is first rechunked
// along its first axis into runs that fit both shapes.
func (x *Array) Reshape(shape ...int) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	in := x.n.shape()
	shp := slices.Clone(shape)
	total := numel(in)
	infer := -1
	known := 1
	for a, d := range shp {
		switch {
		case d == -1 && infer < 0:
			infer = a
		case d < 0:
			return failedf("%w: reshape %v to %v: invalid length %d", ErrShape, in, shape, d)
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return failedf("%w: reshape %v (%d elements) to %v", ErrShape, in, total, shape)
		}
		shp[infer] = total / known
	}
	if numel(shp) != total {
		return failedf("%w: reshape %v (%d elements) to %v (%d elements)", ErrShape, in, total, shape, numel(shp))
	}
	if slices.Equal(shp, in) {
		return x
	}
	src := x.n
	g, err := reshapeGrid(src.nominal(), in, shp)
	if err != nil {
		src = &rechunkNode{in: src, g: reshapeRuns(src.nominal(), in, shp, src.dtype())}
		if g, err = reshapeGrid(src.nominal(), in, shp); err != nil {
			return failedf("%w: reshape %v to %v: %v", ErrShape, in, shp, err)
		}
	}
	return wrap(&reshapeNode{in: src, shp: shp, g: g})
}

// reshapeRuns is a grid of in, split along its first axis only, whose
// chunks are runs that are whole rows of both shapes: a multiple of the
// least common multiple of the two row sizes, near the current chunks'
// size.
func reshapeRuns(g grid, in, out []int, dt DType) grid {
	if len(in) == 0 || numel(in) == 0 {
		return autoWhole(in)
	}
	rowIn := numel(in[1:])
	rowOut := 1
	if len(out) > 0 {
		rowOut = numel(out[1:])
	}
	l := rowIn / gcd(rowIn, rowOut) * rowOut
	target := 1
	forEachIndex(g.counts(), func(idx []int) { target = max(target, numel(g.chunkShape(idx))) })
	runs := max(1, target/l)
	ng := autoWhole(in)
	ng[0] = regular(in[0], runs*l/rowIn)
	return ng
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return max(a, 1)
}

// chunkRanges returns the boundaries of a grid's chunks in linear (C)
// order if every chunk is a contiguous run of elements and the chunks, in
// C order, are consecutive runs; otherwise nil.
func chunkRanges(g grid, shape []int) []int {
	// The chunks are consecutive runs when, for the last axis q that is
	// split, every axis after q is whole and every axis before q has
	// chunks of length 1.
	q := -1
	for a := range shape {
		if len(g[a]) > 1 {
			q = a
		}
	}
	if q < 0 {
		return []int{0, numel(shape)}
	}
	for a := range q {
		for _, s := range g[a] {
			if s != 1 {
				return nil
			}
		}
	}
	inner := numel(shape[q+1:])
	cuts := []int{0}
	for o := range numel(shape[:q]) {
		base := o * shape[q] * inner
		at := 0
		for _, s := range g[q] {
			at += s
			cuts = append(cuts, base+at*inner)
		}
	}
	return cuts
}

// reshapeGrid finds the grid of the new shape whose chunks are the old
// chunks' runs.
func reshapeGrid(g grid, in, out []int) (grid, error) {
	cuts := chunkRanges(g, in)
	if cuts == nil {
		return nil, fmt.Errorf("chunks %v are not contiguous runs of elements (Rechunk so that only the first axes are split)", g)
	}
	if len(cuts) == 2 {
		return autoWhole(out), nil
	}
	for q := range out {
		// chunks of length 1 before q, whole after q
		inner := numel(out[q+1:])
		outer := numel(out[:q])
		if inner == 0 {
			continue
		}
		var sizes []int
		ok := true
		k := 1
		for o := 0; o < outer && ok; o++ {
			base := o * out[q] * inner
			at := 0
			var these []int
			for at < out[q] {
				if k >= len(cuts) {
					ok = false
					break
				}
				c := cuts[k] - base
				if c%inner != 0 || c/inner <= at || c/inner > out[q] {
					ok = false
					break
				}
				these = append(these, c/inner-at)
				at = c / inner
				k++
			}
			if o == 0 {
				sizes = these
			} else if !slices.Equal(sizes, these) {
				ok = false
			}
		}
		if ok && k == len(cuts) {
			ng := make(grid, len(out))
			for a := range out {
				switch {
				case a < q:
					ng[a] = regular(out[a], 1)
				case a == q:
					ng[a] = sizes
				default:
					ng[a] = []int{out[a]}
				}
			}
			return ng, nil
		}
	}
	return nil, fmt.Errorf("chunks %v do not map to whole chunks of the new shape", g)
}

func autoWhole(shape []int) grid {
	g := make(grid, len(shape))
	for a, d := range shape {
		g[a] = []int{d}
	}
	return g
}

// commonGrid refines grids axis by axis: the union of their cut points.
func commonSizes(lists ...[]int) []int {
	cuts := map[int]bool{}
	total := 0
	for _, sizes := range lists {
		at := 0
		for _, s := range sizes {
			at += s
			cuts[at] = true
		}
		total = at
	}
	var out []int
	prev := 0
	for p := 1; p <= total; p++ {
		if cuts[p] {
			out = append(out, p-prev)
			prev = p
		}
	}
	if len(out) == 0 {
		out = []int{0}
	}
	return out
}

// Concatenate joins arrays along an existing axis. Their shapes must agree
// on every other axis; their types are promoted (bools only join bools).
// The result's chunks are the inputs' chunks: nothing is copied.
func Concatenate(axis int, xs ...*Array) *Array { return join("concatenate", axis, false, xs) }

// Stack joins arrays of one shape along a new axis.
func Stack(axis int, xs ...*Array) *Array { return join("stack", axis, true, xs) }

func join(op string, axis int, stack bool, xs []*Array) *Array {
	if len(xs) == 0 {
		return failedf("%w: %s of no arrays", ErrValue, op)
	}
	for _, x := range xs {
		if err := x.Err(); err != nil {
			return x
		}
	}
	nodes := make([]node, len(xs))
	first := xs[0].n.shape()
	nd := len(first)
	if stack {
		nd++
	}
	a, err := normAxis(op, axis, nd)
	if err != nil {
		return failed(err)
	}
	dt := xs[0].n.dtype()
	for i, x := range xs {
		shp := x.n.shape()
		if stack && !slices.Equal(shp, first) {
			return failedf("%w: stack: array %d has shape %v, array 0 %v", ErrShape, i, shp, first)
		}
		if !stack {
			if len(shp) != len(first) {
				return failedf("%w: concatenate: array %d has %d dimensions, array 0 %d", ErrShape, i, len(shp), len(first))
			}
			for j := range shp {
				if j != a && shp[j] != first[j] {
					return failedf("%w: concatenate on axis %d: array %d has shape %v, array 0 %v", ErrShape, a, i, shp, first)
				}
			}
		}
		t := x.n.dtype()
		if (t == Bool) != (dt == Bool) {
			return failedf("%w: %s: cannot join %s and %s arrays", ErrType, op, dt, t)
		}
		if t != Bool {
			dt = promote(dt, t)
		}
		nodes[i] = x.n
		if stack {
			nodes[i] = x.ExpandDims(a).n
		}
	}
	shp := slices.Clone(nodes[0].shape())
	shp[a] = 0
	for _, n := range nodes {
		shp[a] += n.shape()[a]
	}
	// one grid on the other axes
	g := make(grid, len(shp))
	for j := range shp {
		if j == a {
			continue
		}
		lists := make([][]int, len(nodes))
		for i, n := range nodes {
			lists[i] = n.nominal()[j]
		}
		g[j] = commonSizes(lists...)
	}
	for i, n := range nodes {
		n = castNode(n, dt)
		ng := n.nominal().clone()
		changed := false
		for j := range shp {
			if j != a && !slices.Equal(ng[j], g[j]) {
				ng[j] = g[j]
				changed = true
			}
		}
		if changed {
			n = &rechunkNode{in: n, g: ng}
		}
		nodes[i] = n
		g[a] = append(g[a], n.nominal()[a]...)
	}
	return wrap(&concatNode{in: nodes, axis: a, stack: stack, shp: shp, dt: dt, g: g})
}

func (lw *lowering) concat(n *concatNode) (*chunks, error) {
	ins := make([]*chunks, len(n.in))
	for i, in := range n.in {
		c, err := lw.lower(in)
		if err != nil {
			return nil, err
		}
		ins[i] = c
	}
	c := &chunks{g: n.g, dt: n.dt}
	counts := n.g.counts()
	forEachIndex(counts, func(idx []int) {
		k := idx[n.axis]
		for _, in := range ins {
			m := len(in.g[n.axis])
			if k < m {
				sub := slices.Clone(idx)
				sub[n.axis] = k
				c.ids = append(c.ids, in.ids[linearIndex(sub, in.g.counts())])
				return
			}
			k -= m
		}
	})
	return c, nil
}

// Take selects the given positions along an axis (negative ones count
// from the end), in the given order, repeats allowed.
func (x *Array) Take(axis int, idx []int) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	shp := x.n.shape()
	a, err := normAxis("take", axis, len(shp))
	if err != nil {
		return failed(err)
	}
	pos := make([]int, len(idx))
	for k, i := range idx {
		if i < -shp[a] || i >= shp[a] {
			return failedf("%w: take: index %d (position %d) is out of range for axis %d of length %d", ErrAxis, i, k, a, shp[a])
		}
		if i < 0 {
			i += shp[a]
		}
		pos[k] = i
	}
	return takeOf(x, a, pos, "take")
}

// Mask selects the positions along an axis where mask is true (NumPy's
// x[..., mask, ...] with a bool vector); len(mask) must be the axis'
// length.
func (x *Array) Mask(axis int, mask []bool) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	shp := x.n.shape()
	a, err := normAxis("mask", axis, len(shp))
	if err != nil {
		return failed(err)
	}
	if len(mask) != shp[a] {
		return failedf("%w: mask of %d values for axis %d of length %d", ErrShape, len(mask), a, shp[a])
	}
	var pos []int
	for i, m := range mask {
		if m {
			pos = append(pos, i)
		}
	}
	return takeOf(x, a, pos, "mask")
}

func takeOf(x *Array, a int, pos []int, desc string) *Array {
	shp := slices.Clone(x.n.shape())
	shp[a] = len(pos)
	g := x.n.nominal().clone()
	size := 1
	if len(g[a]) > 0 {
		size = max(1, slices.Max(g[a]))
	}
	g[a] = regular(len(pos), size)
	return wrap(&takeNode{in: x.n, axis: a, idx: pos, shp: shp, g: g, desc: desc})
}

func (lw *lowering) take(n *takeNode) (*chunks, error) {
	in, err := lw.lower(n.in)
	if err != nil {
		return nil, err
	}
	ax := n.axis
	inStarts := in.g.starts()
	name := lw.name(n.desc)
	op := "array: " + n.desc
	c := &chunks{g: n.g, dt: in.dt}
	outStarts := n.g.starts()
	k := 0
	forEachIndex(n.g.counts(), func(idx []int) {
		cs := n.g.chunkShape(idx)
		sel := n.idx[outStarts[ax][idx[ax]] : outStarts[ax][idx[ax]]+cs[ax]]
		// the input chunks along the axis that the selection reads
		var srcChunks []int
		where := make([][2]int, len(sel)) // (source chunk slot, offset in it)
		for j, p := range sel {
			ci := searchChunk(inStarts[ax], p)
			slot := slices.Index(srcChunks, ci)
			if slot < 0 {
				slot = len(srcChunks)
				srcChunks = append(srcChunks, ci)
			}
			where[j] = [2]int{slot, p - inStarts[ax][ci]}
		}
		var deps []graph.ID
		var shapes [][]int
		for _, ci := range srcChunks {
			sub := slices.Clone(idx)
			sub[ax] = ci
			deps = append(deps, in.ids[linearIndex(sub, in.g.counts())])
			shapes = append(shapes, in.g.chunkShape(sub))
		}
		dt := in.dt
		fn := func(ctx context.Context, vals []any) (any, error) {
			out := newValues(dt, numel(cs))
			for j, w := range where {
				copySlab(out, cs, ax, j, vals[w[0]], shapes[w[0]], w[1])
			}
			return out, nil
		}
		c.ids = append(c.ids, lw.b.Add(graph.K(name, k), fn, graph.Hints{Op: op, Bytes: int64(numel(cs) * dt.Size())}, deps...))
		k++
	})
	return c, nil
}

func searchChunk(starts []int, p int) int {
	i, _ := slices.BinarySearch(starts, p+1)
	return max(i-1, 0)
}

// copySlab copies position from of axis ax of src (shape ss) to position
// to of axis ax of dst (shape ds); the other axes have equal lengths.
func copySlab(dst any, ds []int, ax, to int, src any, ss []int, from int) {
	outer := numel(ds[:ax])
	inner := numel(ds[ax+1:])
	for o := range outer {
		d := (o*ds[ax] + to) * inner
		s := (o*ss[ax] + from) * inner
		switch dv := dst.(type) {
		case []float64:
			copy(dv[d:d+inner], src.([]float64)[s:s+inner])
		case []int64:
			copy(dv[d:d+inner], src.([]int64)[s:s+inner])
		case []bool:
			copy(dv[d:d+inner], src.([]bool)[s:s+inner])
		}
	}
}

// rechunk lowers a change of grid: recomputed on the new grid when the
// input fuses without materialized inputs, else copied from overlapping
// chunks.
func (lw *lowering) rechunk(n *rechunkNode) (*chunks, error) {
	if fusable(n.in) {
		r, err := newRegion(n.in, nil)
		if err != nil {
			return nil, err
		}
		if len(r.deps) == 0 {
			return lw.materialize(n.in, n.g)
		}
	}
	in, err := lw.lower(n.in)
	if err != nil {
		return nil, err
	}
	name := lw.name("rechunk")
	op := "array: rechunk"
	inStarts := in.g.starts()
	outStarts := n.g.starts()
	c := &chunks{g: n.g, dt: in.dt}
	k := 0
	nd := len(n.g)
	forEachIndex(n.g.counts(), func(idx []int) {
		cs := n.g.chunkShape(idx)
		lo := make([]int, nd)
		firsts := make([]int, nd)
		spans := make([]int, nd)
		for a := range nd {
			lo[a] = outStarts[a][idx[a]]
			f, l, _ := overlaps(in.g[a], lo[a], lo[a]+cs[a])
			firsts[a], spans[a] = f, l-f+1
		}
		var deps []graph.ID
		var pieces [][3][]int // source origin, source shape, (unused)
		forEachIndex(spans, func(rel []int) {
			sub := make([]int, nd)
			origin := make([]int, nd)
			for a := range nd {
				sub[a] = firsts[a] + rel[a]
				origin[a] = inStarts[a][sub[a]]
			}
			deps = append(deps, in.ids[linearIndex(sub, in.g.counts())])
			pieces = append(pieces, [3][]int{origin, in.g.chunkShape(sub)})
		})
		dt := in.dt
		fn := func(ctx context.Context, vals []any) (any, error) {
			out := newValues(dt, numel(cs))
			for p, pc := range pieces {
				copyOverlap(out, cs, lo, vals[p], pc[1], pc[0])
			}
			return out, nil
		}
		c.ids = append(c.ids, lw.b.Add(graph.K(name, k), fn, graph.Hints{Op: op, Bytes: int64(numel(cs) * dt.Size())}, deps...))
		k++
	})
	return c, nil
}

// copyOverlap copies the overlap of a source chunk (shape ss at origin so)
// into a destination chunk (shape ds at origin do), row by row.
func copyOverlap(dst any, ds, do []int, src any, ss, so []int) {
	nd := len(ds)
	if nd == 0 {
		copyRow(dst, 0, src, 0, 1)
		return
	}
	lo := make([]int, nd)
	box := make([]int, nd)
	for a := range nd {
		l := max(do[a], so[a])
		h := min(do[a]+ds[a], so[a]+ss[a])
		if h <= l {
			return
		}
		lo[a], box[a] = l, h-l
	}
	dst0, src0 := cStrides(ds), cStrides(ss)
	rowLen := box[nd-1]
	forEachIndex(box[:nd-1], func(rel []int) {
		d, s := 0, 0
		for a := range nd - 1 {
			d += (lo[a] + rel[a] - do[a]) * dst0[a]
			s += (lo[a] + rel[a] - so[a]) * src0[a]
		}
		d += lo[nd-1] - do[nd-1]
		s += lo[nd-1] - so[nd-1]
		copyRow(dst, d, src, s, rowLen)
	})
}

func copyRow(dst any, d int, src any, s, n int) {
	switch dv := dst.(type) {
	case []float64:
		copy(dv[d:d+n], src.([]float64)[s:s+n])
	case []int64:
		copy(dv[d:d+n], src.([]int64)[s:s+n])
	case []bool:
		copy(dv[d:d+n], src.([]bool)[s:s+n])
	}
}
