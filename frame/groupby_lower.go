package frame

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/agg"
	"github.com/dusk-go/dusk/internal/hashtable"
	"github.com/dusk-go/dusk/internal/sketch"
	"github.com/dusk-go/dusk/spill"
)

const (
	// hllKey is the schema metadata key under which a partial aggregate
	// carries the HyperLogLog sketch of its keys.
	hllKey = "dusk.hll"
	// hllPrecision: 2^12 registers, 1.6% standard error.
	hllPrecision = 12
	// groupsPerBucket is how many groups GroupAuto puts in one merge task.
	groupsPerBucket = 1 << 17
	// bytesPerBucket is how many bytes of partial aggregates GroupAuto
	// puts in one merge task at most (when there are buckets to spare).
	bytesPerBucket = 32 << 20
	// maxBuckets bounds the buckets of a shuffle.
	maxBuckets = 64
	// treeFanIn is how many partial aggregates one tree merge combines.
	treeFanIn = 8
	// rawKey marks a partial aggregate that holds the input rows
	// themselves: its partition had about as many groups as rows, so
	// aggregating it first would only have doubled the work.
	rawKey = "dusk.raw"
	// rawHashCol names the last column of a raw partial: the rows' key
	// hashes.
	rawHashCol = "dusk.raw.hash"
	// probeRows is the prefix of a partition a partial aggregation looks
	// at before deciding to pass the rows on raw. Only a prefix of almost
	// distinct keys (more than probeDistinct of its rows are groups of
	// their own) leads to sketching the whole partition: a partition with
	// more groups than half its rows has a prefix of 64Ki rows that is at
	// least 95% distinct when its keys are spread evenly, and a skewed one
	// that is missed is only aggregated as usual. A prefix of, say, 75%
	// distinct keys (1e5 groups in a partition of millions) no longer
	// costs a sketch of the whole partition.
	probeRows     = 1 << 16
	probeDistinct = 0.9
)

// aggPlan is an aggregate node resolved against its input: which columns
// are keys and aggregation inputs, and the layout of partial aggregates
// (key columns, then each aggregation's state columns).
type aggPlan struct {
	n *aggregateNode
	// rawOK: partitions with nearly one group per row may pass their rows
	// on unaggregated (not with First or Last, whose order key is the
	// row's position in its partition).
	rawOK    bool
	keyIdx   []int
	keyTypes []arrow.DataType
	aggIdx   [][]int
	aggTypes [][]arrow.DataType
	nstates  []int
}

func newAggPlan(n *aggregateNode) (*aggPlan, error) {
	in := n.input.schema()
	p := &aggPlan{n: n, rawOK: true}
	for _, a := range n.aggs {
		if a.spec.Kind == agg.First || a.spec.Kind == agg.Last {
			p.rawOK = false
		}
	}
	for _, k := range n.keys {
		i, err := columnIndex(in, k)
		if err != nil {
			return nil, err
		}
		p.keyIdx = append(p.keyIdx, i)
		p.keyTypes = append(p.keyTypes, in.Field(i).Type)
	}
	for _, a := range n.aggs {
		var idx []int
		var types []arrow.DataType
		for _, c := range a.cols {
			i, err := columnIndex(in, c)
			if err != nil {
				return nil, err
			}
			idx = append(idx, i)
			types = append(types, in.Field(i).Type)
		}
		st, err := agg.StateTypes(a.spec, types)
		if err != nil {
			return nil, err
		}
		p.aggIdx = append(p.aggIdx, idx)
		p.aggTypes = append(p.aggTypes, types)
		p.nstates = append(p.nstates, len(st))
	}
	return p, nil
}

func (p *aggPlan) op() string { return "frame: " + p.n.String() }

// newAccs returns one accumulator per aggregation.
func (p *aggPlan) newAccs(mem memory.Allocator) ([]agg.Acc, error) {
	accs := make([]agg.Acc, 0, len(p.n.aggs))
	for i, a := range p.n.aggs {
		acc, err := agg.New(a.spec, p.aggTypes[i], mem)
		if err != nil {
			releaseAccs(accs)
			return nil, err
		}
		accs = append(accs, acc)
	}
	return accs, nil
}

