// Package dashboard shows what dusk computations do: a Recorder observes
// them (it is a scheduler.Observer and scheduler.MemoryObserver) and keeps,
// per run, the task stream (operation, worker, start, end, result bytes,
// error), the tasks done and in all per operation, the memory figures over
// time (resident, spilled and read-back bytes against the limit) and the busy
// time of every worker.
//
// # Views
//
// Recorder.Serve starts a live dashboard: one self-contained page (HTML,
// CSS and JavaScript embedded in the binary, no external assets, so it works
// offline) that polls /api/state every 500 ms and draws the task stream (a
// row per worker, a bar per task coloured by operation), progress bars per
// operation, memory over time as a line chart and the workers' utilisation.
// It listens on 127.0.0.1:8787 unless told otherwise, only answers GET and
// HEAD, and Server.Close stops it.
//
// Setting DUSK_DASHBOARD to an address serves the dashboard of every
// computation in the process, with no code: the package registers its
// Recorder with scheduler.RegisterProcessObserver, and frame and array
// import it. The server starts with the first scheduler made; an address
// that cannot be served is logged (slog, warning) and the computations run
// without it. FromEnv returns that Recorder and Server.
//
// Recorder.WriteReport writes the same views, with the data inlined as
// JSON, to one HTML file to share after the computations have finished;
// Recorder.Summary returns a plain-text summary.
//
// # Use with frames and arrays
//
// Pass the Recorder to the computation with scheduler.WithObserver:
//
//	rec := dashboard.NewRecorder()
//	srv, err := rec.Serve("") // http://127.0.0.1:8787/
//	if err != nil {
//		return err
//	}
//	defer srv.Close()
//	table, err := df.Compute(ctx, scheduler.WithObserver(rec))
//	...
//	fmt.Print(rec.Summary())
//	err = rec.WriteReport("run.html")
//
// The same option works for arrays (x.Compute(ctx, ...)), for Map, the
// streams and delayed calls, and for scheduler.New.
//
// # Ownership and cost
//
// The Recorder copies what it keeps from the events (keys and error
// messages as strings): it holds no task values and no reference to the
// computation, which is unaffected by the dashboard and may end before it.
// Workers call the observer methods concurrently; each takes a mutex for a
// short, bounded time and never blocks on the server or a browser. Memory is
// bounded: at most DefaultMaxTasks task records (SetMaxTasks changes it),
// the oldest dropped first while the per operation counts and times keep
// summarising them, at most 4096 memory samples per run and 256 runs. One
// Recorder may observe many computations, concurrently or one after another:
// each is a run.
package dashboard
