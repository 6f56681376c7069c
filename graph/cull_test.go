package graph

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// taskSpec describes one task of a test graph. Its key is Single(key).
type taskSpec struct {
	key   string
	op    string
	token string
	deps  []string
}

// specFunc returns a function whose value spells out how it was computed:
// name(dep values...). A task with a token is named by its token, so tasks
// that Dedup may merge compute equal values.
func specFunc(name string) Func {
	return func(_ context.Context, deps []any) (any, error) {
		parts := make([]string, len(deps))
		for i, d := range deps {
			parts[i] = d.(string)
		}
		return name + "(" + strings.Join(parts, ",") + ")", nil
	}
}

// buildSpec builds the graph of tasks, with task i getting ID i (every key is
// named by Ref first, so dependencies may come later in the list). outputs
// are marked in order; none means the default outputs.
func buildSpec(t testing.TB, tasks []taskSpec, outputs ...string) *Graph {
	t.Helper()
	b := NewBuilder(len(tasks))
	for i, ts := range tasks {
		if id := b.Ref(Single(ts.key)); id != ID(i) {
			t.Fatalf("spec key %q listed twice", ts.key)
		}
	}
	for _, ts := range tasks {
		deps := make([]ID, len(ts.deps))
		for i, d := range ts.deps {
			deps[i] = b.Ref(Single(d))
		}
		name := ts.key
		if ts.token != "" {
			name = ts.token
		}
		b.Add(Single(ts.key), specFunc(name), Hints{Op: ts.op, Token: ts.token}, deps...)
	}
	for _, o := range outputs {
		b.Output(b.Ref(Single(o)))
	}
	g, err := b.Build()
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return g
}

// evaluate is the reference evaluator: it runs every task of g sequentially
// in Topo order and returns the values of the outputs, in order.
func evaluate(t testing.TB, g *Graph) []any {
	t.Helper()
	vals := make([]any, g.Len())
	done := make([]bool, g.Len())
	for _, id := range g.Topo() {
		deps := g.Deps(id)
		in := make([]any, len(deps))
		for i, d := range deps {
			if !done[d] {
				t.Fatalf("task %s runs before its dependency %s", g.Key(id), g.Key(d))
			}
			in[i] = vals[d]
		}
		v, err := g.Func(id)(context.Background(), in)
		if err != nil {
			t.Fatalf("task %s: %v", g.Key(id), err)
		}
		vals[id], done[id] = v, true
	}
	outs := make([]any, len(g.Outputs()))
	for i, o := range g.Outputs() {
		outs[i] = vals[o]
	}
	return outs
}

// keyNames returns the names of the keys of ids.
func keyNames(g *Graph, ids []ID) []string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = g.Key(id).Name
	}
	return names
}

// allNames returns the key names of g's tasks in ID order.
func allNames(g *Graph) []string {
	names := make([]string, g.Len())
	for i := range names {
		names[i] = g.Key(ID(i)).Name
	}
	return names
}

