package web

import (
	"fmt"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// SpikeRule says when a month is a spike: its value is at least MinValue
// and at least MinRatio above the month before, as (value - previous) /
// previous. It mirrors the alerts.spike configuration, applied to every
// month of a series (the alerts themselves only look at the latest one).
type SpikeRule struct {
	MinRatio, MinValue float64
}

// spike reports whether value after previous is a spike under r.
func (r SpikeRule) spike(value, previous int64) bool {
	if previous <= 0 || r.MinRatio <= 0 {
		return false
	}
	return float64(value) >= r.MinValue && float64(value-previous)/float64(previous) >= r.MinRatio
}

// seriesKey names a series.
type seriesKey struct{ Source, Metric, Category, Region string }

// pointKey names a series point.
type pointKey struct {
	seriesKey
	Period string
}

// pointView is an accepted point with what the pages show about it.
type pointView struct {
	store.Point
	period parser.Period
	// HasPrev says whether the previous period of the series is known;
	// Prev is its value.
	HasPrev bool
	Prev    int64
	// Spike marks a month that rose sharply (SpikeRule) or has an alert.
	Spike bool
	// Alerted is set when an alert was recorded for the point.
	Alerted bool
}

// Delta returns the change against the previous period.
func (p pointView) Delta() int64 { return p.Value - p.Prev }

// Ratio returns the relative change against the previous period; ok is
// false when there is none or the previous value was 0.
func (p pointView) Ratio() (float64, bool) {
	if !p.HasPrev || p.Prev == 0 {
		return 0, false
	}
	return float64(p.Value-p.Prev) / float64(p.Prev), true
}

// Change formats the change: "+12 (+25.0%)", "-3 (-5.0%)", "+4" after a
// 0, "" without a previous value.
func (p pointView) Change() string {
	if !p.HasPrev {
		return ""
	}
	s := fmt.Sprintf("%+d", p.Delta())
	if r, ok := p.Ratio(); ok {
		s += fmt.Sprintf(" (%+.1f%%)", r*100)
	}
	return s
}

// Direction is "up", "down" or "" for the change, for styling.
func (p pointView) Direction() string {
	switch {
	case !p.HasPrev || p.Delta() == 0:
		return ""
	case p.Delta() > 0:
		return "up"
	}
	return "down"
}

// Shown is the value with the sign of its qualifier, e.g. "≥12".
func (p pointView) Shown() string { return qualified(p.Value, p.Qualifier) }

// PointURL is the address of the point's page.
func (p pointView) PointURL() string {
	return pointURL(p.Source, p.Period, p.Metric, p.Category, p.Region)
}

// seriesView is one series with its points in period order.
type seriesView struct {
	seriesKey
	Publisher string
	Points    []pointView
}

// URL is the address of the series page.
func (s seriesView) URL() string { return seriesURL(s.Source, s.Metric, s.Category, s.Region) }

// Label names the series for a title, e.g. "deaths, all, PK (examples)".
func (s seriesView) Label() string {
	return fmt.Sprintf("%s · %s · %s · %s", s.Metric, categoryName(s.Category), regionName(s.Region), s.Source)
}

// groupSeries groups accepted points (in store order: by series, then
// period start) into series, computing the change of each point against
// the previous period and marking spikes under rule or with an alert.
func groupSeries(points []store.Point, rule SpikeRule, alerted map[pointKey]bool) []seriesView {
	values := make(map[pointKey]int64, len(points))
	for _, p := range points {
		values[pointKey{seriesKey{p.Source, p.Metric, p.Category, p.Region}, p.Period}] = p.Value
	}
	var out []seriesView
	index := map[seriesKey]int{}
	for _, p := range points {
		sk := seriesKey{p.Source, p.Metric, p.Category, p.Region}
		v := pointView{Point: p, Alerted: alerted[pointKey{sk, p.Period}]}
		if per, err := parser.ParsePeriod(p.Period); err == nil {
			v.period = per
			if per.Granularity != parser.Range {
				v.Prev, v.HasPrev = values[pointKey{sk, per.Previous().String()}]
			}
			v.Spike = per.Granularity == parser.Month && v.HasPrev && rule.spike(v.Value, v.Prev)
		}
		v.Spike = v.Spike || v.Alerted
		i, ok := index[sk]
		if !ok {
			i = len(out)
			index[sk] = i
			out = append(out, seriesView{seriesKey: sk, Publisher: p.Publisher})
		}
		out[i].Points = append(out[i].Points, v)
	}
	return out
}

// dropBefore removes the points starting before from (read only to compute
// the change of the first point shown).
func dropBefore(series []seriesView, from time.Time) []seriesView {
	if from.IsZero() {
		return series
	}
	out := series[:0]
	for _, s := range series {
		kept := s.Points[:0]
		for _, p := range s.Points {
			if !p.period.Start.Before(from) {
				kept = append(kept, p)
			}
		}
		if len(kept) > 0 {
			s.Points = kept
			out = append(out, s)
		}
	}
	return out
}

// qualified prefixes a value with the sign of its qualifier.
func qualified(v int64, q string) string { return parser.QualifiedValue(v, q) }

// regionNames are display names of the regions of corpus/GUIDE.md.
var regionNames = map[string]string{
	"PK": "Pakistan", "PK-KP": "Khyber Pakhtunkhwa", "PK-BA": "Balochistan", "PK-SD": "Sindh",
	"PK-PB": "Punjab", "PK-IS": "Islamabad", "PK-GB": "Gilgit-Baltistan", "PK-JK": "Azad Jammu and Kashmir",
	"PK-TA": "Tribal districts", "AF": "Afghanistan", "IN": "India", "NG": "Nigeria",
}

// regionName returns the display name of a region code, the code itself
// when unknown.
func regionName(code string) string {
	if n, ok := regionNames[code]; ok {
		return n
	}
	return code
}

// categoryName returns the display name of a category.
func categoryName(c string) string {
	switch c {
	case "security_forces":
		return "security forces"
	case "all":
		return "all people"
	}
	return c
}
