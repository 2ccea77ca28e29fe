package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// Caps of the Series page; the CSV has everything.
const (
	maxCharts    = 24
	maxTableRows = 2000
	// defaultDocuments is the page size of the Documents page.
	defaultDocuments = 500
)

// seriesPageData is the Series page.
type seriesPageData struct {
	Q                   query
	Metrics, Categories []string
	Charts              []chart
	MoreCharts          int
	Rows                []pointView
	MoreRows            int
	CSVURL, APIURL      string
}

func (h *Handler) seriesPage(ctx context.Context, r *http.Request) (string, string, any, error) {
	q, err := parseQuery(r.URL.Query(), seriesParams...)
	if err != nil {
		return "", "", nil, err
	}
	if r.URL.RawQuery == "" { // a first visit: the national deaths
		q.Metric, q.Category = parser.MetricDeaths, "all"
	}
	series, err := h.loadSeries(ctx, q)
	if err != nil {
		return "", "", nil, err
	}
	enc := q.values().Encode()
	d := seriesPageData{
		Q: q, Metrics: parser.Metrics, Categories: parser.Categories,
		CSVURL: "/series.csv?" + enc, APIURL: "/api/series?" + enc,
	}
	for i, s := range series {
		if i == maxCharts {
			d.MoreCharts = len(series) - maxCharts
			break
		}
		d.Charts = append(d.Charts, newChart(s))
	}
	for _, s := range series {
		for _, p := range s.Points {
			if len(d.Rows) == maxTableRows {
				d.MoreRows++
				continue
			}
			d.Rows = append(d.Rows, p)
		}
	}
	title := "Series"
	if len(series) == 1 {
		title = series[0].Label()
	}
	return "series.html", title, d, nil
}

// seriesHeader is the header of the CSV download.
var seriesHeader = []string{"source", "publisher", "period", "granularity", "metric", "category", "region",
	"value", "qualifier", "change", "spike", "main", "revisions", "evidence", "url", "title", "published"}

