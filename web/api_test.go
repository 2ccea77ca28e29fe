package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// getJSON requests path and decodes its 200 answer into v.
func getJSON(t *testing.T, h *Handler, path string, v any) {
	t.Helper()
	res, body := get(t, h, path)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s: status %d, type %q: %s", path, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestAPISeries(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	var got struct{ Series []apiSeries }
	getJSON(t, h, "/api/series?metric=deaths&region=PK&category=all&from=2024-02", &got)
	if len(got.Series) != 1 {
		t.Fatalf("series = %+v, want one", got.Series)
	}
	s := got.Series[0]
	if s.Source != "t" || s.Publisher != "TT" || s.Metric != "deaths" || s.Region != "PK" {
		t.Errorf("series key = %+v", s)
	}
	var rows []string
	for _, p := range s.Points {
		ch, ratio := "-", "-"
		if p.Change != nil {
			ch = fmt.Sprint(*p.Change)
		}
		if p.ChangeRatio != nil {
			ratio = fmt.Sprintf("%.2f", *p.ChangeRatio)
		}
		rows = append(rows, fmt.Sprintf("%s %d %s %s %v %d %s", p.Period, p.Value, ch, ratio, p.Spike, p.Revisions, p.PointURL))
	}
	want := []string{
		"2024-02 12 2 0.20 false 1 /point?category=all&metric=deaths&period=2024-02&region=PK&source=t",
		"2024-03 30 18 1.50 true 0 /point?category=all&metric=deaths&period=2024-03&region=PK&source=t",
		"2024-04 28 -2 -0.07 true 0 /point?category=all&metric=deaths&period=2024-04&region=PK&source=t",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("points:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}

	var empty struct{ Series []apiSeries }
	getJSON(t, h, "/api/series?metric=deaths&from=2030-01", &empty)
	if len(empty.Series) != 0 {
		t.Errorf("series after 2030 = %+v, want none (and 200)", empty.Series)
	}
}

func TestAPIPoints(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	var got struct{ Points []apiPoint }
	getJSON(t, h, "/api/points?source=t&metric=deaths&category=all&region=PK&period=2024-02", &got)
	if len(got.Points) != 1 {
		t.Fatalf("points = %+v, want one", got.Points)
	}
	p := got.Points[0]
	if p.Value != 12 || p.Document.Title != "February correction" || p.Evidence.Number != "12" || p.Revisions != 1 {
		t.Errorf("point = %+v", p)
	}
	var obs []string
	for _, o := range p.Observations {
		obs = append(obs, fmt.Sprintf("%d %s %v %s", o.Value, o.Evidence.Number, o.Accepted, o.Document.Published))
	}
	if want := "14 14 false 2024-03-01|12 12 true 2024-03-10"; strings.Join(obs, "|") != want {
		t.Errorf("observations = %q, want %q", strings.Join(obs, "|"), want)
	}
	if len(p.History) != 2 || p.History[0].Value != 14 || p.History[0].SupersededAt == nil || p.History[1].Value != 12 || p.History[1].SupersededAt != nil {
		t.Errorf("history = %+v, want 14 superseded by 12", p.History)
	}

	var list struct{ Points []apiPoint }
	getJSON(t, h, "/api/points?metric=deaths&from=2024-04", &list)
	var keys []string
	for _, p := range list.Points {
		keys = append(keys, p.Category+"/"+p.Region+"="+fmt.Sprint(p.Value))
		if p.Observations != nil {
			t.Errorf("observations without a period: %+v", p)
		}
	}
	if want := "all/PK=28,all/PK-BA=8,all/PK-KP=20,civilians/PK=9"; strings.Join(keys, ",") != want {
		t.Errorf("points = %s, want %s", strings.Join(keys, ","), want)
	}
}

func TestAPIDocuments(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	var got struct{ Documents []apiDocument }
	getJSON(t, h, "/api/documents?source=t&from=2024-03&to=2024-03", &got)
	var rows []string
	for _, d := range got.Documents {
		rows = append(rows, fmt.Sprintf("%s %s %s %d", d.Published, d.Title, d.MainPeriod, d.Figures))
	}
	if want := "2024-03-10 February correction 2024-02 1|2024-03-01 February report 2024-02 2"; strings.Join(rows, "|") != want {
		t.Errorf("documents = %q, want %q", strings.Join(rows, "|"), want)
	}
	getJSON(t, h, "/api/documents?limit=2", &got)
	if len(got.Documents) != 2 || got.Documents[0].Title != "April report" {
		t.Errorf("limit 2: %+v", got.Documents)
	}
}

func TestAPIAlerts(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	tests := []struct {
		path string
		want int
	}{
		{"/api/alerts", 1},
		{"/api/alerts?active=true", 1},
		{"/api/alerts?active=false", 0},
		{"/api/alerts?metric=deaths&region=PK&from=2024-04&to=2024-04", 1},
		{"/api/alerts?from=2024-05", 0},
		{"/api/alerts?source=other", 0},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			var got struct{ Alerts []apiAlert }
			getJSON(t, h, tc.path, &got)
			if len(got.Alerts) != tc.want {
				t.Fatalf("alerts = %+v, want %d", got.Alerts, tc.want)
			}
			if tc.want == 1 {
				a := got.Alerts[0]
				if a.Value != 28 || a.Previous == nil || *a.Previous != 30 || !a.Active || a.DetectedAt == "" ||
					a.PointURL != "/point?category=all&metric=deaths&period=2024-04&region=PK&source=t" {
					t.Errorf("alert = %+v", a)
				}
			}
		})
	}
}
