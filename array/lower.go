package array

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dusk-go/dusk/graph"
)

// chunks is a lowered array: the task computing each chunk of a grid, in
// C order of the grid. A task's value is the chunk's elements in C order,
// as a []float64, []int64 or []bool.
type chunks struct {
	g   grid
	dt  DType
	ids []graph.ID
}

// lowerer is implemented by the nodes that lower themselves.
type lowerer interface {
	lower(lw *lowering) (*chunks, error)
}

// lowering turns a plan into a task graph: one task per chunk per
// materialized node, where each fused region is one task per chunk.
type lowering struct {
	b    *graph.Builder
	done map[node]*chunks
	seq  int
	// for Explain: the fused kernels, by name
	kernels []string
}

func newLowering() *lowering {
	return &lowering{b: graph.NewBuilder(64), done: map[node]*chunks{}}
}

// name returns a unique task name for an operation.
func (lw *lowering) name(op string) string {
	lw.seq++
	return fmt.Sprintf("%s#%d", op, lw.seq)
}

// lower returns the chunks of n, adding their tasks once.
func (lw *lowering) lower(n node) (*chunks, error) {
	if c, ok := lw.done[n]; ok {
		return c, nil
	}
	var c *chunks
	var err error
	switch n := n.(type) {
	case *reduceNode:
		c, err = lw.reduce(n)
	case *rechunkNode:
		c, err = lw.rechunk(n)
	case *reshapeNode:
		var in *chunks
		if in, err = lw.lower(n.in); err == nil {
			c = &chunks{g: n.g, dt: in.dt, ids: in.ids}
		}
	case *concatNode:
		c, err = lw.concat(n)
	case *takeNode:
		c, err = lw.take(n)
	case lowerer:
		c, err = n.lower(lw)
	default:
		c, err = lw.materialize(n, nil)
	}
	if err != nil {
		return nil, err
	}
	lw.done[n] = c
	return c, nil
}

// fused compiles the fused kernel of n (on grid g, or its own when nil)
// and lowers the materialized nodes it reads.
func (lw *lowering) fused(n node, g grid) (*region, []*chunks, error) {
	r, err := newRegion(n, g)
	if err != nil {
		return nil, nil, err
	}
	if _, err := checkGrid(kernelOp(r), r.g); err != nil {
		return nil, nil, err
	}
	deps, err := lw.regionDeps(r)
	if err != nil {
		return nil, nil, err
	}
	return r, deps, nil
}

// regionDeps lowers the materialized nodes a region reads.
func (lw *lowering) regionDeps(r *region) ([]*chunks, error) {
	deps := make([]*chunks, len(r.deps))
	for d, n := range r.deps {
		c, err := lw.lower(n)
		if err != nil {
			return nil, err
		}
		if !c.g.equal(n.nominal()) {
			return nil, fmt.Errorf("array: internal error: %s lowered to grid %v, planned %v", n, c.g, n.nominal())
		}
		deps[d] = c
	}
	return deps, nil
}

// kernelOp names a region's kernel for progress reports and profiles.
func kernelOp(r *region) string {
	var ops []string
	seen := map[string]bool{}
	for _, in := range r.prog.ins {
		var s string
		switch {
		case in.isC:
			continue
		case in.load == leafGen:
			s = r.leaves[in.leaf].n.(*genNode).kindName()
		case in.load != 0:
			continue
		default:
			s = in.op.String()
		}
		if !seen[s] {
			seen[s] = true
			ops = append(ops, s)
		}
	}
	if len(ops) == 0 {
		return "copy"
	}
	return strings.Join(ops, "·")
}

func (n *genNode) kindName() string {
	return [...]string{"full", "arange", "linspace", "uniform", "normal"}[n.kind]
}

// chunkTask is a region chunk: where it is, its bindings and the
// dependency tasks it reads.
type chunkTask struct {
	origin, cs []int
	binds      []binding
	depOf      []int // per leaf: index into ids (dep leaves)
	ids        []graph.ID
}

// regionTasks plans the tasks of a region's chunks.
func regionTasks(r *region, deps []*chunks) []chunkTask {
	starts := r.g.starts()
	var out []chunkTask
	forEachIndex(r.g.counts(), func(idx []int) {
		origin := make([]int, len(idx))
		for a, i := range idx {
			origin[a] = starts[a][i]
		}
		cs := r.g.chunkShape(idx)
		binds, depChunks := r.bind(origin, cs)
		t := chunkTask{origin: origin, cs: cs, binds: binds, depOf: make([]int, len(r.leaves))}
		for li, l := range r.leaves {
			if l.kind != leafDep {
				continue
			}
			id := deps[l.dep].ids[depChunks[li]]
			k := slices.Index(t.ids, id)
			if k < 0 {
				k = len(t.ids)
				t.ids = append(t.ids, id)
			}
			t.depOf[li] = k
		}
		out = append(out, t)
	})
	return out
}

