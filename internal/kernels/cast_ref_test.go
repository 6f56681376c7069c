package kernels

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v15/arrow"
)

// The plain row-by-row reference for Cast: big integers for range checks,
// strconv and the time package for text.

// castOK mirrors the pairs Cast documents.
func castOK(from, to arrow.DataType) bool {
	if arrow.TypeEqual(from, to) {
		return true
	}
	fk, tk := kindOf(from), kindOf(to)
	num := func(k castKind) bool { return k == kInt || k == kFloat }
	text := func(k castKind) bool { return k == kString || k == kBinary }
	switch {
	case num(fk) && num(tk):
	case (fk == kDate32 || fk == kTimestamp) && tk == kInt:
	case fk == kInt && (tk == kDate32 || tk == kTimestamp):
	case fk == kBool && num(tk), num(fk) && tk == kBool:
	case fk == kDate32 && tk == kTimestamp, fk == kTimestamp && (tk == kDate32 || tk == kTimestamp):
	case fk != kOther && text(tk) && !(fk == kBinary && tk == kBinary):
	case fk == kString && tk != kOther:
	default:
		return false
	}
	return true
}

// bigOf returns an integer value (of an integer, date32 or timestamp row).
func bigOf(v any) *big.Int {
	switch x := v.(type) {
	case int8:
		return big.NewInt(int64(x))
	case int16:
		return big.NewInt(int64(x))
	case int32:
		return big.NewInt(int64(x))
	case int64:
		return big.NewInt(x)
	case uint8:
		return big.NewInt(int64(x))
	case uint16:
		return big.NewInt(int64(x))
	case uint32:
		return big.NewInt(int64(x))
	case uint64:
		return new(big.Int).SetUint64(x)
	}
	panic(fmt.Sprintf("bigOf %T", v))
}

// intOf returns b as the Go value of integer-stored type dt, or false if b
// is out of its range.
func intOf(b *big.Int, dt arrow.DataType) (any, bool) {
	bitsOf := map[arrow.Type]int{arrow.INT8: 8, arrow.INT16: 16, arrow.INT32: 32, arrow.INT64: 64, arrow.DATE32: 32, arrow.TIMESTAMP: 64,
		arrow.UINT8: 8, arrow.UINT16: 16, arrow.UINT32: 32, arrow.UINT64: 64}
	nb := bitsOf[dt.ID()]
	signed := !arrow.IsUnsignedInteger(dt.ID())
	lo, hi := big.NewInt(0), new(big.Int).Lsh(big.NewInt(1), uint(nb))
	if signed {
		hi.Rsh(hi, 1)
		lo.Neg(hi)
	}
	if b.Cmp(lo) < 0 || b.Cmp(hi) >= 0 {
		return nil, false
	}
	switch dt.ID() {
	case arrow.INT8:
		return int8(b.Int64()), true
	case arrow.INT16:
		return int16(b.Int64()), true
	case arrow.INT32, arrow.DATE32:
		return int32(b.Int64()), true
	case arrow.INT64, arrow.TIMESTAMP:
		return b.Int64(), true
	case arrow.UINT8:
		return uint8(b.Uint64()), true
	case arrow.UINT16:
		return uint16(b.Uint64()), true
	case arrow.UINT32:
		return uint32(b.Uint64()), true
	}
	return b.Uint64(), true
}

