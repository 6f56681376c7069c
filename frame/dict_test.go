package frame

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
)

// Dictionary columns whose dictionaries differ between partitions keep
// their values when partitions are combined (a sort, a join).
func TestDifferentDictionaries(t *testing.T) {
	for _, m := range executionModes() {
		mem, opts := checked(t, m)
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: dt}, {Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
		build := func(words []string, from int64) arrow.Record {
			b := array.NewRecordBuilder(mem, schema)
			defer b.Release()
			for i, w := range words {
				if err := b.Field(0).(*array.BinaryDictionaryBuilder).AppendString(w); err != nil {
					t.Fatal(err)
				}
				b.Field(1).(*array.Int64Builder).Append(from + int64(i))
			}
			return b.NewRecord()
		}
		recs := []arrow.Record{build([]string{"x", "y", "x"}, 0), build(nil, 10), build([]string{"z", "y"}, 3)}
		releaseAtEnd(t, recs)
		tbl, err := FromRecords(recs...).Sort(Desc("v")).Compute(context.Background(), opts...)
		if err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		var got []string
		tr := array.NewTableReader(tbl, 0)
		for tr.Next() {
			rec := tr.Record()
			for i := range int(rec.NumRows()) {
				got = append(got, fmt.Sprintf("%s%d", rec.Column(0).ValueStr(i), rec.Column(1).(*array.Int64).Value(i)))
			}
		}
		tr.Release()
		tbl.Release()
		if fmt.Sprint(got) != "[y4 z3 x2 y1 x0]" {
			t.Errorf("%s: got %v, want [y4 z3 x2 y1 x0]", m.name, got)
		}
	}
}
