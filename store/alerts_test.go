package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func spikeAlert(period string, value, prev int64) Alert {
	r := float64(value-prev) / float64(prev)
	return Alert{Source: "s", Publisher: "P", Metric: "deaths", Category: "all", Region: "PK", Period: period,
		Value: value, Previous: &prev, Ratio: &r, Summary: "sum " + period, Evidence: "ev", URL: "https://x/" + period}
}

func TestRecordAlerts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	t0 := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	week := 7 * 24 * time.Hour

	n, err := s.RecordAlerts(ctx, t0, week, []Alert{spikeAlert("2024-02", 80, 30)})
	if err != nil || n != 1 {
		t.Fatalf("first record: %d new, %v; want 1", n, err)
	}
	// Seen again a day later with a revised value: not new, times kept,
	// value updated.
	revised := spikeAlert("2024-02", 90, 30)
	n, err = s.RecordAlerts(ctx, t0.Add(24*time.Hour), week, []Alert{revised, spikeAlert("2024-03", 60, 20)})
	if err != nil || n != 1 {
		t.Fatalf("second record: %d new, %v; want 1 (2024-03)", n, err)
	}
	all, err := s.Alerts(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("%d alerts, want 2: %+v", len(all), all)
	}
	feb := all[1] // newest detection first
	if feb.Period != "2024-02" || feb.Value != 90 || *feb.Previous != 30 || !feb.DetectedAt.Equal(t0) ||
		!feb.EndsAt.Equal(t0.Add(week)) || !feb.UpdatedAt.Equal(t0.Add(24*time.Hour)) || !feb.WebhookAt.IsZero() {
		t.Errorf("february alert = %+v", feb)
	}
	if all[0].Period != "2024-03" || all[0].URL != "https://x/2024-03" {
		t.Errorf("march alert = %+v", all[0])
	}

	t.Run("active filter", func(t *testing.T) {
		active, err := s.Alerts(ctx, t0.Add(week).Add(time.Hour)) // february ended, march not yet
		if err != nil {
			t.Fatal(err)
		}
		if len(active) != 1 || active[0].Period != "2024-03" {
			t.Errorf("active = %+v, want only 2024-03", active)
		}
	})
	t.Run("mark sent", func(t *testing.T) {
		at := t0.Add(2 * time.Hour)
		if err := s.MarkAlertsSent(ctx, ReceiverWebhook, at, all[1:]); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkAlertsSent(ctx, ReceiverAlertmanager, at.Add(time.Hour), all); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Alerts(ctx, time.Time{})
		if !got[1].WebhookAt.Equal(at) || !got[0].WebhookAt.IsZero() || !got[0].SentAt.Equal(at.Add(time.Hour)) {
			t.Errorf("after marking: %+v", got)
		}
		if err := s.MarkAlertsSent(ctx, "pager", at, all); err == nil {
			t.Error("unknown receiver accepted")
		}
	})
	t.Run("end", func(t *testing.T) {
		end := t0.Add(48 * time.Hour)
		if err := s.EndAlerts(ctx, end, all[:1]); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Alerts(ctx, time.Time{})
		if !got[0].EndsAt.Equal(end) || !got[1].EndsAt.Equal(t0.Add(week)) {
			t.Errorf("after ending march: %+v", got)
		}
		if got[0].Active(end) || !got[0].Active(end.Add(-time.Second)) {
			t.Error("Active disagrees with EndsAt")
		}
	})
	t.Run("survives reopen", func(t *testing.T) {
		path := s.Path()
		s.Close()
		s2 := openAt(t, path)
		got, err := s2.Alerts(ctx, time.Time{})
		if err != nil || len(got) != 2 {
			t.Fatalf("after reopen: %d alerts, %v", len(got), err)
		}
	})
}

func TestAlertsClosed(t *testing.T) {
	s := openTest(t)
	s.Close()
	if _, err := s.Alerts(context.Background(), time.Time{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Alerts after Close: %v, want ErrClosed", err)
	}
	if _, err := s.RecordAlerts(context.Background(), time.Now(), time.Hour, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("RecordAlerts after Close: %v, want ErrClosed", err)
	}
}

func TestObservationCounts(t *testing.T) {
	s := openTest(t)
	ingest(t, s,
		report(t, "a", "2024-02-05", "In January 2024, 30 people died in 12 attacks.",
			figSpec{"2024-01", "deaths", "", "30 people"}, figSpec{"2024-01", "attacks", "", "12 attacks"}),
		report(t, "b", "2024-03-05", "In February 2024, 80 people died.", figSpec{"2024-02", "deaths", "", "80 people"}))
	got, err := s.ObservationCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []Count{{"a", "attacks", 1}, {"a", "deaths", 1}, {"b", "deaths", 1}}
	if len(got) != len(want) {
		t.Fatalf("counts = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("counts[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}
