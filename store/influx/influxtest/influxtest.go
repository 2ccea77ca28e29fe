// Package influxtest starts a real influxd 1.8 for tests: on free loopback
// ports, in a temporary directory, with Flux enabled, and stops it when the
// test ends. When the binary is missing the test is skipped, or fails when
// INCIDENTS_REQUIRE_INTEGRATION=1.
package influxtest

import (
	"bytes"
	"context"
	"errors"
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

	bin     string
	dir     string
	tempDir bool // dir is removed by Close
	opts    Options

	mu  sync.Mutex
	cmd *exec.Cmd
	log *bytes.Buffer
}

// Find returns the path of influxd, from PATH or $(go env GOPATH)/bin.
func Find() (string, error) {
	if p, err := exec.LookPath("influxd"); err == nil {
		return p, nil
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
			return p, nil
		}
	}
	return "", errors.New("influxd not found in PATH or GOPATH/bin (go install github.com/influxdata/influxdb/cmd/influxd@v1.8.10)")
}

// Binary returns the path of influxd (see Find), and skips the test (or
// fails it under INCIDENTS_REQUIRE_INTEGRATION=1) when it is missing.
func Binary(t testing.TB) string {
	t.Helper()
	p, err := Find()
	if err == nil {
		return p
	}
	if os.Getenv("INCIDENTS_REQUIRE_INTEGRATION") == "1" {
		t.Fatal(err)
	}
	t.Skip(err)
	return ""
}

// Start starts influxd (see Launch) for one test and closes it when the
// test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := launch(Binary(t), t.TempDir(), false, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Launch starts influxd at bin in a new temporary directory, waits until it
// answers and creates Database. Call Close when done: it kills the server
// and removes the directory. Use it to share one server between the tests
// of a package (from TestMain); Start is simpler for one test.
func Launch(bin string, opts Options) (*Server, error) {
	dir, err := os.MkdirTemp("", "influxtest-")
	if err != nil {
		return nil, err
	}
	s, err := launch(bin, dir, true, opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func launch(bin, dir string, tempDir bool, opts Options) (*Server, error) {
	s := &Server{bin: bin, dir: dir, tempDir: tempDir, opts: opts}
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	rpcAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s.URL = "http://" + httpAddr
	conf := filepath.Join(s.dir, "influxdb.conf")
	if err := os.WriteFile(conf, []byte(config(s.dir, httpAddr, rpcAddr, opts.Auth)), 0o644); err != nil {
		return nil, err
	}
	if err := s.Restart(); err != nil {
		s.Close()
		return nil, err
	}
	if opts.Auth {
		err = s.Exec(fmt.Sprintf("CREATE USER %q WITH PASSWORD '%s' WITH ALL PRIVILEGES", opts.User, opts.Password))
	}
	if err == nil {
		err = s.Exec("CREATE DATABASE " + Database)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
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
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// Restart starts the server again after Stop, on the same port and data;
// it returns once /health answers.
func (s *Server) Restart() error {
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		return errors.New("influxtest: restart while running")
	}
	s.log = &bytes.Buffer{}
	cmd := exec.Command(s.bin, "-config", filepath.Join(s.dir, "influxdb.conf"))
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("start influxd: %w", err)
	}
	s.cmd = cmd
	s.mu.Unlock()
	return s.waitHealthy()
}

// waitHealthy polls /health until it answers 200 or startTimeout passes.
func (s *Server) waitHealthy() error {
	deadline := time.Now().Add(startTimeout)
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := client.Get(s.URL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("influxd at %s not healthy after %v (last error %v); log:\n%s", s.URL, startTimeout, err, s.Log())
		}
		<-tick.C
	}
}

// Stop kills the server and waits for it to exit, keeping its data for
// Restart; it is a no-op when the server is not running.
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

// Close stops the server and, for Launch, removes its directory.
func (s *Server) Close() {
	s.Stop()
	if s.tempDir {
		os.RemoveAll(s.dir)
	}
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

// NewDatabase creates a database with a name unique to t and returns it, so
// that tests sharing a server do not see each other's points.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := "test_" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, t.Name())
	if err := s.Exec(fmt.Sprintf("DROP DATABASE %q", name)); err != nil {
		t.Fatal(err)
	}
	if err := s.Exec(fmt.Sprintf("CREATE DATABASE %q", name)); err != nil {
		t.Fatal(err)
	}
	return name
}

// Exec runs an InfluxQL statement through /query, on Database unless the
// statement names another.
func (s *Server) Exec(q string) error {
	form := url.Values{"q": {q}, "db": {Database}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/query", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if s.opts.Auth {
		req.SetBasicAuth(s.opts.User, s.opts.Password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("influxql %q: %w", q, err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || strings.Contains(body.String(), `"error"`) {
		return fmt.Errorf("influxql %q: %s: %s", q, resp.Status, strings.TrimSpace(body.String()))
	}
	return nil
}
