// Package progress draws the progress of computations on a terminal.
//
// A [Bar] is a [scheduler.Observer]: pass it to a scheduler with
// [scheduler.WithObserver] and every computation that scheduler runs gets a
// group of lines, drawn on standard error or any writer:
//
//	128/200 tasks, 48.0 MiB produced, 12.0 MiB spilled, 3.0 MiB read back (4s)
//	  read-parquet(trips)  [====================================] 100/100 40.0 MiB
//	  filter               [==============>---------------------]  28/80   8.0 MiB
//	  sum                  [------------------------------------]   0/20     0 B
//
// The heading counts the computation's finished tasks and the bytes its
// tasks produced; when the computation runs under a memory limit
// ([scheduler.MemoryLimit]) and values were spilled, it also shows the
// bytes spilled to the store and read back. Below it, one line per operation shows the tasks done of
// the operation's total. Streaming computations do not know their length:
// their operations show a running count instead. When the computation
// ends, the lines are drawn one last time, complete, or stopped where they
// were with the error in the heading when a task failed.
//
// # When it draws
//
// Short computations stay silent: nothing is drawn for a computation that
// ends within the delay (one second by default, see [Delay]). The Bar draws
// only when its writer is a terminal; [Force](true) draws to any writer (tests,
// CI logs) and [Force](false) never draws. The width is the terminal's,
// followed as it is resized, or 80 columns when the terminal reports none;
// [Width] fixes it. [FromEnv] returns a Bar on standard error that the
// environment variable DUSK_PROGRESS turns off (0) or forces on (1).
//
// A Bar never slows or fails a computation: the workers only add to
// counters, the drawing happens on a goroutine of the Bar, which ends after
// the last computation finished (see [Bar.Wait]). One Bar may observe
// several computations at once, from one scheduler or several.
//
// # Usage
//
// With a scheduler:
//
//	s := scheduler.New(scheduler.WithObserver(progress.New(os.Stderr)))
//	out, err := s.Execute(ctx, g)
//
// Frames and arrays take scheduler options in Compute:
//
//	table, err := df.Compute(ctx, scheduler.WithObserver(progress.New(os.Stderr)))
//
// or, to let users turn it off with DUSK_PROGRESS=0:
//
//	res, err := arr.Compute(ctx, scheduler.WithObserver(progress.FromEnv()))
package progress
