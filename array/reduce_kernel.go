package array

import (
	"fmt"
	"math"

	"github.com/dusk-go/dusk/internal/fastmath"
)

// pairRun is the length of the runs a pairwise sum adds directly.
const pairRun = 128

// partial is the partial result of a reduction over some chunks: one slot
// per element of the output chunk it contributes to. cnt counts the
// elements folded into each slot (NaN excluded for the NaN-skipping
// kinds); f or i hold the running value (the mean, for Var), m2 the sum of
// squared deviations, idx the position of the extreme for ArgMin/ArgMax.
type partial struct {
	kind redKind
	dt   DType // the folded type
	cnt  []int64
	f    []float64
	i    []int64
	m2   []float64
	idx  []int64
	b    []bool
	pw   fastmath.Pairwise // single-slot float sums while folding
	usPW bool
}

// SizeBytes reports the partial's memory for the memory manager.
func (p *partial) SizeBytes() int64 {
	return int64(8 * (len(p.cnt) + len(p.f) + len(p.i) + len(p.m2) + len(p.idx) + len(p.b)/8))
}

func newPartial(kind redKind, dt DType, slots int) *partial {
	p := &partial{kind: kind, dt: dt, cnt: make([]int64, slots)}
	switch kind.base() {
	case redAny, redAll:
		p.b = make([]bool, slots)
		if kind == redAll {
			for k := range p.b {
				p.b[k] = true
			}
		}
		return p
	}
	if dt == Int64 {
		p.i = make([]int64, slots)
	} else {
		p.f = make([]float64, slots)
	}
	switch kind.base() {
	case redProd:
		for k := range p.f {
			p.f[k] = 1
		}
		for k := range p.i {
			p.i[k] = 1
		}
	case redVar, redStd:
		p.m2 = make([]float64, slots)
	case redArgMin, redArgMax:
		p.idx = make([]int64, slots)
	}
	p.usPW = slots == 1 && dt == Float64 && (kind.base() == redSum || kind.base() == redMean)
	return p
}

// better reports whether value a at index ia wins over b at ib for
// min (less) or max: NaN wins unless NaN is skipped, ties go to the
// smaller index.
func betterF(isMin bool, a float64, ia int64, b float64, ib int64) bool {
	an, bn := a != a, b != b
	switch {
	case an && bn:
		return ia < ib
	case an:
		return true
	case bn:
		return false
	case a == b:
		return ia < ib
	case isMin:
		return a < b
	default:
		return a > b
	}
}

func betterI(isMin bool, a, ia, b, ib int64) bool {
	switch {
	case a == b:
		return ia < ib
	case isMin:
		return a < b
	default:
		return a > b
	}
}

// foldF folds values into the slots: with stride 0 every value goes to
// slot; with stride 1 value j goes to slot+j. at gives each value's index
// for ArgMin and ArgMax.
func (p *partial) foldF(v []float64, slot, stride int, at []int) {
	k := p.kind
	if stride == 0 {
		p.foldOneF(v, slot, at)
		return
	}
	if !k.skipsNaN() {
		switch k.base() {
		case redSum, redMean:
			f := p.f[slot : slot+len(v)]
			for j, x := range v {
				f[j] += x
			}
			p.count(slot, len(v))
			return
		case redProd:
			f := p.f[slot : slot+len(v)]
			for j, x := range v {
				f[j] *= x
			}
			p.count(slot, len(v))
			return
		}
	}
	for j := range v {
		p.foldOneF(v[j:j+1:j+1], slot+j, at2(at, j))
	}
}

func at2(at []int, j int) []int {
	if at == nil {
		return nil
	}
	return at[j : j+1]
}

// foldDot folds the products x[j]*y[j] into one slot of a Sum or Mean:
// the kernel's last multiplication, fused with the sum.
func (p *partial) foldDot(x, y []float64, s int) {
	if p.usPW {
		for lo := 0; lo < len(x); lo += pairRun {
			hi := min(lo+pairRun, len(x))
			p.pw.Add(fastmath.Dot(x[lo:hi], y[lo:hi]))
		}
	} else {
		p.f[s] += fastmath.Dot(x, y)
	}
	p.cnt[s] += int64(len(x))
}

