package deploy

import (
	"bufio"
	"context"
	"debug/elf"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/internal/testserver"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	Cmd   string // upper case: FROM, RUN, COPY...
	Args  string
	Stage int // index of the FROM it belongs to, from 0
}

// parseDockerfile splits a Dockerfile into instructions; comments and
// parser directives are dropped.
func parseDockerfile(text string) []instruction {
	var out []instruction
	stage := -1
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		cmd, args, _ := strings.Cut(line, " ")
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			stage++
		}
		out = append(out, instruction{Cmd: cmd, Args: strings.TrimSpace(args), Stage: stage})
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		flush()
	}
	flush()
	return out
}

// dockerfile returns the instructions of the repository's Dockerfile.
func dockerfile(t *testing.T) []instruction {
	t.Helper()
	ins := parseDockerfile(string(readFile(t, "Dockerfile")))
	if len(ins) == 0 {
		t.Fatal("Dockerfile: no instructions")
	}
	return ins
}

// find returns the instructions named cmd of stage (-1: any stage).
func find(ins []instruction, cmd string, stage int) []instruction {
	var out []instruction
	for _, in := range ins {
		if in.Cmd == cmd && (stage < 0 || in.Stage == stage) {
			out = append(out, in)
		}
	}
	return out
}

// lastStage is the index of the runtime stage.
func lastStage(ins []instruction) int { return ins[len(ins)-1].Stage }

// dockerEnv returns the ENV of a stage (KEY=VALUE forms).
func dockerEnv(ins []instruction, stage int) map[string]string {
	env := map[string]string{}
	for _, in := range find(ins, "ENV", stage) {
		for _, kv := range strings.Fields(in.Args) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = strings.Trim(v, `"`)
			}
		}
	}
	return env
}

// execForm decodes an exec-form argument list: ["a", "b"].
func execForm(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	if err := jsonUnmarshal(s, &out); err != nil {
		t.Fatalf("exec form %s: %v", s, err)
	}
	return out
}

// exposedPort returns the single port of EXPOSE.
func exposedPort(t *testing.T, ins []instruction) string {
	t.Helper()
	ex := find(ins, "EXPOSE", lastStage(ins))
	if len(ex) != 1 || strings.Contains(ex[0].Args, " ") {
		t.Fatalf("Dockerfile: want one EXPOSE of one port, got %v", ex)
	}
	return strings.TrimSuffix(ex[0].Args, "/tcp")
}

// healthcheckCmd returns the exec form of HEALTHCHECK ... CMD [...].
func healthcheckCmd(t *testing.T, ins []instruction) []string {
	t.Helper()
	hc := find(ins, "HEALTHCHECK", lastStage(ins))
	if len(hc) != 1 {
		t.Fatalf("Dockerfile: want one HEALTHCHECK, got %d", len(hc))
	}
	_, cmd, ok := strings.Cut(hc[0].Args, "CMD ")
	if !ok {
		t.Fatalf("HEALTHCHECK %s: no CMD", hc[0].Args)
	}
	return execForm(t, strings.TrimSpace(cmd))
}

// portOf returns the port of a host:port or URL.
func portOf(t *testing.T, s string) string {
	t.Helper()
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = u.Host
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		t.Fatalf("port of %q: %v", s, err)
	}
	return port
}

