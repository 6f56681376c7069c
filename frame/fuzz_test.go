package frame

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/scheduler"
)

// FuzzExpressions builds a random filter and projection from the fuzzer's
// seed and compares the frame's result with the row-by-row reference.
// Run it with go test -fuzz FuzzExpressions ./frame; the seed corpus is
// under testdata/fuzz/FuzzExpressions.
func FuzzExpressions(f *testing.F) {
	for i := range 8 {
		f.Add(uint64(i), uint8(i%4), uint8(3))
	}
	f.Fuzz(func(t *testing.T, seed uint64, depth, parts uint8) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r := rand.New(rand.NewPCG(seed, uint64(depth)<<8|uint64(parts)))
		g := exprGen{r: r}
		recs := randomRecords(mem, r, 1+int(parts%8), 100)
		defer func() {
			for _, rec := range recs {
				rec.Release()
			}
		}()
		d := int(depth % 5)
		pred := g.boolExpr(d)
		exprs := []Expr{g.any(d).As("x"), g.any(d).As("y")}
		df := FromRecords(recs...).Filter(pred).SelectExprs(exprs...)
		if err := df.Err(); err != nil {
			t.Fatalf("%s / %v: %v", pred, exprs, err)
		}
		want := refFilterProject(t, rowsOf(t, recs...), pred, exprs)
		opts := []scheduler.Option{scheduler.WithMode(scheduler.Inline), scheduler.Allocator(mem)}
		compareFrame(t, df, opts, want, fmt.Sprintf("filter %s select %v", pred, exprs))
	})
}
