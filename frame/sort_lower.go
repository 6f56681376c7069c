package frame

import (
	"context"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/kernels"
)

// samplesPerBucket is how many rows per output partition a sort samples
// from its input to choose the range boundaries.
const samplesPerBucket = 64

// sortKeys resolves sort keys against a schema.
func sortKeys(s *arrow.Schema, keys []SortKey) ([]kernels.SortKey, error) {
	out := make([]kernels.SortKey, len(keys))
	for i, k := range keys {
		c, err := columnIndex(s, k.Col)
		if err != nil {
			return nil, err
		}
		out[i] = kernels.SortKey{Col: c, Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out, nil
}

// keyRecord returns the key columns of rec (in key order) as a record.
func keyRecord(rec arrow.Record, keys []kernels.SortKey) arrow.Record {
	fields := make([]arrow.Field, len(keys))
	cols := make([]arrow.Array, len(keys))
	for i, k := range keys {
		fields[i] = rec.Schema().Field(k.Col)
		cols[i] = rec.Column(k.Col)
	}
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

// onKeys is keys renumbered for a record of the key columns alone.
func onKeys(keys []kernels.SortKey) []kernels.SortKey {
	out := make([]kernels.SortKey, len(keys))
	for i, k := range keys {
		out[i] = kernels.SortKey{Col: i, Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	return out
}

// sortRecord returns rec sorted by keys.
func sortRecord(mem memory.Allocator, rec arrow.Record, keys []kernels.SortKey) (arrow.Record, error) {
	idx, err := kernels.SortIndices(rec, keys)
	if err != nil {
		return nil, err
	}
	return kernels.TakeRecord(mem, rec, idx)
}

// lowerSort lowers a sort: every partition is sampled, one task picks the
// range boundaries from the samples, every partition is split by range,
// and each range is sorted.
func (l *lowering) lowerSort(n *sortNode) ([]graph.ID, error) {
	ins, err := l.lower(n.input)
	if err != nil {
		return nil, err
	}
	schema := n.input.schema()
	keys, err := sortKeys(schema, n.keys)
	if err != nil {
		return nil, err
	}
	mem := l.mem
	op := "frame: " + n.String()
	buckets := min(maxBuckets, max(1, len(ins)))
	if buckets == 1 {
		key := l.name("sort")
		return []graph.ID{l.b.Add(graph.K(key, 0), func(ctx context.Context, vals []any) (any, error) {
			rec, err := concatRecords(mem, schema, records(vals))
			if err != nil {
				return nil, err
			}
			defer rec.Release()
			return sortRecord(mem, rec, keys)
		}, graph.Hints{Op: op}, ins...)}, nil
	}
	sampleKey := l.name("sort-sample")
	samples := make([]graph.ID, len(ins))
	for i, in := range ins {
		samples[i] = l.b.Add(graph.K(sampleKey, i), func(ctx context.Context, vals []any) (any, error) {
			rec := vals[0].(arrow.Record)
			kr := keyRecord(rec, keys)
			defer kr.Release()
			n := int(kr.NumRows())
			want := samplesPerBucket * buckets
			idx := make([]int32, 0, min(n, want))
			for j := range min(n, want) {
				idx = append(idx, int32(j*n/min(n, want)))
			}
			return kernels.TakeRecord(mem, kr, idx)
		}, graph.Hints{Op: op + " (sample)"}, in)
	}
	kk := onKeys(keys)
	bounds := l.b.Add(graph.K(l.name("sort-bounds"), 0), func(ctx context.Context, vals []any) (any, error) {
		recs := records(vals)
		all, err := concatRecords(mem, recs[0].Schema(), recs)
		if err != nil {
			return nil, err
		}
		defer all.Release()
		sorted, err := sortRecord(mem, all, kk)
		if err != nil {
			return nil, err
		}
		defer sorted.Release()
		n := int(sorted.NumRows())
		var idx []int32
		for b := 1; b < buckets && n > 0; b++ {
			idx = append(idx, int32(b*n/buckets))
		}
		return kernels.TakeRecord(mem, sorted, idx)
	}, graph.Hints{Op: op + " (boundaries)"}, samples...)
	byBucket := l.shuffle("sort", op, ins, []graph.ID{bounds}, buckets, func(ctx context.Context, rec arrow.Record, extra []any, part []int32) error {
		return kernels.RangePartition(rec, keys, extra[0].(arrow.Record), part)
	})
	key := l.name("sort")
	out := make([]graph.ID, buckets)
	for b, ids := range byBucket {
		out[b] = l.b.Add(graph.K(key, b), func(ctx context.Context, vals []any) (any, error) {
			rec, err := concatRecords(mem, schema, records(vals))
			if err != nil {
				return nil, err
			}
			defer rec.Release()
			return sortRecord(mem, rec, keys)
		}, graph.Hints{Op: op}, ids...)
	}
	return out, nil
}

// lowerTopK keeps each partition's first k rows, then the first k of
// those.
func (l *lowering) lowerTopK(n *topKNode) ([]graph.ID, error) {
	ins, err := l.lower(n.input)
	if err != nil {
		return nil, err
	}
	schema := n.input.schema()
	keys, err := sortKeys(schema, n.keys)
	if err != nil {
		return nil, err
	}
	mem := l.mem
	op := "frame: " + n.String()
	k := int(n.k)
	top := func(rec arrow.Record) (arrow.Record, error) {
		idx, err := kernels.TopKIndices(rec, keys, k)
		if err != nil {
			return nil, err
		}
		return kernels.TakeRecord(mem, rec, idx)
	}
	key := l.name("top-k")
	parts := make([]graph.ID, len(ins))
	for i, in := range ins {
		parts[i] = l.b.Add(graph.K(key, i), func(ctx context.Context, vals []any) (any, error) {
			return top(vals[0].(arrow.Record))
		}, graph.Hints{Op: op}, in)
	}
	final := l.b.Add(graph.K(l.name("top-k-merge"), 0), func(ctx context.Context, vals []any) (any, error) {
		rec, err := concatRecords(mem, schema, records(vals))
		if err != nil {
			return nil, err
		}
		defer rec.Release()
		return top(rec)
	}, graph.Hints{Op: op + " (merge)"}, parts...)
	return []graph.ID{final}, nil
}

// sortFirstPerGroup is firstPerGroup by sorting: it sorts rec by the group
// keys then by, and keeps the first k rows of each group. It is the path
// for the cases the slot algorithm of grouptopk.go leaves out (a large k,
// key types the hash table does not take) and the reference its tests
// compare with. rec is borrowed; the result is owned by the caller.
func sortFirstPerGroup(mem memory.Allocator, rec arrow.Record, groupKeys, by []kernels.SortKey, k int) (arrow.Record, error) {
	keep, err := sortFirstIndices(rec, groupKeys, by, k)
	if err != nil {
		return nil, err
	}
	return kernels.TakeRecord(mem, rec, keep)
}

// sortFirstIndices returns the rows sortFirstPerGroup keeps: groups in the
// order of their keys, each group's rows in the order of by, ties in row
// order (the sort is stable). rec is borrowed.
func sortFirstIndices(rec arrow.Record, groupKeys, by []kernels.SortKey, k int) ([]int32, error) {
	order, err := kernels.SortIndices(rec, append(append([]kernels.SortKey(nil), groupKeys...), by...))
	if err != nil {
		return nil, err
	}
	cmp, err := kernels.NewRowComparer(rec, rec, groupKeys)
	if err != nil {
		return nil, err
	}
	keep := make([]int32, 0, len(order))
	run := 0
	for i, r := range order {
		if i == 0 || cmp.Compare(int(r), int(order[i-1])) != 0 {
			run = 0
		}
		if run < k {
			keep = append(keep, r)
		}
		run++
	}
	return keep, nil
}

// lowerGroupTopK keeps k rows per group in each partition, shuffles what is
// left by key hash, and keeps k rows per group in each bucket.
func (l *lowering) lowerGroupTopK(n *groupTopKNode) ([]graph.ID, error) {
	ins, err := l.lower(n.input)
	if err != nil {
		return nil, err
	}
	schema := n.input.schema()
	by, err := sortKeys(schema, n.by)
	if err != nil {
		return nil, err
	}
	asc := make([]SortKey, len(n.keys))
	keyIdx := make([]int, len(n.keys))
	for i, k := range n.keys {
		asc[i] = Asc(k)
		if keyIdx[i], err = columnIndex(schema, k); err != nil {
			return nil, err
		}
	}
	groupKeys, err := sortKeys(schema, asc)
	if err != nil {
		return nil, err
	}
	mem := l.mem
	op := "frame: " + n.String()
	key := l.name("group-top-k")
	firsts := make([]graph.ID, len(ins))
	for i, in := range ins {
		firsts[i] = l.b.Add(graph.K(key, i), func(ctx context.Context, vals []any) (any, error) {
			return firstPerGroup(mem, vals[0].(arrow.Record), groupKeys, by, n.k)
		}, graph.Hints{Op: op}, in)
	}
	buckets := min(maxBuckets, max(1, len(ins)))
	if buckets == 1 {
		return []graph.ID{l.b.Add(graph.K(l.name("group-top-k-merge"), 0), func(ctx context.Context, vals []any) (any, error) {
			rec, err := concatRecords(mem, schema, records(vals))
			if err != nil {
				return nil, err
			}
			defer rec.Release()
			return firstPerGroup(mem, rec, groupKeys, by, n.k)
		}, graph.Hints{Op: op + " (merge)"}, firsts...)}, nil
	}
	byBucket := l.shuffle("group-top-k", op, firsts, nil, buckets, func(ctx context.Context, rec arrow.Record, _ []any, part []int32) error {
		return hashBuckets(columnsAt(rec, keyIdx), buckets, part)
	})
	mkey := l.name("group-top-k-merge")
	out := make([]graph.ID, buckets)
	for b, ids := range byBucket {
		out[b] = l.b.Add(graph.K(mkey, b), func(ctx context.Context, vals []any) (any, error) {
			rec, err := concatRecords(mem, schema, records(vals))
			if err != nil {
				return nil, err
			}
			defer rec.Release()
			return firstPerGroup(mem, rec, groupKeys, by, n.k)
		}, graph.Hints{Op: op + " (merge)"}, ids...)
	}
	return out, nil
}
