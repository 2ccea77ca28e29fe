package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/store"
)

func TestHighlightEvidence(t *testing.T) {
	doc := "Intro. In May, 12 attacks killed 12 people. Later: 12 people died."
	sentence := "In May, 12 attacks killed 12 people."
	second := strings.Index(doc, "killed 12") + len("killed ")
	tests := []struct {
		name             string
		doc, sentence    string
		start, end       int
		before, num, aft string
	}{
		{"the number at the offsets, not its first twin", doc, sentence, second, second + 2,
			"In May, 12 attacks killed ", "12", " people."},
		{"the first twin at its offsets", doc, sentence, 15, 17, "In May, ", "12", " attacks killed 12 people."},
		{"sentence not verbatim in the text: whole word search", doc, "In  May, 12 attacks killed 12 people.", second, second + 2,
			"In  May, ", "12", " attacks killed 12 people."},
		{"not part of a longer number", "Deaths: 112 and 12.", "Deaths: 112 and 12 (revised).", 16, 18,
			"Deaths: 112 and ", "12", " (revised)."},
		{"offsets outside the text", doc, sentence, 10, 1000, sentence, "", ""},
		{"empty offsets", doc, sentence, 5, 5, sentence, "", ""},
		{"unknown document", "", sentence, 15, 17, sentence, "", ""},
		{"number word", "Three attacks took place.", "Three attacks took place.", 0, 5, "", "Three", " attacks took place."},
		{"multibyte text before", "Über 5 Tote – 7 Verletzte.", "Über 5 Tote – 7 Verletzte.", len("Über 5 Tote – "), len("Über 5 Tote – 7"),
			"Über 5 Tote – ", "7", " Verletzte."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := highlightEvidence(tc.doc, tc.sentence, tc.start, tc.end)
			if h.Before != tc.before || h.Number != tc.num || h.After != tc.aft {
				t.Errorf("got %q | %q | %q, want %q | %q | %q", h.Before, h.Number, h.After, tc.before, tc.num, tc.aft)
			}
			if h.Before+h.Number+h.After != tc.sentence {
				t.Errorf("parts do not make the sentence")
			}
		})
	}
}

// points builds accepted points of one series from "period=value" pairs.
func points(metric string, pairs ...string) []store.Point {
	var out []store.Point
	for _, p := range pairs {
		period, v, _ := strings.Cut(p, "=")
		var n int64
		fmt.Sscan(v, &n)
		g := "month"
		if strings.Contains(period, "Q") {
			g = "quarter"
		}
		out = append(out, store.Point{Source: "s", Metric: metric, Category: "all", Region: "PK", Period: period, Granularity: g, Value: n})
	}
	return out
}

func TestNewChart(t *testing.T) {
	rule := SpikeRule{MinRatio: 0.5, MinValue: 20}
	tests := []struct {
		name     string
		points   []store.Point
		periods  string
		spikes   string
		lines    int
		omitted  int
		topTick  string
		gran     string
		firstLbl string
	}{
		{"twelve months", points("deaths", "2024-01=57", "2024-02=64", "2024-03=70", "2024-04=58", "2024-05=66", "2024-06=63",
			"2024-07=72", "2024-08=129", "2024-09=81", "2024-10=76", "2024-11=70", "2024-12=67"),
			"2024-01 2024-02 2024-03 2024-04 2024-05 2024-06 2024-07 2024-08 2024-09 2024-10 2024-11 2024-12", "2024-08", 1, 0, "150", "month", "Jan 2024"},
		{"a gap breaks the line", points("deaths", "2024-01=10", "2024-02=12", "2024-05=40", "2024-06=41"),
			"2024-01 2024-02 2024-05 2024-06", "", 2, 0, "60", "month", "Jan 2024"},
		{"quarters left to the table", points("deaths", "2024-01=10", "2024-Q1=30", "2024-02=30"),
			"2024-01 2024-02", "2024-02", 1, 1, "30", "month", "Jan 2024"},
		{"only quarters", points("attacks", "2024-Q1=3", "2024-Q2=9"), "2024-Q1 2024-Q2", "", 1, 0, "10", "quarter", "2024-Q1"},
		{"a single point", points("deaths", "2024-03=0"), "2024-03", "", 1, 0, "1", "month", "Mar 2024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			series := groupSeries(tc.points, rule, nil)
			if len(series) != 1 {
				t.Fatalf("%d series", len(series))
			}
			c := newChart(series[0])
			var periods, spikes []string
			for i, m := range c.Marks {
				periods = append(periods, m.Period)
				if m.Spike {
					spikes = append(spikes, m.Period)
				}
				if m.X < c.Left || m.X > c.Right || m.Y < c.Top || m.Y > c.Bottom {
					t.Errorf("mark %s at (%.1f, %.1f) is outside the plot", m.Period, m.X, m.Y)
				}
				if i > 0 && m.X <= c.Marks[i-1].X {
					t.Errorf("mark %s is not right of the one before", m.Period)
				}
				if want := "/point?"; !strings.HasPrefix(m.Href, want) {
					t.Errorf("mark %s links to %q", m.Period, m.Href)
				}
				u, _ := url.Parse(m.Href)
				if u.Query().Get("period") != m.Period {
					t.Errorf("mark %s links to period %q", m.Period, u.Query().Get("period"))
				}
			}
			if got := strings.Join(periods, " "); got != tc.periods {
				t.Errorf("marks %q, want %q", got, tc.periods)
			}
			if got := strings.Join(spikes, " "); got != tc.spikes {
				t.Errorf("spikes %q, want %q", got, tc.spikes)
			}
			if len(c.Lines) != tc.lines || c.Omitted != tc.omitted || c.Granularity != tc.gran {
				t.Errorf("lines %d, omitted %d, granularity %s; want %d, %d, %s", len(c.Lines), c.Omitted, c.Granularity, tc.lines, tc.omitted, tc.gran)
			}
			if top := c.YTicks[len(c.YTicks)-1]; top.Label != tc.topTick || top.Pos != c.Top {
				t.Errorf("top tick %+v, want %s at %.1f", top, tc.topTick, c.Top)
			}
			if c.XTicks[0].Label != tc.firstLbl {
				t.Errorf("first x label %q, want %q", c.XTicks[0].Label, tc.firstLbl)
			}
		})
	}
}

