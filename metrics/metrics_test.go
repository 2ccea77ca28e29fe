package metrics_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/metrics"
	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// lineExtract reads figures from lines "PERIOD METRIC VALUE" (e.g.
// "2024-01 deaths 30"), so that these tests do not depend on the parser.
func lineExtract(text string, _ parser.Context) []parser.Figure {
	var out []parser.Figure
	offset := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 {
			if v, err := strconv.ParseInt(f[2], 10, 64); err == nil {
				start := offset + strings.LastIndex(line, f[2])
				out = append(out, parser.Figure{Period: f[0], Metric: f[1], Category: "all", Region: "PK", Value: v,
					Qualifier: "exact", Confidence: 1, Evidence: parser.Evidence{Text: strings.TrimSpace(line), Start: start, End: start + len(f[2])}})
			}
		}
		offset += len(line)
	}
	return out
}

// collectMonths writes one report per month into a file source and runs
// the collector after each, like two monthly cron runs.
func collectMonths(t *testing.T, st *store.Store, months ...string) {
	t.Helper()
	dir := t.TempDir()
	src, err := collector.NewSources([]config.Source{{Name: "picss", Kind: config.KindFile, Path: dir, Publisher: "PICSS", Country: "PK"}},
		collector.Deps{State: st, MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	c := &collector.Collector{Store: st, Extract: lineExtract}
	for i, text := range months {
		name := filepath.Join(dir, fmt.Sprintf("report-%d.txt", i))
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if sum := c.Run(context.Background(), src); !sum.OK() || sum.Sources[0].New != 1 {
			t.Fatalf("run %d: %+v", i, sum)
		}
	}
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "incidents.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestTwoMonths collects 30 then 80 deaths and checks the exposed values.
func TestTwoMonths(t *testing.T) {
	st := openStore(t)
	collectMonths(t, st, "Deaths in January\n2024-01 deaths 30\n2024-01 attacks 12\n",
		"Deaths in February\n2024-02 deaths 80\n2024-02 attacks 0\n2024-01 attacks 12\n")
	taken := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	snap, series, err := metrics.Read(context.Background(), st, true, taken)
	if err != nil {
		t.Fatal(err)
	}
	if len(series) != 2 || snap.Len() != 2 {
		t.Fatalf("%d series, snapshot of %d, want 2", len(series), snap.Len())
	}
	data := metrics.NewData()
	data.Set(snap)
	want := `
# HELP incidents_change_ratio (latest - previous) / previous of a monthly series; absent when the previous month is missing or 0.
# TYPE incidents_change_ratio gauge
incidents_change_ratio{category="all",metric="attacks",publisher="PICSS",region="PK",source="picss"} -1
incidents_change_ratio{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 1.6666666666666667
# HELP incidents_latest_period_start_timestamp_seconds Start of the latest month of a monthly series, in unix seconds.
# TYPE incidents_latest_period_start_timestamp_seconds gauge
incidents_latest_period_start_timestamp_seconds{category="all",metric="attacks",publisher="PICSS",region="PK",source="picss"} 1.7067456e+09
incidents_latest_period_start_timestamp_seconds{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 1.7067456e+09
# HELP incidents_latest_value Accepted value of the latest month of a monthly series.
# TYPE incidents_latest_value gauge
incidents_latest_value{category="all",metric="attacks",publisher="PICSS",region="PK",source="picss"} 0
incidents_latest_value{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 80
# HELP incidents_previous_value Accepted value of the month before the latest one; absent when that month is not reported.
# TYPE incidents_previous_value gauge
incidents_previous_value{category="all",metric="attacks",publisher="PICSS",region="PK",source="picss"} 12
incidents_previous_value{category="all",metric="deaths",publisher="PICSS",region="PK",source="picss"} 30
# HELP incidents_figures_extracted_total Figures extracted from documents and stored, by source and metric.
# TYPE incidents_figures_extracted_total counter
incidents_figures_extracted_total{metric="attacks",source="picss"} 3
incidents_figures_extracted_total{metric="deaths",source="picss"} 2
# HELP incidents_influxdb_backlog_points Series points waiting to be written to InfluxDB.
# TYPE incidents_influxdb_backlog_points gauge
incidents_influxdb_backlog_points 4
# HELP incidents_snapshot_timestamp_seconds When the data behind the series metrics was last read from the store, in unix seconds.
# TYPE incidents_snapshot_timestamp_seconds gauge
incidents_snapshot_timestamp_seconds 1.7092944e+09
`
	if err := testutil.CollectAndCompare(data, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	if time.Unix(1706745600, 0).UTC().Format("2006-01") != "2024-02" {
		t.Error("the expected period start is not February 2024")
	}
	problems, err := testutil.CollectAndLint(data)
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
	}
}

// TestExposition checks the whole /metrics output: every family the issue
// names is there, the registry lints clean and promtool accepts it.
func TestExposition(t *testing.T) {
	st := openStore(t)
	collectMonths(t, st, "2024-01 deaths 30\n", "2024-02 deaths 80\n")
	e, err := metrics.NewExporter("v1.2.3", testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	sent := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "incidents_alerts_sent_total", Help: "Alerts sent."}, []string{"receiver", "result"})
	sent.WithLabelValues("webhook", "success").Inc()
	e.Registry.MustRegister(sent)
	snap, _, err := metrics.Read(context.Background(), st, true, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.Data.Set(snap)
	e.Pipeline.Observe(collector.Summary{Duration: 2 * time.Second, Sources: []collector.SourceSummary{{Source: "picss", New: 1}}}, time.Now())
	e.Pipeline.InfluxPointsWritten.Add(2)

	body := get(t, e, "")
	if gz := get(t, e, "gzip"); !sameLines(gz, body) {
		t.Errorf("the gzipped answer differs from the plain one:\n%s\n---\n%s", gz, body)
	}
	for _, name := range []string{
		"incidents_latest_value", "incidents_latest_period_start_timestamp_seconds", "incidents_previous_value", "incidents_change_ratio",
		"incidents_collector_runs_total", "incidents_collector_last_run_timestamp_seconds", "incidents_collector_last_success_timestamp_seconds",
		"incidents_collector_run_duration_seconds_bucket", "incidents_source_fetches_total", "incidents_source_last_success_timestamp_seconds",
		"incidents_documents_total", "incidents_figures_extracted_total", "incidents_influxdb_points_written_total",
		"incidents_influxdb_backlog_points", "incidents_alerts_sent_total", `incidents_build_info{goversion=`, "go_goroutines", "process_cpu_seconds_total",
	} {
		if !strings.Contains(body, "\n"+name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	problems, err := testutil.GatherAndLint(e.Gatherer())
	if err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %+v", err, problems)
	}
	promtool := lookBin(t, "promtool")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out.String())
	}
}

// lookBin finds a server binary in PATH; missing, the test is skipped, or
// fails when INCIDENTS_REQUIRE_INTEGRATION=1.
func lookBin(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("INCIDENTS_REQUIRE_INTEGRATION") == "1" {
			t.Fatalf("%s not found in PATH (install the Debian package prometheus, or run make tools)", name)
		}
		t.Skipf("%s not found in PATH", name)
	}
	return p
}

func testLogger(t *testing.T) *slog.Logger { return slog.New(slog.NewTextHandler(t.Output(), nil)) }

func TestPipelineObserve(t *testing.T) {
	reg := prometheus.NewRegistry()
	p, err := metrics.NewPipeline(reg)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Unix(1700000000, 0)
	ok := collector.SourceSummary{Source: "a", New: 2, Unchanged: 1}
	bad := collector.SourceSummary{Source: "b", Failed: 1, Errors: []string{"x: 500"}}
	stopped := collector.SourceSummary{Source: "b", Interrupted: true}
	p.Observe(collector.Summary{Sources: []collector.SourceSummary{ok, bad}, Duration: 3 * time.Second}, end)
	p.Observe(collector.Summary{Sources: []collector.SourceSummary{ok}, Duration: time.Second}, end.Add(time.Hour))
	p.Observe(collector.Summary{Sources: []collector.SourceSummary{stopped}}, end.Add(2*time.Hour))
	want := `
# HELP incidents_collector_runs_total Collection runs, by result (success, failure or interrupted).
# TYPE incidents_collector_runs_total counter
incidents_collector_runs_total{result="failure"} 1
incidents_collector_runs_total{result="interrupted"} 1
incidents_collector_runs_total{result="success"} 1
# HELP incidents_collector_last_success_timestamp_seconds When the last successful collection run ended, in unix seconds.
# TYPE incidents_collector_last_success_timestamp_seconds gauge
incidents_collector_last_success_timestamp_seconds 1.7000036e+09
# HELP incidents_collector_last_run_timestamp_seconds When the last collection run ended, in unix seconds.
# TYPE incidents_collector_last_run_timestamp_seconds gauge
incidents_collector_last_run_timestamp_seconds 1.7000072e+09
# HELP incidents_source_fetches_total Runs of each source, by result (success, failure or interrupted).
# TYPE incidents_source_fetches_total counter
incidents_source_fetches_total{result="failure",source="b"} 1
incidents_source_fetches_total{result="interrupted",source="b"} 1
incidents_source_fetches_total{result="success",source="a"} 2
# HELP incidents_source_last_success_timestamp_seconds When each source last ran without failure, in unix seconds.
# TYPE incidents_source_last_success_timestamp_seconds gauge
incidents_source_last_success_timestamp_seconds{source="a"} 1.7000036e+09
# HELP incidents_documents_total Documents seen by the collector, by source and state (new, unchanged or failed).
# TYPE incidents_documents_total counter
incidents_documents_total{source="a",state="failed"} 0
incidents_documents_total{source="a",state="new"} 4
incidents_documents_total{source="a",state="unchanged"} 2
incidents_documents_total{source="b",state="failed"} 1
incidents_documents_total{source="b",state="new"} 0
incidents_documents_total{source="b",state="unchanged"} 0
`
	names := []string{"incidents_collector_runs_total", "incidents_collector_last_success_timestamp_seconds", "incidents_collector_last_run_timestamp_seconds",
		"incidents_source_fetches_total", "incidents_source_last_success_timestamp_seconds", "incidents_documents_total"}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(reg, "incidents_collector_run_duration_seconds"); n != 1 {
		t.Errorf("duration histogram: %d series", n)
	}
}

func TestPipelineNoSuccessYet(t *testing.T) {
	reg := prometheus.NewRegistry()
	p, _ := metrics.NewPipeline(reg)
	p.Observe(collector.Summary{Sources: []collector.SourceSummary{{Source: "b", Failed: 1}}}, time.Now())
	// A pushed failure must not carry a last-success time, or Add would
	// overwrite the Pushgateway's good one.
	if n := testutil.CollectAndCount(reg, "incidents_collector_last_success_timestamp_seconds"); n != 0 {
		t.Errorf("last success exposed after a failed run only: %d series", n)
	}
}

// get scrapes h, with Accept-Encoding enc when not empty, and returns the
// (decompressed) body.
func get(t *testing.T, h http.Handler, enc string) string {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	if enc != "" {
		req.Header.Set("Accept-Encoding", enc)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no transparent decompression
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	} else if enc == "gzip" {
		t.Error("gzip accepted but not used")
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameLines compares two expositions, ignoring the values of the Go and
// process metrics, which change between scrapes.
func sameLines(a, b string) bool {
	norm := func(s string) string {
		var out []string
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "go_") || strings.HasPrefix(l, "process_") {
				l, _, _ = strings.Cut(l, " ")
			}
			out = append(out, l)
		}
		return strings.Join(out, "\n")
	}
	return norm(a) == norm(b)
}
