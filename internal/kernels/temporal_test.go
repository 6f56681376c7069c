package kernels

import (
	"fmt"
	"math"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the machine's zone database

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// refTime is the time.Time of a date32 (UTC midnight) or timestamp value,
// in the type's zone.
func refTime(dt arrow.DataType, v any) time.Time {
	switch dt.ID() {
	case arrow.DATE32:
		return time.Unix(int64(v.(int32))*86400, 0).UTC()
	case arrow.DATE64:
		return time.UnixMilli(v.(int64)).UTC()
	}
	ts := dt.(*arrow.TimestampType)
	per := unitsPerSecond(ts.Unit)
	x := v.(int64)
	sec, sub := x/per, x%per
	if sub < 0 {
		sec, sub = sec-1, sub+per
	}
	loc, err := ts.GetZone()
	if err != nil {
		panic(err)
	}
	return time.Unix(sec, sub*(1e9/per)).In(loc)
}

func refPart(p TimePart, t time.Time) int64 {
	switch p {
	case Year:
		return int64(t.Year())
	case Quarter:
		return int64(t.Month()-1)/3 + 1
	case Month:
		return int64(t.Month())
	case Day:
		return int64(t.Day())
	case DayOfYear:
		return int64(t.YearDay())
	case Weekday:
		return int64(t.Weekday())
	case ISOWeekday:
		return int64(t.Weekday()+6)%7 + 1
	case Hour:
		return int64(t.Hour())
	case Minute:
		return int64(t.Minute())
	}
	return int64(t.Second())
}

var temporalTypes = append([]arrow.DataType{arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64}, tsTypes...)

func checkExtract(t testing.TB, mem memory.Allocator, g *gen) {
	dt := pick(g, temporalTypes...)
	part := TimePart(g.intn(int(Second) + 1))
	n := g.batchLen()
	a := g.operand(mem, dt, n, true)
	defer a.release()
	label := fmt.Sprintf("%s(%v)", part, a.Operand)
	got, err := Extract(mem, part, a.Operand, n)
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
	defer got.Release()
	want := make([]any, n)
	for i := range want {
		if v := a.at(i); v != nil {
			want[i] = refPart(part, refTime(dt, v))
		}
	}
	checkRows(t, label, got, want)
}

func TestExtract(t *testing.T) { run(t, 3000, checkExtract) }

func TestCivil(t *testing.T) {
	const edge = 719468 + (1<<16)*146097 // where civil leaves its unsigned path
	for _, d := range []int64{-1 << 40, -719468, -719469, -1, 0, 1, 59, 60, 365, 11016, 1 << 40,
		-edge, -edge - 1, -edge + 1, edge - 2*719468, edge - 2*719468 - 1, edge, math.MaxInt64 / 2, math.MinInt64 / 2} {
		y, m, dd := civil(d)
		if back := daysFromCivil(y, m, dd); back != d {
			t.Errorf("daysFromCivil(civil(%d)) = %d", d, back)
		}
		if sy, sm, sd := civilSigned(d); sy != y || sm != m || sd != dd {
			t.Errorf("civil(%d) = %d-%d-%d, civilSigned = %d-%d-%d", d, y, m, dd, sy, sm, sd)
		}
	}
	for d := int64(-800_000); d < 800_000; d += 7 {
		y, m, dd := civil(d)
		want := time.Unix(d*86400, 0).UTC()
		if y != int64(want.Year()) || m != int64(want.Month()) || dd != int64(want.Day()) {
			t.Fatalf("civil(%d): got %d-%d-%d, want %s", d, y, m, dd, want.Format(time.DateOnly))
		}
	}
}

func TestExtractErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if _, err := Extract(mem, Year, NullOf(arrow.PrimitiveTypes.Int64), 2); err == nil {
		t.Error("year(int64): got no error")
	}
	bad := &arrow.TimestampType{Unit: arrow.Second, TimeZone: "Not/AZone"}
	if _, err := Extract(mem, Year, NullOf(bad), 2); err == nil {
		t.Error("year(timestamp with a bad zone): got no error")
	}
}
