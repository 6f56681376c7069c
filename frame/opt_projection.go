package frame

import (
	"slices"

	"github.com/apache/arrow/go/v15/arrow"
)

// pushProjections reads only the columns the plan uses: walking down from
// the root, each node learns which of its columns are needed above it;
// projections drop the outputs nobody needs, scans read only the needed
// columns (Parquet then decodes only those; CSV skips the others' text),
// and in-memory sources select them. The root keeps all its columns.
func pushProjections(n node) (node, error) {
	return prune(n, nil), nil
}

// prune returns n reading only what it needs to produce the columns in
// need (every column when need is nil). The result may produce more
// columns than need, never fewer.
func prune(n node, need []string) node {
	switch x := n.(type) {
	case *projectNode:
		exprs, names := x.exprs, x.names
		if need != nil {
			exprs, names = nil, nil
			for i, name := range x.names {
				if slices.Contains(need, name) {
					exprs = append(exprs, x.exprs[i])
					names = append(names, name)
				}
			}
		}
		req := []string{} // not nil: nil means every column
		for _, e := range exprs {
			req = union(req, columnsOf(e))
		}
		return newProject(prune(x.input, req), exprs, names)
	case *filterNode:
		req := need
		if req != nil {
			req = union(slices.Clone(need), columnsOf(x.pred))
		}
		in := prune(x.input, req)
		if in == x.input {
			return x
		}
		return &filterNode{input: in, pred: x.pred}
	case *limitNode:
		in := prune(x.input, need)
		if in == x.input {
			return x
		}
		return &limitNode{input: in, n: x.n}
	case *concatNode:
		ins := make([]node, len(x.ins))
		for i, in := range x.ins {
			ins[i] = prune(in, need)
		}
		return &concatNode{ins: ins}
	case *aggregateNode:
		return x.withInputs([]node{prune(x.input, x.columns())})
	case *joinNode:
		// the join's output has every column of both sides
		return x.withInputs([]node{prune(x.left, nil), prune(x.right, nil)})
	case *sortNode:
		req := need
		if req != nil {
			req = slices.Clone(need)
			for _, k := range x.keys {
				req = union(req, []string{k.Col})
			}
		}
		return x.withInputs([]node{prune(x.input, req)})
	case *groupTopKNode:
		req := need
		if req != nil {
			req = union(slices.Clone(need), x.keys)
			for _, k := range x.by {
				req = union(req, []string{k.Col})
			}
		}
		return x.withInputs([]node{prune(x.input, req)})
	case *topKNode:
		req := need
		if req != nil {
			req = slices.Clone(need)
			for _, k := range x.keys {
				req = union(req, []string{k.Col})
			}
		}
		return x.withInputs([]node{prune(x.input, req)})
	case *scanNode:
		if need == nil {
			return x
		}
		return x.withColumns(keepOne(need, x.ds.Schema()))
	case *memoryNode:
		if need == nil {
			return x
		}
		return x.withColumns(keepOne(need, x.out))
	}
	return n
}

// keepOne returns need, or the source's first column when need is empty: a
// source always reads one column (when it has any) so that its records
// still count their rows.
func keepOne(need []string, s *arrow.Schema) []string {
	if len(need) == 0 && s.NumFields() > 0 {
		return []string{s.Field(0).Name}
	}
	return need
}

// union appends to a the names of b it lacks.
func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
