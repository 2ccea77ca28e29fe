// Package metrics exposes incidents to Prometheus: the latest values of the
// monthly series from a snapshot refreshed after each collection run (a
// scrape never queries the store), the collector's run metrics, build info
// and the Go and process collectors, all on a registry of our own.
package metrics

import (
	"slices"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// Series is one monthly series (source, metric, category, region): its
// accepted monthly points, oldest first.
type Series struct {
	Source, Metric, Category, Region string
	Points                           []store.Point
	// Starts holds the start of each point's month.
	Starts []time.Time
}

type seriesKey struct{ source, metric, category, region string }

// Monthly groups the points of month granularity by series, in the order
// each series first appears; points of other granularities and points whose
// period cannot be read are left out.
func Monthly(points []store.Point) []Series {
	index := map[seriesKey]int{}
	var out []Series
	for _, p := range points {
		if p.Granularity != string(parser.Month) {
			continue
		}
		period, err := parser.ParsePeriod(p.Period)
		if err != nil || period.Granularity != parser.Month {
			continue
		}
		k := seriesKey{p.Source, p.Metric, p.Category, p.Region}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, Series{Source: p.Source, Metric: p.Metric, Category: p.Category, Region: p.Region})
		}
		out[i].Points = append(out[i].Points, p)
		out[i].Starts = append(out[i].Starts, period.Start)
	}
	for i := range out {
		out[i].sort()
	}
	return out
}

// sort orders the points by month unless they already are (the store
// returns them so).
func (s *Series) sort() {
	if slices.IsSortedFunc(s.Starts, time.Time.Compare) {
		return
	}
	idx := make([]int, len(s.Points))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return s.Starts[a].Compare(s.Starts[b]) })
	points, starts := make([]store.Point, len(idx)), make([]time.Time, len(idx))
	for i, j := range idx {
		points[i], starts[i] = s.Points[j], s.Starts[j]
	}
	s.Points, s.Starts = points, starts
}

// Latest returns the point of the latest month; ok is false for an empty
// series.
func (s Series) Latest() (p store.Point, start time.Time, ok bool) {
	if len(s.Points) == 0 {
		return store.Point{}, time.Time{}, false
	}
	n := len(s.Points) - 1
	return s.Points[n], s.Starts[n], true
}

// Previous returns the point of the calendar month just before the latest
// one; ok is false when that month is not in the series.
func (s Series) Previous() (p store.Point, ok bool) {
	n := len(s.Points)
	if n < 2 {
		return store.Point{}, false
	}
	if !s.Starts[n-2].Equal(s.Starts[n-1].AddDate(0, -1, 0)) {
		return store.Point{}, false
	}
	return s.Points[n-2], true
}

// Before returns the values of the months in the window of months before
// the latest one (gaps are simply missing), oldest first.
func (s Series) Before(months int) []int64 {
	n := len(s.Points)
	if n < 2 {
		return nil
	}
	from := s.Starts[n-1].AddDate(0, -months, 0)
	var out []int64
	for i := range n - 1 {
		if !s.Starts[i].Before(from) {
			out = append(out, s.Points[i].Value)
		}
	}
	return out
}

// ChangeRatio returns (latest - previous) / previous; ok is false when
// previous is 0.
func ChangeRatio(latest, previous int64) (ratio float64, ok bool) {
	if previous == 0 {
		return 0, false
	}
	return float64(latest-previous) / float64(previous), true
}