func releaseAccs(accs []agg.Acc) {
	for _, a := range accs {
		a.Release()
	}
}

func columnsAt(rec arrow.Record, idx []int) []arrow.Array {
	cols := make([]arrow.Array, len(idx))
	for i, j := range idx {
		cols[i] = rec.Column(j)
	}
	return cols
}

// grouper is a hash table with its accumulators: the state of one
// aggregation task.
type grouper struct {
	p    *aggPlan
	mem  memory.Allocator
	tbl  *hashtable.Table
	accs []agg.Acc
	ids  []int32
}

func (p *aggPlan) newGrouper(mem memory.Allocator, keyTypes []arrow.DataType) (*grouper, error) {
	tbl, err := hashtable.New(keyTypes, true)
	if err != nil {
		return nil, err
	}
	accs, err := p.newAccs(mem)
	if err != nil {
		return nil, err
	}
	return &grouper{p: p, mem: mem, tbl: tbl, accs: accs}, nil
}

func (g *grouper) release() { releaseAccs(g.accs) }

func (g *grouper) assign(keys []arrow.Array, rows int) ([]int32, error) {
	if cap(g.ids) < rows {
		g.ids = make([]int32, rows)
	}
	ids := g.ids[:rows]
	if err := g.tbl.Insert(keys, ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// update folds input rows (base: the global position of row 0).
func (g *grouper) update(rec arrow.Record, base int64) error {
	ids, err := g.assign(columnsAt(rec, g.p.keyIdx), int(rec.NumRows()))
	if err != nil {
		return err
	}
	for i, acc := range g.accs {
		if err := acc.Update(ids, g.tbl.Len(), columnsAt(rec, g.p.aggIdx[i]), base); err != nil {
			return fmt.Errorf("%s: %w", g.p.n.aggs[i].name, err)
		}
	}
	return nil
}

// merge folds a partial aggregate record.
func (g *grouper) merge(rec arrow.Record) error {
	nk := len(g.p.keyIdx)
	keys := make([]arrow.Array, nk)
	for i := range keys {
		keys[i] = rec.Column(i)
	}
	ids, err := g.assign(keys, int(rec.NumRows()))
	if err != nil {
		return err
	}
	col := nk
	for i, acc := range g.accs {
		states := make([]arrow.Array, g.p.nstates[i])
		for j := range states {
			states[j] = rec.Column(col + j)
		}
		col += len(states)
		if err := acc.Merge(ids, g.tbl.Len(), states); err != nil {
			return fmt.Errorf("%s: %w", g.p.n.aggs[i].name, err)
		}
	}
	return nil
}

// partial returns the groups as a partial aggregate record, with the
// sketch of its keys in the schema's metadata.
func (g *grouper) partial() (arrow.Record, error) {
	keys, err := g.tbl.Keys(g.mem)
	if err != nil {
		return nil, err
	}
	cols := keys
	release := func() {
		for _, c := range cols {
			c.Release()
		}
	}
	fields := make([]arrow.Field, 0, len(keys))
	for i, k := range keys {
		fields = append(fields, arrow.Field{Name: g.p.n.keys[i], Type: k.DataType(), Nullable: true})
	}
	for i, acc := range g.accs {
		states, err := acc.State(g.mem)
		if err != nil {
			release()
			return nil, err
		}
		for j, s := range states {
			cols = append(cols, s)
			fields = append(fields, arrow.Field{Name: fmt.Sprintf("state%d_%d", i, j), Type: s.DataType(), Nullable: true})
		}
	}
	hashes := make([]uint64, g.tbl.Len())
	if err := hashtable.HashRows(keys, hashes); err != nil {
		release()
		return nil, err
	}
	h := sketch.NewHLL(hllPrecision)
	h.AddAll(hashes)
	b, err := h.MarshalBinary()
	if err != nil {
		release()
		return nil, err
	}
	md := arrow.NewMetadata([]string{hllKey}, []string{base64.StdEncoding.EncodeToString(b)})
	rec := array.NewRecord(arrow.NewSchema(fields, &md), cols, int64(g.tbl.Len()))
	release()
	return rec, nil
}

// final returns the groups' keys and final values with the node's schema.
func (g *grouper) final() (arrow.Record, error) {
	keys, err := g.tbl.Keys(g.mem)
	if err != nil {
		return nil, err
	}
	cols := keys
	defer func() {
		for _, c := range cols {
			c.Release()
		}
	}()
	for _, acc := range g.accs {
		v, err := acc.Final(g.mem)
		if err != nil {
			return nil, err
		}
		cols = append(cols, v)
	}
	return array.NewRecord(g.p.n.out, cols, int64(g.tbl.Len())), nil
}

// partialKeyTypes returns the key types of partial aggregate records: those
// hash tables give back from Keys.
func partialKeyTypes(rec arrow.Record, nk int) []arrow.DataType {
	t := make([]arrow.DataType, nk)
	for i := range t {
		t[i] = rec.Column(i).DataType()
	}
	return t
}

// lowerAggregate lowers a group-by: one partial aggregation per input
// partition, then the strategy's combination.
func (l *lowering) lowerAggregate(n *aggregateNode) ([]graph.ID, error) {
	ins, err := l.lower(n.input)
	if err != nil {
		return nil, err
	}
	p, err := newAggPlan(n)
	if err != nil {
		return nil, err
	}
	mem := l.mem
	op := p.op()
	key := l.name("aggregate-partial")
	partials := make([]graph.ID, len(ins))
	for i, in := range ins {
		base := int64(i) << 40
		partials[i] = l.b.Add(graph.K(key, i), func(ctx context.Context, vals []any) (any, error) {
			return p.partialOf(mem, vals[0].(arrow.Record), base)
		}, graph.Hints{Op: op + " (partial)"}, in)
	}
	switch n.strategy {
	case GroupTree:
		return []graph.ID{l.aggTree(p, partials)}, nil
	case GroupShuffle:
		buckets := min(maxBuckets, max(1, len(ins)))
		return l.aggShuffle(p, partials, buckets, nil), nil
	}
	buckets := min(maxBuckets, max(1, len(ins)))
	if buckets == 1 {
		return []graph.ID{l.aggTree(p, partials)}, nil
	}
	log := l.log
	decide := l.b.Add(graph.K(l.name("aggregate-decide"), 0), func(ctx context.Context, vals []any) (any, error) {
		n, est, err := decideBuckets(records(vals), buckets)
		if err == nil {
			log.Debug("frame: group-by strategy", "aggregate", p.n.String(), "estimated_groups", int64(est), "buckets", n, "of", buckets)
		}
		return n, err
	}, graph.Hints{Op: op + " (estimate groups)"}, partials...)
	return l.aggShuffle(p, partials, buckets, &decide), nil
}

// partialOf aggregates one input partition. When the first probeRows rows
// of a large partition are almost all groups of their own, it sketches
// the keys of the whole partition; if that estimates more than half as
// many groups as rows, aggregating would not shrink the partition, and it
// passes the rows on raw instead, with the sketch: the merge aggregates
// them once.
func (p *aggPlan) partialOf(mem memory.Allocator, rec arrow.Record, base int64) (arrow.Record, error) {
	g, err := p.newGrouper(mem, p.keyTypes)
	if err != nil {
		return nil, err
	}
	defer g.release()
	rows := rec.NumRows()
	if !p.rawOK || rows < 2*probeRows {
		if err := g.update(rec, base); err != nil {
			return nil, err
		}
		return g.partial()
	}
	head := rec.NewSlice(0, probeRows)
	err = g.update(head, base)
	head.Release()
	if err != nil {
		return nil, err
	}
	if float64(g.tbl.Len()) > probeDistinct*probeRows {
		h, hashes, err := p.sketchRows(rec)
		if err != nil {
			return nil, err
		}
		if h.Estimate() > float64(rows)/2 {
			return p.raw(rec, h, hashes)
		}
	}
	rest := rec.NewSlice(probeRows, rows)
	defer rest.Release()
	if err := g.update(rest, base+probeRows); err != nil {
		return nil, err
	}
	return g.partial()
}

// sketchRows returns the sketch of the keys of rec's rows, and the rows'
// key hashes (hashtable.HashRows) it was made of.
func (p *aggPlan) sketchRows(rec arrow.Record) (*sketch.HLL, []uint64, error) {
	hashes := make([]uint64, rec.NumRows())
	if err := hashtable.HashRows(columnsAt(rec, p.keyIdx), hashes); err != nil {
		return nil, nil, err
	}
	h := sketch.NewHLL(hllPrecision)
	h.AddAll(hashes)
	return h, hashes, nil
}

// raw returns rec marked as unaggregated rows, with the sketch of its keys
// in the metadata and the rows' key hashes as a last column (rawHashCol):
// the shuffle assigns the rows to buckets by them instead of hashing the
// keys again, which for string keys costs as much as the sketch did.
func (p *aggPlan) raw(rec arrow.Record, h *sketch.HLL, hashes []uint64) (arrow.Record, error) {
	b, err := h.MarshalBinary()
	if err != nil {
		return nil, err
	}
	md := arrow.NewMetadata([]string{hllKey, rawKey}, []string{base64.StdEncoding.EncodeToString(b), "1"})
	fields := append(rec.Schema().Fields(), arrow.Field{Name: rawHashCol, Type: arrow.PrimitiveTypes.Uint64})
	hc := array.NewUint64Data(array.NewData(arrow.PrimitiveTypes.Uint64, len(hashes),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Uint64Traits.CastToBytes(hashes))}, nil, 0, 0))
	defer hc.Release()
	cols := append(append([]arrow.Array(nil), rec.Columns()...), hc)
	return array.NewRecord(arrow.NewSchema(fields, &md), cols, rec.NumRows()), nil
}

