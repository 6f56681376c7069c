package frame

import "testing"

func TestFuseStages(t *testing.T) {
	df := testScan(t)
	for _, tc := range []struct {
		name string
		f    *Frame
		want string
	}{
		{"a chain is one stage", df.Filter(Col("b")).WithColumns(Col("i").Add(Lit(1)).As("x")).Select("x"), `
Stage filter b -> project (i + 1) AS x
  Scan fake "mem"`},
		{"a projection computed twice is not merged", df.WithColumns(Col("i").Add(Lit(1)).As("x")).SelectExprs(Col("x").Mul(Col("x")).As("y")), `
Stage project i, j, f, g, s, b, d, ts, (i + 1) AS x -> project (x * x) AS y
  Scan fake "mem"`},
		{"a scan alone", df, `
Stage (read only)
  Scan fake "mem"`},
		{"steps go into each side of a concat", df.Concat(df.Filter(Col("b"))).Select("i"), `
Concat inputs=2
  Stage project i
    Scan fake "mem"
  Stage filter b -> project i
    Scan fake "mem"`},
		{"a head is a boundary with a per-partition head", df.Filter(Col("b")).Head(10).Select("i"), `
Stage project i
  Limit 10
    Stage filter b -> head 10
      Scan fake "mem"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPlan(t, planOf(t, tc.f, fuseStages), tc.want)
		})
	}
}
