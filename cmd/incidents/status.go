package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/store/influx"
)

func init() { commands = append(commands, newStatusCmd) }

func newStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show what the store holds and how InfluxDB is doing",
		Long: `status prints the store file, its counts of documents, observations,
accepted points and revisions, the last ingest and the last collection, and
for InfluxDB: whether it is enabled and answering, the outbox size (points
not yet written), the last acknowledged write and the last write error with
its time. An error older than the last write has been overcome. The token
is never printed.

Example:
  incidents status --config config.yaml`,
		Args: cobra.NoArgs,
		RunE: runStatus,
	}
}

func runStatus(cmd *cobra.Command, _ []string) error {
	cfg, _, st, err := setup(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := cmdContext(cmd)
	stats, err := st.Stats(ctx)
	if err != nil {
		return err
	}
	m := map[string]string{}
	for _, k := range []string{metaLastRun, influx.MetaLastWrite, influx.MetaLastError, influx.MetaLastErrorTime} {
		if m[k], err = st.Meta(ctx, k); err != nil {
			return err
		}
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	row("store", st.Path())
	row("documents", strconv.FormatInt(stats.Documents, 10))
	row("observations", strconv.FormatInt(stats.Observations, 10))
	row("points", strconv.FormatInt(stats.Points, 10))
	row("revisions", strconv.FormatInt(stats.Revisions, 10))
	row("last ingest", timeOrNever(stats.LastIngest))
	row("last run", lastRun(m[metaLastRun]))
	row("influxdb", influxState(ctx, cfg.InfluxDB))
	row("outbox", fmt.Sprintf("%d points waiting for influxdb", stats.Outbox))
	row("influxdb last write", timeOrNever(unixMeta(m[influx.MetaLastWrite])))
	lastErr := "none"
	if m[influx.MetaLastError] != "" {
		lastErr = timeOrNever(unixMeta(m[influx.MetaLastErrorTime])) + ": " + m[influx.MetaLastError]
	}
	row("influxdb last error", lastErr)
	return tw.Flush()
}

// influxState says whether InfluxDB is enabled, where, and whether it
// answers.
func influxState(ctx context.Context, c config.InfluxDB) string {
	if !c.Enabled {
		return "disabled"
	}
	s := fmt.Sprintf("%s bucket %q", redactURL(c.URL), c.Bucket)
	client, err := influx.New(influx.OptionsFromConfig(c))
	if err != nil {
		return s + ": " + err.Error()
	}
	defer client.Close()
	if err := client.Check(ctx); err != nil {
		return s + ", unreachable: " + err.Error()
	}
	return s + ", reachable"
}

// lastRun renders the last_run meta value ("UNIX ok|failed N").
func lastRun(v string) string {
	f := strings.Fields(v)
	if len(f) != 3 {
		return "never"
	}
	return fmt.Sprintf("%s (%s, %s sources)", timeOrNever(unixMeta(f[0])), f[1], f[2])
}

// unixMeta parses a unix time stored in meta; zero when empty or invalid.
func unixMeta(v string) time.Time {
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil || sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}

func timeOrNever(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
