package deploy

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dashboard is one Grafana dashboard of deploy/grafana/dashboards.
type dashboard struct {
	File string
	JSON map[string]any
}

// wantDashboards are the dashboard files and their fixed uids.
var wantDashboards = map[string]string{
	"incidents.json":        "incidents-series",
	"collector-health.json": "incidents-collector",
}

// dashboards decodes every dashboard file.
func dashboards(t *testing.T) []dashboard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "deploy/grafana/dashboards/*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []dashboard
	for _, f := range files {
		rel, _ := filepath.Rel(repoRoot, f)
		d := dashboard{File: filepath.Base(f)}
		if err := json.Unmarshal(readFile(t, rel), &d.JSON); err != nil {
			t.Fatalf("%s: invalid JSON: %v", rel, err)
		}
		out = append(out, d)
	}
	if len(out) != len(wantDashboards) {
		t.Fatalf("deploy/grafana/dashboards holds %d dashboards, want %d", len(out), len(wantDashboards))
	}
	return out
}

// panels returns the panels, those inside rows included.
func (d dashboard) panels() []map[string]any {
	var out []map[string]any
	var walk func(list []any)
	walk = func(list []any) {
		for _, p := range list {
			m, ok := p.(map[string]any)
			if !ok {
				continue
			}
			out = append(out, m)
			walk(digList(m, "panels"))
		}
	}
	walk(digList(d.JSON, "panels"))
	return out
}