func TestDockerfile(t *testing.T) {
	ins := dockerfile(t)
	final := lastStage(ins)
	t.Run("multi-stage from golang to distroless nonroot", func(t *testing.T) {
		from := find(ins, "FROM", -1)
		if len(from) != 2 {
			t.Fatalf("want 2 stages, got %v", from)
		}
		if !strings.HasPrefix(from[0].Args, "golang:${GO_VERSION}") || !slices.ContainsFunc(find(ins, "ARG", -1), func(in instruction) bool { return in.Args == "GO_VERSION=1.26" }) {
			t.Errorf("builder stage: %q, want golang:${GO_VERSION} with ARG GO_VERSION=1.26", from[0].Args)
		}
		if !strings.HasPrefix(from[1].Args, "gcr.io/distroless/static") || !strings.HasSuffix(from[1].Args, ":nonroot") {
			t.Errorf("runtime stage: %q, want distroless static nonroot", from[1].Args)
		}
	})
	t.Run("static build stamps the version", func(t *testing.T) {
		run := goBuildRun(t, ins)
		for _, want := range []string{"CGO_ENABLED=0", "-X main.version=${VERSION}", "./cmd/incidents"} {
			if !strings.Contains(run, want) {
				t.Errorf("go build RUN %q lacks %q", run, want)
			}
		}
	})
	t.Run("non-root user", func(t *testing.T) {
		users := find(ins, "USER", final)
		if len(users) == 0 {
			t.Fatal("runtime stage has no USER")
		}
		u := users[len(users)-1].Args
		if name, _, _ := strings.Cut(u, ":"); name == "root" || name == "0" {
			t.Fatalf("USER %s is root", u)
		}
	})
	t.Run("port, listen address and healthcheck agree", func(t *testing.T) {
		port := exposedPort(t, ins)
		env := dockerEnv(ins, final)
		if got := portOf(t, env["INCIDENTS_HTTP_LISTEN"]); got != port {
			t.Errorf("INCIDENTS_HTTP_LISTEN %q: port %s, EXPOSE %s", env["INCIDENTS_HTTP_LISTEN"], got, port)
		}
		if host, _, _ := net.SplitHostPort(env["INCIDENTS_HTTP_LISTEN"]); host != "0.0.0.0" {
			t.Errorf("INCIDENTS_HTTP_LISTEN %q: want every interface (0.0.0.0)", env["INCIDENTS_HTTP_LISTEN"])
		}
		def, err := config.Load(filepath.Join(repoRoot, "config.yaml"), func(string) (string, bool) { return "", false })
		if err != nil {
			t.Fatal(err)
		}
		if got := portOf(t, def.HTTP.Listen); got != port {
			t.Errorf("config.yaml http.listen %q: port %s, EXPOSE %s", def.HTTP.Listen, got, port)
		}
		hc := healthcheckCmd(t, ins)
		u := hc[len(hc)-1]
		if !slices.Contains(hc, "healthcheck") || portOf(t, u) != port || !strings.HasSuffix(u, "/healthz") {
			t.Errorf("HEALTHCHECK %v: want incidents healthcheck --url on port %s, /healthz", hc, port)
		}
	})
	t.Run("environment names are configuration keys", func(t *testing.T) {
		for k := range dockerEnv(ins, final) {
			if strings.HasPrefix(k, config.EnvPrefix) && !slices.Contains(config.EnvNames(), k) {
				t.Errorf("ENV %s is not read by the configuration", k)
			}
		}
	})
	t.Run("copied files are in the build context", func(t *testing.T) {
		ignore := dockerignore(t)
		for _, in := range find(ins, "COPY", -1) {
			if strings.HasPrefix(in.Args, "--from") {
				continue
			}
			fields := strings.Fields(in.Args)
			for _, src := range fields[:len(fields)-1] {
				if strings.HasPrefix(src, "--") {
					continue
				}
				if !exists(src) || ignore.match(src) {
					t.Errorf("COPY %s: not in the build context (missing or in .dockerignore)", src)
				}
			}
		}
	})
}

// goBuildRun returns the RUN of the builder stage that runs go build.
func goBuildRun(t *testing.T, ins []instruction) string {
	t.Helper()
	for _, in := range find(ins, "RUN", 0) {
		if strings.Contains(in.Args, "go build") {
			return in.Args
		}
	}
	t.Fatal("Dockerfile: no RUN with go build in the builder stage")
	return ""
}

// ignoreRules are the patterns of a .dockerignore (no exceptions).
type ignoreRules []*regexp.Regexp

// dockerignore reads the repository's .dockerignore; a "!" exception is
// an error, since match does not implement them.
func dockerignore(t *testing.T) ignoreRules {
	t.Helper()
	var out ignoreRules
	for _, line := range strings.Split(string(readFile(t, ".dockerignore")), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			t.Fatalf(".dockerignore: exception %q not supported by this test", line)
		}
		out = append(out, ignoreRegexp(strings.TrimPrefix(filepath.ToSlash(filepath.Clean(line)), "/")))
	}
	return out
}