// rawHashes returns the key hashes of a raw record.
func rawHashes(rec arrow.Record) []uint64 {
	return rec.Column(int(rec.NumCols()) - 1).(*array.Uint64).Uint64Values()
}

func isRaw(rec arrow.Record) bool {
	_, ok := rec.Schema().Metadata().GetValue(rawKey)
	return ok
}

// keysOf returns the key columns of a partial aggregate or raw record.
func (p *aggPlan) keysOf(rec arrow.Record) []arrow.Array {
	if isRaw(rec) {
		return columnsAt(rec, p.keyIdx)
	}
	keys := make([]arrow.Array, len(p.keyIdx))
	for i := range keys {
		keys[i] = rec.Column(i)
	}
	return keys
}

// decideBuckets merges the partial aggregates' sketches and returns how
// many of the buckets to use: one for few groups of small state, else
// enough that each holds about groupsPerBucket groups and, of the partial
// aggregates' bytes, about bytesPerBucket.
func decideBuckets(recs []arrow.Record, limit int) (int, float64, error) {
	total := sketch.NewHLL(hllPrecision)
	for _, r := range recs {
		v, ok := r.Schema().Metadata().GetValue(hllKey)
		if !ok {
			return 0, 0, fmt.Errorf("frame: internal error: a partial aggregate lacks its sketch")
		}
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return 0, 0, err
		}
		h := sketch.NewHLL(hllPrecision)
		if err := h.UnmarshalBinary(b); err != nil {
			return 0, 0, err
		}
		if err := total.Merge(h); err != nil {
			return 0, 0, err
		}
	}
	est := total.Estimate()
	n := int(math.Ceil(est / groupsPerBucket))
	// Few groups can still hold much state (Median keeps every value), and
	// one task would then merge it all alone.
	var size int64
	for _, r := range recs {
		size += spill.SizeOf(r)
	}
	n = max(n, int(size/bytesPerBucket))
	return min(max(n, 1), limit), est, nil
}

