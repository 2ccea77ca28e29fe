package web

import (
	"context"
	"net/http"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// apiSeriesPoint is a point of /api/series.
type apiSeriesPoint struct {
	Period      string `json:"period"`
	Granularity string `json:"granularity"`
	Value       int64  `json:"value"`
	Qualifier   string `json:"qualifier"`
	// Change and ChangeRatio compare with the previous period; absent when
	// it is unknown (ChangeRatio also after a 0).
	Change      *int64   `json:"change,omitempty"`
	ChangeRatio *float64 `json:"change_ratio,omitempty"`
	Spike       bool     `json:"spike"`
	Revisions   int      `json:"revisions"`
	PointURL    string   `json:"point_url"`
}

// apiSeries is a series of /api/series.
type apiSeries struct {
	Source    string           `json:"source"`
	Publisher string           `json:"publisher"`
	Metric    string           `json:"metric"`
	Category  string           `json:"category"`
	Region    string           `json:"region"`
	Points    []apiSeriesPoint `json:"points"`
}

func (h *Handler) apiSeries(ctx context.Context, r *http.Request) (any, error) {
	q, err := parseQuery(r.URL.Query(), seriesParams...)
	if err != nil {
		return nil, err
	}
	series, err := h.loadSeries(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]apiSeries, 0, len(series))
	for _, s := range series {
		as := apiSeries{Source: s.Source, Publisher: s.Publisher, Metric: s.Metric, Category: s.Category, Region: s.Region}
		for _, p := range s.Points {
			ap := apiSeriesPoint{
				Period: p.Period, Granularity: p.Granularity, Value: p.Value, Qualifier: p.Qualifier,
				Spike: p.Spike, Revisions: p.Revisions, PointURL: p.PointURL(),
			}
			if p.HasPrev {
				d := p.Delta()
				ap.Change = &d
			}
			if r, ok := p.Ratio(); ok {
				ap.ChangeRatio = &r
			}
			as.Points = append(as.Points, ap)
		}
		out = append(out, as)
	}
	return map[string]any{"series": out}, nil
}

// apiEvidence is the sentence stating a value.
type apiEvidence struct {
	Text string `json:"text"`
	// Start and End are byte offsets of the number in the document text;
	// Number is the number as written.
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Number string `json:"number,omitempty"`
}

// apiDocRef names the document a value comes from.
type apiDocRef struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Publisher string `json:"publisher"`
	Published string `json:"published"`
}

// apiValue is a value reported by a document.
type apiValue struct {
	Value      int64       `json:"value"`
	Qualifier  string      `json:"qualifier"`
	Main       bool        `json:"main"`
	Confidence float64     `json:"confidence"`
	Evidence   apiEvidence `json:"evidence"`
	Document   apiDocRef   `json:"document"`
}

// apiPoint is an accepted point of /api/points.
type apiPoint struct {
	Source      string `json:"source"`
	Period      string `json:"period"`
	Granularity string `json:"granularity"`
	Metric      string `json:"metric"`
	Category    string `json:"category"`
	Region      string `json:"region"`
	apiValue
	Spike     bool   `json:"spike"`
	Revisions int    `json:"revisions"`
	PointURL  string `json:"point_url"`
	// Observations and History are filled when the request names a period.
	Observations []apiObservation `json:"observations,omitempty"`
	History      []apiRevision    `json:"history,omitempty"`
}

// apiObservation is one document's report of a point.
type apiObservation struct {
	apiValue
	Accepted bool `json:"accepted"`
}

// apiRevision is a value the point has had.
type apiRevision struct {
	apiValue
	AcceptedAt   time.Time  `json:"accepted_at"`
	SupersededAt *time.Time `json:"superseded_at,omitempty"`
}

// pointsParams are the series filters plus an exact period.
var pointsParams = append(append([]string{}, seriesParams...), pPeriod)

func (h *Handler) apiPoints(ctx context.Context, r *http.Request) (any, error) {
	q, err := parseQuery(r.URL.Query(), pointsParams...)
	if err != nil {
		return nil, err
	}
	series, err := h.loadSeries(ctx, q)
	if err != nil {
		return nil, err
	}
	out := []apiPoint{}
	for _, s := range series {
		for _, p := range s.Points {
			ap := apiPoint{
				Source: p.Source, Period: p.Period, Granularity: p.Granularity, Metric: p.Metric,
				Category: p.Category, Region: p.Region, apiValue: valueOf(p.Point, ""),
				Spike: p.Spike, Revisions: p.Revisions, PointURL: p.PointURL(),
			}
			if q.Period != "" {
				if err := h.addDetail(ctx, &ap); err != nil {
					return nil, err
				}
			}
			out = append(out, ap)
		}
	}
	return map[string]any{"points": out}, nil
}

