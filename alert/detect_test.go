package alert

import (
	"math"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/metrics"
	"github.com/incidents-dev/incidents/store"
)

// series builds a monthly series ending in 2023-01 with values, oldest
// first; a negative value leaves its month out.
func series(metric, category string, values ...int64) metrics.Series {
	s := metrics.Series{Source: "picss", Metric: metric, Category: category, Region: "PK"}
	first := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1-len(values), 0)
	for i, v := range values {
		if v < 0 {
			continue
		}
		m := first.AddDate(0, i, 0)
		s.Points = append(s.Points, store.Point{Source: "picss", Publisher: "PICSS", Period: m.Format("2006-01"), Granularity: "month",
			Metric: metric, Category: category, Region: "PK", Value: v, Evidence: "evidence " + m.Format("2006-01"),
			URL: "https://picss.example/" + m.Format("2006-01")})
		s.Starts = append(s.Starts, m)
	}
	return s
}

func TestDetect(t *testing.T) {
	def := Rules{MinRatio: 0.5, MinValue: 20}
	withZ := Rules{MinRatio: 0.5, MinValue: 20, ZScore: 3}
	tests := []struct {
		name    string
		s       metrics.Series
		rules   Rules
		summary string // "" when no spike
	}{
		{"rise of 139 %", series("deaths", "all", 56, 134), def, "deaths in PK rose 139 % to 134 in 2023-01"},
		{"exactly the ratio", series("deaths", "all", 40, 60), def, "deaths in PK rose 50 % to 60 in 2023-01"},
		{"category named", series("deaths", "suicide", 30, 80), def, "deaths (suicide) in PK rose 167 % to 80 in 2023-01"},
		{"below the ratio", series("deaths", "all", 100, 149), def, ""},
		{"below the minimum value", series("deaths", "all", 5, 19), def, ""},
		{"previous zero", series("deaths", "all", 0, 50), def, ""},
		{"previous month missing", series("deaths", "all", 10, -1, 90), def, ""},
		{"single month", series("deaths", "all", 90), def, ""},
		{"fall", series("deaths", "all", 90, 30), def, ""},
		{"z-score off", series("attacks", "all", 30, 32, 28, 31, 29, 30, 33, 27, 30, 31, 29, 30, 44), def, ""},
		{"z-score spike", series("attacks", "all", 30, 32, 28, 31, 29, 30, 33, 27, 30, 31, 29, 30, 44), withZ,
			"attacks in PK rose to 44 in 2023-01, 8.9 standard deviations above the 12-month mean of 30"},
		{"z-score below", series("attacks", "all", 10, 50, 20, 60, 15, 45, 30, 25, 40, 35, 20, 30, 44), withZ, ""},
		{"z-score too few months", series("attacks", "all", 30, 30, 44), withZ, ""},
		{"ratio wins over z-score", series("deaths", "all", 30, 32, 28, 31, 29, 30, 33, 27, 30, 31, 29, 20, 44), withZ,
			"deaths in PK rose 120 % to 44 in 2023-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detect([]metrics.Series{tt.s}, tt.rules)
			if tt.summary == "" {
				if len(got) != 0 {
					t.Fatalf("spike %q, want none", got[0].Summary)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("no spike, want %q", tt.summary)
			}
			a := got[0]
			if a.Summary != tt.summary {
				t.Errorf("summary %q, want %q", a.Summary, tt.summary)
			}
			if a.Period != "2023-01" || a.Evidence != "evidence 2023-01" || a.URL != "https://picss.example/2023-01" || a.Publisher != "PICSS" {
				t.Errorf("alert %+v lacks the latest point's period, evidence or URL", a)
			}
		})
	}
}

func TestDetectRatioValue(t *testing.T) {
	got := Detect([]metrics.Series{series("deaths", "all", 30, 80)}, Rules{MinRatio: 0.5, MinValue: 20})
	if len(got) != 1 || *got[0].Previous != 30 || math.Abs(*got[0].Ratio-5.0/3) > 1e-12 || got[0].ZScore != nil {
		t.Fatalf("Detect = %+v, want ratio 1.667 from 30 to 80", got)
	}
}
