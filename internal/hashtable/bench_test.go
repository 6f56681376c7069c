package hashtable

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/dusk-go/dusk/internal/hashing"
)

// Benchmarks insert benchRows rows, in chunks of benchChunk, into a new
// table per iteration and report ns/row; the Map variants do the same with
// a Go map keyed by the value (or a struct of the values) as a baseline.

const (
	benchRows  = 10_000_000
	benchChunk = 1 << 20
)

// benchInts returns benchRows draws from groups distinct int64 values,
// chunked: the values 0..groups-1 (dense) or spread over the whole range.
func benchInts(groups int, spread bool, seed int64) []arrow.Array {
	r := rand.New(rand.NewSource(seed))
	var out []arrow.Array
	b := array.NewInt64Builder(memory.DefaultAllocator)
	defer b.Release()
	for s := 0; s < benchRows; s += benchChunk {
		for range min(benchChunk, benchRows-s) {
			v := int64(r.Intn(groups))
			if spread {
				v = int64(hashing.Mix64(uint64(v)))
			}
			b.Append(v)
		}
		out = append(out, b.NewArray())
	}
	return out
}

func benchStrings(groups int) []arrow.Array {
	r := rand.New(rand.NewSource(7))
	var out []arrow.Array
	b := array.NewStringBuilder(memory.DefaultAllocator)
	defer b.Release()
	for s := 0; s < benchRows; s += benchChunk {
		for range min(benchChunk, benchRows-s) {
			b.Append(fmt.Sprintf("id%09d", r.Intn(groups)))
		}
		out = append(out, b.NewArray())
	}
	return out
}

func perRow(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
}

func benchTable(b *testing.B, chunks ...[]arrow.Array) {
	types := make([]arrow.DataType, len(chunks))
	for c := range chunks {
		types[c] = chunks[c][0].DataType()
	}
	ids := make([]int32, benchChunk)
	cols := make([]arrow.Array, len(chunks))
	groups := 0
	b.ResetTimer()
	for range b.N {
		t, err := New(types, true)
		if err != nil {
			b.Fatal(err)
		}
		for i := range chunks[0] {
			for c := range chunks {
				cols[c] = chunks[c][i]
			}
			if err := t.Insert(cols, ids); err != nil {
				b.Fatal(err)
			}
		}
		groups = t.Len()
	}
	perRow(b)
	b.ReportMetric(float64(groups), "groups")
}

func BenchmarkInsertInt64(b *testing.B) {
	for _, g := range []int{100, 100_000, 10_000_000} {
		for _, spread := range []bool{false, true} {
			data := benchInts(g, spread, 1)
			name := fmt.Sprintf("groups=%d/spread=%v", g, spread)
			b.Run(name+"/Table", func(b *testing.B) { benchTable(b, data) })
			b.Run(name+"/Map", func(b *testing.B) {
				idbuf := make([]int32, benchChunk)
				for range b.N {
					m := map[int64]int32{}
					for _, a := range data {
						vals := a.(*array.Int64).Int64Values()
						ids := idbuf[:len(vals)]
						for i, v := range vals {
							id, ok := m[v]
							if !ok {
								id = int32(len(m))
								m[v] = id
							}
							ids[i] = id
						}
					}
				}
				perRow(b)
			})
			release(data)
		}
	}
}

// BenchmarkInsert3Ints groups by three int64 keys of 100, 100 and 10
// values (1e5 groups), which pack into one word.
func BenchmarkInsert3Ints(b *testing.B) {
	data := [][]arrow.Array{benchInts(100, false, 1), benchInts(100, false, 2), benchInts(10, false, 3)}
	b.Run("Table", func(b *testing.B) { benchTable(b, data...) })
	b.Run("Map", func(b *testing.B) {
		type key struct{ a, b, c int64 }
		idbuf := make([]int32, benchChunk)
		for range b.N {
			m := map[key]int32{}
			for i := range data[0] {
				x := data[0][i].(*array.Int64).Int64Values()
				y := data[1][i].(*array.Int64).Int64Values()
				z := data[2][i].(*array.Int64).Int64Values()
				ids := idbuf[:len(x)]
				for j := range x {
					k := key{x[j], y[j], z[j]}
					id, ok := m[k]
					if !ok {
						id = int32(len(m))
						m[k] = id
					}
					ids[j] = id
				}
			}
		}
		perRow(b)
	})
	for _, d := range data {
		release(d)
	}
}

func BenchmarkInsertString(b *testing.B) {
	data := benchStrings(100_000)
	defer release(data)
	b.Run("groups=100000/Table", func(b *testing.B) { benchTable(b, data) })
	b.Run("groups=100000/Map", func(b *testing.B) {
		idbuf := make([]int32, benchChunk)
		for range b.N {
			m := map[string]int32{}
			for _, a := range data {
				s := a.(*array.String)
				ids := idbuf[:s.Len()]
				for i := range ids {
					v := s.Value(i)
					id, ok := m[v]
					if !ok {
						id = int32(len(m))
						m[strings.Clone(v)] = id
					}
					ids[i] = id
				}
			}
		}
		perRow(b)
	})
}

func BenchmarkHashRows(b *testing.B) {
	data := benchInts(100_000, true, 1)
	defer release(data)
	out := make([]uint64, benchChunk)
	b.ResetTimer()
	for range b.N {
		for _, a := range data {
			if err := HashRows([]arrow.Array{a}, out); err != nil {
				b.Fatal(err)
			}
		}
	}
	perRow(b)
}
