package array

import (
	"context"
	"fmt"
	"slices"

	"github.com/dusk-go/dusk/graph"
)

// Block is one chunk passed to or returned by a MapBlocks function: its
// shape, where it sits, and its elements in C order in the field of its
// type.
type Block struct {
	Shape    []int
	Index    []int // the chunk's position in the chunk grid
	Origin   []int // the array position of the chunk's first element
	Float64s []float64
	Int64s   []int64
	Bools    []bool
}

// BlockFunc computes an output chunk from an input chunk. The input's
// slices are read-only and valid only during the call; the returned block
// must hold Shape's number of elements of the declared type in a slice
// the function does not use afterwards.
type BlockFunc func(ctx context.Context, in Block) (Block, error)

// MapOption declares what a MapBlocks function returns.
type MapOption func(*mapConfig)

type mapConfig struct {
	dt     DType
	chunks [][]int
	name   string
}

// OutType declares the element type the function returns (the input's
// type when not given).
func OutType(d DType) MapOption { return func(c *mapConfig) { c.dt = d } }

// OutChunks declares the output's chunk sizes along each axis: as many
// chunks per axis as the input has, so output chunk (i, j, ...) comes from
// input chunk (i, j, ...). The output's shape is their sum. Without it,
// each output chunk has its input chunk's shape.
func OutChunks(sizes ...[]int) MapOption {
	return func(c *mapConfig) {
		c.chunks = make([][]int, len(sizes))
		for a, s := range sizes {
			c.chunks[a] = slices.Clone(s)
		}
	}
}

// Name names the function in progress reports, errors and Explain.
func Name(name string) MapOption { return func(c *mapConfig) { c.name = name } }

// MapBlocks applies fn to every chunk of x. Nothing is guessed: the output
// type and chunk shapes are declared (OutType, OutChunks) and every
// returned block is checked against them.
func (x *Array) MapBlocks(fn BlockFunc, opts ...MapOption) *Array {
	if err := x.Err(); err != nil {
		return x
	}
	if fn == nil {
		return failedf("%w: map blocks: nil function", ErrValue)
	}
	c := mapConfig{dt: x.n.dtype(), name: "map blocks"}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if !c.dt.valid() {
		return failedf("%w: map blocks %s: invalid type %v", ErrType, c.name, c.dt)
	}
	in := x.n.nominal()
	g := in.clone()
	if c.chunks != nil {
		if len(c.chunks) != len(in) {
			return failedf("%w: map blocks %s: %d chunk size lists for %d dimensions", ErrShape, c.name, len(c.chunks), len(in))
		}
		for a := range in {
			if len(c.chunks[a]) != len(in[a]) {
				return failedf("%w: map blocks %s: axis %d declares %d chunks, the input has %d", ErrShape, c.name, a, len(c.chunks[a]), len(in[a]))
			}
			for _, s := range c.chunks[a] {
				if s < 0 {
					return failedf("%w: map blocks %s: negative chunk size on axis %d", ErrShape, c.name, a)
				}
			}
		}
		g = grid(c.chunks).clone()
	}
	shp := make([]int, len(g))
	for a, sizes := range g {
		for _, s := range sizes {
			shp[a] += s
		}
	}
	return wrap(&mapNode{in: x.n, fn: fn, dt: c.dt, shp: shp, g: g, name: c.name})
}

// mapNode applies a user function to every chunk.
type mapNode struct {
	in   node
	fn   BlockFunc
	dt   DType
	shp  []int
	g    grid
	name string
}

func (n *mapNode) shape() []int   { return n.shp }
func (n *mapNode) dtype() DType   { return n.dt }
func (n *mapNode) nominal() grid  { return n.g }
func (n *mapNode) inputs() []node { return []node{n.in} }
func (n *mapNode) String() string {
	return fmt.Sprintf("map blocks %q → %v %s chunks %v", n.name, n.shp, n.dt, n.g)
}

func (n *mapNode) lower(lw *lowering) (*chunks, error) {
	in, err := lw.lower(n.in)
	if err != nil {
		return nil, err
	}
	name := lw.name(n.name)
	op := "array: " + n.name
	inStarts := in.g.starts()
	c := &chunks{g: n.g, dt: n.dt}
	k := 0
	forEachIndex(n.g.counts(), func(idx []int) {
		idx = slices.Clone(idx)
		inShape := in.g.chunkShape(idx)
		origin := make([]int, len(idx))
		for a, i := range idx {
			origin[a] = inStarts[a][i]
		}
		want := n.g.chunkShape(idx)
		fn := func(ctx context.Context, vals []any) (any, error) {
			blk := Block{Shape: slices.Clone(inShape), Index: slices.Clone(idx), Origin: slices.Clone(origin)}
			switch v := vals[0].(type) {
			case []float64:
				blk.Float64s = v
			case []int64:
				blk.Int64s = v
			case []bool:
				blk.Bools = v
			}
			out, err := n.fn(ctx, blk)
			if err != nil {
				return nil, fmt.Errorf("%s on chunk %v: %w", n.name, idx, err)
			}
			return checkBlock(n.name, idx, out, want, n.dt)
		}
		c.ids = append(c.ids, lw.b.Add(graph.K(name, k), fn, graph.Hints{Op: op, Bytes: int64(numel(want) * n.dt.Size())}, in.ids[k]))
		k++
	})
	return c, nil
}

func checkBlock(name string, idx []int, b Block, want []int, dt DType) (any, error) {
	if b.Shape != nil && !slices.Equal(b.Shape, want) {
		return nil, fmt.Errorf("%w: %s on chunk %v returned shape %v, declared %v", ErrShape, name, idx, b.Shape, want)
	}
	n := numel(want)
	var v any
	var got int
	set := 0
	if b.Float64s != nil {
		set++
		v, got = b.Float64s, len(b.Float64s)
		if dt != Float64 {
			return nil, fmt.Errorf("%w: %s on chunk %v returned float64 values, declared %s", ErrType, name, idx, dt)
		}
	}
	if b.Int64s != nil {
		set++
		v, got = b.Int64s, len(b.Int64s)
		if dt != Int64 {
			return nil, fmt.Errorf("%w: %s on chunk %v returned int64 values, declared %s", ErrType, name, idx, dt)
		}
	}
	if b.Bools != nil {
		set++
		v, got = b.Bools, len(b.Bools)
		if dt != Bool {
			return nil, fmt.Errorf("%w: %s on chunk %v returned bool values, declared %s", ErrType, name, idx, dt)
		}
	}
	if set > 1 {
		return nil, fmt.Errorf("%w: %s on chunk %v returned values of several types", ErrType, name, idx)
	}
	if set == 0 {
		if n == 0 {
			return newValues(dt, 0), nil
		}
		return nil, fmt.Errorf("%w: %s on chunk %v returned no values, declared %d %s", ErrShape, name, idx, n, dt)
	}
	if got != n {
		return nil, fmt.Errorf("%w: %s on chunk %v returned %d values, declared shape %v has %d", ErrShape, name, idx, got, want, n)
	}
	return v, nil
}
