package graph

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// trickyDiamond is a diamond whose keys and operations hold what each format
// must escape: quotes, backslashes, brackets, newlines, HTML and Mermaid
// entity syntax.
func trickyDiamond(t testing.TB) *Graph {
	t.Helper()
	var b Builder
	top := b.Add(K(`read "data".csv`, 0), nop, Hints{Op: `frame: read_csv("C:\data\*.csv")`})
	left := b.Add(K("filter[x > 1]", 0), nop, Hints{Op: "frame: filter(x > 1)\n& keep nulls"}, top)
	right := b.Add(Single("map{`y`} #1"), nop, Hints{Op: "#quot; is <b>not</b> a quote; tab\there"}, top)
	sink := b.Add(Single("sum\r\nall"), nop, Hints{}, left, right, left)
	b.Output(sink, left, sink)
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestExportGolden(t *testing.T) {
	empty, err := (&Builder{}).Build()
	if err != nil {
		t.Fatal(err)
	}
	graphs := []struct {
		name string
		g    *Graph
	}{
		{"diamond", trickyDiamond(t)},
		{"empty", empty},
	}
	formats := []struct {
		ext   string
		write func(*Graph, *bytes.Buffer) error
		str   func(*Graph) string
		line  *regexp.Regexp // every line is one of these
	}{
		{
			ext:   "dot",
			write: func(g *Graph, w *bytes.Buffer) error { return g.WriteDOT(w) },
			str:   (*Graph).DOT,
			line: regexp.MustCompile(`^(digraph dusk \{|\tnode \[shape=box\];|}|` +
				`\tt\d+ \[label="(?:[^"\\\n]|\\.)*"(?:, peripheries=2, style=bold)?\];|` +
				`\tt\d+ -> t\d+;)$`),
		},
		{
			ext:   "mmd",
			write: func(g *Graph, w *bytes.Buffer) error { return g.WriteMermaid(w) },
			str:   (*Graph).Mermaid,
			line: regexp.MustCompile(`^(flowchart TD|\tt\d+\["[^"<>&` + "`" + `\n]*(?:<br/>[^"<>&` + "`" + `\n]*)*"\]|` +
				`\tt\d+ --> t\d+|\tclassDef output .*;|\tclass t\d+ output;)$`),
		},
	}
	for _, gr := range graphs {
		for _, f := range formats {
			name := gr.name + "." + f.ext
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := f.write(gr.g, &buf); err != nil {
					t.Fatalf("write: %v", err)
				}
				got := buf.String()
				if s := f.str(gr.g); s != got {
					t.Errorf("string form: got %q, want %q", s, got)
				}
				for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
					if !f.line.MatchString(l) {
						t.Errorf("line %d: got %q, want a well-formed %s line", i+1, l, f.ext)
					}
				}
				path := filepath.Join("testdata", name+".golden")
				if *update {
					if err := os.MkdirAll("testdata", 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("got:\n%s\nwant:\n%s", got, want)
				}
			})
		}
	}
}

