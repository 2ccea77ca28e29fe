package deploy

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"

	"github.com/incidents-dev/incidents/internal/testserver"
	"github.com/incidents-dev/incidents/store/influx/influxtest"
)

// stack is what the dashboards are checked against: a real influxd and a
// real `incidents serve` (the image's binary) run with the compose
// configuration deploy/compose/incidents.yaml, which collected the
// examples, wrote the accepted series to influxd and exposes /metrics.
type stack struct {
	InfluxURL string
	Bucket    string
	// Samples is a scrape of /metrics taken once the data was written.
	Samples []sample
	// ServeLogs returns what serve logged.
	ServeLogs func() string
}

var (
	stackOnce     sync.Once
	sharedStack   *stack
	stackErr      error
	stackCleanups []func()
)

// startStack starts the stack once for the package; TestMain stops it.
func startStack(t *testing.T) *stack {
	t.Helper()
	influxd := influxtest.Binary(t) // skips, or fails under INCIDENTS_REQUIRE_INTEGRATION=1
	bin := imageBinary(t)
	env := composeServeEnv(t)
	stackOnce.Do(func() { sharedStack, stackErr = launchStack(influxd, bin, env) })
	if stackErr != nil {
		t.Fatal(stackErr)
	}
	return sharedStack
}

// stopStack runs the cleanups of the stack, newest first.
func stopStack() {
	for i := len(stackCleanups) - 1; i >= 0; i-- {
		stackCleanups[i]()
	}
}

// composeServeEnv returns the environment docker-compose.yml gives the
// incidents service, with the values this test needs in place of .env's
// (influxd 1.8 has no organisation or token; its bucket is a database).
func composeServeEnv(t *testing.T) map[string]string {
	t.Helper()
	testValues := map[string]string{
		"INCIDENTS_INFLUXDB_ORG":    "",
		"INCIDENTS_INFLUXDB_BUCKET": influxtest.Database,
		"INCIDENTS_INFLUXDB_TOKEN":  "",
	}
	env := map[string]string{}
	for k := range composeService(t, "incidents").Environment {
		v, ok := testValues[k]
		if !ok {
			t.Fatalf("docker-compose.yml gives incidents %s: this test does not know what to set it to", k)
		}
		env[k] = v
	}
	return env
}

// launchStack starts influxd, a receiver standing in for Alertmanager and
// serve with deploy/compose/incidents.yaml, and waits until the examples
// are collected and written to influxd.
func launchStack(influxd, bin string, composeEnv map[string]string) (*stack, error) {
	srv, err := influxtest.Launch(influxd, influxtest.Options{})
	if err != nil {
		return nil, err
	}
	stackCleanups = append(stackCleanups, srv.Close)
	am := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	stackCleanups = append(stackCleanups, am.Close)

	dir, err := os.MkdirTemp("", "incidents-stack-")
	if err != nil {
		return nil, err
	}
	stackCleanups = append(stackCleanups, func() { os.RemoveAll(dir) })
	cfg, err := composeConfigDir(dir)
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	env := cleanEnv()
	for k, v := range composeEnv {
		env = append(env, k+"="+v)
	}
	// What differs from the compose network: addresses and the store path.
	env = append(env, "INCIDENTS_HTTP_LISTEN="+addr, "INCIDENTS_STORE_PATH="+filepath.Join(dir, "incidents.db"),
		"INCIDENTS_INFLUXDB_URL="+srv.URL, "INCIDENTS_ALERTS_ALERTMANAGER_URL="+am.URL)
	logs := &testserver.SyncBuffer{}
	cmd := exec.Command(bin, "serve", "--config", cfg)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, logs, logs
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	stackCleanups = append(stackCleanups, func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	st := &stack{InfluxURL: srv.URL, Bucket: influxtest.Database, ServeLogs: logs.String}
	err = testserver.Poll(30*time.Second, func() (bool, error) {
		select {
		case <-done:
			return false, fmt.Errorf("serve exited: %v", cmd.ProcessState)
		default:
		}
		return st.loaded("http://" + addr)
	})
	if err != nil {
		return nil, fmt.Errorf("serve with deploy/compose/incidents.yaml never wrote the examples to influxd: %v; logs:\n%s", err, logs)
	}
	return st, nil
}

// loaded reports whether serve is ready, its snapshot shows the series and
// the InfluxDB backlog is empty; it keeps the scrape.
func (s *stack) loaded(base string) (bool, error) {
	if resp, err := http.Get(base + "/readyz"); err != nil {
		return false, nil
	} else if resp.Body.Close(); resp.StatusCode != http.StatusOK {
		return false, nil
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return false, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return false, nil
	}
	samples, err := parseExposition(string(body))
	if err != nil {
		return false, err
	}
	backlog, ok := findSample(samples, "incidents_influxdb_backlog_points", nil)
	_, series := findSample(samples, "incidents_latest_value", nil)
	if !ok || backlog.Value != 0 || !series {
		return false, nil
	}
	s.Samples = samples
	return true, nil
}

// composeConfigDir lays out deploy/compose/incidents.yaml as the image
// holds it: beside examples/ (the Dockerfile copies examples to /app and
// compose mounts the configuration in /app), and returns its path.
func composeConfigDir(dir string) (string, error) {
	app := filepath.Join(dir, "app")
	if err := os.MkdirAll(app, 0o755); err != nil {
		return "", err
	}
	examples, err := filepath.Abs(filepath.Join(repoRoot, "examples"))
	if err != nil {
		return "", err
	}
	if err := os.Symlink(examples, filepath.Join(app, "examples")); err != nil {
		return "", err
	}
	cfg := filepath.Join(app, "incidents.yaml")
	return cfg, copyFile(filepath.Join(repoRoot, "deploy/compose/incidents.yaml"), cfg)
}

// freeAddr is testserver.FreeAddr without a testing.T.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// exposedNames returns the sample names of the stack's /metrics scrape.
func exposedNames(t *testing.T) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, s := range startStack(t).Samples {
		out[s.Name] = true
	}
	return out
}

