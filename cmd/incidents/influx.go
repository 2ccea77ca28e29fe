package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/store"
	"github.com/incidents-dev/incidents/store/influx"
)

func init() { commands = append(commands, newInfluxCmd) }

// drainAttempts bounds the attempts per batch of one drain run by a
// command; the rest waits in the outbox for the next run.
const drainAttempts = 4

func newInfluxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "influx",
		Short: "Rewrite or check the accepted series in InfluxDB",
		Long: `influx works on the copy of the accepted series kept in InfluxDB (section
influxdb of the configuration, which must be enabled). The store is the
source of truth: sync rewrites InfluxDB from it, verify compares the two.

Example:
  incidents influx sync --config config.yaml
  incidents influx verify --config config.yaml --from 2024-01 --to 2024-06`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return usageErrorf("missing subcommand: sync or verify") },
	}
	cmd.AddCommand(newInfluxSyncCmd(), newInfluxVerifyCmd())
	return cmd
}

// periodRange holds the --from and --to flags of the influx subcommands.
type periodRange struct{ from, to string }

func (r *periodRange) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&r.from, "from", "", "first period, e.g. 2024-01 (points whose period starts no earlier)")
	cmd.Flags().StringVar(&r.to, "to", "", "last period, e.g. 2024-Q2 (points whose period starts no later)")
}

func newInfluxSyncCmd() *cobra.Command {
	var r periodRange
	cmd := &cobra.Command{
		Use:   "sync [--from P] [--to P]",
		Short: "Rewrite the accepted points of a period range to InfluxDB",
		Long: `sync queues every accepted point whose period starts within --from and --to
(all points without them) in the outbox, then writes the whole outbox to
InfluxDB. Use it for a new bucket or after deleting data by hand. A point's
identity in InfluxDB is its tags and timestamp, so running it again changes
nothing. It exits 1 when InfluxDB could not take every point; they stay
in the outbox for the next collect or sync.

Example:
  incidents influx sync --config config.yaml
  incidents influx sync --config config.yaml --from 2024-01 --to 2024-12`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInfluxSync(cmd, r) },
	}
	r.flags(cmd)
	return cmd
}

