package agg

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

const benchRows = 10_000_000

// benchData returns benchRows uniform group ids over ngroups groups, and
// float64 and int64 columns without nulls and a float64 column with 10%
// nulls (caller releases the columns).
func benchData(mem memory.Allocator, ngroups int) ([]int32, []arrow.Array) {
	r := rand.New(rand.NewSource(1))
	ids := make([]int32, benchRows)
	fs, is, valid := make([]float64, benchRows), make([]int64, benchRows), make([]bool, benchRows)
	for i := range ids {
		ids[i] = int32(r.Intn(ngroups))
		fs[i], is[i], valid[i] = r.Float64(), r.Int63n(1000), r.Intn(10) != 0
	}
	fb, ib := array.NewFloat64Builder(mem), array.NewInt64Builder(mem)
	defer fb.Release()
	defer ib.Release()
	fb.AppendValues(fs, nil)
	f := fb.NewArray()
	ib.AppendValues(is, nil)
	i := ib.NewArray()
	fb.AppendValues(fs, valid)
	return ids, []arrow.Array{f, i, fb.NewArray()}
}

// BenchmarkUpdate measures Update over benchRows rows in one batch, in
// ns per row.
func BenchmarkUpdate(b *testing.B) {
	mem := checkedMem(b)
	f64, i64 := arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Int64
	for _, ngroups := range []int{100, 1_000_000} {
		ids, cols := benchData(mem, ngroups)
		for _, c := range []struct {
			name string
			kind Kind
			col  int
		}{
			{"sum/float64", Sum, 0}, {"sum/int64", Sum, 1}, {"sum/float64-nulls", Sum, 2},
			{"mean/float64", Mean, 0}, {"count/float64-nulls", Count, 2}, {"count_rows", CountRows, -1},
		} {
			b.Run(fmt.Sprintf("%s/groups=%d", c.name, ngroups), func(b *testing.B) {
				var in []arrow.DataType
				var batch []arrow.Array
				if c.col >= 0 {
					in, batch = []arrow.DataType{[]arrow.DataType{f64, i64, f64}[c.col]}, cols[c.col:c.col+1]
				}
				a, err := New(Spec{Kind: c.kind}, in, mem)
				noErr(b, err)
				defer a.Release()
				noErr(b, a.Update(ids, ngroups, batch, 0)) // grow the states
				for b.Loop() {
					noErr(b, a.Update(ids, ngroups, batch, 0))
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
			})
		}
		release(cols)
	}
}

// BenchmarkMedian measures Median over 1e4 groups of 1000 values (the
// shape of db-benchmark's q6), in ns per value: "select" is the quantile
// of each already grouped group alone; "update+final" folds all rows into
// one accumulator and finalizes it; "merge+final" merges the states of four
// partitions, as the frame's second phase does, and finalizes.
func BenchmarkMedian(b *testing.B) {
	const ngroups, per, parts = 10_000, 1000, 4
	mem := checkedMem(b)
	ids, cols := benchData(mem, ngroups)
	defer release(cols)
	perValue := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/value")
	}
	b.Run("select", func(b *testing.B) {
		r := rand.New(rand.NewSource(2))
		src, work := make([]float64, ngroups*per), make([]float64, ngroups*per)
		for i := range src {
			src[i] = r.Float64()
		}
		for b.Loop() {
			copy(work, src)
			for g := 0; g < ngroups; g++ {
				quantile(work[g*per:(g+1)*per], 0.5)
			}
		}
		perValue(b)
	})
	spec, in := Spec{Kind: Median}, []arrow.DataType{arrow.PrimitiveTypes.Float64}
	b.Run("update+final", func(b *testing.B) {
		for b.Loop() {
			a, err := New(spec, in, mem)
			noErr(b, err)
			noErr(b, a.Update(ids, ngroups, cols[:1], 0))
			out, err := a.Final(mem)
			noErr(b, err)
			out.Release()
			a.Release()
		}
		perValue(b)
	})
	b.Run("merge+final", func(b *testing.B) {
		var states []arrow.Array
		defer func() { release(states) }()
		step := benchRows / parts
		for p := 0; p < parts; p++ {
			a, err := New(spec, in, mem)
			noErr(b, err)
			part := array.NewSlice(cols[0], int64(p*step), int64((p+1)*step))
			noErr(b, a.Update(ids[p*step:(p+1)*step], ngroups, []arrow.Array{part}, 0))
			part.Release()
			s, err := a.State(mem)
			noErr(b, err)
			states = append(states, s...)
			a.Release()
		}
		all := make([]int32, ngroups)
		for i := range all {
			all[i] = int32(i)
		}
		for b.Loop() {
			a, err := New(spec, in, mem)
			noErr(b, err)
			for _, s := range states {
				noErr(b, a.Merge(all, ngroups, []arrow.Array{s}))
			}
			out, err := a.Final(mem)
			noErr(b, err)
			out.Release()
			a.Release()
		}
		perValue(b)
	})
}
