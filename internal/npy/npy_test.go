package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
)

var allDTypes = []DType{Float64, Float32, Int64, Int32, Bool}

// sample returns n elements of type d, including special values.
func sample(d DType, n int) any {
	switch d {
	case Float64:
		s := make([]float64, n)
		special := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64}
		for i := range s {
			s[i] = float64(i)*1.25 - 3
			if i%5 == 4 {
				s[i] = special[(i/5)%len(special)]
			}
		}
		return s
	case Float32:
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(i)*0.5 - 1
			if i%7 == 6 {
				s[i] = float32(math.NaN())
			}
		}
		return s
	case Int64:
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(i)*1e15 - 7
		}
		if n > 1 {
			s[0], s[1] = math.MinInt64, math.MaxInt64
		}
		return s
	case Int32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(i)*100003 - 5
		}
		if n > 1 {
			s[0], s[1] = math.MinInt32, math.MaxInt32
		}
		return s
	case Bool:
		s := make([]bool, n)
		for i := range s {
			s[i] = i%3 == 1
		}
		return s
	}
	panic("unknown dtype " + string(d))
}

// sameData reports whether a and b are slices of the same type and length
// with bit-identical elements (so NaNs compare equal).
func sameData(a, b any) bool {
	switch a := a.(type) {
	case []float64:
		b, ok := b.([]float64)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				return false
			}
		}
		return true
	case []float32:
		b, ok := b.([]float32)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				return false
			}
		}
		return true
	}
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Kind() != reflect.Slice || va.Type() != vb.Type() {
		return false
	}
	if va.Len() == 0 && vb.Len() == 0 {
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sameShape(a, b []int) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

// rawFile assembles a .npy file from a header dict, unpadded, and data.
func rawFile(major byte, header string, data []byte) []byte {
	b := []byte(magic)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	b = append(b, header...)
	return append(b, data...)
}

func dict(descr, fortran, shape string) string {
	return fmt.Sprintf("{'descr': %s, 'fortran_order': %s, 'shape': %s, }\n", descr, fortran, shape)
}

// plainReader hides the type of the reader it wraps, so Read cannot tell
// how much input is left.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

func TestRoundTrip(t *testing.T) {
	shapes := [][]int{nil, {}, {1}, {7}, {2, 3, 4}, {0}, {2, 0, 3}, {3, 1, 1, 2}, {300, 301}}
	for _, d := range allDTypes {
		for _, shape := range shapes {
			t.Run(fmt.Sprintf("%s%v", d, shape), func(t *testing.T) {
				n, _, err := checkShape(shape, 1)
				if err != nil {
					t.Fatal(err)
				}
				want := sample(d, n)
				var buf bytes.Buffer
				if err := Write(&buf, shape, want); err != nil {
					t.Fatal(err)
				}
				if got := buf.Len() % arrayAlign; got != (n*kindByDType(d).size)%arrayAlign {
					t.Errorf("file length mod 64: got %v, want %v", got, (n*kindByDType(d).size)%arrayAlign)
				}
				file := buf.Bytes()
				for _, r := range []io.Reader{bytes.NewReader(file), plainReader{bytes.NewReader(file)}} {
					gotShape, got, err := Read(r)
					if err != nil {
						t.Fatal(err)
					}
					if !sameShape(gotShape, shape) {
						t.Errorf("shape: got %v, want %v", gotShape, shape)
					}
					if !sameData(got, want) {
						t.Errorf("data: got %v, want %v", got, want)
					}
					if gotShape == nil || got == nil || reflect.ValueOf(got).IsNil() {
						t.Errorf("got nil shape or data: %#v %#v", gotShape, got)
					}
				}
			})
		}
	}
}

func kindByDType(d DType) *kind {
	k, _ := lookupDescr(string(d))
	return k
}

// TestNumPyBytes compares Write's output with files written by NumPy 1.24's
// np.save.
func TestNumPyBytes(t *testing.T) {
	pad := func(prefix, dict string, total int) string {
		return prefix + dict + strings.Repeat(" ", total-len(prefix)-len(dict)-1) + "\n"
	}
	ones32 := make([]int, 32)
	for i := range ones32 {
		ones32[i] = 1
	}
	cases := []struct {
		name  string
		shape []int
		data  any
		want  string
	}{
		{"f8 2x3", []int{2, 3}, []float64{0, 1, 2, 3, 4, 5},
			"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }                                                          \n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0?\x00\x00\x00\x00\x00\x00\x00@\x00\x00\x00\x00\x00\x00\x08@\x00\x00\x00\x00\x00\x00\x10@\x00\x00\x00\x00\x00\x00\x14@"},
		{"f8 scalar", []int{}, []float64{1.5},
			"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (), }                                                              \n\x00\x00\x00\x00\x00\x00\xf8?"},
		{"f4 5", []int{5}, []float32{0, 1, 2, 3, 4},
			"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }                                                            \n\x00\x00\x00\x00\x00\x00\x80?\x00\x00\x00@\x00\x00@@\x00\x00\x80@"},
		{"i8 0", []int{0}, []int64{},
			"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (0,), }                                                            \n"},
		{"i4 2x0x3", []int{2, 0, 3}, []int32(nil),
			"\x93NUMPY\x01\x00v\x00{'descr': '<i4', 'fortran_order': False, 'shape': (2, 0, 3), }                                                       \n"},
		{"b1 4", []int{4}, []bool{true, false, false, true},
			"\x93NUMPY\x01\x00v\x00{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }                                                            \n\x01\x00\x00\x01"},
		{"i8 1234567x0", []int{1234567, 0}, []int64{},
			"\x93NUMPY\x01\x00v\x00{'descr': '<i8', 'fortran_order': False, 'shape': (1234567, 0), }                                                    \n"},
		{"i4 32 ones", ones32, []int32{0},
			pad("\x93NUMPY\x01\x00\xb6\x00", "{'descr': '<i4', 'fortran_order': False, 'shape': ("+strings.Repeat("1, ", 31)+"1), }", 192) + "\x00\x00\x00\x00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, c.shape, c.data); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			shape, data, err := Read(strings.NewReader(c.want))
			if err != nil {
				t.Fatal(err)
			}
			if !sameShape(shape, c.shape) || !sameData(data, c.data) {
				t.Errorf("got %v %v, want %v %v", shape, data, c.shape, c.data)
			}
		})
	}
}

