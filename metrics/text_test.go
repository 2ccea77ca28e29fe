package metrics

import (
	"bytes"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/incidents-dev/incidents/store"
)

func monthSeries(source, publisher, metric, category, region string, values ...int64) Series {
	s := Series{Source: source, Metric: metric, Category: category, Region: region}
	start := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range values {
		m := start.AddDate(0, i, 0)
		s.Points = append(s.Points, store.Point{Source: source, Publisher: publisher, Period: m.Format("2006-01"),
			Granularity: "month", Metric: metric, Category: category, Region: region, Value: v})
		s.Starts = append(s.Starts, m)
	}
	return s
}

// TestTextMatchesClientGolang checks that the pre-rendered text of a
// snapshot is byte for byte what client_golang encodes from the Data
// collector, tricky label values included.
func TestTextMatchesClientGolang(t *testing.T) {
	tests := []struct {
		name   string
		series []Series
		counts []store.Count
		influx bool
		taken  time.Time
	}{
		{name: "empty"},
		{name: "one month only", series: []Series{monthSeries("s", "P", "deaths", "all", "PK", 5)}},
		{
			name: "escaping and order",
			series: []Series{
				monthSeries("z-src", `quote"back\slash`, "deaths", "all", "PK-BA", 30, 80),
				monthSeries("a-src", "line\nbreak", "attacks", "suicide", "PK", 0, 7),
				monthSeries("a-src", "Ünïcode", "injuries", "all", "PK", 3, 3, 1e9),
				monthSeries("m-src", "P", "arrests", "all", "PK", 1, 2, 0),
			},
			counts: []store.Count{{Source: "z", Metric: "deaths", N: 3}, {Source: "a", Metric: "deaths", N: 1}, {Source: "a", Metric: "attacks", N: 12}},
			influx: true,
			taken:  time.Unix(1709294400, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := NewSnapshot(tt.series, tt.counts, store.Stats{Outbox: 17}, tt.influx, tt.taken)
			d := NewData()
			d.Set(snap)
			reg := prometheus.NewRegistry()
			reg.MustRegister(d)
			mfs, err := reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			enc := expfmt.NewEncoder(&want, expfmt.NewFormat(expfmt.TypeTextPlain))
			for _, mf := range mfs {
				if err := enc.Encode(mf); err != nil {
					t.Fatal(err)
				}
			}
			if got := snap.plainText(); !bytes.Equal(got, want.Bytes()) {
				t.Errorf("pre-rendered text differs from client_golang's:\n%s\n--- want\n%s", got, want.Bytes())
			}
		})
	}
}

func TestSeriesPreviousAndWindow(t *testing.T) {
	gap := monthSeries("s", "P", "deaths", "all", "PK", 10, 20, 30)
	gap.Points, gap.Starts = append(gap.Points[:1:1], gap.Points[2]), append(gap.Starts[:1:1], gap.Starts[2]) // Nov, Jan
	tests := []struct {
		name     string
		s        Series
		prev     int64
		hasPrev  bool
		window   []int64
		latest   int64
		hasLates bool
	}{
		{name: "empty", s: Series{}},
		{name: "single", s: monthSeries("s", "P", "deaths", "all", "PK", 4), latest: 4, hasLates: true},
		{name: "consecutive", s: monthSeries("s", "P", "deaths", "all", "PK", 30, 80), prev: 30, hasPrev: true, window: []int64{30}, latest: 80, hasLates: true},
		{name: "gap", s: gap, window: []int64{10}, latest: 30, hasLates: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, ok := tt.s.Latest()
			if ok != tt.hasLates || p.Value != tt.latest {
				t.Errorf("Latest = %d, %v", p.Value, ok)
			}
			prev, ok := tt.s.Previous()
			if ok != tt.hasPrev || prev.Value != tt.prev {
				t.Errorf("Previous = %d, %v; want %d, %v", prev.Value, ok, tt.prev, tt.hasPrev)
			}
			if got := tt.s.Before(12); len(got) != len(tt.window) || (len(got) > 0 && got[0] != tt.window[0]) {
				t.Errorf("Before(12) = %v, want %v", got, tt.window)
			}
		})
	}
}

func TestMonthly(t *testing.T) {
	pt := func(series, period, gran string, v int64) store.Point {
		return store.Point{Source: "s", Metric: series, Category: "all", Region: "PK", Period: period, Granularity: gran, Value: v}
	}
	got := Monthly([]store.Point{
		pt("deaths", "2024-03", "month", 3), pt("deaths", "2024-01", "month", 1), pt("deaths", "2024-Q1", "quarter", 9),
		pt("attacks", "2024-02", "month", 2), pt("deaths", "2024", "year", 12),
	})
	if len(got) != 2 || got[0].Metric != "deaths" || got[1].Metric != "attacks" {
		t.Fatalf("Monthly = %+v", got)
	}
	if len(got[0].Points) != 2 || got[0].Points[0].Period != "2024-01" || got[0].Points[1].Period != "2024-03" {
		t.Errorf("deaths points not monthly and sorted: %+v", got[0].Points)
	}
}
