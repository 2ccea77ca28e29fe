package main

import (
	"context"
	"time"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/service"
	"github.com/incidents-dev/incidents/web"
)

func init() { serveMounts = append(serveMounts, mountWeb) }

// mountWeb serves the web page (/, /series, /point, /documents, /alerts)
// and its JSON API (/api/...) on the serve mux, and feeds it the outcome
// of every run for the collector health.
func mountWeb(env *serveEnv) error {
	svc, cfg, st, logger := env.svc, env.cfg, env.st, env.logger
	runs := web.NewRuns()
	h, err := web.New(web.Options{
		Store:    st,
		Spike:    web.SpikeRule{MinRatio: cfg.Alerts.Spike.MinRatio, MinValue: cfg.Alerts.Spike.MinValue},
		Runs:     runs,
		InfluxDB: cfg.InfluxDB.Enabled,
		Logger:   logger.With("component", "web"),
	})
	if err != nil {
		return err
	}
	h.Register(svc)
	svc.OnRun(func(_ context.Context, _ service.Job, sum collector.Summary) { runs.Observe(sum, time.Now()) })
	return nil
}