// TestPadding checks NumPy's rule: magic, version, length field and header
// together take a multiple of 64 bytes, the header ends in '\n', and a
// header that would end exactly on a boundary gets a full 64 bytes more.
func TestPadding(t *testing.T) {
	for ndim := 0; ndim <= 40; ndim++ {
		for _, dim := range []int{1, 12345, 123456789} {
			shape := make([]int, ndim)
			for i := range shape {
				shape[i] = i % 2
			}
			if ndim > 0 {
				shape[0] = dim
			}
			hdr, err := formatHeader(Float32, shape)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(hdr) % arrayAlign; got != 0 {
				t.Errorf("shape %v: header length mod 64: got %v, want %v", shape, got, 0)
			}
			if got := hdr[len(hdr)-1]; got != '\n' {
				t.Errorf("shape %v: last header byte: got %q, want %q", shape, got, '\n')
			}
			hlen := int(binary.LittleEndian.Uint16(hdr[8:10]))
			if got := hlen + 10; got != len(hdr) {
				t.Errorf("shape %v: length field + 10: got %v, want %v", shape, got, len(hdr))
			}
			dictEnd := strings.LastIndexByte(string(hdr), '}') + 1
			growth := 0
			if ndim > 0 {
				growth = growthSpace - len(fmt.Sprint(shape[0]))
			}
			spaces := len(hdr) - dictEnd - 1
			if spaces < growth+1 || spaces > growth+64 {
				t.Errorf("shape %v: %d spaces after the dict, want %d to %d", shape, spaces, growth+1, growth+64)
			}
			h, err := ReadHeader(bytes.NewReader(hdr))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := h.DataOffset, int64(len(hdr)); got != want {
				t.Errorf("DataOffset: got %v, want %v", got, want)
			}
		}
	}
}

