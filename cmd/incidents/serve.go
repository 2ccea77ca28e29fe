package main

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // schedule.time_zone works on hosts without a zoneinfo database

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/service"
	"github.com/incidents-dev/incidents/store"
)

func init() { commands = append(commands, newServeCmd) }

// serveMounts lets other files add handlers (e.g. /metrics) to the serve
// HTTP mux, each from its own init function.
var serveMounts []func(env *serveEnv) error

// serveEnv is what a mount gets: the service to add handlers and run hooks
// to, the config, the store, the logger and the InfluxDB daemon.
type serveEnv struct {
	svc    *service.Service
	cfg    *config.Config
	st     *store.Store
	logger *slog.Logger
	influx *influxDaemon
}

func newServeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Collect on a cron schedule; serve the web page, /metrics, /healthz and /readyz",
		Long: `serve is the long-running daemon. It collects every configured source on
the cron schedule schedule.spec (five-field specs such as "0 */6 * * *" or
descriptors such as "@every 6h" and "@daily", in schedule.time_zone); a
source with its own schedule is collected on that one instead. With
schedule.run_on_start (the default) it collects at once, so a restart never
waits a whole period. One collection runs at a time; a tick that comes while
the previous run of its schedule is still going is skipped.

It answers on http.listen (with TLS and basic auth when
http.web_config_file is set):
  /         the web page: every series as a chart, every number linked to
            the sentence it was read from (/series, /point, /documents,
            /alerts, and the JSON API under /api/)
  /metrics  Prometheus metrics: the latest month of every monthly series,
            the collector's runs, alerts sent
  /healthz  200 while the process is alive
  /readyz   200 once every schedule has finished a run and the store (and
            InfluxDB, when enabled) answers, 503 with the reason before

After every run it refreshes the metrics, detects month-over-month spikes
(alerts section) and notifies Alertmanager and the webhook, and writes the
changed series to InfluxDB when influxdb.enabled.

SIGINT or SIGTERM stops the schedule, lets the document being stored commit,
closes the HTTP server and exits 0 within http.shutdown_grace.

Example:
  incidents serve --config config.yaml
  incidents serve --config config.yaml --log-format json
  curl -s http://127.0.0.1:9464/readyz`,
		Args: cobra.NoArgs,
		RunE: runServe,
	}
}

func runServe(cmd *cobra.Command, _ []string) error {
	cfg, logger, st, err := setup(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(cfg.Sources) == 0 {
		return usageErrorf("no sources configured")
	}
	loc, err := time.LoadLocation(cfg.Schedule.TimeZone)
	if err != nil {
		return usageErrorf("schedule.time_zone: %w", err)
	}
	deps := collectorDeps(cfg, st, logger)
	sources, err := collector.NewSources(cfg.Sources, deps)
	if err != nil {
		return usageErrorf("%w", err)
	}
	// InfluxDB (store/influx, see influxDaemon in influx.go): each run is
	// recorded and followed by a drain of the outbox, the backlog is retried
	// every influxdb.flush_interval, and /readyz needs InfluxDB to answer.
	ifx, err := newInfluxDaemon(cfg, st, logger)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt, syscall.SIGTERM)
	defer stop()
	svc, err := service.New(service.Options{
		Jobs:          service.GroupBySchedule(cfg.Sources, sources, cfg.Schedule.Spec),
		Runner:        &collector.Collector{Store: st, Logger: logger},
		Store:         ifx.Ready(st),
		Location:      loc,
		RunOnStart:    cfg.Schedule.RunOnStart,
		ShutdownGrace: cfg.HTTP.ShutdownGrace,
		WebConfigFile: cfg.HTTP.WebConfigFile,
		Logger:        logger,
		AfterRun:      func(_ service.Job, sum collector.Summary) { ifx.AfterRun(ctx, sum) },
	})
	if err != nil {
		return usageErrorf("%w", err)
	}
	for _, mount := range serveMounts {
		if err := mount(&serveEnv{svc: svc, cfg: cfg, st: st, logger: logger, influx: ifx}); err != nil {
			return err
		}
	}
	go ifx.Loop(ctx)
	return svc.ListenAndServe(ctx, cfg.HTTP.Listen)
}
