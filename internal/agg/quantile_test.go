package agg

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// quantileSorted is the sort-based definition that quantile must match:
// sort, NaN last, then interpolate between the ranks ⌊h⌋ and ⌊h⌋+1.
func quantileSorted(xs []float64, q float64) float64 {
	xs = slices.Clone(xs)
	m := 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			xs[m] = x
			m++
		}
	}
	for i := m; i < len(xs); i++ {
		xs[i] = math.NaN()
	}
	slices.Sort(xs[:m])
	h := q * float64(len(xs)-1)
	lo := int(h)
	a, frac := xs[lo], h-float64(lo)
	if frac == 0 || lo+1 >= len(xs) {
		return a
	}
	if b := xs[lo+1]; b != a {
		return a + frac*(b-a)
	}
	return a
}

// pattern fills xs with values drawn by draw, arranged as its name says:
// the inputs that hurt a quickselect whose pivots are badly chosen.
type pattern struct {
	name string
	fill func(r *rand.Rand, xs []float64, draw func() float64)
}

var patterns = []pattern{
	{"random", fillRandom},
	{"sorted", fillSorted},
	{"reversed", func(r *rand.Rand, xs []float64, draw func() float64) {
		fillSorted(r, xs, draw)
		slices.Reverse(xs)
	}},
	{"equal", func(_ *rand.Rand, xs []float64, draw func() float64) {
		v := draw()
		for i := range xs {
			xs[i] = v
		}
	}},
	{"organ-pipe", func(r *rand.Rand, xs []float64, draw func() float64) {
		fillSorted(r, xs, draw)
		for i, x := range slices.Clone(xs[:len(xs)/2]) {
			xs[len(xs)-1-i] = x
		}
	}},
	{"sawtooth", func(r *rand.Rand, xs []float64, draw func() float64) {
		fillRandom(r, xs, draw)
		for i := 0; i < len(xs); i += 37 {
			slices.SortFunc(xs[i:min(i+37, len(xs))], cmpNaNLast)
		}
	}},
	{"sorted-but-one", func(r *rand.Rand, xs []float64, draw func() float64) {
		fillSorted(r, xs, draw)
		i, j := r.Intn(len(xs)), r.Intn(len(xs))
		xs[i], xs[j] = xs[j], xs[i]
	}},
}

func fillRandom(_ *rand.Rand, xs []float64, draw func() float64) {
	for i := range xs {
		xs[i] = draw()
	}
}

func fillSorted(r *rand.Rand, xs []float64, draw func() float64) {
	fillRandom(r, xs, draw)
	slices.SortFunc(xs, cmpNaNLast)
}

// cmpNaNLast orders floats with NaN after every number, as quantile
// does, so that the patterns keep their shape among the numbers.
func cmpNaNLast(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// drawer returns a source of values of one kind: distinct, heavily
// duplicated, or with NaN, infinities and zeros of both signs mixed in.
func drawer(r *rand.Rand, kind int) func() float64 {
	nz := math.Copysign(0, -1)
	switch kind {
	case 0:
		return func() float64 { return r.NormFloat64() }
	case 1:
		return func() float64 { return float64(r.Intn(5)) }
	case 2:
		specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, nz}
		return func() float64 {
			if r.Intn(4) == 0 {
				return specials[r.Intn(len(specials))]
			}
			return float64(r.Intn(7) - 3)
		}
	default:
		return func() float64 {
			switch r.Intn(10) {
			case 0:
				return math.NaN()
			case 1:
				return nz
			case 2:
				return 0
			}
			return r.NormFloat64() * 1e300
		}
	}
}

// sameQuantile reports whether got is bit for bit want, but for the sign
// of a zero when xs holds zeros of both signs (they compare equal, so
// either is a sorted order's value).
func sameQuantile(got, want float64, xs []float64) bool {
	if math.Float64bits(got) == math.Float64bits(want) {
		return true
	}
	if got != 0 || want != 0 {
		return false
	}
	var pos, neg bool
	for _, x := range xs {
		if x == 0 {
			pos, neg = pos || !math.Signbit(x), neg || math.Signbit(x)
		}
	}
	return pos && neg
}