func TestNiceScale(t *testing.T) {
	tests := []struct {
		max       int64
		top, step float64
	}{{0, 1, 1}, {1, 1, 1}, {3, 3, 1}, {9, 10, 2.5}, {67, 80, 20}, {129, 150, 50}, {187, 200, 50}, {1234, 1500, 500}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			top, step := niceScale(tc.max)
			if top != tc.top || step != tc.step {
				t.Errorf("niceScale(%d) = %v, %v; want %v, %v", tc.max, top, step, tc.top, tc.step)
			}
		})
	}
}

func TestGroupSeriesChanges(t *testing.T) {
	pts := points("deaths", "2024-01=0", "2024-02=25", "2024-03=30", "2024-05=60")
	alerted := map[pointKey]bool{{seriesKey{"s", "deaths", "all", "PK"}, "2024-03"}: true}
	s := groupSeries(pts, SpikeRule{MinRatio: 0.5, MinValue: 20}, alerted)[0]
	var got []string
	for _, p := range s.Points {
		got = append(got, fmt.Sprintf("%s %q %s %v", p.Period, p.Change(), p.Direction(), p.Spike))
	}
	want := []string{
		`2024-01 ""  false`,
		`2024-02 "+25" up false`,        // no ratio after a 0, so no spike
		`2024-03 "+5 (+20.0%)" up true`, // alerted
		`2024-05 ""  false`,             // April is missing
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRuns(t *testing.T) {
	r := NewRuns()
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Observe(collector.Summary{Sources: []collector.SourceSummary{{Source: "b", New: 3}, {Source: "a", Failed: 1, Errors: []string{"x.txt: boom"}}}}, t0)
	r.Observe(collector.Summary{Sources: []collector.SourceSummary{{Source: "a", Unchanged: 2}}}, t0.Add(time.Hour))
	got := r.Latest()
	if len(got) != 2 || got[0].Source != "a" || got[1].Source != "b" {
		t.Fatalf("latest = %+v", got)
	}
	a, b := got[0], got[1]
	if !a.OK || a.Runs != 2 || a.FailedRuns != 1 || !a.LastSuccess.Equal(t0.Add(time.Hour)) || a.Unchanged != 2 || len(a.Errors) != 0 {
		t.Errorf("a = %+v", a)
	}
	if !b.OK || b.Runs != 1 || b.New != 3 || !b.Last.Equal(t0) {
		t.Errorf("b = %+v", b)
	}
	r.Observe(collector.Summary{Sources: []collector.SourceSummary{{Source: "b", Interrupted: true}}}, t0.Add(2*time.Hour))
	if b := r.Latest()[1]; b.OK || b.FailedRuns != 1 || !b.LastSuccess.Equal(t0) {
		t.Errorf("interrupted b = %+v", b)
	}
	var none *Runs
	if none.Latest() != nil {
		t.Error("a nil Runs has runs")
	}
}