func TestExportDeterministic(t *testing.T) {
	a, b := trickyDiamond(t), trickyDiamond(t)
	if got, want := a.DOT(), b.DOT(); got != want {
		t.Errorf("DOT of equal graphs: got %q, want %q", got, want)
	}
	if got, want := a.Mermaid(), b.Mermaid(); got != want {
		t.Errorf("Mermaid of equal graphs: got %q, want %q", got, want)
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct {
		in, dot, mermaid string
	}{
		{"plain[0]", "plain[0]", "plain[0]"},
		{`say "hi"`, `say \"hi\"`, "say #quot;hi#quot;"},
		{`back\slash`, `back\\slash`, `back\slash`},
		{"two\nlines", `two\nlines`, "two<br/>lines"},
		{"crlf\r\nend", `crlf\nend`, "crlf<br/>end"},
		{"tab\tand\x00nul", "tab and nul", "tab and nul"},
		{"<b>&amp;</b>", "<b>&amp;amp;</b>", "#lt;b#gt;#amp;amp;#lt;/b#gt;"},
		{"#quot; #35;", "#quot; #35;", "#35;quot; #35;35;"},
		{"`md`", "`md`", "#96;md#96;"},
		{"naïve ✓", "naïve ✓", "naïve ✓"},
		{"bad\xffbyte", "bad\uFFFDbyte", "bad\uFFFDbyte"},
	}
	for _, tt := range tests {
		if got := string(appendDOTText(nil, tt.in)); got != tt.dot {
			t.Errorf("DOT text of %q: got %q, want %q", tt.in, got, tt.dot)
		}
		if got := string(appendMermaidText(nil, tt.in)); got != tt.mermaid {
			t.Errorf("Mermaid text of %q: got %q, want %q", tt.in, got, tt.mermaid)
		}
	}
}

var errBoom = errors.New("boom")

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit, written int
	calls          int // writes made after the first failure
	failed         bool
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.failed {
		w.calls++
	}
	if w.written+len(p) > w.limit {
		n := w.limit - w.written
		w.written = w.limit
		w.failed = true
		return n, errBoom
	}
	w.written += len(p)
	return len(p), nil
}

// chain returns a graph of n tasks, each depending on the one before.
func chain(t testing.TB, n int) *Graph {
	t.Helper()
	b := NewBuilder(n)
	prev := b.Add(K("chain", 0), nop, Hints{Op: "step"})
	for i := 1; i < n; i++ {
		prev = b.Add(K("chain", i), nop, Hints{Op: "step"}, prev)
	}
	g, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestExportWriteErrors(t *testing.T) {
	small, large := trickyDiamond(t), chain(t, 20000)
	writers := []struct {
		name  string
		write func(*Graph, *failingWriter) error
		str   func(*Graph) string
	}{
		{"DOT", func(g *Graph, w *failingWriter) error { return g.WriteDOT(w) }, (*Graph).DOT},
		{"Mermaid", func(g *Graph, w *failingWriter) error { return g.WriteMermaid(w) }, (*Graph).Mermaid},
	}
	for _, wr := range writers {
		for _, tc := range []struct {
			name  string
			g     *Graph
			limit int
		}{
			{"small graph, fails at once", small, 0},
			{"small graph, fails on the last byte", small, len(wr.str(small)) - 1},
			{"large graph, fails at once", large, 0},
			{"large graph, fails midway", large, len(wr.str(large)) / 2},
			{"large graph, fails near the end", large, len(wr.str(large)) - 10},
		} {
			t.Run(wr.name+"/"+tc.name, func(t *testing.T) {
				w := &failingWriter{limit: tc.limit}
				err := wr.write(tc.g, w)
				if !errors.Is(err, errBoom) {
					t.Fatalf("error: got %v, want %v", err, errBoom)
				}
				if w.calls != 0 {
					t.Errorf("writes after the failure: got %v, want 0", w.calls)
				}
			})
		}
		t.Run(wr.name+"/large graph streams whole", func(t *testing.T) {
			want := wr.str(large)
			w := &failingWriter{limit: len(want)}
			if err := wr.write(large, w); err != nil {
				t.Fatalf("error: got %v, want nil", err)
			}
			if got := w.written; got != len(want) {
				t.Errorf("bytes written: got %v, want %v", got, len(want))
			}
		})
	}
}

func TestExportOutputsMarkedOnce(t *testing.T) {
	g := trickyDiamond(t) // outputs: sink, left, sink
	mmd := g.Mermaid()
	for id, want := range []int{0, 1, 0, 1} {
		line := "\tclass t" + strconv.Itoa(id) + " output;\n"
		if got := strings.Count(mmd, line); got != want {
			t.Errorf("Mermaid %q lines: got %v, want %v", strings.TrimSpace(line), got, want)
		}
	}
	dot := g.DOT()
	if got, want := strings.Count(dot, "peripheries=2"), 2; got != want {
		t.Errorf("DOT outputs marked: got %v, want %v", got, want)
	}
}
