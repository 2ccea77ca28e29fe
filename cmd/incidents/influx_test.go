package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/store"
	"github.com/incidents-dev/incidents/store/influx/influxtest"
)

// influxConfig writes a configuration with InfluxDB enabled at url and the
// given sources (name: directory), and returns its path and store path.
func influxConfig(t *testing.T, url, bucket string, sources map[string]string) (cfgPath, storePath string) {
	t.Helper()
	dir := t.TempDir()
	storePath = filepath.Join(dir, "incidents.db")
	var b strings.Builder
	fmt.Fprintf(&b, "store:\n  path: %s\ninfluxdb:\n  enabled: true\n  url: %s\n  bucket: %s\n", storePath, url, bucket)
	b.WriteString("  batch_size: 50\n  flush_interval: 50ms\n  timeout: 5s\nsources:\n")
	for name, path := range sources {
		fmt.Fprintf(&b, "  - name: %s\n    kind: file\n    path: %s\n    publisher: CCM\n    country: PK\n", name, path)
	}
	cfgPath = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgPath, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath, storePath
}

// examplesDir is the absolute path of examples/reports.
func examplesDir(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../examples/reports")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cli runs incidents in a child process and checks its exit code.
func cli(t *testing.T, code int, args ...string) (stdout, stderr string) {
	t.Helper()
	stdout, stderr, got := runCLI(t, "", args...)
	if got != code {
		t.Fatalf("incidents %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), got, code, stdout, stderr)
	}
	return stdout, stderr
}

var verifyLine = regexp.MustCompile(`(\d+) points in the store, (\d+) in influxdb, (\d+) differences`)

// verified runs influx verify, requires no difference and returns the
// number of points.
func verified(t *testing.T, cfg string) int {
	t.Helper()
	out, _ := cli(t, 0, "influx", "verify", "--config", cfg)
	m := verifyLine.FindStringSubmatch(out)
	if m == nil || m[1] != m[2] || m[3] != "0" {
		t.Fatalf("verify output:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func storeStats(t *testing.T, path string) store.Stats {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestInfluxCommandsIntegration runs collect, influx sync, influx verify
// and status against a real influxd.
func TestInfluxCommandsIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs influxd")
	}
	srv := influxtest.Start(t, influxtest.Options{})
	t.Setenv("INCIDENTS_INFLUXDB_TOKEN", "never-printed-token")

	t.Run("collect twice and sync twice change nothing", func(t *testing.T) {
		cfg, _ := influxConfig(t, srv.URL, influxtest.Database, map[string]string{"examples": examplesDir(t)})
		out, _ := cli(t, 0, "collect", "--config", cfg)
		if !strings.Contains(out, "influxdb: wrote ") {
			t.Errorf("collect output:\n%s", out)
		}
		n := verified(t, cfg)
		if n == 0 {
			t.Fatal("the examples gave no point")
		}
		cli(t, 0, "collect", "--config", cfg)
		for range 2 {
			out, _ := cli(t, 0, "influx", "sync", "--config", cfg)
			if !strings.Contains(out, fmt.Sprintf("queued %d points", n)) {
				t.Errorf("sync output:\n%s", out)
			}
		}
		out, _ = cli(t, 0, "influx", "sync", "--config", cfg, "--from", "2024-03", "--to", "2024-03")
		if strings.Contains(out, "queued 0 points") || strings.Contains(out, fmt.Sprintf("queued %d points", n)) {
			t.Errorf("sync of one month queued none or all:\n%s", out)
		}
		if got := verified(t, cfg); got != n {
			t.Errorf("%d points after the resyncs, want %d", got, n)
		}
	})

	t.Run("verify reports a deleted point and sync restores it", func(t *testing.T) {
		cfg, _ := influxConfig(t, srv.URL, influxtest.Database, map[string]string{"examples": examplesDir(t)})
		cli(t, 0, "collect", "--config", cfg)
		if err := srv.Exec(`DELETE FROM "incidents" WHERE time = '2024-03-01T00:00:00Z'`); err != nil {
			t.Fatal(err)
		}
		out, errOut := cli(t, 1, "influx", "verify", "--config", cfg, "--from", "2024-03", "--to", "2024-03")
		if !strings.Contains(out, "missing in influxdb: incidents,") || !strings.Contains(errOut, "influxdb differs from the store") {
			t.Errorf("verify output:\n%s\nstderr:\n%s", out, errOut)
		}
		cli(t, 0, "influx", "sync", "--config", cfg, "--from", "2024-03", "--to", "2024-03")
		verified(t, cfg)
	})

	t.Run("outage keeps the backlog until influxdb is back", func(t *testing.T) {
		cfg, storePath := influxConfig(t, srv.URL, influxtest.Database, map[string]string{"examples": examplesDir(t)})
		srv.Stop()
		out, errOut := cli(t, 1, "collect", "--config", cfg)
		if !strings.Contains(out, " ok") || !strings.Contains(errOut, "cannot reach influxdb") ||
			!strings.Contains(errOut, "points kept in the outbox for the next run") {
			t.Errorf("collect while influxd is down:\nstdout:\n%s\nstderr:\n%s", out, errOut)
		}
		stats := storeStats(t, storePath)
		if stats.Points == 0 || stats.Outbox < stats.Points {
			t.Errorf("store after the outage: %+v, want every point in the outbox", stats)
		}
		status, _ := cli(t, 0, "status", "--config", cfg)
		for _, want := range []string{fmt.Sprintf("%d points waiting for influxdb", stats.Outbox), "unreachable", "cannot reach influxdb", "(ok, 1 sources)"} {
			if !strings.Contains(status, want) {
				t.Errorf("status lacks %q:\n%s", want, status)
			}
		}
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		cli(t, 0, "collect", "--config", cfg) // nothing new: drains the backlog
		if got := verified(t, cfg); int64(got) != stats.Points {
			t.Errorf("%d points in influxdb, want %d", got, stats.Points)
		}
		status, _ = cli(t, 0, "status", "--config", cfg)
		if !strings.Contains(status, "0 points waiting") || !strings.Contains(status, "reachable") {
			t.Errorf("status after recovery:\n%s", status)
		}
	})

	t.Run("missing database is one clear error", func(t *testing.T) {
		cfg, storePath := influxConfig(t, srv.URL, "nope", map[string]string{"examples": examplesDir(t)})
		out, errOut := cli(t, 1, "collect", "--config", cfg)
		if n := strings.Count(errOut, `bucket "nope" not found (404)`); n != 1 {
			t.Errorf("stderr names the missing bucket %d times, want once:\n%s", n, errOut)
		}
		if stats := storeStats(t, storePath); stats.Outbox == 0 {
			t.Errorf("outbox empty after a rejected write")
		}
		status, _ := cli(t, 0, "status", "--config", cfg)
		if !strings.Contains(status, `bucket "nope" not found (404)`) {
			t.Errorf("status:\n%s", status)
		}
		for _, s := range []string{out, errOut, status} {
			if strings.Contains(s, "never-printed-token") {
				t.Errorf("the token was printed:\n%s", s)
			}
		}
	})

	t.Run("influxdb disabled is a usage error", func(t *testing.T) {
		_, errOut := cli(t, 2, "influx", "sync", "--config", "../../config.yaml")
		if !strings.Contains(errOut, "influxdb.enabled is false") {
			t.Errorf("stderr:\n%s", errOut)
		}
	})
}

// writeReports writes n generated monthly reports per source directory.
func writeReports(t *testing.T, dirs []string, n int) {
	t.Helper()
	for s, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			month := time.Date(2000+i/12, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC)
			pub := month.AddDate(0, 1, 2)
			text := fmt.Sprintf("Published: %s\n\nIn %s, militants carried out %d attacks across the country. These attacks killed %d people and injured %d.\n",
				pub.Format(time.DateOnly), month.Format("January 2006"), 10+(i+s)%90, 5+(i*3+s)%80, 7+(i*7+s)%60)
			if err := os.WriteFile(filepath.Join(dir, month.Format("2006-01")+".txt"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestCollectKilledDuringDrainIntegration kills (SIGKILL) collect in the
// middle of draining thousands of documents into InfluxDB; the next
// collect finishes the drain and InfluxDB equals the store.
func TestCollectKilledDuringDrainIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("integration test: needs influxd")
	}
	srv := influxtest.Start(t, influxtest.Options{})
	root := t.TempDir()
	sources := map[string]string{}
	var dirs []string
	for i := range 10 {
		name := fmt.Sprintf("s%d", i)
		sources[name] = filepath.Join(root, name)
		dirs = append(dirs, sources[name])
	}
	writeReports(t, dirs, 120)
	cfg, storePath := influxConfig(t, srv.URL, influxtest.Database, sources)
	// Ingest without InfluxDB first, so that the kill hits the drain.
	t.Setenv("INCIDENTS_INFLUXDB_URL", "http://127.0.0.1:1")
	t.Setenv("INCIDENTS_INFLUXDB_TIMEOUT", "100ms")
	cli(t, 1, "collect", "--config", cfg)
	total := storeStats(t, storePath).Outbox
	if total < 1200*3 {
		t.Fatalf("only %d points queued from 1200 reports", total)
	}
	t.Setenv("INCIDENTS_INFLUXDB_URL", srv.URL)
	t.Setenv("INCIDENTS_INFLUXDB_TIMEOUT", "10s")
	t.Setenv("INCIDENTS_INFLUXDB_BATCH_SIZE", "20")

	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "--", "collect", "--config", cfg)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for left := storeStats(t, storePath).Outbox; left > total*9/10; left = storeStats(t, storePath).Outbox {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("collect drained too little in 30s: %d of %d left", left, total)
		}
		<-tick.C
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	left := storeStats(t, storePath).Outbox
	t.Logf("killed collect with %d of %d points left in the outbox", left, total)
	if left == 0 {
		t.Fatal("collect finished its drain before the kill")
	}
	cli(t, 0, "collect", "--config", cfg)
	stats := storeStats(t, storePath)
	if got := verified(t, cfg); int64(got) != stats.Points || stats.Outbox != 0 {
		t.Errorf("influxdb has %d points, store %d, outbox %d", got, stats.Points, stats.Outbox)
	}
}
