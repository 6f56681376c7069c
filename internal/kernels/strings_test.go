package kernels

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// refSubstring is SQL's SUBSTRING(s FROM start FOR length) over code points:
// the characters at 1-based positions c with start <= c < start+length.
func refSubstring(s string, start, length int64) string {
	var sb strings.Builder
	c := int64(1)
	for p := 0; p < len(s); c++ {
		_, size := utf8.DecodeRuneInString(s[p:])
		if c >= start && uint64(c-start) < uint64(length) { // c-start fits a uint64

			sb.WriteString(s[p : p+size])
		}
		p += size
	}
	return sb.String()
}

func mapStr(v any, f func(string) any) any {
	if s, ok := v.(string); ok {
		return f(s)
	}
	return nil
}

func checkStrings(t testing.TB, mem memory.Allocator, g *gen) {
	dt := pick(g, stringTypes...)
	n := g.batchLen()
	a := g.operand(mem, dt, n, true)
	defer a.release()
	kind := g.intn(9)
	pat := g.str(2)
	start := pick(g, int64(g.intn(14))-3, math.MinInt64, math.MaxInt64, math.MinInt64+1)
	length := pick(g, int64(g.intn(10)), math.MaxInt64, math.MaxInt64-1, 1)
	var b testOperand
	if kind == 8 {
		b = g.operand(mem, dt, n, true)
		defer b.release()
	}
	label := fmt.Sprintf("string kernel %d (%v, %v, %q, %d, %d)", kind, a.Operand, b.Operand, pat, start, length)
	var (
		got arrow.Array
		err error
		ref func(i int) any
	)
	switch kind {
	case 0:
		got, err = Contains(mem, a.Operand, pat, n)
		ref = func(i int) any { return mapStr(a.at(i), func(s string) any { return strings.Contains(s, pat) }) }
	case 1:
		got, err = StartsWith(mem, a.Operand, pat, n)
		ref = func(i int) any { return mapStr(a.at(i), func(s string) any { return strings.HasPrefix(s, pat) }) }
	case 2:
		got, err = EndsWith(mem, a.Operand, pat, n)
		ref = func(i int) any { return mapStr(a.at(i), func(s string) any { return strings.HasSuffix(s, pat) }) }
	case 3:
		got, err = Lower(mem, a.Operand, n)
		ref = func(i int) any { return mapStr(a.at(i), func(s string) any { return strings.ToLower(s) }) }
	case 4:
		got, err = Upper(mem, a.Operand, n)
		ref = func(i int) any { return mapStr(a.at(i), func(s string) any { return strings.ToUpper(s) }) }
	case 5:
		got, err = Length(mem, a.Operand, n)
		ref = func(i int) any {
			return mapStr(a.at(i), func(s string) any { return int64(utf8.RuneCountInString(s)) })
		}
	case 6, 7:
		got, err = Substring(mem, a.Operand, start, length, n)
		ref = func(i int) any { return mapStr(a.at(i), func(s string) any { return refSubstring(s, start, length) }) }
	case 8:
		got, err = Concat(mem, a.Operand, b.Operand, n)
		ref = func(i int) any {
			x, xok := a.at(i).(string)
			y, yok := b.at(i).(string)
			if xok && yok {
				return x + y
			}
			return nil
		}
	}
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	defer got.Release()
	if kind >= 3 && kind != 5 && !arrow.TypeEqual(got.DataType(), dt) {
		t.Fatalf("%s: got type %s, want %s", label, got.DataType(), dt)
	}
	want := make([]any, n)
	for i := range want {
		want[i] = ref(i)
	}
	checkRows(t, label, got, want)
}

func TestStrings(t *testing.T) { run(t, 3000, checkStrings) }

func TestSubstringSQL(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st := arrow.BinaryTypes.String
	for _, tc := range []struct {
		s             string
		start, length int64
		want          string
	}{
		{"hello", 1, 2, "he"},
		{"hello", 0, 2, "h"}, // the window [0, 2) keeps position 1 only
		{"hello", -1, 5, "hel"},
		{"hello", 4, 10, "lo"},
		{"hello", 6, 1, ""},
		{"hello", 2, math.MaxInt64, "ello"},
		{"héllo wörld", 2, 4, "éllo"},
		{"日本語", 3, 1, "語"},
	} {
		got, err := Substring(mem, ScalarOf(tc.s, st), tc.start, tc.length, 1)
		if err != nil {
			t.Fatal(err)
		}
		checkRows(t, fmt.Sprintf("substring(%q, %d, %d)", tc.s, tc.start, tc.length), got, []any{tc.want})
		got.Release()
	}
	if _, err := Substring(mem, ScalarOf("x", st), 1, -1, 1); !errors.Is(err, ErrArgument) {
		t.Errorf("substring with a negative length: got %v, want ErrArgument", err)
	}
	if _, err := Lower(mem, ScalarOf(int64(1), arrow.PrimitiveTypes.Int64), 1); !errors.Is(err, ErrType) {
		t.Errorf("lower(int64): got %v, want ErrType", err)
	}
}
