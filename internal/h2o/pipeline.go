package h2o

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"
)

// blockRows is the number of rows of one generated block. It fixes the
// random streams (one per block), so changing it changes the data: it is
// part of the format, like the seed.
const blockRows = 1 << 16

// numBlocks returns the number of blocks of rows rows.
func numBlocks(rows int64) int64 { return (rows + blockRows - 1) / blockRows }

// blockRange returns the rows [lo, hi) of block b.
func blockRange(b, rows int64) (lo, hi int64) {
	lo = b * blockRows
	return lo, min(lo+blockRows, rows)
}

// A blockFunc appends the CSV text of block b to buf and returns it. It
// runs on several goroutines at once, for different blocks.
type blockFunc func(b int64, buf []byte) ([]byte, error)

// writeBlocks generates blocks 0..n-1 with gen on up to workers goroutines
// (0: GOMAXPROCS) and writes them to w in order. At most two blocks per
// worker are held at a time. It returns the first error of gen or w, or
// ctx's error; no goroutine is left running when it returns.
func writeBlocks(ctx context.Context, w io.Writer, n int64, workers int, gen blockFunc) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = int(min(int64(workers), max(n, 1)))
	window := int64(2 * workers)

	// slot[b%window] carries block b from its generator to the writer;
	// tokens bounds the blocks in flight so a slot is free when reused.
	slots := make([]chan []byte, window)
	for i := range slots {
		slots[i] = make(chan []byte, 1)
	}
	tokens := make(chan struct{}, window)
	var pool sync.Pool

	g, ctx := errgroup.WithContext(ctx)
	next := make(chan int64)
	g.Go(func() error {
		defer close(next)
		for b := range n {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case next <- b:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	for range workers {
		g.Go(func() error {
			for b := range next {
				var buf []byte
				if p, ok := pool.Get().(*[]byte); ok {
					buf = (*p)[:0]
				}
				out, err := gen(b, buf)
				if err != nil {
					return fmt.Errorf("h2o: block %d: %w", b, err)
				}
				slots[b%window] <- out // never blocks: the token reserved it
			}
			return nil
		})
	}
	g.Go(func() error {
		for b := range n {
			var buf []byte
			select {
			case buf = <-slots[b%window]:
			case <-ctx.Done():
				return ctx.Err()
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
			pool.Put(&buf)
			<-tokens
		}
		return nil
	})
	return g.Wait()
}
