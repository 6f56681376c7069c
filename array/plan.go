package array

import (
	"fmt"
	"strings"
	"sync"
)

// node is a logical plan node. The set of kinds is closed: one small struct
// per kind, each describing itself for Explain. Nodes are immutable once
// built; an Array holds the root of its plan.
type node interface {
	shape() []int
	dtype() DType
	// nominal is the chunk grid the node's values come in (for sources and
	// materializing nodes) or would come in if computed on their own.
	nominal() grid
	inputs() []node
	String() string
}

// genKind names the values a generator produces.
type genKind uint8

const (
	genFill genKind = iota
	genArange
	genLinspace
	genUniform
	genNormal
)

// genNode is a source computed from each element's position: constants,
// ranges and seeded random numbers. Generators are leaves of fused
// kernels: their values are produced block by block where they are used and
// never stored.
type genNode struct {
	kind  genKind
	shp   []int
	dt    DType
	g     grid
	value float64 // genFill (Float64, Int64 via int64(value), Bool via value != 0)
	start float64 // genArange, genLinspace
	step  float64 // genArange, genLinspace
	stop  float64 // genLinspace with endpoint: the exact last value
	last  bool    // genLinspace: the last element is stop
	seed  uint64  // genUniform, genNormal
	lo    float64 // genUniform: [lo, hi); genNormal: mean
	hi    float64 // genUniform; genNormal: standard deviation
}

func (n *genNode) shape() []int   { return n.shp }
func (n *genNode) dtype() DType   { return n.dt }
func (n *genNode) nominal() grid  { return n.g }
func (n *genNode) inputs() []node { return nil }
func (n *genNode) String() string {
	switch n.kind {
	case genFill:
		if len(n.shp) == 0 {
			return fmt.Sprintf("scalar %v %s", n.scalarString(), n.dt)
		}
		return fmt.Sprintf("full %v %v %s chunks %v", n.shp, n.scalarString(), n.dt, n.g)
	case genArange:
		return fmt.Sprintf("arange %v start %v step %v %s chunks %v", n.shp, n.start, n.step, n.dt, n.g)
	case genLinspace:
		return fmt.Sprintf("linspace %v start %v step %v chunks %v", n.shp, n.start, n.step, n.g)
	case genUniform:
		return fmt.Sprintf("uniform %v [%v, %v) seed %d chunks %v", n.shp, n.lo, n.hi, n.seed, n.g)
	default:
		return fmt.Sprintf("normal %v mean %v std %v seed %d chunks %v", n.shp, n.lo, n.hi, n.seed, n.g)
	}
}

func (n *genNode) scalarString() string {
	switch n.dt {
	case Int64:
		return fmt.Sprint(int64(n.value))
	case Bool:
		return fmt.Sprint(n.value != 0)
	}
	return fmt.Sprint(n.value)
}

// memNode is an array over memory the caller gave (a slice, a gonum
// matrix, an Arrow array), used in place: fused kernels read it directly.
type memNode struct {
	shp   []int
	dt    DType
	g     grid
	f     []float64
	i     []int64
	b     []bool
	label string
}

func (n *memNode) shape() []int   { return n.shp }
func (n *memNode) dtype() DType   { return n.dt }
func (n *memNode) nominal() grid  { return n.g }
func (n *memNode) inputs() []node { return nil }
func (n *memNode) String() string {
	return fmt.Sprintf("%s %v %s chunks %v", n.label, n.shp, n.dt, n.g)
}

// gridOnce computes a fusable node's chunk grid once: it takes a walk of
// the node's region, and nodes are immutable.
type gridOnce struct {
	once sync.Once
	g    grid
}

func (c *gridOnce) get(n node) grid {
	c.once.Do(func() { c.g = regionGridOf(n) })
	return c.g
}

// ewNode is an elementwise operation over its inputs, broadcast to one
// shape. Chains of them fuse into one kernel.
type ewNode struct {
	op  opcode
	in  []node
	shp []int
	dt  DType
	to  DType // opCast: the target type
	gc  gridOnce
}

func (n *ewNode) shape() []int   { return n.shp }
func (n *ewNode) dtype() DType   { return n.dt }
func (n *ewNode) nominal() grid  { return n.gc.get(n) }
func (n *ewNode) inputs() []node { return n.in }
func (n *ewNode) String() string {
	if n.op == opCast {
		return fmt.Sprintf("cast %s → %s %v", n.in[0].dtype(), n.to, n.shp)
	}
	return fmt.Sprintf("%s %v %s", n.op, n.shp, n.dt)
}

// viewAxis says where one axis of a view's input is read: at
// start + step*i for position i on output axis out, or at start alone when
// out is -1 (an axis removed by an integer index, or of length 1 under
// broadcasting).
type viewAxis struct {
	out         int
	start, step int
}

// viewNode is an affine view of its input: slicing with steps, integer
// indexing, transposition, broadcasting and new axes. Views cost nothing:
// they compose into the index maps of the kernel that reads them.
type viewNode struct {
	in   node
	shp  []int
	axes []viewAxis // one per input axis
	desc string
	gc   gridOnce
}

