package frame

import (
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
)

func TestFoldConstants(t *testing.T) {
	df := testScan(t)
	for _, tc := range []struct {
		name string
		f    *Frame
		want string
	}{
		{"arithmetic", df.WithColumns(Col("i").Add(Lit(1).Add(Lit(2))).As("x")).Select("x"), `
Project x
  Project i, j, f, g, s, b, d, ts, (i + 3) AS x
    Scan fake "mem"`},
		{"promotion", df.Filter(Col("f").Gt(Lit(1).Mul(Lit(2)))), `
Filter (f > 2.0)
  Scan fake "mem"`},
		{"strings", df.Filter(Col("s").Eq(Lit("AB").Lower().Concat(Lit("c")))), `
Filter (s = "abc")
  Scan fake "mem"`},
		{"and true", df.Filter(Col("b").And(Lit(1).Lt(Lit(2)))), `
Filter b
  Scan fake "mem"`},
		{"or true removes the filter", df.Filter(Col("b").Or(Lit(true))), `
Scan fake "mem"`},
		{"and false", df.Filter(Col("b").And(Lit(false))), `
Filter false
  Scan fake "mem"`},
		{"null arithmetic", df.Filter(Col("i").Gt(Lit(nil).Add(Lit(1)))), `
Filter (i > null)
  Scan fake "mem"`},
		{"mod by zero is null", df.WithColumns(Lit(5).Mod(Lit(0)).As("z")).Select("z"), `
Project z
  Project i, j, f, g, s, b, d, ts, null AS z
    Scan fake "mem"`},
		{"failing cast stays", df.WithColumns(Lit("x").Cast(arrow.PrimitiveTypes.Int64).As("z")).Select("z"), `
Project z
  Project i, j, f, g, s, b, d, ts, cast("x" as int64) AS z
    Scan fake "mem"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPlan(t, planOf(t, tc.f, foldConstants), tc.want)
		})
	}
}
