package web

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// loadSeries reads the series matching q with the change of each point
// and its spike mark. A key filter (source, metric, category, region) that
// matches no series at all is a notFoundError; a period range that leaves
// an existing series empty is not.
func (h *Handler) loadSeries(ctx context.Context, q query) ([]seriesView, error) {
	wide := q.Filter
	if q.From != "" {
		wide.From = q.from.Previous().String() // the change of the first point
	}
	if q.Period != "" {
		if q.period.Start.IsZero() { // built in code, not parsed
			p, err := parser.ParsePeriod(q.Period)
			if err != nil {
				return nil, badParam("invalid period: %v", err)
			}
			q.period = p
		}
		wide.From, wide.To = q.period.Previous().String(), q.Period
	}
	points, err := h.opts.Store.Series(ctx, wide)
	if err != nil {
		return nil, fmt.Errorf("read series (%s): %w", q.describe(), err)
	}
	alerted, err := h.alertedPoints(ctx)
	if err != nil {
		return nil, err
	}
	series := dropBefore(groupSeries(points, h.opts.Spike, alerted), q.from.Start)
	if q.Period != "" {
		series = keepPeriod(series, q.Period)
	}
	if len(series) == 0 && q.keyed() {
		if err := h.seriesExists(ctx, q); err != nil {
			return nil, err
		}
	}
	return series, nil
}

// seriesExists returns a notFoundError when no series matches the key
// filters of q, whatever the period.
func (h *Handler) seriesExists(ctx context.Context, q query) error {
	key := store.Filter{Source: q.Source, Metric: q.Metric, Category: q.Category, Region: q.Region}
	found, err := h.opts.Store.Series(ctx, key)
	if err != nil {
		return fmt.Errorf("read series (%s): %w", q.describe(), err)
	}
	if len(found) == 0 {
		k := query{Filter: key}
		return notFound("no series matches %s", k.describe())
	}
	return nil
}

// keepPeriod keeps the points of exactly period (a quarter starting on the
// same day as a month is another period).
func keepPeriod(series []seriesView, period string) []seriesView {
	out := series[:0]
	for _, s := range series {
		kept := s.Points[:0]
		for _, p := range s.Points {
			if p.Period == period {
				kept = append(kept, p)
			}
		}
		if len(kept) > 0 {
			s.Points = kept
			out = append(out, s)
		}
	}
	return out
}

// alertedPoints returns the points that have an alert, active or not.
func (h *Handler) alertedPoints(ctx context.Context) (map[pointKey]bool, error) {
	alerts, err := h.opts.Store.Alerts(ctx, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("read alerts: %w", err)
	}
	out := make(map[pointKey]bool, len(alerts))
	for _, a := range alerts {
		out[pointKey{seriesKey{a.Source, a.Metric, a.Category, a.Region}, a.Period}] = true
	}
	return out, nil
}

// pointDetail is everything known of one series point.
type pointDetail struct {
	pointKey
	// Current is the accepted value; nil when the point was only ever
	// observed without being accepted (which the store does not do).
	Current *pointView
	// Observations are every document's report of the point, oldest
	// publication first.
	Observations []observationView
	// History are the accepted values the point has had, oldest first; the
	// last is the current one.
	History []store.Revision
}

// observationView is one document's report of a point.
type observationView struct {
	store.Point
	Evidence highlight
	// Accepted is set on the observation the accepted value comes from.
	Accepted bool
}

// Link is the document address when it is a web page, "" for a file.
func (o observationView) Link() string { return webLink(o.URL) }

// SeriesURL is the address of the point's series page.
func (d pointDetail) SeriesURL() string {
	return seriesURL(d.Source, d.Metric, d.Category, d.Region)
}

// loadPoint reads every observation and revision of the point q names.
func (h *Handler) loadPoint(ctx context.Context, q query) (pointDetail, error) {
	d := pointDetail{pointKey: pointKey{seriesKey{q.Source, q.Metric, q.Category, q.Region}, q.Period}}
	series, err := h.loadSeries(ctx, q)
	if err != nil {
		return d, err
	}
	if len(series) == 1 && len(series[0].Points) == 1 {
		d.Current = &series[0].Points[0]
	}
	f := store.Filter{Source: q.Source, Metric: q.Metric, Category: q.Category, Region: q.Region, From: q.Period, To: q.Period}
	obs, err := h.opts.Store.Observations(ctx, f)
	if err != nil {
		return d, fmt.Errorf("read observations (%s): %w", q.describe(), err)
	}
	hist, err := h.opts.Store.History(ctx, f)
	if err != nil {
		return d, fmt.Errorf("read history (%s): %w", q.describe(), err)
	}
	for _, r := range hist {
		if r.Period == q.Period {
			d.History = append(d.History, r)
		}
	}
	texts := map[string]string{}
	for _, o := range obs {
		if o.Period != q.Period {
			continue
		}
		text, err := h.documentText(ctx, texts, o.DocumentID)
		if err != nil {
			return d, err
		}
		v := observationView{Point: o, Evidence: highlightEvidence(text, o.Evidence, o.Start, o.End)}
		v.Accepted = d.Current != nil && o.DocumentID == d.Current.DocumentID && o.Start == d.Current.Start
		d.Observations = append(d.Observations, v)
	}
	if d.Current == nil && len(d.Observations) == 0 {
		return d, notFound("no point %s", q.describe())
	}
	return d, nil
}

// documentText returns the text of a document through a per-request cache.
func (h *Handler) documentText(ctx context.Context, cache map[string]string, id string) (string, error) {
	if t, ok := cache[id]; ok {
		return t, nil
	}
	t, _, err := h.opts.Store.DocumentText(ctx, id)
	if err != nil {
		return "", fmt.Errorf("read document %s: %w", id, err)
	}
	cache[id] = t
	return t, nil
}

// webLink returns u when it is an http(s) address, "" otherwise (a file
// path is shown, not linked).
func webLink(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return u
}