func (n *viewNode) shape() []int   { return n.shp }
func (n *viewNode) dtype() DType   { return n.in.dtype() }
func (n *viewNode) nominal() grid  { return n.gc.get(n) }
func (n *viewNode) inputs() []node { return []node{n.in} }
func (n *viewNode) String() string { return fmt.Sprintf("%s → %v", n.desc, n.shp) }

// reduceNode reduces its input along some axes.
type reduceNode struct {
	in       node
	kind     redKind
	axes     []bool // per input axis: reduced
	ddof     int
	keepDims bool
	fanIn    int
	shp      []int
	dt       DType
}

func (n *reduceNode) shape() []int   { return n.shp }
func (n *reduceNode) dtype() DType   { return n.dt }
func (n *reduceNode) inputs() []node { return []node{n.in} }
func (n *reduceNode) nominal() grid {
	in := n.in.nominal()
	var g grid
	for a, red := range n.axes {
		switch {
		case !red:
			g = append(g, in[a])
		case n.keepDims:
			g = append(g, []int{1})
		}
	}
	return g
}
func (n *reduceNode) String() string {
	var axes []int
	for a, r := range n.axes {
		if r {
			axes = append(axes, a)
		}
	}
	s := fmt.Sprintf("%s axes %v", n.kind, axes)
	if n.kind == redVar || n.kind == redStd || n.kind == redNanVar || n.kind == redNanStd {
		s += fmt.Sprintf(" ddof %d", n.ddof)
	}
	return fmt.Sprintf("%s fan-in %d → %v %s", s, n.fanIn, n.shp, n.dt)
}

// rechunkNode changes the chunk grid.
type rechunkNode struct {
	in node
	g  grid
}

func (n *rechunkNode) shape() []int   { return n.in.shape() }
func (n *rechunkNode) dtype() DType   { return n.in.dtype() }
func (n *rechunkNode) nominal() grid  { return n.g }
func (n *rechunkNode) inputs() []node { return []node{n.in} }
func (n *rechunkNode) String() string { return fmt.Sprintf("rechunk → %v", n.g) }

// reshapeNode gives its input's chunks a new shape without moving data:
// each input chunk is one output chunk.
type reshapeNode struct {
	in  node
	shp []int
	g   grid
}

func (n *reshapeNode) shape() []int   { return n.shp }
func (n *reshapeNode) dtype() DType   { return n.in.dtype() }
func (n *reshapeNode) nominal() grid  { return n.g }
func (n *reshapeNode) inputs() []node { return []node{n.in} }
func (n *reshapeNode) String() string { return fmt.Sprintf("reshape → %v chunks %v", n.shp, n.g) }

// concatNode joins arrays along an axis (stack: along a new axis). Its
// chunks are its inputs' chunks, unchanged.
type concatNode struct {
	in    []node
	axis  int
	stack bool
	shp   []int
	dt    DType
	g     grid
}

func (n *concatNode) shape() []int   { return n.shp }
func (n *concatNode) dtype() DType   { return n.dt }
func (n *concatNode) nominal() grid  { return n.g }
func (n *concatNode) inputs() []node { return n.in }
func (n *concatNode) String() string {
	what := "concatenate"
	if n.stack {
		what = "stack"
	}
	return fmt.Sprintf("%s %d arrays on axis %d → %v", what, len(n.in), n.axis, n.shp)
}

// takeNode selects positions along one axis (integer indices, or the true
// positions of a boolean mask).
type takeNode struct {
	in   node
	axis int
	idx  []int
	shp  []int
	g    grid
	desc string
}

func (n *takeNode) shape() []int   { return n.shp }
func (n *takeNode) dtype() DType   { return n.in.dtype() }
func (n *takeNode) nominal() grid  { return n.g }
func (n *takeNode) inputs() []node { return []node{n.in} }
func (n *takeNode) String() string {
	return fmt.Sprintf("%s axis %d, %d positions → %v", n.desc, n.axis, len(n.idx), n.shp)
}

// matmulNode is the matrix product of two 2-D arrays.
type matmulNode struct {
	a, b node
	shp  []int
	g    grid
	rows []rowSource // per output row chunk: the rows of a it reads
}

// rowSource is a range of rows of one row chunk of a matrix product's
// left operand: chunk index and first row within it.
type rowSource struct{ chunk, off int }

func (n *matmulNode) shape() []int   { return n.shp }
func (n *matmulNode) dtype() DType   { return Float64 }
func (n *matmulNode) nominal() grid  { return n.g }
func (n *matmulNode) inputs() []node { return []node{n.a, n.b} }
func (n *matmulNode) String() string {
	return fmt.Sprintf("matmul %v × %v → %v", n.a.shape(), n.b.shape(), n.shp)
}

// formatPlan writes a plan as an indented tree. A node reached twice is
// written once and referred to after.
func formatPlan(n node) string {
	var b strings.Builder
	seen := map[node]int{}
	var walk func(n node, depth int)
	walk = func(n node, depth int) {
		b.WriteString(strings.Repeat("  ", depth))
		if id, ok := seen[n]; ok {
			fmt.Fprintf(&b, "#%d (shared)\n", id)
			return
		}
		id := len(seen) + 1
		seen[n] = id
		fmt.Fprintf(&b, "#%d %s\n", id, n.String())
		for _, in := range n.inputs() {
			walk(in, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}
