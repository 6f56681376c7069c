package fastmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

const benchBlock = 2048

// benchInput returns a block of values uniform in [-scale, scale].
func benchInput(scale float64) []float64 {
	rng := rand.New(rand.NewPCG(11, 12))
	x := make([]float64, benchBlock)
	for i := range x {
		x[i] = (rng.Float64()*2 - 1) * scale
	}
	return x
}

func reportPerElement(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchBlock, "ns/elem")
}

var benchSink float64

// The loops below live in functions of their own: b.Loop keeps every
// value assigned directly in its body alive, which would slow an inline
// loop down and distort the comparison.

func mathExpTo(dst, x []float64) {
	for i, v := range x {
		dst[i] = math.Exp(v)
	}
}

func expSinh(dst, e, x []float64) {
	ExpTo(e, x)
	SinhFromExp(dst, e, x)
	for i := range dst {
		dst[i] *= e[i]
	}
}

func mathExpSinh(dst, x []float64) {
	for i, v := range x {
		dst[i] = math.Exp(v) * math.Sinh(v)
	}
}

func mathSinhTo(dst, x []float64) {
	for i, v := range x {
		dst[i] = math.Sinh(v)
	}
}

func mathCoshTo(dst, x []float64) {
	for i, v := range x {
		dst[i] = math.Cosh(v)
	}
}

func loopSum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

func pairwiseSum(x []float64) float64 {
	var p Pairwise
	for _, v := range x {
		p.Add(v)
	}
	return p.Value()
}

func BenchmarkExpTo(b *testing.B) {
	x, dst := benchInput(10), make([]float64, benchBlock)
	for b.Loop() {
		ExpTo(dst, x)
	}
	reportPerElement(b)
}

func BenchmarkMathExp(b *testing.B) {
	x, dst := benchInput(10), make([]float64, benchBlock)
	for b.Loop() {
		mathExpTo(dst, x)
	}
	reportPerElement(b)
}

// BenchmarkExpSinh computes exp(x)*sinh(x) the way the fused engine does:
// one ExpTo shared by both functions.
func BenchmarkExpSinh(b *testing.B) {
	x, e, s := benchInput(5), make([]float64, benchBlock), make([]float64, benchBlock)
	for b.Loop() {
		expSinh(s, e, x)
	}
	reportPerElement(b)
}

func BenchmarkMathExpSinh(b *testing.B) {
	x, dst := benchInput(5), make([]float64, benchBlock)
	for b.Loop() {
		mathExpSinh(dst, x)
	}
	reportPerElement(b)
}

func BenchmarkSinhFromExp(b *testing.B) {
	for _, c := range []struct {
		name  string
		scale float64
	}{{"x=±1", 1}, {"x=±5", 5}, {"x=±20", 20}} {
		b.Run(c.name, func(b *testing.B) {
			x, dst := benchInput(c.scale), make([]float64, benchBlock)
			e := make([]float64, benchBlock)
			ExpTo(e, x)
			for b.Loop() {
				SinhFromExp(dst, e, x)
			}
			reportPerElement(b)
		})
	}
}

func BenchmarkSinhTo(b *testing.B) {
	x, dst := benchInput(5), make([]float64, benchBlock)
	for b.Loop() {
		SinhTo(dst, x)
	}
	reportPerElement(b)
}

func BenchmarkMathSinh(b *testing.B) {
	x, dst := benchInput(5), make([]float64, benchBlock)
	for b.Loop() {
		mathSinhTo(dst, x)
	}
	reportPerElement(b)
}

func BenchmarkCoshTo(b *testing.B) {
	x, dst := benchInput(5), make([]float64, benchBlock)
	for b.Loop() {
		CoshTo(dst, x)
	}
	reportPerElement(b)
}

func BenchmarkMathCosh(b *testing.B) {
	x, dst := benchInput(5), make([]float64, benchBlock)
	for b.Loop() {
		mathCoshTo(dst, x)
	}
	reportPerElement(b)
}

func BenchmarkSum(b *testing.B) {
	x := benchInput(1)
	for b.Loop() {
		benchSink = Sum(x)
	}
	reportPerElement(b)
}

// BenchmarkSumLoop is the single running sum Sum replaces.
func BenchmarkSumLoop(b *testing.B) {
	x := benchInput(1)
	for b.Loop() {
		benchSink = loopSum(x)
	}
	reportPerElement(b)
}

func BenchmarkPairwiseAdd(b *testing.B) {
	x := benchInput(1)
	for b.Loop() {
		benchSink = pairwiseSum(x)
	}
	reportPerElement(b)
}
