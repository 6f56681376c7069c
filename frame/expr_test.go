package frame

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/scheduler"
)

// exprGen builds random expressions over testSchema from a random source.
type exprGen struct {
	r *rand.Rand
}

func (g exprGen) pick(n int) int { return g.r.IntN(n) }

// intExpr returns an expression of an integer type.
func (g exprGen) intExpr(depth int) Expr {
	if depth <= 0 {
		switch g.pick(3) {
		case 0:
			return Col("i")
		case 1:
			return Col("j")
		}
		return Lit(g.r.IntN(9) - 4)
	}
	switch g.pick(9) {
	case 0:
		return g.intExpr(depth - 1).Add(g.intExpr(depth - 1))
	case 1:
		return g.intExpr(depth - 1).Sub(g.intExpr(depth - 1))
	case 2:
		return g.intExpr(depth - 1).Mul(g.intExpr(depth - 1))
	case 3:
		return g.intExpr(depth - 1).Mod(g.intExpr(depth - 1))
	case 4:
		return g.strExpr(depth - 1).Length()
	case 5:
		return []func(Expr) Expr{Expr.Year, Expr.Month, Expr.Day, Expr.Weekday, Expr.DayOfYear}[g.pick(5)](Col("d"))
	case 6:
		return []func(Expr) Expr{Expr.Year, Expr.Hour, Expr.Minute, Expr.Second, Expr.DayOfYear}[g.pick(5)](Col("ts"))
	case 7:
		return g.intExpr(depth - 1).FillNull(Lit(7))
	}
	return g.intExpr(depth - 1)
}

// floatExpr returns an expression of type float64.
func (g exprGen) floatExpr(depth int) Expr {
	if depth <= 0 {
		switch g.pick(3) {
		case 0:
			return Col("f")
		case 1:
			return Col("g")
		}
		return Lit(float64(g.r.IntN(17)-8) / 4)
	}
	num := func() Expr {
		if g.pick(2) == 0 {
			return g.intExpr(depth - 1)
		}
		return g.floatExpr(depth - 1)
	}
	switch g.pick(6) {
	case 0:
		return g.floatExpr(depth - 1).Add(num())
	case 1:
		return num().Sub(g.floatExpr(depth - 1))
	case 2:
		return g.floatExpr(depth - 1).Mul(num())
	case 3:
		return num().Div(num())
	case 4:
		return g.floatExpr(depth - 1).Mod(num())
	}
	return g.floatExpr(depth - 1).FillNull(Lit(0.5))
}

// boolExpr returns an expression of type bool.
func (g exprGen) boolExpr(depth int) Expr {
	if depth <= 0 {
		switch g.pick(4) {
		case 0:
			return Lit(g.pick(2) == 0)
		case 1:
			return Lit(nil).Cast(arrow.FixedWidthTypes.Boolean)
		}
		return Col("b")
	}
	cmp := []func(Expr, Expr) Expr{Expr.Eq, Expr.Ne, Expr.Lt, Expr.Le, Expr.Gt, Expr.Ge}[g.pick(6)]
	switch g.pick(12) {
	case 0:
		return cmp(g.intExpr(depth-1), g.intExpr(depth-1))
	case 1:
		return cmp(g.floatExpr(depth-1), g.intExpr(depth-1))
	case 2:
		return cmp(g.strExpr(depth-1), g.strExpr(depth-1))
	case 3:
		day := time.Date(1970+g.pick(100), time.Month(1+g.pick(12)), 1+g.pick(28), 0, 0, 0, 0, time.UTC)
		return cmp(Col("d"), Lit(day))
	case 4:
		return cmp(Col("ts"), Col("d"))
	case 5:
		return g.boolExpr(depth - 1).And(g.boolExpr(depth - 1))
	case 6:
		return g.boolExpr(depth - 1).Or(g.boolExpr(depth - 1))
	case 7:
		return g.boolExpr(depth - 1).Not()
	case 8:
		x := []Expr{Col("i"), Col("f"), Col("s"), Col("b"), Col("d"), g.floatExpr(depth - 1)}[g.pick(6)]
		if g.pick(2) == 0 {
			return x.IsNull()
		}
		return x.IsNotNull()
	case 9:
		p := testWords[g.pick(len(testWords))]
		return []func(Expr, string) Expr{Expr.Contains, Expr.StartsWith, Expr.EndsWith}[g.pick(3)](g.strExpr(depth-1), p)
	case 10:
		return cmp(Col("b"), g.boolExpr(depth-1))
	}
	return g.boolExpr(depth - 1).FillNull(Lit(false))
}

// strExpr returns an expression of type string.
func (g exprGen) strExpr(depth int) Expr {
	if depth <= 0 {
		if g.pick(3) == 0 {
			return Lit(testWords[g.pick(len(testWords))])
		}
		return Col("s")
	}
	switch g.pick(7) {
	case 0:
		return g.strExpr(depth - 1).Lower()
	case 1:
		return g.strExpr(depth - 1).Upper()
	case 2:
		return g.strExpr(depth-1).Substring(int64(g.pick(5)-1), int64(g.pick(4)))
	case 3:
		return g.strExpr(depth - 1).Concat(g.strExpr(depth - 1))
	case 4:
		return g.intExpr(depth - 1).Cast(arrow.BinaryTypes.String)
	case 5:
		return g.strExpr(depth - 1).FillNull(Lit("?"))
	}
	return Col("s")
}

