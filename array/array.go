package array

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Errors that build-time mistakes match with errors.Is. The error itself
// names the operation and the shapes, axes or types involved.
var (
	// ErrShape: shapes that cannot broadcast, a reshape to another size, a
	// matrix product whose inner dimensions differ, a bad chunking.
	ErrShape = errors.New("array: shape mismatch")
	// ErrAxis: an axis or an index out of range.
	ErrAxis = errors.New("array: axis or index out of range")
	// ErrType: an operation on a type it does not take (Sum of bools is
	// fine; Exp of a bool or And of floats is not).
	ErrType = errors.New("array: type mismatch")
	// ErrValue: an argument that is invalid in itself (a step of 0, a
	// reduction with no identity over zero elements, a negative fan-in).
	ErrValue = errors.New("array: invalid argument")
)

// Array is a lazy, chunked N-dimensional array. Operations return new
// Arrays that describe the computation; nothing runs until Compute.
// An Array is immutable and safe for concurrent use.
//
// A mistake found while building (shapes that do not broadcast, an axis out
// of range) is kept in the result and every later operation passes it on;
// Err reports it and Compute returns it.
type Array struct {
	n   node
	err error
}

func wrap(n node) *Array      { return &Array{n: n} }
func failed(err error) *Array { return &Array{err: err} }
func failedf(format string, args ...any) *Array {
	return &Array{err: fmt.Errorf(format, args...)}
}

// Err returns the first mistake made building the array, or nil.
func (x *Array) Err() error {
	if x == nil {
		return fmt.Errorf("%w: nil *Array", ErrValue)
	}
	return x.err
}

// Shape returns the array's shape (nil for a failed array). The caller may
// modify the returned slice.
func (x *Array) Shape() []int {
	if x.Err() != nil {
		return nil
	}
	return slices.Clone(x.n.shape())
}

// NDim returns the number of dimensions.
func (x *Array) NDim() int { return len(x.Shape()) }

// Size returns the number of elements.
func (x *Array) Size() int {
	if x.Err() != nil {
		return 0
	}
	return numel(x.n.shape())
}

// DType returns the element type (0 for a failed array).
func (x *Array) DType() DType {
	if x.Err() != nil {
		return 0
	}
	return x.n.dtype()
}

// Chunks returns the chunk sizes along each axis, the way the array would
// be computed on its own.
func (x *Array) Chunks() [][]int {
	if x.Err() != nil {
		return nil
	}
	return x.n.nominal().clone()
}

// String describes the array: shape, type and chunks.
func (x *Array) String() string {
	if err := x.Err(); err != nil {
		return "array error: " + err.Error()
	}
	return fmt.Sprintf("Array%v %s chunks %v", x.n.shape(), x.n.dtype(), x.n.nominal())
}

// Option configures how a new array is chunked and typed.
type Option func(*config)

type config struct {
	chunks []int
	grid   [][]int
	bytes  int
	dtype  DType
}

// Chunks sets the chunk size along each axis (the last chunk of an axis may
// be smaller). A size of -1 keeps the axis whole; axes without a size are
// kept whole too.
func Chunks(sizes ...int) Option {
	return func(c *config) { c.chunks = slices.Clone(sizes); c.grid = nil }
}

// ChunkSizes gives the chunk sizes along each axis explicitly, ragged
// chunks included: ChunkSizes([]int{3, 3, 4}, []int{10}).
func ChunkSizes(sizes ...[]int) Option {
	return func(c *config) {
		c.grid = make([][]int, len(sizes))
		for a, s := range sizes {
			c.grid[a] = slices.Clone(s)
		}
		c.chunks = nil
	}
}

// ChunkBytes sets the size automatic chunking aims for
// (DefaultChunkBytes when not set).
func ChunkBytes(n int) Option { return func(c *config) { c.bytes = n } }

// Type sets the element type of Ones, Zeros, Full and Arange (Float64 when
// not set).
func Type(d DType) Option { return func(c *config) { c.dtype = d } }

