package npy

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
)

const (
	// smallData is the largest data section Write sends in the same Write
	// call as the header.
	smallData = 32 << 10
	// swapChunk is the buffer size for converting data on big-endian
	// machines.
	swapChunk = 64 << 10
)

// Write writes data as a .npy array of the given shape to w. data is a
// []float64, []float32, []int64, []int32 or []bool holding the elements in
// C (row-major) order; its length must equal the product of shape. An empty
// shape writes a scalar, which has one element; a zero dimension makes an
// array with no elements. The header is the one NumPy 1.24 writes for the
// same array. Nothing is written when the arguments are invalid.
func Write(w io.Writer, shape []int, data any) error {
	hdr, raw, size, err := encode(shape, data)
	if err != nil {
		return err
	}
	return emit(w, hdr, raw, size)
}

// encode validates the arguments of Write and returns the header, the data's
// memory in the machine's byte order and the element size.
func encode(shape []int, data any) (hdr, raw []byte, size int, err error) {
	k, n, raw, err := kindOf(data)
	if err != nil {
		return nil, nil, 0, err
	}
	elems, _, err := checkShape(shape, k.size)
	if err != nil {
		return nil, nil, 0, err
	}
	if n != elems {
		return nil, nil, 0, formatErr("data has %d elements, shape %v needs %d", n, shape, elems)
	}
	hdr, err = formatHeader(k.dtype, shape)
	if err != nil {
		return nil, nil, 0, err
	}
	return hdr, raw, k.size, nil
}

// emit writes the header and then the data, little-endian.
func emit(w io.Writer, hdr, raw []byte, size int) error {
	if hostBigEndian && size > 1 {
		if _, err := w.Write(hdr); err != nil {
			return fmt.Errorf("npy: write: %w", err)
		}
		buf := make([]byte, min(len(raw), swapChunk))
		for len(raw) > 0 {
			m := copy(buf, raw)
			swapBytes(buf[:m], size)
			if _, err := w.Write(buf[:m]); err != nil {
				return fmt.Errorf("npy: write: %w", err)
			}
			raw = raw[m:]
		}
		return nil
	}
	if len(raw) <= smallData {
		// One call for small arrays.
		hdr = append(hdr, raw...)
		raw = nil
	}
	if _, err := w.Write(hdr); err != nil {
		return fmt.Errorf("npy: write: %w", err)
	}
	if len(raw) > 0 {
		if _, err := w.Write(raw); err != nil {
			return fmt.Errorf("npy: write: %w", err)
		}
	}
	return nil
}

// WriteFile writes data as a .npy array of the given shape to the file at
// path, replacing any file there, with the arguments of Write. It writes to
// a temporary file named path+".tmp-" and a random suffix in the same
// directory and renames it to path, so the file at path is never partly
// written; the temporary file is removed on error. It does not fsync.
func WriteFile(path string, shape []int, data any) (err error) {
	hdr, raw, size, err := encode(shape, data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f, tmp, err := createTemp(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := emit(f, hdr, raw, size); err != nil {
		return fmt.Errorf("%s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// createTemp creates a new file named path+".tmp-" and a random suffix,
// with the permissions os.Create gives.
func createTemp(path string) (*os.File, string, error) {
	for try := 0; ; try++ {
		name := path + ".tmp-" + strconv.FormatUint(uint64(rand.Uint32()), 16)
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, name, nil
		}
		if !errors.Is(err, os.ErrExist) || try == 100 {
			return nil, "", err
		}
	}
}
