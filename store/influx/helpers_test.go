package influx

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// openStore opens a store in a temp dir.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	return openStoreAt(t, filepath.Join(t.TempDir(), "incidents.db"))
}

func openStoreAt(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// monthsPerSource is how many monthly reports each generated source has.
const monthsPerSource = 120

// genReports returns n monthly reports, spread over sources of
// monthsPerSource months each from 2010-01. Each reports attacks, deaths
// and injuries for three regions and the month, deaths by category, and a
// year-to-date range (all ranges of a year start on the same day), with
// values derived from rev so that a later revision changes them.
func genReports(n, rev int) []store.Ingest {
	out := make([]store.Ingest, 0, n)
	for i := range n {
		src := fmt.Sprintf("src%d", i/monthsPerSource)
		m := i % monthsPerSource
		start := time.Date(2010, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
		period := start.Format("2006-01")
		published := start.AddDate(0, 1, 3).Add(time.Duration(rev) * 24 * time.Hour)
		text := fmt.Sprintf("Report %s of %s, revision %d.", period, src, rev)
		var figs []parser.Figure
		add := func(period, metric, category, region string, v int64) {
			figs = append(figs, parser.Figure{
				Period: period, Metric: metric, Category: category, Region: region, Value: v,
				Qualifier: "exact", Evidence: parser.Evidence{Text: text, Start: 0, End: 6}, Confidence: 0.9,
			})
		}
		for j, region := range []string{"PK", "PK-KP", "PK-BA"} {
			for k, metric := range []string{"attacks", "deaths", "injuries"} {
				add(period, metric, "all", region, int64((i*7+j*13+k*29+rev*3)%997))
			}
		}
		add(period, "deaths", "security_forces", "PK", int64((i+rev)%50))
		add(period, "deaths", "militants", "PK", int64((i*3+rev)%70))
		if start.Month() > 1 {
			ytd := fmt.Sprintf("%d-01/%s", start.Year(), period)
			add(ytd, "attacks", "all", "PK", int64(1000+i+rev))
		}
		out = append(out, store.Ingest{
			Doc: store.Document{
				URL: fmt.Sprintf("https://example.org/%s/%s/%d", src, period, rev), Source: src, Publisher: "PICSS",
				Title: "Report " + period, Published: published, Fetched: published.Add(time.Hour), Text: text,
			},
			Figures: figs,
		})
	}
	return out
}

// ingest stores reports in chunks and returns the number of accepted points.
func ingest(t testing.TB, st *store.Store, reports []store.Ingest) int {
	t.Helper()
	ctx := context.Background()
	for len(reports) > 0 {
		n := min(200, len(reports))
		if _, err := st.Ingest(ctx, reports[:n]...); err != nil {
			t.Fatal(err)
		}
		reports = reports[n:]
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return int(stats.Points)
}

// outboxLen returns the number of rows in the outbox.
func outboxLen(t testing.TB, st *store.Store) int {
	t.Helper()
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(stats.Outbox)
}

// meta returns a meta value.
func meta(t testing.TB, st *store.Store, key string) string {
	t.Helper()
	v, err := st.Meta(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// noSleep records the waits of a Drainer instead of waiting.
type noSleep struct{ waits []time.Duration }

func (n *noSleep) sleep(ctx context.Context, d time.Duration) error {
	n.waits = append(n.waits, d)
	return ctx.Err()
}