func floatOf(v any) (float64, bool) {
	switch x := v.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// toFloat converts an integer or float row to float type dt by Go's own
// conversion (round to nearest), which is the documented behaviour.
func toFloat(v any, dt arrow.DataType) any {
	f32 := dt.ID() == arrow.FLOAT32
	conv := func(f64 float64, f32v float32) any {
		if f32 {
			return f32v
		}
		return f64
	}
	switch x := v.(type) {
	case int8:
		return conv(float64(x), float32(x))
	case int16:
		return conv(float64(x), float32(x))
	case int32:
		return conv(float64(x), float32(x))
	case int64:
		return conv(float64(x), float32(x))
	case uint8:
		return conv(float64(x), float32(x))
	case uint16:
		return conv(float64(x), float32(x))
	case uint32:
		return conv(float64(x), float32(x))
	case uint64:
		return conv(float64(x), float32(x))
	case float32:
		return conv(float64(x), x)
	case float64:
		return conv(x, float32(x))
	}
	panic(fmt.Sprintf("toFloat %T", v))
}

var refLayouts = []string{"2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// refCast converts one non-null row; ok is false when Cast must fail on it.
func refCast(from, to arrow.DataType, v any) (out any, ok bool) {
	fk, tk := kindOf(from), kindOf(to)
	if arrow.TypeEqual(from, to) {
		return v, true
	}
	switch {
	case tk == kString || tk == kBinary:
		return refText(from, to, v)
	case fk == kString:
		return refParse(to, strings.TrimSpace(v.(string)))
	case fk == kBool:
		if v.(bool) {
			return castOneNumber(to, int8(1))
		}
		return castOneNumber(to, int8(0))
	case tk == kBool:
		f, isF := floatOf(v)
		if isF {
			return f != 0, true
		}
		return bigOf(v).Sign() != 0, true
	case fk == kDate32 && tk == kTimestamp:
		ts := to.(*arrow.TimestampType)
		d := int64(v.(int32))
		day := time.Unix(d*86400, 0).UTC()
		loc, _ := ts.GetZone()
		sec := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Unix()
		return intOf(new(big.Int).Mul(big.NewInt(sec), big.NewInt(unitsPerSecond(ts.Unit))), to)
	case fk == kTimestamp && tk == kDate32:
		t := refTime(from, v)
		days := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
		return intOf(big.NewInt(days), to)
	case fk == kTimestamp && tk == kTimestamp:
		fp := unitsPerSecond(from.(*arrow.TimestampType).Unit)
		tp := unitsPerSecond(to.(*arrow.TimestampType).Unit)
		x := new(big.Int).Mul(big.NewInt(v.(int64)), big.NewInt(tp))
		q, m := new(big.Int).DivMod(x, big.NewInt(fp), new(big.Int)) // Euclidean: floors for a positive divisor
		_ = m
		return intOf(q, to)
	}
	return castOneNumber(to, v)
}

// castOneNumber converts an integer or float row to a number, date32 or
// timestamp type.
func castOneNumber(to arrow.DataType, v any) (any, bool) {
	if to.ID() == arrow.FLOAT32 || to.ID() == arrow.FLOAT64 {
		out := toFloat(v, to)
		if f, ok := out.(float32); ok {
			if g, isF := floatOf(v); isF && math.IsInf(float64(f), 0) && !math.IsInf(g, 0) {
				return nil, false
			}
		}
		return out, true
	}
	if f, isF := floatOf(v); isF {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		b, _ := big.NewFloat(math.Trunc(f)).Int(nil)
		return intOf(b, to)
	}
	return intOf(bigOf(v), to)
}

func refText(from, to arrow.DataType, v any) (any, bool) {
	switch x := v.(type) {
	case string:
		if kindOf(from) == kBinary && kindOf(to) == kString && !utf8.ValidString(x) {
			return nil, false
		}
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	}
	switch kindOf(from) {
	case kDate32:
		return refTime(from, v).Format("2006-01-02"), true
	case kTimestamp:
		layout := "2006-01-02T15:04:05.999999999"
		if from.(*arrow.TimestampType).TimeZone != "" {
			layout += "Z07:00"
		}
		return refTime(from, v).Format(layout), true
	}
	return bigOf(v).String(), true
}

func refParse(to arrow.DataType, s string) (any, bool) {
	switch kindOf(to) {
	case kString, kBinary:
		return s, true
	case kBool:
		b, err := strconv.ParseBool(s)
		return b, err == nil
	case kFloat:
		f, err := strconv.ParseFloat(s, to.(arrow.FixedWidthDataType).BitWidth())
		if err != nil {
			return nil, false
		}
		if to.ID() == arrow.FLOAT32 {
			return float32(f), true
		}
		return f, true
	case kInt:
		b, ok := new(big.Int).SetString(s, 10)
		if !ok {
			return nil, false
		}
		if arrow.IsUnsignedInteger(to.ID()) && (strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+")) {
			return nil, false // strconv.ParseUint takes no sign
		}
		return intOf(b, to)
	case kDate32:
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			return nil, false
		}
		return intOf(big.NewInt(t.Unix()/86400-boolInt(t.Unix()%86400 < 0)), to)
	case kTimestamp:
		ts := to.(*arrow.TimestampType)
		loc, _ := ts.GetZone()
		for _, layout := range refLayouts {
			t, err := time.ParseInLocation(layout, s, loc)
			if err != nil {
				continue
			}
			// Seconds beyond ±(MaxInt64/per - 1) are out of range.
			per := unitsPerSecond(ts.Unit)
			if lim := math.MaxInt64/per - 1; t.Unix() > lim || t.Unix() < -lim {
				return nil, false
			}
			x := new(big.Int).Mul(big.NewInt(t.Unix()), big.NewInt(per))
			x.Add(x, big.NewInt(int64(t.Nanosecond())/(1e9/per)))
			return intOf(x, to)
		}
		return nil, false
	}
	return nil, false
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
