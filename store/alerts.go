package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Alert is the state of one spike: the latest month of a monthly series
// that rose sharply. A series and period have at most one alert.
type Alert struct {
	Source, Publisher, Metric, Category, Region, Period string
	Value                                               int64
	// Previous is the value of the month before; nil when unknown.
	Previous *int64
	// Ratio is (Value - Previous) / Previous; nil when Previous is nil or 0.
	Ratio *float64
	// ZScore is how many standard deviations Value is above the mean of
	// the 12 months before; nil when not computed.
	ZScore *float64
	// Summary is a one-line description, Evidence the sentence stating
	// Value and URL the document it comes from.
	Summary, Evidence, URL string
	// DetectedAt is when the spike was first seen; EndsAt when it stops
	// being active; UpdatedAt when it was last recorded.
	DetectedAt, EndsAt, UpdatedAt time.Time
	// WebhookAt is when the webhook acknowledged the alert; zero until it
	// has. SentAt is when Alertmanager last acknowledged it.
	WebhookAt, SentAt time.Time
}

// Active reports whether the alert is active at t.
func (a Alert) Active(t time.Time) bool { return t.Before(a.EndsAt) }

// Receivers whose acknowledgements MarkAlertsSent records.
const (
	ReceiverAlertmanager = "alertmanager"
	ReceiverWebhook      = "webhook"
)

const alertCols = `source, metric, category, region, period, publisher, value, previous, ratio, zscore,
	summary, evidence, url, detected_at, ends_at, updated_at, webhook_at, sent_at`

// RecordAlerts stores detected spikes and returns how many were new. A new
// spike gets DetectedAt now and EndsAt now + activeFor; a known one keeps
// its times and acknowledgements and has its value, ratios and texts
// updated (a revision may change them).
func (s *Store) RecordAlerts(ctx context.Context, now time.Time, activeFor time.Duration, alerts []Alert) (int, error) {
	var created int
	err := s.inTx(ctx, "record alerts", func(tx *sql.Tx) error {
		for _, a := range alerts {
			res, err := tx.ExecContext(ctx, `INSERT INTO alerts(`+alertCols+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)
				ON CONFLICT(source, metric, category, region, period) DO NOTHING`,
				a.Source, a.Metric, a.Category, a.Region, a.Period, a.Publisher, a.Value, a.Previous, a.Ratio, a.ZScore,
				a.Summary, a.Evidence, a.URL, now.Unix(), now.Add(activeFor).Unix(), now.Unix())
			if err != nil {
				return fmt.Errorf("alert %s %s: %w", a.Metric, a.Period, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				created++
				continue
			}
			_, err = tx.ExecContext(ctx, `UPDATE alerts SET publisher = ?, value = ?, previous = ?, ratio = ?, zscore = ?,
				summary = ?, evidence = ?, url = ?, updated_at = ?
				WHERE source = ? AND metric = ? AND category = ? AND region = ? AND period = ?`,
				a.Publisher, a.Value, a.Previous, a.Ratio, a.ZScore, a.Summary, a.Evidence, a.URL, now.Unix(),
				a.Source, a.Metric, a.Category, a.Region, a.Period)
			if err != nil {
				return fmt.Errorf("alert %s %s: %w", a.Metric, a.Period, err)
			}
		}
		return nil
	})
	return created, err
}

// Alerts returns the alerts active at activeAt, or every alert when
// activeAt is zero, newest detection first.
func (s *Store) Alerts(ctx context.Context, activeAt time.Time) ([]Alert, error) {
	q := `SELECT ` + alertCols + ` FROM alerts`
	var args []any
	if !activeAt.IsZero() {
		q += ` WHERE ends_at > ?`
		args = append(args, activeAt.Unix())
	}
	q += ` ORDER BY detected_at DESC, source, metric, category, region, period`
	var out []Alert
	err := s.query(ctx, s.read, "alerts", q, args, func(rows *sql.Rows) error {
		a, err := scanAlert(rows)
		out = append(out, a)
		return err
	})
	return out, err
}

func scanAlert(rows *sql.Rows) (Alert, error) {
	var a Alert
	var prev sql.NullInt64
	var ratio, z sql.NullFloat64
	var detected, ends, updated, webhook, sent int64
	err := rows.Scan(&a.Source, &a.Metric, &a.Category, &a.Region, &a.Period, &a.Publisher, &a.Value, &prev, &ratio, &z,
		&a.Summary, &a.Evidence, &a.URL, &detected, &ends, &updated, &webhook, &sent)
	if prev.Valid {
		a.Previous = &prev.Int64
	}
	if ratio.Valid {
		a.Ratio = &ratio.Float64
	}
	if z.Valid {
		a.ZScore = &z.Float64
	}
	a.DetectedAt, a.EndsAt, a.UpdatedAt = timeOf(detected), timeOf(ends), timeOf(updated)
	if webhook != 0 {
		a.WebhookAt = timeOf(webhook)
	}
	if sent != 0 {
		a.SentAt = timeOf(sent)
	}
	return a, err
}

// MarkAlertsSent records that receiver (ReceiverAlertmanager or
// ReceiverWebhook) acknowledged the alerts at t.
func (s *Store) MarkAlertsSent(ctx context.Context, receiver string, t time.Time, alerts []Alert) error {
	col := map[string]string{ReceiverAlertmanager: "sent_at", ReceiverWebhook: "webhook_at"}[receiver]
	if col == "" {
		return s.wrap("mark alerts sent", fmt.Errorf("unknown receiver %q", receiver))
	}
	if len(alerts) == 0 {
		return s.check("mark alerts sent")
	}
	return s.inTx(ctx, "mark alerts sent", func(tx *sql.Tx) error {
		for _, a := range alerts {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET `+col+` = ?
				WHERE source = ? AND metric = ? AND category = ? AND region = ? AND period = ?`,
				t.Unix(), a.Source, a.Metric, a.Category, a.Region, a.Period); err != nil {
				return fmt.Errorf("alert %s %s: %w", a.Metric, a.Period, err)
			}
		}
		return nil
	})
}

// EndAlerts ends the alerts at t (a revision withdrew the spike); alerts
// already ended by t are left alone.
func (s *Store) EndAlerts(ctx context.Context, t time.Time, alerts []Alert) error {
	if len(alerts) == 0 {
		return s.check("end alerts")
	}
	return s.inTx(ctx, "end alerts", func(tx *sql.Tx) error {
		for _, a := range alerts {
			if _, err := tx.ExecContext(ctx, `UPDATE alerts SET ends_at = ?, updated_at = ?
				WHERE source = ? AND metric = ? AND category = ? AND region = ? AND period = ? AND ends_at > ?`,
				t.Unix(), t.Unix(), a.Source, a.Metric, a.Category, a.Region, a.Period, t.Unix()); err != nil {
				return fmt.Errorf("alert %s %s: %w", a.Metric, a.Period, err)
			}
		}
		return nil
	})
}

// Count is a number of rows for a source and metric.
type Count struct {
	Source, Metric string
	N              int64
}

// ObservationCounts returns the number of stored observations (figures
// extracted) per source and metric, ordered by source and metric.
func (s *Store) ObservationCounts(ctx context.Context) ([]Count, error) {
	var out []Count
	err := s.query(ctx, s.read, "observation counts",
		`SELECT source, metric, n FROM observation_counts ORDER BY source, metric`, nil,
		func(rows *sql.Rows) error {
			var c Count
			err := rows.Scan(&c.Source, &c.Metric, &c.N)
			out = append(out, c)
			return err
		})
	return out, err
}
