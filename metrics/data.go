package metrics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/incidents-dev/incidents/store"
)

// seriesLabels label every data metric of a series.
var seriesLabels = []string{"source", "publisher", "region", "category", "metric"}

// Help texts of the data metrics.
const (
	latestHelp      = "Accepted value of the latest month of a monthly series."
	latestStartHelp = "Start of the latest month of a monthly series, in unix seconds."
	previousHelp    = "Accepted value of the month before the latest one; absent when that month is not reported."
	ratioHelp       = "(latest - previous) / previous of a monthly series; absent when the previous month is missing or 0."
	figuresHelp     = "Figures extracted from documents and stored, by source and metric."
	backlogHelp     = "Series points waiting to be written to InfluxDB."
	snapshotHelp    = "When the data behind the series metrics was last read from the store, in unix seconds."
)

var (
	latestDesc      = prometheus.NewDesc("incidents_latest_value", latestHelp, seriesLabels, nil)
	latestStartDesc = prometheus.NewDesc("incidents_latest_period_start_timestamp_seconds", latestStartHelp, seriesLabels, nil)
	previousDesc    = prometheus.NewDesc("incidents_previous_value", previousHelp, seriesLabels, nil)
	ratioDesc       = prometheus.NewDesc("incidents_change_ratio", ratioHelp, seriesLabels, nil)
	figuresDesc     = prometheus.NewDesc("incidents_figures_extracted_total", figuresHelp, []string{"source", "metric"}, nil)
	backlogDesc     = prometheus.NewDesc("incidents_influxdb_backlog_points", backlogHelp, nil, nil)
	snapshotDesc    = prometheus.NewDesc("incidents_snapshot_timestamp_seconds", snapshotHelp, nil, nil)
)

// value is what a scrape exposes for one series.
type value struct {
	labels            []string
	latest, start     float64
	previous, ratio   float64
	hasPrev, hasRatio bool
}

// Snapshot is the data exposed between two runs. It does not change once
// built.
type Snapshot struct {
	values  []value // in the order of their sorted label values
	figures []store.Count
	backlog int64
	influx  bool
	taken   time.Time
	r       rendered
}

// NewSnapshot builds a snapshot from the monthly series, the observation
// counts and the store stats. backlog is exposed only when influx is true
// (InfluxDB is enabled).
func NewSnapshot(series []Series, figures []store.Count, stats store.Stats, influx bool, taken time.Time) *Snapshot {
	s := &Snapshot{figures: slices.Clone(figures), backlog: stats.Outbox, influx: influx, taken: taken}
	slices.SortFunc(s.figures, func(a, b store.Count) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Source, b.Source))
	})
	s.values = make([]value, 0, len(series))
	for _, sr := range series {
		p, start, ok := sr.Latest()
		if !ok {
			continue
		}
		v := value{
			labels: []string{sr.Source, p.Publisher, sr.Region, sr.Category, sr.Metric},
			latest: float64(p.Value), start: float64(start.Unix()),
		}
		if prev, ok := sr.Previous(); ok {
			v.previous, v.hasPrev = float64(prev.Value), true
			v.ratio, v.hasRatio = ChangeRatio(p.Value, prev.Value)
		}
		s.values = append(s.values, v)
	}
	slices.SortFunc(s.values, func(a, b value) int {
		for _, l := range sortedLabels {
			if c := cmp.Compare(a.labels[l.idx], b.labels[l.idx]); c != 0 {
				return c
			}
		}
		return 0
	})
	return s
}

// Len returns the number of series in the snapshot.
func (s *Snapshot) Len() int { return len(s.values) }

// Data is a prometheus.Collector exposing the latest snapshot; every scrape
// builds its metrics from the snapshot in memory. It is safe for concurrent
// use.
type Data struct {
	snap atomic.Pointer[Snapshot]
}

// NewData returns a collector with an empty snapshot.
func NewData() *Data {
	d := &Data{}
	d.snap.Store(&Snapshot{})
	return d
}

// Set replaces the snapshot, rendering its text first so that no scrape
// pays for it.
func (d *Data) Set(s *Snapshot) {
	s.plainText()
	d.snap.Store(s)
}

// Snapshot returns the current snapshot.
func (d *Data) Snapshot() *Snapshot { return d.snap.Load() }

// Describe implements prometheus.Collector.
func (d *Data) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{latestDesc, latestStartDesc, previousDesc, ratioDesc, figuresDesc, backlogDesc, snapshotDesc} {
		ch <- desc
	}
}

// Collect implements prometheus.Collector.
func (d *Data) Collect(ch chan<- prometheus.Metric) {
	s := d.snap.Load()
	for i := range s.values {
		v := &s.values[i]
		ch <- prometheus.MustNewConstMetric(latestDesc, prometheus.GaugeValue, v.latest, v.labels...)
		ch <- prometheus.MustNewConstMetric(latestStartDesc, prometheus.GaugeValue, v.start, v.labels...)
		if v.hasPrev {
			ch <- prometheus.MustNewConstMetric(previousDesc, prometheus.GaugeValue, v.previous, v.labels...)
		}
		if v.hasRatio {
			ch <- prometheus.MustNewConstMetric(ratioDesc, prometheus.GaugeValue, v.ratio, v.labels...)
		}
	}
	for _, c := range s.figures {
		ch <- prometheus.MustNewConstMetric(figuresDesc, prometheus.CounterValue, float64(c.N), c.Source, c.Metric)
	}
	if s.influx {
		ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(s.backlog))
	}
	if !s.taken.IsZero() {
		ch <- prometheus.MustNewConstMetric(snapshotDesc, prometheus.GaugeValue, float64(s.taken.Unix()))
	}
}

// Reader is what a snapshot is read from; *store.Store is one.
type Reader interface {
	Series(ctx context.Context, f store.Filter) ([]store.Point, error)
	ObservationCounts(ctx context.Context) ([]store.Count, error)
	Stats(ctx context.Context) (store.Stats, error)
}

// Read reads a snapshot from r at now and also returns the monthly series
// it was built from (for spike detection). influx says whether InfluxDB is
// enabled, so that its backlog is exposed.
func Read(ctx context.Context, r Reader, influx bool, now time.Time) (*Snapshot, []Series, error) {
	points, err := r.Series(ctx, store.Filter{})
	if err != nil {
		return nil, nil, fmt.Errorf("read series: %w", err)
	}
	counts, err := r.ObservationCounts(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read figure counts: %w", err)
	}
	stats, err := r.Stats(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("read store stats: %w", err)
	}
	series := Monthly(points)
	return NewSnapshot(series, counts, stats, influx, now), series, nil
}
