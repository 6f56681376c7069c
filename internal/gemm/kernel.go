package gemm

// kernel adds the product of an mr-row micro-panel of packed A and an
// nr-column micro-panel of packed B, both depth steps long, to the mr×nr
// tile of C at c (row stride ldc).
//
// The nine sums live in local variables, which the compiler keeps in
// registers, and each depth step loads mr values of A and nr values of B
// once for mr*nr multiply-adds. The loop advances the panels by reslicing
// after fixed-offset loads, so it has no bounds checks. Written as
// acc += a*b, the multiply-add compiles to a multiply and an add by
// default and to one fused multiply-add instruction when the code is
// built for GOAMD64=v3 or later (and on arm64 and other targets with FMA).
func kernel(depth int, a, b, c []float64, ldc int) {
	var c00, c01, c02, c10, c11, c12, c20, c21, c22 float64
	a = a[:3*depth]
	b = b[:3*depth]
	for len(a) >= 24 && len(b) >= 24 {
		b0, b1, b2 := b[0], b[1], b[2]
		a0 := a[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 := a[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 := a[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		b0, b1, b2 = b[3], b[4], b[5]
		a0 = a[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 = a[4]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 = a[5]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		b0, b1, b2 = b[6], b[7], b[8]
		a0 = a[6]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 = a[7]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 = a[8]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		b0, b1, b2 = b[9], b[10], b[11]
		a0 = a[9]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 = a[10]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 = a[11]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		b0, b1, b2 = b[12], b[13], b[14]
		a0 = a[12]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 = a[13]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 = a[14]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		b0, b1, b2 = b[15], b[16], b[17]
		a0 = a[15]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 = a[16]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 = a[17]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		b0, b1, b2 = b[18], b[19], b[20]
		a0 = a[18]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 = a[19]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 = a[20]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		b0, b1, b2 = b[21], b[22], b[23]
		a0 = a[21]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 = a[22]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 = a[23]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		a = a[24:]
		b = b[24:]
	}
	for len(a) >= 3 && len(b) >= 3 {
		b0, b1, b2 := b[0], b[1], b[2]
		a0 := a[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 := a[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a2 := a[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		a = a[3:]
		b = b[3:]
	}
	r0 := c[:3]
	r0[0] += c00
	r0[1] += c01
	r0[2] += c02
	r1 := c[ldc : ldc+3]
	r1[0] += c10
	r1[1] += c11
	r1[2] += c12
	r2 := c[2*ldc : 2*ldc+3]
	r2[0] += c20
	r2[1] += c21
	r2[2] += c22
}