// seriesCSV writes the series matching the filters as CSV.
func (h *Handler) seriesCSV(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
	defer cancel()
	q, err := parseQuery(r.URL.Query(), seriesParams...)
	var series []seriesView
	if err == nil {
		series, err = h.loadSeries(ctx, q)
	}
	if err != nil {
		status := h.failed(r, err)
		http.Error(w, publicMessage(err, status), status)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="incidents-series.csv"`)
	cw := csv.NewWriter(w)
	cw.Write(seriesHeader)
	for _, s := range series {
		for _, p := range s.Points {
			cw.Write([]string{p.Source, p.Publisher, p.Period, p.Granularity, p.Metric, p.Category, p.Region,
				strconv.FormatInt(p.Value, 10), p.Qualifier, p.Change(), strconv.FormatBool(p.Spike),
				strconv.FormatBool(p.Main), strconv.Itoa(p.Revisions), p.Evidence, p.URL, p.Title,
				dateOnly(p.Published)})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		h.log.Warn("write csv", "path", r.URL.Path, "err", err)
	}
}

// pointParams name one series point.
var pointParams = []string{pSource, pPeriod, pMetric, pCategory, pRegion}

func (h *Handler) pointPage(ctx context.Context, r *http.Request) (string, string, any, error) {
	q, err := parseQuery(r.URL.Query(), pointParams...)
	if err == nil {
		err = q.require(pointParams...)
	}
	if err != nil {
		return "", "", nil, err
	}
	d, err := h.loadPoint(ctx, q)
	if err != nil {
		return "", "", nil, err
	}
	title := fmt.Sprintf("%s %s, %s, %s (%s)", q.Metric, q.Period, categoryName(q.Category), regionName(q.Region), q.Source)
	return "point.html", title, d, nil
}

// documentsData is the Documents page.
type documentsData struct {
	Q         query
	Documents []documentView
	Limit     int
	More      bool
}

// documentView is a document row.
type documentView struct {
	store.DocumentInfo
}

// Link is the document address when it is a web page.
func (d documentView) Link() string { return webLink(d.URL) }

// PeriodURL is the series page of the document's main period.
func (d documentView) PeriodURL() string {
	q := query{Filter: store.Filter{Source: d.Source, From: d.MainPeriod, To: d.MainPeriod, Category: "all"}}
	return "/series?" + q.values().Encode()
}

// documentParams filter documents: by source, and by publication date
// between the start of from and the end of to.
var documentParams = []string{pSource, pFrom, pTo, pLimit}

// loadDocuments reads the documents q selects, at most limit (or q.Limit).
func (h *Handler) loadDocuments(ctx context.Context, q query, limit int) ([]documentView, error) {
	if q.Limit > 0 {
		limit = q.Limit
	}
	f := store.DocumentFilter{Source: q.Source, Limit: limit}
	f.From, f.To = q.publishedRange()
	docs, err := h.opts.Store.Documents(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("read documents (%s): %w", q.describe(), err)
	}
	out := make([]documentView, len(docs))
	for i, d := range docs {
		out[i] = documentView{d}
	}
	return out, nil
}

func (h *Handler) documentsPage(ctx context.Context, r *http.Request) (string, string, any, error) {
	q, err := parseQuery(r.URL.Query(), documentParams...)
	if err != nil {
		return "", "", nil, err
	}
	limit := defaultDocuments
	if q.Limit > 0 {
		limit = q.Limit
	}
	docs, err := h.loadDocuments(ctx, q, limit+1)
	if err != nil {
		return "", "", nil, err
	}
	d := documentsData{Q: q, Limit: limit, Documents: docs}
	if len(docs) > limit {
		d.Documents, d.More = docs[:limit], true
	}
	return "documents.html", "Documents", d, nil
}

// alertView is an alert row.
type alertView struct {
	store.Alert
	Active bool
}

// PointURL is the page of the alert's point.
func (a alertView) PointURL() string {
	return pointURL(a.Source, a.Period, a.Metric, a.Category, a.Region)
}

// Link is the document address when it is a web page.
func (a alertView) Link() string { return webLink(a.URL) }

// alertParams filter alerts.
var alertParams = []string{pSource, pMetric, pCategory, pRegion, pFrom, pTo, pActive}

// loadAlerts reads every alert and keeps those q selects.
func (h *Handler) loadAlerts(ctx context.Context, q query) ([]alertView, error) {
	alerts, err := h.opts.Store.Alerts(ctx, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("read alerts: %w", err)
	}
	now := h.opts.Now()
	var out []alertView
	for _, a := range alerts {
		v := alertView{Alert: a, Active: a.Active(now)}
		if q.selects(a) && (q.Active == nil || *q.Active == v.Active) {
			out = append(out, v)
		}
	}
	return out, nil
}

// selects reports whether the alert's series and period match q.
func (q query) selects(a store.Alert) bool {
	for _, c := range [][2]string{{q.Source, a.Source}, {q.Metric, a.Metric}, {q.Category, a.Category}, {q.Region, a.Region}} {
		if c[0] != "" && c[0] != c[1] {
			return false
		}
	}
	if q.From == "" && q.To == "" {
		return true
	}
	p, err := parser.ParsePeriod(a.Period)
	if err != nil {
		return false
	}
	return (q.From == "" || !p.Start.Before(q.from.Start)) && (q.To == "" || !p.Start.After(q.to.Start))
}

// alertsData is the Alerts page.
type alertsData struct {
	Q      query
	Alerts []alertView
	Spike  SpikeRule
}

func (h *Handler) alertsPage(ctx context.Context, r *http.Request) (string, string, any, error) {
	q, err := parseQuery(r.URL.Query(), alertParams...)
	if err != nil {
		return "", "", nil, err
	}
	alerts, err := h.loadAlerts(ctx, q)
	if err != nil {
		return "", "", nil, err
	}
	return "alerts.html", "Alerts", alertsData{Q: q, Alerts: alerts, Spike: h.opts.Spike}, nil
}

// dateOnly formats a date, "" for the zero time.
func dateOnly(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}
