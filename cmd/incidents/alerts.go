package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/store"
)

func init() { commands = append(commands, newAlertsCmd) }

func newAlertsCmd() *cobra.Command {
	var active bool
	var format string
	cmd := &cobra.Command{
		Use:   "alerts [--active] [--format table|json]",
		Short: "List the month-over-month spikes detected by serve",
		Long: `alerts lists the spikes that serve detected after its runs, newest first:
current ones (active until alerts.active_for after detection, and re-sent to
Alertmanager after every run until then) and past ones. A spike is the latest
month of a monthly series rising by at least alerts.spike.min_ratio over the
month before to at least alerts.spike.min_value (or, with alerts.spike.zscore,
that many standard deviations above the mean of the 12 months before).
WEBHOOK tells whether the webhook acknowledged the spike.

Example:
  incidents alerts --config config.yaml
  incidents alerts --active --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usageErrorf("unknown format %q (want table or json)", format)
			}
			_, _, st, err := setup(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			now := time.Now()
			var since time.Time
			if active {
				since = now
			}
			alerts, err := st.Alerts(cmdContext(cmd), since)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeAlertsJSON(cmd.OutOrStdout(), alerts, now)
			}
			writeAlertsTable(cmd.OutOrStdout(), alerts, now)
			return nil
		},
	}
	cmd.Flags().BoolVar(&active, "active", false, "list only the current spikes")
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

func alertStatus(a store.Alert, now time.Time) string {
	if a.Active(now) {
		return "active"
	}
	return "ended"
}

func writeAlertsTable(w io.Writer, alerts []store.Alert, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tDETECTED\tENDS\tSOURCE\tPERIOD\tMETRIC\tCATEGORY\tREGION\tVALUE\tPREVIOUS\tCHANGE\tWEBHOOK\tSUMMARY")
	for _, a := range alerts {
		prev, change, hook := "-", "-", "no"
		if a.Previous != nil {
			prev = fmt.Sprint(*a.Previous)
		}
		if a.Ratio != nil {
			change = fmt.Sprintf("%+.0f%%", *a.Ratio*100)
		}
		if !a.WebhookAt.IsZero() {
			hook = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", alertStatus(a, now),
			a.DetectedAt.Format(time.RFC3339), a.EndsAt.Format(time.RFC3339), a.Source, a.Period, a.Metric, a.Category,
			a.Region, a.Value, prev, change, hook, a.Summary)
	}
	tw.Flush()
}

// alertJSON is one spike in the JSON output.
type alertJSON struct {
	Status     string     `json:"status"`
	Source     string     `json:"source"`
	Publisher  string     `json:"publisher"`
	Period     string     `json:"period"`
	Metric     string     `json:"metric"`
	Category   string     `json:"category"`
	Region     string     `json:"region"`
	Value      int64      `json:"value"`
	Previous   *int64     `json:"previous"`
	Ratio      *float64   `json:"ratio"`
	ZScore     *float64   `json:"zscore"`
	Summary    string     `json:"summary"`
	Evidence   string     `json:"evidence"`
	URL        string     `json:"url"`
	DetectedAt time.Time  `json:"detected_at"`
	EndsAt     time.Time  `json:"ends_at"`
	WebhookAt  *time.Time `json:"webhook_at"`
}

func writeAlertsJSON(w io.Writer, alerts []store.Alert, now time.Time) error {
	out := make([]alertJSON, len(alerts))
	for i, a := range alerts {
		out[i] = alertJSON{Status: alertStatus(a, now), Source: a.Source, Publisher: a.Publisher, Period: a.Period,
			Metric: a.Metric, Category: a.Category, Region: a.Region, Value: a.Value, Previous: a.Previous, Ratio: a.Ratio,
			ZScore: a.ZScore, Summary: a.Summary, Evidence: a.Evidence, URL: a.URL, DetectedAt: a.DetectedAt, EndsAt: a.EndsAt}
		if !a.WebhookAt.IsZero() {
			out[i].WebhookAt = &a.WebhookAt
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
