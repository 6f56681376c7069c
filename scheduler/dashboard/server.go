package dashboard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
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

// FromEnv returns a Recorder and its running dashboard when the environment
// variable DUSK_DASHBOARD holds an address (as Serve takes it), else nil,
// nil, nil. The caller passes the Recorder to scheduler.WithObserver and
// closes the Server when done.
func FromEnv() (*Recorder, *Server, error) {
	addr, ok := os.LookupEnv(EnvVar)
	if !ok {
		return nil, nil, nil
	}
	rec := NewRecorder()
	srv, err := rec.Serve(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("dashboard: %s=%q: %w", EnvVar, addr, err)
	}
	return rec, srv, nil
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