// addDetail adds the observations and history of the point.
func (h *Handler) addDetail(ctx context.Context, ap *apiPoint) error {
	q := query{Filter: store.Filter{Source: ap.Source, Metric: ap.Metric, Category: ap.Category, Region: ap.Region}, Period: ap.Period}
	d, err := h.loadPoint(ctx, q)
	if err != nil {
		return err
	}
	for _, o := range d.Observations {
		ap.Observations = append(ap.Observations, apiObservation{apiValue: valueOf(o.Point, o.Evidence.Number), Accepted: o.Accepted})
		if o.Accepted {
			ap.Evidence.Number = o.Evidence.Number
		}
	}
	for _, r := range d.History {
		ap.History = append(ap.History, apiRevision{apiValue: valueOf(r.Point, ""), AcceptedAt: r.AcceptedAt, SupersededAt: r.SupersededAt})
	}
	return nil
}

// valueOf is the value, evidence and document of p.
func valueOf(p store.Point, number string) apiValue {
	return apiValue{
		Value: p.Value, Qualifier: p.Qualifier, Main: p.Main, Confidence: p.Confidence,
		Evidence: apiEvidence{Text: p.Evidence, Start: p.Start, End: p.End, Number: number},
		Document: apiDocRef{ID: p.DocumentID, URL: p.URL, Title: p.Title, Publisher: p.Publisher, Published: dateOnly(p.Published)},
	}
}

// apiDocument is a document of /api/documents.
type apiDocument struct {
	ID         string `json:"id"`
	URL        string `json:"url"`
	Source     string `json:"source"`
	Publisher  string `json:"publisher"`
	Title      string `json:"title"`
	Published  string `json:"published"`
	Fetched    string `json:"fetched"`
	Ingested   string `json:"ingested"`
	MainPeriod string `json:"main_period"`
	Figures    int    `json:"figures"`
}

func (h *Handler) apiDocuments(ctx context.Context, r *http.Request) (any, error) {
	q, err := parseQuery(r.URL.Query(), documentParams...)
	if err != nil {
		return nil, err
	}
	docs, err := h.loadDocuments(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	out := make([]apiDocument, len(docs))
	for i, d := range docs {
		out[i] = apiDocument{
			ID: d.ID, URL: d.URL, Source: d.Source, Publisher: d.Publisher, Title: d.Title,
			Published: dateOnly(d.Published), Fetched: rfc3339(d.Fetched), Ingested: rfc3339(d.Ingested),
			MainPeriod: d.MainPeriod, Figures: d.Figures,
		}
	}
	return map[string]any{"documents": out}, nil
}

// apiAlert is an alert of /api/alerts.
type apiAlert struct {
	Source     string   `json:"source"`
	Publisher  string   `json:"publisher"`
	Metric     string   `json:"metric"`
	Category   string   `json:"category"`
	Region     string   `json:"region"`
	Period     string   `json:"period"`
	Value      int64    `json:"value"`
	Previous   *int64   `json:"previous,omitempty"`
	Ratio      *float64 `json:"ratio,omitempty"`
	ZScore     *float64 `json:"zscore,omitempty"`
	Summary    string   `json:"summary"`
	Evidence   string   `json:"evidence"`
	URL        string   `json:"url"`
	Active     bool     `json:"active"`
	DetectedAt string   `json:"detected_at"`
	EndsAt     string   `json:"ends_at"`
	WebhookAt  string   `json:"webhook_at,omitempty"`
	SentAt     string   `json:"sent_at,omitempty"`
	PointURL   string   `json:"point_url"`
}

func (h *Handler) apiAlerts(ctx context.Context, r *http.Request) (any, error) {
	q, err := parseQuery(r.URL.Query(), alertParams...)
	if err != nil {
		return nil, err
	}
	alerts, err := h.loadAlerts(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]apiAlert, len(alerts))
	for i, a := range alerts {
		out[i] = apiAlert{
			Source: a.Source, Publisher: a.Publisher, Metric: a.Metric, Category: a.Category, Region: a.Region,
			Period: a.Period, Value: a.Value, Previous: a.Previous, Ratio: a.Ratio, ZScore: a.ZScore,
			Summary: a.Summary, Evidence: a.Evidence, URL: a.URL, Active: a.Active,
			DetectedAt: rfc3339(a.DetectedAt), EndsAt: rfc3339(a.EndsAt),
			WebhookAt: rfc3339(a.WebhookAt), SentAt: rfc3339(a.SentAt), PointURL: a.PointURL(),
		}
	}
	return map[string]any{"alerts": out}, nil
}

// rfc3339 formats a time, "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
