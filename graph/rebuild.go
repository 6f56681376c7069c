package graph

// rebuild returns a new graph made of the tasks kept (old IDs, listed in
// their new ID order). remap maps every old ID that a kept task depends on,
// and every output, to its new ID. The new graph keeps g's operations; its
// priority order, if any, is dropped, because passes that drop or merge tasks
// change what the order should be.
func (g *Graph) rebuild(kept []ID, remap []ID) (*Graph, error) {
	n := len(kept)
	ng := &Graph{
		keys:    make([]Key, n),
		fns:     make([]Func, n),
		meta:    make([]meta, n),
		ops:     g.ops,
		depSpan: make([]span, n),
		outputs: make([]ID, len(g.outputs)),
	}
	if g.tokens != nil {
		ng.tokens = make([]string, n)
		for i, old := range kept {
			ng.tokens[i] = g.tokens[old]
		}
	}
	edges := 0
	for _, old := range kept {
		edges += int(g.depSpan[old].n)
	}
	ng.deps = make([]ID, 0, edges)
	for i, old := range kept {
		ng.keys[i] = g.keys[old]
		ng.fns[i] = g.fns[old]
		ng.meta[i] = g.meta[old]
		off := int32(len(ng.deps))
		for _, d := range g.Deps(old) {
			ng.deps = append(ng.deps, remap[d])
		}
		ng.depSpan[i] = span{off: off, n: int32(len(ng.deps)) - off}
	}
	for i, o := range g.outputs {
		ng.outputs[i] = remap[o]
	}
	if err := ng.assemble(); err != nil {
		return nil, err
	}
	return ng, nil
}
