package io

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// TestCSVParseFloat compares csvParseFloat, fast path included, with
// strconv.ParseFloat on random decimal texts.
func TestCSVParseFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	for i := 0; i < 200_000; i++ {
		s := digits(rng.IntN(12))
		if rng.IntN(2) == 0 {
			s += "." + digits(rng.IntN(12))
		}
		if rng.IntN(3) == 0 {
			s = "-" + s
		}
		if rng.IntN(10) == 0 {
			s += "e" + strconv.Itoa(rng.IntN(700)-350)
		}
		want, err := strconv.ParseFloat(s, 64)
		got, ok := csvParseFloat([]byte(s))
		if ok != (err == nil) || (ok && math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("%q: got %v, %v; want %v, %v", s, got, ok, want, err)
		}
	}
	for _, tc := range []struct {
		s  string
		ok bool
	}{
		{"1", true}, {"-0", true}, {"+1.5", true}, {".5", true}, {"5.", true}, {"1e5", true}, {"1E-5", true},
		{"NaN", true}, {"inf", true}, {"-Infinity", true}, {"+INF", true},
		{"", false}, {".", false}, {"-", false}, {"e5", false}, {"1e", false}, {"1.2.3", false}, {" 1", false},
		{"0x1p3", false}, {"1_000", false}, {"1e400", false}, {"infinit", false}, {"nana", false},
	} {
		if _, ok := csvParseFloat([]byte(tc.s)); ok != tc.ok {
			t.Errorf("%q: got ok %v, want %v", tc.s, ok, tc.ok)
		}
	}
}

func TestCSVParseInt(t *testing.T) {
	for _, s := range []string{
		"0", "-0", "+7", "007", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
		"-9223372036854775809", "18446744073709551615", "18446744073709551616", "99999999999999999999999",
		"", "-", "+", "1a", " 1", "1.0", "--1",
	} {
		want, err := strconv.ParseInt(s, 10, 64)
		got, ok, overflow := csvParseInt([]byte(s))
		wantOverflow := err != nil && err.(*strconv.NumError).Err == strconv.ErrRange
		if ok != (err == nil) || got != want && ok || overflow != wantOverflow {
			t.Errorf("%q: got %d, %v, %v; want %d, %v", s, got, ok, overflow, want, err)
		}
		wantU, errU := strconv.ParseUint(strings.TrimPrefix(s, "+"), 10, 64)
		gotU, okU := csvParseUint([]byte(s))
		if okU != (errU == nil) || okU && gotU != wantU {
			t.Errorf("%q: got %d, %v; want %d, %v", s, gotU, okU, wantU, errU)
		}
	}
}

func TestCSVDates(t *testing.T) {
	for d := int64(-800_000); d < 3_000_000; d += 997 {
		y, m, dd := csvCivilFromDays(d)
		if back := csvDaysFromCivil(y, m, dd); back != d {
			t.Fatalf("%d: got %04d-%02d-%02d, back %d", d, y, m, dd, back)
		}
		if y < 0 || y > 9999 {
			continue
		}
		s, err := csvAppendDate(nil, d)
		if err != nil {
			t.Fatal(err)
		}
		want, err := time.Parse("2006-01-02", string(s))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := csvParseDate(s); !ok || got != want.Unix()/86400 {
			t.Fatalf("%s: got %d, %v, want %d", s, got, ok, want.Unix()/86400)
		}
	}
	for _, s := range []string{"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "2024-1-01", "20240101", "2024/01/01"} {
		if _, ok := csvParseDate([]byte(s)); ok {
			t.Errorf("%q: got ok", s)
		}
	}
	if _, ok := csvParseDate([]byte("2024-02-29")); !ok {
		t.Errorf("2024-02-29: got not ok")
	}
}

func TestCSVTimestamps(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	layouts := []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04"}
	for i := 0; i < 20_000; i++ {
		tm := time.Unix(rng.Int64N(400*365*86400)-200*365*86400, rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(48)-24)*1800))
		layout := layouts[i%len(layouts)]
		s := tm.Format(layout)
		want, err := time.Parse(layout, s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := csvParseTimestamp([]byte(s))
		if !ok || got.sec != want.Unix() || got.nsec != int64(want.Nanosecond()) {
			t.Fatalf("%s: got %+v, %v, want %d.%09d", s, got, ok, want.Unix(), want.Nanosecond())
		}
		// And back through the writer's form.
		us := want.UnixMicro()
		b, err := csvAppendTimestamp(nil, us, arrow.Microsecond, true)
		if err != nil {
			t.Fatal(err)
		}
		back, ok := csvParseTimestamp(b)
		if v, ok2 := csvTimestampIn(back, arrow.Microsecond); !ok || !ok2 || v != us {
			t.Fatalf("%d: wrote %s, read %d", us, b, v)
		}
	}
	for _, s := range []string{"2024-01-01T24:00:00", "2024-01-01T10:60", "2024-01-01T10:00:00.", "2024-01-01T10:00:00.1234567890", "2024-01-01T10:00:00+5", "2024-01-01T10:00:00Zz", "2024-01-01X10:00"} {
		if _, ok := csvParseTimestamp([]byte(s)); ok {
			t.Errorf("%q: got ok", s)
		}
	}
}
