package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/service"
	"github.com/incidents-dev/incidents/store"
	"github.com/incidents-dev/incidents/web"
)

func init() { serveMounts = append(serveMounts, mountWeb) }

// mountWeb serves the web page (/, /series, /point, /documents, /alerts)
// and its JSON API (/api/...) on the serve mux, and feeds it the outcome
// of every run for the collector health.
func mountWeb(svc *service.Service, cfg *config.Config, st *store.Store, logger *slog.Logger) error {
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