// any returns an expression of a random type.
func (g exprGen) any(depth int) Expr {
	switch g.pick(4) {
	case 0:
		return g.intExpr(depth)
	case 1:
		return g.floatExpr(depth)
	case 2:
		return g.boolExpr(depth)
	}
	return g.strExpr(depth)
}

// refFilterProject computes Filter(pred).SelectExprs(exprs...) row by row.
func refFilterProject(t testing.TB, rows [][]any, pred Expr, exprs []Expr) [][]any {
	t.Helper()
	p, err := bind(pred.node(), testSchema)
	if err != nil {
		t.Fatalf("bind %s: %v", pred, err)
	}
	bound := make([]exprNode, len(exprs))
	for i, e := range exprs {
		if bound[i], err = bind(e.node(), testSchema); err != nil {
			t.Fatalf("bind %s: %v", e, err)
		}
	}
	var out [][]any
	for _, row := range rows {
		keep, err := refEval(p, testSchema, row)
		if err != nil {
			t.Fatalf("reference %s: %v", pred, err)
		}
		if keep != true {
			continue
		}
		o := make([]any, len(bound))
		for i, b := range bound {
			if o[i], err = refEval(b, testSchema, row); err != nil {
				t.Fatalf("reference %s: %v", b, err)
			}
		}
		out = append(out, o)
	}
	return out
}

// TestExpressionsDifferential evaluates random filters and projections over
// random partitions, with nulls, in every execution mode, and compares each
// result with the row-by-row reference.
func TestExpressionsDifferential(t *testing.T) {
	const cases = 60
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(m.name))))
			g := exprGen{r: r}
			for c := range cases {
				func() {
					mem, opts := checked(t, m)
					recs := randomRecords(mem, r, 1+r.IntN(6), 150)
					defer func() {
						for _, rec := range recs {
							rec.Release()
						}
					}()
					pred := g.boolExpr(r.IntN(3))
					var exprs []Expr
					for k := range 1 + r.IntN(3) {
						exprs = append(exprs, g.any(r.IntN(4)).As(fmt.Sprintf("x%d", k)))
					}
					df := FromRecords(recs...).Filter(pred).SelectExprs(exprs...)
					want := refFilterProject(t, rowsOf(t, recs...), pred, exprs)
					compareFrame(t, df, opts, want, fmt.Sprintf("case %d: filter %s select %v", c, pred, exprs))
				}()
			}
		})
	}
}

// compareFrame computes df and compares its rows with want.
func compareFrame(t *testing.T, df *Frame, opts []scheduler.Option, want [][]any, what string) {
	t.Helper()
	tbl, err := df.Compute(context.Background(), opts...)
	if err != nil {
		t.Fatalf("%s: Compute: %v", what, err)
	}
	defer tbl.Release()
	got := tableRows(t, tbl)
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rows, want %d", what, len(got), len(want))
	}
	for i := range got {
		for j := range got[i] {
			if !sameValue(got[i][j], want[i][j]) {
				t.Fatalf("%s: row %d column %d: got %#v, want %#v\nplan:\n%s", what, i, j, got[i][j], want[i][j], df.Explain())
			}
		}
	}
}

// TestTypeErrors checks that mistakes are found when the plan is built and
// name the expression and the column.
func TestTypeErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := randomRecords(mem, rand.New(rand.NewPCG(2, 2)), 1, 5)
	defer recs[0].Release()
	df := FromRecords(recs...)
	for _, tc := range []struct {
		name string
		f    *Frame
		want string
		is   error
	}{
		{"unknown column", df.Filter(Col("nope").Gt(Lit(1))), `unknown column "nope"`, ErrColumn},
		{"string plus int", df.WithColumns(Lit("a").Add(Lit(1)).As("x")), `cannot apply + to literal "a" string and literal 1 int64 (use Concat to join strings)`, ErrType},
		{"compare float with string", df.Filter(Col("f").Gt(Lit("a"))), `cannot compare column "f" float64 with literal "a" string`, ErrType},
		{"filter on int", df.Filter(Col("i")), `the condition has type int64, not bool`, ErrType},
		{"and of ints", df.Filter(Col("i").And(Col("b"))), `column "i" has type int64, not bool`, ErrType},
		{"lower of int", df.WithColumns(Col("i").Lower()), `column "i" has type int64, not a string`, ErrType},
		{"hour of date", df.WithColumns(Col("d").Hour()), `has type date32, which has no hour`, ErrType},
		{"negative substring", df.WithColumns(Col("s").Substring(1, -1)), `negative length -1`, ErrType},
		{"bad literal", df.WithColumns(Lit(struct{}{}).As("x")), `unsupported literal type struct {}`, nil},
		{"duplicate output", df.SelectExprs(Col("i"), Col("j").As("i")), `column "i" is computed twice`, nil},
		{"rename unknown", df.Rename(map[string]string{"zz": "y"}), `unknown column "zz"`, ErrColumn},
		{"rename clash", df.Rename(map[string]string{"i": "j"}), `two columns named "j"`, nil},
		{"drop unknown", df.Drop("zz"), `unknown column "zz"`, ErrColumn},
		{"negative head", df.Head(-1), `negative row count`, nil},
		{"error passes on", df.Filter(Col("nope")).Select("i").Head(3), `unknown column "nope"`, ErrColumn},
		{"concat mismatch", df.Concat(df.Select("i")), `has 1 columns`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Err()
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %q, want it to contain %q", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if _, cerr := tc.f.Compute(context.Background()); cerr != err {
				t.Errorf("Compute: got %v, want the recorded error", cerr)
			}
		})
	}
}
