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
		for i, v := range x {
			dst[i] = math.Exp(v)
		}
	}
	reportPerElement(b)
}

// BenchmarkExpSinh computes exp(x)*sinh(x) the way the fused engine does:
// one ExpTo shared by both functions.
func BenchmarkExpSinh(b *testing.B) {
	x, e, s := benchInput(5), make([]float64, benchBlock), make([]float64, benchBlock)
	for b.Loop() {
		ExpTo(e, x)
		SinhFromExp(s, e, x)
		for i := range s {
			s[i] *= e[i]
		}
	}
	reportPerElement(b)
}

func BenchmarkMathExpSinh(b *testing.B) {
	x, dst := benchInput(5), make([]float64, benchBlock)
	for b.Loop() {
		for i, v := range x {
			dst[i] = math.Exp(v) * math.Sinh(v)
		}
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
		for i, v := range x {
			dst[i] = math.Sinh(v)
		}
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
		for i, v := range x {
			dst[i] = math.Cosh(v)
		}
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
		s := 0.0
		for _, v := range x {
			s += v
		}
		benchSink = s
	}
	reportPerElement(b)
}

func BenchmarkPairwiseAdd(b *testing.B) {
	x := benchInput(1)
	for b.Loop() {
		var p Pairwise
		for _, v := range x {
			p.Add(v)
		}
		benchSink = p.Value()
	}
	reportPerElement(b)
}
