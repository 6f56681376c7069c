package dashboard

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

var (
	//go:embed page.html
	pageHTML string
	//go:embed page.css
	pageCSS string
	//go:embed page.js
	pageJS string

	pageTmpl = template.Must(template.New("page").Parse(pageHTML))
)

// pageData fills page.html. Data is the inlined state of a report; nil
// makes a live page that polls /api/state.
type pageData struct {
	Title string
	Live  bool
	CSS   template.CSS
	JS    template.JS
	Data  *state
}

// renderPage renders the page with st inlined (a report), or a live page
// when st is nil.
func renderPage(st *state) ([]byte, error) {
	d := pageData{Title: "dusk dashboard", Live: st == nil, CSS: template.CSS(pageCSS), JS: template.JS(pageJS), Data: st}
	if st != nil {
		d.Title = "dusk report"
	}
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("dashboard: render page: %w", err)
	}
	return b.Bytes(), nil
}

// Report writes a self-contained HTML page of the computations recorded so
// far: the views of the live dashboard with every task record kept and
// every memory sample inlined as JSON. The page needs no network.
func (r *Recorder) Report(w io.Writer) error {
	st := r.snapshot(-1, false)
	b, err := renderPage(&st)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteReport writes Report's page to the file path, replacing it.
func (r *Recorder) WriteReport(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("dashboard: write report %s: %w", path, err)
	}
	err = r.Report(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("dashboard: write report %s: %w", path, err)
	}
	return nil
}

// Summary returns a plain-text summary of the computations recorded: per
// run its duration, workers and tasks, then per operation its tasks and
// summed task time (the most expensive first), then the bytes spilled and
// read back and the peak memory, for runs that had memory figures.
func (r *Recorder) Summary() string {
	st := r.snapshot(0, false)
	var b strings.Builder
	if len(st.Runs) == 0 {
		return "no computation recorded\n"
	}
	if st.DroppedRuns > 0 {
		fmt.Fprintf(&b, "(%d older runs dropped)\n", st.DroppedRuns)
	}
	for _, ru := range st.Runs {
		state := "in"
		if !ru.Finished {
			state = "running for"
		}
		tasks := plural(ru.Done, "task")
		if ru.Tasks >= 0 && ru.Tasks != ru.Done {
			tasks = fmt.Sprintf("%d of %s", ru.Done, plural(ru.Tasks, "task"))
		}
		fmt.Fprintf(&b, "run %d: %s %s %s, %s", ru.Run, tasks, state, duration(ru.Duration), plural(ru.Workers, "worker"))
		if ru.Failed > 0 {
			fmt.Fprintf(&b, ", %d failed", ru.Failed)
		}
		b.WriteString("\n")
		if ru.Err != "" {
			fmt.Fprintf(&b, "  error: %s\n", ru.Err)
		}
		ops := slices.Clone(ru.Ops)
		slices.SortStableFunc(ops, func(x, y opState) int {
			switch {
			case x.Time > y.Time:
				return -1
			case x.Time < y.Time:
				return 1
			}
			return strings.Compare(x.Op, y.Op)
		})
		tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
		fmt.Fprintf(tw, "  operation\ttasks\ttask time\n")
		for _, o := range ops {
			fmt.Fprintf(tw, "  %s\t%d\t%s\n", o.Op, o.Done, duration(o.Time))
		}
		_ = tw.Flush()
		if m := lastMemory(ru); m != nil {
			fmt.Fprintf(&b, "  memory: peak %s of a %s limit, spilled %s, read back %s\n",
				bytesText(m.Peak), bytesText(m.Limit), bytesText(m.SpilledTotal), bytesText(m.ReadBack))
		}
	}
	return b.String()
}

// lastMemory returns the final memory figures of a run, or its last
// sample, or nil when it has none worth showing.
func lastMemory(ru runState) *memState {
	m := ru.Final
	if n := len(ru.Memory); m == nil && n > 0 {
		m = &ru.Memory[n-1]
	}
	if m == nil || (m.Peak == 0 && m.SpilledTotal == 0) {
		return nil
	}
	return m
}

// plural returns n and the word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func duration(ms float64) string {
	return time.Duration(ms * float64(time.Millisecond)).Round(time.Microsecond).String()
}

// bytesText formats n bytes with a binary unit.
func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 5 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", f, "KMGTP"[i-1])
}