// aggTree merges partial aggregates treeFanIn at a time, then finishes.
func (l *lowering) aggTree(p *aggPlan, ids []graph.ID) graph.ID {
	mem := l.mem
	op := p.op()
	key := l.name("aggregate-merge")
	k := 0
	for {
		last := len(ids) <= treeFanIn
		var next []graph.ID
		for lo := 0; lo < len(ids); lo += treeFanIn {
			part := ids[lo:min(lo+treeFanIn, len(ids))]
			next = append(next, l.b.Add(graph.K(key, k), func(ctx context.Context, vals []any) (any, error) {
				return mergePartials(p, mem, records(vals), last)
			}, graph.Hints{Op: op + " (merge)"}, part...))
			k++
		}
		if last {
			return next[0]
		}
		ids = next
	}
}

// aggShuffle hash-partitions partial aggregates by key into buckets and
// merges each bucket. With decide, only the first n buckets it returns are
// used (the others stay empty).
func (l *lowering) aggShuffle(p *aggPlan, partials []graph.ID, buckets int, decide *graph.ID) []graph.ID {
	var extra []graph.ID
	if decide != nil {
		extra = []graph.ID{*decide}
	}
	byBucket := l.shuffle("aggregate", p.op(), partials, extra, buckets, func(ctx context.Context, rec arrow.Record, extra []any, part []int32) error {
		use := buckets
		if len(extra) > 0 {
			use = extra[0].(int)
		}
		if use == 1 {
			clear(part)
			return nil
		}
		if isRaw(rec) {
			bucketsOf(rawHashes(rec), use, part)
			return nil
		}
		return hashBuckets(p.keysOf(rec), use, part)
	})
	mem := l.mem
	key := l.name("aggregate-merge")
	out := make([]graph.ID, buckets)
	for b, ids := range byBucket {
		out[b] = l.b.Add(graph.K(key, b), func(ctx context.Context, vals []any) (any, error) {
			return mergePartials(p, mem, records(vals), true)
		}, graph.Hints{Op: p.op() + " (merge)"}, ids...)
	}
	return out
}

