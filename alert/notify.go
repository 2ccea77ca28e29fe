package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// AlertName is the alertname label of every spike alert.
const AlertName = "IncidentSpike"

// Labels returns the labels of a's alert.
func Labels(a store.Alert, severity string) map[string]string {
	return map[string]string{
		"alertname": AlertName, "source": a.Source, "metric": a.Metric, "category": a.Category,
		"region": a.Region, "period": a.Period, "severity": severity,
	}
}

// Annotations returns the one-line summary, the evidence sentence and the
// document URL of a.
func Annotations(a store.Alert) map[string]string {
	return map[string]string{"summary": a.Summary, "evidence": a.Evidence, "document_url": a.URL}
}

// amAlert is a postable alert of the Alertmanager v2 API.
type amAlert struct {
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
}

// alertmanagerBody is the body of POST /api/v2/alerts for alerts.
func alertmanagerBody(alerts []store.Alert, severity string) ([]byte, error) {
	out := make([]amAlert, len(alerts))
	for i, a := range alerts {
		out[i] = amAlert{Labels: Labels(a, severity), Annotations: Annotations(a), StartsAt: a.DetectedAt, EndsAt: a.EndsAt}
	}
	return json.Marshal(out)
}

// WebhookMessage is the JSON body the webhook receives for one new spike.
type WebhookMessage struct {
	Version     string            `json:"version"`
	Status      string            `json:"status"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
	StartsAt    time.Time         `json:"startsAt"`
	EndsAt      time.Time         `json:"endsAt"`
	Publisher   string            `json:"publisher"`
	Period      string            `json:"period"`
	Value       int64             `json:"value"`
	Previous    *int64            `json:"previous"`
	Ratio       *float64          `json:"ratio"`
	ZScore      *float64          `json:"zscore,omitempty"`
}

func webhookBody(a store.Alert, severity string) ([]byte, error) {
	return json.Marshal(WebhookMessage{
		Version: "1", Status: "firing", Labels: Labels(a, severity), Annotations: Annotations(a),
		StartsAt: a.DetectedAt, EndsAt: a.EndsAt, Publisher: a.Publisher, Period: a.Period,
		Value: a.Value, Previous: a.Previous, Ratio: a.Ratio, ZScore: a.ZScore,
	})
}

// poster sends JSON bodies with a timeout per request and retries.
type poster struct {
	client  *http.Client
	timeout time.Duration
	retries int
	backoff time.Duration
}

// statusError is an HTTP answer other than 2xx.
type statusError struct {
	url    string
	status int
	body   string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("POST %s: %d %s: %s", e.url, e.status, http.StatusText(e.status), e.body)
}

// recoverable reports whether retrying may help: network errors and 5xx
// and 429 answers, not other 4xx ones.
func recoverable(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.status >= 500 || se.status == http.StatusTooManyRequests
	}
	return true
}

// post sends body to url, retrying recoverable failures after backoff,
// doubled each time, until retries are used up or ctx ends.
func (p poster) post(ctx context.Context, url string, body []byte) error {
	wait := p.backoff
	for attempt := 0; ; attempt++ {
		err := p.postOnce(ctx, url, body)
		if err == nil || !recoverable(err) || attempt >= p.retries {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (giving up retrying: %w)", err, ctx.Err())
		case <-t.C:
		}
		wait *= 2
	}
}

func (p poster) postOnce(ctx context.Context, url string, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("POST %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("POST %s: %w", url, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return &statusError{url: url, status: resp.StatusCode, body: strings.TrimSpace(string(msg))}
	}
	return nil
}
