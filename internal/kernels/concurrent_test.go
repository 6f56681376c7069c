package kernels

import (
	"sync"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// TestConcurrentUse runs kernels from several goroutines on the same
// borrowed arrays (slices, whose null count arrow computes lazily): under
// -race it checks that kernels only read their inputs.
func TestConcurrentUse(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := newGen(9)
	const n = 1000
	x := g.array(mem, arrow.PrimitiveTypes.Int64, n, 20)
	defer x.Release()
	s := g.array(mem, arrow.BinaryTypes.String, n, 20)
	defer s.Release()
	ts := g.array(mem, tsTypes[5], n, 20) // a zone loaded on first use
	defer ts.Release()
	mfull := g.array(mem, arrow.FixedWidthTypes.Boolean, n+3, 20)
	defer mfull.Release()
	mask := array.NewSlice(mfull, 3, n+3).(*array.Boolean)
	defer mask.Release()
	rec := array.NewRecord(arrow.NewSchema([]arrow.Field{{Name: "x", Type: x.DataType()}, {Name: "s", Type: s.DataType()}}, nil), []arrow.Array{x, s}, n)
	defer rec.Release()

	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				var outs []interface{ Release() }
				add := func(a interface{ Release() }, err error) {
					if err != nil {
						t.Error(err)
						return
					}
					outs = append(outs, a)
				}
				add(Arith(mem, Add, ArrayOf(x), ArrayOf(x), n))
				add(Compare(mem, Lt, ArrayOf(x), ScalarOf(int64(0), x.DataType()), n))
				add(Compare(mem, Eq, ArrayOf(s), ArrayOf(s), n))
				add(Lower(mem, ArrayOf(s), n))
				add(Extract(mem, Hour, ArrayOf(ts), n))
				add(Cast(mem, ts, arrow.BinaryTypes.String))
				add(FillNull(mem, ArrayOf(s), ScalarOf("", s.DataType()), n))
				add(And(mem, ArrayOf(mask), ArrayOf(mask), n))
				add(Filter(mem, rec, mask))
				for _, o := range outs {
					o.Release()
				}
			}
		}()
	}
	wg.Wait()
}
