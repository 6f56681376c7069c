package frame

import "testing"

func TestPushProjections(t *testing.T) {
	df := testScan(t)
	for _, tc := range []struct {
		name string
		f    *Frame
		want string
	}{
		{"select", df.Select("s", "i"), `
Project s, i
  Scan fake "mem" columns=[i, s]`},
		{"filter columns are read", df.Filter(Col("f").Gt(Lit(0.0))).Select("s"), `
Project s
  Filter (f > 0.0)
    Scan fake "mem" columns=[f, s]`},
		{"unused computed columns are dropped", df.WithColumns(Col("i").Add(Col("j")).As("x"), Col("f").Neg().As("y")).Select("y"), `
Project y
  Project (0.0 - f) AS y
    Scan fake "mem" columns=[f]`},
		{"the root keeps every column", df.Filter(Col("b")), `
Filter b
  Scan fake "mem"`},
		{"head and concat pass the need on", df.Concat(df).Head(3).Select("d"), `
Project d
  Limit 3
    Concat inputs=2
      Scan fake "mem" columns=[d]
      Scan fake "mem" columns=[d]`},
		{"a source keeps one column to count rows", df.SelectExprs(Lit(1).As("one")), `
Project 1 AS one
  Scan fake "mem" columns=[i]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPlan(t, planOf(t, tc.f, pushProjections), tc.want)
		})
	}
}