func TestWriteVersion2(t *testing.T) {
	shape := make([]int, 22000) // ~66000 header bytes: too many for version 1.0
	for i := range shape {
		shape[i] = 1
	}
	var buf bytes.Buffer
	if err := Write(&buf, shape, []float64{42}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if got := string(b[6:8]); got != "\x02\x00" {
		t.Fatalf("version: got %q, want %q", got, "\x02\x00")
	}
	hlen := int(binary.LittleEndian.Uint32(b[8:12]))
	if got, want := 12+hlen, len(b)-8; got != want {
		t.Errorf("data offset: got %v, want %v", got, want)
	}
	if got := (12 + hlen) % arrayAlign; got != 0 {
		t.Errorf("data offset mod 64: got %v, want %v", got, 0)
	}
	gotShape, data, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !sameShape(gotShape, shape) || !sameData(data, []float64{42}) {
		t.Errorf("got %d dims %v, want %d dims [42]", len(gotShape), data, len(shape))
	}

	huge := make([]int, MaxHeaderLen/3)
	if err := Write(io.Discard, huge, []float64{0}); err == nil {
		t.Errorf("header over MaxHeaderLen: got %v, want an error", err)
	}
}

func TestReadVersions(t *testing.T) {
	data := []byte{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}
	want := []int32{1, 2, 3}
	for _, header := range []string{
		dict("'<i4'", "False", "(3,)"),
		`{"shape": (3L,), "fortran_order": False, "descr": "<i4"}`,
		"  {'descr':'<i4','fortran_order':False,'shape':(3,)}  \t\r\n",
		"{'descr': '=i4', 'fortran_order': False, 'shape': (+3,), }",
	} {
		for major := byte(1); major <= 3; major++ {
			file := rawFile(major, header, data)
			h, err := ReadHeader(bytes.NewReader(file))
			if err != nil {
				t.Fatalf("v%d %q: %v", major, header, err)
			}
			wantOffset := int64(len(file) - len(data))
			if h.DType != Int32 || !sameShape(h.Shape, []int{3}) || h.FortranOrder || h.DataOffset != wantOffset {
				t.Errorf("v%d %q: got %+v, want {<i4 [3] false %d}", major, header, h, wantOffset)
			}
			shape, got, err := Read(bytes.NewReader(file))
			if err != nil {
				t.Fatalf("v%d %q: %v", major, header, err)
			}
			if !sameShape(shape, []int{3}) || !sameData(got, want) {
				t.Errorf("v%d %q: got %v %v, want [3] %v", major, header, shape, got, want)
			}
		}
	}
}

func TestReadHeaderPosition(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, []int{2, 2}, []int64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(buf.Bytes())
	h, err := ReadHeader(r)
	if err != nil {
		t.Fatal(err)
	}
	want := Header{DType: Int64, Shape: []int{2, 2}, DataOffset: 128}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("got %+v, want %+v", h, want)
	}
	if got := r.Len(); got != 32 {
		t.Errorf("bytes left after the header: got %v, want %v", got, 32)
	}
}

func TestBigEndian(t *testing.T) {
	be := func(size int, vals ...uint64) []byte {
		var b []byte
		for _, v := range vals {
			switch size {
			case 8:
				b = binary.BigEndian.AppendUint64(b, v)
			case 4:
				b = binary.BigEndian.AppendUint32(b, uint32(v))
			case 1:
				b = append(b, byte(v))
			}
		}
		return b
	}
	cases := []struct {
		descr string
		data  []byte
		want  any
	}{
		{"'>f8'", be(8, math.Float64bits(1.5), math.Float64bits(-2)), []float64{1.5, -2}},
		{"'>f4'", be(4, uint64(math.Float32bits(0.25)), uint64(math.Float32bits(-8))), []float32{0.25, -8}},
		{"'>i8'", be(8, 1, uint64(1<<63)), []int64{1, math.MinInt64}},
		{"'>i4'", be(4, 258, 0xFFFFFFFF), []int32{258, -1}},
		{"'>b1'", be(1, 1, 0), []bool{true, false}},
		{"'<b1'", be(1, 0, 1), []bool{false, true}},
		{"'=f8'", binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.Float64bits(3)), math.Float64bits(4)), []float64{3, 4}},
	}
	for _, c := range cases {
		file := rawFile(1, dict(c.descr, "False", "(2,)"), c.data)
		for _, r := range []io.Reader{bytes.NewReader(file), plainReader{bytes.NewReader(file)}} {
			shape, got, err := Read(r)
			if err != nil {
				t.Fatalf("%s: %v", c.descr, err)
			}
			if !sameShape(shape, []int{2}) || !sameData(got, c.want) {
				t.Errorf("%s: got %v %v, want [2] %v", c.descr, shape, got, c.want)
			}
		}
	}
}

