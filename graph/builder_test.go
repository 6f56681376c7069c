package graph

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

func nop(context.Context, []any) (any, error) { return nil, nil }

// checkGraphInvariants checks what every Graph promises: Topo lists each
// task once, after all of its dependencies; Dependents is the exact inverse
// of Deps, once per edge, in increasing ID order; outputs are tasks of the
// graph; and Priority is the Topo position when the graph is not ordered.
func checkGraphInvariants(t testing.TB, g *Graph) {
	t.Helper()
	n := g.Len()
	topo := g.Topo()
	if len(topo) != n {
		t.Fatalf("len(Topo()): got %v, want %v", len(topo), n)
	}
	pos := make([]int, n)
	for i := range pos {
		pos[i] = -1
	}
	for p, id := range topo {
		if id < 0 || int(id) >= n {
			t.Fatalf("Topo()[%d]: got %v, want an ID below %v", p, id, n)
		}
		if pos[id] >= 0 {
			t.Fatalf("Topo() lists %s at %v and %v, want once", g.Key(id), pos[id], p)
		}
		pos[id] = p
	}
	want := make([][]ID, n)
	for id := range n {
		for _, d := range g.Deps(ID(id)) {
			if d < 0 || int(d) >= n {
				t.Fatalf("Deps(%v): got ID %v, want an ID below %v", id, d, n)
			}
			if pos[d] >= pos[id] {
				t.Fatalf("Topo position of %s (dependency of %s): got %v, want below %v",
					g.Key(d), g.Key(ID(id)), pos[d], pos[id])
			}
			want[d] = append(want[d], ID(id))
		}
	}
	for id := range n {
		if got := g.Dependents(ID(id)); !slices.Equal(got, want[id]) {
			t.Fatalf("Dependents(%s): got %v, want %v", g.Key(ID(id)), got, want[id])
		}
	}
	for i, o := range g.Outputs() {
		if o < 0 || int(o) >= n {
			t.Fatalf("Outputs()[%d]: got %v, want an ID below %v", i, o, n)
		}
	}
	if !g.Ordered() {
		for id := range n {
			if got := g.Priority(ID(id)); int(got) != pos[id] {
				t.Fatalf("Priority(%s) of an unordered graph: got %v, want %v", g.Key(ID(id)), got, pos[id])
			}
		}
	}
}

