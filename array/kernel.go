package array

import (
	"context"
	"fmt"

	"github.com/dusk-go/dusk/internal/fastmath"
)

// elemError is an error of one element of a kernel, at a position of the
// block; the chunk driver turns it into the element's index.
type elemError struct {
	at  int
	msg string
}

func (e *elemError) Error() string { return e.msg }

// chunkRun evaluates a region's program over one region chunk.
type chunkRun struct {
	r      *region
	origin []int
	cs     []int
	binds  []binding
}

// newChunkRun binds the leaves for the chunk at grid index idx; vals are
// the dependency chunks in the order of depChunks' distinct entries as
// returned by chunkDeps.
func (r *region) chunkRun(origin, cs []int, binds []binding, depVals []any, depOf []int) *chunkRun {
	for li, l := range r.leaves {
		switch l.kind {
		case leafMem:
			mn := l.n.(*memNode)
			binds[li].f, binds[li].i, binds[li].b = mn.f, mn.i, mn.b
		case leafDep:
			switch v := depVals[depOf[li]].(type) {
			case []float64:
				binds[li].f = v
			case []int64:
				binds[li].i = v
			case []bool:
				binds[li].b = v
			}
		}
	}
	return &chunkRun{r: r, origin: origin, cs: cs, binds: binds}
}

// run walks the chunk block by block; sink receives each block's result
// register (valid until sink returns) and the block's first position.
func (c *chunkRun) run(ctx context.Context, sink func(s *state, out, lo, n int) error) error {
	p := c.r.prog
	s := p.getState(len(c.cs))
	defer p.putState(s)
	total := numel(c.cs)
	for lo, blk := 0, 0; lo < total; lo, blk = lo+blockLen, blk+1 {
		if blk&63 == 63 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n := min(blockLen, total-lo)
		for r := range p.ins {
			if err := c.step(s, r, lo, n); err != nil {
				if ee, ok := err.(*elemError); ok {
					return fmt.Errorf("%s at %v", ee.msg, c.index(lo+ee.at))
				}
				return err
			}
		}
		if err := sink(s, p.out, lo, n); err != nil {
			return err
		}
	}
	return nil
}

// index returns the region index of the chunk's element at linear
// position pos.
func (c *chunkRun) index(pos int) []int {
	idx := make([]int, len(c.cs))
	for a := len(c.cs) - 1; a >= 0; a-- {
		if c.cs[a] > 0 {
			idx[a] = c.origin[a] + pos%c.cs[a]
			pos /= c.cs[a]
		}
	}
	return idx
}

// positions fills pos with the linear positions, in a leaf's index space,
// of the chunk's elements lo .. lo+len(pos).
func positions(pos []int, mi, cs, strides []int, off, lo int) {
	nd := len(cs)
	if nd == 0 {
		for k := range pos {
			pos[k] = off
		}
		return
	}
	rem := lo
	at := off
	for a := nd - 1; a >= 0; a-- {
		mi[a] = rem % cs[a]
		rem /= cs[a]
		at += mi[a] * strides[a]
	}
	last := nd - 1
	ls, lc := strides[last], cs[last]
	for k := 0; k < len(pos); {
		// the rest of the current row
		run := min(lc-mi[last], len(pos)-k)
		for j := range run {
			pos[k+j] = at + j*ls
		}
		k += run
		at += run * ls
		mi[last] += run
		if mi[last] < lc {
			continue
		}
		at -= lc * ls
		mi[last] = 0
		for a := last - 1; a >= 0; a-- {
			mi[a]++
			at += strides[a]
			if mi[a] < cs[a] {
				break
			}
			at -= cs[a] * strides[a]
			mi[a] = 0
		}
	}
}

// step computes register r for the block lo .. lo+n.
func (c *chunkRun) step(s *state, r, lo, n int) error {
	in := &c.r.prog.ins[r]
	if in.isC {
		switch in.dt {
		case Float64:
			s.f[r] = s.fb[r][:n]
		case Int64:
			s.i[r] = s.ib[r][:n]
		case Bool:
			s.b[r] = s.bb[r][:n]
		}
		return nil
	}
	if in.load != 0 {
		c.load(s, r, in, lo, n)
		return nil
	}
	if in.done {
		return nil // computed with its pair
	}
	if in.pair > 0 {
		e, sh := s.fb[r][:n], s.fb[in.pair][:n]
		fastmath.ExpSinhTo(e, sh, s.f[in.args[0]])
		s.f[r], s.f[in.pair] = e, sh
		return nil
	}
	return compute(s, r, in, n)
}

