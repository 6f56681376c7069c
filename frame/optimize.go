package frame

import "fmt"

// A pass is one rewrite of the logical plan. Passes are stateless: they
// return a new plan and never change the nodes of the old one, which other
// Frames may share.
type pass struct {
	name string
	run  func(node) (node, error)
}

// passes is the optimizer's pipeline, in order: constant folding first so
// that the pushdowns see simple predicates, predicate pushdown before
// projection pushdown so that the columns a pushed filter needs are still
// read, and fusion last.
var passes = []pass{
	{"fold-constants", foldConstants},
	{"push-predicates", pushPredicates},
	{"push-projections", pushProjections},
	{"top-k", limitSorts},
	{"fuse-stages", fuseStages},
}

// optimize runs every pass over the plan.
func optimize(n node) (node, error) {
	for _, p := range passes {
		var err error
		if n, err = p.run(n); err != nil {
			return nil, fmt.Errorf("frame: optimizer pass %s: %w", p.name, err)
		}
	}
	return n, nil
}

// mapInputs returns n with fn applied to each input; n itself when nothing
// changed.
func mapInputs(n node, fn func(node) (node, error)) (node, error) {
	ins := n.inputs()
	if len(ins) == 0 {
		return n, nil
	}
	out := make([]node, len(ins))
	changed := false
	for i, in := range ins {
		o, err := fn(in)
		if err != nil {
			return nil, err
		}
		out[i] = o
		changed = changed || o != in
	}
	if !changed {
		return n, nil
	}
	return n.withInputs(out), nil
}