func TestFortranOrder(t *testing.T) {
	// A 2x3 array holding 0..5 in C order is 0 3 1 4 2 5 in Fortran order.
	le := binary.LittleEndian
	var data []byte
	for _, v := range []uint64{0, 3, 1, 4, 2, 5} {
		data = le.AppendUint64(data, v)
	}
	shape, got, err := Read(bytes.NewReader(rawFile(1, dict("'<i8'", "True", "(2, 3)"), data)))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{0, 1, 2, 3, 4, 5}; !sameShape(shape, []int{2, 3}) || !sameData(got, want) {
		t.Errorf("got %v %v, want [2 3] %v", shape, got, want)
	}

	// 3-D, big-endian: element (i, j, k) is 100i+10j+k, stored with i
	// varying fastest.
	dims := []int{2, 3, 4}
	var fdata []byte
	var want []float32
	for k := 0; k < dims[2]; k++ {
		for j := 0; j < dims[1]; j++ {
			for i := 0; i < dims[0]; i++ {
				fdata = binary.BigEndian.AppendUint32(fdata, math.Float32bits(float32(100*i+10*j+k)))
			}
		}
	}
	for i := 0; i < dims[0]; i++ {
		for j := 0; j < dims[1]; j++ {
			for k := 0; k < dims[2]; k++ {
				want = append(want, float32(100*i+10*j+k))
			}
		}
	}
	shape, got, err = Read(bytes.NewReader(rawFile(1, dict("'>f4'", "True", "(2, 3, 4)"), fdata)))
	if err != nil {
		t.Fatal(err)
	}
	if !sameShape(shape, dims) || !sameData(got, want) {
		t.Errorf("got %v %v, want %v %v", shape, got, dims, want)
	}

	// 1-D, scalar and empty Fortran arrays are the same as C order.
	for _, shp := range []string{"(2,)", "()", "(0, 3)"} {
		n := map[string]int{"(2,)": 2, "()": 1, "(0, 3)": 0}[shp]
		_, got, err := Read(bytes.NewReader(rawFile(1, dict("'|b1'", "True", shp), bytes.Repeat([]byte{1}, n))))
		if err != nil {
			t.Fatal(err)
		}
		if want := bytes.Repeat([]byte{1}, n); len(got.([]bool)) != len(want) {
			t.Errorf("%s: got %v, want %d trues", shp, got, n)
		}
	}
}

// TestSequential reads several arrays from one stream: Read must consume
// exactly one array each time.
func TestSequential(t *testing.T) {
	var buf bytes.Buffer
	for i, d := range allDTypes {
		if err := Write(&buf, []int{i + 1}, sample(d, i+1)); err != nil {
			t.Fatal(err)
		}
	}
	file := buf.Bytes()
	for _, r := range []io.Reader{bytes.NewReader(file), plainReader{bytes.NewReader(file)}, bytes.NewBuffer(file)} {
		for i, d := range allDTypes {
			shape, got, err := Read(r)
			if err != nil {
				t.Fatal(err)
			}
			if !sameShape(shape, []int{i + 1}) || !sameData(got, sample(d, i+1)) {
				t.Errorf("array %d: got %v %v, want [%d] %v", i, shape, got, i+1, sample(d, i+1))
			}
		}
		if n, _ := r.Read(make([]byte, 1)); n != 0 {
			t.Errorf("bytes left: got %v, want %v", n, 0)
		}
	}
}

// TestLargeUnsized reads an array bigger than firstChunk from a reader of
// unknown length, exercising the growing buffer.
func TestLargeUnsized(t *testing.T) {
	n := 3*firstChunk/8 + 5
	want := sample(Float64, n)
	var buf bytes.Buffer
	if err := Write(&buf, []int{n}, want); err != nil {
		t.Fatal(err)
	}
	shape, got, err := Read(plainReader{&buf})
	if err != nil {
		t.Fatal(err)
	}
	if !sameShape(shape, []int{n}) || !sameData(got, want) {
		t.Errorf("got shape %v, want [%d] and the same data", shape, n)
	}
}

// TestForeignHost pretends the machine is big-endian, so that Write converts
// through its chunked buffer and Read swaps little-endian data. The bytes
// written must then be the little-endian file with every element reversed.
func TestForeignHost(t *testing.T) {
	defer func(saved bool) { hostBigEndian = saved }(hostBigEndian)
	for _, d := range allDTypes {
		for _, n := range []int{0, 3, swapChunk/4 + 3} {
			want := sample(d, n)
			var native bytes.Buffer
			if err := Write(&native, []int{n}, want); err != nil {
				t.Fatal(err)
			}
			hostBigEndian = !hostBigEndian
			var foreign bytes.Buffer
			err := Write(&foreign, []int{n}, want)
			hostBigEndian = !hostBigEndian
			if err != nil {
				t.Fatal(err)
			}
			size := kindByDType(d).size
			swapped := bytes.Clone(native.Bytes())
			swapBytes(swapped[128:], size)
			if !bytes.Equal(foreign.Bytes(), swapped) {
				t.Errorf("%s %d: foreign bytes differ from the swapped native bytes", d, n)
			}
			hostBigEndian = !hostBigEndian
			_, got, err := Read(bytes.NewReader(foreign.Bytes()))
			hostBigEndian = !hostBigEndian
			if err != nil || !sameData(got, want) {
				t.Errorf("%s %d: got %v, want the data back", d, n, err)
			}
		}
	}
}
