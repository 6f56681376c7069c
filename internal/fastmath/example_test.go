package fastmath_test

import (
	"fmt"

	"github.com/dusk-go/dusk/internal/fastmath"
)

func ExampleExpTo() {
	x := []float64{0, 1, -1, 10}
	dst := make([]float64, len(x))
	fastmath.ExpTo(dst, x)
	fmt.Printf("%.12g\n", dst)
	// Output: [1 2.71828182846 0.367879441171 22026.4657948]
}

func ExampleSinhFromExp() {
	// exp(x) computed once serves sinh, cosh and exp itself.
	x := []float64{-1, 0.5, 2}
	e := make([]float64, len(x))
	fastmath.ExpTo(e, x)
	s := make([]float64, len(x))
	c := make([]float64, len(x))
	fastmath.SinhFromExp(s, e, x)
	fastmath.CoshFromExp(c, e, x)
	fmt.Printf("%.6f\n%.6f\n", s, c)
	// Output:
	// [-1.175201 0.521095 3.626860]
	// [1.543081 1.127626 3.762196]
}

func ExampleSinhTo() {
	x := []float64{0, 1, -3}
	fastmath.SinhTo(x, x) // in place
	fmt.Printf("%.6f\n", x)
	// Output: [0.000000 1.175201 -10.017875]
}

func ExampleSum() {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	fmt.Println(fastmath.Sum(x))
	// Output: 55
}

func ExamplePairwise() {
	// Summing per-block results of a long column.
	block := make([]float64, 2048)
	for i := range block {
		block[i] = 0.5
	}
	var total fastmath.Pairwise
	for range 1000 {
		total.Add(fastmath.Sum(block))
	}
	fmt.Println(total.Value())
	// Output: 1.024e+06
}
