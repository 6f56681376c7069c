package h2o

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
)

// Groupby describes one data set of the db-benchmark's groupby task,
// G1_<N>_<K>_<NA>_<sorted>. The zero Seed is a valid seed; Workers does not
// change the data.
type Groupby struct {
	N         int64 // rows, at least 1
	K         int   // groups of the low-cardinality ids, in [1, N]
	NAPercent int   // percent of missing cells in each column, in [0, 100]
	Sorted    bool  // rows ordered by id1..id6
	Seed      uint64
	// Workers is the number of goroutines that generate rows; 0 means
	// GOMAXPROCS.
	Workers int
}

// GroupbyHeader is the first line of a groupby CSV, without its newline.
const GroupbyHeader = "id1,id2,id3,id4,id5,id6,v1,v2,v3"

// Name returns the data set's name as the R script names its file, without
// ".csv": "G1_1e7_1e2_0_0".
func (g Groupby) Name() string {
	return fmt.Sprintf("G1_%s_%s_%d_%d", prettySci(g.N), prettySci(int64(g.K)), g.NAPercent, boolDigit(g.Sorted))
}

// Rows returns the number of data rows (N).
func (g Groupby) Rows() int64 { return g.N }

// ErrInvalid marks parameters that describe no data set.
var ErrInvalid = errors.New("h2o: invalid parameters")

func (g Groupby) validate() error {
	switch {
	case g.N < 1:
		return fmt.Errorf("%w: groupby N = %d, want at least 1", ErrInvalid, g.N)
	case g.K < 1 || int64(g.K) > g.N:
		return fmt.Errorf("%w: groupby K = %d, want 1 <= K <= N (%d)", ErrInvalid, g.K, g.N)
	case g.NAPercent < 0 || g.NAPercent > 100:
		return fmt.Errorf("%w: groupby NAPercent = %d, want 0..100", ErrInvalid, g.NAPercent)
	}
	return nil
}

// WriteCSV writes the data set as CSV, header first, to w. It generates
// rows on g.Workers goroutines and returns when all is written, at the
// first error of w, or when ctx is cancelled.
func (g Groupby) WriteCSV(ctx context.Context, w io.Writer) error {
	if err := g.validate(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, GroupbyHeader+"\n"); err != nil {
		return err
	}
	gen := newGroupbyGen(g)
	if g.Sorted {
		rows, err := gen.sortedRows(ctx)
		if err != nil {
			return err
		}
		return writeBlocks(ctx, w, numBlocks(g.N), g.Workers, func(b int64, buf []byte) ([]byte, error) {
			lo, hi := blockRange(b, g.N)
			buf = growFor(buf, hi-lo, groupbyRowBytes)
			for i := range rows[lo:hi] {
				buf = appendGroupbyRow(buf, &rows[lo+int64(i)])
			}
			return buf, nil
		})
	}
	return writeBlocks(ctx, w, numBlocks(g.N), g.Workers, func(b int64, buf []byte) ([]byte, error) {
		lo, hi := blockRange(b, g.N)
		buf = growFor(buf, hi-lo, groupbyRowBytes)
		gen.block(b, func(r *groupbyRow) { buf = appendGroupbyRow(buf, r) })
		return buf, nil
	})
}

// groupbyRowBytes is a generous estimate of a row's CSV length, to size
// buffers once.
const groupbyRowBytes = 64

func growFor(buf []byte, rows, rowBytes int64) []byte {
	need := int(rows * rowBytes)
	if cap(buf) < need {
		return make([]byte, 0, need)
	}
	return buf[:0]
}

func boolDigit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// groupbyRow is one generated row. A missing id or v1/v2 is 0; a missing
// v3 is naMicro. seq is the row's place in generation order.
type groupbyRow struct {
	id1, id2, id3, id4, id5, id6 uint64
	v3                           uint64 // millionths
	seq                          int64  // the row number: ties of a sort stay in generation order
	v1, v2                       uint8
}

const naMicro = math.MaxUint64

// Stream tags: every random stream is named by (Seed, tag, ...).
const (
	tagGroupbyRows = iota + 1
	tagGroupbyNA
	tagJoinRows
	tagJoinKeys
	tagJoinDraw
	tagJoinNA
)

// groupbyCols is the number of columns of a groupby row.
const groupbyCols = 9

type groupbyGen struct {
	g     Groupby
	k, nk uint64 // K and N/K
}

func newGroupbyGen(g Groupby) *groupbyGen {
	return &groupbyGen{
		g:  g,
		k:  uint64(g.K),
		nk: uint64(g.N / int64(g.K)),
	}
}

