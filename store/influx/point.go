package influx

import (
	"fmt"
	"slices"
	"time"

	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// Measurement is the InfluxDB measurement of every point.
const Measurement = "incidents"

// Tag keys, in the sorted order they are written.
const (
	TagCategory    = "category"
	TagGranularity = "granularity"
	// TagPeriod is only set on points of granularity "range": two ranges
	// may start on the same day ("2024-01/2024-05" and "2024-01/2024-06"),
	// and without it the second would overwrite the first.
	TagPeriod    = "period"
	TagPublisher = "publisher"
	TagRegion    = "region"
	TagSource    = "source"
)

// NewPoint returns the InfluxDB point of a series point: measurement
// "incidents", tags source, publisher, region, category and granularity
// (plus period for ranges; empty tags are left out), one integer field
// named after the metric, and the period start in UTC, to the second, as
// its timestamp.
func NewPoint(p store.Point) (*write.Point, error) {
	k, err := keyOf(p)
	if err != nil {
		return nil, err
	}
	wp := write.NewPointWithMeasurement(Measurement)
	for _, t := range k.tags {
		wp.AddTag(t.key, t.value)
	}
	wp.AddField(p.Metric, p.Value)
	wp.SetTime(k.time)
	return wp, nil
}

// tag is one tag of a point.
type tag struct{ key, value string }

// pointKey is a point's identity in InfluxDB plus its field name.
type pointKey struct {
	tags  []tag // sorted by key, no empty values
	field string
	time  time.Time
}

// String renders the key like line protocol without the value, e.g.
// "incidents,region=PK,source=picss deaths @2024-01-01T00:00:00Z".
func (k pointKey) String() string {
	s := Measurement
	for _, t := range k.tags {
		s += "," + t.key + "=" + t.value
	}
	return s + " " + k.field + " @" + k.time.Format(time.RFC3339)
}

// keyOf computes the InfluxDB identity of p.
func keyOf(p store.Point) (pointKey, error) {
	if !slices.Contains(parser.Metrics, p.Metric) {
		return pointKey{}, fmt.Errorf("point %s %s %s: unknown metric %q", p.Source, p.Period, p.Region, p.Metric)
	}
	per, err := parser.ParsePeriod(p.Period)
	if err != nil {
		return pointKey{}, fmt.Errorf("point %s %s %s: %w", p.Source, p.Metric, p.Region, err)
	}
	gran := p.Granularity
	if gran == "" {
		gran = string(per.Granularity)
	}
	period := ""
	if gran == string(parser.Range) {
		period = p.Period
	}
	all := []tag{
		{TagCategory, p.Category}, {TagGranularity, gran}, {TagPeriod, period},
		{TagPublisher, p.Publisher}, {TagRegion, p.Region}, {TagSource, p.Source},
	}
	tags := all[:0]
	for _, t := range all {
		if t.value != "" {
			tags = append(tags, t)
		}
	}
	return pointKey{tags: tags, field: p.Metric, time: per.Start.UTC().Truncate(time.Second)}, nil
}
