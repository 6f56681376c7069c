package array

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// A region is the part of a plan that fuses into one kernel: elementwise
// operations and views over leaves. Leaves are constants, generators,
// in-memory arrays (read in place) and the chunks of materialized nodes
// (reductions, matrix products, rechunks, loads: anything that is not
// elementwise). Every view (slice, transpose, broadcast, integer index) is
// composed into the affine index map of the leaves it reads, so a view
// costs nothing and a slice of an elementwise expression reads only the
// sliced elements of its inputs.
//
// The region's chunk grid is the coarsest one whose chunks each read
// exactly one chunk of every materialized leaf, and that also respects the
// chunking the generators and in-memory arrays were given. One kernel runs
// per region chunk.
type region struct {
	root   node
	shp    []int
	g      grid
	prog   *program
	leaves []leaf
	deps   []node // the materialized nodes the region reads
	// shapers are constant arrays: not read, but their chunking counts
	shapers []leaf
}

type leafKind uint8

const (
	leafGen leafKind = iota + 1
	leafMem
	leafDep
)

// leaf is an input of a fused kernel with the map from region coordinates
// to its own.
type leaf struct {
	kind leafKind
	n    node
	m    []viewAxis // per axis of n
	dep  int        // leafDep: index into region.deps
}

// fusable reports nodes that belong inside a region.
func fusable(n node) bool {
	switch n.(type) {
	case *ewNode, *viewNode, *genNode, *memNode:
		return true
	}
	return false
}

func identityMap(nd int) []viewAxis {
	m := make([]viewAxis, nd)
	for a := range m {
		m[a] = viewAxis{out: a, step: 1}
	}
	return m
}

// compose maps through a view: m maps region coordinates to the view's
// axes; the result maps them to the view input's axes.
func compose(v *viewNode, m []viewAxis) []viewAxis {
	out := make([]viewAxis, len(v.axes))
	for j, va := range v.axes {
		if va.out < 0 {
			out[j] = viewAxis{out: -1, start: va.start}
			continue
		}
		p := m[va.out]
		if p.out < 0 {
			out[j] = viewAxis{out: -1, start: va.start + va.step*p.start}
			continue
		}
		out[j] = viewAxis{out: p.out, start: va.start + va.step*p.start, step: va.step * p.step}
	}
	return out
}

// broadcastMap maps region coordinates to the axes of an operand of shape
// in broadcast to shape out.
func broadcastMap(in, out []int, m []viewAxis) []viewAxis {
	d := len(out) - len(in)
	r := make([]viewAxis, len(in))
	for j := range in {
		if in[j] == 1 && out[j+d] != 1 {
			r[j] = viewAxis{out: -1}
			continue
		}
		r[j] = m[j+d]
	}
	return r
}

func mapKey(m []viewAxis) string {
	var b strings.Builder
	for _, a := range m {
		fmt.Fprintf(&b, "%d:%d:%d,", a.out, a.start, a.step)
	}
	return b.String()
}

// newRegion compiles the fused kernel of root, a fusable node. g, when not
// nil, forces the region's grid (it must respect materialized leaves).
func newRegion(root node, g grid) (*region, error) {
	r := &region{root: root, shp: root.shape()}
	b := &progBuilder{r: r, memo: map[string]int{}, leafMemo: map[string]int{}, depIdx: map[node]int{}}
	out, err := b.visit(root, identityMap(len(r.shp)))
	if err != nil {
		return nil, err
	}
	b.p.out = out
	r.prog = b.finish()
	if g == nil {
		g = r.grid()
	}
	r.g = g
	return r, nil
}

// regionGridOf is the chunk grid a fusable node computes in.
func regionGridOf(n node) grid {
	r := &region{root: n, shp: n.shape()}
	b := &progBuilder{r: r, memo: map[string]int{}, leafMemo: map[string]int{}, depIdx: map[node]int{}}
	if _, err := b.visit(n, identityMap(len(r.shp))); err != nil {
		return autoGrid(n.shape(), n.dtype().Size(), DefaultChunkBytes)
	}
	return r.grid()
}

