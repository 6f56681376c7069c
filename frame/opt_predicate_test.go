package frame

import "testing"

func TestPushPredicates(t *testing.T) {
	df := testScan(t)
	for _, tc := range []struct {
		name string
		f    *Frame
		want string
	}{
		{"into the scan", df.Filter(Col("i").Gt(Lit(3)).And(Col("s").Eq(Lit("a")))), `
Filter ((i > 3) AND (s = "a"))
  Scan fake "mem" pushed=[i > 3 AND s = "a"]`},
		{"flipped and widened", df.Filter(Lit(2).Le(Col("j")).And(Col("g").Lt(Lit(0.5)))), `
Filter ((2 <= cast(j as int64)) AND (cast(g as float64) < 0.5))
  Scan fake "mem" pushed=[j >= 2 AND g < 0.5]`},
		{"not for computed sides", df.Filter(Col("i").Add(Lit(1)).Gt(Lit(3)).Or(Col("b"))), `
Filter (((i + 1) > 3) OR b)
  Scan fake "mem"`},
		{"null tests", df.Filter(Col("s").IsNull().And(Col("d").IsNotNull())), `
Filter (is_null(s) AND is_not_null(d))
  Scan fake "mem" pushed=[s is null AND d is not null]`},
		{"through a projection, renamed", df.Rename(map[string]string{"i": "k"}).Filter(Col("k").Eq(Lit(1))), `
Project i AS k, j, f, g, s, b, d, ts
  Filter (i = 1)
    Scan fake "mem" pushed=[i = 1]`},
		{"computed columns stay above", df.WithColumns(Col("i").Mul(Lit(2)).As("x")).Filter(Col("x").Gt(Lit(1)).And(Col("f").Lt(Lit(0.0)))), `
Filter (x > 1)
  Project i, j, f, g, s, b, d, ts, (i * 2) AS x
    Filter (f < 0.0)
      Scan fake "mem" pushed=[f < 0]`},
		{"two filters merge", df.Filter(Col("i").Gt(Lit(1))).Filter(Col("j").Lt(Lit(5))), `
Filter ((i > 1) AND (cast(j as int64) < 5))
  Scan fake "mem" pushed=[i > 1 AND j < 5]`},
		{"into each side of a concat", df.Concat(df).Filter(Col("b")), `
Concat inputs=2
  Filter b
    Scan fake "mem"
  Filter b
    Scan fake "mem"`},
		{"not through a head", df.Head(5).Filter(Col("b")), `
Filter b
  Limit 5
    Scan fake "mem"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkPlan(t, planOf(t, tc.f, pushPredicates), tc.want)
		})
	}
}
