package graph

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestDedup(t *testing.T) {
	tests := []struct {
		name        string
		tasks       []taskSpec
		outputs     []string
		wantSame    bool
		wantKeys    []string            // in ID order
		wantDeps    map[string][]string // key -> its dependencies' keys
		wantOutputs []string
	}{
		{
			name:     "empty graph",
			wantSame: true,
		},
		{
			name:     "no tokens",
			tasks:    []taskSpec{{key: "a"}, {key: "b"}, {key: "c", deps: []string{"a", "b"}}},
			wantSame: true,
		},
		{
			name: "empty tokens never merge",
			tasks: []taskSpec{
				{key: "a"}, {key: "b"},
				{key: "c", deps: []string{"a"}}, {key: "d", deps: []string{"a"}},
			},
			wantSame: true,
		},
		{
			name: "distinct tokens",
			tasks: []taskSpec{
				{key: "a", token: "x"}, {key: "b", token: "y"},
				{key: "c", token: "z", deps: []string{"a"}},
			},
			wantSame: true,
		},
		{
			name: "same token different deps",
			tasks: []taskSpec{
				{key: "a", token: "src-a"}, {key: "b", token: "src-b"},
				{key: "c", token: "f", deps: []string{"a"}},
				{key: "d", token: "f", deps: []string{"b"}},
				{key: "e", token: "g", deps: []string{"a", "b"}},
				{key: "h", token: "g", deps: []string{"b", "a"}},
			},
			wantSame: true,
		},
		{
			name: "identical sources merge",
			tasks: []taskSpec{
				{key: "a", token: "read"}, {key: "b", token: "read"},
				{key: "c", deps: []string{"a", "b"}},
			},
			wantKeys:    []string{"a", "c"},
			wantDeps:    map[string][]string{"c": {"a", "a"}},
			wantOutputs: []string{"c"},
		},
		{
			name: "identical token and deps merge",
			tasks: []taskSpec{
				{key: "src"},
				{key: "f1", token: "f", deps: []string{"src"}},
				{key: "other", deps: []string{"src"}},
				{key: "f2", token: "f", deps: []string{"src"}},
				{key: "use1", deps: []string{"f1"}},
				{key: "use2", deps: []string{"f2", "other"}},
			},
			wantKeys:    []string{"src", "f1", "other", "use1", "use2"},
			wantDeps:    map[string][]string{"use1": {"f1"}, "use2": {"f1", "other"}},
			wantOutputs: []string{"use1", "use2"},
		},
		{
			name: "empty token with same deps beside a merge",
			tasks: []taskSpec{
				{key: "src"},
				{key: "n1", deps: []string{"src"}},
				{key: "n2", deps: []string{"src"}},
				{key: "f1", token: "f", deps: []string{"src"}},
				{key: "f2", token: "f", deps: []string{"src"}},
			},
			outputs:     []string{"n1", "n2", "f1", "f2"},
			wantKeys:    []string{"src", "n1", "n2", "f1"},
			wantOutputs: []string{"n1", "n2", "f1", "f1"},
		},
		{
			name: "chained duplicates merge transitively",
			tasks: []taskSpec{
				{key: "r1", token: "read"}, {key: "r2", token: "read"},
				{key: "m1", token: "map", deps: []string{"r1"}},
				{key: "m2", token: "map", deps: []string{"r2"}},
				{key: "s1", token: "sum", deps: []string{"m1", "r1"}},
				{key: "s2", token: "sum", deps: []string{"m2", "r2"}},
				{key: "t2", token: "sum", deps: []string{"m2", "m2"}},
			},
			outputs:     []string{"s2", "t2", "s1"},
			wantKeys:    []string{"r1", "m1", "s1", "t2"},
			wantDeps:    map[string][]string{"m1": {"r1"}, "s1": {"m1", "r1"}, "t2": {"m1", "m1"}},
			wantOutputs: []string{"s1", "t2", "s1"},
		},
		{
			name: "merged outputs give the same ID twice",
			tasks: []taskSpec{
				{key: "a", token: "t"}, {key: "b", token: "t"}, {key: "c"},
			},
			outputs:     []string{"b", "c", "a"},
			wantKeys:    []string{"a", "c"},
			wantOutputs: []string{"a", "c", "a"},
		},
		{
			name: "first in topological order is kept",
			// b2 has a lower ID than b1, but b1's dependency a1 comes
			// first in Topo, so b1 is ready first.
			tasks: []taskSpec{
				{key: "b2", token: "f", deps: []string{"a2"}},
				{key: "a1", token: "src"},
				{key: "a2", token: "src"},
				{key: "b1", token: "f", deps: []string{"a1"}},
			},
			outputs:     []string{"b2", "b1"},
			wantKeys:    []string{"a1", "b1"},
			wantDeps:    map[string][]string{"b1": {"a1"}},
			wantOutputs: []string{"b1", "b1"},
		},
		{
			name: "token bytes cannot collide with deps",
			tasks: []taskSpec{
				{key: "a", token: "p"},
				{key: "x", token: "p\x00\x00\x00\x00"},
				{key: "y", token: "p", deps: []string{"a"}},
			},
			wantSame: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := buildSpec(t, tt.tasks, tt.outputs...)
			want := evaluate(t, g)
			d, err := Dedup(g)
			if err != nil {
				t.Fatalf("Dedup: %v", err)
			}
			if got := d == g; got != tt.wantSame {
				t.Fatalf("same graph returned: got %v, want %v", got, tt.wantSame)
			}
			checkGraphInvariants(t, d)
			if got := evaluate(t, d); !slices.Equal(got, want) {
				t.Errorf("output values: got %v, want %v", got, want)
			}
			if tt.wantSame {
				return
			}
			if got := allNames(d); !slices.Equal(got, tt.wantKeys) {
				t.Errorf("keys: got %v, want %v", got, tt.wantKeys)
			}
			for key, wantDeps := range tt.wantDeps {
				id, ok := d.Lookup(Single(key))
				if !ok {
					t.Errorf("Lookup(%s): got false, want true", key)
					continue
				}
				if got := keyNames(d, d.Deps(id)); !slices.Equal(got, wantDeps) {
					t.Errorf("deps of %s: got %v, want %v", key, got, wantDeps)
				}
			}
			if got := keyNames(d, d.Outputs()); !slices.Equal(got, tt.wantOutputs) {
				t.Errorf("outputs: got %v, want %v", got, tt.wantOutputs)
			}
			for _, ts := range tt.tasks {
				_, ok := d.Lookup(Single(ts.key))
				if kept := slices.Contains(tt.wantKeys, ts.key); ok != kept {
					t.Errorf("Lookup(%s): got %v, want %v", ts.key, ok, kept)
				}
				if !ok {
					continue
				}
				// Kept tasks keep their hints.
				id, _ := d.Lookup(Single(ts.key))
				if got := d.Hints(id).Token; got != ts.token {
					t.Errorf("token of %s: got %q, want %q", ts.key, got, ts.token)
				}
			}
			// Deduplicating again changes nothing.
			if again, err := Dedup(d); err != nil || again != d {
				t.Errorf("second Dedup: got %p, %v, want %p, nil", again, err, d)
			}
		})
	}
}

