package array

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

func TestCreationDifferential(t *testing.T) {
	ctx := context.Background()
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			shp := []int{7, 5}
			same(t, m, "ones", Ones(shp, Chunks(3, 2)), refFull(shp, 1), nil, 0, 0)
			same(t, m, "zeros", Zeros(shp, Chunks(-1, 4)), refFull(shp, 0), nil, 0, 0)
			same(t, m, "full", Full(shp, 2.5, ChunkBytes(64)), refFull(shp, 2.5), nil, 0, 0)
			ints := Full(shp, 3, Type(Int64), Chunks(2))
			want := must(refUnary("cast:int64", refFull(shp, 3)))
			same(t, m, "full int64", ints, want, nil, 0, 0)
			ar, _ := refArange(10, 2, 0.5)
			same(t, m, "arange", Arange(2, 7, 0.5, Chunks(3)), ar, nil, 0, 0)
			ai := must(refUnary("cast:int64", must(refArange(5, 10, -2))))
			same(t, m, "arange int64", Arange(10, 0, -2, Type(Int64), Chunks(2)), ai, nil, 0, 0)
			ls, _ := refLinspace(-1, 1, 9, true)
			same(t, m, "linspace", Linspace(-1, 1, 9, Chunks(4)), ls, nil, 0, 0)
		})
	}
	// generators do not depend on chunking or workers
	for _, gen := range []func(opts ...Option) *Array{
		func(opts ...Option) *Array { return Uniform(42, []int{301, 7}, opts...) },
		func(opts ...Option) *Array { return Normal(42, []int{301, 7}, opts...) },
	} {
		a, err := gen(Chunks(-1, -1)).Compute(ctx, executionModes()[0].opts...)
		if err != nil {
			t.Fatal(err)
		}
		b, err := gen(Chunks(13, 3)).Compute(ctx, executionModes()[4].opts...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.Float64s(), b.Float64s()) {
			t.Errorf("random values depend on the chunking")
		}
		c, _ := gen(Chunks(13, 3)).Slice(Span(100, 200)).Compute(ctx)
		if !slices.Equal(c.Float64s(), a.Float64s()[700:1400]) {
			t.Errorf("a slice of random values differs from the same positions of the whole")
		}
	}
	mean, err := Uniform(1, []int{1_000_000}).Mean().Float(ctx)
	if err != nil || math.Abs(mean-0.5) > 0.002 {
		t.Errorf("uniform mean: got %v, %v, want 0.5 ± 0.002", mean, err)
	}
	sd, err := Normal(1, []int{1_000_000}).Std().Float(ctx)
	if err != nil || math.Abs(sd-1) > 0.003 {
		t.Errorf("normal std: got %v, %v, want 1 ± 0.003", sd, err)
	}
	other, _ := Uniform(2, []int{5}).Compute(ctx)
	first, _ := Uniform(1, []int{5}).Compute(ctx)
	if slices.Equal(other.Float64s(), first.Float64s()) {
		t.Errorf("seeds 1 and 2 give the same values")
	}
}

func TestAutoChunks(t *testing.T) {
	x := Ones([]int{4000, 3000})
	c := x.Chunks()
	if len(c[1]) != 1 || c[1][0] != 3000 {
		t.Errorf("trailing axis split: %v", c)
	}
	for _, s := range c[0][:len(c[0])-1] {
		if s*3000*8 > DefaultChunkBytes || s*3000*8 < DefaultChunkBytes/2 {
			t.Errorf("chunk of %d rows is %d bytes, want about %d", s, s*3000*8, DefaultChunkBytes)
		}
	}
	if got := Ones([]int{10}, ChunkBytes(16)).Chunks(); !slices.Equal(got[0], []int{2, 2, 2, 2, 2}) {
		t.Errorf("got %v, want chunks of 2", got)
	}
	if got := Zeros([]int{0, 5}).Chunks(); !slices.Equal(got[0], []int{0}) {
		t.Errorf("zero-length axis: got %v, want [0]", got)
	}
}

func TestFromMemory(t *testing.T) {
	ctx := context.Background()
	data := []float64{1, 2, 3, 4, 5, 6}
	x := FromSlice(data, []int{2, 3}, Chunks(1, 2))
	r, err := x.Add(x.Slice(All(), Span(0, 1))).Compute(ctx)
	if err != nil || !slices.Equal(r.Float64s(), []float64{2, 3, 4, 8, 9, 10}) {
		t.Errorf("got %v, %v", r, err)
	}
	if err := FromSlice(data, []int{4, 2}).Err(); !errors.Is(err, ErrShape) {
		t.Errorf("6 values as [4 2]: got %v, want ErrShape", err)
	}
	if err := FromSlice(data, nil, Chunks(0)).Err(); !errors.Is(err, ErrShape) {
		t.Errorf("chunk size 0: got %v, want ErrShape", err)
	}
	if err := FromSlice(data, nil, ChunkSizes([]int{2, 2})).Err(); !errors.Is(err, ErrShape) {
		t.Errorf("chunk sizes that do not cover the axis: got %v, want ErrShape", err)
	}
}

