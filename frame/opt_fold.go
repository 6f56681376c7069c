package frame

// foldConstants evaluates, at plan time, every subexpression that reads no
// column (1 + 2 becomes 3, lower("A") becomes "a"), simplifies boolean
// logic with a constant side (x AND true is x, x OR true is true, x AND
// false is false) and removes filters whose condition became true. The
// folded values are computed by the same kernels as the rows are, so
// folding never changes a result. A constant expression whose evaluation
// fails (cast("x" as int64)) is left alone: the computation reports it.
func foldConstants(n node) (node, error) {
	n, err := mapInputs(n, foldConstants)
	if err != nil {
		return nil, err
	}
	switch x := n.(type) {
	case *filterNode:
		p := foldExpr(x.pred)
		if l, ok := p.(*litExpr); ok && l.val == true {
			return x.input, nil
		}
		if p != x.pred {
			return &filterNode{input: x.input, pred: p}, nil
		}
	case *projectNode:
		exprs := make([]exprNode, len(x.exprs))
		changed := false
		for i, e := range x.exprs {
			exprs[i] = foldExpr(e)
			changed = changed || exprs[i] != e
		}
		if changed {
			return newProject(x.input, exprs, x.names), nil
		}
	}
	return n, nil
}

// foldExpr folds one bound expression.
func foldExpr(e exprNode) exprNode {
	return rewrite(e, func(n exprNode) exprNode {
		switch x := n.(type) {
		case *colExpr, *litExpr:
			return n
		case *aliasExpr:
			return n // keeps its name; its operand is already folded
		case *binaryExpr:
			if x.op == opAnd || x.op == opOr {
				if s := simplifyLogic(x); s != nil {
					return s
				}
			}
		}
		for _, c := range n.children() {
			if _, ok := c.(*litExpr); !ok {
				return n
			}
		}
		l, err := evalConstant(n)
		if err != nil {
			return n
		}
		return l
	})
}

// simplifyLogic simplifies AND and OR with a non-null constant side; nil
// when there is none.
func simplifyLogic(x *binaryExpr) exprNode {
	for i, side := range []exprNode{x.l, x.r} {
		l, ok := side.(*litExpr)
		if !ok || l.val == nil {
			continue
		}
		other := x.r
		if i == 1 {
			other = x.l
		}
		v := l.val.(bool)
		switch {
		case x.op == opAnd && v, x.op == opOr && !v:
			return other
		default:
			return l // AND false, OR true
		}
	}
	return nil
}