// fluxNow pins "now" of the dashboards' time range: the examples are the
// reports of 2024, and the test must not depend on the clock.
var fluxNow = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// relativeTime resolves Grafana's "now" and "now-<n><unit>" against now.
func relativeTime(s string, now time.Time) (time.Time, error) {
	if s == "now" {
		return now, nil
	}
	m := regexp.MustCompile(`^now-(\d+)([yMwdhm])$`).FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("time %q: want now or now-<n><unit>", s)
	}
	var n int
	fmt.Sscan(m[1], &n)
	switch m[2] {
	case "y":
		return now.AddDate(-n, 0, 0), nil
	case "M":
		return now.AddDate(0, -n, 0), nil
	case "w":
		return now.AddDate(0, 0, -7*n), nil
	case "d":
		return now.AddDate(0, 0, -n), nil
	case "h":
		return now.Add(-time.Duration(n) * time.Hour), nil
	}
	return now.Add(-time.Duration(n) * time.Minute), nil
}

// regexEscape escapes a value as Grafana's regex format does.
func regexEscape(s string) string {
	return regexp.MustCompile(`[\\^$*+?.()|{}\[\]/]`).ReplaceAllString(s, `\$0`)
}

// fluxSubst replaces Grafana's Flux macros and variables.
type fluxSubst struct {
	bucket      string
	start, stop time.Time
	vars        map[string][]string // variable → selected values
}

var fluxMacro = regexp.MustCompile(`\bv\.[a-zA-Z]+`)

// apply substitutes q; an unknown macro or variable is an error.
func (s fluxSubst) apply(q string) (string, error) {
	var err error
	q = fluxMacro.ReplaceAllStringFunc(q, func(m string) string {
		switch m {
		case "v.defaultBucket":
			return fmt.Sprintf("%q", s.bucket)
		case "v.timeRangeStart":
			return s.start.Format(time.RFC3339)
		case "v.timeRangeStop":
			return s.stop.Format(time.RFC3339)
		case "v.windowPeriod":
			return "1d"
		}
		err = fmt.Errorf("unknown macro %s", m)
		return m
	})
	q = grafanaVar.ReplaceAllStringFunc(q, func(m string) string {
		g := grafanaVar.FindStringSubmatch(m)
		name, format := g[1]+g[3], g[2]
		vals, ok := s.vars[name]
		switch {
		case !ok:
			err = fmt.Errorf("unknown variable %s", m)
		case format == "regex":
			esc := make([]string, len(vals))
			for i, v := range vals {
				esc[i] = regexEscape(v)
			}
			if len(esc) == 1 {
				return esc[0]
			}
			return "(" + strings.Join(esc, "|") + ")"
		case format != "" || len(vals) != 1:
			err = fmt.Errorf("%s: only single values and the regex format are supported in Flux", m)
		default:
			return vals[0]
		}
		return m
	})
	return q, err
}

// fluxRows runs q against the stack's influxd and returns its records.
func (s *stack) fluxRows(q string) ([]map[string]any, error) {
	client := influxdb2.NewClient(s.InfluxURL, "")
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := client.QueryAPI("").Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var out []map[string]any
	for res.Next() {
		out = append(out, res.Record().Values())
	}
	return out, res.Err()
}

