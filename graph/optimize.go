package graph

// Pass is a graph optimization: it returns a new graph, or its input when it
// changes nothing, and never modifies its input.
type Pass func(*Graph) (*Graph, error)

// DefaultPasses returns the passes Optimize runs by default, in order.
func DefaultPasses() []Pass { return []Pass{Cull, Dedup, Fuse, Order} }

// Optimize runs passes over g in order; with no passes it runs
// [DefaultPasses]: cull to the outputs, merge duplicate tasks, fuse linear
// chains, then compute the priority order.
func Optimize(g *Graph, passes ...Pass) (*Graph, error) {
	if len(passes) == 0 {
		passes = DefaultPasses()
	}
	for _, p := range passes {
		var err error
		if g, err = p(g); err != nil {
			return nil, err
		}
	}
	return g, nil
}
