// Command arrays shows dusk's chunked arrays on a workload that does not
// fit in memory at once if you make it big: a lazily generated data matrix
// is standardized column by column, its covariance matrix is computed as a
// blocked matrix product, the standardized matrix is stored to disk chunk
// by chunk and read back, and a fused kernel sums exp(x)·sinh(x).
//
//	go run ./examples/arrays                      # 2e6 × 20, about 320 MB
//	go run ./examples/arrays -rows 20000000       # 3.2 GB, streamed
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/dusk-go/dusk/array"
	"github.com/dusk-go/dusk/scheduler"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "arrays:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("arrays", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	rows := fs.Int("rows", 2_000_000, "rows of the data matrix")
	cols := fs.Int("cols", 20, "columns of the data matrix")
	workers := fs.Int("workers", 0, "workers (0: GOMAXPROCS)")
	dir := fs.String("dir", "", "where to store the standardized matrix (default: a temporary directory, removed at the end)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := []scheduler.Option{scheduler.Workers(*workers)}
	n, m := *rows, *cols

	// The data: column j is normal noise scaled by j+1 and shifted by j,
	// plus a share of column 0 so that the columns correlate. Nothing is
	// computed yet.
	noise := array.Normal(7, []int{n, m}, array.Chunks(max(1, n/16), -1))
	scale := array.Arange(1, float64(m+1), 1)
	x := noise.Mul(scale).Add(array.Arange(0, float64(m), 1)).Add(noise.Slice(array.All(), array.Span(0, 1)).Mul(0.5))
	fmt.Fprintf(w, "data: %v float64 in chunks %v, %.0f MB if materialized\n", x.Shape(), x.Chunks()[0][0], float64(n*m*8)/1e6)

	// Column means and standard deviations: two reductions over rows.
	start := time.Now()
	mean, err := x.Mean(array.Axis(0)).Compute(ctx, opts...)
	if err != nil {
		return err
	}
	std, err := x.Std(array.Axis(0), array.DDof(1)).Compute(ctx, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "column means and stds in %v: mean[1] = %.3f (want ≈ 1), std[1] = %.3f (want ≈ %.3f)\n",
		time.Since(start).Round(time.Millisecond), mean.Float64s()[1], std.Float64s()[1], math.Sqrt(4+0.25))

	// Standardize and store, chunk by chunk.
	z := x.Sub(array.FromSlice(mean.Float64s(), nil)).Div(array.FromSlice(std.Float64s(), nil))
	out := *dir
	if out == "" {
		tmp, err := os.MkdirTemp("", "dusk-arrays-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		out = filepath.Join(tmp, "z")
	}
	start = time.Now()
	if err := z.Store(ctx, out, opts...); err != nil {
		return err
	}
	fmt.Fprintf(w, "stored the standardized matrix to %s in %v\n", out, time.Since(start).Round(time.Millisecond))

	// Correlations: Zᵀ·Z / (n-1), a blocked product of the stored chunks.
	zs := array.Load(out)
	start = time.Now()
	corr, err := zs.T().MatMul(zs).Div(float64(n-1)).Compute(ctx, opts...)
	if err != nil {
		return err
	}
	c := corr.Float64s()
	fmt.Fprintf(w, "correlation matrix %v in %v: corr[0,0] = %.3f, corr[0,1] = %.3f (want ≈ %.3f)\n",
		corr.Shape(), time.Since(start).Round(time.Millisecond), c[0], c[1], 0.75/(1.5*math.Sqrt(4.25)))

	// A fused kernel: one pass, no intermediate array.
	ones := array.Ones([]int{10, n}, array.Chunks(1, max(1, n/4)))
	start = time.Now()
	v, err := ones.Exp().Mul(ones.Sinh()).Sum().Float(ctx, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "sum(exp(x)·sinh(x)) over %d ones = %.6g in %v\n", 10*n, v, time.Since(start).Round(time.Millisecond))
	return nil
}
