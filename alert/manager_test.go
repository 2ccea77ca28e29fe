package alert

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/incidents-dev/incidents/metrics"
	"github.com/incidents-dev/incidents/store"
)

// receiver records the bodies posted to it and answers with the next
// status of statuses (200 once they are used up).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	bodies   [][]byte
	statuses []int
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, b)
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) posts() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...)
}

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "incidents.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newManager(t *testing.T, st Store, clk *clock, reg prometheus.Registerer, amURL, hookURL string) *Manager {
	t.Helper()
	m, err := New(st, Options{
		Rules: Rules{MinRatio: 0.5, MinValue: 20}, ActiveFor: 7 * 24 * time.Hour, Severity: "page",
		AlertmanagerURL: amURL, WebhookURL: hookURL, Timeout: 2 * time.Second, Retries: 2, Backoff: time.Millisecond,
		Registerer: reg, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Now: clk.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestManagerSendsEachRunWebhookOnce(t *testing.T) {
	st := openStore(t)
	am, hook := newReceiver(t), newReceiver(t)
	clk := &clock{time.Date(2023, 2, 3, 10, 0, 0, 0, time.UTC)}
	reg := prometheus.NewRegistry()
	m := newManager(t, st, clk, reg, am.URL+"/", hook.URL)
	in := []metrics.Series{series("deaths", "all", 56, 134), series("attacks", "all", 30, 31)}
	detected := clk.t
	for run := range 3 {
		if err := m.Process(context.Background(), in); err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		clk.t = clk.t.Add(6 * time.Hour)
	}
	posts := am.posts()
	if len(posts) != 3 {
		t.Fatalf("alertmanager got %d posts, want one per run (3)", len(posts))
	}
	for i, p := range posts {
		var alerts []amAlert
		if err := json.Unmarshal(p, &alerts); err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 1 {
			t.Fatalf("post %d: %d alerts, want 1", i, len(alerts))
		}
		a := alerts[0]
		want := map[string]string{"alertname": "IncidentSpike", "source": "picss", "metric": "deaths", "category": "all",
			"region": "PK", "period": "2023-01", "severity": "page"}
		if len(a.Labels) != len(want) {
			t.Errorf("labels %v, want %v", a.Labels, want)
		}
		for k, v := range want {
			if a.Labels[k] != v {
				t.Errorf("label %s = %q, want %q", k, a.Labels[k], v)
			}
		}
		if a.Annotations["summary"] != "deaths in PK rose 139 % to 134 in 2023-01" || a.Annotations["evidence"] != "evidence 2023-01" ||
			a.Annotations["document_url"] != "https://picss.example/2023-01" {
			t.Errorf("annotations %v", a.Annotations)
		}
		if !a.StartsAt.Equal(detected) || !a.EndsAt.Equal(detected.Add(7*24*time.Hour)) {
			t.Errorf("post %d: startsAt %v endsAt %v, want detection %v and 7 days later", i, a.StartsAt, a.EndsAt, detected)
		}
	}
	if got := hook.posts(); len(got) != 1 {
		t.Fatalf("webhook got %d posts, want exactly 1", len(got))
	}
	var msg WebhookMessage
	if err := json.Unmarshal(hook.posts()[0], &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Labels["alertname"] != "IncidentSpike" || msg.Value != 134 || *msg.Previous != 56 || msg.Period != "2023-01" || msg.Status != "firing" {
		t.Errorf("webhook message %+v", msg)
	}
	if got := testutil.ToFloat64(m.sent.WithLabelValues("alertmanager", "success")); got != 3 {
		t.Errorf("alertmanager successes %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.sent.WithLabelValues("webhook", "success")); got != 1 {
		t.Errorf("webhook successes %v, want 1", got)
	}

	// Once active_for has passed, the alert is no longer sent.
	clk.t = detected.Add(7*24*time.Hour + time.Minute)
	if err := m.Process(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if n := len(am.posts()); n != 3 {
		t.Errorf("alertmanager got %d posts after the alert ended, want still 3", n)
	}
	if lint, err := testutil.GatherAndLint(reg); err != nil || len(lint) > 0 {
		t.Errorf("lint: %v %v", err, lint)
	}
}

func TestManagerRetriesAndFailures(t *testing.T) {
	tests := []struct {
		name      string
		statuses  []int
		posts     int     // requests the webhook receives in the first run
		successes float64 // after the first run
		failures  float64
	}{
		{"recovers after two 503", []int{503, 503}, 3, 1, 0},
		{"gives up after the retries", []int{500, 502, 503}, 3, 0, 1},
		{"400 is not retried", []int{400}, 1, 0, 1},
		{"429 is retried", []int{429}, 2, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			hook := newReceiver(t, tt.statuses...)
			clk := &clock{time.Date(2023, 2, 3, 10, 0, 0, 0, time.UTC)}
			m := newManager(t, st, clk, nil, "", hook.URL)
			in := []metrics.Series{series("deaths", "all", 56, 134)}
			if err := m.Process(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			if n := len(hook.posts()); n != tt.posts {
				t.Errorf("%d requests, want %d", n, tt.posts)
			}
			ok, bad := testutil.ToFloat64(m.sent.WithLabelValues("webhook", "success")), testutil.ToFloat64(m.sent.WithLabelValues("webhook", "failure"))
			if ok != tt.successes || bad != tt.failures {
				t.Errorf("success %v failure %v, want %v %v", ok, bad, tt.successes, tt.failures)
			}
			// The next run sends an unacknowledged spike again, and only it.
			if err := m.Process(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			want := tt.posts
			if tt.successes == 0 {
				want++
			}
			if n := len(hook.posts()); n != want {
				t.Errorf("after a second run %d requests, want %d", n, want)
			}
		})
	}
}

func TestManagerUnreachableDoesNotFail(t *testing.T) {
	st := openStore(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	clk := &clock{time.Date(2023, 2, 3, 10, 0, 0, 0, time.UTC)}
	m := newManager(t, st, clk, nil, dead.URL, dead.URL)
	if err := m.Process(context.Background(), []metrics.Series{series("deaths", "all", 56, 134)}); err != nil {
		t.Fatalf("Process failed with unreachable receivers: %v", err)
	}
	for _, r := range []string{"alertmanager", "webhook"} {
		if got := testutil.ToFloat64(m.sent.WithLabelValues(r, "failure")); got != 1 {
			t.Errorf("%s failures %v, want 1", r, got)
		}
	}
	all, _ := st.Alerts(context.Background(), time.Time{})
	if len(all) != 1 || !all[0].WebhookAt.IsZero() || !all[0].SentAt.IsZero() {
		t.Errorf("stored alerts %+v: want one, not acknowledged", all)
	}
}

func TestManagerRevisionWithdrawsSpike(t *testing.T) {
	st := openStore(t)
	am := newReceiver(t)
	clk := &clock{time.Date(2023, 2, 3, 10, 0, 0, 0, time.UTC)}
	m := newManager(t, st, clk, nil, am.URL, "")
	if err := m.Process(context.Background(), []metrics.Series{series("deaths", "all", 56, 134)}); err != nil {
		t.Fatal(err)
	}
	clk.t = clk.t.Add(time.Hour)
	// A correction lowers January to 60: no spike any more.
	if err := m.Process(context.Background(), []metrics.Series{series("deaths", "all", 56, 60)}); err != nil {
		t.Fatal(err)
	}
	posts := am.posts()
	if len(posts) != 2 {
		t.Fatalf("%d posts, want 2", len(posts))
	}
	var alerts []amAlert
	json.Unmarshal(posts[1], &alerts)
	if len(alerts) != 1 || !alerts[0].EndsAt.Equal(clk.t) {
		t.Errorf("second post %s: want the alert ended now (%v)", posts[1], clk.t)
	}
	active, _ := st.Alerts(context.Background(), clk.t)
	if len(active) != 0 {
		t.Errorf("still active: %+v", active)
	}
	clk.t = clk.t.Add(time.Hour)
	if err := m.Process(context.Background(), []metrics.Series{series("deaths", "all", 56, 60)}); err != nil {
		t.Fatal(err)
	}
	if n := len(am.posts()); n != 2 {
		t.Errorf("an ended alert was sent again (%d posts)", n)
	}
}
