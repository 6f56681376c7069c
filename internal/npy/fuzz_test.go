package npy

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzRead checks that Read never panics, that it agrees whether or not it
// knows the input's length, and that what it accepts survives a round trip
// through Write.
func FuzzRead(f *testing.F) {
	for _, d := range allDTypes {
		for _, shape := range [][]int{{}, {3}, {2, 3}, {0}, {2, 1, 2}} {
			n, _, _ := checkShape(shape, 1)
			var buf bytes.Buffer
			if err := Write(&buf, shape, sample(d, n)); err != nil {
				f.Fatal(err)
			}
			f.Add(buf.Bytes())
		}
	}
	for _, c := range readErrorCases {
		f.Add(c.file)
	}
	f.Add(rawFile(2, dict("'>i8'", "True", "(2, 2)"), make([]byte, 32)))
	f.Add(rawFile(3, dict("'=f4'", "True", "(3, 1, 2)"), make([]byte, 24)))
	f.Add(rawFile(1, "{'shape': (2L,), 'descr': '>b1', 'fortran_order': True}", []byte{1, 0}))

	const limit = 1 << 20
	f.Fuzz(func(t *testing.T, file []byte) {
		shape, data, err := ReadLimit(bytes.NewReader(file), limit)
		shape2, data2, err2 := ReadLimit(plainReader{bytes.NewReader(file)}, limit)
		if (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("sized and unsized reads disagree: got %v, want %v", err2, err)
		}
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("got %T (%v), want *FormatError", err, err)
			}
			return
		}
		if !sameShape(shape, shape2) || !sameData(data, data2) {
			t.Fatalf("sized and unsized reads disagree: got %v %v, want %v %v", shape2, data2, shape, data)
		}
		h, err := ReadHeader(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("ReadHeader: got %v, want nil", err)
		}
		if !sameShape(h.Shape, shape) {
			t.Fatalf("ReadHeader shape: got %v, want %v", h.Shape, shape)
		}

		var buf bytes.Buffer
		if err := Write(&buf, shape, data); err != nil {
			t.Fatalf("Write of what Read accepted: %v", err)
		}
		written := bytes.Clone(buf.Bytes())
		shape3, data3, err := Read(&buf)
		if err != nil {
			t.Fatalf("Read of what Write wrote: %v", err)
		}
		if !sameShape(shape3, shape) || !sameData(data3, data) {
			t.Fatalf("round trip: got %v %v, want %v %v", shape3, data3, shape, data)
		}
		// Write's output is canonical: writing it again changes nothing.
		var again bytes.Buffer
		if err := Write(&again, shape3, data3); err != nil || !bytes.Equal(again.Bytes(), written) {
			t.Fatalf("rewrite: got %q (%v), want %q", again.Bytes(), err, written)
		}
	})
}
