package frame

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/dusk-go/dusk/scheduler"
)

var update = flag.Bool("update", false, "rewrite the golden files of EXPLAIN")

// TestOperations runs each frame operation in every execution mode over
// random partitions and compares the rows with a plain computation.
func TestOperations(t *testing.T) {
	col := func(name string) int { return testSchema.FieldIndices(name)[0] }
	pick := func(rows [][]any, cols ...string) [][]any {
		out := make([][]any, len(rows))
		for i, r := range rows {
			for _, c := range cols {
				out[i] = append(out[i], r[col(c)])
			}
		}
		return out
	}
	all := testSchema.Fields()
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = f.Name
	}
	for _, tc := range []struct {
		name string
		f    func(df *Frame) *Frame
		want func(rows [][]any) [][]any
	}{
		{"identity", func(df *Frame) *Frame { return df }, func(rows [][]any) [][]any { return rows }},
		{"select", func(df *Frame) *Frame { return df.Select("ts", "i") },
			func(rows [][]any) [][]any { return pick(rows, "ts", "i") }},
		{"drop", func(df *Frame) *Frame { return df.Drop("f", "g", "s") },
			func(rows [][]any) [][]any { return pick(rows, "i", "j", "b", "d", "ts") }},
		{"rename", func(df *Frame) *Frame { return df.Rename(map[string]string{"i": "k"}).Select("k", "j") },
			func(rows [][]any) [][]any { return pick(rows, "i", "j") }},
		{"with columns replaces in place", func(df *Frame) *Frame {
			return df.WithColumns(Col("i").FillNull(Lit(-1)).As("i")).Select("i", "j")
		}, func(rows [][]any) [][]any {
			out := pick(rows, "i", "j")
			for _, r := range out {
				if r[0] == nil {
					r[0] = int64(-1)
				}
			}
			return out
		}},
		{"head", func(df *Frame) *Frame { return df.Head(17) },
			func(rows [][]any) [][]any { return rows[:min(17, len(rows))] }},
		{"head 0", func(df *Frame) *Frame { return df.Head(0) },
			func(rows [][]any) [][]any { return nil }},
		{"filter then head then filter", func(df *Frame) *Frame {
			return df.Filter(Col("b")).Head(20).Filter(Col("i").Gt(Lit(0))).Select("i")
		}, func(rows [][]any) [][]any {
			var kept [][]any
			for _, r := range rows {
				if r[col("b")] == true && len(kept) < 20 {
					kept = append(kept, r)
				}
			}
			var out [][]any
			for _, r := range kept {
				if v, ok := r[col("i")].(int64); ok && v > 0 {
					out = append(out, []any{v})
				}
			}
			return out
		}},
		{"concat with itself", func(df *Frame) *Frame { return df.Concat(df.Filter(Col("b").Not())).Select("i") },
			func(rows [][]any) [][]any {
				out := pick(rows, "i")
				for _, r := range rows {
					if r[col("b")] == false {
						out = append(out, []any{r[col("i")]})
					}
				}
				return out
			}},
		{"filter false", func(df *Frame) *Frame { return df.Filter(Lit(false)) },
			func(rows [][]any) [][]any { return nil }},
	} {
		for _, m := range executionModes() {
			t.Run(tc.name+"/"+m.name, func(t *testing.T) {
				mem, opts := checked(t, m)
				r := rand.New(rand.NewPCG(3, 4))
				recs := randomRecords(mem, r, 7, 200)
				defer func() {
					for _, rec := range recs {
						rec.Release()
					}
				}()
				compareFrame(t, tc.f(FromRecords(recs...)), opts, tc.want(rowsOf(t, recs...)), tc.name)
			})
		}
	}
}

func TestSelectTwiceIsAnError(t *testing.T) {
	df := testScan(t).Select("s", "i", "s")
	if err := df.Err(); err == nil || !strings.Contains(err.Error(), `column "s" is computed twice`) {
		t.Errorf("got %v, want an error about column s", err)
	}
}

// TestFromTable checks partitions of a table never cross its chunks and
// the rows come back in order.
func TestFromTable(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			mem, opts := checked(t, m)
			recs := randomRecords(mem, rand.New(rand.NewPCG(5, 6)), 5, 300)
			tbl := array.NewTableFromRecords(testSchema, recs)
			for _, r := range recs {
				r.Release()
			}
			defer tbl.Release()
			want := tableRows(t, tbl)
			for _, rows := range []int64{0, 1, 7, 1000} {
				df := FromTable(tbl, rows)
				compareFrame(t, df.Filter(Lit(true)), opts, want, "FromTable")
			}
		})
	}
}

