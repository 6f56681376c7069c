package dashboard_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dusk-go/dusk/scheduler/dashboard"
)

// browser returns a headless-capable Chromium on PATH, or skips the test.
func browser(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium, chromium-browser or google-chrome on PATH")
	return ""
}

// artifacts returns the directory for files worth keeping: the screenshot.
func artifacts(t *testing.T) string {
	if d := os.Getenv("DUSK_TEST_ARTIFACTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// chromium runs the browser headless on url with extra flags and returns
// its standard output.
func chromium(t *testing.T, bin, url string, flags ...string) []byte {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--disable-dev-shm-usage", "--user-data-dir=" + filepath.Join(home, "profile"),
		"--virtual-time-budget=3000"}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.String())
	}
	return stdout.Bytes()
}

// attr returns the integer value of attribute name on the element with id,
// as the dumped DOM shows it, or -1.
func attr(dom []byte, id, name string) int {
	tag := regexp.MustCompile(`<[a-z]+ [^>]*id="` + id + `"[^>]*>`).Find(dom)
	m := regexp.MustCompile(` ` + name + `="(\d+)"`).FindSubmatch(tag)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// checkDrawn checks that the page in dom drew tasks and memory samples, and
// returns the number of tasks it drew.
func checkDrawn(t *testing.T, what string, dom []byte) int {
	t.Helper()
	tasks, samples := attr(dom, "stream", "data-tasks"), attr(dom, "memory", "data-samples")
	ops, workers := attr(dom, "progress", "data-ops"), attr(dom, "util", "data-workers")
	t.Logf("%s: data-tasks=%d data-samples=%d data-ops=%d data-workers=%d", what, tasks, samples, ops, workers)
	if tasks <= 0 || samples <= 0 || ops != 3 || workers != 2 {
		t.Errorf("%s drew no data: tasks %d, memory samples %d, operations %d, workers %d\n%s",
			what, tasks, samples, ops, workers, dom)
	}
	for _, text := range []string{" tasks drawn on 2 workers", " memory samples · peak ", ">load<", ">worker 1<"} {
		if !bytes.Contains(dom, []byte(text)) {
			t.Errorf("%s does not show %q", what, text)
		}
	}
	status := regexp.MustCompile(`<span id="status">([^<]*)</span>`).FindSubmatch(dom)
	if status == nil || !bytes.Contains(status[1], []byte(" tasks · 2 workers")) {
		t.Errorf("%s shows no run in its status line: %q", what, status)
	} else {
		t.Logf("%s status: %s", what, status[1])
	}
	return tasks
}

// TestBrowser loads the live dashboard in headless Chromium while a
// computation that spills runs, checks from the dumped DOM that the page
// drew its tasks and memory samples, takes a screenshot, and loads a
// written report from disk the same way.
func TestBrowser(t *testing.T) {
	bin := browser(t)
	rec := dashboard.NewRecorder()
	srv, err := rec.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// 60 loads of 30 ms on 2 workers: about a second of work.
		run(t, rec, workGraph(t, 60, 30*time.Millisecond, 1024), spillOptions()...)
	}()
	// Wait until there is something to draw, then load the page while the
	// computation goes on; the recorder keeps the data once it has ended.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var buf bytes.Buffer
		_ = rec.Report(&buf)
		if st := parseState(t, inlined(t, buf.String())); len(st.Runs) > 0 && len(st.Runs[0].Memory) > 0 {
			break
		}
	}
	dom := chromium(t, bin, srv.URL(), "--dump-dom")
	checkDrawn(t, "live page", dom)
	if !bytes.Contains(dom, []byte(`data-mode="live"`)) {
		t.Error("the live page is not in live mode")
	}

	shot := filepath.Join(artifacts(t), "dashboard.png")
	chromium(t, bin, srv.URL(), "--screenshot="+shot, "--window-size=1200,900", "--hide-scrollbars")
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10<<10 {
		t.Errorf("screenshot %s: %d bytes, %v", shot, len(png), err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
	wg.Wait()

	report := filepath.Join(t.TempDir(), "report.html")
	if err := rec.WriteReport(report); err != nil {
		t.Fatal(err)
	}
	dom = chromium(t, bin, "file://"+report, "--dump-dom")
	if n := checkDrawn(t, "report", dom); n != 121 {
		t.Errorf("report drew %d tasks, want 121", n)
	}
	if !bytes.Contains(dom, []byte("finished in ")) {
		t.Error("the report does not show the run as finished")
	}
}
