package h2o

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/dusk-go/dusk/internal/hashing"
)

// Join describes one data set of the db-benchmark's join task: the left
// table J1_<N>_NA_<NA>_<sorted> and its three right-hand sides, whose names
// put the right table's rows in place of "NA" (J1_1e7_1e1_0_0,
// J1_1e7_1e4_0_0, J1_1e7_1e7_0_0 for N = 1e7).
//
// There are three key spaces, of n = N/1e6, N/1e3 and N keys. Each is a
// random permutation of 1..n+n/10, split into x (its first 0.9n keys), l
// (the next 0.1n) and r (the last 0.1n). The left table draws id1, id2, id3
// from x∪l of the spaces, the right tables from x∪r, each column
// independently: every key of the pool once, the remaining rows sampled
// from the pool with replacement, then shuffled. So a right table's own
// key column (id1 of small, id2 of medium, id3 of big) is a permutation of
// its pool, and 90% of each pool matches the other side. id4, id5, id6 are
// "id" followed by id1, id2, id3 as integers; v1 (left) and v2 (right) are
// uniform reals in [0, 100) rounded to 6 decimals.
//
// With NAPercent p > 0, as in the R script, only the left table has
// missing values: floor(n*p/100) keys of each id column's pool are missing
// in every row that has them (the integer field empty, the string one
// "idNA", as R's sprintf("id%.0f", NA) writes it), and floor(N*p/100) rows
// of v1. With Sorted the left table is ordered by id1, id2, id3, and the
// small, medium and big tables by id1, id2 and id3 (ties in generation
// order); missing keys are chosen after sorting, as in the R script.
type Join struct {
	N         int64 // rows of the left and the big table: a multiple of 1e6
	NAPercent int   // in [0, 100]
	Sorted    bool
	Seed      uint64
	// Workers is the number of goroutines that generate rows; 0 means
	// GOMAXPROCS. It does not change the data.
	Workers int

	// divisors of N that give the three key spaces; zero means {1e6, 1e3,
	// 1}. Tests set small ones.
	divisors [3]int64
}

// A JoinTable is one table of a [Join] data set.
type JoinTable int

// The tables of a join data set.
const (
	JoinLeft   JoinTable = iota // N rows: id1..id6, v1
	JoinSmall                   // N/1e6 rows: id1, id4, v2
	JoinMedium                  // N/1e3 rows: id1, id2, id4, id5, v2
	JoinBig                     // N rows: id1..id6, v2
)

// JoinTables returns the tables of a join data set, left first.
func JoinTables() [4]JoinTable { return [4]JoinTable{JoinLeft, JoinSmall, JoinMedium, JoinBig} }

func (t JoinTable) String() string {
	switch t {
	case JoinLeft:
		return "left"
	case JoinSmall:
		return "small"
	case JoinMedium:
		return "medium"
	case JoinBig:
		return "big"
	}
	return fmt.Sprintf("JoinTable(%d)", int(t))
}

// keyCols returns how many key spaces t draws from: id1 only (small),
// id1 and id2 (medium) or all three.
func (t JoinTable) keyCols() int {
	switch t {
	case JoinSmall:
		return 1
	case JoinMedium:
		return 2
	}
	return 3
}

func (t JoinTable) valid() bool { return t >= JoinLeft && t <= JoinBig }

func (j Join) divs() [3]int64 {
	if j.divisors == [3]int64{} {
		return [3]int64{1_000_000, 1_000, 1}
	}
	return j.divisors
}

// keys returns the size n of key space L (0, 1, 2).
func (j Join) keys(l int) int64 { return j.N / j.divs()[l] }

// Rows returns the number of rows of table t.
func (j Join) Rows(t JoinTable) int64 {
	switch t {
	case JoinSmall:
		return j.keys(0)
	case JoinMedium:
		return j.keys(1)
	}
	return j.N
}

// Name returns the name of table t's file, without ".csv".
func (j Join) Name(t JoinTable) string {
	rows := "NA"
	if t != JoinLeft {
		rows = prettySci(j.Rows(t))
	}
	return fmt.Sprintf("J1_%s_%s_%d_%d", prettySci(j.N), rows, j.NAPercent, boolDigit(j.Sorted))
}

