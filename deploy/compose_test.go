package deploy

import (
	"bufio"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/internal/testserver"
)

const composeDir = "deploy/compose"

// composeFile is the part of docker-compose.yml the tests read.
type composeFile struct {
	Name     string                `yaml:"name"`
	Services map[string]composeSvc `yaml:"services"`
	Volumes  map[string]any        `yaml:"volumes"`
}

type composeSvc struct {
	Build *struct {
		Context    string            `yaml:"context"`
		Dockerfile string            `yaml:"dockerfile"`
		Args       map[string]string `yaml:"args"`
	} `yaml:"build"`
	Image       string            `yaml:"image"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Ports       []string          `yaml:"ports"`
	Expose      []string          `yaml:"expose"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
	DependsOn map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
}

// mount is one entry of a service's volumes.
type mount struct{ Source, Target string }

// Bind reports whether the mount is a file or directory of the host.
func (m mount) Bind() bool {
	return strings.HasPrefix(m.Source, ".") || strings.HasPrefix(m.Source, "/")
}

// Repo returns the repository path of a bind mount's source.
func (m mount) Repo() string { return path.Join(composeDir, m.Source) }

func (s composeSvc) mounts() []mount {
	var out []mount
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		out = append(out, mount{Source: parts[0], Target: parts[1]})
	}
	return out
}

// mountOf returns the mount whose source is src.
func (s composeSvc) mountOf(t *testing.T, src string) mount {
	t.Helper()
	for _, m := range s.mounts() {
		if m.Source == src {
			return m
		}
	}
	t.Fatalf("no volume mounts %s", src)
	return mount{}
}

// targetOf returns the host path mounted at (or above) a container path,
// as a repository path; ok is false when no bind mount holds it.
func (s composeSvc) targetOf(p string) (string, bool) {
	for _, m := range s.mounts() {
		if m.Bind() && (p == m.Target || strings.HasPrefix(p, m.Target+"/")) {
			return path.Join(m.Repo(), strings.TrimPrefix(p, m.Target)), true
		}
	}
	return "", false
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	readYAML(t, composeDir+"/docker-compose.yml", &c)
	return c
}

// composeService returns one service of docker-compose.yml.
func composeService(t *testing.T, name string) composeSvc {
	t.Helper()
	s, ok := readCompose(t).Services[name]
	if !ok {
		t.Fatalf("docker-compose.yml has no service %s", name)
	}
	return s
}

// envExample returns the settings of .env.example.
func envExample(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(readFile(t, composeDir+"/.env.example"))))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf(".env.example: bad line %q", line)
		}
		out[k] = v
	}
	return out
}

