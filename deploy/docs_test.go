package deploy

import (
	"strings"
	"testing"
)

// TestProductionDoc checks that README.md gives the commands the
// tests above vouch for and the URL of every service, so that it cannot
// drift from the files.
func TestProductionDoc(t *testing.T) {
	doc := string(readFile(t, "README.md"))
	env := envExample(t)
	c := readCompose(t)
	want := []string{
		"cd deploy/compose", "cp .env.example .env", "docker compose up -d --build",
		"docker build -t " + imageName + ":latest", "kubectl apply -k deploy/kubernetes",
		"kubectl apply -k deploy/kubernetes/cronjob", "http://localhost:" + env["GRAFANA_PORT"],
		"docker-compose.ports.yml", "secret generic incidents-influxdb",
	}
	for _, uid := range wantDashboards {
		want = append(want, "/d/"+uid)
	}
	for name, s := range c.Services {
		if name == "grafana" {
			continue
		}
		want = append(want, "http://"+name+":"+s.Expose[0])
	}
	for _, w := range want {
		if !strings.Contains(doc, w) {
			t.Errorf("README.md does not mention %q", w)
		}
	}
}
