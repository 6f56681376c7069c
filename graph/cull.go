package graph

// Cull returns the graph restricted to the tasks that the outputs need: the
// outputs and everything they transitively depend on. It returns g itself
// when every task is needed.
func Cull(g *Graph) (*Graph, error) {
	n := g.Len()
	need := make([]bool, n)
	stack := make([]ID, 0, len(g.outputs))
	for _, o := range g.outputs {
		if !need[o] {
			need[o] = true
			stack = append(stack, o)
		}
	}
	count := len(stack)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range g.Deps(v) {
			if !need[d] {
				need[d] = true
				count++
				stack = append(stack, d)
			}
		}
	}
	if count == n {
		return g, nil
	}
	kept := make([]ID, 0, count)
	remap := make([]ID, n)
	for i := range n {
		if need[i] {
			remap[i] = ID(len(kept))
			kept = append(kept, ID(i))
		} else {
			remap[i] = -1
		}
	}
	return g.rebuild(kept, remap)
}
