package web

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// chart is a line chart of one series, laid out in Go and drawn as SVG by
// the "chart" template: a circle (mark) per period, linking to the point's
// page.
type chart struct {
	seriesKey
	Title, SeriesURL string
	// W and H are the SVG viewBox size; the plot area is inside the margins.
	W, H                     float64
	Left, Right, Top, Bottom float64
	// Granularity is the one of the plotted periods; Omitted counts the
	// points of other granularities (shown in the table only).
	Granularity string
	Omitted     int
	Lines       []string // SVG path data, one per run of consecutive periods
	Marks       []mark
	YTicks      []tick
	XTicks      []tick
}

// mark is the circle of one period.
type mark struct {
	X, Y                 float64
	Period, Value, Label string
	Href                 string
	Spike                bool
}

// tick is an axis label at a position (x for the time axis, y for values).
type tick struct {
	Pos   float64
	Label string
}

// Chart geometry, in viewBox units.
const (
	chartW, chartH                     = 640.0, 220.0
	marginL, marginR, marginT, marginB = 46.0, 14.0, 14.0, 28.0
	maxXTicks                          = 12
)

// granularityOrder is the preference for the plotted granularity: the
// finest one the series has.
var granularityOrder = []parser.Granularity{parser.Month, parser.Quarter, parser.Half, parser.Year}

// newChart lays out a chart of s: the points of its finest granularity,
// x by period start, y from 0 to a round maximum.
func newChart(s seriesView) chart {
	c := chart{
		seriesKey: s.seriesKey, Title: s.Label(), SeriesURL: s.URL(),
		W: chartW, H: chartH, Left: marginL, Right: chartW - marginR, Top: marginT, Bottom: chartH - marginB,
	}
	pts := plotted(s.Points, &c)
	c.Omitted = len(s.Points) - len(pts)
	if len(pts) == 0 {
		return c
	}
	first, last := monthIndex(pts[0].period.Start), monthIndex(pts[len(pts)-1].period.Start)
	x := func(t time.Time) float64 {
		if last == first {
			return (c.Left + c.Right) / 2
		}
		return c.Left + float64(monthIndex(t)-first)/float64(last-first)*(c.Right-c.Left)
	}
	var maxV int64
	for _, p := range pts {
		maxV = max(maxV, p.Value)
	}
	top, step := niceScale(maxV)
	y := func(v int64) float64 { return c.Bottom - float64(v)/top*(c.Bottom-c.Top) }
	for v := 0.0; v <= top+step/2; v += step {
		c.YTicks = append(c.YTicks, tick{Pos: c.Bottom - v/top*(c.Bottom-c.Top), Label: fmt.Sprintf("%g", v)})
	}
	every := (len(pts) + maxXTicks - 1) / maxXTicks
	var path strings.Builder
	for i, p := range pts {
		m := mark{
			X: x(p.period.Start), Y: y(p.Value), Period: p.Period, Value: p.Shown(),
			Href: p.PointURL(), Spike: p.Spike,
		}
		m.Label = fmt.Sprintf("%s: %s %s", p.Period, m.Value, s.Metric)
		if ch := p.Change(); ch != "" {
			m.Label += ", " + ch
		}
		if p.Spike {
			m.Label += " (spike)"
		}
		c.Marks = append(c.Marks, m)
		if i%every == 0 {
			c.XTicks = append(c.XTicks, tick{Pos: m.X, Label: periodLabel(p.period, i == 0)})
		}
		cmd := "L"
		if i == 0 || !consecutive(pts[i-1].period, p.period) {
			cmd = "M"
			if i > 0 {
				c.Lines = append(c.Lines, path.String())
				path.Reset()
			}
		}
		fmt.Fprintf(&path, "%s%.1f %.1f ", cmd, m.X, m.Y)
	}
	c.Lines = append(c.Lines, strings.TrimSpace(path.String()))
	return c
}

// plotted returns the points of the finest granularity present (ranges are
// never plotted) and records it in c.
func plotted(points []pointView, c *chart) []pointView {
	for _, g := range granularityOrder {
		var out []pointView
		for _, p := range points {
			if p.period.Granularity == g {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			c.Granularity = string(g)
			return out
		}
	}
	return nil
}

// monthIndex counts months since year 0, so that differences are month
// distances.
func monthIndex(t time.Time) int64 { return int64(t.Year())*12 + int64(t.Month()) - 1 }

// consecutive reports whether b is the period right after a.
func consecutive(a, b parser.Period) bool { return a.End.Equal(b.Start) }

// periodLabel is the time-axis label of a period: "Jan" for a month, with
// the year on the first label and on every January; the period itself
// otherwise.
func periodLabel(p parser.Period, first bool) string {
	if p.Granularity != parser.Month {
		return p.String()
	}
	if first || p.Start.Month() == time.January {
		return p.Start.Format("Jan 2006")
	}
	return p.Start.Format("Jan")
}

// niceScale returns a round top of the value axis at or above max and the
// step between its ticks (1, 2, 2.5 or 5 times a power of ten, 3 to 5
// steps).
func niceScale(maxV int64) (top, step float64) {
	if maxV <= 0 {
		return 1, 1
	}
	raw := float64(maxV) / 4
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		step = m * pow
		if step >= raw {
			break
		}
	}
	step = max(step, 1)
	top = math.Ceil(float64(maxV)/step) * step
	return top, step
}