// materialize computes a node's chunks with its fused kernel, on grid g
// (the region's own grid when nil).
func (lw *lowering) materialize(n node, g grid) (*chunks, error) {
	r, deps, err := lw.fused(n, g)
	if err != nil {
		return nil, err
	}
	opName := kernelOp(r)
	lw.kernels = append(lw.kernels, fmt.Sprintf("%s %v: %s", opName, r.shp, r.describe()))
	name := lw.name(opName)
	op := "array: " + opName
	dt := n.dtype()
	c := &chunks{g: r.g, dt: dt}
	for k, t := range regionTasks(r, deps) {
		fn := func(ctx context.Context, vals []any) (any, error) {
			binds := slices.Clone(t.binds)
			cr := r.chunkRun(t.origin, t.cs, binds, vals, t.depOf)
			out := newValues(dt, numel(t.cs))
			err := cr.run(ctx, func(s *state, reg, lo, n int) error {
				switch o := out.(type) {
				case []float64:
					copy(o[lo:lo+n], s.f[reg])
				case []int64:
					copy(o[lo:lo+n], s.i[reg])
				case []bool:
					copy(o[lo:lo+n], s.b[reg])
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			return out, nil
		}
		h := graph.Hints{Op: op, Bytes: int64(numel(t.cs) * dt.Size()), ReadsInput: len(t.ids) == 0}
		c.ids = append(c.ids, lw.b.Add(graph.K(name, k), fn, h, t.ids...))
	}
	return c, nil
}

// newValues allocates a chunk's values.
func newValues(dt DType, n int) any {
	switch dt {
	case Int64:
		return make([]int64, n)
	case Bool:
		return make([]bool, n)
	}
	return make([]float64, n)
}

// reduce lowers a reduction: a fused kernel per input chunk folds its
// elements into a partial result, then partials along the reduced axes
// are merged in a tree of fan-in n.fanIn, then finished.
func (lw *lowering) reduce(n *reduceNode) (*chunks, error) {
	r, deps, err := lw.fused(n.in, nil)
	if err != nil {
		return nil, err
	}
	opName := kernelOp(r)
	if opName == "copy" {
		opName = ""
	} else {
		opName += "·"
	}
	opName += n.kind.String()
	lw.kernels = append(lw.kernels, fmt.Sprintf("%s %v: %s; fold %s", opName, r.shp, r.describe(), n.kind))
	name := lw.name(opName)
	op := "array: " + opName
	inShape := r.shp
	inStrides := cStrides(inShape)
	argAxis := -1
	if n.kind.isArg() {
		for a, red := range n.axes {
			if red && !allTrue(n.axes) {
				argAxis = a
			}
		}
	}
	foldDT := n.in.dtype()
	counts := r.g.counts()
	// A sum of products over whole chunks folds the last multiplication
	// into the sum (a dot product): the product is never stored.
	dot := -1
	if last := &r.prog.ins[r.prog.out]; last.op == opMul && last.dt == Float64 && last.narg == 2 &&
		(n.kind == redSum || n.kind == redMean) && allTrue(n.axes) && !last.done && last.pair == 0 {
		last.done = true
		dot = r.prog.out
	}
	// group partials by the chunk coordinates of the axes kept
	var keptCounts []int
	for a, red := range n.axes {
		if !red {
			keptCounts = append(keptCounts, counts[a])
		}
	}
	groups := make([][]graph.ID, max(1, numel(keptCounts)))
	for k, t := range regionTasks(r, deps) {
		pcs := slices.Clone(t.cs)
		for a, red := range n.axes {
			if red {
				pcs[a] = 1
			}
		}
		pst := cStrides(pcs)
		for a, red := range n.axes {
			if red {
				pst[a] = 0
			}
		}
		slots := numel(pcs)
		var atStr []int
		atOff := 0
		if n.kind.isArg() {
			if argAxis >= 0 {
				atStr = make([]int, len(inShape))
				atStr[argAxis] = 1
				atOff = t.origin[argAxis]
			} else {
				atStr = inStrides
				for a := range inShape {
					atOff += t.origin[a] * inStrides[a]
				}
			}
		}
		nd := len(t.cs)
		fn := func(ctx context.Context, vals []any) (any, error) {
			binds := slices.Clone(t.binds)
			cr := r.chunkRun(t.origin, t.cs, binds, vals, t.depOf)
			p := newPartial(n.kind, foldDT, slots)
			var at []int
			if atStr != nil {
				at = make([]int, blockLen)
			}
			mi := make([]int, nd)
			// the slot stride along the last axis: 0 when it is reduced
			lastStride, rowLen := 0, 1
			if nd > 0 {
				lastStride, rowLen = pst[nd-1], t.cs[nd-1]
			}
			err := cr.run(ctx, func(s *state, reg, lo, nb int) error {
				var ats []int
				if at != nil {
					ats = at[:nb]
					positions(ats, mi, t.cs, atStr, atOff, lo)
				}
				// walk the block row by row: a row's values go to one
				// slot (last axis reduced) or to consecutive slots
				row, col := lo/max(rowLen, 1), lo%max(rowLen, 1)
				for off := 0; off < nb; {
					seg := min(rowLen-col, nb-off)
					if rowLen == 0 {
						break
					}
					slot := rowSlot(row, t.cs, pst) + col*lastStride
					var sa []int
					if ats != nil {
						sa = ats[off : off+seg]
					}
					switch {
					case dot >= 0:
						in := &r.prog.ins[dot]
						p.foldDot(s.f[in.args[0]][off:off+seg], s.f[in.args[1]][off:off+seg], slot)
					case foldDT == Float64:
						p.foldF(s.f[reg][off:off+seg], slot, lastStride, sa)
					case foldDT == Int64:
						p.foldI(s.i[reg][off:off+seg], slot, lastStride, sa)
					default:
						p.foldB(s.b[reg][off:off+seg], slot, lastStride)
					}
					off += seg
					row++
					col = 0
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			p.settle()
			return p, nil
		}
		h := graph.Hints{Op: op, Bytes: int64(slots * 16), ReadsInput: len(t.ids) == 0}
		id := lw.b.Add(graph.K(name, k), fn, h, t.ids...)
		// the group of this chunk
		idx := make([]int, len(counts))
		rem := k
		for a := len(counts) - 1; a >= 0; a-- {
			idx[a] = rem % counts[a]
			rem /= counts[a]
		}
		var kept []int
		for a, red := range n.axes {
			if !red {
				kept = append(kept, idx[a])
			}
		}
		gi := 0
		if len(kept) > 0 {
			gi = linearIndex(kept, keptCounts)
		}
		groups[gi] = append(groups[gi], id)
	}
	// the tree
	c := &chunks{g: n.nominal(), dt: n.dt}
	mergeName := lw.name(n.kind.String() + "-merge")
	finishName := lw.name(n.kind.String() + "-finish")
	merges := 0
	for gi, ids := range groups {
		for len(ids) > 1 {
			var next []graph.ID
			for lo := 0; lo < len(ids); lo += n.fanIn {
				part := ids[lo:min(lo+n.fanIn, len(ids))]
				if len(part) == 1 {
					next = append(next, part[0])
					continue
				}
				fn := func(ctx context.Context, vals []any) (any, error) {
					acc := vals[0].(*partial).clone()
					for _, v := range vals[1:] {
						acc.merge(v.(*partial))
					}
					return acc, nil
				}
				next = append(next, lw.b.Add(graph.K(mergeName, merges), fn, graph.Hints{Op: op}, part...))
				merges++
			}
			ids = next
		}
		ddof := n.ddof
		fn := func(ctx context.Context, vals []any) (any, error) {
			p := vals[0].(*partial).clone()
			v, err := p.finish(ddof)
			if err != nil {
				return nil, err
			}
			return v, nil
		}
		c.ids = append(c.ids, lw.b.Add(graph.K(finishName, gi), fn, graph.Hints{Op: op}, ids[0]))
	}
	return c, nil
}

func allTrue(b []bool) bool {
	for _, v := range b {
		if !v {
			return false
		}
	}
	return true
}

func (p *partial) clone() *partial {
	q := *p
	q.cnt = slices.Clone(p.cnt)
	q.f = slices.Clone(p.f)
	q.i = slices.Clone(p.i)
	q.m2 = slices.Clone(p.m2)
	q.idx = slices.Clone(p.idx)
	q.b = slices.Clone(p.b)
	return &q
}

// rowSlot returns the slot of the first element of row `row` (C order
// over all axes but the last) of a chunk of shape cs, for slot strides pst.
func rowSlot(row int, cs, pst []int) int {
	slot := 0
	for a := len(cs) - 2; a >= 0; a-- {
		if cs[a] > 0 {
			slot += (row % cs[a]) * pst[a]
			row /= cs[a]
		}
	}
	return slot
}

// overlaps returns, for a range [lo, hi) of an axis chunked by sizes, the
// chunks it touches: their indices and start offsets.
func overlaps(sizes []int, lo, hi int) (first, last int, starts []int) {
	starts = make([]int, len(sizes)+1)
	for i, s := range sizes {
		starts[i+1] = starts[i] + s
	}
	first = sort.SearchInts(starts, lo+1) - 1
	last = sort.SearchInts(starts, hi) - 1
	first = min(max(first, 0), len(sizes)-1)
	last = min(max(last, first), len(sizes)-1)
	if hi <= lo {
		last = first
	}
	return first, last, starts
}
