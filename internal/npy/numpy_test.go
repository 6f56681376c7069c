package npy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// numpyScript writes or checks .npy files with NumPy. Arguments: the mode
// ("write" or "check"), a directory, then cases "name:descr:dims:order:version"
// with dims comma-separated and version 0 for NumPy's choice. Element i of
// an array holds i*0.5-3 (floats), i*1000-7 (ints) or i%3==1 (bools).
const numpyScript = `
import os, sys
import numpy as np
from numpy.lib import format as fmt

def values(descr, shape):
    i = np.arange(int(np.prod(shape, dtype=np.int64)))
    kind = descr[1]
    a = i * 0.5 - 3 if kind == 'f' else i * 1000 - 7 if kind == 'i' else i % 3 == 1
    return a.astype(descr).reshape(shape)

mode, d = sys.argv[1], sys.argv[2]
for case in sys.argv[3:]:
    name, descr, dims, order, version = case.split(':')
    shape = tuple(int(x) for x in dims.split(',') if x)
    want = values(descr, shape)
    path = os.path.join(d, name + '.npy')
    if mode == 'write':
        a = np.array(want, order=order)
        with open(path, 'wb') as f:
            fmt.write_array(f, a, version=None if version == '0' else (int(version), 0))
        continue
    got = np.load(path)
    assert got.dtype == np.dtype(descr), (name, got.dtype, descr)
    assert got.shape == shape, (name, got.shape, shape)
    assert np.array_equal(got, want), (name, got, want)
    import io
    b = io.BytesIO()
    np.save(b, got)
    with open(path, 'rb') as f:
        assert f.read() == b.getvalue(), (name, 'bytes differ from np.save')
    print('ok', name)
`

// findNumPy returns a Python interpreter that can import numpy, or skips
// the test.
func findNumPy(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping NumPy interoperability test in short mode")
	}
	candidates := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv("NPY_PYTHON"); p != "" {
		candidates = append([]string{p}, candidates...)
	}
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if exec.Command(path, "-c", "import numpy").Run() == nil {
			return path
		}
	}
	t.Skip("python3 with numpy not available")
	return ""
}

// expected returns the elements numpyScript puts in an array of n elements.
func expected(d DType, n int) any {
	switch d {
	case Float64:
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(i)*0.5 - 3
		}
		return s
	case Float32:
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(i)*0.5 - 3
		}
		return s
	case Int64:
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(i)*1000 - 7
		}
		return s
	case Int32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(i)*1000 - 7
		}
		return s
	default:
		s := make([]bool, n)
		for i := range s {
			s[i] = i%3 == 1
		}
		return s
	}
}

type numpyCase struct {
	name    string
	descr   string
	shape   []int
	fortran bool
	version int
}

func (c numpyCase) arg() string {
	dims := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(c.shape)), ","), "[]")
	order := "C"
	if c.fortran {
		order = "F"
	}
	return fmt.Sprintf("%s:%s:%s:%s:%d", c.name, c.descr, dims, order, c.version)
}

func runNumPy(t *testing.T, python, mode, dir string, cases []numpyCase) string {
	t.Helper()
	args := []string{"-c", numpyScript, mode, dir}
	for _, c := range cases {
		args = append(args, c.arg())
	}
	out, err := exec.Command(python, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("python %s: %v\n%s", mode, err, out)
	}
	return string(out)
}

func TestNumPyWritesWeRead(t *testing.T) {
	python := findNumPy(t)
	dir := t.TempDir()
	cases := []numpyCase{
		{"f8_3d", "<f8", []int{2, 3, 4}, false, 0},
		{"f8_scalar", "<f8", []int{}, false, 0},
		{"f4_1d", "<f4", []int{7}, false, 0},
		{"i8_empty", "<i8", []int{0, 3}, false, 0},
		{"i4_2d", "<i4", []int{3, 5}, false, 0},
		{"b1_1d", "|b1", []int{10}, false, 0},
		{"f8_fortran", "<f8", []int{3, 4}, true, 0},
		{"i4_fortran_3d", "<i4", []int{2, 3, 4}, true, 0},
		{"b1_fortran", "|b1", []int{4, 3}, true, 0},
		{"f8_big", ">f8", []int{2, 3}, false, 0},
		{"f4_big_fortran", ">f4", []int{3, 2, 2}, true, 0},
		{"i8_big", ">i8", []int{5}, false, 0},
		{"i4_big", ">i4", []int{}, false, 0},
		{"f8_v2", "<f8", []int{4, 2}, false, 2},
		{"i4_v3", "<i4", []int{3}, false, 3},
		{"f8_large", "<f8", []int{1000, 300}, false, 0},
	}
	runNumPy(t, python, "write", dir, cases)
	for _, c := range cases {
		shape, data, err := ReadFile(filepath.Join(dir, c.name+".npy"))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		n, _, _ := checkShape(c.shape, 1)
		k, _ := lookupDescr(c.descr)
		if want := expected(k.dtype, n); !sameShape(shape, c.shape) || !sameData(data, want) {
			t.Errorf("%s: got %v %v, want %v %v", c.name, shape, data, c.shape, want)
		}
	}
}

func TestWeWriteNumPyReads(t *testing.T) {
	python := findNumPy(t)
	dir := t.TempDir()
	var cases []numpyCase
	for _, d := range allDTypes {
		for _, shape := range [][]int{{}, {1}, {6}, {2, 3, 4}, {0}, {3, 0}, {1234567, 0}, {200, 150}} {
			c := numpyCase{name: fmt.Sprintf("%s_%d_%d", string(d)[1:], len(shape), len(cases)), descr: string(d), shape: shape}
			n, _, _ := checkShape(shape, 1)
			if err := WriteFile(filepath.Join(dir, c.name+".npy"), shape, expected(d, n)); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, c)
		}
	}
	out := runNumPy(t, python, "check", dir, cases)
	if got, want := strings.Count(out, "ok "), len(cases); got != want {
		t.Errorf("files NumPy accepted: got %v, want %v\n%s", got, want, out)
	}
}
