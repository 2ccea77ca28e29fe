package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

func init() { commands = append(commands, newSeriesCmd) }

type seriesOptions struct {
	filter   store.Filter
	format   string
	evidence bool
	history  bool
}

func newSeriesCmd() *cobra.Command {
	var o seriesOptions
	cmd := &cobra.Command{
		Use:   "series",
		Short: "Print the accepted time series",
		Long: `series prints the accepted value of every series point (source, period,
metric, category, region) in the store, filtered by the flags. The table
shows the change against the previous period of the same series (month
over month for monthly points). --evidence adds the sentence and the
document each value comes from; --history lists every value each point
has had, superseded ones with the date they were replaced.

Periods for --from and --to are in the corpus format: 2024-01, 2024-Q2,
2024-H1 or 2024.

Example:
  incidents series --metric deaths --region PK
  incidents series --metric attacks --from 2024-01 --to 2024-06 --format csv
  incidents series --metric deaths --category civilians --evidence
  incidents series --history --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSeries(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.filter.Metric, "metric", "", "only this metric ("+strings.Join(parser.Metrics, ", ")+")")
	f.StringVar(&o.filter.Region, "region", "", "only this region (PK, PK-KP, ...)")
	f.StringVar(&o.filter.Category, "category", "", "only this category ("+strings.Join(parser.Categories, ", ")+")")
	f.StringVar(&o.filter.Source, "source", "", "only this configured source")
	f.StringVar(&o.filter.From, "from", "", "first period (e.g. 2024-01)")
	f.StringVar(&o.filter.To, "to", "", "last period (e.g. 2024-12)")
	f.StringVar(&o.format, "format", "table", "output format: table, csv or json")
	f.BoolVar(&o.evidence, "evidence", false, "add the sentence and document of each value")
	f.BoolVar(&o.history, "history", false, "list every value each point has had")
	return cmd
}

func (o seriesOptions) validate() error {
	switch o.format {
	case "table", "csv", "json":
	default:
		return usageErrorf("invalid --format %q: want table, csv or json", o.format)
	}
	if o.filter.Metric != "" && !contains(parser.Metrics, o.filter.Metric) {
		return usageErrorf("invalid --metric %q: want one of %s", o.filter.Metric, strings.Join(parser.Metrics, ", "))
	}
	if o.filter.Category != "" && !contains(parser.Categories, o.filter.Category) {
		return usageErrorf("invalid --category %q: want one of %s", o.filter.Category, strings.Join(parser.Categories, ", "))
	}
	for name, p := range map[string]string{"--from": o.filter.From, "--to": o.filter.To} {
		if p == "" {
			continue
		}
		if _, err := parser.ParsePeriod(p); err != nil {
			return usageErrorf("invalid %s: %w", name, err)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func runSeries(cmd *cobra.Command, o seriesOptions) error {
	if err := o.validate(); err != nil {
		return err
	}
	_, _, st, err := setup(cmd)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := cmdContext(cmd)
	w := cmd.OutOrStdout()
	if o.history {
		revs, err := st.History(ctx, o.filter)
		if err != nil {
			return err
		}
		return writeHistory(w, revs, o)
	}
	// Read one period more so the first point shown has its change.
	wide := o.filter
	if wide.From != "" {
		p, _ := parser.ParsePeriod(wide.From)
		wide.From = p.Previous().String()
	}
	points, err := st.Series(ctx, wide)
	if err != nil {
		return err
	}
	rows := seriesRows(points, o.filter.From)
	switch o.format {
	case "csv":
		return writeSeriesCSV(w, rows, o.evidence)
	case "json":
		return writeJSON(w, seriesJSON(rows, o.evidence))
	}
	return writeSeriesTable(w, rows, o.evidence)
}

// seriesRow is a point with its change against the previous period.
type seriesRow struct {
	store.Point
	hasPrev bool
	prev    int64
}

// change formats the change: "+12 (+25.0%)", "-3 (-5.0%)", "+4" when the
// previous value was 0, "" when there is no previous value.
func (r seriesRow) change() string {
	if !r.hasPrev {
		return ""
	}
	d := r.Value - r.prev
	s := strconv.FormatInt(d, 10)
	if d >= 0 {
		s = "+" + s
	}
	if r.prev == 0 {
		return s
	}
	return fmt.Sprintf("%s (%+.1f%%)", s, float64(d)*100/float64(r.prev))
}

// seriesRows pairs each point with the previous period of its series and
// drops the points before from (read only to compute changes).
func seriesRows(points []store.Point, from string) []seriesRow {
	key := func(p store.Point, period string) string {
		return p.Source + "|" + p.Metric + "|" + p.Category + "|" + p.Region + "|" + period
	}
	byKey := make(map[string]int64, len(points))
	for _, p := range points {
		byKey[key(p, p.Period)] = p.Value
	}
	var start time.Time
	if from != "" {
		if p, err := parser.ParsePeriod(from); err == nil {
			start = p.Start
		}
	}
	rows := make([]seriesRow, 0, len(points))
	for _, p := range points {
		per, err := parser.ParsePeriod(p.Period)
		if err == nil && per.Start.Before(start) {
			continue
		}
		r := seriesRow{Point: p}
		if err == nil && per.Granularity != parser.Range {
			r.prev, r.hasPrev = byKey[key(p, per.Previous().String())]
		}
		rows = append(rows, r)
	}
	return rows
}

// qualified prefixes a value with the sign of its qualifier.
func qualified(v int64, q string) string { return parser.QualifiedValue(v, q) }

func writeSeriesTable(w io.Writer, rows []seriesRow, evidence bool) error {
	if len(rows) == 0 {
		_, err := fmt.Fprintln(w, "no series points match")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "SOURCE\tMETRIC\tCATEGORY\tREGION\tPERIOD\tVALUE\tCHANGE\tREVISIONS"
	if evidence {
		head += "\tDOCUMENT\tEVIDENCE"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", r.Source, r.Metric, r.Category, r.Region,
			r.Period, qualified(r.Value, r.Qualifier), r.change(), countOrBlank(r.Revisions))
		if evidence {
			fmt.Fprintf(tw, "\t%s\t%s", documentCell(r.Point), evidenceCell(r.Evidence))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// documentCell names a document by its title, publication date and URL.
func documentCell(p store.Point) string {
	return fmt.Sprintf("%s (%s) %s", clip(p.Title, 40), p.Published.Format(time.DateOnly), p.URL)
}

// evidenceCell is the sentence on one line, quoted.
func evidenceCell(s string) string { return strconv.Quote(strings.TrimSpace(oneLine(s))) }

func countOrBlank(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

var seriesHeader = []string{"source", "publisher", "period", "granularity", "metric", "category", "region", "value", "qualifier", "change", "main", "revisions"}

var evidenceHeader = []string{"evidence", "document_url", "document_title", "published"}

func writeSeriesCSV(w io.Writer, rows []seriesRow, evidence bool) error {
	cw := csv.NewWriter(w)
	head := seriesHeader
	if evidence {
		head = append(append([]string{}, head...), evidenceHeader...)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.Source, r.Publisher, r.Period, r.Granularity, r.Metric, r.Category, r.Region,
			strconv.FormatInt(r.Value, 10), r.Qualifier, r.change(), strconv.FormatBool(r.Main), strconv.Itoa(r.Revisions)}
		if evidence {
			rec = append(rec, r.Evidence, r.URL, r.Title, r.Published.Format(time.DateOnly))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// seriesPoint is the JSON form of a series point.
type seriesPoint struct {
	Source      string         `json:"source"`
	Publisher   string         `json:"publisher"`
	Period      string         `json:"period"`
	Granularity string         `json:"granularity"`
	Metric      string         `json:"metric"`
	Category    string         `json:"category"`
	Region      string         `json:"region"`
	Value       int64          `json:"value"`
	Qualifier   string         `json:"qualifier"`
	Previous    *int64         `json:"previous,omitempty"`
	Main        bool           `json:"main"`
	Revisions   int            `json:"revisions"`
	Published   string         `json:"published"`
	Document    string         `json:"document"`
	Evidence    *pointEvidence `json:"evidence,omitempty"`
}

type pointEvidence struct {
	Text       string  `json:"text"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Confidence float64 `json:"confidence"`
	Title      string  `json:"title"`
}

func seriesJSON(rows []seriesRow, evidence bool) []seriesPoint {
	out := make([]seriesPoint, 0, len(rows))
	for _, r := range rows {
		p := seriesPoint{
			Source: r.Source, Publisher: r.Publisher, Period: r.Period, Granularity: r.Granularity,
			Metric: r.Metric, Category: r.Category, Region: r.Region, Value: r.Value, Qualifier: r.Qualifier,
			Main: r.Main, Revisions: r.Revisions, Published: r.Published.Format(time.DateOnly), Document: r.URL,
		}
		if r.hasPrev {
			prev := r.prev
			p.Previous = &prev
		}
		if evidence {
			p.Evidence = &pointEvidence{Text: r.Evidence, Start: r.Start, End: r.End, Confidence: r.Confidence, Title: r.Title}
		}
		out = append(out, p)
	}
	return out
}

func writeHistory(w io.Writer, revs []store.Revision, o seriesOptions) error {
	type jsonRev struct {
		seriesPoint
		AcceptedAt   time.Time  `json:"accepted_at"`
		SupersededAt *time.Time `json:"superseded_at"`
	}
	switch o.format {
	case "json":
		out := make([]jsonRev, 0, len(revs))
		for _, r := range revs {
			p := seriesJSON([]seriesRow{{Point: r.Point}}, o.evidence)[0]
			out = append(out, jsonRev{seriesPoint: p, AcceptedAt: r.AcceptedAt.UTC(), SupersededAt: r.SupersededAt})
		}
		return writeJSON(w, out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"source", "period", "metric", "category", "region", "value", "qualifier", "accepted_at", "superseded_at", "document_url", "published"})
		for _, r := range revs {
			cw.Write([]string{r.Source, r.Period, r.Metric, r.Category, r.Region, strconv.FormatInt(r.Value, 10), r.Qualifier,
				r.AcceptedAt.UTC().Format(time.RFC3339), timeOrBlank(r.SupersededAt), r.URL, r.Published.Format(time.DateOnly)})
		}
		cw.Flush()
		return cw.Error()
	}
	if len(revs) == 0 {
		_, err := fmt.Fprintln(w, "no series points match")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "SOURCE\tMETRIC\tCATEGORY\tREGION\tPERIOD\tVALUE\tACCEPTED\tSUPERSEDED\tDOCUMENT"
	if o.evidence {
		head += "\tEVIDENCE"
	}
	fmt.Fprintln(tw, head)
	for _, r := range revs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", r.Source, r.Metric, r.Category, r.Region, r.Period,
			qualified(r.Value, r.Qualifier), r.AcceptedAt.UTC().Format(time.RFC3339), orDash(timeOrBlank(r.SupersededAt)), documentCell(r.Point))
		if o.evidence {
			fmt.Fprintf(tw, "\t%s", evidenceCell(r.Evidence))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func timeOrBlank(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
