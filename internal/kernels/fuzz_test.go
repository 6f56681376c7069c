package kernels

import (
	"testing"

	"github.com/apache/arrow/go/v15/arrow/memory"
)

// kernelChecks are the differential checks, each generating one random case
// from a gen and comparing the kernel with the row-by-row reference.
var kernelChecks = []func(testing.TB, memory.Allocator, *gen){
	checkArith, checkCompare, checkLogic, checkNulls, checkStrings, checkExtract, checkCast, checkFilter, checkChaos,
}

// FuzzKernels decodes the fuzzer's bytes into a kernel (the first byte),
// operand types, shapes, lengths, offsets and values (the rest), and checks
// the kernel against the reference. The seed corpus is in
// testdata/fuzz/FuzzKernels.
func FuzzKernels(f *testing.F) {
	for k := range kernelChecks {
		f.Add([]byte{byte(k), 7, 1, 3, 200, 0, 255, 9, 64, 128, 31, 2})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		kernelChecks[int(data[0])%len(kernelChecks)](t, mem, &gen{b: data[1:]})
	})
}