func (c *chunkRun) load(s *state, r int, in *instr, lo, n int) {
	bd := &c.binds[in.leaf]
	l := &c.r.leaves[in.leaf]
	var pos []int
	if !bd.contig {
		pos = s.pos[:n]
		positions(pos, s.mi, c.cs, bd.strides, bd.off, lo)
	}
	switch l.kind {
	case leafMem, leafDep:
		switch in.dt {
		case Float64:
			s.f[r] = gather(s.fb[r][:n], bd.f, pos, bd.off+lo, bd.contig)
		case Int64:
			s.i[r] = gather(s.ib[r][:n], bd.i, pos, bd.off+lo, bd.contig)
		case Bool:
			s.b[r] = gather(s.bb[r][:n], bd.b, pos, bd.off+lo, bd.contig)
		}
	case leafGen:
		g := l.n.(*genNode)
		if pos == nil {
			// contiguous: positions base, base+1, ...
			pos = s.pos[:n]
			base := bd.off + lo
			for k := range pos {
				pos[k] = base + k
			}
		}
		switch g.kind {
		case genArange:
			if in.dt == Int64 {
				d := s.ib[r][:n]
				st, sp := int64(g.start), int64(g.step)
				for k, p := range pos {
					d[k] = st + sp*int64(p)
				}
				s.i[r] = d
				return
			}
			d := s.fb[r][:n]
			for k, p := range pos {
				d[k] = g.start + g.step*float64(p)
			}
			s.f[r] = d
		case genLinspace:
			d := s.fb[r][:n]
			last := g.shp[0] - 1
			for k, p := range pos {
				d[k] = g.start + g.step*float64(p)
				if g.last && p == last {
					d[k] = g.stop
				}
			}
			s.f[r] = d
		case genUniform:
			d := s.fb[r][:n]
			sh := seedHash(g.seed)
			for k, p := range pos {
				d[k] = g.lo + (g.hi-g.lo)*uniformAt(sh, uint64(p))
			}
			s.f[r] = d
		case genNormal:
			d := s.fb[r][:n]
			sh := seedHash(g.seed)
			for k, p := range pos {
				d[k] = g.lo + g.hi*normalAt(sh, uint64(p))
			}
			s.f[r] = d
		}
	}
}

// gather returns the block's values: a view of data when the block is
// contiguous in it, else the values at pos copied into buf.
func gather[T any](buf, data []T, pos []int, from int, contig bool) []T {
	if contig {
		return data[from : from+len(buf)]
	}
	for k, p := range pos {
		buf[k] = data[p]
	}
	return buf
}

// compute runs an operation instruction over a block.
func compute(s *state, r int, in *instr, n int) error {
	a := in.args[0]
	switch in.narg {
	case 1:
		switch in.op {
		case opCast:
			return castBlock(s, r, in, a, n)
		case opNot:
			d, x := s.bb[r][:n], s.b[a]
			for k := range d {
				d[k] = !x[k]
			}
			s.b[r] = d
			return nil
		case opIsNaN:
			d := s.bb[r][:n]
			if in.src == Float64 {
				x := s.f[a]
				for k := range d {
					d[k] = x[k] != x[k]
				}
			} else {
				clear(d)
			}
			s.b[r] = d
			return nil
		}
		if in.dt == Int64 {
			d, x := s.ib[r][:n], s.i[a]
			switch in.op {
			case opAbs:
				for k := range d {
					v := x[k]
					if v < 0 {
						v = -v
					}
					d[k] = v
				}
			case opNeg:
				for k := range d {
					d[k] = -x[k]
				}
			default:
				copy(d, x)
			}
			s.i[r] = d
			return nil
		}
		d, x := s.fb[r][:n], s.f[a]
		unaryFloat(in.op, d, x)
		s.f[r] = d
		return nil
	case 2:
		b := in.args[1]
		switch {
		case in.op == opSinhFromExp:
			d := s.fb[r][:n]
			fastmath.SinhFromExp(d, s.f[a], s.f[b])
			s.f[r] = d
			return nil
		case in.op == opCoshFromExp:
			d := s.fb[r][:n]
			fastmath.CoshFromExp(d, s.f[a], s.f[b])
			s.f[r] = d
			return nil
		case in.op.isCompare():
			d := s.bb[r][:n]
			switch in.src {
			case Float64:
				compareBlock(in.op, d, s.f[a], s.f[b])
			case Int64:
				compareBlock(in.op, d, s.i[a], s.i[b])
			default:
				x, y := s.b[a], s.b[b]
				for k := range d {
					d[k] = (x[k] == y[k]) == (in.op == opEq)
				}
			}
			s.b[r] = d
			return nil
		case in.op.isLogic():
			d, x, y := s.bb[r][:n], s.b[a], s.b[b]
			switch in.op {
			case opAnd:
				for k := range d {
					d[k] = x[k] && y[k]
				}
			case opOr:
				for k := range d {
					d[k] = x[k] || y[k]
				}
			default:
				for k := range d {
					d[k] = x[k] != y[k]
				}
			}
			s.b[r] = d
			return nil
		case in.dt == Int64:
			d := s.ib[r][:n]
			if err := binaryInt(in.op, d, s.i[a], s.i[b]); err != nil {
				return err
			}
			s.i[r] = d
			return nil
		}
		d := s.fb[r][:n]
		binaryFloat(in.op, d, s.f[a], s.f[b])
		s.f[r] = d
		return nil
	}
	// where
	cond, b, c := s.b[a], in.args[1], in.args[2]
	switch in.dt {
	case Float64:
		d, x, y := s.fb[r][:n], s.f[b], s.f[c]
		for k := range d {
			if cond[k] {
				d[k] = x[k]
			} else {
				d[k] = y[k]
			}
		}
		s.f[r] = d
	case Int64:
		d, x, y := s.ib[r][:n], s.i[b], s.i[c]
		for k := range d {
			if cond[k] {
				d[k] = x[k]
			} else {
				d[k] = y[k]
			}
		}
		s.i[r] = d
	default:
		d, x, y := s.bb[r][:n], s.b[b], s.b[c]
		for k := range d {
			d[k] = (cond[k] && x[k]) || (!cond[k] && y[k])
		}
		s.b[r] = d
	}
	return nil
}
