package array

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"gonum.org/v1/gonum/mat"

	"github.com/dusk-go/dusk/internal/npy"
)

func TestStoreLoad(t *testing.T) {
	ctx := context.Background()
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			rng := newRng(t, 9)
			for _, dt := range []DType{Float64, Int64, Bool} {
				x := refRandData(rng, []int{9, 4, 3}, dt, true)
				dir := filepath.Join(t.TempDir(), "stored")
				a := arrOf(rng, x)
				if err := a.Store(ctx, dir, m.opts...); err != nil {
					t.Fatal(err)
				}
				b := Load(dir)
				if !slices.Equal(flat(b.Chunks()), flat(a.Chunks())) {
					t.Errorf("%s: loaded chunks %v, stored %v", dt, b.Chunks(), a.Chunks())
				}
				same(t, m, "load "+dt.String(), b, x, nil, 0, 0)
				same(t, m, "load then slice", b.Slice(Span(2, 7)), must(refSlice(x, []refS{{Start: 2, Stop: 7, Step: 1, HasStart: true, HasStop: true}})), nil, 0, 0)
				if err := a.Store(ctx, dir, m.opts...); err == nil {
					t.Errorf("storing over an existing directory: no error")
				}
			}
		})
	}
}

func flat(g [][]int) []int {
	var out []int
	for _, s := range g {
		out = append(out, s...)
		out = append(out, -1)
	}
	return out
}

func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	if err := Load(filepath.Join(t.TempDir(), "missing")).Err(); err == nil {
		t.Error("missing directory: no error")
	}
	dir := filepath.Join(t.TempDir(), "a")
	if err := Arange(0, 20, 1, Chunks(5)).Store(ctx, dir); err != nil {
		t.Fatal(err)
	}
	// a chunk file replaced by one of another shape
	bad := filepath.Join(dir, "chunk-2.npy")
	if err := npy.WriteFile(bad, []int{4}, []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir).Compute(ctx)
	if !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), bad) {
		t.Errorf("wrong shape: got %v, want ErrShape naming %s", err, bad)
	}
	if err := os.WriteFile(bad, []byte("not npy"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(dir).Sum().Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("corrupt chunk: got %v, want an error naming %s", err, bad)
	}
	if err := os.WriteFile(filepath.Join(dir, manifestName), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Load(dir).Err(); err == nil || !strings.Contains(err.Error(), manifestName) {
		t.Errorf("corrupt manifest: got %v", err)
	}
	// a failed store leaves nothing
	out := filepath.Join(t.TempDir(), "b")
	err = FromInt64s([]int64{1, 0}, nil, Chunks(1)).FloorDiv(FromInt64s([]int64{1, 0}, nil)).Store(ctx, out)
	if err == nil {
		t.Fatal("store of a failing computation: no error")
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("a failed store left %v", entries)
	}
}

func TestResultConversions(t *testing.T) {
	ctx := context.Background()
	r, err := Arange(0, 6, 1).Reshape(2, 3).Compute(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := r.Dense()
	if err != nil || d.At(1, 2) != 5 {
		t.Fatalf("dense: got %v, %v", d, err)
	}
	if &r.Float64s()[0] != &d.RawMatrix().Data[0] {
		t.Error("Dense copied the result")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	arr := r.Arrow(mem)
	if arr.Len() != 6 || arr.(*array.Float64).Value(4) != 4 || &arr.(*array.Float64).Float64Values()[0] != &r.Float64s()[0] {
		t.Errorf("arrow: got %v, want the result's memory", arr)
	}
	arr.Release()
	b, _ := Arange(0, 4, 1).Gt(1).Compute(ctx)
	ba := b.Arrow(mem)
	if ba.(*array.Boolean).Value(0) || !ba.(*array.Boolean).Value(3) {
		t.Errorf("arrow bools: got %v", ba)
	}
	ba.Release()
	if _, err := b.Dense(); !errors.Is(err, ErrShape) {
		t.Errorf("dense of bools: got %v", err)
	}
	if _, err := r.Scalar(); !errors.Is(err, ErrShape) {
		t.Errorf("scalar of 6 values: got %v", err)
	}
	// in and out of gonum and Arrow without copies
	m := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	p, err := FromDense(m).MatMul(FromDense(m)).Compute(ctx)
	if err != nil || !slices.Equal(p.Float64s(), []float64{7, 10, 15, 22}) {
		t.Errorf("matmul of dense: got %v, %v", p, err)
	}
	sub := m.Slice(0, 2, 1, 2).(*mat.Dense)
	s, err := FromDense(sub).Compute(ctx)
	if err != nil || !slices.Equal(s.Float64s(), []float64{2, 4}) {
		t.Errorf("strided dense: got %v, %v", s, err)
	}
	bld := array.NewInt64Builder(mem)
	bld.AppendValues([]int64{1, 2, 3, 4}, nil)
	ia := bld.NewInt64Array()
	bld.Release()
	tot, err := FromArrow(ia, []int{2, 2}).Sum(Axis(0)).Compute(ctx)
	if err != nil || !slices.Equal(tot.Int64s(), []int64{4, 6}) {
		t.Errorf("from arrow: got %v, %v", tot, err)
	}
	ia.Release()
	bld2 := array.NewFloat64Builder(mem)
	bld2.AppendNull()
	fa := bld2.NewFloat64Array()
	bld2.Release()
	if err := FromArrow(fa, nil).Err(); !errors.Is(err, ErrValue) {
		t.Errorf("arrow nulls: got %v, want ErrValue", err)
	}
	fa.Release()
}
