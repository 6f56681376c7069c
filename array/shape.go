package array

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultChunkBytes is the size automatic chunking aims for: chunks of
// about 64 MiB, large enough that a task's overhead (microseconds) is lost
// in its work, small enough that every core gets several chunks of an array
// of a few GB and that a chunk is a modest unit of spilling.
const DefaultChunkBytes = 64 << 20

// grid is a chunk grid: for each axis, the sizes of the chunks along it, in
// order. The sizes along an axis sum to the axis' length; an axis of length
// 0 has one chunk of size 0, so every array has at least one chunk.
type grid [][]int

// starts returns the offsets of the chunks along each axis.
func (g grid) starts() [][]int {
	out := make([][]int, len(g))
	for a, sizes := range g {
		s := make([]int, len(sizes))
		o := 0
		for i, n := range sizes {
			s[i] = o
			o += n
		}
		out[a] = s
	}
	return out
}

// counts returns the number of chunks along each axis.
func (g grid) counts() []int {
	c := make([]int, len(g))
	for a, s := range g {
		c[a] = len(s)
	}
	return c
}

// numChunks returns the total number of chunks.
func (g grid) numChunks() int {
	n := 1
	for _, s := range g {
		n *= len(s)
	}
	return n
}

func (g grid) clone() grid {
	out := make(grid, len(g))
	for a, s := range g {
		out[a] = slices.Clone(s)
	}
	return out
}

func (g grid) equal(h grid) bool {
	if len(g) != len(h) {
		return false
	}
	for a := range g {
		if !slices.Equal(g[a], h[a]) {
			return false
		}
	}
	return true
}

// chunkShape returns the shape of the chunk at grid index idx.
func (g grid) chunkShape(idx []int) []int {
	s := make([]int, len(g))
	for a, i := range idx {
		s[a] = g[a][i]
	}
	return s
}

// String formats the grid compactly: "(1e6 ×10, 3 4 3)".
func (g grid) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for a, sizes := range g {
		if a > 0 {
			b.WriteString(", ")
		}
		b.WriteString(formatSizes(sizes))
	}
	b.WriteByte(')')
	return b.String()
}

// formatSizes writes runs of equal sizes as "size×count".
func formatSizes(sizes []int) string {
	var parts []string
	for i := 0; i < len(sizes); {
		j := i
		for j < len(sizes) && sizes[j] == sizes[i] {
			j++
		}
		if j-i > 1 {
			parts = append(parts, fmt.Sprintf("%d×%d", sizes[i], j-i))
		} else {
			parts = append(parts, fmt.Sprint(sizes[i]))
		}
		i = j
	}
	return strings.Join(parts, " ")
}

// forEachIndex calls fn with every multi-index of a grid of the given
// counts, in C order. fn must not keep idx.
func forEachIndex(counts []int, fn func(idx []int)) {
	idx := make([]int, len(counts))
	for _, c := range counts {
		if c == 0 {
			return
		}
	}
	for {
		fn(idx)
		a := len(idx) - 1
		for ; a >= 0; a-- {
			idx[a]++
			if idx[a] < counts[a] {
				break
			}
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}

// linearIndex returns the C-order position of idx in a grid of counts.
func linearIndex(idx, counts []int) int {
	l := 0
	for a, i := range idx {
		l = l*counts[a] + i
	}
	return l
}

// numel returns the number of elements of a shape.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// cStrides returns the C-order strides (in elements) of a shape.
func cStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for a := len(shape) - 1; a >= 0; a-- {
		st[a] = s
		s *= shape[a]
	}
	return st
}

// regular splits n into chunks of size c (the last one ragged). c <= 0 or
// c >= n gives one chunk. More than MaxChunks chunks give nil, which
// checkGrid reports.
func regular(n, c int) []int {
	if n == 0 {
		return []int{0}
	}
	if c <= 0 || c >= n {
		return []int{n}
	}
	if (n-1)/c+1 > MaxChunks {
		return nil
	}
	out := make([]int, 0, (n+c-1)/c)
	for o := 0; o < n; o += c {
		out = append(out, min(c, n-o))
	}
	return out
}

// autoGrid chunks a shape to about target bytes per chunk: the trailing
// axes are kept whole as long as they fit, and the first axis that does
// not fit is split, so chunks are contiguous in memory.
func autoGrid(shape []int, elem, target int) grid {
	g := make(grid, len(shape))
	inner := elem
	split := -1
	for a := len(shape) - 1; a >= 0; a-- {
		d := max(shape[a], 1)
		if split >= 0 {
			g[a] = regular(shape[a], 1)
			continue
		}
		if inner*d <= target {
			g[a] = regular(shape[a], shape[a])
			inner *= d
			continue
		}
		g[a] = regular(shape[a], max(1, target/inner))
		split = a
	}
	return g
}

// checkShape validates a shape given by a user.
func checkShape(op string, shape []int) error {
	n := 1
	for a, d := range shape {
		if d < 0 {
			return fmt.Errorf("%w: %s: shape %v has a negative length on axis %d", ErrShape, op, shape, a)
		}
		if d > 0 && n > (1<<62)/d {
			return fmt.Errorf("%w: %s: shape %v has too many elements", ErrShape, op, shape)
		}
		n *= d
	}
	return nil
}

// broadcastShapes returns the shape two shapes broadcast to under NumPy's
// rules: trailing axes align, an axis of length 1 stretches.
func broadcastShapes(op string, a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := len(a) - n + i; j >= 0 {
			da = a[j]
		}
		if j := len(b) - n + i; j >= 0 {
			db = b[j]
		}
		switch {
		case da == db:
			out[i] = da
		case da == 1:
			out[i] = db
		case db == 1:
			out[i] = da
		default:
			return nil, fmt.Errorf("%w: %s: shapes %v and %v cannot broadcast (axis %d: %d vs %d)", ErrShape, op, a, b, i, da, db)
		}
	}
	return out, nil
}

// normAxis turns a possibly negative axis into an index below nd.
func normAxis(op string, axis, nd int) (int, error) {
	if axis < -nd || axis >= nd {
		return 0, fmt.Errorf("%w: %s: axis %d is out of range for %d dimensions", ErrAxis, op, axis, nd)
	}
	if axis < 0 {
		axis += nd
	}
	return axis, nil
}

// normAxes normalizes a set of axes; none means all.
func normAxes(op string, axes []int, nd int) ([]bool, error) {
	red := make([]bool, nd)
	if len(axes) == 0 {
		for a := range red {
			red[a] = true
		}
		return red, nil
	}
	for _, ax := range axes {
		a, err := normAxis(op, ax, nd)
		if err != nil {
			return nil, err
		}
		if red[a] {
			return nil, fmt.Errorf("%w: %s: axis %d is given twice", ErrAxis, op, ax)
		}
		red[a] = true
	}
	return red, nil
}
