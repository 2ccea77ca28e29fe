package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/incidents-dev/incidents/alert"
	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/metrics"
	"github.com/incidents-dev/incidents/service"
	"github.com/incidents-dev/incidents/store"
)

func init() { serveMounts = append(serveMounts, mountMetrics) }

// refreshTimeout bounds the reading of the snapshot after a run.
const refreshTimeout = time.Minute

// mountMetrics serves /metrics and, after every run, records the run's
// metrics, refreshes the series snapshot from the store, then detects
// spikes and notifies.
func mountMetrics(env *serveEnv) error {
	svc, cfg, st, logger := env.svc, env.cfg, env.st, env.logger
	exp, err := metrics.NewExporter(version, logger.With("component", "metrics"))
	if err != nil {
		return err
	}
	alerts, err := alert.New(st, alertOptions(cfg, exp, logger))
	if err != nil {
		return usageErrorf("%w", err)
	}
	p := &postRun{st: st, exp: exp, alerts: alerts, influx: cfg.InfluxDB.Enabled, log: logger}
	// Expose what the store holds from the start, before the first run.
	p.refresh(context.Background())
	env.influx.OnWritten(func(n int) { exp.Pipeline.InfluxPointsWritten.Add(float64(n)) })
	svc.Handle("GET /metrics", exp)
	svc.OnRun(p.afterRun)
	return nil
}

func alertOptions(cfg *config.Config, exp *metrics.Exporter, logger *slog.Logger) alert.Options {
	a := cfg.Alerts
	return alert.Options{
		Rules:     alert.Rules{MinRatio: a.Spike.MinRatio, MinValue: a.Spike.MinValue, ZScore: a.Spike.ZScore},
		ActiveFor: a.ActiveFor, Severity: a.Severity,
		AlertmanagerURL: a.Alertmanager.URL, WebhookURL: a.Webhook.URL,
		Timeout: a.Timeout, Retries: a.Retries, Backoff: a.RetryBackoff,
		Client:     &http.Client{},
		Registerer: exp.Registry, Logger: logger,
	}
}

// postRun is what serve does after each run, once the run is over, so
// that neither a slow store read nor a failing receiver delays the
// collection itself.
type postRun struct {
	st     *store.Store
	exp    *metrics.Exporter
	alerts *alert.Manager
	influx bool
	log    *slog.Logger
}

func (p *postRun) afterRun(ctx context.Context, _ service.Job, sum collector.Summary) {
	p.exp.Pipeline.Observe(sum, time.Now())
	if ctx.Err() != nil {
		return // shutting down
	}
	series, ok := p.refresh(ctx)
	if !ok {
		return
	}
	if err := p.alerts.Process(ctx, series); err != nil {
		p.log.Error("spike alerts failed", "err", err)
	}
}

// refresh replaces the metrics snapshot and returns its series; ok is
// false when the store could not be read (the old snapshot stays).
func (p *postRun) refresh(ctx context.Context) (series []metrics.Series, ok bool) {
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	snap, series, err := metrics.Read(ctx, p.st, p.influx, time.Now())
	if err != nil {
		p.log.Error("metrics snapshot not refreshed", "err", err)
		return nil, false
	}
	p.exp.Data.Set(snap)
	p.log.Debug("metrics snapshot refreshed", "series", snap.Len())
	return series, true
}