func TestBuildErrors(t *testing.T) {
	a, b, c, d := K("a", 0), K("b", 0), K("c", 0), Single("d")
	tests := []struct {
		name  string
		build func(bl *Builder)
		// Exactly one of these is set.
		wantCycle   []Key // in dependency order; any rotation is accepted
		wantMissing *MissingDependencyError
		wantDef     *TaskDefinitionError // Reason is a substring of the reason
	}{
		{
			name: "self dependency via Ref",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{}, bl.Ref(a))
			},
			wantCycle: []Key{a},
		},
		{
			name: "3-cycle",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{}, bl.Ref(b))
				bl.Add(b, nop, Hints{}, bl.Ref(c))
				bl.Add(c, nop, Hints{}, bl.Ref(a))
			},
			wantCycle: []Key{a, b, c},
		},
		{
			name: "3-cycle added in the other order",
			build: func(bl *Builder) {
				bl.Add(c, nop, Hints{}, bl.Ref(a))
				bl.Add(b, nop, Hints{}, bl.Ref(c))
				bl.Add(a, nop, Hints{}, bl.Ref(b))
			},
			wantCycle: []Key{a, b, c},
		},
		{
			name: "2-cycle below a dependent and beside a source",
			build: func(bl *Builder) {
				src := bl.Add(Single("src"), nop, Hints{})
				bl.Add(d, nop, Hints{}, src, bl.Ref(a))
				bl.Add(a, nop, Hints{}, src, bl.Ref(b))
				bl.Add(b, nop, Hints{}, bl.Ref(a))
			},
			wantCycle: []Key{a, b},
		},
		{
			name: "missing dependency via Ref",
			build: func(bl *Builder) {
				src := bl.Add(a, nop, Hints{})
				bl.Add(b, nop, Hints{}, src, bl.Ref(Single("ghost")))
			},
			wantMissing: &MissingDependencyError{Task: b, Missing: Single("ghost")},
		},
		{
			name: "missing output via Ref",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{})
				bl.Output(bl.Ref(Single("ghost")))
			},
			wantMissing: &MissingDependencyError{Task: Single("<output>"), Missing: Single("ghost")},
		},
		{
			name: "duplicate key",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{})
				bl.Add(a, nop, Hints{})
			},
			wantDef: &TaskDefinitionError{Task: a, Reason: "added twice"},
		},
		{
			name: "duplicate key after a Ref",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{})
				bl.Add(b, nop, Hints{}, bl.Ref(c))
				bl.Add(c, nop, Hints{})
				bl.Add(a, nop, Hints{})
			},
			wantDef: &TaskDefinitionError{Task: a, Reason: "added twice"},
		},
		{
			name: "referenced key added twice",
			build: func(bl *Builder) {
				bl.Add(b, nop, Hints{}, bl.Ref(c))
				bl.Add(c, nop, Hints{})
				bl.Add(c, nop, Hints{})
			},
			wantDef: &TaskDefinitionError{Task: c, Reason: "added twice"},
		},
		{
			name: "nil function",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{})
				bl.Add(b, nil, Hints{}, 0)
			},
			wantDef: &TaskDefinitionError{Task: b, Reason: "nil function"},
		},
		{
			name: "dependency ID not issued",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{})
				bl.Add(b, nop, Hints{}, 0, 99)
			},
			wantDef: &TaskDefinitionError{Task: b, Reason: "dependency ID 99"},
		},
		{
			name: "negative dependency ID",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{}, -1)
			},
			wantDef: &TaskDefinitionError{Task: a, Reason: "dependency ID -1"},
		},
		{
			name: "output ID not issued",
			build: func(bl *Builder) {
				bl.Add(a, nop, Hints{})
				bl.Output(5)
			},
			wantDef: &TaskDefinitionError{Task: Single("<output>"), Reason: "output ID 5"},
		},
		{
			name: "first mistake is reported",
			build: func(bl *Builder) {
				bl.Add(a, nil, Hints{})
				bl.Add(a, nop, Hints{})
			},
			wantDef: &TaskDefinitionError{Task: a, Reason: "nil function"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var bl Builder // the zero value is ready to use
			tt.build(&bl)
			g, err := bl.Build()
			if g != nil {
				t.Errorf("graph: got %v tasks, want nil", g.Len())
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("errors.Is(%v, ErrInvalid): got false, want true", err)
			}
			switch {
			case tt.wantCycle != nil:
				var ce *CycleError
				if !errors.As(err, &ce) {
					t.Fatalf("error: got %T (%v), want *CycleError", err, err)
				}
				if !isRotation(ce.Keys, tt.wantCycle) {
					t.Errorf("cycle: got %v, want a rotation of %v", ce.Keys, tt.wantCycle)
				}
				for _, k := range ce.Keys {
					if !strings.Contains(err.Error(), k.String()) {
						t.Errorf("message %q: got no %s, want it named", err, k)
					}
				}
			case tt.wantMissing != nil:
				var me *MissingDependencyError
				if !errors.As(err, &me) {
					t.Fatalf("error: got %T (%v), want *MissingDependencyError", err, err)
				}
				if *me != *tt.wantMissing {
					t.Errorf("error: got %+v, want %+v", *me, *tt.wantMissing)
				}
				for _, k := range []Key{me.Task, me.Missing} {
					if !strings.Contains(err.Error(), k.String()) {
						t.Errorf("message %q: got no %s, want it named", err, k)
					}
				}
			default:
				var de *TaskDefinitionError
				if !errors.As(err, &de) {
					t.Fatalf("error: got %T (%v), want *TaskDefinitionError", err, err)
				}
				if !strings.Contains(err.Error(), de.Task.String()) || !strings.Contains(err.Error(), de.Reason) {
					t.Errorf("message %q: got no task or reason, want %v: %v", err, de.Task, de.Reason)
				}
				if de.Task != tt.wantDef.Task || !strings.Contains(de.Reason, tt.wantDef.Reason) {
					t.Errorf("error: got %+v, want task %v with a reason containing %q", *de, tt.wantDef.Task, tt.wantDef.Reason)
				}
			}
		})
	}
}

// isRotation reports whether got is want, started at any position.
func isRotation(got, want []Key) bool {
	if len(got) != len(want) {
		return false
	}
	for s := range want {
		if slices.Equal(got, append(slices.Clone(want[s:]), want[:s]...)) {
			return true
		}
	}
	return len(want) == 0
}

