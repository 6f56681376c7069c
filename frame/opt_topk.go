package frame

// limitSorts turns a Limit over a Sort into a TopK: the first n rows in
// order, found without sorting every row.
func limitSorts(n node) (node, error) {
	n, err := mapInputs(n, limitSorts)
	if err != nil {
		return nil, err
	}
	l, ok := n.(*limitNode)
	if !ok {
		return n, nil
	}
	s, ok := l.input.(*sortNode)
	if !ok {
		return n, nil
	}
	return &topKNode{input: s.input, keys: s.keys, k: l.n}, nil
}
