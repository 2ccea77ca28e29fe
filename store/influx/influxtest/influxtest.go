// Package influxtest starts a real influxd 1.8 for tests: on free loopback
// ports, in a temporary directory, with Flux enabled, and stops it when the
// test ends. When the binary is missing the test is skipped, or fails when
// INCIDENTS_REQUIRE_INTEGRATION=1.
package influxtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Database is the database created at start; the v2 API calls it a bucket.
const Database = "incidents"

// startTimeout bounds how long influxd may take to answer /health.
const startTimeout = 30 * time.Second

// Options change the server started.
type Options struct {
	// Auth enables authentication with an admin user User:Password
	// (created at start); the v2 token is then "User:Password".
	Auth           bool
	User, Password string
}

// Server is a running influxd.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:40123.
	URL string

	t    testing.TB
	bin  string
	dir  string
	opts Options

	mu  sync.Mutex
	cmd *exec.Cmd
	log *bytes.Buffer
}

// Binary returns the path of influxd, from PATH or $(go env GOPATH)/bin,
// and skips (or fails under INCIDENTS_REQUIRE_INTEGRATION=1) when missing.
func Binary(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("influxd"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "influxd")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	msg := "influxd not found in PATH or GOPATH/bin (go install github.com/influxdata/influxdb/cmd/influxd@v1.8.10)"
	if os.Getenv("INCIDENTS_REQUIRE_INTEGRATION") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start starts influxd, waits until it answers and creates Database. The
// server is killed when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), dir: t.TempDir(), opts: opts}
	httpAddr, rpcAddr := freeAddr(t), freeAddr(t)
	s.URL = "http://" + httpAddr
	conf := filepath.Join(s.dir, "influxdb.conf")
	if err := os.WriteFile(conf, []byte(config(s.dir, httpAddr, rpcAddr, opts.Auth)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	s.Restart()
	if opts.Auth {
		s.Exec(fmt.Sprintf("CREATE USER %q WITH PASSWORD '%s' WITH ALL PRIVILEGES", opts.User, opts.Password))
	}
	s.Exec("CREATE DATABASE " + Database)
	return s
}

// config returns the influxd configuration: every listener on loopback,
// no background services, Flux on.
func config(dir, httpAddr, rpcAddr string, auth bool) string {
	return fmt.Sprintf(`reporting-disabled = true
bind-address = %q
[meta]
  dir = %q
[data]
  dir = %q
  wal-dir = %q
  query-log-enabled = false
[http]
  enabled = true
  bind-address = %q
  auth-enabled = %t
  flux-enabled = true
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
[[graphite]]
  enabled = false
[[udp]]
  enabled = false
[[collectd]]
  enabled = false
[[opentsdb]]
  enabled = false
`, rpcAddr, filepath.Join(dir, "meta"), filepath.Join(dir, "data"), filepath.Join(dir, "wal"), httpAddr, auth)
}

// freeAddr returns a loopback address with a port free at the time of the
// call.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Restart starts the server again after Stop, on the same port and data;
// it returns once /health answers.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		s.t.Fatal("influxtest: Restart while running")
	}
	s.log = &bytes.Buffer{}
	cmd := exec.Command(s.bin, "-config", filepath.Join(s.dir, "influxdb.conf"))
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		s.t.Fatalf("start influxd: %v", err)
	}
	s.cmd = cmd
	s.mu.Unlock()
	s.waitHealthy()
}

// waitHealthy polls /health until it answers 200 or startTimeout passes.
func (s *Server) waitHealthy() {
	s.t.Helper()
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := client.Get(s.URL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("influxd at %s not healthy after %v (last error %v); log:\n%s", s.URL, startTimeout, err, s.Log())
		}
		<-tick.C
	}
}

// Stop kills the server and waits for it to exit; it is a no-op when the
// server is not running.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Log returns what the server printed since its last start.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return ""
	}
	return s.log.String()
}

// Token is the v2 token of the admin user ("" without Auth).
func (s *Server) Token() string {
	if !s.opts.Auth {
		return ""
	}
	return s.opts.User + ":" + s.opts.Password
}

// Exec runs an InfluxQL statement through /query and fails the test on an
// error.
func (s *Server) Exec(q string) {
	s.t.Helper()
	form := url.Values{"q": {q}}
	if s.opts.Auth {
		form.Set("u", s.opts.User)
		form.Set("p", s.opts.Password)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/query", strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("influxql %q: %v", q, err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || strings.Contains(body.String(), `"error"`) {
		s.t.Fatalf("influxql %q: %s: %s", q, resp.Status, body.String())
	}
}
