package array

import (
	"fmt"
	"strings"
	"sync"
)

// blockLen is the number of elements a fused kernel processes at a time:
// every register of a block fits in the L1 or L2 cache together, and the
// per-block dispatch cost is lost in the loops.
const blockLen = 2048

// instr is one step of a fused kernel: it computes one register (its index
// in the program) from earlier registers, a leaf or a constant.
type instr struct {
	op   opcode
	load leafKind // a load of leaf `leaf` when non-zero
	leaf int
	dt   DType // result type
	args [3]int
	narg int
	src  DType   // opCast: operand type; comparisons: operand type
	cnst float64 // constants (load == 0, op == opInvalid)
	isC  bool    // a constant register
	// pair: an opExp whose result feeds an opSinhFromExp of the same
	// operand computes both in one pass (fastmath.ExpSinhTo); pair is the
	// sinh register, and that instruction is marked done.
	pair int
	done bool
}

// program is a fused kernel: instructions in dependency order, the result
// register, and a pool of per-worker scratch space.
type program struct {
	ins  []instr
	out  int
	pool sync.Pool // *state
}

// state is a worker's scratch for one program: a buffer per register.
type state struct {
	f   [][]float64 // views of the registers' current block
	i   [][]int64
	b   [][]bool
	fb  [][]float64 // owned buffers
	ib  [][]int64
	bb  [][]bool
	pos []int // scratch: linear positions of a block
	mi  []int // scratch: a multi-index
}

func (p *program) getState(nd int) *state {
	if s, ok := p.pool.Get().(*state); ok && len(s.mi) == nd {
		return s
	}
	n := len(p.ins)
	s := &state{
		f: make([][]float64, n), i: make([][]int64, n), b: make([][]bool, n),
		fb: make([][]float64, n), ib: make([][]int64, n), bb: make([][]bool, n),
		pos: make([]int, blockLen), mi: make([]int, nd),
	}
	for r, in := range p.ins {
		switch in.dt {
		case Float64:
			s.fb[r] = make([]float64, blockLen)
		case Int64:
			s.ib[r] = make([]int64, blockLen)
		case Bool:
			s.bb[r] = make([]bool, blockLen)
		}
		if in.isC {
			fillConst(s, r, in)
		}
	}
	return s
}

func (p *program) putState(s *state) { p.pool.Put(s) }

func fillConst(s *state, r int, in instr) {
	switch in.dt {
	case Float64:
		for k := range s.fb[r] {
			s.fb[r][k] = in.cnst
		}
	case Int64:
		for k := range s.ib[r] {
			s.ib[r][k] = int64(in.cnst)
		}
	case Bool:
		for k := range s.bb[r] {
			s.bb[r][k] = in.cnst != 0
		}
	}
}

// progBuilder compiles a fusable plan into a program, computing each
// distinct subexpression once.
type progBuilder struct {
	r        *region
	p        program
	memo     map[string]int
	leafMemo map[string]int
	depIdx   map[node]int
}

func (b *progBuilder) emit(in instr) int {
	key := fmt.Sprintf("%d|%d|%d|%v|%d|%d|%v", in.op, in.dt, in.narg, in.args, in.src, in.load, in.cnst)
	if in.load != 0 {
		key += fmt.Sprintf("|leaf%d", in.leaf)
	}
	if r, ok := b.memo[key]; ok {
		return r
	}
	b.p.ins = append(b.p.ins, in)
	r := len(b.p.ins) - 1
	b.memo[key] = r
	return r
}

func (b *progBuilder) finish() *program {
	p := &program{ins: b.p.ins, out: b.p.out}
	for r := range p.ins {
		in := &p.ins[r]
		if in.op == opSinhFromExp {
			e := &p.ins[in.args[0]]
			if e.op == opExp && e.pair == 0 && e.args[0] == in.args[1] {
				e.pair = r
				in.done = true
			}
		}
	}
	return p
}

// convert returns register r converted to type to.
func (b *progBuilder) convert(r int, to DType) int {
	from := b.p.ins[r].dt
	if from == to {
		return r
	}
	if b.p.ins[r].isC {
		v := b.p.ins[r].cnst
		if to == Bool {
			v = b2f(v != 0)
		}
		return b.emit(instr{dt: to, isC: true, cnst: v})
	}
	return b.emit(instr{op: opCast, dt: to, src: from, args: [3]int{r}, narg: 1})
}

