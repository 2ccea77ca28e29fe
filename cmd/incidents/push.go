package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/metrics"
)

// pushJob is the job label of the runs collect pushes.
const pushJob = "incidents_collect"

// addPushFlag adds --pushgateway to collect.
func addPushFlag(cmd *cobra.Command) {
	cmd.Flags().String("pushgateway", "", "push the run's metrics to this Pushgateway URL (job "+pushJob+", instance the host name)")
}

// pushRun pushes the metrics of a collect run to the Pushgateway named by
// --pushgateway, if any, grouped by job and instance. It uses Add, not
// Push: a failed run does not carry a last-success time, so the one of
// the last good run stays. A failed push is logged and does not change
// the exit code: the collected data is stored either way.
func pushRun(cmd *cobra.Command, sum collector.Summary, logger *slog.Logger) {
	gateway, _ := cmd.Flags().GetString("pushgateway")
	if gateway == "" {
		return
	}
	if err := pushSummary(cmd, gateway, sum); err != nil {
		logger.Warn("push to the pushgateway failed", "err", err)
		return
	}
	logger.Info("run metrics pushed", "url", logURL(gateway), "job", pushJob)
}

// logURL hides a password in a URL.
func logURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}

func pushSummary(cmd *cobra.Command, gateway string, sum collector.Summary) error {
	reg := prometheus.NewRegistry()
	p, err := metrics.NewPipeline(reg)
	if err != nil {
		return err
	}
	p.Observe(sum, time.Now())
	reg.MustRegister(metrics.BuildInfo(version))
	instance, err := os.Hostname()
	if err != nil || instance == "" {
		instance = "unknown"
	}
	err = push.New(gateway, pushJob).Grouping("instance", instance).Gatherer(reg).AddContext(cmdContext(cmd))
	if err != nil {
		return fmt.Errorf("push %s: %w", logURL(gateway), err)
	}
	return nil
}