func TestErrorsAtBuildTime(t *testing.T) {
	a := Ones([]int{3, 4})
	b := Ones([]int{5})
	v := FromSlice([]float64{1, 2}, nil)
	bo := a.Gt(0)
	cases := []struct {
		name string
		got  *Array
		want error
	}{
		{"broadcast", a.Add(b), ErrShape},
		{"where broadcast", Where(bo, a, b), ErrShape},
		{"axis", a.Sum(Axis(2)), ErrAxis},
		{"negative axis", a.Sum(Axis(-3)), ErrAxis},
		{"axis twice", a.Sum(Axis(0, -2)), ErrAxis},
		{"argmin two axes", a.ArgMin(Axis(0, 1)), ErrAxis},
		{"reshape size", a.Reshape(5, 3), ErrShape},
		{"reshape two -1", a.Reshape(-1, -1), ErrShape},
		{"matmul inner", a.MatMul(a), ErrShape},
		{"matmul 1-D", v.MatMul(v), ErrShape},
		{"dot", a.Dot(b), ErrShape},
		{"slice step 0", a.Slice(All().Step(0)), ErrValue},
		{"too many ranges", a.Slice(All(), All(), All()), ErrAxis},
		{"index", a.Index(0, 3), ErrAxis},
		{"take", a.Take(1, []int{4}), ErrAxis},
		{"mask length", a.Mask(0, []bool{true}), ErrShape},
		{"transpose", a.Transpose(0, 0), ErrAxis},
		{"broadcast to", a.BroadcastTo(4, 3), ErrShape},
		{"exp of bool", bo.Exp(), ErrType},
		{"and of floats", a.And(a), ErrType},
		{"bool plus", bo.Add(1), ErrType},
		{"min of bool", bo.Min(), ErrType},
		{"min of nothing", Zeros([]int{0}).Min(), ErrValue},
		{"operand type", a.Add("x"), ErrType},
		{"fan-in", a.Sum(FanIn(1)), ErrValue},
		{"ddof", a.Var(DDof(-1)), ErrValue},
		{"negative shape", Ones([]int{-1}), ErrShape},
		{"arange step", Arange(0, 1, 0), ErrValue},
		{"linspace", Linspace(0, 1, -1), ErrValue},
		{"too many chunks", Ones([]int{1 << 40}, Chunks(1)), ErrValue},
		{"too many auto chunks", Ones([]int{1 << 30, 1 << 30}), ErrValue},
		{"clip bounds", a.Clip(2, 1), ErrValue},
		{"concatenate shapes", Concatenate(0, a, b), ErrShape},
		{"stack shapes", Stack(0, a, a.T()), ErrShape},
		{"concatenate types", Concatenate(0, a, bo), ErrType},
		{"map blocks chunks", a.MapBlocks(func(_ context.Context, b Block) (Block, error) { return b, nil }, OutChunks([]int{3})), ErrShape},
		{"passes on", a.Add(b).Exp().Sum(), ErrShape},
	}
	for _, c := range cases {
		if err := c.got.Err(); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
		if _, err := c.got.Compute(context.Background()); !errors.Is(err, c.want) {
			t.Errorf("%s: Compute: got %v, want %v", c.name, err, c.want)
		}
		if c.got.Shape() != nil || c.got.Chunks() != nil || c.got.Explain() == "" {
			t.Errorf("%s: a failed array describes itself", c.name)
		}
	}
	var nilArr *Array
	if nilArr.Err() == nil {
		t.Error("nil array: no error")
	}
}

func TestErrorsAtRunTime(t *testing.T) {
	ctx := context.Background()
	for _, m := range executionModes() {
		x := FromInt64s([]int64{1, 2, 3, 4, 5, 6}, []int{2, 3}, Chunks(1, 2))
		y := FromInt64s([]int64{1, 1, 1, 1, 0, 1}, []int{2, 3}, Chunks(2, 1))
		_, err := x.FloorDiv(y).Compute(ctx, m.opts...)
		if err == nil || !contains(err.Error(), "division by zero") || !contains(err.Error(), "[1 1]") {
			t.Errorf("%s: integer division by zero: got %v, want an error naming element [1 1]", m.name, err)
		}
		_, err = FromSlice([]float64{1, math.NaN()}, nil).Cast(Int64).Compute(ctx, m.opts...)
		if err == nil || !contains(err.Error(), "NaN") || !contains(err.Error(), "[1]") {
			t.Errorf("%s: cast NaN: got %v", m.name, err)
		}
		_, err = FromSlice([]float64{math.NaN()}, nil).NanArgMin().Compute(ctx, m.opts...)
		if err == nil || !contains(err.Error(), "all-NaN") {
			t.Errorf("%s: nanargmin of NaN: got %v", m.name, err)
		}
		boom := errors.New("boom")
		_, err = x.MapBlocks(func(_ context.Context, b Block) (Block, error) {
			if b.Index[0] == 1 {
				return Block{}, boom
			}
			return Block{Int64s: slices.Clone(b.Int64s)}, nil
		}, Name("fails")).Compute(ctx, m.opts...)
		if !errors.Is(err, boom) || !contains(err.Error(), "fails on chunk [1") {
			t.Errorf("%s: map blocks error: got %v", m.name, err)
		}
		_, err = x.MapBlocks(func(_ context.Context, b Block) (Block, error) {
			return Block{Int64s: make([]int64, 1)}, nil
		}).Compute(ctx, m.opts...)
		if !errors.Is(err, ErrShape) {
			t.Errorf("%s: map blocks returning too few values: got %v, want ErrShape", m.name, err)
		}
		_, err = x.MapBlocks(func(_ context.Context, b Block) (Block, error) {
			return Block{Float64s: make([]float64, len(b.Int64s))}, nil
		}).Compute(ctx, m.opts...)
		if !errors.Is(err, ErrType) {
			t.Errorf("%s: map blocks returning the wrong type: got %v, want ErrType", m.name, err)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Ones([]int{100}).Sum().Compute(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub)))
}
