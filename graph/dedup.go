package graph

import "encoding/binary"

// dedupKey identifies what a task computes: its token and its dependencies
// after earlier merges, encoded as 4 little-endian bytes per ID. Keeping the
// token in its own field makes the key unambiguous whatever bytes the token
// holds.
type dedupKey struct {
	token string
	deps  string
}

// Dedup returns the graph in which tasks that compute the same thing are
// merged: tasks with the same non-empty [Hints.Token] and the same
// dependencies, once the dependencies' own duplicates have been merged (so
// chains of duplicates merge whole). Of each group, the task that comes
// first in [Graph.Topo] is kept; the consumers and outputs of the others use
// it instead, and the keys of the others leave the graph. Tasks with an empty
// token are never merged. Kept tasks keep their relative ID order. Dedup
// returns g itself when nothing merges.
func Dedup(g *Graph) (*Graph, error) {
	n := g.Len()
	tokens := 0
	for i := range g.meta {
		if g.token(ID(i)) != "" {
			tokens++
		}
	}
	if tokens < 2 {
		return g, nil
	}

	// canon maps each task to the task (old ID) that replaces it: itself
	// unless it merged into an earlier one. Walking in topological order
	// settles a task's dependencies before the task itself.
	canon := make([]ID, n)
	seen := make(map[dedupKey]ID, tokens)
	var buf []byte
	merged := 0
	for _, id := range g.topo {
		canon[id] = id
		tok := g.token(id)
		if tok == "" {
			continue
		}
		buf = buf[:0]
		for _, d := range g.Deps(id) {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(canon[d]))
		}
		k := dedupKey{token: tok, deps: string(buf)}
		if first, ok := seen[k]; ok {
			canon[id] = first
			merged++
			continue
		}
		seen[k] = id
	}
	if merged == 0 {
		return g, nil
	}

	kept := make([]ID, 0, n-merged)
	remap := make([]ID, n)
	for i := range n {
		if canon[i] == ID(i) {
			remap[i] = ID(len(kept))
			kept = append(kept, ID(i))
		}
	}
	for i := range n {
		remap[i] = remap[canon[i]]
	}
	return g.rebuild(kept, remap)
}
