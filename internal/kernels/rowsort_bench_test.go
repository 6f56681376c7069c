package kernels

import (
	"cmp"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Benchmarks of Take, the sorts, Split, RangePartition and MergeSorted over
// 1e6 rows, reporting ns/elem like the other kernel benchmarks.

const benchRows = 1_000_000

func benchInt64s(mem memory.Allocator, n int, span int64, seed int64) arrow.Array {
	r := rand.New(rand.NewSource(seed))
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.Reserve(n)
	for range n {
		if span == 0 {
			b.UnsafeAppend(int64(r.Uint64()))
		} else {
			b.UnsafeAppend(r.Int63n(span))
		}
	}
	return b.NewArray()
}

// benchIDs is n strings of 9 to 14 bytes drawn from distinct values.
func benchIDs(mem memory.Allocator, n, distinct int) arrow.Array {
	r := rand.New(rand.NewSource(3))
	b := array.NewStringBuilder(mem)
	defer b.Release()
	for range n {
		b.Append(fmt.Sprintf("id%0*d", 7+r.Intn(6), r.Intn(distinct)))
	}
	return b.NewArray()
}

func benchRecord(cols ...arrow.Array) arrow.Record {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: fmt.Sprint("c", i), Type: c.DataType()}
		defer c.Release()
	}
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, int64(cols[0].Len()))
}

func benchPerm(n int, pctNeg int) []int32 {
	r := rand.New(rand.NewSource(4))
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(r.Intn(n))
		if r.Intn(100) < pctNeg {
			idx[i] = -1
		}
	}
	return idx
}

func BenchmarkTake(b *testing.B) {
	mem := memory.NewGoAllocator()
	ints, strs := benchInt64s(mem, benchRows, 0, 1), benchIDs(mem, benchRows, 1<<20)
	defer ints.Release()
	defer strs.Release()
	for _, c := range []struct {
		name   string
		a      arrow.Array
		pctNeg int
	}{{"int64", ints, 0}, {"int64/nulls", ints, 10}, {"string", strs, 0}} {
		idx := benchPerm(benchRows, c.pctNeg)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r, err := Take(mem, c.a, idx)
				if err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			perElem(b, benchRows)
		})
	}
}

func BenchmarkSortIndices(b *testing.B) {
	mem := memory.NewGoAllocator()
	for _, c := range []struct {
		name string
		rec  arrow.Record
		keys []SortKey
	}{
		{"int64", benchRecord(benchInt64s(mem, benchRows, 0, 1)), []SortKey{{Col: 0}}},
		{"int64/1000-distinct", benchRecord(benchInt64s(mem, benchRows, 1000, 1)), []SortKey{{Col: 0}}},
		{"float64/nulls/desc", benchRecord(benchFloats(mem, benchRows, true)), []SortKey{{Col: 0, Desc: true}}},
		{"string", benchRecord(benchIDs(mem, benchRows, 1<<20)), []SortKey{{Col: 0}}},
		{"string,int64", benchRecord(benchIDs(mem, benchRows, 10_000), benchInt64s(mem, benchRows, 0, 2)), []SortKey{{Col: 0}, {Col: 1}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := SortIndices(c.rec, c.keys); err != nil {
					b.Fatal(err)
				}
			}
			perElem(b, benchRows)
		})
		c.rec.Release()
	}
	// The baseline the radix path replaces: (key, index) pairs by pdqsort.
	ints := benchInt64s(mem, benchRows, 0, 1)
	defer ints.Release()
	b.Run("int64/baseline-pairs", func(b *testing.B) {
		type pair struct {
			k int64
			i int32
		}
		v := values[int64](ints)
		for b.Loop() {
			ps := make([]pair, len(v))
			for i, k := range v {
				ps[i] = pair{k, int32(i)}
			}
			slices.SortFunc(ps, func(a, b pair) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.i, b.i)) })
		}
		perElem(b, benchRows)
	})
}

func BenchmarkTopKIndices(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchRecord(benchInt64s(mem, benchRows, 0, 1))
	defer rec.Release()
	for b.Loop() {
		if _, err := TopKIndices(rec, []SortKey{{Col: 0, Desc: true}}, 100); err != nil {
			b.Fatal(err)
		}
	}
	perElem(b, benchRows)
}

func BenchmarkSplit(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchRecord(benchInt64s(mem, benchRows, 0, 1), benchFloats(mem, benchRows, true), benchIDs(mem, benchRows, 1<<20))
	defer rec.Release()
	r := rand.New(rand.NewSource(5))
	part := make([]int32, benchRows)
	for i := range part {
		part[i] = int32(r.Intn(64))
	}
	b.Run("int64,float64,string/64", func(b *testing.B) {
		for b.Loop() {
			recs, err := Split(mem, rec, part, 64)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range recs {
				r.Release()
			}
		}
		perElem(b, benchRows)
	})
}

func BenchmarkRangePartition(b *testing.B) {
	mem := memory.NewGoAllocator()
	rec := benchRecord(benchInt64s(mem, benchRows, 0, 1), benchIDs(mem, benchRows, 1<<20))
	defer rec.Release()
	out := make([]int32, benchRows)
	for _, c := range []struct {
		name string
		keys []SortKey
	}{{"int64/64", []SortKey{{Col: 0}}}, {"string,int64/64", []SortKey{{Col: 1}, {Col: 0}}}} {
		sample, _ := TakeRecord(mem, rec, benchPerm(63, 0))
		idx, _ := SortIndices(sample, c.keys)
		sorted, _ := TakeRecord(mem, sample, idx)
		cols := make([]arrow.Array, len(c.keys))
		for k, key := range c.keys {
			cols[k] = sorted.Column(key.Col)
			cols[k].Retain()
		}
		bounds := benchRecord(cols...)
		sample.Release()
		sorted.Release()
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := RangePartition(rec, c.keys, bounds, out); err != nil {
					b.Fatal(err)
				}
			}
			perElem(b, benchRows)
		})
		bounds.Release()
	}
}

func BenchmarkMergeSorted(b *testing.B) {
	mem := memory.NewGoAllocator()
	keys := []SortKey{{Col: 0}}
	runs := make([]arrow.Record, 8)
	for i := range runs {
		rec := benchRecord(benchInt64s(mem, benchRows/8, 0, int64(i)), benchFloats(mem, benchRows/8, false))
		idx, _ := SortIndices(rec, keys)
		runs[i], _ = TakeRecord(mem, rec, idx)
		rec.Release()
	}
	defer func() {
		for _, r := range runs {
			r.Release()
		}
	}()
	b.Run("int64,float64/8", func(b *testing.B) {
		for b.Loop() {
			r, err := MergeSorted(mem, runs, keys)
			if err != nil {
				b.Fatal(err)
			}
			r.Release()
		}
		perElem(b, benchRows)
	})
}
