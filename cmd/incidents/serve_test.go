package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/internal/testserver"
	"github.com/incidents-dev/incidents/store"
)

// reportServer serves an RSS feed of report pages built from the collector's
// web fixtures, with ETags. A page listed in slow blocks until unblocked.
type reportServer struct {
	*httptest.Server
	mu      sync.Mutex
	pages   map[string][]byte
	hits    map[string]int
	slow    map[string]chan struct{}
	arrived chan string // receives a slow page's path when it is requested
}

func newReportServer(t *testing.T) *reportServer {
	t.Helper()
	s := &reportServer{pages: map[string][]byte{}, hits: map[string]int{}, slow: map[string]chan struct{}{}, arrived: make(chan string, 8)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "collector", "testdata", "web", name))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.ReplaceAll(b, []byte("$BASE"), []byte(s.URL))
	}
	s.pages["/feed.xml"] = fixture("feed.rss.xml")
	s.pages["/reports/2024-03.html"] = fixture("report-2024-03.html")
	s.pages["/reports/2024-04.html"] = fixture("report-2024-04.html")
	s.pages["/reports/2024-05.html"] = fixture("report-latin1.html")
	s.pages["/news/cricket.html"] = fixture("sports.html")
	return s
}

func (s *reportServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	body, ok := s.pages[r.URL.Path]
	block := s.slow[r.URL.Path]
	s.mu.Unlock()
	if block != nil {
		s.arrived <- r.URL.Path
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%d-%d"`, len(body), bytes.Count(body, []byte("<item>")))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(body)
}

func (s *reportServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// addMayReport puts a new item at the top of the feed, its page blocking
// until unblock is closed.
func (s *reportServer) addMayReport(unblock chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages["/feed.xml"] = bytes.Replace(s.pages["/feed.xml"], []byte("<item>"),
		[]byte("<item><title>Security report May 2024</title><link>"+s.URL+"/reports/2024-05.html</link><pubDate>Sun, 02 Jun 2024 08:00:00 +0000</pubDate></item>\n<item>"), 1)
	s.slow["/reports/2024-05.html"] = unblock
}

// serveConfig writes a config collecting the feed of srv every second.
func serveConfig(t *testing.T, dir, feedURL string) string {
	t.Helper()
	cfg := fmt.Sprintf(`store:
  path: %s
http:
  listen: 127.0.0.1:0
  shutdown_grace: 5s
schedule:
  spec: "@every 1s"
  time_zone: Asia/Karachi
fetch:
  timeout: 5s
  retries: 0
  min_host_interval: 0s
sources:
  - name: ei
    kind: feed
    url: %s
    publisher: EI
    match: security report
`, filepath.Join(dir, "incidents.db"), feedURL)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// daemon is `incidents serve` running in a child process.
type daemon struct {
	cmd  *exec.Cmd
	logs *testserver.SyncBuffer
	done chan error
	addr string
}

// logRecords parses the JSON log records the child wrote so far.
func logRecords(b *testserver.SyncBuffer) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(b.String()))
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) == nil {
			out = append(out, rec)
		}
	}
	return out
}

func startDaemon(t *testing.T, config string) *daemon {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{logs: &testserver.SyncBuffer{}, done: make(chan error, 1)}
	args := []string{"serve", "--config", config, "--log-format", "json"}
	if bin := os.Getenv("INCIDENTS_BIN"); bin != "" {
		// The released binary, e.g. INCIDENTS_BIN=$PWD/bin/incidents after make build.
		d.cmd = exec.Command(bin, args...)
	} else {
		// The test binary re-executed as incidents: the same run() as main.
		d.cmd = exec.Command(exe, append([]string{"-test.run=^TestHelperProcess$", "--"}, args...)...)
		d.cmd.Env = append(os.Environ(), helperEnv+"=1")
	}
	d.cmd.Stderr = d.logs
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			_ = d.cmd.Process.Kill()
			<-d.done
		}
	})
	waitFor(t, 20*time.Second, "serve never logged its address", d, func() bool {
		for _, r := range logRecords(d.logs) {
			if r["msg"] == "listening" {
				d.addr, _ = r["addr"].(string)
				return true
			}
		}
		return false
	})
	return d
}

// stop sends SIGTERM and returns the exit code and how long the exit took.
func (d *daemon) stop(t *testing.T) (int, time.Duration) {
	t.Helper()
	began := time.Now()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not exit 10s after SIGTERM; logs:\n%s", d.logs)
	}
	return d.cmd.ProcessState.ExitCode(), time.Since(began)
}

func (d *daemon) status(path string) int {
	resp, err := http.Get("http://" + d.addr + path)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond until it holds, failing with the daemon's logs.
func waitFor(t *testing.T, within time.Duration, what string, d *daemon, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s (after %v); logs:\n%s", what, within, d.logs)
		}
		time.Sleep(20 * time.Millisecond) // polling interval
	}
}

