package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/incidents-dev/incidents/internal/testserver"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// repoRoot is the repository root, relative to this package.
const repoRoot = ".."

// buildDir holds the binary built once for the whole package; TestMain
// removes it.
var buildDir string

func TestMain(m *testing.M) {
	code := m.Run()
	stopStack()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// imageBinary builds cmd/incidents once per test run the way the
// Dockerfile's builder stage does (from a context filtered by
// .dockerignore, with the Dockerfile's go build command and version
// "deploy-test") and returns its path.
func imageBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "incidents-deploy-")
		if buildErr != nil {
			return
		}
		buildBin, buildErr = buildFromContext(buildDir, "deploy-test")
	})
	if buildErr != nil {
		t.Fatalf("build the image binary: %v", buildErr)
	}
	return buildBin
}

// readFile returns the content of a file of the repository.
func readFile(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readYAML decodes a YAML file of the repository into v.
func readYAML(t *testing.T, rel string, v any) {
	t.Helper()
	if err := yaml.Unmarshal(readFile(t, rel), v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// readYAMLDocs decodes every document of a YAML file of the repository.
func readYAMLDocs(t *testing.T, rel string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(readFile(t, rel)))
	var out []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		if doc != nil {
			out = append(out, doc)
		}
	}
}

// exists reports whether a path of the repository exists.
func exists(rel string) bool {
	_, err := os.Stat(filepath.Join(repoRoot, rel))
	return err == nil
}

// dig walks nested maps and lists by keys (strings) and indexes (ints);
// ok is false when a step is missing.
func dig(v any, path ...any) (any, bool) {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil, false
			}
			v = l[k]
		}
	}
	return v, true
}

// digString is dig for a string leaf ("" when missing).
func digString(v any, path ...any) string {
	x, _ := dig(v, path...)
	s, _ := x.(string)
	return s
}

// digList is dig for a list ("nil" when missing).
func digList(v any, path ...any) []any {
	x, _ := dig(v, path...)
	l, _ := x.([]any)
	return l
}

// digMap is dig for a map (nil when missing).
func digMap(v any, path ...any) map[string]any {
	x, _ := dig(v, path...)
	m, _ := x.(map[string]any)
	return m
}

// runTool runs a command and fails the test with its output when it fails.
func runTool(t *testing.T, dir, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// imageName is the name (without tag) every deployment gives the image
// built from the Dockerfile.
const imageName = "incidents-dev/incidents"

// withoutTag strips the tag of an image reference.
func withoutTag(ref string) string {
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i]
	}
	return ref
}

// jsonUnmarshal decodes JSON text into v.
func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// process is a child process started by a test.
type process struct {
	cmd  *exec.Cmd
	logs *testserver.SyncBuffer
	done chan struct{}
}

// startProcess starts bin in dir with env; when the test ends it gets
// SIGTERM, then SIGKILL after 10 seconds.
func startProcess(t *testing.T, bin, dir string, env []string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), logs: &testserver.SyncBuffer{}, done: make(chan struct{})}
	p.cmd.Dir, p.cmd.Env = dir, env
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// exited returns an error once the process has exited.
func (p *process) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited: %v", filepath.Base(p.cmd.Path), p.cmd.ProcessState)
	default:
		return nil
	}
}

// sample is one line of the Prometheus text format.
type sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

var labelPair = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

// parseExposition reads the samples of a /metrics answer in the text
// format; comment lines are skipped.
func parseExposition(text string) ([]sample, error) {
	var out []sample
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s := sample{Labels: map[string]string{}}
		rest := line
		if i := strings.IndexAny(line, "{ "); i > 0 && line[i] == '{' {
			j := strings.LastIndex(line, "}")
			if j < i {
				return nil, fmt.Errorf("bad sample line %q", line)
			}
			s.Name = line[:i]
			for _, m := range labelPair.FindAllStringSubmatch(line[i+1:j], -1) {
				s.Labels[m[1]] = m[2]
			}
			rest = line[j+1:]
		} else {
			s.Name, rest, _ = strings.Cut(line, " ")
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return nil, fmt.Errorf("sample line %q has no value", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("sample line %q: %w", line, err)
		}
		s.Value = v
		out = append(out, s)
	}
	return out, nil
}

// findSample returns the first sample named name whose labels include want.
func findSample(samples []sample, name string, want map[string]string) (sample, bool) {
	for _, s := range samples {
		if s.Name != name {
			continue
		}
		ok := true
		for k, v := range want {
			ok = ok && s.Labels[k] == v
		}
		if ok {
			return s, true
		}
	}
	return sample{}, false
}
