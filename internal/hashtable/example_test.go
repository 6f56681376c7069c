package hashtable_test

import (
	"fmt"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/dusk-go/dusk/internal/hashtable"
)

func ExampleTable() {
	mem := memory.NewGoAllocator()
	sb := array.NewStringBuilder(mem)
	sb.AppendValues([]string{"Paris", "Rome", "Paris", "", "Rome"}, []bool{true, true, true, false, true})
	city := sb.NewArray()
	defer city.Release()
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{2020, 2020, 2020, 2021, 2021}, nil)
	year := ib.NewArray()
	defer year.Release()

	// group-by: a null city is a key value of its own
	t, err := hashtable.New([]arrow.DataType{arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int32}, true)
	if err != nil {
		panic(err)
	}
	ids := make([]int32, city.Len())
	if err := t.Insert([]arrow.Array{city, year}, ids); err != nil {
		panic(err)
	}
	fmt.Println("ids:", ids, "groups:", t.Len())

	keys, err := t.Keys(mem)
	if err != nil {
		panic(err)
	}
	fmt.Println("keys:", keys[0], keys[1])
	for _, k := range keys {
		k.Release()
	}

	// probe: rows 1 and 4 are ("Rome", 2020) and ("Rome", 2021), row 0
	// ("Paris", 2020) again; the probe's first row is absent
	ib.AppendValues([]int32{1999, 2020, 2020, 2020, 2021}, nil)
	probeYear := ib.NewArray()
	defer probeYear.Release()
	if err := t.Lookup([]arrow.Array{city, probeYear}, ids); err != nil {
		panic(err)
	}
	fmt.Println("lookup:", ids)
	sb.Release()
	ib.Release()
	// Output:
	// ids: [0 1 0 2 3] groups: 4
	// keys: ["Paris" "Rome" (null) "Rome"] [2020 2020 2021 2021]
	// lookup: [-1 1 0 -1 3]
}

func ExampleHashRows() {
	mem := memory.NewGoAllocator()
	b := array.NewInt64Builder(mem)
	b.AppendValues([]int64{7, 42, 7, 1000, 42, 7}, nil)
	a := b.NewArray()
	b.Release()
	defer a.Release()

	hashes := make([]uint64, a.Len())
	if err := hashtable.HashRows([]arrow.Array{a}, hashes); err != nil {
		panic(err)
	}
	// partition into 4 by the top 2 bits: equal keys land together
	parts := make([]uint64, len(hashes))
	for i, h := range hashes {
		parts[i] = h >> (64 - 2)
	}
	fmt.Println(parts)
	// Output:
	// [3 1 3 2 1 3]
}