// block generates the rows of block b in order and passes each to yield
// (the row is reused after yield returns).
func (gen *groupbyGen) block(b int64, yield func(*groupbyRow)) {
	lo, hi := blockRange(b, gen.g.N)
	r := newStream(gen.g.Seed, tagGroupbyRows, uint64(b))
	var masks [groupbyCols][]uint64
	if gen.g.NAPercent > 0 {
		total := naTotal(gen.g.N, gen.g.NAPercent)
		for c := range masks {
			masks[c] = naMask(gen.g.Seed, tagGroupbyNA, uint64(c), b, lo, hi, gen.g.N, total)
		}
	}
	k, nk := gen.k, gen.nk
	var row groupbyRow
	for i := lo; i < hi; i++ {
		row = groupbyRow{
			id1: below(r.Uint64(), k) + 1,
			id2: below(r.Uint64(), k) + 1,
			id3: below(r.Uint64(), nk) + 1,
			id4: below(r.Uint64(), k) + 1,
			id5: below(r.Uint64(), k) + 1,
			id6: below(r.Uint64(), nk) + 1,
			v1:  uint8(below(r.Uint64(), 5) + 1),
			v2:  uint8(below(r.Uint64(), 15) + 1),
			v3:  uniformMicro(r.Uint64()),
			seq: i,
		}
		if masks[0] != nil {
			j := uint64(i - lo)
			w, bit := j/64, uint64(1)<<(j%64)
			if masks[0][w]&bit != 0 {
				row.id1 = 0
			}
			if masks[1][w]&bit != 0 {
				row.id2 = 0
			}
			if masks[2][w]&bit != 0 {
				row.id3 = 0
			}
			if masks[3][w]&bit != 0 {
				row.id4 = 0
			}
			if masks[4][w]&bit != 0 {
				row.id5 = 0
			}
			if masks[5][w]&bit != 0 {
				row.id6 = 0
			}
			if masks[6][w]&bit != 0 {
				row.v1 = 0
			}
			if masks[7][w]&bit != 0 {
				row.v2 = 0
			}
			if masks[8][w]&bit != 0 {
				row.v3 = naMicro
			}
		}
		yield(&row)
	}
}

// appendGroupbyRow appends r as one CSV line; missing values are empty
// fields, as R's fwrite writes NA.
func appendGroupbyRow(b []byte, r *groupbyRow) []byte {
	if r.id1 != 0 {
		b = appendUint(append(b, 'i', 'd'), r.id1, 3)
	}
	b = append(b, ',')
	if r.id2 != 0 {
		b = appendUint(append(b, 'i', 'd'), r.id2, 3)
	}
	b = append(b, ',')
	if r.id3 != 0 {
		b = appendUint(append(b, 'i', 'd'), r.id3, 10)
	}
	b = append(b, ',')
	if r.id4 != 0 {
		b = appendUint(b, r.id4, 1)
	}
	b = append(b, ',')
	if r.id5 != 0 {
		b = appendUint(b, r.id5, 1)
	}
	b = append(b, ',')
	if r.id6 != 0 {
		b = appendUint(b, r.id6, 1)
	}
	b = append(b, ',')
	if r.v1 != 0 {
		b = append(b, '0'+r.v1)
	}
	b = append(b, ',')
	if r.v2 != 0 {
		b = appendUint(b, uint64(r.v2), 1)
	}
	b = append(b, ',')
	if r.v3 != naMicro {
		b = appendMicro(b, r.v3)
	}
	return append(b, '\n')
}

// naTotal returns floor(rows*percent/100), the R scripts' as.integer(N*p).
func naTotal(rows int64, percent int) uint64 {
	hi, lo := bits.Mul64(uint64(rows), uint64(percent))
	q, _ := bits.Div64(hi, lo, 100)
	return q
}

// naMask returns the missing rows of one column in block b (rows [lo, hi)
// of n) as a bitmap over hi-lo rows. The column's total missing
// cells are spread over the blocks in proportion to their rows, so the
// column has exactly total missing cells whatever the block; inside a block
// they are a uniform sample without replacement.
func naMask(seed, tag, col uint64, b, lo, hi, n int64, total uint64) []uint64 {
	m := uint64(hi - lo)
	count := scaledFloor(uint64(hi), total, uint64(n)) - scaledFloor(uint64(lo), total, uint64(n))
	mask := make([]uint64, (m+63)/64)
	if count == 0 {
		return mask
	}
	invert := count > m/2
	if invert {
		count = m - count
	}
	r := newStream(seed, tag, col, uint64(b))
	// Floyd's sampling of count distinct positions of [0, m).
	for j := m - count; j < m; j++ {
		t := below(r.Uint64(), j+1)
		if mask[t/64]&(1<<(t%64)) != 0 {
			t = j
		}
		mask[t/64] |= 1 << (t % 64)
	}
	if invert {
		for i := range mask {
			mask[i] = ^mask[i]
		}
		if rem := m % 64; rem != 0 {
			mask[len(mask)-1] &= 1<<rem - 1
		}
	}
	return mask
}

// scaledFloor returns floor(x*total/n) for x <= n.
func scaledFloor(x, total, n uint64) uint64 {
	hi, lo := bits.Mul64(x, total)
	q, _ := bits.Div64(hi, lo, n)
	return q
}