func TestDedupOutputIDsRepeat(t *testing.T) {
	g := buildSpec(t, []taskSpec{{key: "a", token: "t"}, {key: "b", token: "t"}}, "a", "b")
	d, err := Dedup(g)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Outputs(), []ID{0, 0}; !slices.Equal(got, want) {
		t.Errorf("Outputs: got %v, want %v", got, want)
	}
}

// TestDedupRandom deduplicates random DAGs whose tasks draw their tokens
// from a small set, and compares with the original: the same output values
// (a task's value depends only on its token and its inputs' values), no two
// remaining tasks with the same token and dependencies, and no merge of tasks
// that compute different values.
func TestDedupRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for iter := range 300 {
		tasks := randomSpec(r, r.IntN(30))
		for i := range tasks {
			if r.IntN(4) > 0 {
				tasks[i].token = "tok" + strconv.Itoa(r.IntN(3))
			}
		}
		var outputs []string
		for _, ts := range tasks {
			if r.IntN(3) == 0 {
				outputs = append(outputs, ts.key)
			}
		}
		g := buildSpec(t, tasks, outputs...)
		d, err := Dedup(g)
		if err != nil {
			t.Fatalf("iteration %d: Dedup: %v", iter, err)
		}
		checkGraphInvariants(t, d)
		if got, want := evaluate(t, d), evaluate(t, g); !slices.Equal(got, want) {
			t.Fatalf("iteration %d: output values: got %v, want %v", iter, got, want)
		}
		type sig struct {
			token string
			deps  string
		}
		seen := map[sig]ID{}
		for id := range d.Len() {
			tok := d.Hints(ID(id)).Token
			if tok == "" {
				continue
			}
			s := sig{tok, slicesString(d.Deps(ID(id)))}
			if other, dup := seen[s]; dup {
				t.Fatalf("iteration %d: %s and %s left unmerged: got 2 tasks, want 1",
					iter, d.Key(other), d.Key(ID(id)))
			}
			seen[s] = ID(id)
		}
		if got, want := d == g, d.Len() == g.Len(); got != want {
			t.Fatalf("iteration %d: same graph returned: got %v, want %v", iter, got, want)
		}
	}
}

func slicesString(ids []ID) string {
	b := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, ',')
	}
	return string(b)
}
