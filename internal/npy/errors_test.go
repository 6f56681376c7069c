package npy

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// readErrorCases are inputs Read must reject, with a substring of the error.
var readErrorCases = []struct {
	name string
	file []byte
	want string
}{
	{"empty", nil, "npy: header truncated: want 10 bytes, got 0"},
	{"short magic", []byte("\x93NUM"), "header truncated: want 10 bytes, got 4"},
	{"bad magic", []byte("\x93NUMPX\x01\x00\x00\x00"), `bad magic "\x93NUMPX"`},
	{"text file", []byte("hello, world, this is not npy"), "bad magic"},
	{"version 4.0", rawFile(4, dict("'<f8'", "False", "()"), make([]byte, 8)), "unsupported format version 4.0"},
	{"version 1.1", []byte("\x93NUMPY\x01\x01\x00\x00"), "unsupported format version 1.1"},
	{"version 0.0", []byte("\x93NUMPY\x00\x00\x00\x00"), "unsupported format version 0.0"},
	{"short v2 length", []byte("\x93NUMPY\x02\x00\x10\x00\x00"), "header truncated: want 2 bytes, got 1"},
	{"huge header length", []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{"), "header length 4294967295 exceeds 1048576 bytes"},
	{"header truncated", append([]byte("\x93NUMPY\x01\x00\x64\x00"), "{'descr': '<f8'"...), "header truncated: want 100 bytes, got 15"},
	{"not a dict", rawFile(1, "['descr', '<f8']", nil), "malformed header"},
	{"empty header", rawFile(1, "", nil), "malformed header"},
	{"empty dict", rawFile(1, "{}", nil), "malformed header: missing key 'descr'"},
	{"missing shape", rawFile(1, "{'descr': '<f8', 'fortran_order': False}", nil), "malformed header: missing key 'shape'"},
	{"missing fortran_order", rawFile(1, "{'descr': '<f8', 'shape': ()}", nil), "malformed header: missing key 'fortran_order'"},
	{"extra key", rawFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}", nil), `malformed header: unexpected key "x"`},
	{"duplicate key", rawFile(1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}", nil), `malformed header: duplicate key "descr"`},
	{"unquoted key", rawFile(1, "{descr: '<f8'}", nil), "malformed header: at offset 1: expected a string key"},
	{"missing colon", rawFile(1, "{'descr' '<f8'}", nil), "malformed header"},
	{"missing comma", rawFile(1, "{'descr': '<f8' 'shape': ()}", nil), "malformed header"},
	{"unterminated dict", rawFile(1, "{'descr': '<f8', ", nil), "malformed header: at offset 17: expected a string key"},
	{"unterminated tuple", rawFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2", nil), "at offset 55: expected ',' or ')'"},
	{"unterminated string", rawFile(1, "{'descr: '<f8'}", nil), "malformed header"},
	{"escape in string", rawFile(1, `{'descr': '<f\8', 'fortran_order': False, 'shape': ()}`, nil), "malformed header"},
	{"trailing text", rawFile(1, dict("'<f8'", "False", "()")+"x", make([]byte, 8)), "malformed header: at offset 56: unexpected text after the dict"},
	{"NUL after dict", rawFile(1, dict("'<f8'", "False", "()")+"\x00", make([]byte, 8)), "at offset 56: unexpected text after the dict"},
	{"NUL in dict", rawFile(1, "{'descr': \x00}", nil), `at offset 10: unexpected character '\x00'`},
	{"unknown name", rawFile(1, dict("'<f8'", "Maybe", "()"), nil), `malformed header: at offset 34: unexpected character 'M'`},
	{"bad name", rawFile(1, dict("'<f8'", "Falsey", "()"), nil), `unknown name "Falsey"`},
	{"fortran_order int", rawFile(1, dict("'<f8'", "0", "()"), nil), "malformed header: fortran_order is 0, not a bool"},
	{"fortran_order None", rawFile(1, dict("'<f8'", "None", "()"), nil), "fortran_order is None, not a bool"},
	{"shape int", rawFile(1, dict("'<f8'", "False", "5"), nil), "malformed header: shape is 5, not a tuple"},
	{"shape in parens", rawFile(1, dict("'<f8'", "False", "(5)"), nil), "malformed header: shape is (5), not a tuple"},
	{"shape list", rawFile(1, dict("'<f8'", "False", "[2, 3]"), nil), "shape is [2, 3], not a tuple"},
	{"shape float", rawFile(1, dict("'<f8'", "False", "(2.5,)"), nil), "malformed header"},
	{"shape string", rawFile(1, dict("'<f8'", "False", "('2',)"), nil), "malformed header: shape ('2',) has a non-integer dimension"},
	{"shape leading zero", rawFile(1, dict("'<f8'", "False", "(07,)"), nil), "leading zeros"},
	{"shape empty element", rawFile(1, dict("'<f8'", "False", "(1,,)"), nil), "malformed header"},
	{"nested too deeply", rawFile(1, "{'descr': "+strings.Repeat("(", 1000)+"}", nil), "nested too deeply"},
	{"unsupported dtype c16", rawFile(1, dict("'<c16'", "False", "()"), make([]byte, 16)), "npy: unsupported dtype '<c16'"},
	{"unsupported dtype u1", rawFile(1, dict("'|u1'", "False", "()"), make([]byte, 1)), "unsupported dtype '|u1'"},
	{"unsupported dtype |f8", rawFile(1, dict("'|f8'", "False", "()"), make([]byte, 8)), "unsupported dtype '|f8'"},
	{"unsupported dtype object", rawFile(1, dict("'|O'", "False", "()"), make([]byte, 8)), "unsupported dtype '|O'"},
	{"structured dtype", rawFile(1, dict("[('a', '<f8'), ('b', '<i4')]", "False", "(2,)"), make([]byte, 24)), "unsupported dtype [('a', '<f8'), ('b', '<i4')]"},
	{"dtype not a string", rawFile(1, dict("8", "False", "()"), nil), "unsupported dtype 8"},
	{"negative dimension", rawFile(1, dict("'<f8'", "False", "(2, -1)"), nil), "invalid shape [2 -1]: negative dimension -1"},
	{"huge dimension", rawFile(1, dict("'<f8'", "False", "(99999999999999999999,)"), nil), "invalid shape (99999999999999999999,): size overflows"},
	{"overflowing product", rawFile(1, dict("'<i4'", "False", "(4294967296, 4294967296)"), nil), "size overflows"},
	{"overflow beside zero", rawFile(1, dict("'<i4'", "False", "(0, 4294967296, 4294967296)"), nil), "size overflows"},
	{"truncated data", rawFile(1, dict("'<f8'", "False", "(3,)"), make([]byte, 16)), "npy: data truncated: want 24 bytes, got 16"},
	{"no data", rawFile(1, dict("'<i4'", "False", "()"), nil), "npy: data truncated: want 4 bytes, got 0"},
	{"truncated bools", rawFile(1, dict("'|b1'", "False", "(3, 1)"), []byte{1}), "npy: data truncated: want 3 bytes, got 1"},
	{"truncated huge", rawFile(1, dict("'<f8'", "False", "(134217728,)"), make([]byte, 3<<20)), "npy: data truncated: want 1073741824 bytes, got 3145728"},
	{"bool byte 2", rawFile(1, dict("'|b1'", "False", "(3,)"), []byte{1, 2, 0}), "npy: invalid bool byte 0x02 at element 1"},
	{"bool byte ff", rawFile(1, dict("'|b1'", "True", "(2, 2)"), []byte{0, 0, 1, 0xff}), "invalid bool byte 0xff at element 3"},
	{"v3 invalid UTF-8", rawFile(3, "{'descr': '<f8\xff', 'fortran_order': False, 'shape': ()}", nil), "malformed header: not valid UTF-8"},
}

func init() {
	if strconv.IntSize == 64 { // on 32-bit machines the shape overflows int
		readErrorCases = append(readErrorCases, struct {
			name string
			file []byte
			want string
		}{"over MaxDataBytes", rawFile(1, dict("'<f8'", "False", "(137438953473,)"), nil), "array of 1099511627784 bytes exceeds the limit of 1099511627776 bytes"})
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range readErrorCases {
		t.Run(c.name, func(t *testing.T) {
			readers := map[string]io.Reader{
				"sized":     bytes.NewReader(c.file),
				"unsized":   plainReader{bytes.NewReader(c.file)},
				"one byte":  iotest.OneByteReader(bytes.NewReader(c.file)),
				"data err":  iotest.DataErrReader(bytes.NewReader(c.file)),
				"half read": iotest.HalfReader(bytes.NewReader(c.file)),
			}
			for name, r := range readers {
				shape, data, err := Read(r)
				if err == nil {
					t.Fatalf("%s: got %v %v, want an error containing %q", name, shape, data, c.want)
				}
				if !strings.Contains(err.Error(), c.want) {
					t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
				}
				var fe *FormatError
				if !errors.As(err, &fe) {
					t.Errorf("%s: got %T, want *FormatError", name, err)
				}
				if shape != nil || data != nil {
					t.Errorf("%s: got %v %v with the error, want nil", name, shape, data)
				}
			}
		})
	}
}

// TestReadHeaderErrors checks that ReadHeader rejects what Read rejects for
// the header's sake.
func TestReadHeaderErrors(t *testing.T) {
	for _, c := range readErrorCases {
		if strings.Contains(c.want, "data truncated") || strings.Contains(c.want, "bool byte") || strings.Contains(c.want, "exceeds the limit") {
			continue
		}
		if _, err := ReadHeader(bytes.NewReader(c.file)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestReadLimit(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, []int{10, 10}, make([]float64, 100)); err != nil {
		t.Fatal(err)
	}
	file := buf.Bytes()
	if _, _, err := ReadLimit(bytes.NewReader(file), 800); err != nil {
		t.Errorf("limit 800: got %v, want nil", err)
	}
	_, _, err := ReadLimit(bytes.NewReader(file), 799)
	if want := "npy: array of 800 bytes exceeds the limit of 799 bytes"; err == nil || err.Error() != want {
		t.Errorf("limit 799: got %v, want %v", err, want)
	}
	_, _, err = ReadLimit(bytes.NewReader(file), -1)
	if want := "npy: array of 800 bytes exceeds the limit of 0 bytes"; err == nil || err.Error() != want {
		t.Errorf("limit -1: got %v, want %v", err, want)
	}

	buf.Reset()
	if err := Write(&buf, []int{0, 5}, []bool{}); err != nil {
		t.Fatal(err)
	}
	shape, data, err := ReadLimit(&buf, -1)
	if err != nil || !sameShape(shape, []int{0, 5}) || !sameData(data, []bool{}) {
		t.Errorf("empty array, limit -1: got %v %v %v, want [0 5] [] nil", shape, data, err)
	}
}

func TestReaderError(t *testing.T) {
	boom := errors.New("boom")
	var buf bytes.Buffer
	if err := Write(&buf, []int{4}, []int64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{0, 9, 11, 100, 140} {
		r := io.MultiReader(io.LimitReader(bytes.NewReader(buf.Bytes()), n), iotest.ErrReader(boom))
		_, _, err := Read(r)
		if !errors.Is(err, boom) {
			t.Errorf("error after %d bytes: got %v, want %v", n, err, boom)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	cases := []struct {
		name  string
		shape []int
		data  any
		want  string
	}{
		{"nil data", []int{0}, nil, "npy: unsupported data type <nil>"},
		{"[]int", []int{2}, []int{1, 2}, "unsupported data type []int"},
		{"[]uint8", []int{2}, []uint8{1, 2}, "unsupported data type []uint8"},
		{"array pointer", []int{2}, &[2]float64{}, "unsupported data type *[2]float64"},
		{"length mismatch", []int{2, 3}, make([]float64, 5), "npy: data has 5 elements, shape [2 3] needs 6"},
		{"scalar mismatch", nil, []float32{}, "data has 0 elements, shape [] needs 1"},
		{"zero-size mismatch", []int{0, 3}, []int32{1}, "data has 1 elements, shape [0 3] needs 0"},
		{"negative dimension", []int{-2}, []bool{}, "invalid shape [-2]: negative dimension -2"},
		{"overflow", []int{math.MaxInt / 2, 3}, []int64{}, "size overflows"},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		err := Write(&buf, c.shape, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: got %T, want *FormatError", c.name, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: wrote %v bytes, want %v", c.name, buf.Len(), 0)
		}
	}
}

type failWriter struct {
	n   int // bytes accepted before failing
	err error
}

func (w *failWriter) Write(b []byte) (int, error) {
	if len(b) <= w.n {
		w.n -= len(b)
		return len(b), nil
	}
	n := w.n
	w.n = 0
	return n, w.err
}

func TestWriterError(t *testing.T) {
	boom := errors.New("boom")
	for _, n := range []int{0, 100, 128, 1000} {
		for _, size := range []int{200, 100000} {
			err := Write(&failWriter{n, boom}, []int{size}, make([]float64, size))
			if !errors.Is(err, boom) {
				t.Errorf("fail after %d bytes, %d elements: got %v, want %v", n, size, err, boom)
			}
		}
	}
}
