package frame

import (
	"context"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/hashtable"
	"github.com/dusk-go/dusk/internal/kernels"
)

// joinPlan is a join node resolved against its inputs' schemas.
type joinPlan struct {
	n          *joinNode
	lkey, rkey []int
	rkeep      []int
	keyTypes   []arrow.DataType
}

func newJoinPlan(n *joinNode) (*joinPlan, error) {
	ls, rs := n.left.schema(), n.right.schema()
	p := &joinPlan{n: n}
	for i := range n.lkeys {
		li, err := columnIndex(ls, n.lkeys[i])
		if err != nil {
			return nil, err
		}
		ri, err := columnIndex(rs, n.rkeys[i])
		if err != nil {
			return nil, err
		}
		p.lkey, p.rkey = append(p.lkey, li), append(p.rkey, ri)
		p.keyTypes = append(p.keyTypes, ls.Field(li).Type)
	}
	for _, c := range n.rkeep {
		i, err := columnIndex(rs, c)
		if err != nil {
			return nil, err
		}
		p.rkeep = append(p.rkeep, i)
	}
	return p, nil
}

func (p *joinPlan) op() string { return "frame: " + p.n.String() }

// built is the right side of a join in a hash table: each row's key id,
// and the rows of each id (CSR: rows[start[id]:start[id+1]]).
type built struct {
	tbl   *hashtable.Table
	start []int32
	rows  []int32
	used  []bool // Right, Outer: which right rows matched
}

