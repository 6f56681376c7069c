package kernels

import (
	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// TimePart is a field of a date or time that Extract takes out.
type TimePart uint8

const (
	Year       TimePart = iota
	Quarter             // 1–4
	Month               // 1–12
	Day                 // day of the month, 1–31
	DayOfYear           // 1–366
	Weekday             // 0 = Sunday … 6 = Saturday, as Go's time.Weekday and DuckDB's dayofweek
	ISOWeekday          // 1 = Monday … 7 = Sunday, as ISO 8601 and DuckDB's isodow
	Hour                // 0–23
	Minute              // 0–59
	Second              // 0–59, the fraction dropped
)

func (p TimePart) String() string {
	names := [...]string{"year", "quarter", "month", "day", "day_of_year", "weekday", "iso_weekday", "hour", "minute", "second"}
	if int(p) < len(names) {
		return names[p]
	}
	return "extract"
}

// Extract takes a calendar or clock field out of each row of a date32, date64
// or timestamp operand, as int64; null rows stay null. Timestamps of every
// unit are read as instants: in UTC when the type has no time zone (or
// "UTC"), otherwise in the type's time zone (an IANA name such as
// "Europe/Paris", loaded with time.LoadLocation, or a fixed offset such as
// "+05:30"). Dates have hour, minute and second 0. The calendar is the
// proleptic Gregorian calendar, computed with integer arithmetic (no
// time.Time per row; the zone database is consulted once per change of
// offset).
func Extract(mem memory.Allocator, part TimePart, a Operand, n int) (*array.Int64, error) {
	name := part.String()
	if part > Second {
		return nil, errorf(ErrArgument, name, "unknown part %d", part)
	}
	if err := check(name, n, a); err != nil {
		return nil, err
	}
	dt := a.DataType()
	switch dt.ID() {
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
	default:
		return nil, errorf(ErrType, name, "operand type %s is not a date or timestamp", dt)
	}
	z, err := zoneOf(name, dt)
	if err != nil {
		return nil, err
	}
	if a.IsScalar() {
		r, err := foldScalars(mem, n, func(ops []Operand) (arrow.Array, error) {
			return Extract(mem, part, ops[0], 1)
		}, a)
		if err != nil {
			return nil, err
		}
		return r.(*array.Int64), nil
	}
	validity, nulls := andValidity(mem, n, a)
	vbuf, out := newValues[int64](mem, n)
	// First out holds local wall-clock seconds (or days, for date32), then
	// the part is computed in place.
	days := false
	switch dt.ID() {
	case arrow.DATE32:
		for i, v := range values[int32](a.Array) {
			out[i] = int64(v)
		}
		days = true
	case arrow.DATE64:
		toSeconds(out, values[int64](a.Array), arrow.Millisecond)
	case arrow.TIMESTAMP:
		toSeconds(out, values[int64](a.Array), dt.(*arrow.TimestampType).Unit)
		z.localize(out)
	}
	extractPart(part, out, days)
	return build(arrow.PrimitiveTypes.Int64, n, nulls, validity, vbuf).(*array.Int64), nil
}

// extractPart replaces each value of x (seconds, or days when days is set)
// by the part.
func extractPart(part TimePart, x []int64, days bool) {
	if days && part >= Hour {
		clear(x)
		return
	}
	if !days {
		switch part {
		case Hour:
			for i, s := range x {
				x[i] = floorMod(s, 86400) / 3600
			}
			return
		case Minute:
			for i, s := range x {
				x[i] = floorMod(s, 3600) / 60
			}
			return
		case Second:
			for i, s := range x {
				x[i] = floorMod(s, 60)
			}
			return
		}
		for i, s := range x {
			x[i] = floorDiv(s, 86400)
		}
	}
	switch part {
	case Year:
		for i, d := range x {
			y, _, _ := civil(d)
			x[i] = y
		}
	case Quarter:
		for i, d := range x {
			_, m, _ := civil(d)
			x[i] = (m-1)/3 + 1
		}
	case Month:
		for i, d := range x {
			_, m, _ := civil(d)
			x[i] = m
		}
	case Day:
		for i, d := range x {
			_, _, dd := civil(d)
			x[i] = dd
		}
	case DayOfYear:
		for i, d := range x {
			y, _, _ := civil(d)
			x[i] = d - daysFromCivil(y, 1, 1) + 1
		}
	case Weekday:
		for i, d := range x {
			x[i] = floorMod(d+4, 7) // 1970-01-01 was a Thursday
		}
	case ISOWeekday:
		for i, d := range x {
			x[i] = floorMod(d+3, 7) + 1
		}
	}
}
