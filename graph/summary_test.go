package graph

import (
	"context"
	"testing"
)

func TestSummary(t *testing.T) {
	b := NewBuilder(0)
	fn := func(context.Context, []any) (any, error) { return nil, nil }
	x := b.Add(K("read", 0), fn, Hints{Op: "read"})
	y := b.Add(K("read", 1), fn, Hints{Op: "read"})
	b.Add(Single("sum"), fn, Hints{Op: "sum"}, x, y)
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	want := "3 tasks, 1 outputs\n     2 × read  (read[0], ...)\n     1 × sum  (sum, ...)\n"
	if got := g.Summary(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
