package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/internal/testserver"
)

// The two monthly reports of the spike scenario: 30 then 80 deaths.
const (
	januaryReport  = "PICSS monthly security report, January 2024\n\nIn January 2024, militants carried out 12 attacks in Pakistan, killing 30 people.\n"
	februaryReport = "PICSS monthly security report, February 2024\n\nIn February 2024, militants carried out 14 attacks in Pakistan, killing 80 people.\n"
)

// hookRecorder is a generic webhook that records the JSON bodies it gets.
type hookRecorder struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (h *hookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var m map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.bodies = append(h.bodies, m)
	h.mu.Unlock()
}

func (h *hookRecorder) received() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]map[string]any(nil), h.bodies...)
}

// spikeConfig writes the reports and a config collecting them every
// second and notifying amURL and hookURL.
func spikeConfig(t *testing.T, dir, amURL, hookURL string) string {
	t.Helper()
	reports := filepath.Join(dir, "reports")
	if err := os.MkdirAll(reports, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"2024-01.txt": januaryReport, "2024-02.txt": februaryReport} {
		if err := os.WriteFile(filepath.Join(reports, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := fmt.Sprintf(`store:
  path: %s
http:
  listen: 127.0.0.1:0
  shutdown_grace: 5s
schedule:
  spec: "@every 1s"
alerts:
  alertmanager:
    url: %s
  webhook:
    url: %s
  timeout: 5s
  retries: 1
  retry_backoff: 10ms
sources:
  - name: picss
    kind: file
    path: %s
    publisher: PICSS
    country: PK
`, filepath.Join(dir, "incidents.db"), amURL, hookURL, reports)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// getJSON decodes the JSON answer of a GET into v.
func getJSON(rawURL string, v any) error {
	resp, err := http.Get(rawURL)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// promQuery returns the values of the instant query q by their metric
// label.
func promQuery(base, q string) (map[string]float64, error) {
	var res struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := getJSON(base+"/api/v1/query?query="+url.QueryEscape(q), &res); err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, r := range res.Data.Result {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, err
		}
		out[r.Metric["metric"]] = v
	}
	return out, nil
}

type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
}

// TestSpikeEndToEnd runs incidents serve on two monthly reports (30 then
// 80 deaths) with a real Prometheus scraping it (loading
// deploy/prometheus/rules/incidents.yml), a real Alertmanager and a generic
// webhook: Prometheus sees the series and fires IncidentMonthOverMonthSpike;
// Alertmanager holds exactly one IncidentSpike with the right labels however
// many runs follow; the webhook gets exactly one notification.
func TestSpikeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts prometheus, alertmanager and incidents serve")
	}
	am := testserver.Alertmanager(t, "route:\n  receiver: none\nreceivers:\n  - name: none\n")
	promtool := testserver.LookBin(t, "promtool")
	hook := &hookRecorder{}
	hookSrv := httptest.NewServer(hook)
	t.Cleanup(hookSrv.Close)
	dir := t.TempDir()
	d := startDaemon(t, spikeConfig(t, dir, am.URL, hookSrv.URL+"/spikes"))
	t.Cleanup(func() { d.stop(t) })

	rules, err := os.ReadFile(filepath.Join("..", "..", "deploy", "prometheus", "rules", "incidents.yml"))
	if err != nil {
		t.Fatal(err)
	}
	prom := testserver.Prometheus(t, fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [rules/incidents.yml]
scrape_configs:
  - job_name: incidents
    static_configs:
      - targets: [%q]
`, d.addr), map[string]string{"rules/incidents.yml": string(rules)})

	t.Run("metrics", func(t *testing.T) {
		var body string
		waitFor(t, 20*time.Second, "no incidents_change_ratio on /metrics", d, func() bool {
			body = scrapeText(t, "http://"+d.addr+"/metrics")
			return strings.Contains(body, "incidents_change_ratio{")
		})
		for _, want := range []string{
			`incidents_latest_value{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 80`,
			`incidents_previous_value{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 30`,
			`incidents_change_ratio{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 1.6666666666666667`,
			`incidents_latest_period_start_timestamp_seconds{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 1.7067456e+09`,
		} {
			if !strings.Contains(body, want+"\n") {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	})

	t.Run("prometheus", func(t *testing.T) {
		var got map[string]float64
		waitFor(t, 30*time.Second, "prometheus has no incidents_latest_value for deaths", d, func() bool {
			got, _ = promQuery(prom.URL, `incidents_latest_value{source="picss",region="PK",category="all"}`)
			return got["deaths"] == 80
		})
		if got["attacks"] != 14 {
			t.Errorf("incidents_latest_value for attacks = %v, want 14", got["attacks"])
		}
		ratio, err := promQuery(prom.URL, `incidents_change_ratio{source="picss"}`)
		if err != nil || math.Abs(ratio["deaths"]-5.0/3) > 1e-9 {
			t.Errorf("incidents_change_ratio = %v, %v; want deaths 1.667", ratio, err)
		}
		var firing []map[string]string
		waitFor(t, 30*time.Second, "IncidentMonthOverMonthSpike never fired in prometheus", d, func() bool {
			firing = promFiring(t, prom.URL, "IncidentMonthOverMonthSpike")
			return len(firing) > 0
		})
		if len(firing) != 1 || firing[0]["metric"] != "deaths" || firing[0]["region"] != "PK" || firing[0]["source"] != "picss" {
			t.Errorf("firing %v, want one alert for picss deaths in PK", firing)
		}
	})

	t.Run("alertmanager and webhook", func(t *testing.T) {
		filter := url.QueryEscape(`alertname="IncidentSpike"`)
		var alerts []amAlert
		waitFor(t, 30*time.Second, "alertmanager never received IncidentSpike", d, func() bool {
			alerts = nil
			getJSON(am.URL+"/api/v2/alerts?filter="+filter, &alerts)
			return len(alerts) > 0
		})
		want := map[string]string{"alertname": "IncidentSpike", "source": "picss", "metric": "deaths", "category": "all",
			"region": "PK", "period": "2024-02", "severity": "warning"}
		checkSpike(t, alerts, want)
		first := alerts[0]
		// Let at least three more runs re-send it.
		runs := finishedRuns(d)
		waitFor(t, 30*time.Second, "serve did not run three more times", d, func() bool { return finishedRuns(d) >= runs+3 })
		waitFor(t, 10*time.Second, "alertmanager did not get the re-sent alert", d, func() bool {
			return sentToAlertmanager(t, d) >= 3
		})
		alerts = nil
		if err := getJSON(am.URL+"/api/v2/alerts?filter="+filter, &alerts); err != nil {
			t.Fatal(err)
		}
		checkSpike(t, alerts, want)
		if !alerts[0].StartsAt.Equal(first.StartsAt) || !alerts[0].EndsAt.Equal(first.EndsAt) {
			t.Errorf("re-sent alert moved: %v–%v, first %v–%v", alerts[0].StartsAt, alerts[0].EndsAt, first.StartsAt, first.EndsAt)
		}
		if got := alerts[0].EndsAt.Sub(alerts[0].StartsAt); got != 7*24*time.Hour {
			t.Errorf("endsAt - startsAt = %v, want alerts.active_for (168h)", got)
		}
		hooks := hook.received()
		if len(hooks) != 1 {
			t.Fatalf("webhook received %d notifications, want exactly 1", len(hooks))
		}
		ann, _ := hooks[0]["annotations"].(map[string]any)
		if ann["summary"] != "deaths in PK rose 167 % to 80 in 2024-02" || !strings.Contains(fmt.Sprint(ann["evidence"]), "killing 80 people") {
			t.Errorf("webhook annotations %v", ann)
		}
	})

	t.Run("alerts command", func(t *testing.T) {
		out, _, err := execCLI(t, "", "alerts", "--config", filepath.Join(dir, "config.yaml"), "--format", "json", "--active")
		if err != nil {
			t.Fatal(err)
		}
		var list []map[string]any
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if len(list) != 1 || list[0]["status"] != "active" || list[0]["metric"] != "deaths" || list[0]["value"] != 80.0 || list[0]["webhook_at"] == nil {
			t.Errorf("incidents alerts --active: %s", out)
		}
	})
}

func checkSpike(t *testing.T, alerts []amAlert, want map[string]string) {
	t.Helper()
	if len(alerts) != 1 {
		t.Fatalf("alertmanager holds %d IncidentSpike alerts, want exactly 1: %+v", len(alerts), alerts)
	}
	got := alerts[0].Labels
	if len(got) != len(want) {
		t.Errorf("labels %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("label %s = %q, want %q", k, got[k], v)
		}
	}
	a := alerts[0].Annotations
	if a["summary"] != "deaths in PK rose 167 % to 80 in 2024-02" || !strings.Contains(a["evidence"], "killing 80 people") ||
		!strings.HasSuffix(a["document_url"], "2024-02.txt") {
		t.Errorf("annotations %v", a)
	}
}

// promFiring returns the labels of the firing alerts named name.
func promFiring(t *testing.T, base, name string) []map[string]string {
	var res struct {
		Data struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
				State  string            `json:"state"`
			} `json:"alerts"`
		} `json:"data"`
	}
	if err := getJSON(base+"/api/v1/alerts", &res); err != nil {
		return nil
	}
	var out []map[string]string
	for _, a := range res.Data.Alerts {
		if a.Labels["alertname"] == name && a.State == "firing" {
			out = append(out, a.Labels)
		}
	}
	return out
}

func scrapeText(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// finishedRuns counts the runs serve has logged as finished.
func finishedRuns(d *daemon) int {
	n := 0
	for _, r := range logRecords(d.logs) {
		if r["msg"] == "collection finished" {
			n++
		}
	}
	return n
}

// sentToAlertmanager reads incidents_alerts_sent_total for Alertmanager
// successes from /metrics.
func sentToAlertmanager(t *testing.T, d *daemon) float64 {
	const prefix = `incidents_alerts_sent_total{receiver="alertmanager",result="success"} `
	for _, line := range strings.Split(scrapeText(t, "http://"+d.addr+"/metrics"), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}
