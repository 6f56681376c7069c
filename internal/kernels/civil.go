package kernels

import (
	"math"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
)

// Calendar arithmetic on days since 1970-01-01 in the proleptic Gregorian
// calendar, after Howard Hinnant's civil_from_days / days_from_civil: integer
// operations only, valid for every int64 day count whose year fits int64.

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// civil returns the year, month (1–12) and day (1–31) of day z.
func civil(z int64) (y, m, d int64) {
	// Shifting z by whole 400-year eras makes it non-negative for every day
	// within ±26 million years, so the divisions are unsigned (a multiply
	// and a shift each, without sign fix-ups).
	const eras = 1 << 16
	zz := z + 719468 + eras*146097
	if zz < 0 || zz >= 2*eras*146097 {
		return civilSigned(z)
	}
	u := uint64(zz)
	era := u / 146097
	doe := u - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], March = 0
	d = int64(doy - (153*mp+2)/5 + 1)
	y = int64(yoe+era*400) - eras*400
	if mp < 10 {
		return y, int64(mp + 3), d
	}
	return y + 1, int64(mp - 9), d
}

// civilSigned is civil for any day count.
func civilSigned(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
		y++
	}
	return y, m, d
}

// daysFromCivil is the inverse of civil.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// unitsPerSecond is the number of a timestamp unit's ticks in one second.
func unitsPerSecond(u arrow.TimeUnit) int64 {
	switch u {
	case arrow.Millisecond:
		return 1e3
	case arrow.Microsecond:
		return 1e6
	case arrow.Nanosecond:
		return 1e9
	}
	return 1
}

// toSeconds writes floor(v / unit) for each value: whole seconds since the
// epoch. Each unit has its own loop so the divisor is a constant.
func toSeconds(out, in []int64, u arrow.TimeUnit) {
	out = out[:len(in)]
	switch u {
	case arrow.Second:
		copy(out, in)
	case arrow.Millisecond:
		for i, v := range in {
			out[i] = floorDiv(v, 1e3)
		}
	case arrow.Microsecond:
		for i, v := range in {
			out[i] = floorDiv(v, 1e6)
		}
	case arrow.Nanosecond:
		for i, v := range in {
			out[i] = floorDiv(v, 1e9)
		}
	}
}

// zone gives the UTC offset of a timestamp type's time zone at an instant,
// remembering the span of time over which the last offset found holds, so a
// batch of nearby instants costs one lookup in the time zone database.
type zone struct {
	loc        *time.Location // nil for UTC or no zone
	start, end int64          // [start, end) in Unix seconds where off holds
	off        int64
}

// zoneOf returns the zone of a timestamp type (nil-safe: other types are UTC).
// Time zone names are resolved by arrow's TimestampType.GetZone: an IANA name
// (time.LoadLocation, from the system's zone database or time/tzdata when the
// program imports it) or a fixed offset "+hh:mm".
func zoneOf(kernel string, dt arrow.DataType) (*zone, error) {
	z := &zone{start: 1, end: 0}
	ts, ok := dt.(*arrow.TimestampType)
	if !ok || ts.TimeZone == "" {
		return z, nil
	}
	loc, err := ts.GetZone()
	if err != nil {
		return nil, errorf(ErrArgument, kernel, "time zone %q: %v", ts.TimeZone, err)
	}
	if loc != time.UTC {
		z.loc = loc
	}
	return z, nil
}

// zoneClamp bounds the instants looked up in the zone database (±34,000
// years); beyond it the offset at the bound holds.
const zoneClamp = 1 << 40

func (z *zone) offset(sec int64) int64 {
	if z.loc == nil {
		return 0
	}
	if sec >= z.start && sec < z.end {
		return z.off
	}
	c := min(max(sec, -zoneClamp), zoneClamp)
	t := time.Unix(c, 0).In(z.loc)
	_, off := t.Zone()
	s, e := t.ZoneBounds()
	z.off = int64(off)
	z.start, z.end = math.MinInt64, math.MaxInt64
	if !s.IsZero() && c > -zoneClamp {
		z.start = s.Unix()
	}
	if !e.IsZero() && c < zoneClamp {
		z.end = e.Unix()
	}
	return z.off
}

// localize adds each instant's zone offset to it, making wall-clock seconds.
func (z *zone) localize(secs []int64) {
	if z.loc == nil {
		return
	}
	for i, s := range secs {
		secs[i] = s + z.offset(s)
	}
}