// ignoreRegexp translates a .dockerignore pattern (filepath.Match syntax
// plus "**") into an anchored regular expression.
func ignoreRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case p[i] == '*':
			b.WriteString("[^/]*")
		case p[i] == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	return regexp.MustCompile("^" + b.String() + "$")
}

// match reports whether rel, or a directory above it, is ignored.
func (r ignoreRules) match(rel string) bool {
	rel = filepath.ToSlash(filepath.Clean(rel))
	for {
		for _, re := range r {
			if re.MatchString(rel) {
				return true
			}
		}
		i := strings.LastIndex(rel, "/")
		if i < 0 {
			return false
		}
		rel = rel[:i]
	}
}

func TestDockerignoreMatch(t *testing.T) {
	rules := ignoreRules{ignoreRegexp(".git"), ignoreRegexp("**/testdata"), ignoreRegexp("_*"), ignoreRegexp("*.db")}
	tests := []struct {
		path string
		want bool
	}{
		{".git/HEAD", true},
		{"parser/testdata/corpus/a.txt", true},
		{"testdata/x", true},
		{"_bfprof/cpu.prof", true},
		{"cmd/_x/main.go", false},
		{"incidents.db", true},
		{"data/incidents.db", false},
		{"cmd/incidents/main.go", false},
		{"examples/reports/2024-01.txt", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := rules.match(tt.path); got != tt.want {
				t.Fatalf("match(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

// buildFromContext copies the files of the repository that .dockerignore
// lets into the build context to dir/context, runs the Dockerfile's go
// build RUN there with VERSION=version (its /out is dir/out) and returns
// the binary.
func buildFromContext(dir, version string) (string, error) {
	ins := parseDockerfile(mustRead(filepath.Join(repoRoot, "Dockerfile")))
	var run string
	for _, in := range find(ins, "RUN", 0) {
		if strings.Contains(in.Args, "go build") {
			run = in.Args
		}
	}
	if run == "" {
		return "", fmt.Errorf("Dockerfile: no go build RUN")
	}
	ignore, err := readIgnore()
	if err != nil {
		return "", err
	}
	ctxDir := filepath.Join(dir, "context")
	if err := copyContext(ctxDir, ignore); err != nil {
		return "", err
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command("sh", "-c", strings.ReplaceAll(run, "/out", out))
	cmd.Dir = ctxDir
	cmd.Env = append(os.Environ(), "VERSION="+version,
		"PATH="+filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", run, err, b)
	}
	return filepath.Join(out, "incidents"), nil
}

func mustRead(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// readIgnore is dockerignore without a testing.T.
func readIgnore() (ignoreRules, error) {
	var out ignoreRules
	for _, line := range strings.Split(mustRead(filepath.Join(repoRoot, ".dockerignore")), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			return nil, fmt.Errorf(".dockerignore: exception %q not supported", line)
		}
		out = append(out, ignoreRegexp(strings.TrimPrefix(filepath.ToSlash(filepath.Clean(line)), "/")))
	}
	return out, nil
}

// copyContext copies the regular files of the repository not ignored to dst.
func copyContext(dst string, ignore ignoreRules) error {
	return filepath.WalkDir(repoRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(repoRoot, p)
		if err != nil || rel == "." {
			return err
		}
		if ignore.match(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestImageBinary checks the binary the builder stage produces: static
// (no interpreter, no shared libraries, as distroless static needs) and
// stamped with the version build argument.
func TestImageBinary(t *testing.T) {
	bin := imageBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary has an ELF interpreter: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("binary needs shared libraries %v", libs)
	}
	out := runTool(t, "", bin, "--version")
	if !strings.Contains(out, "deploy-test") {
		t.Errorf("--version = %q, want the stamped version deploy-test", out)
	}
}

// TestImageLayout runs the built binary as the image would: working
// directory /app holding the copied config.yaml and examples/, the
// image's ENV, ENTRYPOINT and CMD; then the HEALTHCHECK command must
// succeed and /metrics must show the collected examples. Only the port and
// the store path are moved to the test's temp dir.
func TestImageLayout(t *testing.T) {
	ins := dockerfile(t)
	final := lastStage(ins)
	bin := imageBinary(t)
	app := filepath.Join(t.TempDir(), "app")
	for _, in := range find(ins, "COPY", final) {
		f := strings.Fields(in.Args)
		if strings.HasPrefix(f[0], "--") {
			continue
		}
		dst := filepath.Join(app, strings.TrimPrefix(f[1], "/app"))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(mustAbs(t, filepath.Join(repoRoot, f[0])), dst); err != nil {
			t.Fatal(err)
		}
	}
	addr := testserver.FreeAddr(t)
	env := cleanEnv()
	for k, v := range dockerEnv(ins, final) {
		switch k {
		case "INCIDENTS_HTTP_LISTEN":
			v = addr
		case "INCIDENTS_STORE_PATH":
			v = filepath.Join(t.TempDir(), filepath.Base(v))
		}
		env = append(env, k+"="+v)
	}
	args := append(execForm(t, find(ins, "ENTRYPOINT", final)[0].Args)[1:], execForm(t, find(ins, "CMD", final)[0].Args)...)
	srv := startProcess(t, bin, app, env, args...)
	hc := healthcheckCmd(t, ins)
	hc[len(hc)-1] = "http://" + addr + "/healthz"
	err := testserver.Poll(20*time.Second, func() (bool, error) {
		return exec.Command(bin, hc[1:]...).Run() == nil, srv.exited()
	})
	if err != nil {
		t.Fatalf("HEALTHCHECK %v never passed: %v; logs:\n%s", hc, err, srv.logs)
	}
	err = testserver.Poll(20*time.Second, func() (bool, error) {
		samples, err := parseExposition(get(t, "http://"+addr+"/metrics"))
		if err != nil {
			return false, err
		}
		_, ok := findSample(samples, "incidents_latest_value", map[string]string{"source": "examples", "region": "PK"})
		return ok, srv.exited()
	})
	if err != nil {
		t.Fatalf("/metrics never showed the examples: %v; logs:\n%s", err, srv.logs)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// cleanEnv is the environment without INCIDENTS_* variables, so that the
// caller's settings do not leak into the process tested.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, config.EnvPrefix) {
			out = append(out, kv)
		}
	}
	return out
}

// get fetches a URL and returns its body; errors return "".
func get(t *testing.T, u string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestDockerBuild builds the image and checks that a container answers
// /healthz, when a Docker engine answers; otherwise it is skipped.
func TestDockerBuild(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("no Docker engine: docker is not installed")
	}
	if out, err := exec.Command(docker, "info").CombinedOutput(); err != nil {
		t.Skipf("no Docker engine: docker info failed: %v: %s", err, lastLine(string(out)))
	}
	if testing.Short() {
		t.Skip("docker build skipped with -short")
	}
	tag := fmt.Sprintf("%s:deploy-test-%d", imageName, time.Now().UnixNano())
	runTool(t, repoRoot, docker, "build", "--build-arg", "VERSION=deploy-test", "-t", tag, ".")
	t.Cleanup(func() { exec.Command(docker, "rmi", "-f", tag).Run() })
	id := strings.TrimSpace(runTool(t, "", docker, "run", "-d", "-p", "127.0.0.1::9464", tag))
	t.Cleanup(func() { exec.Command(docker, "rm", "-f", id).Run() })
	port := strings.TrimSpace(runTool(t, "", docker, "port", id, "9464/tcp"))
	err = testserver.Poll(60*time.Second, func() (bool, error) {
		resp, err := http.Get("http://" + port + "/healthz")
		if err != nil {
			return false, nil
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		logs, _ := exec.Command(docker, "logs", id).CombinedOutput()
		t.Fatalf("container never answered /healthz on %s: %v; logs:\n%s", port, err, logs)
	}
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
