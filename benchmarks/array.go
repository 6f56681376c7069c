package main

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"runtime/debug"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/dusk-go/dusk/array"
)

func arraySuite() suite {
	return suite{
		name: "array",
		doc:  "chunked N-d arrays: fused kernels, reductions, transposes, matrix products; -peers adds NumPy and Dask (Python 3)",
		cases: []benchCase{
			{name: "seed-expsinh", doc: "(exp(x)*sinh(x)).sum() over 10 × 1e7 ones in chunks of 1e6: seconds and ulp error; best of 3", run: seedExpSinh},
			{name: "sum-1e9", doc: "sum of 1e9 float64 generated lazily, and of 1e8 in memory (GB/s)", run: sum1e9},
			{name: "transpose-mean", doc: "(x + x.T).mean(axis=0) on a random 20000² array in 2000² chunks: seconds and peak RSS", run: transposeMean},
			{name: "matmul-4000", doc: "4000² @ 4000² float64: seconds and GFLOP/s, against gonum's single-threaded rate in the same run", run: matmul4000},
		},
	}
}

// expSinhRef is (e² - 1) / 2 = exp(1)·sinh(1), to 200 bits.
func expSinhRef() *big.Float {
	one := new(big.Float).SetPrec(200).SetInt64(1)
	e := new(big.Float).SetPrec(200).SetInt64(1)
	term := new(big.Float).SetPrec(200).SetInt64(1)
	for k := int64(1); k < 80; k++ {
		term.Quo(term, new(big.Float).SetPrec(200).SetInt64(k))
		e.Add(e, term)
	}
	e2 := new(big.Float).SetPrec(200).Mul(e, e)
	e2.Sub(e2, one)
	return e2.Quo(e2, new(big.Float).SetPrec(200).SetInt64(2))
}

// ulpsOff returns how many ulps v is from the exact value want.
func ulpsOff(v float64, want *big.Float) float64 {
	w, _ := want.Float64()
	ulp := math.Nextafter(math.Abs(w), math.Inf(1)) - math.Abs(w)
	d := new(big.Float).SetPrec(200).Sub(new(big.Float).SetPrec(200).SetFloat64(v), want)
	df, _ := d.Float64()
	return math.Abs(df) / ulp
}

func seedExpSinh(ctx context.Context, o options, emit func(result) error) error {
	rows, cols, chunk := 10, 10_000_000, 1_000_000
	if o.quick {
		cols, chunk = 1_000_000, 100_000
	}
	var v float64
	d, err := bestOf(3, func() error {
		x := array.Ones([]int{rows, cols}, array.Chunks(1, chunk))
		var err error
		v, err = x.Exp().Mul(x.Sinh()).Sum().Float(ctx, schedOpts(o)...)
		return err
	})
	if err != nil {
		return err
	}
	want := new(big.Float).SetPrec(200).Mul(expSinhRef(), new(big.Float).SetPrec(200).SetInt64(int64(rows*cols)))
	ulps := ulpsOff(v, want)
	if ulps > 1 {
		return fmt.Errorf("sum %v is %.2f ulp from the exact %v", v, ulps, want.Text('g', 20))
	}
	secs := d.Seconds()
	if err := emit(result{Metric: "seconds", Value: secs, Unit: "s", Target: "≤ 0.25 (2 cores)"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "ulp_error", Value: ulps, Unit: "ulp", Target: "≤ 1"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "ns_per_element_core", Value: secs * 1e9 * float64(workersOf(o)) / float64(rows*cols), Unit: "ns"}); err != nil {
		return err
	}
	if !o.peers {
		return nil
	}
	for _, engine := range []string{peerNumPy, peerDask} {
		r, err := runPyPeer(ctx, engine, "expsinh", o.workers, rows, cols, chunk)
		if err != nil {
			return err
		}
		if math.Abs(r.Value-v) > 1e-9*math.Abs(v) {
			return fmt.Errorf("%s computed %v, dusk %v", engine, r.Value, v)
		}
		if err := emitPeer(emit, engine, r.Seconds, secs); err != nil {
			return err
		}
	}
	return nil
}

func emitPeer(emit func(result) error, engine string, peer, dusk float64) error {
	if err := emit(result{Metric: engine + "_seconds", Value: peer, Unit: "s"}); err != nil {
		return err
	}
	return emit(result{Metric: "ratio_vs_" + engine, Value: dusk / peer, Unit: "x", Target: "< 1 is faster"})
}