func b2f(v bool) float64 {
	if v {
		return 1
	}
	return 0
}

func (b *progBuilder) addLeaf(kind leafKind, n node, m []viewAxis) int {
	key := fmt.Sprintf("%p|%s", n, mapKey(m))
	if r, ok := b.leafMemo[key]; ok {
		return r
	}
	l := leaf{kind: kind, n: n, m: m}
	if kind == leafDep {
		d, ok := b.depIdx[n]
		if !ok {
			d = len(b.r.deps)
			b.r.deps = append(b.r.deps, n)
			b.depIdx[n] = d
		}
		l.dep = d
	}
	b.r.leaves = append(b.r.leaves, l)
	li := len(b.r.leaves) - 1
	r := b.emit(instr{load: kind, leaf: li, dt: n.dtype()})
	b.leafMemo[key] = r
	return r
}

// visit compiles n read through the map m and returns its register.
func (b *progBuilder) visit(n node, m []viewAxis) (int, error) {
	switch n := n.(type) {
	case *genNode:
		if n.kind == genFill {
			if len(n.shp) > 0 {
				// a constant array still brings its chunking
				b.r.shapers = append(b.r.shapers, leaf{kind: leafGen, n: n, m: m})
			}
			return b.emit(instr{dt: n.dt, isC: true, cnst: n.value}), nil
		}
		return b.addLeaf(leafGen, n, m), nil
	case *memNode:
		return b.addLeaf(leafMem, n, m), nil
	case *viewNode:
		return b.visit(n.in, compose(n, m))
	case *ewNode:
		regs := make([]int, len(n.in))
		for i, in := range n.in {
			r, err := b.visit(in, broadcastMap(in.shape(), n.shp, m))
			if err != nil {
				return 0, err
			}
			regs[i] = r
		}
		return b.ew(n, regs)
	default:
		return b.addLeaf(leafDep, n, m), nil
	}
}

func (b *progBuilder) ew(n *ewNode, regs []int) (int, error) {
	switch {
	case n.op == opCast:
		return b.convert(regs[0], n.to), nil
	case n.op == opWhere:
		x, y := b.convert(regs[1], n.dt), b.convert(regs[2], n.dt)
		return b.emit(instr{op: opWhere, dt: n.dt, args: [3]int{regs[0], x, y}, narg: 3}), nil
	case len(regs) == 2:
		_, operand, err := binaryType(n.op, b.p.ins[regs[0]].dt, b.p.ins[regs[1]].dt)
		if err != nil {
			return 0, err
		}
		x, y := b.convert(regs[0], operand), b.convert(regs[1], operand)
		return b.emit(instr{op: n.op, dt: n.dt, src: operand, args: [3]int{x, y}, narg: 2}), nil
	}
	_, operand, err := unaryType(n.op, b.p.ins[regs[0]].dt)
	if err != nil {
		return 0, err
	}
	x := b.convert(regs[0], operand)
	switch n.op {
	case opSinh, opCosh:
		// One exponential serves Exp, Sinh and Cosh of the same operand.
		e := b.emit(instr{op: opExp, dt: Float64, src: Float64, args: [3]int{x}, narg: 1})
		op := opSinhFromExp
		if n.op == opCosh {
			op = opCoshFromExp
		}
		return b.emit(instr{op: op, dt: Float64, src: Float64, args: [3]int{e, x}, narg: 2}), nil
	}
	return b.emit(instr{op: n.op, dt: n.dt, src: operand, args: [3]int{x}, narg: 1}), nil
}

// describe writes an instruction for Explain: r3=mul(r1,r2).
func (in instr) describe(r *region) string {
	var b strings.Builder
	switch {
	case in.isC:
		fmt.Fprintf(&b, "const %v", in.cnst)
	case in.load != 0:
		l := r.leaves[in.leaf]
		switch l.kind {
		case leafGen:
			b.WriteString("gen ")
		case leafMem:
			b.WriteString("mem ")
		default:
			fmt.Fprintf(&b, "chunk of #dep%d ", l.dep)
		}
		b.WriteString(fmt.Sprint(l.n.shape()))
	default:
		b.WriteString(in.op.String())
		if in.op == opCast {
			fmt.Fprintf(&b, "→%s", in.dt)
		}
		b.WriteByte('(')
		for k := range in.narg {
			if k > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "r%d", in.args[k])
		}
		b.WriteByte(')')
	}
	return b.String()
}
