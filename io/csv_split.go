package io

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Finding row boundaries.
//
// A file of the dataset is cut on a grid of BlockSize bytes from its first
// data byte; partition i reads the rows that start in grid block i, from
// the first row start at or after the block's start to the first row start
// at or after its end. The parser knows where rows start as it goes, so a
// partition finds its own end; its start needs knowledge of the bytes
// before it:
//
//   - In quote-parity mode (no Escape, no Comment), a newline ends a row
//     exactly when an even number of quote bytes precede it, since every
//     quote the parser accepts opens a field, closes it or is doubled
//     inside it (the parser rejects the others). The count of quote bytes
//     in each block is found once, lazily: the first partition that needs
//     it and finds nobody computing it reads the block and counts; a
//     partition also offers the count of its own block, which it sees go
//     by as it parses, so that reading partitions in order counts nothing
//     twice. Without quoting, every newline ends a row and nothing is
//     counted.
//   - With Escape or Comment set, a quote may be escaped or inside a
//     comment, so parity says nothing. The row start of each block is then
//     found by scanning rows from the previous block's row start, a chain
//     computed once, lazily, block by block.

// csvLazy is a table of values computed once each, on demand, by whoever
// needs one first, or offered by whoever learns one for free. A
// computation that fails is forgotten, so that a later call (with a live
// context) tries again.
type csvLazy struct {
	mu    sync.Mutex
	slots []csvSlot
}

type csvSlot struct {
	state uint8 // 0: unknown, 1: being computed, 2: known
	v     int64
	wait  chan struct{} // closed when the computation in progress ends
}

func newCSVLazy(n int) csvLazy { return csvLazy{slots: make([]csvSlot, n)} }

// offer sets value i to v when it is unknown and nobody is computing it:
// a value found for free, while doing something else.
func (t *csvLazy) offer(i int, v int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s := &t.slots[i]; s.state == 0 {
		s.state, s.v = 2, v
	}
}

// finish ends the computation of value i that get started.
func (t *csvLazy) finish(i int, v int64, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := &t.slots[i]
	if ok {
		s.state, s.v = 2, v
	} else {
		s.state = 0
	}
	close(s.wait)
	s.wait = nil
}

