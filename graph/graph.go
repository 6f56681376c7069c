package graph

import (
	"slices"
	"sync"
)

// meta is the compact form of a task's Hints: the operation is interned
// and the token kept apart, so that meta holds no pointer for the garbage
// collector to scan.
type meta struct {
	bytes int64
	op    uint32
	reads bool
}

// span locates a task's dependencies in the graph's dependency arena.
type span struct{ off, n int32 }

// Graph is a validated, immutable task graph. Build one with a [Builder];
// transform it with the optimization passes. A Graph is safe for concurrent
// use.
type Graph struct {
	keys    []Key
	fns     []Func
	meta    []meta
	ops     []string
	tokens  []string // nil when no task has a token
	depSpan []span
	deps    []ID
	outputs []ID

	// Derived by assemble.
	dependentsOff []int32
	dependents    []ID
	topo          []ID

	// prio is the static priority of each task (lower runs first); nil until
	// the Order pass has run.
	prio   []int32
	byPrio []ID // the tasks in priority order, the inverse of prio

	indexOnce sync.Once
	index     map[Key]ID
	topoPos   []int32
}

// Len returns the number of tasks.
func (g *Graph) Len() int { return len(g.keys) }

// Key returns the key of task id.
func (g *Graph) Key(id ID) Key { return g.keys[id] }

// Func returns the function of task id.
func (g *Graph) Func(id ID) Func { return g.fns[id] }

// Hints returns the hints of task id.
func (g *Graph) Hints(id ID) Hints {
	m := g.meta[id]
	return Hints{Op: g.ops[m.op], Bytes: m.bytes, ReadsInput: m.reads, Token: g.token(id)}
}

func (g *Graph) token(id ID) string {
	if g.tokens == nil {
		return ""
	}
	return g.tokens[id]
}

// Op returns the operation of task id (Hints.Op).
func (g *Graph) Op(id ID) string { return g.ops[g.meta[id].op] }

// OpIndex returns the index of task id's operation in [Graph.Ops]. Tasks of
// the same operation share an index, which lets executors keep per-operation
// state in a slice.
func (g *Graph) OpIndex(id ID) int { return int(g.meta[id].op) }

// Ops returns the distinct operations of the graph, indexed by OpIndex. The
// slice is borrowed.
func (g *Graph) Ops() []string { return g.ops }

// Deps returns the dependencies of task id, in the order its function
// receives their values. The slice is borrowed.
func (g *Graph) Deps(id ID) []ID {
	s := g.depSpan[id]
	return g.deps[s.off : s.off+s.n : s.off+s.n]
}

// Dependents returns the tasks that depend on task id, once per dependency
// edge, in increasing ID order. The slice is borrowed.
func (g *Graph) Dependents(id ID) []ID {
	lo, hi := g.dependentsOff[id], g.dependentsOff[id+1]
	return g.dependents[lo:hi:hi]
}

// Outputs returns the tasks whose values a computation of the graph returns,
// in the order they are returned. The same ID may appear more than once
// (after Dedup merged two outputs). The slice is borrowed.
func (g *Graph) Outputs() []ID { return g.outputs }

// Topo returns every task in a topological order: each task after all of its
// dependencies. The slice is borrowed.
func (g *Graph) Topo() []ID { return g.topo }

// Ordered reports whether the graph carries a static priority order (see
// [Order]).
func (g *Graph) Ordered() bool { return g.prio != nil }

// Priority returns the static priority of task id: lower runs earlier. It is
// the task's position in the order computed by [Order], or its position in
// [Graph.Topo] when the graph has not been ordered.
func (g *Graph) Priority(id ID) int32 {
	if g.prio != nil {
		return g.prio[id]
	}
	g.indexOnce.Do(g.buildIndex)
	return g.topoPos[id]
}

// ByPriority returns every task in priority order (see [Graph.Priority]):
// the order of [Order], or [Graph.Topo] when the graph has not been ordered.
// The slice is borrowed.
func (g *Graph) ByPriority() []ID {
	if g.byPrio != nil {
		return g.byPrio
	}
	return g.topo
}

