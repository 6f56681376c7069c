package hashtable

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

func hashRows(t *testing.T, cols ...arrow.Array) []uint64 {
	t.Helper()
	out := make([]uint64, cols[0].Len())
	if err := HashRows(cols, out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHashRowsEqualKeys hashes the same keys laid out differently: whole,
// in chunks, as slices, dictionary-encoded, as large strings.
func TestHashRowsEqualKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := rand.New(rand.NewSource(5))
	n := 3000
	ints := genColumn(mem, r, colCfg{dt: arrow.PrimitiveTypes.Int64, domain: 500, nullP: 0.1}, n, 0)
	defer ints.Release()
	strs := make([]string, n)
	valid := make([]bool, n)
	for i := range strs {
		strs[i], valid[i] = strOf(colCfg{}, r.Intn(300)), r.Intn(10) != 0
	}
	sb := array.NewStringBuilder(mem)
	sb.AppendValues(strs, valid)
	plain := sb.NewArray()
	sb.Release()
	defer plain.Release()
	lb := array.NewLargeStringBuilder(mem)
	lb.AppendValues(strs, valid)
	large := lb.NewArray()
	lb.Release()
	defer large.Release()
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Uint16, ValueType: arrow.BinaryTypes.String}
	db := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
	for i, s := range strs {
		if valid[i] {
			db.AppendString(s)
		} else {
			db.AppendNull()
		}
	}
	dict := db.NewArray()
	db.Release()
	defer dict.Release()

	want := hashRows(t, ints, plain)
	for _, other := range []arrow.Array{large, dict} {
		if got := hashRows(t, ints, other); !slices.Equal(got, want) {
			t.Errorf("%v: got different hashes", other.DataType())
		}
	}
	// chunks and slices
	for s := 0; s < n; s += 777 {
		e := min(n, s+777)
		a, b := array.NewSlice(ints, int64(s), int64(e)), array.NewSlice(dict, int64(s), int64(e))
		if got := hashRows(t, a, b); !slices.Equal(got, want[s:e]) {
			t.Errorf("rows %d..%d: got different hashes", s, e)
		}
		a.Release()
		b.Release()
	}
	// equal keys hash equally, nulls included
	for i := range n {
		for j := i + 1; j < min(n, i+50); j++ {
			same := encodeRow(ints, i) == encodeRow(ints, j) && encodeRow(plain, i) == encodeRow(plain, j)
			if same && want[i] != want[j] {
				t.Fatalf("rows %d and %d: got %x and %x, want equal", i, j, want[i], want[j])
			}
		}
	}
}

func TestHashRowsValues(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	fb := array.NewFloat64Builder(mem)
	fb.AppendValues([]float64{0, math.Copysign(0, -1), math.NaN(), math.Float64frombits(0x7ff8000000000123), 1}, nil)
	f := fb.NewArray()
	fb.Release()
	defer f.Release()
	h := hashRows(t, f)
	if h[0] != h[1] || h[2] != h[3] || h[0] == h[4] || h[0] == h[2] {
		t.Errorf("got %x, want 0 = -0, NaN = NaN and the rest distinct", h)
	}
	// an int8 -5 hashes like an int64 -5
	i8 := genColumn(mem, rand.New(rand.NewSource(1)), colCfg{dt: arrow.PrimitiveTypes.Int8, domain: 100, base: -50}, 200, 0)
	defer i8.Release()
	i64 := genColumn(mem, rand.New(rand.NewSource(1)), colCfg{dt: arrow.PrimitiveTypes.Int64, domain: 100, base: -50}, 200, 0)
	defer i64.Release()
	if got, want := hashRows(t, i8), hashRows(t, i64); !slices.Equal(got, want) {
		t.Errorf("got %x, want %x", got[:4], want[:4])
	}
	// and a uint16 7 like an int64 7
	u16 := genColumn(mem, rand.New(rand.NewSource(1)), colCfg{dt: arrow.PrimitiveTypes.Uint16, domain: 100}, 200, 0)
	defer u16.Release()
	i64b := genColumn(mem, rand.New(rand.NewSource(1)), colCfg{dt: arrow.PrimitiveTypes.Int64, domain: 100}, 200, 0)
	defer i64b.Release()
	if got, want := hashRows(t, u16), hashRows(t, i64b); !slices.Equal(got, want) {
		t.Errorf("got %x, want %x", got[:4], want[:4])
	}
}