// Header returns the first line of table t's CSV, without its newline.
func (j Join) Header(t JoinTable) string {
	v := "v2"
	if t == JoinLeft {
		v = "v1"
	}
	k := t.keyCols()
	var cols []string
	for l := range k {
		cols = append(cols, fmt.Sprintf("id%d", l+1))
	}
	for l := range k {
		cols = append(cols, fmt.Sprintf("id%d", l+4))
	}
	return strings.Join(append(cols, v), ",")
}

func (j Join) validate(t JoinTable) error {
	d := j.divs()
	switch {
	case !t.valid():
		return fmt.Errorf("%w: %v", ErrInvalid, t)
	case j.N < d[0] || j.N%d[0] != 0:
		return fmt.Errorf("%w: join N = %d, want a positive multiple of %d", ErrInvalid, j.N, d[0])
	case j.NAPercent < 0 || j.NAPercent > 100:
		return fmt.Errorf("%w: join NAPercent = %d, want 0..100", ErrInvalid, j.NAPercent)
	}
	return nil
}

// EnsureCSV returns the path of dir/<Name(t)>.csv, writing it first unless
// it is already there from the same version and seed (as
// [Groupby.EnsureCSV]).
func (j Join) EnsureCSV(ctx context.Context, dir string, t JoinTable) (string, error) {
	if err := j.validate(t); err != nil {
		return "", err
	}
	return ensureCSV(ctx, dir, j.Name(t), j.Seed, j.Rows(t), func(ctx context.Context, w io.Writer) error {
		return j.WriteCSV(ctx, t, w)
	})
}

// WriteCSV writes table t as CSV, header first, to w.
func (j Join) WriteCSV(ctx context.Context, t JoinTable, w io.Writer) error {
	if err := j.validate(t); err != nil {
		return err
	}
	if _, err := io.WriteString(w, j.Header(t)+"\n"); err != nil {
		return err
	}
	gen := newJoinGen(j, t)
	var order []int64 // source row of each output row when sorted
	if j.Sorted {
		var err error
		if order, err = gen.sortOrder(ctx); err != nil {
			return err
		}
	}
	rows := j.Rows(t)
	return writeBlocks(ctx, w, numBlocks(rows), j.Workers, func(b int64, buf []byte) ([]byte, error) {
		lo, hi := blockRange(b, rows)
		buf = growFor(buf, hi-lo, joinRowBytes)
		r := newStream(j.Seed, tagJoinRows, uint64(t), uint64(b))
		var vNA []uint64
		if t == JoinLeft && j.NAPercent > 0 {
			vNA = naMask(j.Seed, tagJoinNA, 3, b, lo, hi, rows, naTotal(rows, j.NAPercent))
		}
		var ids [3]uint64
		for i := lo; i < hi; i++ {
			src := i
			if order != nil {
				src = order[i]
			}
			gen.keysOf(src, &ids)
			v := uniformMicro(r.Uint64())
			if vNA != nil {
				if o := uint64(i - lo); vNA[o/64]&(1<<(o%64)) != 0 {
					v = naMicro
				}
			}
			buf = gen.appendRow(buf, &ids, v)
		}
		return buf, nil
	})
}

const joinRowBytes = 80

// joinGen computes the rows of one join table.
type joinGen struct {
	j    Join
	t    JoinTable
	cols int
	spc  [3]keySpace
	draw [3]poolDraw
}

// keySpace is one of the three key spaces: n keys in the pools, the
// permutation that gives the keys (key(i) = keys.at(i)+1 for i in [0,
// n+nr)), and which pool keys are missing in the left table.
type keySpace struct {
	n, nx, nl uint64
	keys      perm
	naPerm    perm   // pool index p is missing when naPerm.at(p) < naCount
	naCount   uint64 // 0: no missing keys
}

// poolDraw is sample_all(pool, rows) for one column: shuffle.at(j) < n
// takes pool[shuffle.at(j)], larger values a pool element chosen by hash.
type poolDraw struct {
	shuffle perm
	seed    uint64
}

