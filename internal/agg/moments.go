package agg

import (
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// This file holds Var, Std and Corr: Welford's updates row by row and
// Chan's formulas to merge two groups' states, in float64.

// varK: Var and Std. State: [count int64, mean float64, m2 float64] where
// m2 is the sum of squared deviations from the mean.
type varK struct {
	ddof    int
	std     bool
	cnt     []int64
	mean    []float64
	m2      []float64
	scratch []float64
}

func (k *varK) grow(n int) {
	k.cnt = grown(k.cnt, n, 0)
	k.mean = grown(k.mean, n, 0)
	k.m2 = grown(k.m2, n, 0)
}

func (k *varK) update(ids []int32, cols []arrow.Array, _ int64) {
	v, nb := floats(cols[0], &k.scratch)[:len(ids)], validity(cols[0])
	cnt, mean, m2 := k.cnt, k.mean, k.m2
	for i, g := range ids {
		if g < 0 || nb.bits != nil && !nb.ok(i) {
			continue
		}
		x := v[i]
		n := cnt[g] + 1
		cnt[g] = n
		d := x - mean[g]
		mean[g] += d / float64(n)
		m2[g] += d * (x - mean[g])
	}
}

func (k *varK) merge(ids []int32, states []arrow.Array) {
	c, cv := values[int64](states[0], nil)[:len(ids)], validity(states[0])
	mu, m2 := values[float64](states[1], nil)[:len(ids)], values[float64](states[2], nil)[:len(ids)]
	for i, g := range ids {
		if g < 0 || c[i] == 0 || cv.bits != nil && !cv.ok(i) {
			continue
		}
		na, nb := k.cnt[g], c[i]
		if na == 0 {
			k.cnt[g], k.mean[g], k.m2[g] = nb, mu[i], m2[i]
			continue
		}
		fa, fb, fn := float64(na), float64(nb), float64(na+nb)
		d := mu[i] - k.mean[g]
		k.cnt[g] = na + nb
		k.mean[g] += d * fb / fn
		k.m2[g] += m2[i] + d*d*fa*fb/fn
	}
}

func (k *varK) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	f64 := arrow.PrimitiveTypes.Float64
	return []arrow.Array{
		buildFixed(mem, arrow.PrimitiveTypes.Int64, k.cnt[:n], nil),
		buildFixed(mem, f64, k.mean[:n], nil),
		buildFixed(mem, f64, k.m2[:n], nil),
	}, nil
}

func (k *varK) final(mem memory.Allocator, n int) (arrow.Array, error) {
	out, valid := make([]float64, n), make([]bool, n)
	for g := range out {
		if d := k.cnt[g] - int64(k.ddof); d > 0 {
			out[g], valid[g] = k.m2[g]/float64(d), true
			if k.std {
				out[g] = math.Sqrt(out[g])
			}
		}
	}
	return buildFixed(mem, arrow.PrimitiveTypes.Float64, out, valid), nil
}

// corrK: Corr over the rows where both columns are non-null. State: [count
// int64, mean x, mean y, m2 x, m2 y, co-moment float64], the m2s being sums
// of squared deviations and the co-moment the sum of products of the
// deviations of x and y.
type corrK struct {
	cnt                   []int64
	mx, my, m2x, m2y, cxy []float64
	sx, sy                []float64
}

func (k *corrK) grow(n int) {
	k.cnt = grown(k.cnt, n, 0)
	for _, s := range []*[]float64{&k.mx, &k.my, &k.m2x, &k.m2y, &k.cxy} {
		*s = grown(*s, n, 0)
	}
}

func (k *corrK) update(ids []int32, cols []arrow.Array, _ int64) {
	x, nbx := floats(cols[0], &k.sx)[:len(ids)], validity(cols[0])
	y, nby := floats(cols[1], &k.sy)[:len(ids)], validity(cols[1])
	cnt, mx, my, m2x, m2y, cxy := k.cnt, k.mx, k.my, k.m2x, k.m2y, k.cxy
	for i, g := range ids {
		if g < 0 || nbx.bits != nil && !nbx.ok(i) || nby.bits != nil && !nby.ok(i) {
			continue
		}
		n := cnt[g] + 1
		cnt[g] = n
		fn := float64(n)
		dx, dy := x[i]-mx[g], y[i]-my[g]
		mx[g] += dx / fn
		my[g] += dy / fn
		ey := y[i] - my[g]
		m2x[g] += dx * (x[i] - mx[g])
		m2y[g] += dy * ey
		cxy[g] += dx * ey
	}
}

func (k *corrK) merge(ids []int32, states []arrow.Array) {
	c, cv := values[int64](states[0], nil)[:len(ids)], validity(states[0])
	var f [5][]float64
	for j := range f {
		f[j] = values[float64](states[j+1], nil)[:len(ids)]
	}
	for i, g := range ids {
		if g < 0 || c[i] == 0 || cv.bits != nil && !cv.ok(i) {
			continue
		}
		na, nb := k.cnt[g], c[i]
		if na == 0 {
			k.cnt[g] = nb
			k.mx[g], k.my[g], k.m2x[g], k.m2y[g], k.cxy[g] = f[0][i], f[1][i], f[2][i], f[3][i], f[4][i]
			continue
		}
		fb, fn := float64(nb), float64(na+nb)
		w := float64(na) * fb / fn
		dx, dy := f[0][i]-k.mx[g], f[1][i]-k.my[g]
		k.cnt[g] = na + nb
		k.mx[g] += dx * fb / fn
		k.my[g] += dy * fb / fn
		k.m2x[g] += f[2][i] + dx*dx*w
		k.m2y[g] += f[3][i] + dy*dy*w
		k.cxy[g] += f[4][i] + dx*dy*w
	}
}

func (k *corrK) state(mem memory.Allocator, n int) ([]arrow.Array, error) {
	out := []arrow.Array{buildFixed(mem, arrow.PrimitiveTypes.Int64, k.cnt[:n], nil)}
	for _, s := range [][]float64{k.mx, k.my, k.m2x, k.m2y, k.cxy} {
		out = append(out, buildFixed(mem, arrow.PrimitiveTypes.Float64, s[:n], nil))
	}
	return out, nil
}

func (k *corrK) final(mem memory.Allocator, n int) (arrow.Array, error) {
	out, valid := make([]float64, n), make([]bool, n)
	for g := range out {
		if k.cnt[g] < 2 || k.m2x[g] == 0 || k.m2y[g] == 0 {
			continue
		}
		r := k.cxy[g] / (math.Sqrt(k.m2x[g]) * math.Sqrt(k.m2y[g]))
		out[g], valid[g] = max(-1, min(1, r)), true
		if r != r {
			out[g] = r
		}
	}
	return buildFixed(mem, arrow.PrimitiveTypes.Float64, out, valid), nil
}
