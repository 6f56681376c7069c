// Package fastmath holds the elementwise block kernels of the fused array
// engine: e^x, sinh and cosh over slices, and summation. The engine calls
// them on blocks of about 2048 float64 values, so each kernel is one
// tight loop without calls on its common path. The code is portable Go:
// no assembly and no GOEXPERIMENT.
//
// # Exponential
//
// ExpTo reduces x = k*ln2/N + r with N = 256 and |r| <= ln2/512:
// k = round(x*N/ln2) comes from adding 1.5*2^52, and r = x - k*ln2/N
// uses ln2/N split into a 34-bit high part (k*hi is exact) and a low part
// (Cody-Waite). e^r - 1 is a degree-4 minimax polynomial (error below
// 5e-18). 2^(k/N) = 2^floor(k/N) * 2^(i/N), i = k mod N, where 2^(i/N)
// comes from a 256-entry table computed at package initialization with
// math/big (repeated square roots of 2 and their products, 256 bits) and
// stored as hi*(1+tail) with hi rounded to float64 and tail its relative
// error, so the table adds about 2^-106 rather than half an ulp. The
// integer floor(k/N) goes straight into the exponent bits of hi, giving
// scale = hi*2^floor(k/N), and the result is scale + scale*tmp with
// tmp = tail + (e^r - 1).
//
// The loop handles |x| < 700 inline. The rest of the normal range,
// -708.39 <= x <= 709.78, takes the same steps with a rescaled 2^floor(k/N);
// beyond it (overflow, subnormal or zero results) and for NaN and ±Inf
// ExpTo calls math.Exp, so those results equal math.Exp bit for bit.
//
// # Hyperbolic functions
//
// For |x| < 1, sinh and cosh come from minimax polynomials (sinh x =
// x + x^3*P(x^2), cosh x = 1 + x^2/2 + x^4*Q(x^2)), which have no
// cancellation and need no exponential. For 1 <= |x| <= 700 they combine
// E = e^x and 1/E: SinhFromExp and CoshFromExp take E from the caller
// (typically an ExpTo result the expression needs anyway) and evaluate
// (E -+ 1/E)/2 with an exact reciprocal residual (math.FMA) and TwoSum,
// so only E's own error and one final rounding remain. SinhTo and CoshTo
// compute E = e^|x| themselves as an unevaluated sum hi + lo accurate to
// about 2^-57. Above 700 and for NaN and ±Inf, math.Sinh and math.Cosh
// decide. math.FMA is a single instruction on amd64 CPUs with FMA (the Go
// runtime checks once), arm64 and other modern targets; elsewhere it is a
// slower software routine but still exact.
//
// ExpSinhTo computes e^x and sinh x together for an expression that needs
// both: e^-x takes the table entry of -k and the polynomial at -r, whose
// even part p and odd part q it shares with e^x (e^(±r) - 1 = p ± q), and
// 2*sinh x is the difference of the two, without cancellation for
// |x| >= 1. Its loop takes four elements at a time as independent
// dependency chains and tests their range once per group; a group with an
// input outside 1 <= |x| <= 700 (more exactly, outside a range of k) goes
// to a scalar loop with the same steps, so each result depends on its
// input alone.
//
// # Accuracy
//
// Errors are in ulps of the exact result, measured against math/big
// references (200 bits) on a few hundred thousand inputs, including
// random ones, dense grids, tiny values and the worst cases of each path:
//
//	ExpTo           0.546 ulp (bound about 0.5 + 0.045 + 2^-13)
//	SinhFromExp     1.55 ulp, 0.82 for |x| < 1 (bound about 1.6)
//	CoshFromExp     1.46 ulp, 0.72 for |x| < 1; 1.03 given e^|x|
//	SinhTo          0.82 ulp (0.61 for |x| >= 1)
//	CoshTo          0.72 ulp (0.59 for |x| >= 1)
//	ExpSinhTo       e^x 0.546 ulp (the neighbour of ExpTo's result for about
//	                2 inputs in 10^4); sinh 1.03 ulp, 0.82 for |x| < 1
//
// The From-Exp kernels inherit E's error, which counts up to twice when
// the result (or 1/E) lies in a lower binade than E: up to 2*0.546 ulp,
// plus the final rounding. Compilers that fuse x*y+z (arm64, GOAMD64=v3)
// only make the kernels more accurate: every step whose exact rounding
// matters is protected by an explicit conversion.
//
// Sum adds with 8 independent accumulators combined pairwise; its error
// is at most about (n/8 + 4) * 2^-53 * sum|x|. Pairwise combines a stream
// of values, typically per-block sums, as a binary carry chain in fixed
// memory; its error grows with log2 of the count.
//
// # Slices and aliasing
//
// Every kernel writes dst[i] for i < len(x) only and panics when dst (or
// e) is shorter than x. dst may be the same slice as an input, element
// for element; partially overlapping slices give undefined results. The
// kernels do not allocate.
package fastmath