// get returns value i, computing it with compute when nobody is, and else
// waiting for the goroutine that is.
func (t *csvLazy) get(ctx context.Context, i int, compute func() (int64, error)) (int64, error) {
	for {
		t.mu.Lock()
		s := &t.slots[i]
		switch s.state {
		case 2:
			v := s.v
			t.mu.Unlock()
			return v, nil
		case 1:
			w := s.wait
			t.mu.Unlock()
			select {
			case <-w:
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		default:
			s.state, s.wait = 1, make(chan struct{})
			t.mu.Unlock()
			v, err := compute()
			t.finish(i, v, err == nil)
			return v, err
		}
	}
}

// csvFile is one file of a dataset, as OpenCSV found it.
type csvFile struct {
	path       string
	size       int64 // bytes at open (compressed, for gzip)
	gzip       bool
	dataStart  int64   // the first byte after the BOM and the header (of the stream, for gzip)
	startLines int64   // newlines before dataStart
	block      int64   // the grid's block size
	nblocks    int     // partitions
	quotes     csvLazy // quote bytes in each block

	mu     sync.Mutex
	prefix []int64 // quote bytes before each block; -1 when not known yet

	bounds csvLazy // chain mode: the first row start at or after each block's start
}

// plan cuts the file into partitions of the grid of block bytes.
func (f *csvFile) plan(block int64) {
	f.block = block
	switch {
	case f.gzip:
		f.nblocks = 1
	case f.size > f.dataStart:
		f.nblocks = int((f.size - f.dataStart + block - 1) / block)
	}
	f.quotes = newCSVLazy(f.nblocks)
	f.bounds = newCSVLazy(f.nblocks)
	f.prefix = make([]int64, f.nblocks+1)
	for i := range f.prefix {
		f.prefix[i] = -1
	}
	f.prefix[0] = 0
}

func (f *csvFile) gridStart(i int) int64 { return min(f.size, f.dataStart+int64(i)*f.block) }
func (f *csvFile) gridEnd(i int) int64   { return f.gridStart(i + 1) }

// csvReadFull reads len(buf) bytes at off; a short read is an error.
func csvReadFull(r io.ReaderAt, path string, buf []byte, off int64) error {
	n, err := r.ReadAt(buf, off)
	if n == len(buf) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("io: reading %s: %w", path, err)
}

// csvChunks calls fn on the bytes of [from, to) of r, read in chunks of
// len(buf) bytes into buf, until fn returns false.
func csvChunks(ctx context.Context, r io.ReaderAt, path string, buf []byte, from, to int64, fn func([]byte) bool) error {
	for off := from; off < to; {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := buf[:min(int64(len(buf)), to-off)]
		if err := csvReadFull(r, path, b, off); err != nil {
			return err
		}
		if !fn(b) {
			return nil
		}
		off += int64(len(b))
	}
	return nil
}

// quotesBefore returns the number of quote bytes in the grid blocks before
// block i. It starts from the nearest block before i whose prefix is
// known, so that reading the partitions in order is linear.
func (f *csvFile) quotesBefore(ctx context.Context, r io.ReaderAt, buf []byte, quote byte, i int) (int64, error) {
	f.mu.Lock()
	j := i
	for j > 0 && f.prefix[j] < 0 {
		j--
	}
	total := f.prefix[j]
	f.mu.Unlock()
	for ; j < i; j++ {
		n, err := f.quotes.get(ctx, j, func() (int64, error) {
			var n int64
			err := csvChunks(ctx, r, f.path, buf, f.gridStart(j), f.gridEnd(j), func(b []byte) bool {
				n += int64(bytes.Count(b, []byte{quote}))
				return true
			})
			return n, err
		})
		if err != nil {
			return 0, err
		}
		total += n
		f.mu.Lock()
		f.prefix[j+1] = total
		f.mu.Unlock()
	}
	return total, nil
}

// chainStart returns the first row start at or after the start of block i,
// scanning rows (chain mode).
func (f *csvFile) chainStart(ctx context.Context, r io.ReaderAt, buf []byte, cfg *csvConfig, i int) (int64, error) {
	prev := f.dataStart
	for j := 1; j <= i; j++ {
		from := prev
		v, err := f.bounds.get(ctx, j, func() (int64, error) {
			return cfg.scanRowStart(ctx, r, f.path, buf, from, f.gridStart(j), f.size)
		})
		if err != nil {
			return 0, err
		}
		prev = v
	}
	return prev, nil
}

// The states of scanRowStart.
const (
	csvScanRow         = iota // at the start of a row
	csvScanField              // at the start of a field
	csvScanUnquoted           // inside an unquoted field
	csvScanQuoted             // inside a quoted field
	csvScanQuotedEsc          // after an escape inside a quoted field
	csvScanQuotedQuote        // after a quote inside a quoted field
	csvScanComment            // inside a comment line
)

// scanRowStart returns the first row start at or after target, reading
// rows from from, a row start; size when no row starts there. It follows
// the parser's syntax, except that it takes misplaced quotes as text (the
// parser rejects them).
func (c *csvConfig) scanRowStart(ctx context.Context, r io.ReaderAt, path string, buf []byte, from, target, size int64) (int64, error) {
	if from >= target {
		return from, nil
	}
	st := csvScanRow
	found := size
	err := csvChunks(ctx, r, path, buf, from, size, func(b []byte) bool {
		base := from
		from += int64(len(b))
		for k := 0; k < len(b); k++ {
			ch := b[k]
			if st == csvScanRow {
				if base+int64(k) >= target {
					found = base + int64(k)
					return false
				}
				if c.hasComment && ch == c.comment {
					st = csvScanComment
				} else {
					st = csvScanField
				}
			}
			if st == csvScanField || st == csvScanUnquoted {
				// Outside quotes: a line with no quote in the rest of it
				// ends the row at its newline.
				j := bytes.IndexByte(b[k:], '\n')
				if j > 0 && (!c.quoting || bytes.IndexByte(b[k:k+j], c.quote) < 0) {
					k += j - 1 // the loop's k++ takes k to the newline
					st = csvScanUnquoted
					continue
				}
			}
			switch st {
			case csvScanField:
				switch {
				case ch == '\n':
					st = csvScanRow
				case c.trim && csvIsSpace(ch), ch == c.delim:
				case c.quoting && ch == c.quote:
					st = csvScanQuoted
				default:
					st = csvScanUnquoted
				}
			case csvScanUnquoted:
				if ch == '\n' {
					st = csvScanRow
				} else if ch == c.delim {
					st = csvScanField
				}
			case csvScanQuoted:
				if c.hasEscape && ch == c.escape {
					st = csvScanQuotedEsc
				} else if ch == c.quote {
					st = csvScanQuotedQuote
				} else if !c.hasEscape {
					// Jump to the next quote.
					j := bytes.IndexByte(b[k+1:], c.quote)
					if j < 0 {
						k = len(b) - 1
					} else {
						k += j
					}
				}
			case csvScanQuotedEsc:
				st = csvScanQuoted
			case csvScanQuotedQuote:
				switch {
				case ch == c.quote:
					st = csvScanQuoted
				case ch == '\n':
					st = csvScanRow
				case ch == c.delim:
					st = csvScanField
				default:
					st = csvScanUnquoted
				}
			case csvScanComment:
				j := bytes.IndexByte(b[k:], '\n')
				if j < 0 {
					k = len(b) - 1
				} else {
					k += j
					st = csvScanRow
				}
			}
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	return found, nil
}