func newConfig(opts []Option) config {
	c := config{bytes: DefaultChunkBytes, dtype: Float64}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c
}

// gridFor returns the chunk grid the options ask for.
func (c config) gridFor(op string, shape []int, dt DType) (grid, error) {
	switch {
	case c.grid != nil:
		if len(c.grid) != len(shape) {
			return nil, fmt.Errorf("%w: %s: %d chunk size lists for %d dimensions", ErrShape, op, len(c.grid), len(shape))
		}
		g := make(grid, len(shape))
		for a, sizes := range c.grid {
			sum := 0
			for _, s := range sizes {
				if s < 0 || (s == 0 && shape[a] != 0) {
					return nil, fmt.Errorf("%w: %s: chunk size %d on axis %d", ErrShape, op, s, a)
				}
				sum += s
			}
			if sum != shape[a] || len(sizes) == 0 {
				return nil, fmt.Errorf("%w: %s: chunk sizes %v on axis %d sum to %d, not the axis length %d", ErrShape, op, sizes, a, sum, shape[a])
			}
			g[a] = slices.Clone(sizes)
			if shape[a] == 0 {
				g[a] = []int{0}
			}
		}
		return checkGrid(op, g)
	case c.chunks != nil:
		if len(c.chunks) > len(shape) {
			return nil, fmt.Errorf("%w: %s: %d chunk sizes for %d dimensions", ErrShape, op, len(c.chunks), len(shape))
		}
		g := make(grid, len(shape))
		for a := range shape {
			size := -1
			if a < len(c.chunks) {
				size = c.chunks[a]
			}
			if size == 0 || size < -1 {
				return nil, fmt.Errorf("%w: %s: chunk size %d on axis %d (use -1 for the whole axis)", ErrShape, op, size, a)
			}
			g[a] = regular(shape[a], size)
		}
		return checkGrid(op, g)
	}
	if c.bytes <= 0 {
		return nil, fmt.Errorf("%w: %s: chunk bytes %d", ErrValue, op, c.bytes)
	}
	return checkGrid(op, autoGrid(shape, dt.Size(), c.bytes))
}

// checkGrid refuses grids of more than MaxChunks chunks.
func checkGrid(op string, g grid) (grid, error) {
	n := 1
	for _, s := range g {
		n *= len(s)
		if len(s) == 0 || n > MaxChunks {
			return nil, fmt.Errorf("%w: %s: more than %d chunks (%v); use larger chunks", ErrValue, op, MaxChunks, g)
		}
	}
	return g, nil
}

func source(op string, shape []int, opts []Option, build func(c config, g grid) node) *Array {
	if err := checkShape(op, shape); err != nil {
		return failed(err)
	}
	c := newConfig(opts)
	if !c.dtype.valid() {
		return failedf("%w: %s: invalid type %v", ErrType, op, c.dtype)
	}
	g, err := c.gridFor(op, shape, c.dtype)
	if err != nil {
		return failed(err)
	}
	return wrap(build(c, g))
}

// MaxChunks is the most chunks an array may have: each chunk is a task,
// and a plan of more tasks than this is a mistake in the chunk sizes.
const MaxChunks = 1 << 24

// Full returns an array of the given shape with every element v (converted
// to the Type option's type: v != 0 for Bool, truncated for Int64).
func Full(shape []int, v float64, opts ...Option) *Array {
	return source("full", shape, opts, func(c config, g grid) node {
		val := v
		switch c.dtype {
		case Int64:
			val = float64(int64(v))
		case Bool:
			val = 0
			if v != 0 {
				val = 1
			}
		}
		return &genNode{kind: genFill, shp: slices.Clone(shape), dt: c.dtype, g: g, value: val}
	})
}

// Ones returns an array of ones.
func Ones(shape []int, opts ...Option) *Array { return Full(shape, 1, opts...) }

// Zeros returns an array of zeros.
func Zeros(shape []int, opts ...Option) *Array { return Full(shape, 0, opts...) }

