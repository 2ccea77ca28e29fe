// Package testserver starts the real servers integration tests talk to
// (prometheus, alertmanager) on free loopback ports in temp dirs, and stops
// them when the test ends. A missing binary skips the test, or fails it
// when INCIDENTS_REQUIRE_INTEGRATION=1.
package testserver

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// RequireEnv makes a missing server binary a test failure when set to 1.
const RequireEnv = "INCIDENTS_REQUIRE_INTEGRATION"

// LookBin finds one of names in PATH (then in $HOME/go/bin); missing, the
// test is skipped, or fails under RequireEnv=1.
func LookBin(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		if home, err := os.UserHomeDir(); err == nil {
			if p := filepath.Join(home, "go", "bin", n); isExec(p) {
				return p
			}
		}
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%v not found in PATH (make tools installs it)", names)
	}
	t.Skipf("%v not found in PATH", names)
	return ""
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// FreeAddr returns a loopback address with a port free at the time of the
// call.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Server is a running server process.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:41234.
	URL  string
	Dir  string
	cmd  *exec.Cmd
	logs *SyncBuffer
}

// Logs returns what the server wrote so far.
func (s *Server) Logs() string { return s.logs.String() }

// SyncBuffer is an output sink safe for concurrent writers (a child
// process's stderr, a logger) that tests read while it grows.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// start runs bin with args built from the address and dir, and waits for
// readyPath to answer 200.
func start(t testing.TB, bin, readyPath string, args func(addr, dir string) []string) *Server {
	t.Helper()
	dir := t.TempDir()
	addr := FreeAddr(t)
	s := &Server{URL: "http://" + addr, Dir: dir, logs: &SyncBuffer{}}
	s.cmd = exec.Command(bin, args(addr, dir)...)
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-done
	})
	err := Poll(30*time.Second, func() (bool, error) {
		select {
		case <-done:
			return false, fmt.Errorf("%s exited", filepath.Base(bin))
		default:
		}
		resp, err := http.Get(s.URL + readyPath)
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		t.Fatalf("%s not ready: %v; logs:\n%s", filepath.Base(bin), err, s.Logs())
	}
	return s
}

// Poll calls cond every 50ms until it returns true or an error, or within
// passes.
func Poll(within time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(within)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still not true after %v", within)
		}
		<-tick.C
	}
}

// Alertmanager starts alertmanager with config (YAML) and clustering off.
func Alertmanager(t testing.TB, config string) *Server {
	t.Helper()
	bin := LookBin(t, "alertmanager", "prometheus-alertmanager")
	return start(t, bin, "/-/ready", func(addr, dir string) []string {
		writeFile(t, filepath.Join(dir, "alertmanager.yml"), config)
		return []string{"--config.file=" + filepath.Join(dir, "alertmanager.yml"), "--storage.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr, "--cluster.listen-address=", "--log.level=warn"}
	})
}

// Prometheus starts prometheus with config (YAML) and the rule files
// (name → content) written beside it.
func Prometheus(t testing.TB, config string, files map[string]string) *Server {
	t.Helper()
	bin := LookBin(t, "prometheus")
	return start(t, bin, "/-/ready", func(addr, dir string) []string {
		writeFile(t, filepath.Join(dir, "prometheus.yml"), config)
		for name, content := range files {
			writeFile(t, filepath.Join(dir, name), content)
		}
		return []string{"--config.file=" + filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr, "--log.level=warn"}
	})
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