// grid computes the region's chunk grid from its leaves' chunk
// boundaries.
func (r *region) grid() grid {
	nd := len(r.shp)
	cuts := make([]map[int]bool, nd)
	mapped := make([]bool, nd)
	for a := range cuts {
		cuts[a] = map[int]bool{}
	}
	for _, l := range append(slices.Clip(r.leaves), r.shapers...) {
		lg := l.n.nominal()
		for j, va := range l.m {
			if va.out < 0 || va.step == 0 {
				continue
			}
			a := va.out
			mapped[a] = true
			n := r.shp[a]
			s := 0
			for k, size := range lg[j] {
				if k > 0 {
					var p int
					if va.step > 0 {
						p = ceilDiv(s-va.start, va.step)
					} else {
						p = ceilDiv(va.start-s+1, -va.step)
					}
					if p > 0 && p < n {
						cuts[a][p] = true
					}
				}
				s += size
			}
		}
	}
	g := make(grid, nd)
	for a := range nd {
		if !mapped[a] {
			continue
		}
		ps := make([]int, 0, len(cuts[a]))
		for p := range cuts[a] {
			ps = append(ps, p)
		}
		sort.Ints(ps)
		prev := 0
		for _, p := range ps {
			g[a] = append(g[a], p-prev)
			prev = p
		}
		g[a] = append(g[a], r.shp[a]-prev)
		if r.shp[a] == 0 {
			g[a] = []int{0}
		}
	}
	// Axes that no leaf reads (pure broadcasting) are chunked so a chunk
	// stays near the default size.
	inner := r.root.dtype().Size()
	for a := range nd {
		if mapped[a] {
			inner *= max(1, slices.Max(g[a]))
		}
	}
	for a := nd - 1; a >= 0; a-- {
		if mapped[a] {
			continue
		}
		c := max(1, DefaultChunkBytes/max(inner, 1))
		g[a] = regular(r.shp[a], c)
		inner *= max(1, min(c, r.shp[a]))
	}
	return g
}

func ceilDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) == (b < 0)) {
		q++
	}
	return q
}

// binding is how one leaf is read by one region chunk: data (for in-memory
// and materialized leaves), the linear position of the chunk's first
// element in the leaf's index space, and the stride of each region axis.
type binding struct {
	f       []float64
	i       []int64
	b       []bool
	off     int
	strides []int
	contig  bool
}

// bind computes the bindings of every leaf for the region chunk at origin
// with shape cs, and the dependency chunk each dep leaf reads (as a grid
// index of that dep, C-order linear).
func (r *region) bind(origin, cs []int) (binds []binding, depChunks []int) {
	binds = make([]binding, len(r.leaves))
	depChunks = make([]int, len(r.leaves))
	cst := cStrides(cs)
	for li, l := range r.leaves {
		shp := l.n.shape()
		base := make([]int, len(shp))
		for j, va := range l.m {
			if va.out < 0 {
				base[j] = va.start
			} else {
				base[j] = va.start + va.step*origin[va.out]
			}
		}
		var st []int
		depChunks[li] = -1
		switch l.kind {
		case leafDep:
			dg := l.n.nominal()
			starts := dg.starts()
			idx := make([]int, len(shp))
			local := make([]int, len(shp))
			for j := range shp {
				k := sort.SearchInts(starts[j], base[j]+1) - 1
				k = max(k, 0)
				idx[j] = k
				local[j] = base[j] - starts[j][k]
			}
			base = local
			st = cStrides(dg.chunkShape(idx))
			depChunks[li] = linearIndex(idx, dg.counts())
		default:
			st = cStrides(shp)
		}
		bd := binding{strides: make([]int, len(cs))}
		for j, va := range l.m {
			bd.off += st[j] * base[j]
			if va.out >= 0 {
				bd.strides[va.out] += st[j] * va.step
			}
		}
		bd.contig = true
		for a := range cs {
			if cs[a] > 1 && bd.strides[a] != cst[a] {
				bd.contig = false
			}
		}
		binds[li] = bd
	}
	return binds, depChunks
}

// describe returns the region's kernel for Explain.
func (r *region) describe() string {
	var parts []string
	for k, in := range r.prog.ins {
		parts = append(parts, fmt.Sprintf("r%d=%s", k, in.describe(r)))
	}
	return strings.Join(parts, "; ")
}
