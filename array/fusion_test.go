package array

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dusk-go/dusk/graph"
)

// taskCount lowers an array and counts its tasks per operation.
func taskCount(t *testing.T, x *Array) (int, map[string]int) {
	t.Helper()
	g, _, _, err := x.plan()
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for id := range g.Len() {
		ops[g.Op(graphID(id))]++
	}
	return g.Len(), ops
}

func TestFusion(t *testing.T) {
	x := Ones([]int{10, 1000}, Chunks(1, 250))
	y := x.Exp().Mul(x.Sinh()).Sum()
	// one kernel per chunk: no task computes an intermediate array
	_, ops := taskCount(t, y)
	if len(ops) != 1 {
		t.Errorf("ops %v, want only the fused kernel", ops)
	}
	ex := y.Explain()
	if strings.Count(ex, "=exp(") != 1 || !strings.Contains(ex, "sinh(via exp)") {
		t.Errorf("the exponential is not shared:\n%s", ex)
	}
	// a repeated subexpression is computed once
	z := x.Add(2).Mul(x.Add(2))
	if ex := z.Explain(); strings.Count(ex, "=add(") != 1 {
		t.Errorf("x+2 computed twice:\n%s", ex)
	}
	// a slice of an expression reads only the chunks it needs
	u := Uniform(1, []int{1000}, Chunks(100))
	v := Uniform(2, []int{1000}, Chunks(100))
	n, _ := taskCount(t, u.Add(v).Slice(Span(100, 200)))
	if n != 1 {
		t.Errorf("(u+v)[100:200]: %d tasks, want 1", n)
	}
	// a materialized input is read in place by the kernel
	m := u.Rechunk(Chunks(300)).MapBlocks(nil2copy, Name("copy"))
	n, ops = taskCount(t, m.Add(1).Slice(Span(0, 300)).Sum())
	if n != 1 {
		t.Errorf("map blocks under a slice of its first chunk: %v tasks %v, want 1", n, ops)
	}
	// a transpose of a generator never materializes
	w := Uniform(3, []int{40, 40}, Chunks(10, 10))
	n, ops = taskCount(t, w.Add(w.T()).Mean(Axis(0)))
	for op := range ops {
		if strings.Contains(op, "copy") || strings.Contains(op, "rechunk") {
			t.Errorf("(w + w.T).mean materializes: %v", ops)
		}
	}
	if n == 0 {
		t.Error("no tasks")
	}
	// a reshape of row chunks moves nothing
	r := Arange(0, 1200, 1, Chunks(100)).Reshape(12, 100)
	if got := r.Chunks(); len(got[0]) != 12 {
		t.Errorf("reshape chunks %v, want 12 row chunks", got)
	}
	n1, _ := taskCount(t, Arange(0, 1200, 1, Chunks(100)))
	n2, _ := taskCount(t, r)
	if n1 != n2 {
		t.Errorf("reshape added tasks: %d vs %d", n2, n1)
	}
}

func graphID(i int) graph.ID { return graph.ID(i) }

func nil2copy(_ context.Context, b Block) (Block, error) {
	return Block{Float64s: slices.Clone(b.Float64s)}, nil
}
