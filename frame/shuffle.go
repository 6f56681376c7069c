package frame

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"

	"github.com/dusk-go/dusk/graph"
	"github.com/dusk-go/dusk/internal/hashtable"
	"github.com/dusk-go/dusk/internal/kernels"
	"github.com/dusk-go/dusk/spill"
)

// bucketSet is the value of a shuffle's split task: one record per
// bucket. Its extract tasks hand each record on as a value of its own.
type bucketSet struct{ recs []arrow.Record }

func (s *bucketSet) Release() {
	for _, r := range s.recs {
		r.Release()
	}
}

// SizeBytes accounts the set against the memory limit.
func (s *bucketSet) SizeBytes() int64 {
	var n int64
	for _, r := range s.recs {
		n += spill.SizeOf(r)
	}
	return n
}

// assignFunc computes the bucket of every row of rec (part[r] in [0, n),
// or -1 to drop the row); extra holds the values of the shuffle's extra
// dependencies (a decision, range boundaries).
type assignFunc func(ctx context.Context, rec arrow.Record, extra []any, part []int32) error

// shuffle moves the rows of the partitions ins into n buckets. For input
// i a split task assigns each row a bucket and cuts the record into n
// records; n extract tasks then hand each bucket's record on as a value of
// its own, so that each is accounted, spilled and read back alone, and the
// split's value is released as soon as they ran. It returns, for each
// bucket, the extract tasks of every input, in input order. extra are
// tasks every split depends on besides its input.
func (l *lowering) shuffle(name, op string, ins []graph.ID, extra []graph.ID, n int, assign assignFunc) [][]graph.ID {
	mem := l.mem
	splitKey := l.name(name + "-split")
	extractKey := l.name(name + "-bucket")
	out := make([][]graph.ID, n)
	for b := range out {
		out[b] = make([]graph.ID, len(ins))
	}
	for i, in := range ins {
		deps := append([]graph.ID{in}, extra...)
		split := l.b.Add(graph.K(splitKey, i), func(ctx context.Context, vals []any) (any, error) {
			rec := vals[0].(arrow.Record)
			part := make([]int32, rec.NumRows())
			if err := assign(ctx, rec, vals[1:], part); err != nil {
				return nil, err
			}
			recs, err := kernels.Split(mem, rec, part, n)
			if err != nil {
				return nil, fmt.Errorf("split into %d buckets: %w", n, err)
			}
			return &bucketSet{recs: recs}, nil
		}, graph.Hints{Op: op + " (split)"}, deps...)
		for b := range n {
			out[b][i] = l.b.Add(graph.K(extractKey, i*n+b), func(ctx context.Context, vals []any) (any, error) {
				r := vals[0].(*bucketSet).recs[b]
				r.Retain()
				return r, nil
			}, graph.Hints{Op: op + " (bucket)"}, split)
		}
	}
	return out
}

// hashBuckets assigns each row of keys to one of n buckets by the hash of
// its key (equal keys, whatever their partition, meet in one bucket).
func hashBuckets(keys []arrow.Array, n int, part []int32) error {
	hashes := make([]uint64, len(part))
	if err := hashtable.HashRows(keys, hashes); err != nil {
		return err
	}
	bucketsOf(hashes, n, part)
	return nil
}

// bucketsOf assigns each row one of n buckets by its key hash.
func bucketsOf(hashes []uint64, n int, part []int32) {
	for r, h := range hashes {
		part[r] = int32((h >> 32) * uint64(n) >> 32)
	}
}

// records returns the values of a task's dependencies as records
// (borrowed).
func records(vals []any) []arrow.Record {
	recs := make([]arrow.Record, len(vals))
	for i, v := range vals {
		recs[i] = v.(arrow.Record)
	}
	return recs
}
