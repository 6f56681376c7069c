package frame

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/memory"

	dio "github.com/dusk-go/dusk/io"
	"github.com/dusk-go/dusk/scheduler"
)

// TestWriteReadRoundTrip writes random partitions in each format, reads the
// directory back, and compares the rows, in every execution mode.
func TestWriteReadRoundTrip(t *testing.T) {
	ctx := context.Background()
	formats := []struct {
		name  string
		write func(df *Frame, dir string, mem memory.Allocator, opts []scheduler.Option) ([]string, error)
		read  func(dir string) *Frame
	}{
		{"parquet", func(df *Frame, dir string, _ memory.Allocator, opts []scheduler.Option) ([]string, error) {
			return df.WriteParquet(ctx, dir, ParquetWriteOptions{}, opts...)
		}, func(dir string) *Frame { return ReadParquet(ctx, dir) }},
		{"ipc", func(df *Frame, dir string, _ memory.Allocator, opts []scheduler.Option) ([]string, error) {
			return df.WriteIPC(ctx, dir, IPCWriteOptions{}, opts...)
		}, func(dir string) *Frame { return ReadIPC(ctx, dir) }},
		{"csv", func(df *Frame, dir string, _ memory.Allocator, opts []scheduler.Option) ([]string, error) {
			return df.WriteCSV(ctx, dir, CSVWriteOptions{}, opts...)
		}, func(dir string) *Frame { return ReadCSV(ctx, dir, CSVOptions{Schema: csvSchema}) }},
	}
	for _, f := range formats {
		for _, m := range executionModes() {
			t.Run(f.name+"/"+m.name, func(t *testing.T) {
				mem, opts := checked(t, m)
				recs := randomRecords(mem, rand.New(rand.NewPCG(11, 12)), 5, 300)
				defer func() {
					for _, r := range recs {
						r.Release()
					}
				}()
				df := FromRecords(recs...)
				if f.name == "csv" {
					df = df.Select(csvColumns...)
				}
				dir := t.TempDir()
				paths, err := f.write(df, dir, mem, opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(paths) != len(recs) {
					t.Errorf("got %d files, want %d", len(paths), len(recs))
				}
				// No temporary file is left beside the parts.
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					if !strings.HasPrefix(e.Name(), "part-") {
						t.Errorf("unexpected file %s in the output directory", e.Name())
					}
				}
				want := [][]any{}
				for _, r := range rowsOf(t, recs...) {
					want = append(want, pickColumns(r, df.Columns()))
				}
				compareFrame(t, f.read(dir), opts, want, f.name+" round trip")
				// Writing again into the same directory is refused.
				if _, err := f.write(df, dir, mem, opts); err == nil || !strings.Contains(err.Error(), "already holds") {
					t.Errorf("second write: got %v, want an error about existing part files", err)
				}
			})
		}
	}
}

// csvColumns are the columns of testSchema that CSV keeps exactly (float32
// is read back as float64, and CSV does not tell an empty string from a
// null the way the other formats do).
var csvColumns = []string{"i", "f", "b", "d", "ts"}

var csvSchema = arrow.NewSchema([]arrow.Field{
	testSchema.Field(0), testSchema.Field(2), testSchema.Field(5), testSchema.Field(6), testSchema.Field(7),
}, nil)

func pickColumns(row []any, names []string) []any {
	var out []any
	for _, n := range names {
		out = append(out, row[testSchema.FieldIndices(n)[0]])
	}
	return out
}

// TestParquetPushdown checks that a filter on a Parquet dataset is pushed
// into the scan, that row groups are skipped, and that the result is right.
func TestParquetPushdown(t *testing.T) {
	ctx := context.Background()
	for _, m := range executionModes() {
		t.Run(m.name, func(t *testing.T) {
			mem, opts := checked(t, m)
			recs := randomRecords(mem, rand.New(rand.NewPCG(13, 14)), 6, 300)
			defer func() {
				for _, r := range recs {
					r.Release()
				}
			}()
			dir := filepath.Join(t.TempDir(), "pq")
			if _, err := FromRecords(recs...).Filter(Col("i").IsNotNull()).Select("i", "s").WriteParquet(ctx, dir, ParquetWriteOptions{}, opts...); err != nil {
				t.Fatal(err)
			}
			df := ReadParquet(ctx, dir).Filter(Col("i").Gt(Lit(15)))
			if !strings.Contains(df.Explain(), "pushed=[i > 15]") {
				t.Errorf("the predicate was not pushed into the scan:\n%s", df.Explain())
			}
			var want [][]any
			for _, r := range rowsOf(t, recs...) {
				if v, ok := r[0].(int64); ok && v > 15 {
					want = append(want, []any{v, r[4]})
				}
			}
			compareFrame(t, df, opts, want, "pushdown")
		})
	}
}

// TestReadErrors checks the errors of readers reach the frame with the
// file's name.
func TestReadErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("a,b\n1,2\n3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.parquet")
	if err := os.WriteFile(empty, []byte("PAR1garbagePAR1"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    *Frame
		want []string
	}{
		{"missing", ReadCSV(ctx, filepath.Join(dir, "nope.csv")), []string{"nope.csv"}},
		{"corrupt parquet", ReadParquet(ctx, empty), []string{"empty.parquet"}},
		{"unknown column over a file", ReadCSV(ctx, bad).Select("c"), []string{`unknown column "c"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f.Err()
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	// A malformed row is found while computing, with its line.
	_, err := ReadCSV(ctx, bad).Compute(ctx)
	if err == nil || !strings.Contains(err.Error(), "bad.csv:3") {
		t.Errorf("got %v, want an error naming bad.csv:3", err)
	}
	var ce *dio.CSVError
	if !errors.As(err, &ce) {
		t.Errorf("got %T, want a *io.CSVError inside", err)
	}
}
