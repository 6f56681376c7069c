package gemm_test

import (
	"fmt"

	"github.com/dusk-go/dusk/internal/gemm"
)

func ExampleMul() {
	// A is 2×3, B is 3×2, C starts as the 2×2 identity, all row-major.
	a := []float64{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float64{
		7, 8,
		9, 10,
		11, 12,
	}
	c := []float64{
		1, 0,
		0, 1,
	}
	gemm.Mul(2, 2, 3, a, 3, b, 2, c, 2) // C += A·B
	fmt.Println(c[0:2])
	fmt.Println(c[2:4])

	// A submatrix starts at its first element and keeps its parent's
	// stride: the right 2×2 block of A times the column [1, 1].
	out := make([]float64, 2)
	gemm.Mul(2, 1, 2, a[1:], 3, []float64{1, 1}, 1, out, 1)
	fmt.Println(out)
	// Output:
	// [59 64]
	// [139 155]
	// [5 11]
}
