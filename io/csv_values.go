package io

import (
	"math"
	"strconv"
	"unsafe"

	"github.com/apache/arrow/go/v15/arrow"
)

// The text forms of CSV values. These functions parse a whole field (no
// surrounding spaces) and report whether it has the form; they allocate
// nothing.

// csvPow10 holds the powers of ten that float64 represents exactly.
var csvPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// csvParseInt parses [+-]digits as an int64. overflow reports a well-formed
// integer out of range.
func csvParseInt(b []byte) (v int64, ok, overflow bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	u, ok, overflow := csvParseDigits(b)
	if !ok {
		return 0, false, overflow
	}
	if neg {
		if u > 1<<63 {
			return 0, false, true
		}
		return -int64(u), true, false
	}
	if u > math.MaxInt64 {
		return 0, false, true
	}
	return int64(u), true, false
}

// csvParseUint parses [+]digits as a uint64.
func csvParseUint(b []byte) (uint64, bool) {
	if len(b) > 0 && b[0] == '+' {
		b = b[1:]
	}
	u, ok, _ := csvParseDigits(b)
	return u, ok
}

// csvParseDigits parses one or more decimal digits.
func csvParseDigits(b []byte) (u uint64, ok, overflow bool) {
	if len(b) == 0 {
		return 0, false, false
	}
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false, false
		}
		if u > (math.MaxUint64-uint64(d))/10 {
			overflow = true
			continue
		}
		u = u*10 + uint64(d)
	}
	if overflow {
		return 0, false, true
	}
	return u, true, false
}

// csvParseFloat parses a decimal number ([+-]digits[.digits][e[+-]digits],
// with digits on at least one side of the point), or inf, infinity or nan
// in any case with an optional sign. Hexadecimal forms and underscores are
// not numbers here. A finite number out of range does not parse.
func csvParseFloat(b []byte) (float64, bool) {
	i := 0
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		i++
	}
	mant, nd, frac, exp := uint64(0), 0, 0, false
	for ; i < len(b) && b[i]-'0' <= 9; i++ {
		mant = mant*10 + uint64(b[i]-'0')
		nd++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for ; i < len(b) && b[i]-'0' <= 9; i++ {
			mant = mant*10 + uint64(b[i]-'0')
			nd++
			frac++
		}
	}
	if nd == 0 {
		return csvParseSpecialFloat(b)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '-' || b[i] == '+') {
			i++
		}
		start := i
		for i < len(b) && b[i]-'0' <= 9 {
			i++
		}
		if i == start {
			return 0, false
		}
		exp = true
	}
	if i != len(b) {
		return 0, false
	}
	if !exp && nd <= 19 && mant <= 1<<53 && frac < len(csvPow10) {
		// Both operands are exact, so one IEEE division rounds correctly.
		f := float64(mant) / csvPow10[frac]
		if b[0] == '-' {
			f = -f
		}
		return f, true
	}
	return csvStrconvFloat(b)
}

// csvStrconvFloat calls strconv.ParseFloat on b without copying it: the
// string does not outlive the call (the error, which would hold it, is
// dropped).
func csvStrconvFloat(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
	return f, err == nil
}

func csvParseSpecialFloat(b []byte) (float64, bool) {
	s := b
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	switch len(s) {
	case 3, 8:
	default:
		return 0, false
	}
	var low [8]byte
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	switch string(low[:len(s)]) {
	case "inf", "infinity", "nan":
		return csvStrconvFloat(b)
	}
	return 0, false
}

// csvParseBool parses true or false in any case; with digits, also 1 or 0.
func csvParseBool(b []byte, digits bool) (v, ok bool) {
	switch len(b) {
	case 1:
		if digits && (b[0] == '1' || b[0] == '0') {
			return b[0] == '1', true
		}
	case 4:
		return true, b[0]|0x20 == 't' && b[1]|0x20 == 'r' && b[2]|0x20 == 'u' && b[3]|0x20 == 'e'
	case 5:
		return false, b[0]|0x20 == 'f' && b[1]|0x20 == 'a' && b[2]|0x20 == 'l' && b[3]|0x20 == 's' && b[4]|0x20 == 'e'
	}
	return false, false
}

// csvDigits parses exactly len(b) decimal digits.
func csvDigits(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + int(d)
	}
	return v, true
}

// csvDaysFromCivil returns the days since 1970-01-01 of a proleptic
// Gregorian date (H. Hinnant's algorithm).
func csvDaysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// csvCivilFromDays is the inverse of csvDaysFromCivil.
func csvCivilFromDays(z int64) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

func csvDaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// csvParseDate parses YYYY-MM-DD into days since the epoch.
func csvParseDate(b []byte) (int64, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y, ok1 := csvDigits(b[0:4])
	m, ok2 := csvDigits(b[5:7])
	d, ok3 := csvDigits(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > csvDaysIn(y, m) {
		return 0, false
	}
	return csvDaysFromCivil(y, m, d), true
}

// csvTime is a parsed timestamp: seconds since the epoch in UTC and
// nanoseconds.
type csvTime struct {
	sec     int64
	nsec    int64
	zoned   bool // the text held Z or an offset
	subUsec bool // the fraction had non-zero digits below the microsecond
}

// csvParseTimestamp parses YYYY-MM-DD, optionally followed by 'T' or ' ',
// HH:MM[:SS[.f...]] (1 to 9 fraction digits) and Z or ±HH[[:]MM]. A date
// alone is midnight.
func csvParseTimestamp(b []byte) (csvTime, bool) {
	var t csvTime
	if len(b) < 10 {
		return t, false
	}
	days, ok := csvParseDate(b[:10])
	if !ok {
		return t, false
	}
	t.sec = days * 86400
	if len(b) == 10 {
		return t, true
	}
	if (b[10] != 'T' && b[10] != ' ' && b[10] != 't') || len(b) < 16 || b[13] != ':' {
		return t, false
	}
	hh, ok1 := csvDigits(b[11:13])
	mm, ok2 := csvDigits(b[14:16])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return t, false
	}
	ss := 0
	i := 16
	if i < len(b) && b[i] == ':' {
		if len(b) < 19 {
			return t, false
		}
		if ss, ok = csvDigits(b[17:19]); !ok || ss > 59 {
			return t, false
		}
		i = 19
		if i < len(b) && b[i] == '.' {
			i++
			start := i
			scale := int64(1e8)
			for i < len(b) && b[i]-'0' <= 9 {
				if i-start == 9 {
					return t, false
				}
				t.nsec += int64(b[i]-'0') * scale
				scale /= 10
				i++
			}
			if i == start {
				return t, false
			}
			t.subUsec = t.nsec%1000 != 0
		}
	}
	t.sec += int64(hh*3600 + mm*60 + ss)
	if i == len(b) {
		return t, true
	}
	t.zoned = true
	switch b[i] {
	case 'Z', 'z':
		return t, i+1 == len(b)
	case '+', '-':
		sign := int64(1)
		if b[i] == '-' {
			sign = -1
		}
		z := b[i+1:]
		var oh, om int
		var ok bool
		switch {
		case len(z) == 2:
			oh, ok = csvDigits(z)
		case len(z) == 4:
			oh, ok = csvDigits(z[:2])
			if ok {
				om, ok = csvDigits(z[2:])
			}
		case len(z) == 5 && z[2] == ':':
			oh, ok = csvDigits(z[:2])
			if ok {
				om, ok = csvDigits(z[3:])
			}
		}
		if !ok || oh > 23 || om > 59 {
			return t, false
		}
		t.sec -= sign * int64(oh*3600+om*60)
		return t, true
	}
	return t, false
}

// csvTimestampIn converts t to unit, failing when it does not fit or when
// the unit would drop non-zero digits.
func csvTimestampIn(t csvTime, unit arrow.TimeUnit) (int64, bool) {
	var mul, div int64
	switch unit {
	case arrow.Second:
		mul, div = 1, 1e9
	case arrow.Millisecond:
		mul, div = 1e3, 1e6
	case arrow.Microsecond:
		mul, div = 1e6, 1e3
	default:
		mul, div = 1e9, 1
	}
	if t.nsec%div != 0 {
		return 0, false
	}
	hi, lo := t.sec*mul, t.nsec/div
	if t.sec != 0 && hi/mul != t.sec {
		return 0, false
	}
	v := hi + lo
	if v < hi {
		return 0, false
	}
	return v, true
}

// csvType is a type state of inference, ordered so that a join of two
// states is mostly their maximum.
type csvType uint8

const (
	csvTypeNull csvType = iota
	csvTypeInt
	csvTypeFloat
	csvTypeBool
	csvTypeDate
	csvTypeTimestamp
	csvTypeString
)

// csvClassify returns the narrowest type whose text form b has.
func csvClassify(b []byte) (csvType, csvTime) {
	if _, ok, overflow := csvParseInt(b); ok {
		return csvTypeInt, csvTime{}
	} else if overflow {
		// An integer too long for int64 is an identifier, not a float.
		return csvTypeString, csvTime{}
	}
	if _, ok := csvParseFloat(b); ok {
		return csvTypeFloat, csvTime{}
	}
	if _, ok := csvParseBool(b, false); ok {
		return csvTypeBool, csvTime{}
	}
	if len(b) == 10 {
		if _, ok := csvParseDate(b); ok {
			return csvTypeDate, csvTime{}
		}
	}
	if t, ok := csvParseTimestamp(b); ok {
		return csvTypeTimestamp, t
	}
	return csvTypeString, csvTime{}
}

// csvJoin returns the type that holds the values of both a and b.
func csvJoin(a, b csvType) csvType {
	switch {
	case a == b || b == csvTypeNull:
		return a
	case a == csvTypeNull:
		return b
	case a <= csvTypeFloat && b <= csvTypeFloat:
		return csvTypeFloat
	case (a == csvTypeDate || a == csvTypeTimestamp) && (b == csvTypeDate || b == csvTypeTimestamp):
		return csvTypeTimestamp
	}
	return csvTypeString
}
