package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// benchDocs builds n distinct monthly reports with 20 figures each: 18 for
// the report's month (6 regions x 3 metrics) and 2 comparisons with the
// previous month, so that consecutive reports touch shared points.
func benchDocs(n, offset int) []Ingest {
	regions := []string{"PK", "PK-KP", "PK-BA", "PK-PB", "PK-SD", "PK-IS"}
	metrics := []string{"attacks", "deaths", "injuries"}
	docs := make([]Ingest, n)
	for i := range n {
		k := offset + i
		month := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, k%2400, 0)
		source := fmt.Sprintf("source%d", k/2400)
		text := fmt.Sprintf("Report %d of %s for %s: figures follow. %s", k, source, month.Format("January 2006"),
			"Militant violence continued across the provinces during the month under review.")
		var figs []parser.Figure
		for _, r := range regions {
			for _, m := range metrics {
				figs = append(figs, parser.Figure{Period: month.Format("2006-01"), Metric: m, Category: "all", Region: r,
					Value: int64(10 + k%17 + len(figs)), Qualifier: "exact", Confidence: 0.9,
					Evidence: parser.Evidence{Text: "In " + r + ", militants carried out 12 attacks.", Start: 10 * len(figs), End: 10*len(figs) + 2}})
			}
		}
		for _, m := range metrics[:2] {
			figs = append(figs, parser.Figure{Period: month.AddDate(0, -1, 0).Format("2006-01"), Metric: m, Category: "all",
				Region: "PK", Value: int64(k % 13), Qualifier: "approx", Confidence: 0.7,
				Evidence: parser.Evidence{Text: "The previous month saw about 12 attacks.", Start: 500, End: 502}})
		}
		docs[i] = Ingest{Doc: Document{URL: fmt.Sprintf("file:///reports/%d.txt", k), Source: source, Publisher: "PICSS",
			Title: text[:30], Published: month.AddDate(0, 1, 3), Fetched: month.AddDate(0, 1, 5), Text: text}, Figures: figs}
	}
	return docs
}

// BenchmarkIngest measures backfill-style ingestion: batches of 100 new
// documents with 20 figures each in one transaction, into a growing
// database. Reports docs/s.
func BenchmarkIngest(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 100
	b.ResetTimer()
	docs := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		items := benchDocs(batch, i*batch)
		b.StartTimer()
		if _, err := s.Ingest(ctx, items...); err != nil {
			b.Fatal(err)
		}
		docs += batch
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
}
