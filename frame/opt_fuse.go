package frame

import "github.com/apache/arrow/go/v15/arrow"

// fuseStages turns every chain of per-partition operations into one stage:
// a source (a scan, in-memory records, or the output of a boundary such as a
// Limit) followed by its filters, projections and per-partition limits,
// which lowering makes one task per partition. Filters and projections over
// a Concat are applied to each of its inputs, so each input's chain fuses
// with its source. A Limit stays a boundary (it needs the rows of the
// partitions before it) but first gives each partition a "head n" step, so
// that no partition hands on more than n rows.
func fuseStages(n node) (node, error) {
	n, err := mapInputs(n, fuseStages)
	if err != nil {
		return nil, err
	}
	switch x := n.(type) {
	case *scanNode, *memoryNode:
		return &stageNode{source: x, out: x.schema()}, nil
	case *filterNode:
		return addStep(x.input, step{filter: x.pred}, x.schema())
	case *projectNode:
		return addStep(x.input, step{project: x}, x.schema())
	case *limitNode:
		switch in := x.input.(type) {
		case *stageNode:
			if !in.endsWithHead(x.n) {
				return &limitNode{input: in.with(step{limit: x.n}, in.out), n: x.n}, nil
			}
		case *concatNode:
			// Each input hands on at most n rows too.
			headed, err := addStep(in, step{limit: x.n}, in.schema())
			if err != nil {
				return nil, err
			}
			return &limitNode{input: headed, n: x.n}, nil
		}
	}
	return n, nil
}

// addStep appends st to the stage under it, distributes it over a Concat,
// or starts a stage over a boundary.
func addStep(in node, st step, out *arrow.Schema) (node, error) {
	switch x := in.(type) {
	case *stageNode:
		if st.limit > 0 && x.endsWithHead(st.limit) {
			return x, nil
		}
		if merged, ok := mergeProjections(x, st); ok {
			return merged, nil
		}
		return x.with(st, stepSchema(x, st)), nil
	case *concatNode:
		ins := make([]node, len(x.ins))
		for i, c := range x.ins {
			var err error
			if ins[i], err = addStep(c, st, out); err != nil {
				return nil, err
			}
		}
		return &concatNode{ins: ins}, nil
	}
	s := &stageNode{source: in, out: in.schema()}
	return s.with(st, stepSchema(s, st)), nil
}

// stepSchema is the schema after st over s.
func stepSchema(s *stageNode, st step) *arrow.Schema {
	if st.project != nil {
		return newProject(s, st.project.exprs, st.project.names).out
	}
	return s.out
}

// with returns a copy of s with st appended and output schema out.
func (s *stageNode) with(st step, out *arrow.Schema) *stageNode {
	c := *s
	c.steps = append(append([]step(nil), s.steps...), st)
	c.out = out
	return &c
}

// endsWithHead reports whether the stage's last step already keeps at most
// n rows.
func (s *stageNode) endsWithHead(n int64) bool {
	if len(s.steps) == 0 {
		return false
	}
	last := s.steps[len(s.steps)-1]
	return last.filter == nil && last.project == nil && last.limit <= n
}

// mergeProjections replaces a stage's last projection and a projection
// over it by one projection, substituting the first one's expressions into
// the second: "project a, (a * 2) AS b -> project b" becomes "project
// (a * 2) AS b". It does not merge when that would compute one of the first
// projection's expressions twice.
func mergeProjections(s *stageNode, st step) (*stageNode, bool) {
	if st.project == nil || len(s.steps) == 0 || s.steps[len(s.steps)-1].project == nil {
		return nil, false
	}
	inner := s.steps[len(s.steps)-1].project
	byName := make(map[string]exprNode, len(inner.names))
	for i, n := range inner.names {
		e := inner.exprs[i]
		if a, ok := e.(*aliasExpr); ok {
			e = a.x
		}
		byName[n] = e
	}
	uses := map[string]int{}
	for _, e := range st.project.exprs {
		walk(e, func(n exprNode) {
			if c, ok := n.(*colExpr); ok {
				uses[c.name]++
			}
		})
	}
	for name, k := range uses {
		if _, plain := byName[name].(*colExpr); !plain && k > 1 {
			return nil, false
		}
	}
	exprs := make([]exprNode, len(st.project.exprs))
	for i, e := range st.project.exprs {
		exprs[i] = rewrite(e, func(n exprNode) exprNode {
			if c, ok := n.(*colExpr); ok {
				return byName[c.name]
			}
			return n
		})
	}
	// The merged projection reads what the inner one read.
	base := &stageNode{source: s.source, steps: s.steps[:len(s.steps)-1], out: inner.input.schema()}
	if len(base.steps) == 0 {
		base.out = s.source.schema()
	}
	p := newProject(inner.input, exprs, st.project.names)
	c := *s
	c.steps = append(append([]step(nil), base.steps...), step{project: p})
	c.out = p.out
	return &c, true
}