func newJoinGen(j Join, t JoinTable) *joinGen {
	gen := &joinGen{j: j, t: t, cols: t.keyCols()}
	rows := uint64(j.Rows(t))
	for l := range gen.cols {
		n := uint64(j.keys(l))
		nx := n * 9 / 10
		nl := n - nx
		s := keySpace{n: n, nx: nx, nl: nl, keys: newPerm(n+nl, derive(j.Seed, tagJoinKeys, uint64(l)))}
		if t == JoinLeft && j.NAPercent > 0 {
			s.naCount = naTotal(int64(n), j.NAPercent)
			s.naPerm = newPerm(n, derive(j.Seed, tagJoinNA, uint64(l)))
		}
		gen.spc[l] = s
		gen.draw[l] = poolDraw{
			shuffle: newPerm(rows, derive(j.Seed, tagJoinDraw, uint64(t), uint64(l))),
			seed:    derive(j.Seed, tagJoinDraw, uint64(t), uint64(l), 1),
		}
	}
	return gen
}

// poolIndex returns the pool position of row src's key in column l.
func (gen *joinGen) poolIndex(l int, src int64) uint64 {
	d, s := &gen.draw[l], &gen.spc[l]
	k := d.shuffle.at(uint64(src))
	if k < s.n {
		return k
	}
	return below(hashing.Mix64(d.seed^k), s.n)
}

// key returns the key at pool position p of column l: the left table's
// pool is x∪l (key indices [0, n)), the right tables' x∪r (skipping l).
func (gen *joinGen) key(l int, p uint64) uint64 {
	s := &gen.spc[l]
	i := p
	if gen.t != JoinLeft && p >= s.nx {
		i += s.nl
	}
	return s.keys.at(i) + 1
}

// rawKeys sets ids to row src's keys before missing values are applied,
// and pools to their pool positions.
func (gen *joinGen) rawKeys(src int64, ids *[3]uint64, pools *[3]uint64) {
	for l := range gen.cols {
		p := gen.poolIndex(l, src)
		pools[l] = p
		ids[l] = gen.key(l, p)
	}
}

// keysOf sets ids to row src's keys, 0 for a missing one.
func (gen *joinGen) keysOf(src int64, ids *[3]uint64) {
	var pools [3]uint64
	gen.rawKeys(src, ids, &pools)
	for l := range gen.cols {
		if s := &gen.spc[l]; s.naCount > 0 && s.naPerm.at(pools[l]) < s.naCount {
			ids[l] = 0
		}
	}
}

// appendRow appends one CSV line: the integer keys, the string keys and the
// value.
func (gen *joinGen) appendRow(b []byte, ids *[3]uint64, v uint64) []byte {
	for l := range gen.cols {
		if ids[l] != 0 {
			b = appendUint(b, ids[l], 1)
		}
		b = append(b, ',')
	}
	for l := range gen.cols {
		b = append(b, 'i', 'd')
		if ids[l] != 0 {
			b = appendUint(b, ids[l], 1)
		} else {
			b = append(b, 'N', 'A')
		}
		b = append(b, ',')
	}
	if v != naMicro {
		b = appendMicro(b, v)
	}
	return append(b, '\n')
}

// sortKey is a row's sort key and its place in generation order.
type sortKey struct {
	k   [3]uint64
	src int64
}

// sortOrder returns the generation-order row of each sorted row: the left
// table by id1, id2, id3; the small, medium and big ones by their own key
// column.
func (gen *joinGen) sortOrder(ctx context.Context) ([]int64, error) {
	rows := gen.j.Rows(gen.t)
	keys := make([]sortKey, rows)
	if err := parallelBlocks(ctx, rows, gen.j.Workers, func(b int64) {
		lo, hi := blockRange(b, rows)
		var ids, pools [3]uint64
		for i := lo; i < hi; i++ {
			gen.rawKeys(i, &ids, &pools)
			sk := sortKey{src: i}
			if gen.t == JoinLeft {
				sk.k = ids
			} else {
				sk.k[0] = ids[gen.cols-1]
			}
			keys[i] = sk
		}
	}); err != nil {
		return nil, err
	}
	if err := parallelSort(ctx, keys, gen.j.Workers, func(a, b sortKey) int {
		for l := range a.k {
			if c := cmp.Compare(a.k[l], b.k[l]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.src, b.src)
	}); err != nil {
		return nil, err
	}
	order := make([]int64, rows)
	for i := range keys {
		order[i] = keys[i].src
	}
	return order, nil
}
