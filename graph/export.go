package graph

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteDOT writes the graph in Graphviz DOT. Each task is a box node named
// t<ID> and labelled with its key and, on a second line, its operation;
// edges go from a dependency to its dependent, once per dependency edge;
// outputs are drawn bold with a double border. The output is deterministic
// (in ID order) and is streamed through a buffer, so graphs of any size can be
// written. It returns the first error of w.
func (g *Graph) WriteDOT(w io.Writer) error {
	return g.write(w, graphFormat{
		header:    "digraph dusk {\n\tnode [shape=box];\n",
		openLabel: ` [label="`,
		lineBreak: `\n`,
		escape:    appendDOTText,
		closeLabel: func(b []byte, output bool) []byte {
			b = append(b, '"')
			if output {
				b = append(b, ", peripheries=2, style=bold"...)
			}
			return append(b, "];\n"...)
		},
		arrow:   " -> t",
		edgeEnd: ";\n",
		footer: func(b []byte, _ []bool) []byte {
			return append(b, "}\n"...)
		},
	})
}

// WriteMermaid writes the graph as a Mermaid flowchart. Each task is a node
// named t<ID> whose text is its key and, on a second line, its operation;
// edges go from a dependency to its dependent, once per dependency edge;
// outputs belong to the class "output", drawn bold with a thick border. The
// output is deterministic (in ID order) and is streamed through a buffer, so
// graphs of any size can be written. It returns the first error of w.
func (g *Graph) WriteMermaid(w io.Writer) error {
	return g.write(w, graphFormat{
		header:    "flowchart TD\n",
		openLabel: `["`,
		lineBreak: "<br/>",
		escape:    appendMermaidText,
		closeLabel: func(b []byte, _ bool) []byte {
			return append(b, "\"]\n"...)
		},
		arrow:   " --> t",
		edgeEnd: "\n",
		footer: func(b []byte, out []bool) []byte {
			if len(out) == 0 {
				return b
			}
			b = append(b, "\tclassDef output stroke-width:3px,font-weight:bold;\n"...)
			// One class statement per line keeps lines short on graphs with
			// many outputs; IDs in increasing order, each once.
			for id, isOut := range out {
				if isOut {
					b = append(b, "\tclass t"...)
					b = strconv.AppendInt(b, int64(id), 10)
					b = append(b, " output;\n"...)
				}
			}
			return b
		},
	})
}

// graphFormat is the syntax of one picture format.
type graphFormat struct {
	header     string
	openLabel  string // after a node's name, before its text
	lineBreak  string // between the key and the operation
	escape     func([]byte, string) []byte
	closeLabel func(b []byte, output bool) []byte
	arrow      string // between two node names of an edge, up to the second's "t"
	edgeEnd    string
	// footer appends what follows the edges; out is nil when the graph has
	// no outputs.
	footer func(b []byte, out []bool) []byte
}

// write streams the graph in format f: the nodes in ID order, then the
// edges in ID order of their dependents, then the footer.
func (g *Graph) write(w io.Writer, f graphFormat) error {
	var out []bool
	if len(g.outputs) > 0 {
		out = g.outputSet()
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(f.header); err != nil {
		return err
	}
	var line []byte
	for id := range g.keys {
		line = append(line[:0], "\tt"...)
		line = strconv.AppendInt(line, int64(id), 10)
		line = append(line, f.openLabel...)
		line = f.escape(line, g.keys[id].String())
		if op := g.Op(ID(id)); op != "" {
			line = append(line, f.lineBreak...)
			line = f.escape(line, op)
		}
		line = f.closeLabel(line, out != nil && out[id])
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	for id := range g.keys {
		line = line[:0]
		for _, d := range g.Deps(ID(id)) {
			line = append(line, "\tt"...)
			line = strconv.AppendInt(line, int64(d), 10)
			line = append(line, f.arrow...)
			line = strconv.AppendInt(line, int64(id), 10)
			line = append(line, f.edgeEnd...)
		}
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	if _, err := bw.Write(f.footer(line[:0], out)); err != nil {
		return err
	}
	return bw.Flush()
}

// DOT returns the graph in Graphviz DOT, as written by [Graph.WriteDOT].
func (g *Graph) DOT() string {
	var sb strings.Builder
	_ = g.WriteDOT(&sb) // a strings.Builder never fails
	return sb.String()
}

// Mermaid returns the graph as a Mermaid flowchart, as written by
// [Graph.WriteMermaid].
func (g *Graph) Mermaid() string {
	var sb strings.Builder
	_ = g.WriteMermaid(&sb) // a strings.Builder never fails
	return sb.String()
}

// outputSet reports, per task, whether it is an output.
func (g *Graph) outputSet() []bool {
	out := make([]bool, len(g.keys))
	for _, o := range g.outputs {
		out[o] = true
	}
	return out
}

// appendDOTText appends s escaped for the inside of a DOT double-quoted label:
// quotes and backslashes are escaped (a backslash would otherwise start a
// label escape such as \N), '&' becomes &amp; (Graphviz reads entities such
// as &lt; in every label), a newline becomes the \n line break, carriage
// returns are dropped, other control characters become spaces and invalid
// UTF-8 becomes U+FFFD.
func appendDOTText(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, `\"`...)
		case r == '\\':
			b = append(b, `\\`...)
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
		case r < 0x20 || r == 0x7f:
			b = append(b, ' ')
		default:
			b = utf8.AppendRune(b, r) // RuneError for invalid bytes
		}
	}
	return b
}

// appendMermaidText appends s escaped for the inside of a quoted Mermaid node
// text. Characters that Mermaid or the HTML it renders to would interpret are
// written as Mermaid entity codes: the quote as #quot;, '#' (which starts an
// entity code) as #35;, '<', '>' and '&' as #lt;, #gt; and #amp;, and the
// backquote (which starts a markdown string) as #96;. A newline becomes a
// <br/> line break, carriage returns are dropped, other control characters
// become spaces and invalid UTF-8 becomes U+FFFD.
func appendMermaidText(b []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, "#quot;"...)
		case r == '#':
			b = append(b, "#35;"...)
		case r == '<':
			b = append(b, "#lt;"...)
		case r == '>':
			b = append(b, "#gt;"...)
		case r == '&':
			b = append(b, "#amp;"...)
		case r == '`':
			b = append(b, "#96;"...)
		case r == '\n':
			b = append(b, "<br/>"...)
		case r == '\r':
		case r < 0x20 || r == 0x7f:
			b = append(b, ' ')
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}
