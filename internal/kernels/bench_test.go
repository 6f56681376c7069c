package kernels

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Benchmarks report ns/element (ns/op divided by the batch length) through
// the "ns/elem" metric; -benchmem shows the allocations per batch.

var benchSizes = []int{4096, 1 << 20}

func benchFloats(mem memory.Allocator, n int, nulls bool) arrow.Array {
	r := rand.New(rand.NewSource(1))
	b := array.NewFloat64Builder(mem)
	defer b.Release()
	for range n {
		if nulls && r.Intn(10) == 0 {
			b.AppendNull()
		} else {
			b.Append(r.Float64())
		}
	}
	return b.NewArray()
}

func benchInts(mem memory.Allocator, n int) arrow.Array {
	r := rand.New(rand.NewSource(2))
	b := array.NewInt64Builder(mem)
	defer b.Release()
	for range n {
		b.Append(r.Int63n(1000))
	}
	return b.NewArray()
}

func perElem(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
}

func BenchmarkArithAddFloat64(b *testing.B) {
	mem := memory.NewGoAllocator()
	for _, n := range benchSizes {
		for _, nulls := range []bool{false, true} {
			x, y := benchFloats(mem, n, nulls), benchFloats(mem, n, nulls)
			b.Run(fmt.Sprintf("n=%d/nulls=%v", n, nulls), func(b *testing.B) {
				b.SetBytes(int64(n * 8 * 3))
				for b.Loop() {
					r, err := Arith(mem, Add, ArrayOf(x), ArrayOf(y), n)
					if err != nil {
						b.Fatal(err)
					}
					r.Release()
				}
				perElem(b, n)
			})
			x.Release()
			y.Release()
		}
	}
}

func BenchmarkArithMulScalarInt64(b *testing.B) {
	mem := memory.NewGoAllocator()
	for _, n := range benchSizes {
		x := benchInts(mem, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				r, err := Arith(mem, Mul, ArrayOf(x), ScalarOf(int64(3), arrow.PrimitiveTypes.Int64), n)
				if err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			perElem(b, n)
		})
		x.Release()
	}
}

func BenchmarkCompareInt64(b *testing.B) {
	mem := memory.NewGoAllocator()
	for _, n := range benchSizes {
		x, y := benchInts(mem, n), benchInts(mem, n)
		b.Run(fmt.Sprintf("n=%d/array", n), func(b *testing.B) {
			for b.Loop() {
				r, err := Compare(mem, Lt, ArrayOf(x), ArrayOf(y), n)
				if err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			perElem(b, n)
		})
		b.Run(fmt.Sprintf("n=%d/scalar", n), func(b *testing.B) {
			for b.Loop() {
				r, err := Compare(mem, Ge, ArrayOf(x), ScalarOf(int64(500), arrow.PrimitiveTypes.Int64), n)
				if err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			perElem(b, n)
		})
		x.Release()
		y.Release()
	}
}

func BenchmarkFilter(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 20
	x, f, s := benchInts(mem, n), benchFloats(mem, n, true), benchStrings(mem, n)
	defer x.Release()
	defer f.Release()
	defer s.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "i", Type: x.DataType()}, {Name: "f", Type: f.DataType(), Nullable: true}, {Name: "s", Type: s.DataType()}}, nil)
	rec := array.NewRecord(schema, []arrow.Array{x, f, s}, n)
	defer rec.Release()
	for _, sel := range []int64{1, 10, 50, 90, 100} {
		// keep = x < threshold: x is uniform in [0, 1000)
		mask, err := Compare(mem, Lt, ArrayOf(x), ScalarOf(sel*10, arrow.PrimitiveTypes.Int64), n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("keep=%d%%/int64", sel), func(b *testing.B) {
			for b.Loop() {
				r, err := FilterArray(mem, x, mask)
				if err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			perElem(b, n)
		})
		b.Run(fmt.Sprintf("keep=%d%%/record(int64,float64+nulls,string)", sel), func(b *testing.B) {
			for b.Loop() {
				r, err := Filter(mem, rec, mask)
				if err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			perElem(b, n)
		})
		mask.Release()
	}
}

func benchStrings(mem memory.Allocator, n int) arrow.Array {
	r := rand.New(rand.NewSource(3))
	b := array.NewStringBuilder(mem)
	defer b.Release()
	words := []string{"alpha", "Beta", "gamma ray", "delta", "EPSILON", "zeta-function"}
	for range n {
		b.Append(words[r.Intn(len(words))])
	}
	return b.NewArray()
}

func BenchmarkStrings(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 16
	s := benchStrings(mem, n)
	defer s.Release()
	for _, k := range []struct {
		name string
		f    func() (arrow.Array, error)
	}{
		{"contains", func() (arrow.Array, error) { return Contains(mem, ArrayOf(s), "ta", n) }},
		{"lower", func() (arrow.Array, error) { return Lower(mem, ArrayOf(s), n) }},
		{"length", func() (arrow.Array, error) { return Length(mem, ArrayOf(s), n) }},
		{"substring", func() (arrow.Array, error) { return Substring(mem, ArrayOf(s), 2, 3, n) }},
	} {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				r, err := k.f()
				if err != nil {
					b.Fatal(err)
				}
				r.Release()
			}
			perElem(b, n)
		})
	}
}

func BenchmarkExtract(b *testing.B) {
	mem := memory.NewGoAllocator()
	const n = 1 << 16
	r := rand.New(rand.NewSource(4))
	for _, tz := range []string{"", "America/New_York"} {
		dt := &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: tz}
		tb := array.NewTimestampBuilder(mem, dt)
		base := int64(1_700_000_000_000_000)
		for range n {
			tb.Append(arrow.Timestamp(base + r.Int63n(86_400_000_000*30)))
		}
		x := tb.NewArray()
		tb.Release()
		for _, p := range []TimePart{Year, Hour} {
			b.Run(fmt.Sprintf("%s/tz=%q", p, tz), func(b *testing.B) {
				for b.Loop() {
					r, err := Extract(mem, p, ArrayOf(x), n)
					if err != nil {
						b.Fatal(err)
					}
					r.Release()
				}
				perElem(b, n)
			})
		}
		x.Release()
	}
}
