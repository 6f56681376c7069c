package frame

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
)

// Dictionary columns whose dictionaries differ between partitions are an
// error where partitions are combined, never a wrong answer.
func TestDifferentDictionaries(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	schema := arrow.NewSchema([]arrow.Field{{Name: "k", Type: dt}, {Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	build := func(words []string) arrow.Record {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		for i, w := range words {
			if err := b.Field(0).(*array.BinaryDictionaryBuilder).AppendString(w); err != nil {
				t.Fatal(err)
			}
			b.Field(1).(*array.Int64Builder).Append(int64(i))
		}
		return b.NewRecord()
	}
	a, b := build([]string{"x", "y"}), build([]string{"y", "z"})
	defer a.Release()
	defer b.Release()
	_, err := FromRecords(a, b).Sort(Asc("v")).Compute(context.Background(), executionModes()[0].opts...)
	if !errors.Is(err, ErrType) {
		t.Errorf("sort over different dictionaries: got %v, want ErrType", err)
	}
}
