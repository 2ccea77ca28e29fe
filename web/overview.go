package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
	"github.com/incidents-dev/incidents/store/influx"
)

// headline are the metrics of the Overview's cards and breakdowns.
var headline = []string{parser.MetricAttacks, parser.MetricDeaths, parser.MetricInjuries}

// overviewData is the Overview page.
type overviewData struct {
	Groups []overviewGroup
	Health health
}

// overviewGroup is one source's national series (category all, a country
// region) and the breakdowns of its latest month.
type overviewGroup struct {
	Source, Publisher, Region string
	// Latest is the latest month reported.
	Latest     string
	Cards      []card
	Charts     []chart
	Provinces  breakdown
	Categories breakdown
}

// RegionName is the display name of the group's region.
func (g overviewGroup) RegionName() string { return regionName(g.Region) }

// card is the latest month of one headline metric.
type card struct {
	Metric string
	Has    bool
	Point  pointView
}

// breakdown is a table of the latest month: a row per province or
// category, a column per headline metric.
type breakdown struct {
	Metrics []string
	Rows    []breakdownRow
}

// breakdownRow is one province or category.
type breakdownRow struct {
	Name, URL string
	Cells     []cell
	// Bar is the row's deaths as a percentage of the largest row's.
	Bar float64
	key int64 // sort key: deaths
}

// cell is the value of one metric in a breakdown row.
type cell struct {
	Has   bool
	Point pointView
}

// health is the collector-health part of the Overview.
type health struct {
	Runs      []SourceRun
	RunsKnown bool
	Stats     store.Stats
	InfluxDB  bool
	// LastWrite and LastError are the InfluxDB writer's last acknowledged
	// batch and last failure (with LastErrorTime); zero when none.
	LastWrite, LastErrorTime time.Time
	LastError                string
}

func (h *Handler) overview(ctx context.Context, r *http.Request) (string, string, any, error) {
	if _, err := parseQuery(r.URL.Query()); err != nil {
		return "", "", nil, err
	}
	points, err := h.opts.Store.Series(ctx, store.Filter{})
	if err != nil {
		return "", "", nil, fmt.Errorf("read series: %w", err)
	}
	alerted, err := h.alertedPoints(ctx)
	if err != nil {
		return "", "", nil, err
	}
	d := overviewData{Groups: buildOverview(groupSeries(points, h.opts.Spike, alerted))}
	if d.Health, err = h.health(ctx); err != nil {
		return "", "", nil, err
	}
	return "overview.html", "Overview", d, nil
}

// buildOverview makes a group per source and country from the series.
func buildOverview(series []seriesView) []overviewGroup {
	type groupKey struct{ source, region string }
	var order []groupKey
	national := map[groupKey][]seriesView{}
	for _, s := range series {
		if s.Category != "all" || strings.Contains(s.Region, "-") {
			continue
		}
		k := groupKey{s.Source, s.Region}
		if _, ok := national[k]; !ok {
			order = append(order, k)
		}
		national[k] = append(national[k], s)
	}
	var out []overviewGroup
	for _, k := range order {
		g := overviewGroup{Source: k.source, Region: k.region, Publisher: national[k][0].Publisher}
		byMetric := map[string]seriesView{}
		for _, s := range national[k] {
			byMetric[s.Metric] = s
		}
		g.Latest = latestMonth(national[k])
		for _, m := range headline {
			c := card{Metric: m}
			c.Point, c.Has = monthPoint(byMetric[m], g.Latest)
			g.Cards = append(g.Cards, c)
		}
		for _, m := range parser.Metrics {
			if s, ok := byMetric[m]; ok {
				if c := newChart(s); len(c.Marks) > 0 {
					g.Charts = append(g.Charts, c)
				}
			}
		}
		g.Provinces = provinceBreakdown(series, k.source, k.region, g.Latest)
		g.Categories = categoryBreakdown(series, k.source, k.region, g.Latest)
		out = append(out, g)
	}
	return out
}

// latestMonth returns the latest month of the headline series (of any
// series when none is a headline one).
func latestMonth(series []seriesView) string {
	var latest parser.Period
	var name string
	for _, pass := range []bool{true, false} {
		for _, s := range series {
			if pass && !slices.Contains(headline, s.Metric) {
				continue
			}
			for _, p := range s.Points {
				if p.period.Granularity == parser.Month && (name == "" || p.period.Start.After(latest.Start)) {
					latest, name = p.period, p.Period
				}
			}
		}
		if name != "" {
			break
		}
	}
	return name
}

// monthPoint returns the point of period in s.
func monthPoint(s seriesView, period string) (pointView, bool) {
	for _, p := range s.Points {
		if p.Period == period {
			return p, true
		}
	}
	return pointView{}, false
}

