package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/incidents-dev/incidents/metrics"
	"github.com/incidents-dev/incidents/store"
)

// Store keeps the alert state; *store.Store is one.
type Store interface {
	RecordAlerts(ctx context.Context, now time.Time, activeFor time.Duration, alerts []store.Alert) (int, error)
	Alerts(ctx context.Context, activeAt time.Time) ([]store.Alert, error)
	MarkAlertsSent(ctx context.Context, receiver string, t time.Time, alerts []store.Alert) error
	EndAlerts(ctx context.Context, t time.Time, alerts []store.Alert) error
}

// Options configure a Manager.
type Options struct {
	Rules Rules
	// ActiveFor is how long an alert stays active after detection.
	ActiveFor time.Duration
	// Severity is the severity label; "warning" when empty.
	Severity string
	// AlertmanagerURL is the Alertmanager base URL; WebhookURL the
	// webhook's. Empty disables either.
	AlertmanagerURL, WebhookURL string
	// Timeout bounds one request (default 10s); a failed one is retried
	// Retries times, after Backoff, doubled each time.
	Timeout time.Duration
	Retries int
	Backoff time.Duration
	// Client defaults to a new http.Client.
	Client *http.Client
	// Registerer takes incidents_alerts_sent_total; nil for none.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
	// Now defaults to time.Now.
	Now func() time.Time
}

// Manager detects spikes, keeps their state and notifies.
type Manager struct {
	st   Store
	opts Options
	log  *slog.Logger
	post poster
	sent *prometheus.CounterVec
}

// New builds a manager over st.
func New(st Store, opts Options) (*Manager, error) {
	if opts.ActiveFor <= 0 {
		return nil, errors.New("alert: ActiveFor must be positive")
	}
	if opts.Severity == "" {
		opts.Severity = "warning"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m := &Manager{
		st: st, opts: opts, log: opts.Logger.With("component", "alerts"),
		post: poster{client: opts.Client, timeout: opts.Timeout, retries: opts.Retries, backoff: opts.Backoff},
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "incidents_alerts_sent_total",
			Help: "Spike alerts sent, by receiver (alertmanager or webhook) and result (success or failure, after retries).",
		}, []string{"receiver", "result"}),
	}
	for _, r := range m.receivers() {
		m.sent.WithLabelValues(r, "success")
		m.sent.WithLabelValues(r, "failure")
	}
	if opts.Registerer != nil {
		if err := opts.Registerer.Register(m.sent); err != nil {
			return nil, fmt.Errorf("register incidents_alerts_sent_total: %w", err)
		}
	}
	return m, nil
}

func (m *Manager) receivers() []string {
	var out []string
	if m.opts.AlertmanagerURL != "" {
		out = append(out, store.ReceiverAlertmanager)
	}
	if m.opts.WebhookURL != "" {
		out = append(out, store.ReceiverWebhook)
	}
	return out
}

// Process runs after a collection run: it detects the spikes of series,
// records them, ends the active alerts a revision withdrew, then sends
// every active alert to Alertmanager and every alert the webhook has not
// acknowledged to the webhook. Notification failures are counted and
// logged; only store errors are returned.
func (m *Manager) Process(ctx context.Context, series []metrics.Series) error {
	now := m.opts.Now()
	spikes := Detect(series, m.opts.Rules)
	created, err := m.st.RecordAlerts(ctx, now, m.opts.ActiveFor, spikes)
	if err != nil {
		return fmt.Errorf("record spikes: %w", err)
	}
	active, err := m.st.Alerts(ctx, now)
	if err != nil {
		return fmt.Errorf("read active alerts: %w", err)
	}
	active, ended := withdrawn(active, series, spikes, now)
	if err := m.st.EndAlerts(ctx, now, ended); err != nil {
		return fmt.Errorf("end withdrawn alerts: %w", err)
	}
	m.log.Info("spikes checked", "series", len(series), "spikes", len(spikes), "new", created, "active", len(active), "withdrawn", len(ended))
	if m.opts.AlertmanagerURL != "" && len(active)+len(ended) > 0 {
		if err := m.toAlertmanager(ctx, now, append(active, ended...)); err != nil {
			return err
		}
	}
	if m.opts.WebhookURL != "" {
		return m.toWebhook(ctx, now, active)
	}
	return nil
}

// withdrawn splits the active alerts into those still standing and those
// whose series still ends with the same month but is no longer a spike (a
// revision lowered it); the latter get EndsAt now.
func withdrawn(active []store.Alert, series []metrics.Series, spikes []store.Alert, now time.Time) (keep, ended []store.Alert) {
	type key struct{ source, metric, category, region, period string }
	latest := map[key]bool{}
	for _, s := range series {
		if p, _, ok := s.Latest(); ok {
			latest[key{s.Source, s.Metric, s.Category, s.Region, p.Period}] = true
		}
	}
	spiking := map[key]bool{}
	for _, a := range spikes {
		spiking[key{a.Source, a.Metric, a.Category, a.Region, a.Period}] = true
	}
	for _, a := range active {
		k := key{a.Source, a.Metric, a.Category, a.Region, a.Period}
		if latest[k] && !spiking[k] {
			a.EndsAt = now
			ended = append(ended, a)
			continue
		}
		keep = append(keep, a)
	}
	return keep, ended
}

// toAlertmanager posts alerts in one request; Alertmanager deduplicates
// them by labels, so re-sending keeps one alert alive until its EndsAt.
func (m *Manager) toAlertmanager(ctx context.Context, now time.Time, alerts []store.Alert) error {
	body, err := alertmanagerBody(alerts, m.opts.Severity)
	if err != nil {
		return fmt.Errorf("encode alerts: %w", err)
	}
	url := strings.TrimSuffix(m.opts.AlertmanagerURL, "/") + "/api/v2/alerts"
	if err := m.post.post(ctx, url, body); err != nil {
		m.sent.WithLabelValues(store.ReceiverAlertmanager, "failure").Add(float64(len(alerts)))
		m.log.Warn("alertmanager notification failed", "alerts", len(alerts), "err", err)
		return nil
	}
	m.sent.WithLabelValues(store.ReceiverAlertmanager, "success").Add(float64(len(alerts)))
	m.log.Debug("alerts sent to alertmanager", "alerts", len(alerts))
	if err := m.st.MarkAlertsSent(ctx, store.ReceiverAlertmanager, now, alerts); err != nil {
		return fmt.Errorf("mark alerts sent: %w", err)
	}
	return nil
}

// toWebhook posts each alert the webhook has not acknowledged yet, one
// request per alert.
func (m *Manager) toWebhook(ctx context.Context, now time.Time, alerts []store.Alert) error {
	for _, a := range alerts {
		if !a.WebhookAt.IsZero() {
			continue
		}
		body, err := webhookBody(a, m.opts.Severity)
		if err != nil {
			return fmt.Errorf("encode alert: %w", err)
		}
		if err := m.post.post(ctx, m.opts.WebhookURL, body); err != nil {
			m.sent.WithLabelValues(store.ReceiverWebhook, "failure").Inc()
			m.log.Warn("webhook notification failed", "summary", a.Summary, "err", err)
			continue
		}
		m.sent.WithLabelValues(store.ReceiverWebhook, "success").Inc()
		m.log.Info("spike sent to webhook", "summary", a.Summary)
		if err := m.st.MarkAlertsSent(ctx, store.ReceiverWebhook, now, []store.Alert{a}); err != nil {
			return fmt.Errorf("mark alert sent: %w", err)
		}
	}
	return nil
}