// TestStream checks that Stream yields the partitions in order and stops
// cleanly when the loop breaks.
func TestStream(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			mem, opts := checked(t, m)
			recs := randomRecords(mem, rand.New(rand.NewPCG(7, 8)), 9, 400)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			df := FromRecords(recs...).Filter(Col("i").IsNotNull()).Select("i", "s")
			want := refFilterProject(t, rowsOf(t, recs...), Col("i").IsNotNull(), []Expr{Col("i"), Col("s")})
			var got [][]any
			parts := 0
			for rec, err := range df.Stream(context.Background(), opts...) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, rowsOf(t, rec)...)
				rec.Release()
				parts++
			}
			if parts != len(recs) {
				t.Errorf("got %d partitions, want %d", parts, len(recs))
			}
			if len(got) != len(want) {
				t.Fatalf("got %d rows, want %d", len(got), len(want))
			}
			for i := range got {
				if !slices.Equal(got[i], want[i]) {
					t.Fatalf("row %d: got %v, want %v", i, got[i], want[i])
				}
			}
			// Breaking out early leaves nothing behind (the checked
			// allocator and goleak verify it).
			for rec, err := range df.Stream(context.Background(), opts...) {
				if err != nil {
					t.Fatal(err)
				}
				rec.Release()
				break
			}
			// A plan with a boundary streams too.
			n := 0
			for rec, err := range df.Head(5).Stream(context.Background(), opts...) {
				if err != nil {
					t.Fatal(err)
				}
				n += int(rec.NumRows())
				rec.Release()
			}
			if n != min(5, len(want)) {
				t.Errorf("head(5) streamed %d rows", n)
			}
		})
	}
}

// TestRuntimeErrorNamesPartition checks that an error while computing names
// the operation and partition, and releases everything.
func TestRuntimeErrorNamesPartition(t *testing.T) {
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			mem, opts := checked(t, m)
			b := array.NewRecordBuilder(mem, arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil))
			b.Field(0).(*array.StringBuilder).AppendValues([]string{"1", "2", "x3"}, nil)
			bad := b.NewRecord()
			b.Field(0).(*array.StringBuilder).AppendValues([]string{"4"}, nil)
			good := b.NewRecord()
			b.Release()
			defer bad.Release()
			defer good.Release()
			df := FromRecords(good, bad).WithColumns(Col("s").Cast(arrow.PrimitiveTypes.Int64).As("n"))
			_, err := df.Compute(context.Background(), opts...)
			if err == nil {
				t.Fatal("got no error")
			}
			var te *scheduler.TaskError
			if !errors.As(err, &te) {
				t.Fatalf("got %T %v, want a *scheduler.TaskError", err, err)
			}
			for _, want := range []string{"partition 1", `"x3"`, "cast(s as int64)"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// TestExplainGolden checks EXPLAIN against golden files; -update rewrites
// them.
func TestExplainGolden(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	recs := randomRecords(mem, rand.New(rand.NewPCG(9, 9)), 4, 40)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	df := FromRecords(recs...)
	for _, tc := range []struct {
		name string
		f    *Frame
	}{
		{"filter_project", df.Filter(Col("f").Gt(Lit(10)).And(Col("s").StartsWith("a"))).
			WithColumns(Col("f").Mul(Col("i")).As("tip")).Select("s", "tip")},
		{"head_concat", df.Concat(df).Filter(Col("b")).Head(5).Select("d")},
		{"error", df.Filter(Col("zz"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.f.Explain()
			path := filepath.Join("testdata", "explain", tc.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestBadSources checks inputs that must give errors, not panics.
func TestBadSources(t *testing.T) {
	if err := FromRecords(nil).Err(); err == nil || !strings.Contains(err.Error(), "record 0 is nil") {
		t.Errorf("FromRecords(nil): got %v, want an error naming record 0", err)
	}
	// A source without columns still counts its rows.
	rec := array.NewRecord(arrow.NewSchema(nil, nil), nil, 3)
	defer rec.Release()
	tbl, err := FromRecords(rec).SelectExprs(Lit(1).As("one")).Compute(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 3 {
		t.Errorf("got %d rows, want 3", tbl.NumRows())
	}
}
