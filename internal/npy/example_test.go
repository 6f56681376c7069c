package npy_test

import (
	"bytes"
	"fmt"

	"github.com/dusk-go/dusk/internal/npy"
)

func Example() {
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{2, 3}, []float64{0, 1, 2, 3, 4, 5}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", buf.Bytes()[:69])
	fmt.Println(buf.Len(), "bytes")

	shape, data, err := npy.Read(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(shape, data.([]float64))
	// Output:
	// "\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
	// 176 bytes
	// [2 3] [0 1 2 3 4 5]
}

func ExampleReadHeader() {
	var buf bytes.Buffer
	if err := npy.Write(&buf, []int{4}, []bool{true, false, true, true}); err != nil {
		fmt.Println(err)
		return
	}
	h, err := npy.ReadHeader(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v, %d data bytes follow\n", h, buf.Len())
	// Output:
	// {DType:|b1 Shape:[4] FortranOrder:false DataOffset:128}, 4 data bytes follow
}