// Lookup returns the ID of the task with the given key.
func (g *Graph) Lookup(k Key) (ID, bool) {
	g.indexOnce.Do(g.buildIndex)
	id, ok := g.index[k]
	return id, ok
}

func (g *Graph) buildIndex() {
	g.index = make(map[Key]ID, len(g.keys))
	for i, k := range g.keys {
		g.index[k] = ID(i)
	}
	g.topoPos = make([]int32, len(g.keys))
	for pos, id := range g.topo {
		g.topoPos[id] = int32(pos)
	}
}

// assemble derives the dependents and a topological order of a graph whose
// tasks are otherwise complete, and reports a cycle if there is one.
func (g *Graph) assemble() error {
	n := len(g.keys)
	off := make([]int32, n+1)
	for _, d := range g.deps {
		off[d+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	dependents := make([]ID, len(g.deps))
	fill := slices.Clone(off[:n])
	for i, s := range g.depSpan {
		for _, d := range g.deps[s.off : s.off+s.n] {
			dependents[fill[d]] = ID(i)
			fill[d]++
		}
	}
	g.dependentsOff, g.dependents = off, dependents

	// When every task depends only on tasks with smaller IDs (always so when
	// a Builder was used without Ref, and kept so by the passes), ID order
	// is a topological order and there is no cycle.
	ascending := true
	for i, s := range g.depSpan {
		for _, d := range g.deps[s.off : s.off+s.n] {
			if d >= ID(i) {
				ascending = false
				break
			}
		}
	}
	if ascending {
		g.topo = make([]ID, n)
		for i := range g.topo {
			g.topo[i] = ID(i)
		}
		return nil
	}

	// Kahn's algorithm; indeg counts dependency edges still to be satisfied.
	indeg := fill // reuse: len n
	topo := make([]ID, 0, n)
	for i, s := range g.depSpan {
		indeg[i] = s.n
		if s.n == 0 {
			topo = append(topo, ID(i))
		}
	}
	for head := 0; head < len(topo); head++ {
		v := topo[head]
		for _, c := range dependents[off[v]:off[v+1]] {
			indeg[c]--
			if indeg[c] == 0 {
				topo = append(topo, c)
			}
		}
	}
	if len(topo) < n {
		return &CycleError{Keys: g.findCycle(indeg)}
	}
	g.topo = topo
	return nil
}

// findCycle returns the keys on one cycle among the tasks whose remaining
// in-degree is positive (those Kahn's algorithm could not order). Each such
// task has a dependency that is also unordered, so walking dependencies from
// one of them must come back to a task already on the walk.
func (g *Graph) findCycle(indeg []int32) []Key {
	start := -1
	for i, d := range indeg {
		if d > 0 {
			start = i
			break
		}
	}
	posOnWalk := map[ID]int{}
	var walk []ID
	v := ID(start)
	for {
		if p, seen := posOnWalk[v]; seen {
			keys := make([]Key, 0, len(walk)-p)
			for _, id := range walk[p:] {
				keys = append(keys, g.keys[id])
			}
			return keys
		}
		posOnWalk[v] = len(walk)
		walk = append(walk, v)
		next := ID(-1)
		for _, d := range g.Deps(v) {
			if indeg[d] > 0 {
				next = d
				break
			}
		}
		v = next
	}
}

// derive returns a copy of g's header sharing its (immutable) arrays, for
// passes that change only some of them.
func (g *Graph) derive() *Graph {
	return &Graph{
		keys: g.keys, fns: g.fns, meta: g.meta, ops: g.ops, tokens: g.tokens,
		depSpan: g.depSpan, deps: g.deps, outputs: g.outputs,
		dependentsOff: g.dependentsOff, dependents: g.dependents, topo: g.topo,
		prio: g.prio, byPrio: g.byPrio,
	}
}