// TestHashRowsDistribution checks that sequential integers and similar
// strings spread evenly over partitions taken from the top bits or by
// multiply-shift, and that one flipped input bit flips about half the
// output bits.
func TestHashRowsDistribution(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	n := 1 << 16
	ib := array.NewInt64Builder(mem)
	sb := array.NewStringBuilder(mem)
	for i := range n {
		ib.Append(int64(i) << 20)
		sb.Append(fmt.Sprint("id", i))
	}
	ints, strs := ib.NewArray(), sb.NewArray()
	ib.Release()
	sb.Release()
	defer ints.Release()
	defer strs.Release()
	for _, a := range []arrow.Array{ints, strs} {
		h := hashRows(t, a)
		for _, parts := range []uint64{256, 7} {
			counts := make([]float64, parts)
			for _, x := range h {
				if parts == 256 {
					counts[x>>56]++
				} else {
					hi, _ := bits.Mul64(x, parts)
					counts[hi]++
				}
			}
			// chi-square with parts-1 degrees of freedom, far tail
			exp, chi := float64(n)/float64(parts), 0.0
			for _, c := range counts {
				chi += (c - exp) * (c - exp) / exp
			}
			if limit := float64(parts) + 6*math.Sqrt(2*float64(parts)); chi > limit {
				t.Errorf("%v, %d parts: got chi-square %.1f, want below %.1f", a.DataType(), parts, chi, limit)
			}
		}
	}
	total := 0
	for i := range 64 {
		total += bits.OnesCount64(hashBytes([]byte("abcdefgh")) ^ hashBytes([]byte{'a' ^ byte(1<<(i%8)), 'b', 'c', 'd', 'e', 'f', 'g', 'h'}))
	}
	if avg := float64(total) / 64; avg < 28 || avg > 36 {
		t.Errorf("got %.1f bits flipped on average, want about 32", avg)
	}
}

func TestHashBytesLengths(t *testing.T) {
	// every length class, and prefixes of one another, hash apart
	seen := map[uint64]int{}
	buf := make([]byte, 100)
	for n := range buf {
		buf[n] = byte(n * 7)
	}
	for n := 0; n <= len(buf); n++ {
		h := hashBytes(buf[:n])
		if m, ok := seen[h]; ok {
			t.Errorf("lengths %d and %d: got equal hashes", m, n)
		}
		seen[h] = n
	}
	if got, want := hashBytes([]byte{0}), hashBytes([]byte{0, 0}); got == want {
		t.Errorf("got %x for both, want different", got)
	}
}

func TestHashRowsErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a := genColumn(mem, rand.New(rand.NewSource(1)), colCfg{dt: arrow.PrimitiveTypes.Int32, domain: 9}, 10, 0)
	defer a.Release()
	s := array.NewSlice(a, 0, 4)
	defer s.Release()
	fb := array.NewFloat16Builder(mem)
	fb.AppendNull()
	f := fb.NewArray()
	fb.Release()
	defer f.Release()
	out := make([]uint64, 10)
	for name, tc := range map[string]struct {
		cols []arrow.Array
		out  []uint64
	}{
		"none": {nil, out}, "lengths": {[]arrow.Array{a, s}, out}, "short": {[]arrow.Array{a}, out[:9]},
		"float16": {[]arrow.Array{f}, out}, "nil": {[]arrow.Array{a, nil}, out},
	} {
		if err := HashRows(tc.cols, tc.out); err == nil {
			t.Errorf("%s: got %v, want an error", name, err)
		}
	}
}