// count adds one to the counts of n slots from slot.
func (p *partial) count(slot, n int) {
	c := p.cnt[slot : slot+n]
	for j := range c {
		c[j]++
	}
}

// foldOneF folds values into one slot.
func (p *partial) foldOneF(v []float64, s int, at []int) {
	k := p.kind
	skip := k.skipsNaN()
	switch k.base() {
	case redSum, redMean:
		if !skip {
			if p.usPW {
				// runs of 128 summed with 8 accumulators, the runs
				// pairwise: the rounding error grows with log n
				for lo := 0; lo < len(v); lo += pairRun {
					p.pw.Add(fastmath.Sum(v[lo:min(lo+pairRun, len(v))]))
				}
			} else {
				p.f[s] += fastmath.Sum(v)
			}
			p.cnt[s] += int64(len(v))
			return
		}
		t, n := 0.0, 0
		for _, x := range v {
			if x == x {
				t += x
				n++
			}
		}
		if p.usPW {
			p.pw.Add(t)
		} else {
			p.f[s] += t
		}
		p.cnt[s] += int64(n)
		return
	case redVar, redStd:
		// two passes over the values, then a merge into the slot
		t, n := 0.0, 0
		for _, x := range v {
			if !skip || x == x {
				t += x
				n++
			}
		}
		if n == 0 {
			return
		}
		mean := t / float64(n)
		m2 := 0.0
		for _, x := range v {
			if !skip || x == x {
				d := x - mean
				m2 += d * d
			}
		}
		p.mergeVar(s, int64(n), mean, m2)
		return
	}
	for j, x := range v {
		if skip && x != x {
			continue
		}
		switch k.base() {
		case redProd:
			p.f[s] *= x
		case redMin:
			if cur := p.f[s]; p.cnt[s] == 0 || (cur == cur && (x != x || x < cur)) {
				p.f[s] = x
			}
		case redMax:
			if cur := p.f[s]; p.cnt[s] == 0 || (cur == cur && (x != x || x > cur)) {
				p.f[s] = x
			}
		case redArgMin, redArgMax:
			ix := int64(at[j])
			if p.cnt[s] == 0 || betterF(k.base() == redArgMin, x, ix, p.f[s], p.idx[s]) {
				p.f[s], p.idx[s] = x, ix
			}
		}
		p.cnt[s]++
	}
}

func (p *partial) mergeVar(s int, nb int64, mb, m2b float64) {
	na := p.cnt[s]
	if nb == 0 {
		return
	}
	if na == 0 {
		p.cnt[s], p.f[s], p.m2[s] = nb, mb, m2b
		return
	}
	n := na + nb
	d := mb - p.f[s]
	p.f[s] += d * float64(nb) / float64(n)
	p.m2[s] += m2b + d*d*float64(na)*float64(nb)/float64(n)
	p.cnt[s] = n
}

// foldI folds int64 values, like foldF.
func (p *partial) foldI(v []int64, slot, stride int, at []int) {
	k := p.kind.base()
	if stride == 1 && k == redSum {
		f := p.i[slot : slot+len(v)]
		for j, x := range v {
			f[j] += x
		}
		p.count(slot, len(v))
		return
	}
	for j, x := range v {
		s := slot + j*stride
		switch k {
		case redSum:
			p.i[s] += x
		case redProd:
			p.i[s] *= x
		case redMin:
			if p.cnt[s] == 0 || x < p.i[s] {
				p.i[s] = x
			}
		case redMax:
			if p.cnt[s] == 0 || x > p.i[s] {
				p.i[s] = x
			}
		case redArgMin, redArgMax:
			ix := int64(at[j])
			if p.cnt[s] == 0 || betterI(k == redArgMin, x, ix, p.i[s], p.idx[s]) {
				p.i[s], p.idx[s] = x, ix
			}
		}
		p.cnt[s]++
	}
}

