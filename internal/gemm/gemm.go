package gemm

import "sync"

// Block sizes. The micro-kernel computes an mr×nr tile of C from an mr-row
// micro-panel of packed A and an nr-column micro-panel of packed B. One
// call of the kernel streams kc steps of depth; the packed kc×nr panel of B
// (kc*nr*8 bytes) stays in L1 while the mc×kc block of packed A stays in
// L2 and the kc×nc block of packed B in the outer cache levels.
const (
	mr = 3   // rows of the register tile
	nr = 3   // columns of the register tile
	kc = 256 // depth of a packed block
	mc = 48  // rows of a packed A block (a multiple of mr)
	nc = 768 // columns of a packed B block (a multiple of nr)

	// smallWork is the m*n*k below which Mul skips packing and runs a
	// plain loop: packing costs O(m*k + k*n) and only pays for itself
	// once every packed value is reused a few times.
	smallWork = 4 * 4 * 64
)

// packA and packB write full panels with unrolled code for mr = nr = 3;
// this constant fails to compile if either changes.
const _ = uint(mr-3) + uint(3-mr) + uint(nr-3) + uint(3-nr)

// workspace holds the packing buffers of one Mul call. Buffers are reused
// across calls through wsPool, so a steady stream of calls allocates
// nothing.
type workspace struct {
	a []float64 // packed block of A: mc×kc, micro-panels of mr rows
	b []float64 // packed block of B: kc×nc, micro-panels of nr columns
}

var wsPool = sync.Pool{New: func() any { return new(workspace) }}

// grow returns buf resliced to n values, reallocating only when its
// capacity is too small.
func grow(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}

// Mul computes C += A·B for row-major matrices: A is m×k with row stride
// lda, B is k×n with row stride ldb, C is m×n with row stride ldc. Element
// (i, j) of A is a[i*lda+j], and likewise for B and C, so a submatrix is
// passed as a slice starting at its first element with the parent's
// stride.
//
// Mul runs on the calling goroutine only; calls on disjoint rows of C (or
// on different outputs) may run concurrently. If m, n or k is 0 it does
// nothing and touches no slice.
//
// Mul panics on programmer error: a negative dimension, a stride smaller
// than the row width (lda < k, ldb < n or ldc < n), or a slice shorter
// than its matrix needs ((rows-1)*stride + cols values).
func Mul(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("gemm: negative dimension")
	}
	if m == 0 || n == 0 || k == 0 {
		return
	}
	checkMatrix("A", m, k, a, lda)
	checkMatrix("B", k, n, b, ldb)
	checkMatrix("C", m, n, c, ldc)
	if m < mr || n < nr || k <= smallWork && m*n <= smallWork/k {
		mulSmall(m, n, k, a, lda, b, ldb, c, ldc)
		return
	}

	ws := wsPool.Get().(*workspace)
	ws.a = grow(ws.a, min(mc, roundUp(m, mr))*min(kc, k))
	ws.b = grow(ws.b, min(kc, k)*min(nc, roundUp(n, nr)))
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcb := min(kc, k-pc)
			packB(ws.b, b[pc*ldb+jc:], ldb, kcb, ncb)
			for ic := 0; ic < m; ic += mc {
				mcb := min(mc, m-ic)
				packA(ws.a, a[ic*lda+pc:], lda, mcb, kcb)
				macro(mcb, ncb, kcb, ws.a, ws.b, c[ic*ldc+jc:], ldc)
			}
		}
	}
	wsPool.Put(ws)
}

// macro multiplies a packed mcb×kcb block of A by a packed kcb×ncb block
// of B into C. The loop over the B micro-panels is outside the loop over
// the A micro-panels so each B micro-panel is read from L1 mcb/mr times.
func macro(mcb, ncb, kcb int, ap, bp, c []float64, ldc int) {
	var tile [mr * nr]float64
	for jr := 0; jr < ncb; jr += nr {
		bpan := bp[jr*kcb : (jr+nr)*kcb]
		cols := min(nr, ncb-jr)
		for ir := 0; ir < mcb; ir += mr {
			apan := ap[ir*kcb : (ir+mr)*kcb]
			rows := min(mr, mcb-ir)
			if rows == mr && cols == nr {
				kernel(kcb, apan, bpan, c[ir*ldc+jr:], ldc)
				continue
			}
			// Edge tile: the packed panels are zero-padded, so the
			// kernel computes a full tile into a scratch tile and only
			// the valid part is added to C.
			tile = [mr * nr]float64{}
			kernel(kcb, apan, bpan, tile[:], nr)
			for i := range rows {
				dst := c[(ir+i)*ldc+jr:]
				dst = dst[:cols]
				for j := range dst {
					dst[j] += tile[i*nr+j]
				}
			}
		}
	}
}

// packA copies the rows×cols block at a (row stride lda) into dst as
// micro-panels of mr rows: value (i, l) goes to
// dst[(i/mr)*mr*cols + l*mr + i%mr]. Rows past the block's end are zero.
func packA(dst, a []float64, lda, rows, cols int) {
	for i0 := 0; i0 < rows; i0 += mr {
		pan := dst[i0*cols : (i0+mr)*cols]
		if i0+mr <= rows {
			r0 := a[i0*lda : i0*lda+cols]
			r1 := a[(i0+1)*lda:]
			r2 := a[(i0+2)*lda:]
			r1, r2 = r1[:len(r0)], r2[:len(r0)]
			for l, v := range r0 {
				p := pan[l*mr : l*mr+mr]
				p[0], p[1], p[2] = v, r1[l], r2[l]
			}
			continue
		}
		clear(pan)
		for i := i0; i < rows; i++ {
			for l, v := range a[i*lda : i*lda+cols] {
				pan[l*mr+i-i0] = v
			}
		}
	}
}

// packB copies the rows×cols block at b (row stride ldb) into dst as
// micro-panels of nr columns: value (l, j) goes to
// dst[(j/nr)*nr*rows + l*nr + j%nr]. Columns past the block's end are
// zero.
func packB(dst, b []float64, ldb, rows, cols int) {
	full := cols / nr * nr
	for l := range rows {
		row := b[l*ldb : l*ldb+cols]
		off := l * nr
		for j := 0; j < full; j += nr {
			s := row[j : j+nr]
			d := dst[j*rows+off : j*rows+off+nr]
			d[0], d[1], d[2] = s[0], s[1], s[2]
		}
		if full < cols {
			d := dst[full*rows+off : full*rows+off+nr]
			clear(d)
			copy(d, row[full:])
		}
	}
}

// mulSmall is the unpacked path for small or thin products. With few
// columns it takes a dot product per element of C; otherwise it adds
// a[i,l] times row l of B to row i of C, a loop over contiguous values.
func mulSmall(m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if n < 4 {
		for i := range m {
			ai := a[i*lda : i*lda+k]
			for j := range n {
				var s float64
				for l, av := range ai {
					s += av * b[l*ldb+j]
				}
				c[i*ldc+j] += s
			}
		}
		return
	}
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		for l, av := range a[i*lda : i*lda+k] {
			bl := b[l*ldb:]
			bl = bl[:len(ci)]
			for j, bv := range bl {
				ci[j] += av * bv
			}
		}
	}
}

func checkMatrix(name string, rows, cols int, s []float64, stride int) {
	if stride < cols {
		panic("gemm: stride of " + name + " is smaller than its width")
	}
	if len(s) < (rows-1)*stride+cols {
		panic("gemm: slice " + name + " is too short for its dimensions")
	}
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }
