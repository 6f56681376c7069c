package h2o_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dusk-go/dusk/internal/h2o"
)

func ExampleGroupby_WriteCSV() {
	g := h2o.Groupby{N: 4, K: 2, Seed: 1}
	fmt.Println(g.Name())
	if err := g.WriteCSV(context.Background(), os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// G1_4e0_2e0_0_0
	// id1,id2,id3,id4,id5,id6,v1,v2,v3
	// id002,id002,id0000000001,2,2,1,1,11,56.099433
	// id001,id002,id0000000001,2,2,2,2,2,71.258125
	// id002,id001,id0000000002,2,2,2,5,10,9.746345
	// id001,id002,id0000000002,2,1,1,2,15,83.570267
}

func ExampleJoin_WriteCSV() {
	j := h2o.Join{N: 10_000_000, Seed: 1}
	fmt.Println(j.Name(h2o.JoinSmall), j.Rows(h2o.JoinSmall))
	if err := j.WriteCSV(context.Background(), h2o.JoinSmall, os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// J1_1e7_1e1_0_0 10
	// id1,id4,v2
	// 3,id3,17.102265
	// 2,id2,34.31365
	// 11,id11,15.572658
	// 8,id8,71.722734
	// 10,id10,10.592252
	// 4,id4,97.601553
	// 6,id6,70.998627
	// 1,id1,83.5997
	// 9,id9,41.229433
	// 7,id7,98.111514
}

func ExampleGroupby_EnsureCSV() {
	dir, err := os.MkdirTemp("", "h2o-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	g := h2o.Groupby{N: 1000, K: 10}
	for range 2 { // the second call finds the file and reuses it
		path, err := g.EnsureCSV(context.Background(), dir)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(filepath.Base(path))
	}
	// Output:
	// G1_1e3_1e1_0_0.csv
	// G1_1e3_1e1_0_0.csv
}