func TestCycleErrorMessage(t *testing.T) {
	err := &CycleError{Keys: []Key{K("a", 1), Single("b")}}
	if got, want := err.Error(), "graph: dependency cycle: a[1] -> b -> a[1]"; got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestDefaultOutputs(t *testing.T) {
	tests := []struct {
		name    string
		tasks   []taskSpec
		outputs []string
		want    []string
	}{
		{name: "empty graph", want: []string{}},
		{name: "single task", tasks: []taskSpec{{key: "a"}}, want: []string{"a"}},
		{
			name: "sinks in ID order",
			tasks: []taskSpec{
				{key: "s2", deps: []string{"a"}},
				{key: "a"},
				{key: "lone"},
				{key: "s1", deps: []string{"a", "b"}},
				{key: "b", deps: []string{"a"}},
			},
			want: []string{"s2", "lone", "s1"},
		},
		{
			name:    "marked outputs replace the sinks",
			tasks:   []taskSpec{{key: "a"}, {key: "b", deps: []string{"a"}}, {key: "c"}},
			outputs: []string{"c", "a", "c"},
			want:    []string{"c", "a", "c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := buildSpec(t, tt.tasks, tt.outputs...)
			if got := keyNames(g, g.Outputs()); !slices.Equal(got, tt.want) {
				t.Errorf("outputs: got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRandomDAGs builds random DAGs, adding tasks in a random order and naming
// later ones with Ref, and checks the graph's invariants and contents.
func TestRandomDAGs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 1000 {
		tasks := randomSpec(r, r.IntN(40))
		var bl *Builder
		if r.IntN(2) == 0 {
			bl = NewBuilder(len(tasks))
		} else {
			bl = &Builder{}
		}
		for _, i := range r.Perm(len(tasks)) {
			deps := make([]ID, len(tasks[i].deps))
			for j, d := range tasks[i].deps {
				deps[j] = bl.Ref(Single(d))
			}
			bl.Add(Single(tasks[i].key), nop, Hints{}, deps...)
		}
		g, err := bl.Build()
		if err != nil {
			t.Fatalf("iteration %d: Build: %v", iter, err)
		}
		if got, want := g.Len(), len(tasks); got != want {
			t.Fatalf("iteration %d: Len: got %v, want %v", iter, got, want)
		}
		hasDependents := map[string]bool{}
		for _, ts := range tasks {
			id, ok := g.Lookup(Single(ts.key))
			if !ok {
				t.Fatalf("iteration %d: Lookup(%s): got false, want true", iter, ts.key)
			}
			if got := keyNames(g, g.Deps(id)); !slices.Equal(got, ts.deps) {
				t.Fatalf("iteration %d: Deps(%s): got %v, want %v", iter, ts.key, got, ts.deps)
			}
			for _, d := range ts.deps {
				hasDependents[d] = true
			}
		}
		var sinks []ID
		for id := range g.Len() {
			if !hasDependents[g.Key(ID(id)).Name] {
				sinks = append(sinks, ID(id))
			}
		}
		if got := g.Outputs(); !slices.Equal(got, sinks) {
			t.Fatalf("iteration %d: default outputs: got %v, want %v", iter, got, sinks)
		}
		checkGraphInvariants(t, g)
	}
}

func TestAddAfterRefKeepsID(t *testing.T) {
	var bl Builder
	ref := bl.Ref(K("later", 2))
	if got, want := bl.Ref(K("later", 2)), ref; got != want {
		t.Errorf("second Ref: got %v, want %v", got, want)
	}
	user := bl.Add(K("user", 0), nop, Hints{}, ref)
	if got, want := bl.Add(K("later", 2), nop, Hints{}), ref; got != want {
		t.Errorf("Add of a referenced key: got %v, want %v", got, want)
	}
	if got, want := bl.Len(), 2; got != want {
		t.Errorf("Len: got %v, want %v", got, want)
	}
	g, err := bl.Build()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.Deps(user), []ID{ref}; !slices.Equal(got, want) {
		t.Errorf("Deps: got %v, want %v", got, want)
	}
}

func TestKeyString(t *testing.T) {
	tests := []struct {
		key  Key
		want string
	}{
		{K("read-csv", 17), "read-csv[17]"},
		{K("x", 0), "x[0]"},
		{K("", 3), "[3]"},
		{Single("sum"), "sum"},
		{Single(""), ""},
		{Key{Name: "n", Index: -1}, "n"},
	}
	for _, tt := range tests {
		if got := tt.key.String(); got != tt.want {
			t.Errorf("%#v.String(): got %v, want %v", tt.key, got, tt.want)
		}
	}
	if got, want := Single("s"), (Key{Name: "s", Index: -1}); got != want {
		t.Errorf("Single: got %#v, want %#v", got, want)
	}
	if got, want := K("s", 4), (Key{Name: "s", Index: 4}); got != want {
		t.Errorf("K: got %#v, want %#v", got, want)
	}
}

func TestLookup(t *testing.T) {
	var bl Builder
	ids := map[Key]ID{}
	for _, k := range []Key{K("a", 0), K("a", 1), Single("a"), K("b", 0)} {
		ids[k] = bl.Add(k, nop, Hints{})
	}
	g, err := bl.Build()
	if err != nil {
		t.Fatal(err)
	}
	// Lookup builds its index once; concurrent first calls must agree.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k, want := range ids {
				if got, ok := g.Lookup(k); !ok || got != want {
					t.Errorf("Lookup(%v): got %v, %v, want %v, true", k, got, ok, want)
				}
			}
		}()
	}
	wg.Wait()
	for _, k := range []Key{K("a", 2), Single("b"), K("c", 0)} {
		if id, ok := g.Lookup(k); ok {
			t.Errorf("Lookup(%v): got %v, true, want false", k, id)
		}
	}
	for k, id := range ids {
		if got := g.Key(id); got != k {
			t.Errorf("Key(%v): got %v, want %v", id, got, k)
		}
	}
}

func TestHintsRoundTrip(t *testing.T) {
	hints := []Hints{
		{Op: "frame: read_csv(data/*.csv)", Bytes: 1 << 20, ReadsInput: true, Token: "read-abc"},
		{Op: "frame: read_csv(data/*.csv)", Bytes: 2 << 20, ReadsInput: true, Token: "read-def"},
		{Op: "frame: filter(fare > 10)", Bytes: 0, Token: ""},
		{},
		{Op: "frame: read_csv(data/*.csv)"},
		{Op: "array: sum", Bytes: -1, Token: "sum"},
	}
	var bl Builder
	for i, h := range hints {
		bl.Add(K("t", i), nop, h)
	}
	g, err := bl.Build()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range hints {
		if got := g.Hints(ID(i)); got != want {
			t.Errorf("Hints(%d): got %+v, want %+v", i, got, want)
		}
		if got := g.Op(ID(i)); got != want.Op {
			t.Errorf("Op(%d): got %v, want %v", i, got, want.Op)
		}
		if got := g.Ops()[g.OpIndex(ID(i))]; got != want.Op {
			t.Errorf("Ops()[OpIndex(%d)]: got %v, want %v", i, got, want.Op)
		}
	}
	if got, want := len(g.Ops()), 4; got != want {
		t.Errorf("len(Ops()): got %v (%q), want %v", got, g.Ops(), want)
	}
	if g.OpIndex(0) != g.OpIndex(1) || g.OpIndex(0) != g.OpIndex(4) {
		t.Errorf("OpIndex of one operation: got %v, %v, %v, want all equal", g.OpIndex(0), g.OpIndex(1), g.OpIndex(4))
	}
}

func TestEmptyGraphOps(t *testing.T) {
	g, err := (&Builder{}).Build()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.Ops(), []string{""}; !slices.Equal(got, want) {
		t.Errorf("Ops: got %q, want %q", got, want)
	}
	if got := g.Len(); got != 0 {
		t.Errorf("Len: got %v, want 0", got)
	}
}

func TestFuncAndPriority(t *testing.T) {
	var bl Builder
	// IDs in reverse topological order, so Priority differs from the ID.
	sink := bl.Ref(Single("sink"))
	mid := bl.Ref(Single("mid"))
	src := bl.Add(Single("src"), func(context.Context, []any) (any, error) { return 1, nil }, Hints{})
	bl.Add(Single("mid"), func(_ context.Context, d []any) (any, error) { return d[0].(int) + 1, nil }, Hints{}, src)
	bl.Add(Single("sink"), func(_ context.Context, d []any) (any, error) { return d[0].(int) * 10, nil }, Hints{}, mid)
	g, err := bl.Build()
	if err != nil {
		t.Fatal(err)
	}
	if g.Ordered() {
		t.Errorf("Ordered: got true, want false")
	}
	for id, want := range map[ID]int32{src: 0, mid: 1, sink: 2} {
		if got := g.Priority(id); got != want {
			t.Errorf("Priority(%s): got %v, want %v", g.Key(id), got, want)
		}
	}
	if got, want := evaluate(t, g), []any{20}; !slices.Equal(got, want) {
		t.Errorf("evaluated outputs: got %v, want %v", got, want)
	}
}
