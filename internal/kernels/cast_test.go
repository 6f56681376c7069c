package kernels

import (
	"errors"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

var castTypes = append(append(append(append([]arrow.DataType{}, numericTypes...), stringTypes...), otherTypes...), tsTypes...)

// textFor returns text for a string → to cast: usually a formatted value of
// to (perhaps padded), sometimes junk or a known hard case.
func (g *gen) textFor(to arrow.DataType) string {
	switch g.intn(10) {
	case 0:
		return g.str(4)
	case 1:
		return pick(g, "", " 12 ", "+5", "-0", "1e5", "0x10", "1_000", "NaN", "-Inf", "inf", "t", "FALSE", "yes",
			"2024-02-29", "2023-02-29", "2024-02-29T12:00:00+05:30", "2024-02-29 12:00:00.123456789Z",
			"1999-12-31T23:59:60", "2024-1-5", "2024-02-29T25:00:00", "1677-09-21T00:12:43Z", "2262-04-12", "9999-12-31T23:59:59.999999999-12:00",
			"99999999999999999999", "-129", "256", "3.4e39", "1e-50", "  true", "0001-01-01")
	}
	src := pick(g, castTypes...)
	if kindOf(to) != kString && kindOf(to) != kBinary {
		src = to
	}
	v := g.value(src)
	s, ok := refText(src, arrow.BinaryTypes.String, v)
	if !ok {
		return "junk"
	}
	if g.chance(10) {
		return " " + s.(string) + "\t"
	}
	return s.(string)
}

func checkCast(t testing.TB, mem memory.Allocator, g *gen) {
	from := pick(g, castTypes...)
	to := pick(g, castTypes...)
	if g.chance(20) {
		from = pick(g, stringTypes...)
	}
	n := g.batchLen()
	var a arrow.Array
	if kindOf(from) == kString && g.chance(80) {
		rows := make([]any, n)
		for i := range rows {
			if !g.chance(10) {
				rows[i] = g.textFor(to)
			}
		}
		a = buildArray(mem, from, rows)
	} else {
		a = g.array(mem, from, n, pick(g, 0, 10, 50))
	}
	defer a.Release()
	rows := rowsOf(a)
	label := fmt.Sprintf("cast %d rows of %s to %s", n, from, to)
	got, err := Cast(mem, a, to)
	if !castOK(from, to) {
		if !errors.Is(err, ErrType) {
			t.Fatalf("%s: got %v, want an error wrapping ErrType", label, err)
		}
		return
	}
	want := make([]any, n)
	badRow := -1
	for i, v := range rows {
		if v == nil {
			continue
		}
		out, ok := refCast(from, to, v)
		if !ok {
			badRow = i
			break
		}
		want[i] = out
	}
	if badRow >= 0 {
		var ce *CastError
		if !errors.As(err, &ce) || ce.Row != badRow {
			t.Fatalf("%s: got %v, want a CastError at row %d (value %#v)", label, err, badRow, rows[badRow])
		}
		if got != nil {
			t.Fatalf("%s: got an array with the error", label)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	defer got.Release()
	if !arrow.TypeEqual(got.DataType(), to) {
		t.Fatalf("%s: got type %s", label, got.DataType())
	}
	checkRows(t, label, got, want)
}

func TestCast(t *testing.T) { run(t, 6000, checkCast) }

func TestCastErrorMessage(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	a := buildArray(mem, arrow.BinaryTypes.String, []any{"12", nil, "1x"})
	defer a.Release()
	_, err := Cast(mem, a, arrow.PrimitiveTypes.Int64)
	const want = `kernels: cast utf8 to int64: row 2: value "1x" does not parse`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	f := buildArray(mem, arrow.PrimitiveTypes.Float64, []any{1.5, 300.0})
	defer f.Release()
	_, err = Cast(mem, f, arrow.PrimitiveTypes.Int8)
	var ce *CastError
	if !errors.As(err, &ce) || ce.Row != 1 || ce.Value != "300" {
		t.Fatalf("got %v, want a CastError at row 1 with value 300", err)
	}
}

func TestWiden(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	g := newGen(1)
	for _, from := range numericTypes {
		for _, to := range append(append([]arrow.DataType{}, numericTypes...), arrow.BinaryTypes.String) {
			a := g.array(mem, from, 100, 10)
			got, err := Widen(mem, a, to)
			if !CanWiden(from, to) {
				if !errors.Is(err, ErrType) {
					t.Errorf("widen %s to %s: got %v, want ErrType", from, to, err)
				}
				a.Release()
				continue
			}
			if err != nil {
				t.Errorf("widen %s to %s: %v", from, to, err)
				a.Release()
				continue
			}
			want := make([]any, 100)
			for i, v := range rowsOf(a) {
				if v != nil {
					want[i], _ = refCast(from, to, v)
				}
			}
			checkRows(t, fmt.Sprintf("widen %s to %s", from, to), got, want)
			got.Release()
			a.Release()
		}
	}
	for _, tc := range []struct {
		from, to arrow.DataType
		want     bool
	}{
		{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64, true},
		{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, true},
		{arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Int64, true},
		{arrow.PrimitiveTypes.Uint64, arrow.PrimitiveTypes.Int64, false},
		{arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Int32, false},
		{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Float32, false},
		{arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Float32, false},
	} {
		if got := CanWiden(tc.from, tc.to); got != tc.want {
			t.Errorf("CanWiden(%s, %s): got %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}