func storedDocuments(t *testing.T, path string) int64 {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return stats.Documents
}

// TestServeDaemon runs the serve command as a child process against a local
// feed: it collects on start and on an @every 1s schedule, one run at a
// time, turns ready after the first run, and on SIGTERM in the middle of a
// run exits 0 quickly with nothing lost.
func TestServeDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon in a child process")
	}
	srv := newReportServer(t)
	dir := t.TempDir()
	config := serveConfig(t, dir, srv.URL+"/feed.xml")
	d := startDaemon(t, config)

	if code := d.status("/healthz"); code != 200 {
		t.Errorf("/healthz = %d, want 200", code)
	}
	waitFor(t, 10*time.Second, "/readyz never turned 200", d, func() bool { return d.status("/readyz") == 200 })
	waitFor(t, 10*time.Second, "the schedule did not run again", d, func() bool { return srv.count("/feed.xml") >= 3 })
	if n := srv.count("/reports/2024-04.html"); n != 1 {
		t.Errorf("unchanged page fetched %d times, want once (later runs get 304 for the feed)", n)
	}
	if n := srv.count("/news/cricket.html"); n != 0 {
		t.Errorf("unmatched item fetched %d times", n)
	}

	// A new report appears; SIGTERM arrives while its page is being fetched.
	unblock := make(chan struct{})
	srv.addMayReport(unblock)
	select {
	case <-srv.arrived:
	case <-time.After(10 * time.Second):
		t.Fatalf("the new report was never requested; logs:\n%s", d.logs)
	}
	code, took := d.stop(t)
	close(unblock)
	if code != 0 || took > 5*time.Second {
		t.Errorf("exit code %d after %v, want 0 within the 5s grace; logs:\n%s", code, took, d.logs)
	}
	checkRunsNeverOverlap(t, logRecords(d.logs))
	checkSourceRunLogs(t, logRecords(d.logs))
	if n := storedDocuments(t, filepath.Join(dir, "incidents.db")); n != 2 {
		t.Errorf("store holds %d documents after the interrupted run, want the 2 complete ones", n)
	}

	// Nothing was lost: the next start fetches the interrupted report.
	d = startDaemon(t, config)
	waitFor(t, 10*time.Second, "/readyz never turned 200 after restart", d, func() bool { return d.status("/readyz") == 200 })
	if code, _ := d.stop(t); code != 0 {
		t.Errorf("second daemon exit code %d, want 0", code)
	}
	if n := storedDocuments(t, filepath.Join(dir, "incidents.db")); n != 3 {
		t.Errorf("store holds %d documents after the restart, want 3; logs:\n%s", n, d.logs)
	}
}

// checkRunsNeverOverlap checks that collection runs start and finish in
// strict alternation.
func checkRunsNeverOverlap(t *testing.T, recs []map[string]any) {
	t.Helper()
	open, runs := false, 0
	for _, r := range recs {
		switch r["msg"] {
		case "collection started":
			if open {
				t.Fatal("a collection started while another was running")
			}
			open = true
			runs++
		case "collection finished":
			open = false
		}
	}
	if runs < 3 {
		t.Errorf("%d collection runs logged, want at least 3", runs)
	}
}

// checkSourceRunLogs checks the per-source line: counts and duration.
func checkSourceRunLogs(t *testing.T, recs []map[string]any) {
	t.Helper()
	for _, r := range recs {
		if r["msg"] != "source run" {
			continue
		}
		for _, k := range []string{"source", "new", "unchanged", "failed", "duration"} {
			if _, ok := r[k]; !ok {
				t.Errorf("source run log lacks %q: %v", k, r)
			}
		}
		return
	}
	t.Error("no source run log line")
}

func TestServeUsage(t *testing.T) {
	dir := t.TempDir()
	noSources := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(noSources, []byte("store:\n  path: "+filepath.Join(dir, "db")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runExitCases(t, []exitCase{
		{name: "no sources", args: []string{"serve", "--config", noSources}, code: 2, stderrHave: "no sources configured"},
		{name: "arguments", args: []string{"serve", "extra"}, code: 2, stderrHave: "unknown command"},
	})
	t.Run("address in use", func(t *testing.T) {
		ln := httptest.NewServer(http.NotFoundHandler())
		defer ln.Close()
		cfg := serveConfig(t, dir, "http://127.0.0.1:1/feed.xml")
		b, _ := os.ReadFile(cfg)
		b = bytes.Replace(b, []byte("127.0.0.1:0"), []byte(strings.TrimPrefix(ln.URL, "http://")), 1)
		if err := os.WriteFile(cfg, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := runCLI(t, "", "serve", "--config", cfg)
		if code != 1 || !strings.Contains(stderr, "address already in use") {
			t.Errorf("exit %d, stderr %q; want 1 and the listen error", code, stderr)
		}
	})
}
