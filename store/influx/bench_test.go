package influx

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// benchBatch is the batch size of BenchmarkThroughput, the default of
// influxdb.batch_size.
const benchBatch = 500

// benchPoints returns batch i of distinct points: every batch has its own
// source, so that no two points of a run share an identity.
func benchPoints(i int) []store.Point {
	out := make([]store.Point, benchBatch)
	metrics := []string{"attacks", "deaths", "injuries", "arrests", "abductions", "casualties"}
	regions := []string{"PK", "PK-KP", "PK-BA", "PK-SD", "PK-PB"}
	for j := range out {
		m := j % 80
		out[j] = store.Point{
			Source: "bench" + strconv.Itoa(i), Publisher: "PICSS", Granularity: "month",
			Period: fmt.Sprintf("%d-%02d", 2000+m/12, 1+m%12),
			Metric: metrics[j/80%len(metrics)], Category: "all", Region: regions[j/480%len(regions)],
			Value: int64(i + j),
		}
	}
	return out
}

// rawLine formats p as line protocol by hand, as a plain HTTP client would.
func rawLine(b *strings.Builder, p store.Point) {
	var y, m int
	fmt.Sscanf(p.Period, "%d-%d", &y, &m)
	ts := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintf(b, "incidents,category=%s,granularity=%s,publisher=%s,region=%s,source=%s %s=%di %d\n",
		p.Category, p.Granularity, p.Publisher, p.Region, p.Source, p.Metric, p.Value, ts.Unix())
}

// BenchmarkThroughput writes batches of benchBatch points to a real influxd,
// once through the Client (write.Point and WriteAPIBlocking) and once as
// raw line protocol posted with net/http, and reports points/s for both.
// One iteration is one batch: -benchtime=2000x writes 1,000,000 points
// each way (scripts/bench-influx.sh).
func BenchmarkThroughput(b *testing.B) {
	srv, _ := sharedInflux(b)
	// Each way writes to a new database of its own, so that both pay for
	// creating the shards.
	b.Run("writer", func(b *testing.B) {
		db := srv.NewDatabase(b)
		c, err := New(Options{URL: srv.URL, Bucket: db, BatchSize: benchBatch, Timeout: time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		batches := prepare(b.N)
		b.ResetTimer()
		for i := range b.N {
			if err := c.Write(context.Background(), batches[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "points/s")
	})
	b.Run("raw", func(b *testing.B) {
		db := srv.NewDatabase(b)
		u := srv.URL + "/api/v2/write?" + url.Values{"bucket": {db}, "precision": {"s"}}.Encode()
		client := &http.Client{Timeout: time.Minute}
		batches := prepare(b.N)
		b.ResetTimer()
		for i := range b.N {
			var body strings.Builder
			for _, p := range batches[i] {
				rawLine(&body, p)
			}
			resp, err := client.Post(u, "text/plain; charset=utf-8", strings.NewReader(body.String()))
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				b.Fatalf("raw write: %s", resp.Status)
			}
		}
		b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "points/s")
	})
}

// prepare builds n batches outside the timed part.
func prepare(n int) [][]store.Point {
	out := make([][]store.Point, n)
	for i := range out {
		out[i] = benchPoints(i)
	}
	return out
}
