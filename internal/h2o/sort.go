package h2o

import (
	"cmp"
	"context"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"
)

// sortedRows generates every row and sorts them as R's setkeyv(DT,
// paste0("id", 1:6)) does: by id1..id6, the string ids byte-wise, missing
// values first, ties in generation order.
func (gen *groupbyGen) sortedRows(ctx context.Context) ([]groupbyRow, error) {
	rows := make([]groupbyRow, gen.g.N)
	if err := parallelBlocks(ctx, gen.g.N, gen.g.Workers, func(b int64) {
		lo, _ := blockRange(b, gen.g.N)
		i := lo
		gen.block(b, func(r *groupbyRow) { rows[i] = *r; i++ })
	}); err != nil {
		return nil, err
	}
	err := parallelSort(ctx, rows, gen.g.Workers, compareGroupbyRows)
	return rows, err
}

func compareGroupbyRows(a, b groupbyRow) int {
	if c := lexCompare(a.id1, b.id1, 3); c != 0 {
		return c
	}
	if c := lexCompare(a.id2, b.id2, 3); c != 0 {
		return c
	}
	if c := lexCompare(a.id3, b.id3, 10); c != 0 {
		return c
	}
	if c := cmp.Compare(a.id4, b.id4); c != 0 {
		return c
	}
	if c := cmp.Compare(a.id5, b.id5); c != 0 {
		return c
	}
	if c := cmp.Compare(a.id6, b.id6); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// parallelBlocks calls fn for every block of rows rows on up to workers
// goroutines (0: GOMAXPROCS).
func parallelBlocks(ctx context.Context, rows int64, workers int, fn func(b int64)) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for b := range numBlocks(rows) {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			fn(b)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// parallelSort sorts xs by compare, which must be a total order (so the
// result does not depend on the number of workers): each worker sorts a
// run, then pairs of runs are merged, in parallel, until one is left.
func parallelSort[T any](ctx context.Context, xs []T, workers int, compare func(a, b T) int) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	runs := max(1, min(workers, len(xs)/blockRows))
	bounds := make([]int, runs+1)
	for i := range bounds {
		bounds[i] = len(xs) * i / runs
	}
	g, gctx := errgroup.WithContext(ctx)
	for i := range runs {
		g.Go(func() error {
			slices.SortFunc(xs[bounds[i]:bounds[i+1]], compare)
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if runs == 1 {
		return nil
	}
	src, dst := xs, make([]T, len(xs))
	for len(bounds) > 2 {
		var next []int
		g, gctx := errgroup.WithContext(ctx)
		for i := 0; i+1 < len(bounds); i += 2 {
			lo, mid, hi := bounds[i], bounds[i+1], bounds[min(i+2, len(bounds)-1)]
			next = append(next, lo)
			g.Go(func() error {
				mergeRuns(dst[lo:hi], src[lo:mid], src[mid:hi], compare)
				return gctx.Err()
			})
		}
		next = append(next, len(xs))
		if err := g.Wait(); err != nil {
			return err
		}
		src, dst, bounds = dst, src, next
	}
	if &src[0] != &xs[0] {
		copy(xs, src)
	}
	return nil
}

// mergeRuns merges the sorted a and b into dst (len(a)+len(b) long), a's
// elements first among equal ones.
func mergeRuns[T any](dst, a, b []T, compare func(a, b T) int) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if compare(b[j], a[i]) < 0 {
			dst[k] = b[j]
			j++
		} else {
			dst[k] = a[i]
			i++
		}
		k++
	}
	k += copy(dst[k:], a[i:])
	copy(dst[k:], b[j:])
}
