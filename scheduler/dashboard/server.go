package dashboard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/dusk-go/dusk/scheduler"
)

// DefaultAddr is the address Serve listens on when given "".
const DefaultAddr = "127.0.0.1:8787"

// EnvVar is the environment variable FromEnv reads.
const EnvVar = "DUSK_DASHBOARD"

// Server is a running dashboard. Close stops it.
type Server struct {
	hs   *http.Server
	ln   net.Listener
	done chan struct{}
	once sync.Once
}

// Serve starts the live dashboard on addr: "" means DefaultAddr, and an
// address without a host (":8787", or just a port) listens on 127.0.0.1
// only; give a host, such as 0.0.0.0, to listen elsewhere. The page at /
// polls /api/state every 500 ms and draws the task stream, the progress of
// every operation, memory over time and the workers' utilisation. It is
// self-contained (no external assets) and read-only: only GET and HEAD are
// allowed.
//
// An address that cannot be listened on (one in use, say) is an error
// naming it. The server runs on its own goroutines and only reads the
// Recorder, so the computations it shows are unaffected by it.
func (r *Recorder) Serve(addr string) (*Server, error) {
	addr = listenAddr(addr)
	page, err := renderPage(nil)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dashboard: cannot listen on %s: %w", addr, err)
	}
	s := &Server{ln: ln, done: make(chan struct{})}
	s.hs = &http.Server{Handler: r.handler(page), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.hs.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

// listenAddr applies Serve's defaults to addr.
func listenAddr(addr string) string {
	if addr == "" {
		return DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		if _, perr := strconv.Atoi(addr); perr == nil {
			return net.JoinHostPort("127.0.0.1", addr)
		}
		return addr // net.Listen names the problem
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Addr returns the address the server listens on, such as
// "127.0.0.1:8787" (with the port chosen when it was given as 0).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL returns the dashboard's address as an http URL.
func (s *Server) URL() string { return "http://" + s.Addr() + "/" }

// closed reports whether the server has stopped.
func (s *Server) closed() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// Close stops the server: it closes the listener and every connection and
// returns once the server's goroutine has ended. Calling it again does
// nothing.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		err = s.hs.Close()
		<-s.done
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
	})
	return err
}

// FromEnv returns the process's dashboard when the environment variable
// DUSK_DASHBOARD holds an address (as Serve takes it), else nil, nil, nil.
// It is started once per address and shared: every scheduler made after
// this package is imported (frame and array import it) reports to its
// Recorder already, so a program needs no code for the variable to work;
// FromEnv is for the one that wants the Recorder (for a Summary or a
// report) or the Server (its URL). Passing the Recorder to
// scheduler.WithObserver as well adds it once. Closing the Server stops
// the dashboard; the next FromEnv starts a new one.
func FromEnv() (*Recorder, *Server, error) {
	addr, ok := os.LookupEnv(EnvVar)
	if !ok {
		return nil, nil, nil
	}
	rec, srv, _, err := serveProcess(addr)
	return rec, srv, err
}

// process is the dashboard FromEnv started last.
var process struct {
	mu   sync.Mutex
	addr string
	rec  *Recorder
	srv  *Server
	// failed is the last address that could not be served: the process
	// observer does not try it again.
	failed string
}

// serveProcess returns the process's dashboard on addr, starting it
// (started is then true) unless it is running.
func serveProcess(addr string) (rec *Recorder, srv *Server, started bool, err error) {
	process.mu.Lock()
	defer process.mu.Unlock()
	if process.srv != nil && process.addr == addr && !process.srv.closed() {
		return process.rec, process.srv, false, nil
	}
	rec = NewRecorder()
	if srv, err = rec.Serve(addr); err != nil {
		process.failed = addr
		return nil, nil, false, fmt.Errorf("dashboard: %s=%q: %w", EnvVar, addr, err)
	}
	process.addr, process.rec, process.srv = addr, rec, srv
	return rec, srv, true, nil
}

func init() { scheduler.RegisterProcessObserver(processObserver) }

// processObserver is the process-wide observer of every scheduler: the
// Recorder of FromEnv's dashboard, or nil when DUSK_DASHBOARD is not set
// or cannot be served. A dashboard that cannot start never fails a
// computation: the problem is logged once (slog, warning) and the
// computations run without it. The address it serves is logged when it
// starts.
func processObserver() scheduler.Observer {
	addr, ok := os.LookupEnv(EnvVar)
	if !ok {
		return nil
	}
	process.mu.Lock()
	failed := process.failed == addr
	process.mu.Unlock()
	if failed {
		return nil
	}
	rec, srv, started, err := serveProcess(addr)
	switch {
	case err != nil:
		slog.Warn("dashboard: not started; computations run without it", "error", err)
		return nil
	case started:
		slog.Info("dashboard: serving", "url", srv.URL())
	}
	return rec
}

// handler serves the page at / and the state at /api/state.
func (r *Recorder) handler(page []byte) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/" {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy",
			"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
		http.ServeContent(w, req, "", time.Time{}, bytes.NewReader(page))
	})
	mux.HandleFunc("/api/state", func(w http.ResponseWriter, req *http.Request) {
		n := liveTasks
		if v := req.URL.Query().Get("tasks"); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil {
				http.Error(w, "tasks: not a number", http.StatusBadRequest)
				return
			}
		}
		b, err := json.Marshal(r.snapshot(n, true))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the dashboard is read-only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		mux.ServeHTTP(w, req)
	})
}