// provinceBreakdown has a row per province of country in the latest month.
func provinceBreakdown(series []seriesView, source, country, period string) breakdown {
	rows := map[string]*breakdownRow{}
	var names []string
	for _, s := range series {
		if s.Source != source || s.Category != "all" || !strings.HasPrefix(s.Region, country+"-") {
			continue
		}
		if _, ok := rows[s.Region]; !ok {
			rows[s.Region] = &breakdownRow{
				Name: regionName(s.Region), URL: seriesURL(source, parser.MetricDeaths, "all", s.Region),
				Cells: make([]cell, len(headline)),
			}
			names = append(names, s.Region)
		}
		fillCell(rows[s.Region], s, period)
	}
	return finishBreakdown(rows, names, true)
}

// categoryBreakdown has a row per category of people in the latest month.
func categoryBreakdown(series []seriesView, source, country, period string) breakdown {
	rows := map[string]*breakdownRow{}
	var names []string
	for _, s := range series {
		if s.Source != source || s.Region != country || s.Category == "all" {
			continue
		}
		if _, ok := rows[s.Category]; !ok {
			rows[s.Category] = &breakdownRow{
				Name: categoryName(s.Category), URL: seriesURL(source, parser.MetricDeaths, s.Category, country),
				Cells: make([]cell, len(headline)),
			}
			names = append(names, s.Category)
		}
		fillCell(rows[s.Category], s, period)
	}
	slices.SortStableFunc(names, func(a, b string) int {
		return slices.Index(parser.Categories, a) - slices.Index(parser.Categories, b)
	})
	return finishBreakdown(rows, names, false)
}

// fillCell sets the cell of s's metric in row to its point of period.
func fillCell(row *breakdownRow, s seriesView, period string) {
	i := slices.Index(headline, s.Metric)
	if i < 0 {
		return
	}
	if p, ok := monthPoint(s, period); ok {
		row.Cells[i] = cell{Has: true, Point: p}
		if s.Metric == parser.MetricDeaths {
			row.key = p.Value
		}
	}
}

// finishBreakdown keeps the rows with a value in the latest month, sorted
// by deaths (most first) when byDeaths, and sizes their bars.
func finishBreakdown(rows map[string]*breakdownRow, names []string, byDeaths bool) breakdown {
	b := breakdown{Metrics: headline}
	var top int64
	for _, n := range names {
		r := rows[n]
		if !slices.ContainsFunc(r.Cells, func(c cell) bool { return c.Has }) {
			continue
		}
		b.Rows = append(b.Rows, *r)
		top = max(top, r.key)
	}
	if byDeaths {
		slices.SortStableFunc(b.Rows, func(x, y breakdownRow) int { return int(y.key - x.key) })
	}
	b.dropEmptyColumns()
	for i := range b.Rows {
		if top > 0 {
			b.Rows[i].Bar = float64(b.Rows[i].key) * 100 / float64(top)
		}
	}
	return b
}

// health reads the collector health: the runs seen by this process, the
// store's counts and the InfluxDB writer's state.
func (h *Handler) health(ctx context.Context) (health, error) {
	hl := health{Runs: h.opts.Runs.Latest(), RunsKnown: h.opts.Runs != nil, InfluxDB: h.opts.InfluxDB}
	var err error
	if hl.Stats, err = h.opts.Store.Stats(ctx); err != nil {
		return hl, fmt.Errorf("read store stats: %w", err)
	}
	if !hl.InfluxDB {
		return hl, nil
	}
	meta := map[string]string{}
	for _, k := range []string{influx.MetaLastWrite, influx.MetaLastError, influx.MetaLastErrorTime} {
		if meta[k], err = h.opts.Store.Meta(ctx, k); err != nil {
			return hl, fmt.Errorf("read meta %s: %w", k, err)
		}
	}
	hl.LastWrite = unixMeta(meta[influx.MetaLastWrite])
	hl.LastErrorTime = unixMeta(meta[influx.MetaLastErrorTime])
	hl.LastError = meta[influx.MetaLastError]
	return hl, nil
}

// unixMeta reads a unix time stored in the meta table; zero when empty or
// unreadable.
func unixMeta(s string) time.Time {
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// dropEmptyColumns removes the metrics no row has a value of.
func (b *breakdown) dropEmptyColumns() {
	var keep []int
	for i := range b.Metrics {
		if slices.ContainsFunc(b.Rows, func(r breakdownRow) bool { return r.Cells[i].Has }) {
			keep = append(keep, i)
		}
	}
	metrics := make([]string, len(keep))
	for j, i := range keep {
		metrics[j] = b.Metrics[i]
	}
	for r := range b.Rows {
		cells := make([]cell, len(keep))
		for j, i := range keep {
			cells[j] = b.Rows[r].Cells[i]
		}
		b.Rows[r].Cells = cells
	}
	b.Metrics = metrics
}