func newInfluxVerifyCmd() *cobra.Command {
	var r periodRange
	cmd := &cobra.Command{
		Use:   "verify [--from P] [--to P]",
		Short: "Compare InfluxDB with the store point by point",
		Long: `verify reads the points of the period range from InfluxDB (Flux through the
v2 query API) and compares them with the accepted points of the store by
tags, field, timestamp and value. It prints every difference: points
missing from InfluxDB, points InfluxDB has but the store does not, and
different values. It exits 0 when there is none, 1 otherwise. Points still
waiting in the outbox show as differences: run sync first.

Example:
  incidents influx verify --config config.yaml
  incidents influx verify --config config.yaml --from 2024-Q1 --to 2024-Q2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runInfluxVerify(cmd, r) },
	}
	r.flags(cmd)
	return cmd
}

// influxSetup loads the configuration, opens the store and builds the
// InfluxDB client; InfluxDB must be enabled.
func influxSetup(cmd *cobra.Command, r periodRange) (*config.Config, *slog.Logger, *store.Store, *influx.Client, error) {
	if _, err := influx.RangeOf(r.from, r.to); err != nil {
		return nil, nil, nil, nil, usageErrorf("%w", err)
	}
	cfg, logger, st, err := setup(cmd)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if !cfg.InfluxDB.Enabled {
		st.Close()
		return nil, nil, nil, nil, usageErrorf("influxdb.enabled is false: enable it in the configuration or with INCIDENTS_INFLUXDB_ENABLED=true")
	}
	client, err := influx.New(influx.OptionsFromConfig(cfg.InfluxDB))
	if err != nil {
		st.Close()
		return nil, nil, nil, nil, usageErrorf("%w", err)
	}
	return cfg, logger, st, client, nil
}

func runInfluxSync(cmd *cobra.Command, r periodRange) error {
	cfg, logger, st, client, err := influxSetup(cmd, r)
	if err != nil {
		return err
	}
	defer st.Close()
	defer client.Close()
	ctx := cmdContext(cmd)
	n, err := st.OutboxEnqueueRange(ctx, store.Filter{From: r.from, To: r.to})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "queued %d points\n", n)
	return drainOutbox(ctx, cmd.OutOrStdout(), st, newDrainer(cfg.InfluxDB, st, client, logger), client)
}

func runInfluxVerify(cmd *cobra.Command, r periodRange) error {
	_, _, st, client, err := influxSetup(cmd, r)
	if err != nil {
		return err
	}
	defer st.Close()
	defer client.Close()
	ctx := cmdContext(cmd)
	want, err := st.Series(ctx, store.Filter{From: r.from, To: r.to})
	if err != nil {
		return err
	}
	rng, _ := influx.RangeOf(r.from, r.to) // checked by influxSetup
	got, err := client.Query(ctx, rng)
	if err != nil {
		return fmt.Errorf("read influxdb %s bucket %q: %w", redactURL(client.URL()), client.Bucket(), err)
	}
	diffs, err := influx.Compare(want, got)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	for _, d := range diffs {
		fmt.Fprintln(w, d)
	}
	fmt.Fprintf(w, "%d points in the store, %d in influxdb, %d differences\n", len(want), len(got), len(diffs))
	if len(diffs) > 0 {
		return fmt.Errorf("influxdb differs from the store on %d points (run incidents influx sync)", len(diffs))
	}
	return nil
}

// newDrainer builds the outbox drainer of the configuration: batches of
// influxdb.batch_size, retry waits from 500ms up to influxdb.flush_interval.
func newDrainer(c config.InfluxDB, st *store.Store, client *influx.Client, logger *slog.Logger) *influx.Drainer {
	return &influx.Drainer{
		Outbox: st, Writer: client, BatchSize: c.BatchSize, MaxAttempts: drainAttempts,
		MinBackoff: min(500*time.Millisecond, c.FlushInterval), MaxBackoff: c.FlushInterval,
		Logger: logger.With("component", "influxdb"),
	}
}

// drainOutbox writes the outbox to InfluxDB and prints one line saying what
// was written or what is left and why.
func drainOutbox(ctx context.Context, w io.Writer, st *store.Store, d *influx.Drainer, client *influx.Client) error {
	res, err := d.Drain(ctx)
	dest := fmt.Sprintf("%s bucket %q", redactURL(client.URL()), client.Bucket())
	if err == nil {
		fmt.Fprintf(w, "influxdb: wrote %d points in %d batches to %s\n", res.Written, res.Batches, dest)
		return nil
	}
	left := "some"
	if stats, serr := st.Stats(context.WithoutCancel(ctx)); serr == nil {
		left = strconv.FormatInt(stats.Outbox, 10)
	}
	fmt.Fprintf(w, "influxdb: wrote %d points to %s, %s kept in the outbox: %v\n", res.Written, dest, left, err)
	return fmt.Errorf("influxdb: %w (%s points kept in the outbox for the next run)", err, left)
}

// afterCollect runs after a collection: it records the run in the store
// and, when InfluxDB is enabled, writes the outbox to it. It returns the
// InfluxDB error, if any; the collected data is safe in the store either
// way.
func afterCollect(ctx context.Context, w io.Writer, cfg *config.Config, st *store.Store, logger *slog.Logger, sum collector.Summary) error {
	if err := recordRun(context.WithoutCancel(ctx), st, sum); err != nil {
		return err
	}
	if !cfg.InfluxDB.Enabled || ctx.Err() != nil {
		return nil
	}
	client, err := influx.New(influx.OptionsFromConfig(cfg.InfluxDB))
	if err != nil {
		return usageErrorf("%w", err)
	}
	defer client.Close()
	return drainOutbox(ctx, w, st, newDrainer(cfg.InfluxDB, st, client, logger), client)
}

// metaLastRun is the meta key of the last collection: "UNIX ok|failed N".
const metaLastRun = "last_run"

// recordRun stores when the collection ended, whether every source
// succeeded and how many sources ran.
func recordRun(ctx context.Context, st *store.Store, sum collector.Summary) error {
	status := "ok"
	if summaryError(sum) != nil {
		status = "failed"
	}
	return st.SetMeta(ctx, metaLastRun, fmt.Sprintf("%d %s %d", time.Now().Unix(), status, len(sum.Sources)))
}

// redactURL hides a password in a URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.Redacted()
}

// influxDaemon is what serve needs after each run and for /readyz: the
// run recorded in the store, the outbox drained after every run and every
// influxdb.flush_interval, and InfluxDB reachability.
type influxDaemon struct {
	st      *store.Store
	drainer *influx.Drainer // nil when InfluxDB is disabled
	client  *influx.Client
	every   time.Duration
}

func newInfluxDaemon(cfg *config.Config, st *store.Store, logger *slog.Logger) (*influxDaemon, error) {
	d := &influxDaemon{st: st, every: cfg.InfluxDB.FlushInterval}
	if !cfg.InfluxDB.Enabled {
		return d, nil
	}
	client, err := influx.New(influx.OptionsFromConfig(cfg.InfluxDB))
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	d.client, d.drainer = client, newDrainer(cfg.InfluxDB, st, client, logger)
	return d, nil
}

// AfterRun records the run and drains the outbox; errors are logged (and
// recorded in the store by the drainer), never fatal to the daemon.
func (d *influxDaemon) AfterRun(ctx context.Context, sum collector.Summary) {
	if err := recordRun(context.WithoutCancel(ctx), d.st, sum); err != nil && d.drainer != nil {
		d.drainer.Logger.Warn("recording the run failed", "err", err)
	}
	if d.drainer == nil || ctx.Err() != nil {
		return
	}
	res, err := d.drainer.Drain(ctx)
	if err != nil {
		if ctx.Err() == nil {
			d.drainer.Logger.Warn("influxdb write failed, points kept in the outbox", "err", err, "written", res.Written)
		}
		return
	}
	d.drainer.Logger.Info("influxdb written", "points", res.Written, "batches", res.Batches)
}

// OnWritten has f told how many points every acknowledged batch held.
func (d *influxDaemon) OnWritten(f func(n int)) {
	if d.drainer != nil {
		d.drainer.OnWritten = f
	}
}

// Loop drains the backlog every flush_interval until ctx ends.
func (d *influxDaemon) Loop(ctx context.Context) {
	if d.drainer != nil {
		d.drainer.Loop(ctx, d.every)
	}
}

// pinger is the readiness check of service.Options.Store.
type pinger interface{ Ping(context.Context) error }

// Ready wraps the store's readiness check: when InfluxDB is enabled it
// must answer too.
func (d *influxDaemon) Ready(store pinger) pinger {
	if d.client == nil {
		return store
	}
	return readiness{store, d.client}
}

// readiness is ready when the store and InfluxDB both answer.
type readiness struct {
	store  pinger
	client *influx.Client
}

// Ping checks the store, then InfluxDB.
func (r readiness) Ping(ctx context.Context) error {
	return errors.Join(r.store.Ping(ctx), r.client.Check(ctx))
}
