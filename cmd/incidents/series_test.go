package main

import (
	"strings"
	"testing"

	"github.com/incidents-dev/incidents/store"
)

func pt(period string, v int64) store.Point {
	return store.Point{Source: "s", Metric: "deaths", Category: "all", Region: "PK", Period: period, Value: v}
}

func TestSeriesChange(t *testing.T) {
	points := []store.Point{pt("2024-01", 0), pt("2024-02", 4), pt("2024-03", 5), pt("2024-04", 2), pt("2024-06", 9), pt("2024-07", 9), pt("2024-Q2", 16), pt("2024-Q3", 12),
		{Source: "s", Metric: "deaths", Category: "all", Region: "PK-BA", Period: "2024-03", Value: 7}}
	tests := []struct {
		name, from string
		want       string
	}{
		{"all", "", "2024-01=,2024-02=+4,2024-03=+1 (+25.0%),2024-04=-3 (-60.0%),2024-06=,2024-07=+0 (+0.0%),2024-Q2=,2024-Q3=-4 (-25.0%),2024-03="},
		{"from keeps the change of its first point", "2024-03", "2024-03=+1 (+25.0%),2024-04=-3 (-60.0%),2024-06=,2024-07=+0 (+0.0%),2024-Q2=,2024-Q3=-4 (-25.0%),2024-03="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range seriesRows(points, tt.from) {
				got = append(got, r.Period+"="+r.change())
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("got  %s\nwant %s", strings.Join(got, ","), tt.want)
			}
		})
	}
}

func TestQualified(t *testing.T) {
	for q, want := range map[string]string{"exact": "12", "at_least": "≥12", "at_most": "≤12", "approx": "~12"} {
		t.Run(q, func(t *testing.T) {
			if got := qualified(12, q); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestSeriesFormats(t *testing.T) {
	inRepoRoot(t)
	mustCLI(t, "collect", "--config", "config.yaml")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"table", []string{"--metric", "deaths", "--region", "PK", "--category", "all", "--from", "2024-08", "--to", "2024-08"},
			[]string{"SOURCE    METRIC  CATEGORY  REGION  PERIOD   VALUE  CHANGE        REVISIONS\n", "examples  deaths  all       PK      2024-08  129    +57 (+79.2%)"}},
		{"csv", []string{"--metric", "deaths", "--region", "PK", "--category", "all", "--from", "2024-03", "--to", "2024-03", "--format", "csv", "--evidence"},
			[]string{"source,publisher,period,granularity,metric,category,region,value,qualifier,change,main,revisions,evidence,document_url,document_title,published\n",
				"examples,CCM,2024-03,month,deaths,all,PK,70,exact,+6 (+9.4%),true,1,", "examples/reports/2024-04-22-march-correction.txt,CCM corrects its figures for March 2024,2024-04-22\n"}},
		{"history", []string{"--metric", "deaths", "--region", "PK", "--category", "all", "--from", "2024-03", "--to", "2024-03", "--history"},
			[]string{"  61  ", "  70  ", "examples/reports/2024-03.txt", "examples/reports/2024-04-22-march-correction.txt"}},
		{"nothing", []string{"--metric", "arrests", "--region", "PK-GB"}, []string{"no series points match\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := mustCLI(t, append([]string{"series", "--config", "config.yaml"}, tt.args...)...)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
