package agg

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// This file holds the kernels over fixed-width columns: Sum, Mean, Min,
// Max (and Any, All as Max, Min over bools as 0 and 1), First, Last, Count
// and CountRows. Each has a loop for columns without nulls and one that
// tests the validity bitmap; a loop indexes raw value slices of the Arrow
// buffers and the states directly.

// newFixed returns the kernel of kind k over dt, whose values are Ts.
func newFixed[T fixed](k Kind, dt arrow.DataType) kernel {
	switch k {
	case Sum:
		switch st := sumType(dt); st.ID() {
		case arrow.FLOAT64:
			return &sumK[T, float64]{dt: st}
		case arrow.UINT64:
			return &sumK[T, uint64]{dt: st}
		default:
			return &sumK[T, int64]{dt: st}
		}
	case Mean:
		return &meanK[T]{}
	case Min, All:
		_, hi := extremes[T]()
		return &minmaxK[T]{dt: dt, init: hi}
	case Max, Any:
		lo, _ := extremes[T]()
		return &minmaxK[T]{dt: dt, init: lo, max: true}
	case First, Last:
		return &firstK[T]{dt: dt, last: k == Last}
	default: // CountDistinct
		return newDistinct[T](dt)
	}
}

// extremes returns the initial states of Max (lo) and Min (hi): the least
// and greatest integers, or -Inf and NaN for floats (Min replaces a NaN).
func extremes[T fixed]() (lo, hi T) {
	switch any(lo).(type) {
	case float32, float64:
		inf, nan := math.Inf(-1), math.NaN()
		return T(inf), T(nan)
	case int8:
		return any(int8(math.MinInt8)).(T), any(int8(math.MaxInt8)).(T)
	case int16:
		return any(int16(math.MinInt16)).(T), any(int16(math.MaxInt16)).(T)
	case int32:
		return any(int32(math.MinInt32)).(T), any(int32(math.MaxInt32)).(T)
	case int64:
		return any(int64(math.MinInt64)).(T), any(int64(math.MaxInt64)).(T)
	case uint8:
		return 0, any(uint8(math.MaxUint8)).(T)
	case uint16:
		return 0, any(uint16(math.MaxUint16)).(T)
	case uint32:
		return 0, any(uint32(math.MaxUint32)).(T)
	}
	return 0, any(uint64(math.MaxUint64)).(T)
}

type sumT interface{ int64 | uint64 | float64 }

// sumK: Sum of Ts into Ss (int64, uint64 or float64, wrapping on integer
// overflow). State: [sum S, null when the group has no value].
type sumK[T fixed, S sumT] struct {
	dt      arrow.DataType // S's type
	sum     []S
	seen    []bool
	scratch []T
}

func (k *sumK[T, S]) grow(n int) {
	k.sum = grown(k.sum, n, 0)
	k.seen = grown(k.seen, n, false)
}

func (k *sumK[T, S]) update(ids []int32, cols []arrow.Array, _ int64) {
	foldSum(ids, values(cols[0], &k.scratch), validity(cols[0]), k.sum, k.seen)
}

func (k *sumK[T, S]) merge(ids []int32, states []arrow.Array) {
	foldSum(ids, values[S](states[0], nil), validity(states[0]), k.sum, k.seen)
}

func foldSum[T fixed, S sumT](ids []int32, v []T, nb bitmap, sum []S, seen []bool) {
	v = v[:len(ids)]
	if nb.bits == nil {
		for i, g := range ids {
			if g >= 0 {
				sum[g] += S(v[i])
				seen[g] = true
			}
		}
		return
	}
	for i, g := range ids {
		if g >= 0 && nb.ok(i) {
			sum[g] += S(v[i])
			seen[g] = true
		}
	}
}

func (k *sumK[T, S]) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	return []arrow.Array{buildFixed(mem, k.dt, k.sum[:n], k.seen[:n])}, nil
}

func (k *sumK[T, S]) final(mem memory.Allocator, n int) (arrow.Array, error) {
	return buildFixed(mem, k.dt, k.sum[:n], k.seen[:n]), nil
}

// meanK: Mean. State: [sum float64, count int64].
type meanK[T fixed] struct {
	sum []float64
	cnt []int64
}

func (k *meanK[T]) grow(n int) {
	k.sum = grown(k.sum, n, 0)
	k.cnt = grown(k.cnt, n, 0)
}

func (k *meanK[T]) update(ids []int32, cols []arrow.Array, _ int64) {
	v, nb := values[T](cols[0], nil)[:len(ids)], validity(cols[0])
	sum, cnt := k.sum, k.cnt
	if nb.bits == nil {
		for i, g := range ids {
			if g >= 0 {
				sum[g] += float64(v[i])
				cnt[g]++
			}
		}
		return
	}
	for i, g := range ids {
		if g >= 0 && nb.ok(i) {
			sum[g] += float64(v[i])
			cnt[g]++
		}
	}
}

func (k *meanK[T]) merge(ids []int32, states []arrow.Array) {
	s, c := values[float64](states[0], nil)[:len(ids)], values[int64](states[1], nil)[:len(ids)]
	nb0, nb1 := validity(states[0]), validity(states[1])
	for i, g := range ids {
		if g >= 0 && (nb0.bits == nil || nb0.ok(i)) && (nb1.bits == nil || nb1.ok(i)) {
			k.sum[g] += s[i]
			k.cnt[g] += c[i]
		}
	}
}

func (k *meanK[T]) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	return []arrow.Array{
		buildFixed(mem, arrow.PrimitiveTypes.Float64, k.sum[:n], nil),
		buildFixed(mem, arrow.PrimitiveTypes.Int64, k.cnt[:n], nil),
	}, nil
}

