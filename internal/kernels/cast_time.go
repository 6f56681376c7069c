package kernels

import (
	"math"
	"strings"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// appendDate appends day d as 2006-01-02 (years beyond 0–9999 are written
// with a sign or more digits, as Go's time package does).
func appendDate(b []byte, d int64) []byte {
	y, m, dd := civil(d)
	if y < 0 {
		b = append(b, '-')
		y = -y
	}
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, m, 2)
	b = append(b, '-')
	return appendPadded(b, dd, 2)
}

// appendPadded appends v (≥ 0) in decimal with at least width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v >= 10 || width > 1 {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	i--
	tmp[i] = byte('0' + v)
	return append(b, tmp[i:]...)
}

// timestampText formats timestamps as ISO 8601 wall-clock time in the type's
// zone, followed by the zone's offset when the type has one.
func timestampText[O offsetT](b *strBuilder[O], a arrow.Array, valid bitSrc) error {
	ts := a.DataType().(*arrow.TimestampType)
	z, err := zoneOf("cast", ts)
	if err != nil {
		return err
	}
	per := unitsPerSecond(ts.Unit)
	nsPer := 1_000_000_000 / per
	zoned := ts.TimeZone != ""
	for i, v := range values[int64](a) {
		if !valid.bit(i) {
			b.end()
			continue
		}
		sec := floorDiv(v, per)
		ns := (v - sec*per) * nsPer
		off := z.offset(sec)
		local := sec + off
		day := floorDiv(local, 86400)
		sod := local - day*86400
		d := b.room(48)
		d = appendDate(d, day)
		d = append(d, 'T')
		d = appendPadded(d, sod/3600, 2)
		d = append(d, ':')
		d = appendPadded(d, sod/60%60, 2)
		d = append(d, ':')
		d = appendPadded(d, sod%60, 2)
		if ns != 0 {
			d = append(d, '.')
			d = appendPadded(d, ns, 9)
			for d[len(d)-1] == '0' {
				d = d[:len(d)-1]
			}
		}
		if zoned {
			if off == 0 {
				d = append(d, 'Z')
			} else {
				m := off / 60
				if m < 0 {
					d = append(d, '-')
					m = -m
				} else {
					d = append(d, '+')
				}
				d = appendPadded(d, m/60, 2)
				d = append(d, ':')
				d = appendPadded(d, m%60, 2)
			}
		}
		b.data = d
		b.end()
	}
	return nil
}

func parseDates[O offsetT](mem memory.Allocator, x strView[O], valid bitSrc, from, to arrow.DataType) (*memory.Buffer, error) {
	vbuf, out := newValues[int32](mem, len(x.offs)-1)
	for i := range out {
		out[i] = 0
		if !valid.bit(i) {
			continue
		}
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(x.at(i)))
		if err != nil {
			return vbuf, textError(i, x.at(i), from, to, errSyntax)
		}
		out[i] = int32(floorDiv(t.Unix(), 86400))
	}
	return vbuf, nil
}

// timestampLayout picks the time.Parse layout for s: a date, or a date and a
// time separated by T or a space, with a zone (Z or ±hh:mm) or without.
func timestampLayout(s string) string {
	if len(s) <= 10 {
		return time.DateOnly
	}
	layout := "2006-01-02T15:04:05"
	if s[10] == ' ' {
		layout = "2006-01-02 15:04:05"
	}
	tail := s[min(19, len(s)):]
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") || strings.ContainsAny(tail, "+-") {
		layout += "Z07:00"
	}
	return layout
}

func parseTimestamps[O offsetT](mem memory.Allocator, x strView[O], valid bitSrc, from arrow.DataType, to *arrow.TimestampType) (*memory.Buffer, error) {
	vbuf, out := newValues[int64](mem, len(x.offs)-1)
	loc, err := to.GetZone()
	if err != nil {
		return vbuf, errorf(ErrArgument, "cast", "time zone %q: %v", to.TimeZone, err)
	}
	per := unitsPerSecond(to.Unit)
	for i := range out {
		out[i] = 0
		if !valid.bit(i) {
			continue
		}
		s := strings.TrimSpace(x.at(i))
		t, err := time.ParseInLocation(timestampLayout(s), s, loc)
		if err != nil {
			return vbuf, textError(i, x.at(i), from, to, errSyntax)
		}
		v, ok := scaleSeconds(t.Unix(), per)
		if !ok {
			return vbuf, textError(i, x.at(i), from, to, errRange)
		}
		out[i] = v + int64(t.Nanosecond())/(1_000_000_000/per)
	}
	return vbuf, nil
}

// scaleSeconds returns sec*per, or false if it overflows (with room for a
// fraction of a second to be added).
func scaleSeconds(sec, per int64) (int64, bool) {
	limit := math.MaxInt64/per - 1
	if sec > limit || sec < -limit {
		return 0, false
	}
	return sec * per, true
}

// castTemporal converts date32 → timestamp, timestamp → date32 and between
// timestamp units.
func castTemporal(mem memory.Allocator, a arrow.Array, to arrow.DataType) (arrow.Array, error) {
	from := a.DataType()
	n := a.Len()
	valid := validitySrc(ArrayOf(a))
	var vbuf *memory.Buffer
	var row = -1
	var value string
	switch {
	case from.ID() == arrow.DATE32:
		ts := to.(*arrow.TimestampType)
		loc, err := ts.GetZone()
		if err != nil {
			return nil, errorf(ErrArgument, "cast", "time zone %q: %v", ts.TimeZone, err)
		}
		per := unitsPerSecond(ts.Unit)
		in := values[int32](a)
		var out []int64
		vbuf, out = newValues[int64](mem, n)
		for i, d := range in {
			sec := int64(d) * 86400
			if loc != time.UTC {
				y, m, dd := civil(int64(d))
				sec = time.Date(int(y), time.Month(m), int(dd), 0, 0, 0, 0, loc).Unix()
			}
			v, ok := scaleSeconds(sec, per)
			if !ok && valid.bit(i) {
				row, value = i, string(appendDate(nil, int64(d)))
				break
			}
			out[i] = v
		}
	case to.ID() == arrow.DATE32:
		ts := from.(*arrow.TimestampType)
		z, err := zoneOf("cast", ts)
		if err != nil {
			return nil, err
		}
		in := values[int64](a)
		secs := make([]int64, n)
		toSeconds(secs, in, ts.Unit)
		z.localize(secs)
		var out []int32
		vbuf, out = newValues[int32](mem, n)
		for i, s := range secs {
			d := floorDiv(s, 86400)
			if (d < math.MinInt32 || d > math.MaxInt32) && valid.bit(i) {
				row, value = i, formatNum(in[i])
				break
			}
			out[i] = int32(d)
		}
	default:
		fp := unitsPerSecond(from.(*arrow.TimestampType).Unit)
		tp := unitsPerSecond(to.(*arrow.TimestampType).Unit)
		in := values[int64](a)
		var out []int64
		vbuf, out = newValues[int64](mem, n)
		if tp >= fp {
			k := tp / fp
			limit := math.MaxInt64 / k
			for i, v := range in {
				if (v > limit || v < -limit) && valid.bit(i) {
					row, value = i, formatNum(v)
					break
				}
				out[i] = v * k
			}
		} else {
			k := fp / tp
			for i, v := range in {
				out[i] = floorDiv(v, k)
			}
		}
	}
	if row >= 0 {
		vbuf.Release()
		return nil, &CastError{Row: row, Value: value, From: from, To: to}
	}
	validity, nulls := andValidity(mem, n, ArrayOf(a))
	return build(to, n, nulls, validity, vbuf), nil
}
