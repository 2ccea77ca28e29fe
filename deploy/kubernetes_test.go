package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/incidents-dev/incidents/config"
)

// kustomization is the part of a kustomization.yaml the tests resolve.
type kustomization struct {
	Resources          []string `yaml:"resources"`
	ConfigMapGenerator []struct {
		Name  string   `yaml:"name"`
		Files []string `yaml:"files"`
	} `yaml:"configMapGenerator"`
	Patches []struct {
		Path  string `yaml:"path"`
		Patch string `yaml:"patch"`
	} `yaml:"patches"`
	Images []struct {
		Name    string `yaml:"name"`
		NewName string `yaml:"newName"`
		NewTag  string `yaml:"newTag"`
	} `yaml:"images"`
}

// object is one Kubernetes object.
type object = map[string]any

func objectID(o object) string { return digString(o, "kind") + "/" + digString(o, "metadata", "name") }

// kustomize resolves the kustomization in the repository directory dir
// the way `kubectl kustomize` does for the features used here: resources
// (files and directories), configMapGenerator files (inside dir), delete
// patches and image tags. Generated names keep no hash suffix.
func kustomize(t *testing.T, dir string) []object {
	t.Helper()
	var k kustomization
	readYAML(t, path.Join(dir, "kustomization.yaml"), &k)
	var out []object
	for _, r := range k.Resources {
		p := path.Join(dir, r)
		switch {
		case exists(path.Join(p, "kustomization.yaml")):
			out = append(out, kustomize(t, p)...)
		case exists(p) && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")):
			for _, doc := range readYAMLDocs(t, p) {
				out = append(out, doc)
			}
		default:
			t.Fatalf("%s/kustomization.yaml: resource %s is neither a manifest nor a kustomization", dir, r)
		}
	}
	for _, g := range k.ConfigMapGenerator {
		data := map[string]any{}
		for _, f := range g.Files {
			key, file, ok := strings.Cut(f, "=")
			if !ok {
				key, file = path.Base(f), f
			}
			if strings.Contains(path.Clean(file), "..") {
				t.Errorf("%s: configMapGenerator file %s is outside the kustomization (kustomize refuses it)", dir, file)
			}
			data[key] = string(readFile(t, path.Join(dir, file)))
		}
		out = append(out, object{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": g.Name}, "data": data})
	}
	for _, p := range k.Patches {
		text := p.Patch
		if p.Path != "" {
			text = string(readFile(t, path.Join(dir, p.Path)))
		}
		var patch object
		if err := yaml.Unmarshal([]byte(text), &patch); err != nil {
			t.Fatalf("%s: patch: %v", dir, err)
		}
		if patch["$patch"] != "delete" {
			t.Fatalf("%s: only delete patches are resolved by this test", dir)
		}
		n := len(out)
		out = slices.DeleteFunc(out, func(o object) bool { return objectID(o) == objectID(patch) })
		if len(out) == n {
			t.Errorf("%s: delete patch of %s matches nothing", dir, objectID(patch))
		}
	}
	for _, o := range out {
		for _, c := range podContainers(o) {
			for _, img := range k.Images {
				if c["image"] == img.Name {
					name := cmpOr(img.NewName, img.Name)
					c["image"] = name + ":" + img.NewTag
				}
			}
		}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// podSpec returns the pod spec of a Deployment or a CronJob.
func podSpec(o object) map[string]any {
	switch digString(o, "kind") {
	case "Deployment":
		return digMap(o, "spec", "template", "spec")
	case "CronJob":
		return digMap(o, "spec", "jobTemplate", "spec", "template", "spec")
	}
	return nil
}

func podContainers(o object) []map[string]any {
	var out []map[string]any
	for _, c := range digList(podSpec(o), "containers") {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// byKind indexes objects by kind/name.
func byKind(objs []object) map[string]object {
	out := map[string]object{}
	for _, o := range objs {
		out[objectID(o)] = o
	}
	return out
}

func ids(objs []object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, objectID(o))
	}
	sort.Strings(out)
	return out
}

func TestKubernetes(t *testing.T) {
	ins := dockerfile(t)
	port := exposedPort(t, ins)
	tests := []struct {
		dir     string
		want    []string
		command string
	}{
		{"deploy/kubernetes", []string{"ConfigMap/incidents-config", "Deployment/incidents", "PersistentVolumeClaim/incidents-data", "Service/incidents"}, "serve"},
		{"deploy/kubernetes/cronjob", []string{"ConfigMap/incidents-config", "CronJob/incidents-collect", "PersistentVolumeClaim/incidents-data"}, "collect"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			objs := kustomize(t, tt.dir)
			if got := ids(objs); !slices.Equal(got, tt.want) {
				t.Fatalf("objects %v, want %v", got, tt.want)
			}
			idx := byKind(objs)
			for _, o := range objs {
				if ps := podSpec(o); ps != nil {
					cfg := checkPod(t, o, idx, ins, tt.command)
					if tt.command == "serve" {
						checkServe(t, o, idx, cfg, port)
					} else {
						checkCronJob(t, o)
					}
				}
			}
		})
	}
}

// checkPod checks the pod of a Deployment or CronJob: image, command,
// configuration, security context, resources, store and secret, and
// returns the configuration it runs with.
func checkPod(t *testing.T, o object, idx map[string]object, ins []instruction, command string) *config.Config {
	t.Helper()
	ps := podSpec(o)
	cs := podContainers(o)
	if len(cs) != 1 {
		t.Fatalf("%s: want one container, got %d", objectID(o), len(cs))
	}
	c := cs[0]
	if img := digString(c, "image"); withoutTag(img) != imageName || img == imageName {
		t.Errorf("image %q, want %s with a tag", img, imageName)
	}
	args := stringList(digList(c, "args"))
	i := slices.Index(args, "--config")
	if len(args) == 0 || args[0] != command || i < 0 {
		t.Fatalf("args %v: want %s --config FILE", args, command)
	}
	cfgPath := args[i+1]
	volumes := map[string]map[string]any{}
	for _, v := range digList(ps, "volumes") {
		m := v.(map[string]any)
		volumes[digString(m, "name")] = m
	}
	mounts := map[string]map[string]any{} // mountPath → volume
	for _, m := range digList(c, "volumeMounts") {
		mm := m.(map[string]any)
		mounts[digString(mm, "mountPath")] = volumes[digString(mm, "name")]
	}
	cm := idx["ConfigMap/"+digString(mounts[path.Dir(cfgPath)], "configMap", "name")]
	content := digString(cm, "data", path.Base(cfgPath))
	if content == "" {
		t.Fatalf("--config %s: no ConfigMap key %s mounted at %s", cfgPath, path.Base(cfgPath), path.Dir(cfgPath))
	}
	cfg := loadConfigText(t, content, podEnv(t, c))

	if sc := digMap(ps, "securityContext"); sc["runAsNonRoot"] != true || sc["fsGroup"] == nil {
		t.Errorf("pod securityContext %v: want runAsNonRoot and an fsGroup for the volume", sc)
	}
	user := find(ins, "USER", lastStage(ins))
	if uid, _, _ := strings.Cut(user[len(user)-1].Args, ":"); uid != toString(digMap(ps, "securityContext")["runAsUser"]) {
		t.Errorf("runAsUser %v, the image's USER %s", digMap(ps, "securityContext")["runAsUser"], uid)
	}
	sc := digMap(c, "securityContext")
	if sc["readOnlyRootFilesystem"] != true || sc["allowPrivilegeEscalation"] != false || !slices.Contains(stringList(digList(sc, "capabilities", "drop")), "ALL") {
		t.Errorf("container securityContext %v: want readOnlyRootFilesystem, no privilege escalation, drop ALL", sc)
	}
	for _, r := range []string{"requests", "limits"} {
		if digString(c, "resources", r, "memory") == "" {
			t.Errorf("resources.%s.memory not set", r)
		}
	}
	store := mounts[path.Dir(cfg.Store.Path)]
	claim := digString(store, "persistentVolumeClaim", "claimName")
	if _, ok := idx["PersistentVolumeClaim/"+claim]; !ok {
		t.Errorf("store.path %s is not on a PersistentVolumeClaim of the kustomization (volume %v)", cfg.Store.Path, store)
	}
	if digMap(mounts["/tmp"], "emptyDir") == nil {
		t.Error("no emptyDir on /tmp under a read-only root file system")
	}
	for _, s := range cfg.Sources {
		if s.Path == "" {
			continue
		}
		if repo, ok := imagePath(t, ins, s.Path); !ok || !exists(repo) {
			t.Errorf("source %s path %s is not in the image", s.Name, s.Path)
		}
	}
	return cfg
}

// podEnv returns the container's environment for config.Load: plain
// values as they are, secret references as a placeholder; each must be a
// configuration key, and the InfluxDB token must come from a Secret.
func podEnv(t *testing.T, c map[string]any) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, e := range digList(c, "env") {
		m := e.(map[string]any)
		name := digString(m, "name")
		if !slices.Contains(config.EnvNames(), name) {
			t.Errorf("env %s is not read by the configuration", name)
		}
		env[name] = digString(m, "value")
		if ref := digMap(m, "valueFrom", "secretKeyRef"); ref != nil {
			if digString(ref, "name") == "" || digString(ref, "key") == "" || ref["optional"] != true {
				t.Errorf("env %s: secretKeyRef %v: want name, key and optional: true", name, ref)
			}
			env[name] = "from-secret"
		}
	}
	if env["INCIDENTS_INFLUXDB_TOKEN"] != "from-secret" {
		t.Error("INCIDENTS_INFLUXDB_TOKEN does not come from a Secret")
	}
	return env
}

// loadConfigText loads a configuration text with env as the environment.
func loadConfigText(t *testing.T, text string, env map[string]string) *config.Config {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(p, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("the ConfigMap's configuration does not load: %v", err)
	}
	return cfg
}

// checkServe checks the Deployment's port, probes and Service.
func checkServe(t *testing.T, o object, idx map[string]object, cfg *config.Config, port string) {
	t.Helper()
	c := podContainers(o)[0]
	if got := portOf(t, cfg.HTTP.Listen); got != port {
		t.Errorf("http.listen %s: port %s, EXPOSE %s", cfg.HTTP.Listen, got, port)
	}
	ports := map[string]string{} // name → number
	for _, p := range digList(c, "ports") {
		m := p.(map[string]any)
		ports[digString(m, "name")] = toString(m["containerPort"])
	}
	if !slices.Contains(mapValues(ports), port) {
		t.Errorf("container ports %v, want %s", ports, port)
	}
	resolve := func(v any) string {
		if n, ok := ports[toString(v)]; ok {
			return n
		}
		return toString(v)
	}
	for probe, want := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
		if got := digString(c, probe, "httpGet", "path"); got != want || resolve(digMap(c, probe, "httpGet")["port"]) != port {
			t.Errorf("%s: GET %s on %v, want %s on %s", probe, got, digMap(c, probe, "httpGet")["port"], want, port)
		}
	}
	if digString(o, "spec", "strategy", "type") != "Recreate" {
		t.Error("Deployment strategy is not Recreate: two pods would share the SQLite claim")
	}
	svc := idx["Service/incidents"]
	ann := digMap(svc, "metadata", "annotations")
	if ann["prometheus.io/scrape"] != "true" || ann["prometheus.io/port"] != port || ann["prometheus.io/path"] != "/metrics" {
		t.Errorf("Service annotations %v: want prometheus.io scrape true, port %s, path /metrics", ann, port)
	}
	sp := digMap(svc, "spec", "ports", 0)
	if resolve(sp["targetPort"]) != port {
		t.Errorf("Service targetPort %v does not reach port %s", sp["targetPort"], port)
	}
	labels := digMap(o, "spec", "template", "metadata", "labels")
	for k, v := range digMap(svc, "spec", "selector") {
		if labels[k] != v {
			t.Errorf("Service selector %s=%v does not select the pods (labels %v)", k, v, labels)
		}
	}
}

// checkCronJob checks the CronJob alternative.
func checkCronJob(t *testing.T, o object) {
	t.Helper()
	args := stringList(digList(podContainers(o)[0], "args"))
	if i := slices.Index(args, "--pushgateway"); i < 0 || !strings.HasPrefix(args[i+1], "http") {
		t.Errorf("args %v: want --pushgateway URL", args)
	}
	if digString(o, "spec", "concurrencyPolicy") != "Forbid" {
		t.Error("CronJob runs may overlap: want concurrencyPolicy Forbid")
	}
	if rp := digString(podSpec(o), "restartPolicy"); rp != "Never" && rp != "OnFailure" {
		t.Errorf("restartPolicy %q", rp)
	}
}

func stringList(l []any) []string {
	var out []string
	for _, v := range l {
		out = append(out, toString(v))
	}
	return out
}

// toString renders a scalar of a decoded manifest ("" for nil).
func toString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestKubectlKustomize renders both kustomizations with `kubectl
// kustomize`, when kubectl is installed, and checks that it produces the
// objects the Go resolution found, with the generated ConfigMap's hashed
// name referenced by the pods.
func TestKubectlKustomize(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed; the Go resolution of TestKubernetes stands alone")
	}
	for _, dir := range []string{"deploy/kubernetes", "deploy/kubernetes/cronjob"} {
		t.Run(dir, func(t *testing.T) {
			out := runTool(t, repoRoot, kubectl, "kustomize", dir)
			dec := yaml.NewDecoder(bytes.NewReader([]byte(out)))
			var objs []object
			for {
				var o object
				if err := dec.Decode(&o); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				objs = append(objs, o)
			}
			var cmName string
			for i, o := range objs {
				if digString(o, "kind") == "ConfigMap" {
					cmName = digString(o, "metadata", "name")
					objs[i] = object{"kind": "ConfigMap", "metadata": map[string]any{"name": "incidents-config"}}
				}
			}
			if got, want := ids(objs), ids(kustomize(t, dir)); !slices.Equal(got, want) {
				t.Fatalf("kubectl kustomize: %v, the Go resolution: %v", got, want)
			}
			if !strings.HasPrefix(cmName, "incidents-config-") {
				t.Fatalf("ConfigMap %q has no hash suffix", cmName)
			}
			for _, o := range objs {
				for _, v := range digList(podSpec(o), "volumes") {
					if n := digString(v, "configMap", "name"); n != "" && n != cmName {
						t.Errorf("%s mounts ConfigMap %s, generated %s", objectID(o), n, cmName)
					}
				}
				for _, c := range podContainers(o) {
					if img := digString(c, "image"); !strings.HasPrefix(img, imageName+":") {
						t.Errorf("%s image %q", objectID(o), img)
					}
				}
			}
		})
	}
}
