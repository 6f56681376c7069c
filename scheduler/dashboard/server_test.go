package dashboard_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/dusk-go/dusk/scheduler"
	"github.com/dusk-go/dusk/scheduler/dashboard"
)

// client makes one connection per request, so that no idle connection
// goroutine outlives a test.
func client() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

func get(t testing.TB, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServer(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	rec := dashboard.NewRecorder()
	srv, err := rec.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.Addr(), "127.0.0.1:") || srv.URL() != "http://"+srv.Addr()+"/" {
		t.Errorf("Addr %q, URL %q", srv.Addr(), srv.URL())
	}
	c := client()

	// While a computation runs, the state shows its tasks and memory.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		run(t, rec, workGraph(t, 30, 15*time.Millisecond, 1024), spillOptions()...)
	}()
	sawLive := false
	var st stateDoc
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		resp, body := get(t, c, srv.URL()+"api/state")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("/api/state: %s, %s", resp.Status, resp.Header.Get("Content-Type"))
		}
		st = parseState(t, body)
		if len(st.Runs) == 1 && !st.Runs[0].Finished && len(st.Runs[0].Stream) > 0 && len(st.Runs[0].Memory) > 0 {
			sawLive = true
			break
		}
	}
	if !sawLive {
		t.Errorf("never saw a running computation with tasks and memory samples: %+v", st)
	}
	if !st.Live {
		t.Error("/api/state is not marked live")
	}
	wg.Wait()
	_, body := get(t, c, srv.URL()+"api/state?tasks=5")
	st = parseState(t, body)
	if ru := st.Runs[0]; !ru.Finished || ru.Done != 61 || len(ru.Stream) != 5 || ru.DroppedTasks != 56 || len(ru.Memory) == 0 {
		t.Errorf("finished run: finished %v, done %d, %d tasks (%d dropped), %d samples",
			ru.Finished, ru.Done, len(ru.Stream), ru.DroppedTasks, len(ru.Memory))
	}

	resp, page := get(t, c, srv.URL())
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("GET /: %s, %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(page, `<canvas id="stream"`) || !strings.Contains(page, `data-mode="live"`) || inlined(t, page) != "null" {
		t.Errorf("GET / is not the live page:\n%.1000s", page)
	}
	checkSelfContained(t, page)
	if resp, _ := get(t, c, srv.URL()+"nothing"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nothing: %s", resp.Status)
	}
	for _, path := range []string{"", "api/state"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			req, _ := http.NewRequest(method, srv.URL()+path, strings.NewReader("{}"))
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s /%s: %s, Allow %q; want 405", method, path, resp.Status, resp.Header.Get("Allow"))
			}
		}
	}
	if resp, _ := get(t, c, srv.URL()+"api/state?tasks=x"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("tasks=x: %s", resp.Status)
	}

	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.Get(srv.URL()); err == nil {
		t.Error("the server still answers after Close")
	}
}

func TestServeAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	rec := dashboard.NewRecorder()
	srv, err := rec.Serve(ln.Addr().String())
	if err == nil {
		srv.Close()
		t.Fatal("Serve on an address in use succeeded")
	}
	if srv != nil || !strings.Contains(err.Error(), ln.Addr().String()) {
		t.Errorf("Serve = %v, %v; want an error naming %s", srv, err, ln.Addr())
	}
	// The recorder still works for computations.
	run(t, rec, workGraph(t, 2, 0, 0))
	if !strings.Contains(rec.Summary(), "5 tasks") {
		t.Errorf("summary after a failed Serve:\n%s", rec.Summary())
	}
}

func TestServeDefaults(t *testing.T) {
	rec := dashboard.NewRecorder()
	srv, err := rec.Serve(":0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.Addr(), "127.0.0.1:") {
		t.Errorf("Serve(\":0\") listens on %s, want 127.0.0.1", srv.Addr())
	}
	srv.Close()
	// The default address may be taken on this machine: then the error names it.
	srv, err = rec.Serve("")
	if err != nil {
		if !strings.Contains(err.Error(), dashboard.DefaultAddr) {
			t.Errorf("Serve(\"\") = %v, want an error naming %s", err, dashboard.DefaultAddr)
		}
		return
	}
	defer srv.Close()
	if srv.Addr() != dashboard.DefaultAddr {
		t.Errorf("Serve(\"\") listens on %s", srv.Addr())
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(dashboard.EnvVar, "")
	os.Unsetenv(dashboard.EnvVar)
	if rec, srv, err := dashboard.FromEnv(); rec != nil || srv != nil || err != nil {
		t.Fatalf("FromEnv without %s = %v, %v, %v", dashboard.EnvVar, rec, srv, err)
	}
	t.Setenv(dashboard.EnvVar, "127.0.0.1:0")
	rec, srv, err := dashboard.FromEnv()
	if err != nil || rec == nil || srv == nil {
		t.Fatalf("FromEnv = %v, %v, %v", rec, srv, err)
	}
	defer srv.Close()
	resp, body := get(t, client(), srv.URL()+"api/state")
	if resp.StatusCode != http.StatusOK || !json.Valid([]byte(body)) {
		t.Errorf("/api/state: %s %q", resp.Status, body)
	}
	t.Setenv(dashboard.EnvVar, "256.0.0.1:http")
	if rec, srv, err := dashboard.FromEnv(); err == nil || rec != nil || srv != nil {
		t.Errorf("FromEnv with a bad address = %v, %v, %v", rec, srv, err)
	}
}

// With DUSK_DASHBOARD set, every scheduler reports to the process's
// dashboard without an option, once when an option passes its Recorder
// too; an address that cannot be served leaves computations running.
func TestProcessDashboard(t *testing.T) {
	t.Setenv(dashboard.EnvVar, "127.0.0.1:0")
	rec, srv, err := dashboard.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if again, srv2, err := dashboard.FromEnv(); again != rec || srv2 != srv || err != nil {
		t.Errorf("FromEnv again: got %p, %p, %v, want the same dashboard", again, srv2, err)
	}
	g := workGraph(t, 8, 0, 0)
	if _, err := scheduler.New(scheduler.Workers(2)).Execute(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	run(t, rec, workGraph(t, 8, 0, 0)) // the Recorder passed as an option as well
	sum := rec.Summary()
	if got := strings.Count(sum, "17 tasks in"); got != 2 {
		t.Errorf("got %d runs of 17 tasks, want 2:\n%s", got, sum)
	}
	if got := len(regexp.MustCompile(`(?m)^\s+load\s+8\s`).FindAllString(sum, -1)); got != 2 {
		t.Errorf("got %d runs with 8 load tasks, want 2 (none counted twice):\n%s", got, sum)
	}

	t.Setenv(dashboard.EnvVar, "256.0.0.1:http")
	if _, err := scheduler.New(scheduler.Workers(2)).Execute(context.Background(), workGraph(t, 4, 0, 0)); err != nil {
		t.Errorf("with an address that cannot be served: got error %v, want the computation's result", err)
	}
}
