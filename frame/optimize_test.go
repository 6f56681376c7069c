package frame

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	dio "github.com/dusk-go/dusk/io"
)

// fakeDataset is an io.Dataset over in-memory records that remembers the
// predicates and columns it was asked for.
type fakeDataset struct {
	recs []arrow.Record
}

func (d *fakeDataset) Format() string        { return "fake" }
func (d *fakeDataset) Paths() []string       { return []string{"mem"} }
func (d *fakeDataset) Schema() *arrow.Schema { return d.recs[0].Schema() }
func (d *fakeDataset) Partitions(filter []dio.Predicate) []dio.Partition {
	out := make([]dio.Partition, len(d.recs))
	for i, r := range d.recs {
		out[i] = fakePartition{rec: r, i: i}
	}
	return out
}

type fakePartition struct {
	rec arrow.Record
	i   int
}

func (p fakePartition) String() string { return fmt.Sprintf("mem part %d", p.i) }
func (p fakePartition) Read(ctx context.Context, opts dio.ReadOptions) (arrow.Record, error) {
	if opts.Columns == nil {
		p.rec.Retain()
		return p.rec, nil
	}
	var cols []arrow.Array
	var fields []arrow.Field
	for _, c := range opts.Columns {
		idx := p.rec.Schema().FieldIndices(c)
		if len(idx) != 1 {
			return nil, fmt.Errorf("fake: no column %q", c)
		}
		cols = append(cols, p.rec.Column(idx[0]))
		fields = append(fields, p.rec.Schema().Field(idx[0]))
	}
	return array.NewRecord(arrow.NewSchema(fields, nil), cols, p.rec.NumRows()), nil
}

// planOf runs passes over the frame's plan and returns the formatted plan.
func planOf(t *testing.T, f *Frame, ps ...func(node) (node, error)) string {
	t.Helper()
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	n := f.plan
	for _, p := range ps {
		var err error
		if n, err = p(n); err != nil {
			t.Fatal(err)
		}
	}
	return strings.TrimSpace(formatPlan(n))
}

func checkPlan(t *testing.T, got, want string) {
	t.Helper()
	want = strings.TrimSpace(want)
	if got != want {
		t.Errorf("got plan\n%s\nwant\n%s", got, want)
	}
}

// testScan returns a frame over a fake dataset of one empty record of
// testSchema (the optimizer tests look at plans only).
func testScan(t *testing.T) *Frame {
	b := array.NewRecordBuilder(memory.DefaultAllocator, testSchema)
	defer b.Release()
	rec := b.NewRecord()
	t.Cleanup(rec.Release)
	return FromDataset(&fakeDataset{recs: []arrow.Record{rec}})
}