func TestCull(t *testing.T) {
	tests := []struct {
		name     string
		tasks    []taskSpec
		outputs  []string
		wantKeys []string // in ID order
		wantSame bool
	}{
		{
			name:     "empty graph",
			wantKeys: []string{},
			wantSame: true,
		},
		{
			name: "default outputs need everything",
			tasks: []taskSpec{
				{key: "a"}, {key: "b", deps: []string{"a"}}, {key: "c", deps: []string{"a"}},
			},
			wantKeys: []string{"a", "b", "c"},
			wantSame: true,
		},
		{
			name: "unneeded branch dropped",
			tasks: []taskSpec{
				{key: "a"},
				{key: "b", deps: []string{"a"}},
				{key: "c", deps: []string{"a"}},
				{key: "d", deps: []string{"c"}},
			},
			outputs:  []string{"b"},
			wantKeys: []string{"a", "b"},
		},
		{
			name: "dependencies remapped past dropped tasks",
			tasks: []taskSpec{
				{key: "x0"},
				{key: "a"},
				{key: "x1", deps: []string{"a"}},
				{key: "b"},
				{key: "x2"},
				{key: "c", deps: []string{"b", "a", "b"}},
				{key: "x3", deps: []string{"c"}},
				{key: "d", deps: []string{"c", "a"}},
			},
			outputs:  []string{"d", "b"},
			wantKeys: []string{"a", "b", "c", "d"},
		},
		{
			name: "dependency later in ID order",
			tasks: []taskSpec{
				{key: "out", deps: []string{"mid"}},
				{key: "unused", deps: []string{"src"}},
				{key: "mid", deps: []string{"src"}},
				{key: "src"},
			},
			outputs:  []string{"out"},
			wantKeys: []string{"out", "mid", "src"},
		},
		{
			name: "output listed twice",
			tasks: []taskSpec{
				{key: "a"}, {key: "b"}, {key: "c", deps: []string{"a"}},
			},
			outputs:  []string{"c", "c"},
			wantKeys: []string{"a", "c"},
		},
		{
			name: "intermediate output keeps its dependents out",
			tasks: []taskSpec{
				{key: "a"}, {key: "b", deps: []string{"a"}}, {key: "c", deps: []string{"b"}},
			},
			outputs:  []string{"b"},
			wantKeys: []string{"a", "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := buildSpec(t, tt.tasks, tt.outputs...)
			want := evaluate(t, g)
			c, err := Cull(g)
			if err != nil {
				t.Fatalf("Cull: %v", err)
			}
			if got := c == g; got != tt.wantSame {
				t.Errorf("same graph returned: got %v, want %v", got, tt.wantSame)
			}
			if got := allNames(c); !slices.Equal(got, tt.wantKeys) {
				t.Errorf("keys: got %v, want %v", got, tt.wantKeys)
			}
			if got, want := keyNames(c, c.Outputs()), keyNames(g, g.Outputs()); !slices.Equal(got, want) {
				t.Errorf("outputs: got %v, want %v", got, want)
			}
			if got := evaluate(t, c); !slices.Equal(got, want) {
				t.Errorf("output values: got %v, want %v", got, want)
			}
			checkGraphInvariants(t, c)
			if c != g && c.Ordered() {
				t.Errorf("Ordered after culling: got true, want false")
			}
		})
	}
}

// TestCullRandom culls random DAGs to random outputs and compares the culled
// graph with the original: the same output values, and exactly the outputs'
// ancestors kept.
func TestCullRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for iter := range 300 {
		tasks := randomSpec(r, r.IntN(25))
		var outputs []string
		for range r.IntN(4) {
			if len(tasks) > 0 {
				outputs = append(outputs, tasks[r.IntN(len(tasks))].key)
			}
		}
		g := buildSpec(t, tasks, outputs...)
		c, err := Cull(g)
		if err != nil {
			t.Fatalf("iteration %d: Cull: %v", iter, err)
		}
		if got, want := evaluate(t, c), evaluate(t, g); !slices.Equal(got, want) {
			t.Fatalf("iteration %d: output values: got %v, want %v", iter, got, want)
		}
		// The tasks needed are the outputs and their ancestors.
		need := map[string]bool{}
		var visit func(id ID)
		visit = func(id ID) {
			if need[g.Key(id).Name] {
				return
			}
			need[g.Key(id).Name] = true
			for _, d := range g.Deps(id) {
				visit(d)
			}
		}
		for _, o := range g.Outputs() {
			visit(o)
		}
		if got, want := c.Len(), len(need); got != want {
			t.Fatalf("iteration %d: Len: got %v, want %v", iter, got, want)
		}
		for _, name := range allNames(c) {
			if !need[name] {
				t.Fatalf("iteration %d: kept %s: got needed false, want true", iter, name)
			}
		}
		if got, want := c == g, len(need) == g.Len(); got != want {
			t.Fatalf("iteration %d: same graph returned: got %v, want %v", iter, got, want)
		}
		checkGraphInvariants(t, c)
	}
}

// randomSpec returns a random DAG of n tasks named t0, t1, ...: each task
// depends on up to three tasks (with repeats) that come earlier in a random
// order, so dependencies may come later in the list than their dependents.
func randomSpec(r *rand.Rand, n int) []taskSpec {
	rank := r.Perm(n) // rank[i]: position of task i in some topological order
	byRank := make([]int, n)
	for i, p := range rank {
		byRank[p] = i
	}
	tasks := make([]taskSpec, n)
	for i := range tasks {
		tasks[i].key = "t" + strconv.Itoa(i)
		if rank[i] == 0 {
			continue
		}
		for range r.IntN(4) {
			d := byRank[r.IntN(rank[i])]
			tasks[i].deps = append(tasks[i].deps, "t"+strconv.Itoa(d))
		}
	}
	return tasks
}
