package metrics_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/metrics"
	"github.com/incidents-dev/incidents/store"
)

// syntheticSeries returns n monthly series of two months each, spread over
// sources, regions, categories and metrics like real data.
func syntheticSeries(n int) []metrics.Series {
	jan := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	feb := jan.AddDate(0, 1, 0)
	metricNames := []string{"attacks", "deaths", "injuries", "arrests", "abductions"}
	out := make([]metrics.Series, n)
	for i := range out {
		s := metrics.Series{Source: fmt.Sprintf("source-%02d", i%20), Metric: metricNames[i%5],
			Category: fmt.Sprintf("category-%02d", (i/5)%10), Region: fmt.Sprintf("region-%03d", i/50)}
		for j, start := range []time.Time{jan, feb} {
			s.Points = append(s.Points, store.Point{Source: s.Source, Publisher: "PUB", Period: start.Format("2006-01"),
				Granularity: "month", Metric: s.Metric, Category: s.Category, Region: s.Region, Value: int64(10 + i%90 + j*i%7)})
			s.Starts = append(s.Starts, start)
		}
		out[i] = s
	}
	return out
}

// scrapeHandler is /metrics with the data of n series and the pipeline,
// build info, Go and process collectors.
func scrapeHandler(tb testing.TB, n int) http.Handler {
	tb.Helper()
	e, err := metrics.NewExporter("bench", slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatal(err)
	}
	e.Data.Set(metrics.NewSnapshot(syntheticSeries(n), nil, store.Stats{}, false, time.Now()))
	if got := e.Data.Snapshot().Len(); got != n {
		tb.Fatalf("snapshot has %d series, want %d", got, n)
	}
	return e
}

// discardWriter is a ResponseWriter that throws the body away.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

func scrape(h http.Handler, req *http.Request) {
	h.ServeHTTP(&discardWriter{h: http.Header{}}, req)
}

// BenchmarkScrape10k measures one scrape of /metrics with 10,000 series in
// the text format Prometheus asks for.
func BenchmarkScrape10k(b *testing.B) {
	h := scrapeHandler(b, 10000)
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	b.ReportAllocs()
	for b.Loop() {
		scrape(h, req)
	}
}

// BenchmarkSnapshot10k measures what each run adds: building and rendering
// the snapshot of 10,000 series.
func BenchmarkSnapshot10k(b *testing.B) {
	series := syntheticSeries(10000)
	d := metrics.NewData()
	b.ReportAllocs()
	for b.Loop() {
		d.Set(metrics.NewSnapshot(series, nil, store.Stats{}, false, time.Now()))
	}
}

// BenchmarkScrape10kGzip is the same scrape with Accept-Encoding: gzip, as
// Prometheus sends it.
func BenchmarkScrape10kGzip(b *testing.B) {
	h := scrapeHandler(b, 10000)
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	b.ReportAllocs()
	for b.Loop() {
		scrape(h, req)
	}
}

// TestScrapeAllocationsDoNotGrow scrapes 10,000 series many times: the
// allocations of a scrape stay the same and the live heap does not grow.
func TestScrapeAllocationsDoNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("scrapes 10,000 series 60 times")
	}
	h := scrapeHandler(t, 10000)
	req := httptest.NewRequest("GET", "/metrics", nil)
	early := testing.AllocsPerRun(5, func() { scrape(h, req) })
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	for range 50 {
		scrape(h, req)
	}
	after := heap()
	late := testing.AllocsPerRun(5, func() { scrape(h, req) })
	if late > early*1.02+10 {
		t.Errorf("allocations per scrape grew from %.0f to %.0f", early, late)
	}
	if after > before+1<<20 {
		t.Errorf("live heap grew by %d bytes over 50 scrapes", after-before)
	}
	t.Logf("allocs per scrape %.0f then %.0f; live heap %d then %d bytes", early, late, before, after)
}