// Arange returns the 1-D array start, start+step, ... of the values below
// stop (above it for a negative step), as NumPy's arange does. With
// Type(Int64) the values are integers; start and step must then be whole.
func Arange(start, stop, step float64, opts ...Option) *Array {
	if step == 0 || math.IsNaN(step) || math.IsNaN(start) || math.IsNaN(stop) || math.IsInf(start, 0) || math.IsInf(stop, 0) || math.IsInf(step, 0) {
		return failedf("%w: arange(%v, %v, %v): step must be finite and non-zero, bounds finite", ErrValue, start, stop, step)
	}
	n := int(math.Max(0, math.Ceil((stop-start)/step)))
	c := newConfig(opts)
	if c.dtype == Int64 && (start != math.Trunc(start) || step != math.Trunc(step)) {
		return failedf("%w: arange(%v, %v, %v) with Type(Int64) needs whole start and step", ErrValue, start, stop, step)
	}
	if c.dtype == Bool {
		return failedf("%w: arange cannot make bools", ErrType)
	}
	return source("arange", []int{n}, opts, func(c config, g grid) node {
		return &genNode{kind: genArange, shp: []int{n}, dt: c.dtype, g: g, start: start, step: step}
	})
}

// Linspace returns n evenly spaced values from start to stop, stop
// included, as NumPy's linspace does.
func Linspace(start, stop float64, n int, opts ...Option) *Array {
	if n < 0 {
		return failedf("%w: linspace: negative count %d", ErrValue, n)
	}
	step := 0.0
	if n > 1 {
		step = (stop - start) / float64(n-1)
	}
	return source("linspace", []int{n}, append(opts, Type(Float64)), func(c config, g grid) node {
		return &genNode{kind: genLinspace, shp: []int{n}, dt: Float64, g: g, start: start, step: step, stop: stop, last: n > 1}
	})
}

// Uniform returns an array of pseudo-random numbers uniform in [0, 1).
// Each element's value depends only on seed and the element's position,
// never on the chunking or the number of workers, so a computation can be
// repeated exactly.
func Uniform(seed uint64, shape []int, opts ...Option) *Array {
	return source("uniform", shape, append(opts, Type(Float64)), func(c config, g grid) node {
		return &genNode{kind: genUniform, shp: slices.Clone(shape), dt: Float64, g: g, seed: seed, lo: 0, hi: 1}
	})
}

// Normal returns an array of pseudo-random numbers from the standard
// normal distribution (a ziggurat over the same counter-based hashes),
// reproducible like Uniform's.
func Normal(seed uint64, shape []int, opts ...Option) *Array {
	return source("normal", shape, append(opts, Type(Float64)), func(c config, g grid) node {
		return &genNode{kind: genNormal, shp: slices.Clone(shape), dt: Float64, g: g, seed: seed, lo: 0, hi: 1}
	})
}

// scalar is the 0-d array of a Go value used as an operand.
func scalar(v any) (node, error) {
	var val float64
	var dt DType
	switch s := v.(type) {
	case float64:
		val, dt = s, Float64
	case float32:
		val, dt = float64(s), Float64
	case int:
		val, dt = float64(s), Int64
	case int64:
		val, dt = float64(s), Int64
	case int32:
		val, dt = float64(s), Int64
	case bool:
		dt = Bool
		if s {
			val = 1
		}
	default:
		return nil, fmt.Errorf("%w: operand of type %T (want *Array, float64, int, int64 or bool)", ErrType, v)
	}
	if dt == Int64 && math.Abs(val) >= 1<<53 {
		return &genNode{kind: genFill, dt: Int64, g: grid{}, value: val}, fmt.Errorf("%w: integer operand %v is beyond ±2^53", ErrValue, v)
	}
	return &genNode{kind: genFill, dt: dt, g: grid{}, value: val}, nil
}

// operand turns an *Array or a Go scalar into a plan node.
func operand(v any) (node, error) {
	if a, ok := v.(*Array); ok {
		if err := a.Err(); err != nil {
			return nil, err
		}
		return a.n, nil
	}
	return scalar(v)
}