// expectedGroups guesses how many groups merging recs gives, so that the
// merge's hash table is sized once: at least the groups of the largest
// partial aggregate, and every row of a raw record, whose partition had
// more groups than half its rows (so the guess is at most twice the
// groups there).
func expectedGroups(recs []arrow.Record) int {
	var raw, most int64
	for _, r := range recs {
		if isRaw(r) {
			raw += r.NumRows()
		} else {
			most = max(most, r.NumRows())
		}
	}
	return int(raw + most)
}

// mergePartials merges partial aggregate records into one partial record,
// or into the final groups when final.
func mergePartials(p *aggPlan, mem memory.Allocator, recs []arrow.Record, final bool) (arrow.Record, error) {
	if final && rawMergeable(p, recs) {
		return mergeRaw(p, mem, recs)
	}
	return mergeGrouped(p, mem, recs, final)
}

// mergeGrouped is mergePartials through the hash table of a grouper,
// which takes any mix of partial aggregates and raw records.
func mergeGrouped(p *aggPlan, mem memory.Allocator, recs []arrow.Record, final bool) (arrow.Record, error) {
	nk := len(p.keyIdx)
	types := p.keyTypes
	for _, r := range recs {
		if (r.NumRows() > 0 || len(recs) == 1) && !isRaw(r) {
			types = partialKeyTypes(r, nk)
			break
		}
	}
	g, err := p.newGrouper(mem, types)
	if err != nil {
		return nil, err
	}
	defer g.release()
	g.tbl.Reserve(expectedGroups(recs))
	for _, r := range recs {
		switch {
		case r.NumRows() == 0:
			continue
		case isRaw(r):
			err = g.update(r, 0) // no First or Last: positions do not matter
		default:
			err = g.merge(r)
		}
		if err != nil {
			return nil, err
		}
	}
	if final {
		return g.final()
	}
	return g.partial()
}