func sum1e9(ctx context.Context, o options, emit func(result) error) error {
	n, m := 1_000_000_000, 100_000_000
	if o.quick {
		n, m = 10_000_000, 10_000_000
	}
	// lazily generated: 0, 1, ..., n-1
	var v float64
	d, err := bestOf(1, func() error {
		var err error
		v, err = array.Arange(0, float64(n), 1, array.Chunks(8_000_000)).Sum().Float(ctx, schedOpts(o)...)
		return err
	})
	if err != nil {
		return err
	}
	if want := float64(n) * float64(n-1) / 2; math.Abs(v-want) > 1e-12*want {
		return fmt.Errorf("sum of arange(%d) = %v, want %v", n, v, want)
	}
	if err := emit(result{Metric: "lazy_seconds", Value: d.Seconds(), Unit: "s"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "lazy_gb_per_s", Value: float64(n) * 8 / 1e9 / d.Seconds(), Unit: "GB/s"}); err != nil {
		return err
	}
	// in memory
	rnd, err := array.Uniform(1, []int{m}).Compute(ctx, schedOpts(o)...)
	if err != nil {
		return err
	}
	data := rnd.Float64s()
	want := 0.0
	for _, x := range data {
		want += x
	}
	d, err = bestOf(5, func() error {
		var err error
		v, err = array.FromSlice(data, nil, array.Chunks(4_000_000)).Sum().Float(ctx, schedOpts(o)...)
		return err
	})
	if err != nil {
		return err
	}
	if math.Abs(v-want) > 1e-9*want {
		return fmt.Errorf("in-memory sum %v, want %v", v, want)
	}
	gbs := float64(m) * 8 / 1e9 / d.Seconds()
	if err := emit(result{Metric: "memory_seconds", Value: d.Seconds(), Unit: "s"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "memory_gb_per_s", Value: gbs, Unit: "GB/s", Target: "≥ 20 (1e8 in memory)"}); err != nil {
		return err
	}
	if !o.peers {
		return nil
	}
	for _, engine := range []string{peerNumPy, peerDask} {
		r, err := runPyPeer(ctx, engine, "sum", o.workers, m)
		if err != nil {
			return err
		}
		if err := emit(result{Metric: engine + "_gb_per_s", Value: float64(m) * 8 / 1e9 / r.Seconds, Unit: "GB/s"}); err != nil {
			return err
		}
		if err := emitPeer(emit, engine, r.Seconds, d.Seconds()); err != nil {
			return err
		}
	}
	return nil
}

func transposeMean(ctx context.Context, o options, emit func(result) error) error {
	n, chunk := 20000, 2000
	if o.quick {
		n, chunk = 2000, 500
	}
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	start := time.Now()
	x := array.Uniform(1, []int{n, n}, array.Chunks(chunk, chunk))
	r, err := x.Add(x.T()).Mean(array.Axis(0)).Compute(ctx, schedOpts(o)...)
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	rss := peakRSS()
	// the mean of x[:, j] + x[j, :] over n samples is near 1
	for j, v := range r.Float64s() {
		if math.Abs(v-1) > 10/math.Sqrt(float64(n)) {
			return fmt.Errorf("column %d: mean %v, want about 1", j, v)
		}
	}
	if err := emit(result{Metric: "seconds", Value: secs, Unit: "s", Target: "< dask (3.0 s here)"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "peak_rss_mb", Value: float64(rss) / (1 << 20), Unit: "MB", Target: "< 1024"}); err != nil {
		return err
	}
	if !o.peers {
		return nil
	}
	for _, engine := range []string{peerNumPy, peerDask} {
		r, err := runPyPeer(ctx, engine, "transpose_mean", o.workers, n, chunk)
		if err != nil {
			return err
		}
		if err := emitPeer(emit, engine, r.Seconds, secs); err != nil {
			return err
		}
		if err := emit(result{Metric: engine + "_peak_rss_mb", Value: r.RSSMB, Unit: "MB"}); err != nil {
			return err
		}
	}
	return nil
}

func matmul4000(ctx context.Context, o options, emit func(result) error) error {
	n := 4000
	if o.quick {
		n = 600
	}
	a, err := array.Uniform(1, []int{n, n}).Compute(ctx, schedOpts(o)...)
	if err != nil {
		return err
	}
	b, err := array.Uniform(2, []int{n, n}).Compute(ctx, schedOpts(o)...)
	if err != nil {
		return err
	}
	A := array.FromSlice(a.Float64s(), []int{n, n})
	B := array.FromSlice(b.Float64s(), []int{n, n})
	var c *array.Result
	d, err := bestOf(2, func() error {
		var err error
		c, err = A.MatMul(B).Compute(ctx, schedOpts(o)...)
		return err
	})
	if err != nil {
		return err
	}
	// check a few entries against a direct dot product
	af, bf, cf := a.Float64s(), b.Float64s(), c.Float64s()
	for _, ij := range [][2]int{{0, 0}, {n - 1, n - 1}, {n / 3, n / 2}} {
		s := 0.0
		for k := range n {
			s += af[ij[0]*n+k] * bf[k*n+ij[1]]
		}
		if got := cf[ij[0]*n+ij[1]]; math.Abs(got-s) > 1e-9*math.Abs(s) {
			return fmt.Errorf("C[%d,%d] = %v, want %v", ij[0], ij[1], got, s)
		}
	}
	flops := 2 * math.Pow(float64(n), 3)
	gf := flops / d.Seconds() / 1e9
	// gonum on one thread, same matrices, same run
	// (gonum's own pure-Go BLAS, whatever blas64 uses)
	prev := runtime.GOMAXPROCS(1)
	mc := make([]float64, n*n)
	start := time.Now()
	gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, af, n, bf, n, 0, mc, n)
	single := time.Since(start).Seconds()
	runtime.GOMAXPROCS(prev)
	gf1 := flops / single / 1e9
	if err := emit(result{Metric: "seconds", Value: d.Seconds(), Unit: "s"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "gflops", Value: gf, Unit: "GFLOP/s"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "gonum_1thread_gflops", Value: gf1, Unit: "GFLOP/s"}); err != nil {
		return err
	}
	if err := emit(result{Metric: "ratio_vs_gonum_1thread", Value: gf / gf1, Unit: "x", Target: "≥ 1.8 (" + array.BLAS + ")"}); err != nil {
		return err
	}
	if !o.peers {
		return nil
	}
	for _, engine := range []string{peerNumPy, peerDask} {
		r, err := runPyPeer(ctx, engine, "matmul", o.workers, n)
		if err != nil {
			return err
		}
		if err := emitPeer(emit, engine, r.Seconds, d.Seconds()); err != nil {
			return err
		}
	}
	return nil
}