// foldB folds bools (Any, All), like foldF.
func (p *partial) foldB(v []bool, slot, stride int) {
	any := p.kind == redAny
	for j, x := range v {
		s := slot + j*stride
		if any {
			p.b[s] = p.b[s] || x
		} else {
			p.b[s] = p.b[s] && x
		}
		p.cnt[s]++
	}
}

// settle moves a pairwise single-slot sum into its slot.
func (p *partial) settle() {
	if p.usPW {
		p.f[0] += p.pw.Value()
		p.pw = fastmath.Pairwise{}
		p.usPW = false
	}
}

// merge folds q (of chunks after p's along the reduced axes) into p.
func (p *partial) merge(q *partial) {
	p.settle()
	q.settle()
	k := p.kind.base()
	for s := range p.cnt {
		if q.cnt[s] == 0 && k != redAny && k != redAll {
			continue
		}
		switch k {
		case redSum, redMean:
			if p.f != nil {
				p.f[s] += q.f[s]
			} else {
				p.i[s] += q.i[s]
			}
		case redProd:
			if p.f != nil {
				p.f[s] *= q.f[s]
			} else {
				p.i[s] *= q.i[s]
			}
		case redVar, redStd:
			p.mergeVar(s, q.cnt[s], q.f[s], q.m2[s])
			continue
		case redMin, redMax:
			if p.cnt[s] == 0 {
				if p.f != nil {
					p.f[s] = q.f[s]
				} else {
					p.i[s] = q.i[s]
				}
				break
			}
			if p.f != nil {
				a, b := p.f[s], q.f[s]
				if a == a && (b != b || (k == redMin && b < a) || (k == redMax && b > a)) {
					p.f[s] = b
				}
			} else if (k == redMin && q.i[s] < p.i[s]) || (k == redMax && q.i[s] > p.i[s]) {
				p.i[s] = q.i[s]
			}
		case redArgMin, redArgMax:
			isMin := k == redArgMin
			if p.cnt[s] == 0 ||
				(p.f != nil && betterF(isMin, q.f[s], q.idx[s], p.f[s], p.idx[s])) ||
				(p.i != nil && betterI(isMin, q.i[s], q.idx[s], p.i[s], p.idx[s])) {
				if p.f != nil {
					p.f[s] = q.f[s]
				} else {
					p.i[s] = q.i[s]
				}
				p.idx[s] = q.idx[s]
			}
		case redAny:
			p.b[s] = p.b[s] || q.b[s]
		case redAll:
			p.b[s] = p.b[s] && q.b[s]
		}
		p.cnt[s] += q.cnt[s]
	}
}

// finish turns a complete partial into the reduction's values.
func (p *partial) finish(ddof int) (any, error) {
	p.settle()
	k := p.kind
	switch k.base() {
	case redSum, redProd:
		if p.f != nil {
			return p.f, nil
		}
		return p.i, nil
	case redMean:
		out := make([]float64, len(p.f))
		for s := range out {
			out[s] = p.f[s] / float64(p.cnt[s])
			if p.cnt[s] == 0 {
				out[s] = math.NaN()
			}
		}
		return out, nil
	case redVar, redStd:
		out := make([]float64, len(p.f))
		for s := range out {
			d := float64(p.cnt[s] - int64(ddof))
			if d <= 0 {
				out[s] = math.NaN()
				continue
			}
			out[s] = p.m2[s] / d
			if k.base() == redStd {
				out[s] = math.Sqrt(out[s])
			}
		}
		return out, nil
	case redMin, redMax:
		if p.f != nil {
			for s := range p.f {
				if p.cnt[s] == 0 {
					p.f[s] = math.NaN()
				}
			}
			return p.f, nil
		}
		return p.i, nil
	case redArgMin, redArgMax:
		for s := range p.idx {
			if p.cnt[s] == 0 {
				return nil, fmt.Errorf("%s: all-NaN slice at output position %d", k, s)
			}
		}
		return p.idx, nil
	}
	return p.b, nil
}