// composeVar matches ${NAME}, ${NAME:-default}, ${NAME:?error} and the
// forms without the colon.
var composeVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}`)

// interpolate replaces compose variables the way compose does with env.
func interpolate(t *testing.T, s string, env map[string]string) string {
	t.Helper()
	return composeVar.ReplaceAllStringFunc(s, func(m string) string {
		g := composeVar.FindStringSubmatch(m)
		v, ok := env[g[1]]
		switch {
		case ok && v != "":
			return v
		case strings.HasSuffix(g[2], "-"):
			return g[3]
		case strings.HasSuffix(g[2], "?"):
			t.Fatalf("%s is required and not set", g[1])
		}
		return v
	})
}

func TestCompose(t *testing.T) {
	c := readCompose(t)
	env := envExample(t)
	ins := dockerfile(t)
	port := exposedPort(t, ins)

	t.Run("services", func(t *testing.T) {
		var names []string
		for n := range c.Services {
			names = append(names, n)
		}
		sort.Strings(names)
		if want := []string{"alertmanager", "grafana", "incidents", "influxdb", "prometheus"}; !slices.Equal(names, want) {
			t.Fatalf("services %v, want %v", names, want)
		}
	})
	t.Run("only grafana publishes a port", func(t *testing.T) {
		for n, s := range c.Services {
			if n != "grafana" && len(s.Ports) > 0 {
				t.Errorf("%s publishes %v", n, s.Ports)
			}
		}
		if p := c.Services["grafana"].Ports; len(p) != 1 || !strings.HasSuffix(p[0], ":3000") {
			t.Errorf("grafana ports %v, want one mapping to 3000", p)
		}
	})
	t.Run("health checks and depends_on", func(t *testing.T) {
		for n, s := range c.Services {
			if s.Healthcheck == nil || len(s.Healthcheck.Test) < 2 || s.Healthcheck.Test[0] != "CMD" {
				t.Errorf("%s: no exec-form health check", n)
			}
			for dep, d := range s.DependsOn {
				if d.Condition != "service_healthy" {
					t.Errorf("%s depends on %s with condition %q, want service_healthy", n, dep, d.Condition)
				}
				if _, ok := c.Services[dep]; !ok {
					t.Errorf("%s depends on unknown service %s", n, dep)
				}
			}
		}
		for n, deps := range map[string][]string{"incidents": {"influxdb", "alertmanager"}, "grafana": {"influxdb", "prometheus"}} {
			for _, d := range deps {
				if _, ok := c.Services[n].DependsOn[d]; !ok {
					t.Errorf("%s does not wait for %s", n, d)
				}
			}
		}
	})
	t.Run("mounts resolve and volumes are named", func(t *testing.T) {
		used := map[string]bool{}
		for n, s := range c.Services {
			for _, m := range s.mounts() {
				switch {
				case m.Bind() && !exists(m.Repo()):
					t.Errorf("%s mounts %s, which does not exist (%s)", n, m.Source, m.Repo())
				case !m.Bind():
					if _, ok := c.Volumes[m.Source]; !ok {
						t.Errorf("%s mounts volume %s, not declared under volumes", n, m.Source)
					}
					used[m.Source] = true
				}
			}
		}
		for v := range c.Volumes {
			if !used[v] {
				t.Errorf("volume %s is declared and never mounted", v)
			}
		}
	})
	t.Run("variables are in .env.example", func(t *testing.T) {
		text := string(readFile(t, composeDir+"/docker-compose.yml"))
		referenced := map[string]bool{}
		for _, m := range composeVar.FindAllStringSubmatch(text, -1) {
			referenced[m[1]] = true
			if _, ok := env[m[1]]; !ok {
				t.Errorf("docker-compose.yml uses ${%s}, which .env.example does not set", m[1])
			}
		}
		for k, v := range env {
			if !referenced[k] && !strings.HasPrefix(k, "COMPOSE_") { // compose's own settings
				t.Errorf(".env.example sets %s, which docker-compose.yml never uses", k)
			}
			if v == "" {
				t.Errorf(".env.example: %s is empty", k)
			}
		}
		if p := env["INFLUXDB_ADMIN_PASSWORD"]; len(p) < 8 {
			t.Errorf("INFLUXDB_ADMIN_PASSWORD %q: InfluxDB wants 8 characters or more", p)
		}
	})
	t.Run("influxdb is initialised from .env", func(t *testing.T) {
		ie := c.Services["influxdb"].Environment
		for _, k := range []string{"MODE", "USERNAME", "PASSWORD", "ORG", "BUCKET", "ADMIN_TOKEN"} {
			if interpolate(t, ie["DOCKER_INFLUXDB_INIT_"+k], env) == "" {
				t.Errorf("influxdb: DOCKER_INFLUXDB_INIT_%s is not set", k)
			}
		}
		// incidents and Grafana use the organisation, bucket and token
		// InfluxDB is initialised with.
		same := map[string][2]string{
			"incidents INCIDENTS_INFLUXDB_TOKEN":  {c.Services["incidents"].Environment["INCIDENTS_INFLUXDB_TOKEN"], ie["DOCKER_INFLUXDB_INIT_ADMIN_TOKEN"]},
			"incidents INCIDENTS_INFLUXDB_ORG":    {c.Services["incidents"].Environment["INCIDENTS_INFLUXDB_ORG"], ie["DOCKER_INFLUXDB_INIT_ORG"]},
			"incidents INCIDENTS_INFLUXDB_BUCKET": {c.Services["incidents"].Environment["INCIDENTS_INFLUXDB_BUCKET"], ie["DOCKER_INFLUXDB_INIT_BUCKET"]},
			"grafana INFLUXDB_TOKEN":              {c.Services["grafana"].Environment["INFLUXDB_TOKEN"], ie["DOCKER_INFLUXDB_INIT_ADMIN_TOKEN"]},
			"grafana INFLUXDB_ORG":                {c.Services["grafana"].Environment["INFLUXDB_ORG"], ie["DOCKER_INFLUXDB_INIT_ORG"]},
			"grafana INFLUXDB_BUCKET":             {c.Services["grafana"].Environment["INFLUXDB_BUCKET"], ie["DOCKER_INFLUXDB_INIT_BUCKET"]},
		}
		for what, pair := range same {
			if a, b := interpolate(t, pair[0], env), interpolate(t, pair[1], env); a == "" || a != b {
				t.Errorf("%s = %q, InfluxDB is initialised with %q", what, a, b)
			}
		}
	})
	t.Run("incidents image, command and health check", func(t *testing.T) {
		s := c.Services["incidents"]
		if s.Build == nil || path.Clean(path.Join(composeDir, s.Build.Context)) != "." || s.Build.Dockerfile != "Dockerfile" {
			t.Errorf("incidents build %+v: want the repository's Dockerfile", s.Build)
		}
		if withoutTag(interpolate(t, s.Image, env)) != imageName {
			t.Errorf("image %q, want %s", s.Image, imageName)
		}
		if !strings.Contains(string(readFile(t, "Dockerfile")), "docker build -t "+imageName) {
			t.Errorf("the Dockerfile does not document building %s", imageName)
		}
		if !slices.Equal(s.Expose, []string{port}) {
			t.Errorf("incidents exposes %v, the Dockerfile %s", s.Expose, port)
		}
		hc := s.Healthcheck.Test
		if !slices.Contains(hc, "healthcheck") || portOf(t, hc[len(hc)-1]) != port {
			t.Errorf("health check %v: want incidents healthcheck on port %s", hc, port)
		}
		i := slices.Index(s.Command, "--config")
		if len(s.Command) == 0 || s.Command[0] != "serve" || i < 0 {
			t.Fatalf("command %v: want serve --config FILE", s.Command)
		}
		if src, ok := s.targetOf(s.Command[i+1]); !ok || src != composeDir+"/incidents.yaml" {
			t.Errorf("--config %s is not the mounted %s/incidents.yaml (%q)", s.Command[i+1], composeDir, src)
		}
	})
	t.Run("incidents configuration", func(t *testing.T) { checkComposeConfig(t, c, env, ins) })
	t.Run("prometheus configuration", func(t *testing.T) { checkComposePrometheus(t, c, port) })
	t.Run("alertmanager configuration", func(t *testing.T) {
		s := c.Services["alertmanager"]
		src, ok := s.targetOf(flagValue(s.Command, "--config.file"))
		if !ok {
			t.Fatalf("--config.file %q is not mounted", flagValue(s.Command, "--config.file"))
		}
		runTool(t, repoRoot, testserver.LookBin(t, "amtool"), "check-config", src)
	})
	t.Run("grafana provisioning", func(t *testing.T) { checkComposeGrafana(t, c) })
}

// flagValue returns the value of --name=value in args.
func flagValue(args []string, name string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// checkComposeConfig loads deploy/compose/incidents.yaml with the
// service's environment and checks it against the other services.
func checkComposeConfig(t *testing.T, c composeFile, env map[string]string, ins []instruction) {
	s := c.Services["incidents"]
	svcEnv := map[string]string{}
	for k, v := range s.Environment {
		if !slices.Contains(config.EnvNames(), k) {
			t.Errorf("incidents environment %s is not read by the configuration", k)
		}
		svcEnv[k] = interpolate(t, v, env)
	}
	for k, v := range dockerEnv(ins, lastStage(ins)) {
		if _, set := svcEnv[k]; !set {
			svcEnv[k] = v
		}
	}
	cfg, err := config.Load(filepath.Join(repoRoot, composeDir, "incidents.yaml"), func(k string) (string, bool) {
		v, ok := svcEnv[k]
		return v, ok
	})
	if err != nil {
		t.Fatalf("deploy/compose/incidents.yaml with the service's environment: %v", err)
	}
	if got, want := portOf(t, cfg.HTTP.Listen), exposedPort(t, ins); got != want {
		t.Errorf("http.listen %s: port %s, EXPOSE %s", cfg.HTTP.Listen, got, want)
	}
	if !cfg.InfluxDB.Enabled || cfg.InfluxDB.Org != env["INFLUXDB_ORG"] || cfg.InfluxDB.Bucket != env["INFLUXDB_BUCKET"] || cfg.InfluxDB.Token.Reveal() != env["INFLUXDB_TOKEN"] {
		t.Errorf("influxdb: enabled %v, org %q, bucket %q: want enabled with org, bucket and token of .env",
			cfg.InfluxDB.Enabled, cfg.InfluxDB.Org, cfg.InfluxDB.Bucket)
	}
	checkServiceURL(t, c, "influxdb.url", cfg.InfluxDB.URL, "influxdb")
	checkServiceURL(t, c, "alerts.alertmanager.url", cfg.Alerts.Alertmanager.URL, "alertmanager")
	storeDir := path.Dir(cfg.Store.Path)
	named := false
	for _, m := range s.mounts() {
		named = named || (!m.Bind() && m.Target == storeDir)
	}
	if !named {
		t.Errorf("store.path %s is not on a named volume", cfg.Store.Path)
	}
	// Relative source paths are read from the configuration's directory
	// in the container, where the Dockerfile copies examples/.
	var raw struct {
		Sources []struct {
			Path string `yaml:"path"`
		} `yaml:"sources"`
	}
	readYAML(t, composeDir+"/incidents.yaml", &raw)
	cfgDir := path.Dir(s.Command[slices.Index(s.Command, "--config")+1])
	for _, src := range raw.Sources {
		p := src.Path
		if !path.IsAbs(p) {
			p = path.Join(cfgDir, p)
		}
		if repo, ok := imagePath(t, ins, p); !ok || !exists(repo) {
			t.Errorf("source path %s (%s in the container) is not in the image", src.Path, p)
		}
	}
}

// imagePath maps a path of the runtime image to the repository file the
// Dockerfile copies there.
func imagePath(t *testing.T, ins []instruction, p string) (string, bool) {
	t.Helper()
	for _, in := range find(ins, "COPY", lastStage(ins)) {
		f := strings.Fields(in.Args)
		if strings.HasPrefix(f[0], "--") || len(f) != 2 {
			continue
		}
		if p == f[1] || strings.HasPrefix(p, f[1]+"/") {
			return path.Join(f[0], strings.TrimPrefix(p, f[1])), true
		}
	}
	return "", false
}

// checkServiceURL checks that u names a service of the stack on a port it
// exposes.
func checkServiceURL(t *testing.T, c composeFile, key, u, service string) {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil || parsed.Hostname() != service {
		t.Errorf("%s %q: want the %s service", key, u, service)
		return
	}
	if !slices.Contains(c.Services[service].Expose, parsed.Port()) {
		t.Errorf("%s %q: %s exposes %v", key, u, service, c.Services[service].Expose)
	}
}

// checkComposePrometheus lays the prometheus service's bind mounts out in
// a temp dir as the container sees them and runs promtool check config on
// its configuration, then checks the scrape and Alertmanager targets.
func checkComposePrometheus(t *testing.T, c composeFile, port string) {
	s := c.Services["prometheus"]
	root := t.TempDir()
	for _, m := range s.mounts() {
		if m.Bind() {
			if err := copyTree(filepath.Join(repoRoot, m.Repo()), filepath.Join(root, m.Target)); err != nil {
				t.Fatal(err)
			}
		}
	}
	cfgPath := flagValue(s.Command, "--config.file")
	runTool(t, "", testserver.LookBin(t, "promtool"), "check", "config", filepath.Join(root, cfgPath))
	var prom struct {
		Alerting struct {
			Alertmanagers []struct {
				StaticConfigs []struct {
					Targets []string `yaml:"targets"`
				} `yaml:"static_configs"`
			} `yaml:"alertmanagers"`
		} `yaml:"alerting"`
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	src, _ := s.targetOf(cfgPath)
	readYAML(t, src, &prom)
	var scraped, alerted []string
	for _, sc := range prom.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			scraped = append(scraped, st.Targets...)
		}
	}
	for _, am := range prom.Alerting.Alertmanagers {
		for _, st := range am.StaticConfigs {
			alerted = append(alerted, st.Targets...)
		}
	}
	if !slices.Contains(scraped, "incidents:"+port) {
		t.Errorf("prometheus scrapes %v, not incidents:%s", scraped, port)
	}
	if want := "alertmanager:" + c.Services["alertmanager"].Expose[0]; !slices.Equal(alerted, []string{want}) {
		t.Errorf("prometheus alerts %v, want %s", alerted, want)
	}
}

// copyTree copies a file or a directory tree.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		return copyFile(p, filepath.Join(dst, rel))
	})
}

// envRef matches $VAR and ${VAR} in Grafana provisioning files.
var envRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// checkComposeGrafana checks the grafana service's provisioning: the
// mounts, the dashboard provider path, the home dashboard and the
// environment the datasources read.
func checkComposeGrafana(t *testing.T, c composeFile) {
	s := c.Services["grafana"]
	prov := s.mountOf(t, "../grafana/provisioning")
	if prov.Target != "/etc/grafana/provisioning" {
		t.Errorf("provisioning mounted at %s, Grafana reads /etc/grafana/provisioning", prov.Target)
	}
	var providers struct {
		Providers []struct {
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, "deploy/grafana/provisioning/dashboards/dashboards.yml", &providers)
	if len(providers.Providers) != 1 {
		t.Fatalf("want one dashboard provider, got %d", len(providers.Providers))
	}
	if src, ok := s.targetOf(providers.Providers[0].Options.Path); !ok || src != "deploy/grafana/dashboards" {
		t.Errorf("provider path %s holds %q, want deploy/grafana/dashboards", providers.Providers[0].Options.Path, src)
	}
	home := s.Environment["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
	if src, ok := s.targetOf(home); !ok || !exists(src) {
		t.Errorf("home dashboard %s is not mounted", home)
	}
	text := string(readFile(t, "deploy/grafana/provisioning/datasources/datasources.yml"))
	for _, m := range envRef.FindAllStringSubmatch(text, -1) {
		if _, ok := s.Environment[m[1]]; !ok {
			t.Errorf("datasources.yml reads $%s, which the grafana service does not set", m[1])
		}
	}
	var ds struct {
		Datasources []struct {
			Type, URL string
		} `yaml:"datasources"`
	}
	readYAML(t, "deploy/grafana/provisioning/datasources/datasources.yml", &ds)
	for _, d := range ds.Datasources {
		service := map[string]string{"influxdb": "influxdb", "prometheus": "prometheus"}[d.Type]
		checkServiceURL(t, c, "datasource "+d.Type, d.URL, service)
	}
}

// TestComposeConfigTool validates docker-compose.yml with `docker compose
// config` (with .env.example) where the compose tool is installed.
func TestComposeConfigTool(t *testing.T) {
	var bin []string
	if docker, err := exec.LookPath("docker"); err == nil && exec.Command(docker, "compose", "version").Run() == nil {
		bin = []string{docker, "compose"}
	} else if dc, err := exec.LookPath("docker-compose"); err == nil {
		bin = []string{dc}
	} else {
		t.Skip("no compose tool: neither `docker compose` nor docker-compose is installed")
	}
	dir := filepath.Join(repoRoot, composeDir)
	t.Run("with .env.example", func(t *testing.T) {
		runTool(t, dir, bin[0], append(slices.Clone(bin[1:]), "--env-file", ".env.example", "-f", "docker-compose.yml", "config", "--quiet")...)
	})
	t.Run("with the ports override", func(t *testing.T) {
		runTool(t, dir, bin[0], append(slices.Clone(bin[1:]), "--env-file", ".env.example", "-f", "docker-compose.yml", "-f", "docker-compose.ports.yml", "config", "--quiet")...)
	})
	t.Run("without .env the error says what to do", func(t *testing.T) {
		empty := filepath.Join(t.TempDir(), "empty.env")
		if err := os.WriteFile(empty, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin[0], append(slices.Clone(bin[1:]), "--env-file", empty, "-f", "docker-compose.yml", "config", "--quiet")...)
		cmd.Dir = dir
		cmd.Env = cleanComposeEnv()
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "cp .env.example .env") {
			t.Fatalf("config without settings: %v\n%s", err, out)
		}
	})
}

// cleanComposeEnv is the environment without the variables of
// .env.example, which would otherwise satisfy the compose file.
func cleanComposeEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "INFLUXDB_") && !strings.HasPrefix(k, "GRAFANA_") && !strings.HasPrefix(k, "INCIDENTS_") {
			out = append(out, kv)
		}
	}
	return out
}
