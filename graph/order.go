package graph

// Order returns the graph with a static priority order (see
// [Graph.Priority]) that finishes one branch before it opens the next, so
// that a scheduler following it holds few intermediate results at once.
//
// The order is a depth-first post-order from the outputs (then from any
// other task without dependents): a task comes right after the last of its
// dependencies, and the dependencies of a task are visited tallest first
// (by the longest path of dependencies below them), so that while the tall
// branch runs only the small results of the branches already finished are
// held, and the short branches finish just before their consumer needs
// them. Ties keep the order of the dependency list, so partitions run in
// their natural order. Every task follows all of its dependencies.
func Order(g *Graph) (*Graph, error) {
	n := g.Len()
	height := make([]int32, n)
	for _, v := range g.topo {
		h := int32(0)
		for _, d := range g.Deps(v) {
			if height[d]+1 > h {
				h = height[d] + 1
			}
		}
		height[v] = h
	}

	prio := make([]int32, n)
	for i := range prio {
		prio[i] = -1
	}
	visited := make([]bool, n)
	type frame struct {
		v               ID
		start, pos, end int32 // kids[start:end] are v's dependencies
	}
	var (
		frames []frame
		kids   []ID
		next   int32
	)
	visit := func(root ID) {
		if visited[root] {
			return
		}
		visited[root] = true
		kids = kids[:0]
		start, end := pushKids(&kids, g.Deps(root), height)
		frames = append(frames[:0], frame{v: root, start: start, pos: start, end: end})
		for len(frames) > 0 {
			f := &frames[len(frames)-1]
			if f.pos == f.end {
				prio[f.v] = next
				next++
				kids = kids[:f.start]
				frames = frames[:len(frames)-1]
				continue
			}
			c := kids[f.pos]
			f.pos++
			if visited[c] {
				continue
			}
			visited[c] = true
			start, end := pushKids(&kids, g.Deps(c), height)
			frames = append(frames, frame{v: c, start: start, pos: start, end: end})
		}
	}
	for _, o := range g.outputs {
		visit(o)
	}
	for v := range n {
		if g.dependentsOff[v] == g.dependentsOff[v+1] {
			visit(ID(v))
		}
	}
	byPrio := make([]ID, n)
	for id, p := range prio {
		byPrio[p] = ID(id)
	}
	ng := g.derive()
	ng.prio, ng.byPrio = prio, byPrio
	return ng, nil
}

// pushKids appends deps to kids sorted by descending height (stable) and
// returns the range they occupy.
func pushKids(kids *[]ID, deps []ID, height []int32) (int32, int32) {
	start := int32(len(*kids))
	*kids = append(*kids, deps...)
	k := (*kids)[start:]
	for i := 1; i < len(k); i++ {
		x := k[i]
		j := i
		for j > 0 && height[k[j-1]] < height[x] {
			k[j] = k[j-1]
			j--
		}
		k[j] = x
	}
	return start, int32(len(*kids))
}
