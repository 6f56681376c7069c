package progress

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// barLine is one line of the drawing; the zero value (no line, for example
// when the output failed) ignores every call.
type barLine struct{ b *mpb.Bar }

func (l barLine) set(n int64) {
	if l.b != nil {
		l.b.SetCurrent(n)
	}
}

// complete ends a line whose total was not known: its total becomes its
// count.
func (l barLine) complete() {
	if l.b != nil {
		l.b.SetTotal(-1, true)
	}
}

// stop ends a line where it is; a line already complete stays so.
func (l barLine) stop() {
	if l.b != nil {
		l.b.Abort(false)
	}
}

// writerOnly hides the writer's other methods from the drawing library, so
// that it draws at the width given rather than asking a terminal.
type writerOnly struct{ io.Writer }

func (b *Bar) newProgress() *mpb.Progress {
	var out io.Writer = writerOnly{b.out}
	if b.file != nil {
		out = b.file
	}
	return mpb.New(
		mpb.WithOutput(out),
		mpb.WithWidth(b.width),
		mpb.WithAutoRefresh(),
		mpb.WithRefreshRate(b.cfg.refresh),
	)
}

// draw is the drawer: it shows the computations that ran for the delay,
// copies their counters into the lines, ends the lines of finished
// computations and, once none is left, shuts the drawing down and exits.
func (b *Bar) draw(done chan struct{}) {
	var p *mpb.Progress
	defer func() {
		if e := recover(); e != nil {
			// The drawing must never take the program down: turn it off.
			b.broken.Store(true)
			if p != nil {
				func() {
					defer func() { _ = recover() }()
					p.Shutdown()
				}()
			}
			b.mu.Lock()
			b.order = nil
			b.drawing = false
			b.mu.Unlock()
		}
		close(done)
	}()
	tick := time.NewTicker(b.cfg.refresh)
	defer tick.Stop()
	for {
		b.mu.Lock()
		runs := slices.Clone(b.order)
		b.mu.Unlock()

		now := time.Now()
		gone := false
		for _, r := range runs {
			end := r.end.Load()
			if !r.shown {
				if end != nil && end.at.Sub(r.start) < b.cfg.delay {
					r.gone, gone = true, true // a short computation stays silent
					continue
				}
				if end == nil && now.Sub(r.start) < b.cfg.delay {
					continue
				}
				if p == nil {
					p = b.newProgress()
				}
				b.show(p, r)
			}
			b.update(p, r)
			if end != nil {
				finish(r, end.err)
				r.gone, gone = true, true
			}
		}

		b.mu.Lock()
		if gone {
			b.order = slices.DeleteFunc(b.order, func(r *run) bool { return r.gone })
		}
		visible := slices.ContainsFunc(b.order, func(r *run) bool { return r.shown })
		if p != nil && !visible {
			// Every drawn computation has ended: draw the last frame and
			// let the library's goroutines go.
			b.mu.Unlock()
			p.Wait()
			p = nil
			continue
		}
		if len(b.order) == 0 {
			b.drawing = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()

		select {
		case <-tick.C:
		case <-b.notify:
		}
	}
}

// show adds the lines of r: a heading, then one line per operation.
func (b *Bar) show(p *mpb.Progress, r *run) {
	r.shown = true
	r.shownN = make(map[*opState]bool)
	r.header = add(p, 0, mpb.NopStyle().Build(),
		mpb.BarFillerTrim(),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return r.heading() })),
	)
	for _, o := range r.order {
		b.showOp(p, r, o)
	}
}

func (b *Bar) showOp(p *mpb.Progress, r *run, o *opState) {
	r.shownN[o] = true
	bytes := decor.Any(func(decor.Statistics) string { return formatBytes(o.bytes.Load()) }, decor.WCSyncSpace)
	name := decor.Name("  "+o.name, decor.WCSyncSpaceR)
	if o.total >= 0 {
		o.line = add(p, int64(o.total), mpb.BarStyle().Build(),
			mpb.PrependDecorators(name),
			mpb.AppendDecorators(decor.CountersNoUnit("%d/%d", decor.WCSyncWidth), bytes),
		)
		return
	}
	o.line = add(p, 0, mpb.SpinnerStyle().Build(),
		mpb.BarFillerClearOnComplete(),
		mpb.PrependDecorators(name),
		mpb.AppendDecorators(decor.CurrentNoUnit("%d", decor.WCSyncWidth), bytes),
	)
}

// add adds a line, or none when the drawing has stopped (its output failed).
func add(p *mpb.Progress, total int64, f mpb.BarFiller, opts ...mpb.BarOption) barLine {
	l, err := p.Add(total, f, opts...)
	if err != nil {
		return barLine{}
	}
	return barLine{l}
}

// update copies r's counters into its lines and adds the lines of
// operations seen for the first time (streams announce none).
func (b *Bar) update(p *mpb.Progress, r *run) {
	var fresh []*opState
	r.extra.Range(func(_, v any) bool {
		if o := v.(*opState); !r.shownN[o] {
			fresh = append(fresh, o)
		}
		return true
	})
	slices.SortFunc(fresh, func(a, c *opState) int { return int(a.seq - c.seq) })
	for _, o := range fresh {
		b.showOp(p, r, o)
		r.order = append(r.order, o)
	}
	for _, o := range r.order {
		o.line.set(o.done.Load())
	}
}

// finish ends r's lines: complete when it succeeded, stopped where they are
// when it failed.
func finish(r *run, err error) {
	for _, o := range r.order {
		switch {
		case o.total < 0 && err == nil:
			o.line.complete()
		default:
			o.line.stop()
		}
	}
	r.header.complete()
}

// heading is the first line of a computation.
func (r *run) heading() string {
	var sb strings.Builder
	done := r.done.Load()
	if r.tasks >= 0 {
		fmt.Fprintf(&sb, "%d/%d tasks", done, r.tasks)
	} else {
		fmt.Fprintf(&sb, "%d tasks", done)
	}
	fmt.Fprintf(&sb, ", %s produced", formatBytes(r.bytes.Load()))
	if spilled, back := r.spilled.Load(), r.readBack.Load(); spilled > 0 || back > 0 {
		fmt.Fprintf(&sb, ", %s spilled, %s read back", formatBytes(spilled), formatBytes(back))
	}
	switch end := r.end.Load(); {
	case end == nil:
		fmt.Fprintf(&sb, " (%s)", time.Since(r.start).Truncate(time.Second))
	case end.err != nil:
		msg, _, _ := strings.Cut(end.err.Error(), "\n")
		fmt.Fprintf(&sb, ", failed: %s", msg)
	default:
		sb.WriteString(", done")
	}
	return sb.String()
}

// formatBytes writes n in binary units: 512 B, 1.5 KiB, 3.0 MiB.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
