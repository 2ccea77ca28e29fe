package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestCollectPushgateway runs collect with --pushgateway against a fake
// Pushgateway: the run's metrics arrive with POST (Add, not Push) under
// job incidents_collect and the host's instance.
func TestCollectPushgateway(t *testing.T) {
	var mu sync.Mutex
	var method, path, body string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		method, path, body = r.Method, r.URL.Path, string(b)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer gw.Close()
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	os.MkdirAll(reports, 0o755)
	if err := os.WriteFile(filepath.Join(reports, "2024-01.txt"), []byte(januaryReport), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("store:\n  path: %s\nsources:\n  - name: picss\n    kind: file\n    path: %s\n",
		filepath.Join(dir, "incidents.db"), reports)), 0o644)

	if _, stderr, err := execCLI(t, "", "collect", "--config", cfg, "--pushgateway", gw.URL); err != nil {
		t.Fatalf("collect: %v\n%s", err, stderr)
	}
	host, _ := os.Hostname()
	mu.Lock()
	defer mu.Unlock()
	if method != http.MethodPost {
		t.Errorf("method %s, want POST (Add)", method)
	}
	if want := "/metrics/job/incidents_collect/instance/" + host; path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	for _, name := range []string{"incidents_collector_runs_total", "incidents_collector_last_success_timestamp_seconds",
		"incidents_collector_run_duration_seconds", "incidents_source_fetches_total", "incidents_documents_total", "incidents_build_info"} {
		if !strings.Contains(body, name) {
			t.Errorf("pushed body lacks %s", name)
		}
	}
}

// TestCollectPushgatewayDown checks that a failed push is logged and does
// not fail the run.
func TestCollectPushgatewayDown(t *testing.T) {
	gw := httptest.NewServer(http.NotFoundHandler())
	gw.Close()
	dir := t.TempDir()
	reports := filepath.Join(dir, "reports")
	os.MkdirAll(reports, 0o755)
	os.WriteFile(filepath.Join(reports, "2024-01.txt"), []byte(januaryReport), 0o644)
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte(fmt.Sprintf("store:\n  path: %s\nsources:\n  - name: picss\n    kind: file\n    path: %s\n",
		filepath.Join(dir, "incidents.db"), reports)), 0o644)
	_, stderr, code := runCLI(t, "", "collect", "--config", cfg, "--pushgateway", gw.URL)
	if code != 0 || !strings.Contains(stderr, "push to the pushgateway failed") {
		t.Errorf("exit %d, stderr %s; want 0 and the push failure logged", code, stderr)
	}
}
