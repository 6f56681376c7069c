package frame

import (
	"time"

	"github.com/apache/arrow/go/v15/arrow"

	dio "github.com/dusk-go/dusk/io"
)

// pushPredicates moves filters as close to the data as they can go: two
// filters in a row become one; the parts of a condition (its AND-ed
// conjuncts) that read only columns a projection passes through unchanged
// move below the projection; a filter over a Concat is applied to each of
// its inputs; and over a scan, the conjuncts that compare a column with a
// constant are also given to the reader as io.Predicates, which Parquet
// uses to skip row groups by their statistics. The filter itself stays
// above the scan, since readers take predicates as advice.
func pushPredicates(n node) (node, error) {
	n, err := mapInputs(n, pushPredicates)
	if err != nil {
		return nil, err
	}
	f, ok := n.(*filterNode)
	if !ok {
		return n, nil
	}
	return pushFilter(f), nil
}

// pushFilter pushes one filter whose input is already optimized.
func pushFilter(f *filterNode) node {
	switch in := f.input.(type) {
	case *filterNode:
		// Rows pass the inner condition first; AND keeps that meaning, and
		// the merged filter goes as deep as the inner one went.
		merged := &filterNode{input: in.input, pred: &binaryExpr{op: opAnd, l: in.pred, r: f.pred, typ: arrow.FixedWidthTypes.Boolean}}
		return pushFilter(merged)
	case *projectNode:
		var below, above []exprNode
		for _, c := range conjuncts(f.pred) {
			if r, ok := throughProject(c, in); ok {
				below = append(below, r)
			} else {
				above = append(above, c)
			}
		}
		if len(below) == 0 {
			return f
		}
		var out node = newProject(pushFilter(&filterNode{input: in.input, pred: conjoin(below)}), in.exprs, in.names)
		if len(above) > 0 {
			out = &filterNode{input: out, pred: conjoin(above)}
		}
		return out
	case *concatNode:
		ins := make([]node, len(in.ins))
		for i, c := range in.ins {
			ins[i] = pushFilter(&filterNode{input: c, pred: f.pred})
		}
		return &concatNode{ins: ins}
	case *scanNode:
		var preds []dio.Predicate
		have := map[string]bool{}
		for _, p := range in.filter {
			have[p.String()] = true
		}
		for _, c := range conjuncts(f.pred) {
			if p, ok := toPredicate(c); ok && !have[p.String()] {
				have[p.String()] = true
				preds = append(preds, p)
			}
		}
		if len(preds) == 0 {
			return f
		}
		s := *in
		s.filter = append(append([]dio.Predicate(nil), in.filter...), preds...)
		return &filterNode{input: &s, pred: f.pred}
	}
	return f
}

// conjuncts splits a condition into its AND-ed parts.
func conjuncts(e exprNode) []exprNode {
	if b, ok := e.(*binaryExpr); ok && b.op == opAnd {
		return append(conjuncts(b.l), conjuncts(b.r)...)
	}
	return []exprNode{e}
}

// conjoin joins conditions with AND.
func conjoin(es []exprNode) exprNode {
	out := es[0]
	for _, e := range es[1:] {
		out = &binaryExpr{op: opAnd, l: out, r: e, typ: arrow.FixedWidthTypes.Boolean}
	}
	return out
}

// throughProject rewrites a condition over a projection's output into one
// over its input, when every column it reads is passed through unchanged
// (possibly renamed).
func throughProject(e exprNode, p *projectNode) (exprNode, bool) {
	source := map[string]string{}
	for i, x := range p.exprs {
		if c, ok := x.(*colExpr); ok {
			source[p.names[i]] = c.name
		}
	}
	for _, c := range columnsOf(e) {
		if _, ok := source[c]; !ok {
			return nil, false
		}
	}
	return rewrite(e, func(n exprNode) exprNode {
		if c, ok := n.(*colExpr); ok {
			return &colExpr{name: source[c.name], typ: c.typ}
		}
		return n
	}), true
}

// toPredicate turns "column op constant" (either way round), IsNull and
// IsNotNull of a column into an io.Predicate, when the constant's Go type
// is the one io expects for the column's type.
func toPredicate(e exprNode) (dio.Predicate, bool) {
	switch x := e.(type) {
	case *unaryExpr:
		c, ok := x.x.(*colExpr)
		if !ok {
			return dio.Predicate{}, false
		}
		switch x.op {
		case opIsNull:
			return dio.Predicate{Column: c.name, Op: dio.IsNull}, true
		case opIsNotNull:
			return dio.Predicate{Column: c.name, Op: dio.NotNull}, true
		}
	case *binaryExpr:
		if !x.op.comparison() {
			return dio.Predicate{}, false
		}
		col, lit, op := x.l, x.r, x.op
		if _, ok := col.(*litExpr); ok {
			col, lit, op = x.r, x.l, flip(x.op)
		}
		c, l, ok := columnAndConstant(col, lit)
		if !ok {
			return dio.Predicate{}, false
		}
		return dio.Predicate{Column: c.name, Op: cmpOps[op], Value: l}, true
	}
	return dio.Predicate{}, false
}

var cmpOps = map[binOp]dio.CmpOp{opEq: dio.Eq, opNe: dio.Ne, opLt: dio.Lt, opLe: dio.Le, opGt: dio.Gt, opGe: dio.Ge}

// flip gives the comparison with its operands swapped: 3 < x is x > 3.
func flip(op binOp) binOp {
	switch op {
	case opLt:
		return opGt
	case opLe:
		return opGe
	case opGt:
		return opLt
	case opGe:
		return opLe
	}
	return op
}

// columnAndConstant checks that col is a column (or a widening implicit cast
// of one within its kind) and lit a non-null constant of the Go type io
// expects for that column, and returns the constant.
func columnAndConstant(col, lit exprNode) (*colExpr, any, bool) {
	l, ok := lit.(*litExpr)
	if !ok || l.val == nil {
		return nil, nil, false
	}
	if cast, ok := col.(*castExpr); ok && cast.implicit {
		from := cast.x.dataType()
		widening := isInteger(from) && isInteger(cast.to) || isFloat(from) && isFloat(cast.to)
		if !widening {
			return nil, nil, false
		}
		col = cast.x
	}
	c, ok := col.(*colExpr)
	if !ok {
		return nil, nil, false
	}
	switch v := l.val.(type) {
	case int64:
		return c, v, isInteger(c.typ)
	case float64:
		return c, v, isFloat(c.typ)
	case string:
		return c, v, isString(c.typ)
	case bool:
		return c, v, c.typ.ID() == arrow.BOOL
	case time.Time:
		return c, v, isTemporal(c.typ) && arrow.TypeEqual(c.typ, l.typ)
	}
	return nil, nil, false
}