func (p *joinPlan) build(right arrow.Record) (*built, error) {
	tbl, err := hashtable.New(p.keyTypes, false)
	if err != nil {
		return nil, err
	}
	n := int(right.NumRows())
	ids := make([]int32, n)
	if err := tbl.Insert(columnsAt(right, p.rkey), ids); err != nil {
		return nil, err
	}
	start := make([]int32, tbl.Len()+1)
	for _, id := range ids {
		if id >= 0 {
			start[id+1]++
		}
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	rows := make([]int32, start[len(start)-1])
	fill := append([]int32(nil), start[:len(start)-1]...)
	for r, id := range ids {
		if id >= 0 {
			rows[fill[id]] = int32(r)
			fill[id]++
		}
	}
	b := &built{tbl: tbl, start: start, rows: rows}
	if p.n.how == Right || p.n.how == Outer {
		b.used = make([]bool, n)
	}
	return b, nil
}

// probe joins a left record against the built right side: the index pairs
// of the output rows (-1: the null row of that side).
func (p *joinPlan) probe(b *built, left arrow.Record) (li, ri []int32, err error) {
	n := int(left.NumRows())
	ids := make([]int32, n)
	if err := b.tbl.Lookup(columnsAt(left, p.lkey), ids); err != nil {
		return nil, nil, err
	}
	how := p.n.how
	for l, id := range ids {
		if id < 0 {
			if how == Left || how == Outer || how == Anti {
				li, ri = append(li, int32(l)), append(ri, -1)
			}
			continue
		}
		switch how {
		case Semi:
			li = append(li, int32(l))
			continue
		case Anti:
			continue
		}
		for _, r := range b.rows[b.start[id]:b.start[id+1]] {
			li, ri = append(li, int32(l)), append(ri, r)
			if b.used != nil {
				b.used[r] = true
			}
		}
	}
	return li, ri, nil
}

// unmatched returns the pairs of the right rows no left row matched.
func (b *built) unmatched() (li, ri []int32) {
	for r, u := range b.used {
		if !u {
			li, ri = append(li, -1), append(ri, int32(r))
		}
	}
	return li, ri
}

// assemble builds output rows from index pairs into the two sides.
func (p *joinPlan) assemble(mem memory.Allocator, left, right arrow.Record, li, ri []int32) (arrow.Record, error) {
	var cols []arrow.Array
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	keyFill := p.n.how == Right || p.n.how == Outer
	for c := range int(left.NumCols()) {
		col, err := kernels.Take(mem, left.Column(c), li)
		if err != nil {
			return nil, err
		}
		if k := indexOf(p.lkey, c); keyFill && k >= 0 {
			// a right row without a left one keeps its own key
			rk, err := kernels.Take(mem, right.Column(p.rkey[k]), ri)
			if err != nil {
				col.Release()
				return nil, err
			}
			filled, err := kernels.FillNull(mem, kernels.ArrayOf(col), kernels.ArrayOf(rk), len(li))
			col.Release()
			rk.Release()
			if err != nil {
				return nil, err
			}
			col = filled
		}
		cols = append(cols, col)
	}
	if p.n.how != Semi && p.n.how != Anti {
		for _, c := range p.rkeep {
			col, err := kernels.Take(mem, right.Column(c), ri)
			if err != nil {
				return nil, err
			}
			cols = append(cols, col)
		}
	}
	return array.NewRecord(p.n.out, cols, int64(len(li))), nil
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// joinTask joins left pieces with the concatenation of right pieces.
func (p *joinPlan) joinTask(mem memory.Allocator, lefts, rights []arrow.Record, withUnmatched bool) (arrow.Record, error) {
	right, err := concatRecords(mem, p.n.right.schema(), rights)
	if err != nil {
		return nil, err
	}
	defer right.Release()
	left, err := concatRecords(mem, p.n.left.schema(), lefts)
	if err != nil {
		return nil, err
	}
	defer left.Release()
	b, err := p.build(right)
	if err != nil {
		return nil, err
	}
	li, ri, err := p.probe(b, left)
	if err != nil {
		return nil, err
	}
	if withUnmatched && b.used != nil {
		ul, ur := b.unmatched()
		li, ri = append(li, ul...), append(ri, ur...)
	}
	return p.assemble(mem, left, right, li, ri)
}

// lowerJoin lowers a join: broadcast of the right side, or a hash shuffle
// of both sides into buckets joined one by one.
func (l *lowering) lowerJoin(n *joinNode) ([]graph.ID, error) {
	p, err := newJoinPlan(n)
	if err != nil {
		return nil, err
	}
	lefts, err := l.lower(n.left)
	if err != nil {
		return nil, err
	}
	rights, err := l.lower(n.right)
	if err != nil {
		return nil, err
	}
	mem := l.mem
	op := p.op()
	broadcast := n.strategy == JoinBroadcast ||
		(n.strategy == JoinAuto && len(rights) == 1 && n.how != Right && n.how != Outer)
	l.log.Debug("frame: join strategy", "join", n.String(), "broadcast", broadcast, "left_partitions", len(lefts), "right_partitions", len(rights))
	if broadcast {
		key := l.name("join-broadcast")
		out := make([]graph.ID, len(lefts))
		nr := len(rights)
		for i, in := range lefts {
			out[i] = l.b.Add(graph.K(key, i), func(ctx context.Context, vals []any) (any, error) {
				return p.joinTask(mem, records(vals[:1]), records(vals[1:1+nr]), false)
			}, graph.Hints{Op: op}, append([]graph.ID{in}, rights...)...)
		}
		return out, nil
	}
	buckets := min(maxBuckets, max(1, max(len(lefts), len(rights))))
	hashOn := func(keys []int) assignFunc {
		return func(ctx context.Context, rec arrow.Record, _ []any, part []int32) error {
			return hashBuckets(columnsAt(rec, keys), buckets, part)
		}
	}
	lb := l.shuffle("join-left", op, lefts, nil, buckets, hashOn(p.lkey))
	rb := l.shuffle("join-right", op, rights, nil, buckets, hashOn(p.rkey))
	key := l.name("join")
	out := make([]graph.ID, buckets)
	for b := range buckets {
		nl := len(lb[b])
		deps := append(append([]graph.ID(nil), lb[b]...), rb[b]...)
		out[b] = l.b.Add(graph.K(key, b), func(ctx context.Context, vals []any) (any, error) {
			return p.joinTask(mem, records(vals[:nl]), records(vals[nl:]), true)
		}, graph.Hints{Op: op}, deps...)
	}
	return out, nil
}
