package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/store"
)

func init() { commands = append(commands, newCollectCmd) }

func newCollectCmd() *cobra.Command {
	var names []string
	cmd := &cobra.Command{
		Use:   "collect [--source NAME ...]",
		Short: "Collect every configured source once",
		Long: `collect runs every configured source once (or only those named with
--source): each new document is parsed and its figures stored; a document
already stored is counted as unchanged without parsing. Each source fails
alone: the others still run. It prints one summary line per source and
exits 0 when every source succeeded, 1 otherwise. With influxdb.enabled it
then writes the outbox to InfluxDB; when InfluxDB fails, the points stay in
the outbox for the next run, the cause is printed and collect exits 1.
Meant for system cron
and Kubernetes CronJobs; SIGINT or SIGTERM stops it between documents.

With --pushgateway URL it then pushes the run's metrics (runs, duration,
last success, per-source results and documents) to a Prometheus
Pushgateway, grouped by job="incidents_collect" and instance.

Example:
  incidents collect --config config.yaml
  incidents collect --source examples
  incidents collect --pushgateway http://127.0.0.1:9091`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCollect(cmd, names) },
	}
	cmd.Flags().StringSliceVar(&names, "source", nil, "collect only this source (repeatable)")
	addPushFlag(cmd)
	return cmd
}

// collectorDeps is what every source needs: the shared fetcher, the
// store's fetch state, the logger and the config's defaults and limits.
func collectorDeps(cfg *config.Config, st *store.Store, logger *slog.Logger) collector.Deps {
	return collector.Deps{
		Fetcher:  collector.NewFetcher(fetchOptions(cfg.Fetch), logger),
		State:    st,
		Logger:   logger,
		Defaults: cfg.Defaults,
		MaxBytes: cfg.Fetch.MaxBodyBytes,
	}
}

func runCollect(cmd *cobra.Command, names []string) error {
	cfg, logger, st, err := setup(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(cfg.Sources) == 0 {
		return usageErrorf("no sources configured")
	}
	deps := collectorDeps(cfg, st, logger)
	sources, err := collector.NewSources(cfg.Sources, deps, names...)
	var unknown *collector.UnknownSourceError
	if errors.As(err, &unknown) {
		return usageErrorf("%w", err)
	}
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c := &collector.Collector{Store: st, Logger: logger}
	sum := c.Run(ctx, sources)
	writeSummary(cmd.OutOrStdout(), sum)
	pushRun(cmd, sum, logger)
	// InfluxDB (store/influx, see afterCollect in influx.go): record the run
	// and write the outbox. An InfluxDB failure keeps the points in the
	// outbox for the next run and makes collect exit 1, naming the cause.
	return errors.Join(summaryError(sum), afterCollect(ctx, cmd.OutOrStdout(), cfg, st, logger, sum))
}

// fetchOptions maps the fetch section to the fetcher's limits.
func fetchOptions(f config.Fetch) collector.FetchOptions {
	ua := f.UserAgent
	if ua == "" {
		ua = collector.UserAgent(version)
	}
	return collector.FetchOptions{
		Timeout: f.Timeout, MaxBodyBytes: f.MaxBodyBytes, MaxRedirects: f.MaxRedirects, Retries: f.Retries,
		RetryBackoff: f.RetryBackoff, MinHostInterval: f.MinHostInterval, UserAgent: ua,
	}
}

// writeSummary prints one line per source, then the errors.
func writeSummary(w io.Writer, sum collector.Summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tNEW\tUNCHANGED\tFAILED\tFIGURES\tREVISIONS\tDURATION\tSTATUS")
	for _, s := range sum.Sources {
		status := "ok"
		switch {
		case s.Interrupted:
			status = "interrupted"
		case !s.OK():
			status = "failed"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", s.Source, s.New, s.Unchanged, s.Failed,
			s.Figures, s.Revisions, s.Duration.Round(time.Millisecond), status)
	}
	tw.Flush()
	for _, s := range sum.Sources {
		for _, e := range s.Errors {
			fmt.Fprintf(w, "%s: %s\n", s.Source, e)
		}
	}
}

// summaryError is nil when every source succeeded.
func summaryError(sum collector.Summary) error {
	failed := 0
	for _, s := range sum.Sources {
		if !s.OK() {
			failed++
		}
	}
	if failed == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d sources did not succeed", failed, len(sum.Sources))
}