func TestQuantileMatchesSort(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	sizes := []int{1, 2, 3, 4, 5, 11, 12, 13, 14, 31, 127, 128, 129, 1000, 2000}
	for i := 0; i < 20; i++ {
		sizes = append(sizes, 1+r.Intn(2000))
	}
	for _, n := range sizes {
		for _, p := range patterns {
			for kind := 0; kind < 4; kind++ {
				xs := make([]float64, n)
				p.fill(r, xs, drawer(r, kind))
				for _, q := range []float64{0, 0.25, 0.5, 0.9, 1, r.Float64(), r.Float64(), math.Nextafter(1, 0)} {
					want := quantileSorted(xs, q)
					work := slices.Clone(xs)
					if got := quantile(work, q); !sameQuantile(got, want, xs) {
						t.Fatalf("n=%d %s kind %d q=%v: got %v, want %v", n, p.name, kind, q, got, want)
					}
					slices.SortFunc(work, cmpNaNLast)
					sorted := slices.SortedFunc(slices.Values(xs), cmpNaNLast)
					if !slices.EqualFunc(work, sorted, func(a, b float64) bool {
						return a == b || math.IsNaN(a) && math.IsNaN(b)
					}) {
						t.Fatalf("n=%d %s kind %d q=%v: quantile did not just reorder its input", n, p.name, kind, q)
					}
				}
			}
		}
	}
}

// TestSelectNth checks selectNth's contract directly, also with budgets
// so small that it falls back to sorting part-way.
func TestSelectNth(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, n := range []int{1, 2, 12, 13, 50, 200, 1500} {
		for _, p := range patterns {
			for kind := 0; kind < 2; kind++ {
				xs := make([]float64, n)
				p.fill(r, xs, drawer(r, kind))
				sorted := slices.Sorted(slices.Values(xs))
				for _, budget := range []int{0, 1, 3, 64} {
					for _, k := range []int{0, n / 4, n / 2, n - 1, r.Intn(n)} {
						name := fmt.Sprintf("n=%d %s kind %d budget %d k=%d", n, p.name, kind, budget, k)
						work := slices.Clone(xs)
						end := selectNth(work, k, budget)
						if work[k] != sorted[k] {
							t.Fatalf("%s: got xs[k] %v, want %v", name, work[k], sorted[k])
						}
						for i, x := range work {
							if i < k && x > work[k] || i > k && x < work[k] {
								t.Fatalf("%s: got %v at %d, on the wrong side of %v", name, x, i, work[k])
							}
						}
						if k+1 < n {
							if end <= k+1 || end > n {
								t.Fatalf("%s: got end %d, want in (%d, %d]", name, end, k+1, n)
							}
							if got := slices.Min(work[k+1 : end]); got != sorted[k+1] {
								t.Fatalf("%s: got next %v, want %v", name, got, sorted[k+1])
							}
						}
						if !slices.Equal(slices.Sorted(slices.Values(work)), sorted) {
							t.Fatalf("%s: selectNth did not just reorder its input", name)
						}
					}
				}
			}
		}
	}
}

// TestQuantileMergeLists merges hand-built states, with null lists, null
// values inside lists and skipped rows, whose lists are long (kept as
// runs) or mostly of one value (kept with a group per value), between
// Updates, and checks every group against the sort-based definition.
func TestQuantileMergeLists(t *testing.T) {
	mem := checkedMem(t)
	r := rand.New(rand.NewSource(3))
	const ngroups = 7
	for _, maxLen := range []int{1, 2, 40} {
		a, err := New(Spec{Kind: Quantile, Q: 0.3}, []arrow.DataType{arrow.PrimitiveTypes.Float64}, mem)
		noErr(t, err)
		groups := make([][]float64, ngroups)
		for step := 0; step < 6; step++ {
			b := array.NewListBuilder(mem, arrow.PrimitiveTypes.Float64)
			vb := b.ValueBuilder().(*array.Float64Builder)
			ids := make([]int32, 20)
			for i := range ids {
				ids[i] = int32(r.Intn(ngroups+1)) - 1
				if r.Intn(6) == 0 {
					b.AppendNull()
					continue
				}
				b.Append(true)
				for n := r.Intn(maxLen + 1); n > 0; n-- {
					if r.Intn(5) == 0 {
						vb.AppendNull()
						continue
					}
					x := float64(r.Intn(9))
					vb.Append(x)
					if ids[i] >= 0 {
						groups[ids[i]] = append(groups[ids[i]], x)
					}
				}
			}
			list := b.NewArray()
			b.Release()
			noErr(t, a.Merge(ids, ngroups, []arrow.Array{list}))
			list.Release()

			// An Update between Merges shares no chunk with them.
			fb := array.NewFloat64Builder(mem)
			x := float64(r.Intn(9))
			fb.Append(x)
			col := fb.NewArray()
			fb.Release()
			g := int32(r.Intn(ngroups))
			groups[g] = append(groups[g], x)
			noErr(t, a.Update([]int32{g}, ngroups, []arrow.Array{col}, 0))
			col.Release()
		}
		out, err := a.Final(mem)
		noErr(t, err)
		got := out.(*array.Float64)
		for g, xs := range groups {
			if want := quantileSorted(xs, 0.3); !got.IsValid(g) || got.Value(g) != want {
				t.Errorf("lists up to %d, group %d: got %v, want %v", maxLen, g, got.ValueStr(g), want)
			}
		}
		out.Release()
		a.Release()
	}
}