// TestDashboardFlux runs every Flux query of the dashboards against the
// stack's influxd, with the bucket, the dashboard's default time range
// (now pinned to fluxNow) and the variables' values substituted: the
// variable queries first, whose answers must include each default, then
// every panel query, which must return rows. The latest-month and change
// panels must agree with what /metrics exposes for the same series.
func TestDashboardFlux(t *testing.T) {
	st := startStack(t)
	var d dashboard
	for _, x := range dashboards(t) {
		if x.File == "incidents.json" {
			d = x
		}
	}
	sub := fluxSubst{bucket: st.Bucket, vars: map[string][]string{}}
	var err error
	if sub.start, err = relativeTime(digString(d.JSON, "time", "from"), fluxNow); err != nil {
		t.Fatal(err)
	}
	if sub.stop, err = relativeTime(digString(d.JSON, "time", "to"), fluxNow); err != nil {
		t.Fatal(err)
	}
	for _, v := range d.variables() {
		name := digString(v, "name")
		q, err := sub.apply(digString(v, "query"))
		if err != nil {
			t.Fatalf("variable %s: %v", name, err)
		}
		rows, err := st.fluxRows(q)
		if err != nil {
			t.Fatalf("variable %s: %v\n%s", name, err, q)
		}
		values := columnStrings(rows, "_value")
		if len(values) == 0 {
			t.Fatalf("variable %s: no values\n%s", name, q)
		}
		current := digString(v, "current", "value")
		switch {
		case current == "" && digString(v, "current", "value", 0) == "$__all":
			sub.vars[name] = values
		case containsString(values, current):
			sub.vars[name] = []string{current}
		default:
			t.Fatalf("variable %s: default %q not among its values %v", name, current, values)
		}
	}
	queries := d.fluxQueries()
	for _, x := range dashboards(t) {
		if x.File != d.File {
			queries = append(queries, x.fluxQueries()...)
		}
	}
	for _, fq := range queries {
		t.Run(fq.Where, func(t *testing.T) {
			q, err := sub.apply(fq.Flux)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := st.fluxRows(q)
			if err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
			if len(rows) == 0 {
				t.Fatalf("no rows\n%s", q)
			}
			checkAgainstMetrics(t, fq, rows, sub, st.Samples)
		})
	}
}

// checkAgainstMetrics compares the last value of the latest-month and
// change stat panels with incidents_latest_value and incidents_change_ratio
// of the same series.
func checkAgainstMetrics(t *testing.T, fq fluxQuery, rows []map[string]any, sub fluxSubst, samples []sample) {
	t.Helper()
	if digString(fq.Panel, "type") != "stat" {
		return
	}
	title := digString(fq.Panel, "title")
	labels := map[string]string{"source": "examples", "region": sub.vars["region"][0], "category": sub.vars["category"][0]}
	name := "incidents_latest_value"
	switch {
	case strings.Contains(title, "change"):
		name, labels["metric"] = "incidents_change_ratio", sub.vars["metric"][0]
	case strings.HasSuffix(title, ", latest month"):
		labels["metric"] = strings.ToLower(strings.TrimSuffix(title, ", latest month"))
	default:
		t.Fatalf("stat panel %q: no metric to compare it with", title)
	}
	want, ok := findSample(samples, name, labels)
	if !ok {
		t.Fatalf("/metrics has no %s%v", name, labels)
	}
	// Grafana's lastNotNull takes the last row in the order the query
	// returns them.
	var last map[string]any
	for _, r := range rows {
		if r["source"] == "examples" {
			last = r
		}
	}
	if last == nil {
		t.Fatal("no row of source examples")
	}
	got, ok := toFloat(last["_value"])
	if !ok || math.Abs(got-want.Value) > 1e-9 {
		t.Fatalf("last value %v, /metrics %s%v = %v", last["_value"], name, labels, want.Value)
	}
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// columnStrings returns the string values of a column, in order.
func columnStrings(rows []map[string]any, col string) []string {
	var out []string
	for _, r := range rows {
		if s, ok := r[col].(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestFluxSubst(t *testing.T) {
	sub := fluxSubst{
		bucket: "incidents", start: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), stop: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		vars: map[string][]string{"source": {"a.b", "c/d"}, "region": {"PK"}},
	}
	tests := []struct {
		name, in, want, err string
	}{
		{"macros", "from(bucket: v.defaultBucket) |> range(start: v.timeRangeStart, stop: v.timeRangeStop)",
			`from(bucket: "incidents") |> range(start: 2020-01-01T00:00:00Z, stop: 2025-01-01T00:00:00Z)`, ""},
		{"regex of several values", `r.source =~ /^${source:regex}$/`, `r.source =~ /^(a\.b|c\/d)$/`, ""},
		{"single value both forms", `"${region}" "$region"`, `"PK" "PK"`, ""},
		{"unknown macro", "v.organisation", "", "unknown macro"},
		{"unknown variable", "${metric}", "", "unknown variable"},
		{"multi value without format", `"${source}"`, "", "only single values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sub.apply(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("apply(%q) = %q, %v; want error %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("apply(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