func (k *meanK[T]) final(mem memory.Allocator, n int) (arrow.Array, error) {
	out, valid := make([]float64, n), make([]bool, n)
	for g := range out {
		if c := k.cnt[g]; c > 0 {
			out[g], valid[g] = k.sum[g]/float64(c), true
		}
	}
	return buildFixed(mem, arrow.PrimitiveTypes.Float64, out, valid), nil
}

// minmaxK: Min and Max, and All and Any of bools. NaN is greater than every
// number: Max is NaN when some value is; Min is NaN only when all are.
// State: [value of the input type, null when the group has no value].
type minmaxK[T fixed] struct {
	dt      arrow.DataType
	max     bool
	init    T
	val     []T
	seen    []bool
	scratch []T
}

func (k *minmaxK[T]) grow(n int) {
	k.val = grown(k.val, n, k.init)
	k.seen = grown(k.seen, n, false)
}

func (k *minmaxK[T]) update(ids []int32, cols []arrow.Array, _ int64) {
	k.fold(ids, cols[0])
}

func (k *minmaxK[T]) merge(ids []int32, states []arrow.Array) {
	k.fold(ids, states[0])
}

func (k *minmaxK[T]) fold(ids []int32, col arrow.Array) {
	v, nb := values(col, &k.scratch)[:len(ids)], validity(col)
	m, seen := k.val, k.seen
	switch {
	case k.max && nb.bits == nil:
		for i, g := range ids {
			if g >= 0 {
				if x := v[i]; x > m[g] || x != x {
					m[g] = x
				}
				seen[g] = true
			}
		}
	case k.max:
		for i, g := range ids {
			if g >= 0 && nb.ok(i) {
				if x := v[i]; x > m[g] || x != x {
					m[g] = x
				}
				seen[g] = true
			}
		}
	case nb.bits == nil:
		for i, g := range ids {
			if g >= 0 {
				if x := v[i]; x < m[g] || m[g] != m[g] {
					m[g] = x
				}
				seen[g] = true
			}
		}
	default:
		for i, g := range ids {
			if g >= 0 && nb.ok(i) {
				if x := v[i]; x < m[g] || m[g] != m[g] {
					m[g] = x
				}
				seen[g] = true
			}
		}
	}
}

func (k *minmaxK[T]) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	return []arrow.Array{buildFixed(mem, k.dt, k.val[:n], k.seen[:n])}, nil
}

func (k *minmaxK[T]) final(mem memory.Allocator, n int) (arrow.Array, error) {
	return buildFixed(mem, k.dt, k.val[:n], k.seen[:n]), nil
}

// firstK: First and Last, by global row position. State: [value of the
// input type, null when the group has no value; position int64].
type firstK[T fixed] struct {
	dt      arrow.DataType
	last    bool
	val     []T
	pos     []int64
	seen    []bool
	scratch []T
}

func (k *firstK[T]) grow(n int) {
	k.val = grown(k.val, n, 0)
	k.pos = grown(k.pos, n, 0)
	k.seen = grown(k.seen, n, false)
}

func (k *firstK[T]) update(ids []int32, cols []arrow.Array, base int64) {
	v, nb := values(cols[0], &k.scratch)[:len(ids)], validity(cols[0])
	for i, g := range ids {
		if g < 0 || nb.bits != nil && !nb.ok(i) {
			continue
		}
		if p := base + int64(i); !k.seen[g] || (p < k.pos[g]) != k.last {
			k.val[g], k.pos[g], k.seen[g] = v[i], p, true
		}
	}
}

func (k *firstK[T]) merge(ids []int32, states []arrow.Array) {
	v, nb := values(states[0], &k.scratch)[:len(ids)], validity(states[0])
	pos := values[int64](states[1], nil)[:len(ids)]
	for i, g := range ids {
		if g < 0 || nb.bits != nil && !nb.ok(i) {
			continue
		}
		if p := pos[i]; !k.seen[g] || (p < k.pos[g]) != k.last {
			k.val[g], k.pos[g], k.seen[g] = v[i], p, true
		}
	}
}

func (k *firstK[T]) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	return []arrow.Array{
		buildFixed(mem, k.dt, k.val[:n], k.seen[:n]),
		buildFixed(mem, arrow.PrimitiveTypes.Int64, k.pos[:n], nil),
	}, nil
}

func (k *firstK[T]) final(mem memory.Allocator, n int) (arrow.Array, error) {
	return buildFixed(mem, k.dt, k.val[:n], k.seen[:n]), nil
}

// countK: Count (non-null values of a column of any type) and CountRows
// (no column). State: [count int64].
type countK struct{ cnt []int64 }

func (k *countK) grow(n int) { k.cnt = grown(k.cnt, n, 0) }

func (k *countK) update(ids []int32, cols []arrow.Array, _ int64) {
	var nb bitmap
	if len(cols) > 0 {
		nb = validity(cols[0])
	}
	cnt := k.cnt
	if nb.bits == nil {
		for _, g := range ids {
			if g >= 0 {
				cnt[g]++
			}
		}
		return
	}
	for i, g := range ids {
		if g >= 0 && nb.ok(i) {
			cnt[g]++
		}
	}
}

func (k *countK) merge(ids []int32, states []arrow.Array) {
	c, nb := values[int64](states[0], nil)[:len(ids)], validity(states[0])
	for i, g := range ids {
		if g >= 0 && (nb.bits == nil || nb.ok(i)) {
			k.cnt[g] += c[i]
		}
	}
}

func (k *countK) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	return []arrow.Array{buildFixed(mem, arrow.PrimitiveTypes.Int64, k.cnt[:n], nil)}, nil
}

func (k *countK) final(mem memory.Allocator, n int) (arrow.Array, error) {
	return buildFixed(mem, arrow.PrimitiveTypes.Int64, k.cnt[:n], nil), nil
}