// variables returns the template variables.
func (d dashboard) variables() []map[string]any {
	var out []map[string]any
	for _, v := range digList(d.JSON, "templating", "list") {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// annotations returns the annotation queries.
func (d dashboard) annotations() []map[string]any {
	var out []map[string]any
	for _, a := range digList(d.JSON, "annotations", "list") {
		if m, ok := a.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// target is one query of a panel with its effective datasource.
type target struct {
	Panel      map[string]any
	Where      string
	Datasource map[string]any
	Query      map[string]any
}

// targets returns the queries of every panel; a target without a
// datasource uses its panel's.
func (d dashboard) targets() []target {
	var out []target
	for _, p := range d.panels() {
		for _, raw := range digList(p, "targets") {
			q, _ := raw.(map[string]any)
			ds := digMap(q, "datasource")
			if ds == nil {
				ds = digMap(p, "datasource")
			}
			where := fmt.Sprintf("%s/panel %v %q/%s", d.File, p["id"], p["title"], digString(q, "refId"))
			out = append(out, target{Panel: p, Where: where, Datasource: ds, Query: q})
		}
	}
	return out
}

// promQueries returns the PromQL of the targets, annotations and
// variables (label_values excepted) of the Prometheus datasource.
func (d dashboard) promQueries() []promQuery {
	var out []promQuery
	for _, tg := range d.targets() {
		if digString(tg.Datasource, "type") == "prometheus" {
			out = append(out, promQuery{Where: tg.Where, Expr: digString(tg.Query, "expr")})
		}
	}
	for _, a := range d.annotations() {
		if digString(a, "datasource", "type") == "prometheus" {
			out = append(out, promQuery{Where: fmt.Sprintf("%s/annotation %q", d.File, a["name"]), Expr: digString(a, "expr")})
		}
	}
	return out
}

// fluxQuery is a Flux query of a dashboard and where it is.
type fluxQuery struct {
	Where, Flux string
	Panel       map[string]any
}

// fluxQueries returns the Flux of the panel targets of the InfluxDB
// datasource.
func (d dashboard) fluxQueries() []fluxQuery {
	var out []fluxQuery
	for _, tg := range d.targets() {
		if digString(tg.Datasource, "type") == "influxdb" {
			out = append(out, fluxQuery{Where: tg.Where, Flux: digString(tg.Query, "query"), Panel: tg.Panel})
		}
	}
	return out
}

// provisionedDatasources returns the type of each datasource uid of
// provisioning/datasources/datasources.yml.
func provisionedDatasources(t *testing.T) map[string]string {
	t.Helper()
	var doc struct {
		Datasources []struct {
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
		} `yaml:"datasources"`
	}
	readYAML(t, "deploy/grafana/provisioning/datasources/datasources.yml", &doc)
	out := map[string]string{}
	for _, ds := range doc.Datasources {
		out[ds.UID] = ds.Type
	}
	return out
}

func TestDashboards(t *testing.T) {
	provisioned := provisionedDatasources(t)
	uids := map[string]string{}
	for _, d := range dashboards(t) {
		t.Run(d.File, func(t *testing.T) {
			uid := digString(d.JSON, "uid")
			if want, ok := wantDashboards[d.File]; !ok || uid != want {
				t.Errorf("uid %q, want the fixed uid %q", uid, want)
			}
			if other, dup := uids[uid]; dup {
				t.Errorf("uid %q also used by %s", uid, other)
			}
			uids[uid] = d.File
			if digString(d.JSON, "title") == "" {
				t.Error("no title")
			}
			checkPanels(t, d, provisioned)
			for _, v := range d.variables() {
				checkDatasourceRef(t, fmt.Sprintf("variable %v", v["name"]), digMap(v, "datasource"), provisioned)
			}
			for _, a := range d.annotations() {
				checkDatasourceRef(t, fmt.Sprintf("annotation %v", a["name"]), digMap(a, "datasource"), provisioned)
			}
		})
	}
}

// checkPanels checks unique ids, the layout and the datasource of every
// panel and target.
func checkPanels(t *testing.T, d dashboard, provisioned map[string]string) {
	t.Helper()
	ids := map[float64]bool{}
	panels := d.panels()
	if len(panels) == 0 {
		t.Fatal("no panels")
	}
	for _, p := range panels {
		id, ok := p["id"].(float64)
		if !ok {
			t.Errorf("panel %q has no id", p["title"])
		}
		if ids[id] {
			t.Errorf("panel id %v used twice", id)
		}
		ids[id] = true
		if w, _ := dig(p, "gridPos", "w"); w == nil {
			t.Errorf("panel %v has no gridPos", id)
		}
		if p["type"] == "row" {
			continue
		}
		if digString(p, "title") == "" {
			t.Errorf("panel %v has no title", id)
		}
		checkDatasourceRef(t, fmt.Sprintf("panel %v", id), digMap(p, "datasource"), provisioned)
		if len(digList(p, "targets")) == 0 {
			t.Errorf("panel %v has no query", id)
		}
	}
	for _, tg := range d.targets() {
		checkDatasourceRef(t, tg.Where, tg.Datasource, provisioned)
		if digString(tg.Query, "expr") == "" && digString(tg.Query, "query") == "" {
			t.Errorf("%s: empty query", tg.Where)
		}
	}
}

// checkDatasourceRef checks that ref names a provisioned datasource by uid
// and type (Grafana's built-in annotations excepted).
func checkDatasourceRef(t *testing.T, where string, ref map[string]any, provisioned map[string]string) {
	t.Helper()
	uid, typ := digString(ref, "uid"), digString(ref, "type")
	if typ == "grafana" && uid == "-- Grafana --" {
		return
	}
	if uid == "" {
		t.Errorf("%s: no datasource uid", where)
		return
	}
	if got, ok := provisioned[uid]; !ok || got != typ {
		t.Errorf("%s: datasource %s (%s) is not provisioned (have %v)", where, uid, typ, provisioned)
	}
}

// TestIncidentsDashboardContent checks what the Incidents dashboard must
// offer: its four Flux template variables, spike alerts as annotations,
// and the panels the issue lists.
func TestIncidentsDashboardContent(t *testing.T) {
	var d dashboard
	for _, x := range dashboards(t) {
		if x.File == "incidents.json" {
			d = x
		}
	}
	var names []string
	for _, v := range d.variables() {
		names = append(names, digString(v, "name"))
		if digString(v, "datasource", "type") != "influxdb" || !strings.Contains(digString(v, "query"), "from(bucket:") {
			t.Errorf("variable %v: want a Flux query of the InfluxDB datasource", v["name"])
		}
	}
	if want := []string{"source", "region", "category", "metric"}; !slices.Equal(names, want) {
		t.Errorf("variables %v, want %v", names, want)
	}
	spikes := false
	for _, a := range d.annotations() {
		spikes = spikes || strings.Contains(digString(a, "expr"), `ALERTS{alertname="IncidentMonthOverMonthSpike"`)
	}
	if !spikes {
		t.Error("no annotation of the IncidentMonthOverMonthSpike alerts")
	}
	kinds := map[string]int{}
	for _, p := range d.panels() {
		kinds[digString(p, "type")]++
		if digString(p, "type") == "timeseries" && strings.Contains(digString(p, "title"), "province") &&
			digString(p, "fieldConfig", "defaults", "custom", "stacking", "mode") != "normal" {
			t.Error("the province panel is not stacked")
		}
	}
	if kinds["stat"] < 3 || kinds["timeseries"] < 3 || kinds["table"] < 1 {
		t.Errorf("panel types %v: want latest-month stats, series by source, province and category, and a change table", kinds)
	}
}
