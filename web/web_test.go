package web

import (
	"encoding/csv"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"
)

// markRE matches a chart mark and captures its period.
var markRE = regexp.MustCompile(`<circle class="mark( spike)?"[^>]* data-period="([^"]+)"`)

// chartOf returns the SVG of the chart of metric on an HTML page.
func chartOf(t *testing.T, body, metric string) string {
	t.Helper()
	loc := regexp.MustCompile(`<svg class="chart-svg"[^>]* data-metric="` + metric + `"`).FindStringIndex(body)
	if loc == nil {
		t.Fatalf("no %s chart on the page", metric)
	}
	j := strings.Index(body[loc[0]:], "</svg>")
	return body[loc[0] : loc[0]+j]
}

func TestPages(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	tests := []struct {
		name, path string
		status     int
		want       []string // substrings of the body
		notWant    []string
	}{
		{"overview", "/", 200, []string{
			"Latest month: <strong>2024-04</strong>", `data-metric="deaths"`, `data-metric="attacks"`,
			"Khyber Pakhtunkhwa", "Balochistan", "civilians", `href="/point?category=all&amp;metric=deaths&amp;period=2024-04&amp;region=PK&amp;source=t"`,
			"documents</dt><dd>5</dd>", "InfluxDB</dt><dd>disabled</dd>", "No collection run has finished",
		}, nil},
		{"series", "/series?metric=deaths&region=PK&category=all", 200, []string{
			"deaths · all people · Pakistan · t", `href="/series.csv?category=all&amp;metric=deaths&amp;region=PK"`,
			`<tr class="spike-row" data-period="2024-03">`, "+18 (+150.0%)", "2024-Q1",
		}, []string{"<td>PK-KP</td>"}},
		{"series defaults to national deaths", "/series", 200, []string{`<option selected>deaths</option>`, `data-metric="deaths"`}, []string{`data-metric="attacks"`}},
		{"series empty range", "/series?metric=deaths&from=2025-01", 200, []string{"No point in this period range."}, nil},
		{"series bad metric", "/series?metric=bombs", 400, []string{`unknown metric &#34;bombs&#34;`}, nil},
		{"series bad period", "/series?from=2024-13", 400, []string{`invalid from: invalid period &#34;2024-13&#34;`}, nil},
		{"series unknown series", "/series?region=XX", 404, []string{"no series matches region=XX"}, nil},
		{"series unknown parameter", "/series?metrc=deaths", 400, []string{`unknown parameter &#34;metrc&#34;`}, nil},
		{"series repeated parameter", "/series?metric=deaths&metric=attacks", 400, []string{`parameter &#34;metric&#34; given 2 times`}, nil},
		{"series from after to", "/series?from=2024-04&to=2024-01", 400, []string{"from 2024-04 is after to 2024-01"}, nil},
		{"point", "/point?source=t&period=2024-03&metric=deaths&category=all&region=PK", 200, []string{
			"killed <mark>30</mark> people", "March report", "TT", "2024-04-01",
			`href="https://tt.example/2024-04-01"`, "This value has not been revised.", "+18 (+150.0%)", `<span class="badge spike"`,
		}, nil},
		{"point with revision", "/point?source=t&period=2024-02&metric=deaths&category=all&region=PK", 200, []string{
			"<mark>12</mark> people died", "<mark>14</mark> people died", "February correction", "<h2>Revisions</h2>",
			"revised 1×", `<span class="badge ok">accepted</span>`,
		}, nil},
		{"point missing parameter", "/point?source=t&period=2024-03&metric=deaths&category=all", 400, []string{`missing parameter &#34;region&#34;`}, nil},
		{"point bad period", "/point?source=t&period=2024-13&metric=deaths&category=all&region=PK", 400, []string{`invalid period &#34;2024-13&#34;`}, nil},
		{"point unknown", "/point?source=t&period=2023-01&metric=deaths&category=all&region=PK", 404, []string{"no point"}, nil},
		{"point unknown series", "/point?source=x&period=2024-01&metric=deaths&category=all&region=PK", 404, []string{"no series matches source=x"}, nil},
		{"documents", "/documents", 200, []string{"April report", "February correction", "January report", `<a href="/series?category=all&amp;from=2024-04&amp;source=t&amp;to=2024-04">2024-04</a>`}, nil},
		{"documents filtered", "/documents?from=2024-03&to=2024-03", 200, []string{"February report", "February correction"}, []string{"April report", "January report"}},
		{"documents bad period", "/documents?to=2024-00", 400, []string{`invalid to: invalid period &#34;2024-00&#34;`}, nil},
		{"documents bad limit", "/documents?limit=-1", 400, []string{`invalid limit &#34;-1&#34;`}, nil},
		{"alerts", "/alerts", 200, []string{"deaths stayed high at 28", `<span class="badge spike">active</span>`, "at least 50%"}, nil},
		{"alerts filtered out", "/alerts?metric=attacks", 200, []string{"No spike has been detected"}, []string{"stayed high"}},
		{"alerts bad active", "/alerts?active=maybe", 400, []string{`invalid active &#34;maybe&#34;`}, nil},
		{"unknown page", "/nope", 404, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := get(t, h, tc.path)
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d; body:\n%s", res.StatusCode, tc.status, body)
			}
			if tc.status != 404 || tc.want != nil {
				if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type = %q", ct)
				}
			}
			text := html.UnescapeString(body) // html/template writes + as &#43;
			for _, w := range tc.want {
				if !strings.Contains(body, w) && !strings.Contains(text, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("body has %q", w)
				}
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
		})
	}
}

// TestPagesFetchNothingElsewhere checks that no page refers to another
// host: every src and href is local (documents' own addresses excepted).
func TestPagesFetchNothingElsewhere(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	srcRE := regexp.MustCompile(`(?:src|href)="([^"]*)"`)
	for _, path := range []string{"/", "/series", "/point?source=t&period=2024-03&metric=deaths&category=all&region=PK", "/documents", "/alerts"} {
		_, body := get(t, h, path)
		for _, m := range srcRE.FindAllStringSubmatch(body, -1) {
			u := m[1]
			if strings.HasPrefix(u, "/") || strings.HasPrefix(u, "https://tt.example/") || u == "data:," {
				continue
			}
			t.Errorf("%s refers to %q", path, u)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("%s has a script element", path)
		}
	}
}

func TestOverviewCharts(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	_, body := get(t, h, "/")
	tests := []struct {
		metric  string
		periods []string
		spikes  []string
	}{
		{"deaths", []string{"2024-01", "2024-02", "2024-03", "2024-04"}, []string{"2024-03", "2024-04"}},
		{"attacks", []string{"2024-01", "2024-02", "2024-03", "2024-04"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.metric, func(t *testing.T) {
			var periods, spikes []string
			for _, m := range markRE.FindAllStringSubmatch(chartOf(t, body, tc.metric), -1) {
				periods = append(periods, m[2])
				if m[1] != "" {
					spikes = append(spikes, m[2])
				}
			}
			if strings.Join(periods, ",") != strings.Join(tc.periods, ",") {
				t.Errorf("marks = %v, want %v", periods, tc.periods)
			}
			if strings.Join(spikes, ",") != strings.Join(tc.spikes, ",") {
				t.Errorf("spike marks = %v, want %v", spikes, tc.spikes)
			}
		})
	}
}

func TestEvidenceIsEscaped(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	for _, path := range []string{
		"/point?source=t&period=2024-02&metric=deaths&category=all&region=PK",
		"/series?metric=deaths&region=PK&category=all",
	} {
		res, body := get(t, h, path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d", path, res.StatusCode)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("%s: the evidence's <script> element reached the page unescaped", path)
		}
	}
	_, body := get(t, h, "/point?source=t&period=2024-02&metric=deaths&category=all&region=PK")
	want := "Officials said &lt;script&gt;alert(1)&lt;/script&gt; <mark>14</mark> people died."
	if !strings.Contains(body, want) {
		t.Errorf("the point page lacks the escaped, highlighted sentence %q", want)
	}
}

func TestSeriesCSV(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	res, body := get(t, h, "/series.csv?metric=deaths&region=PK&category=all&from=2024-02")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs[1:] {
		got = append(got, strings.Join([]string{r[2], r[7], r[9], r[10], r[12]}, " "))
	}
	// 2024-Q1 starts before from; 2024-02 keeps its change against January.
	want := []string{"2024-02 12 +2 (+20.0%) false 1", "2024-03 30 +18 (+150.0%) true 0", "2024-04 28 -2 (-6.7%) true 0"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rows (period value change spike revisions):\n got %q\nwant %q", got, want)
	}
	if strings.Join(recs[0], ",") != strings.Join(seriesHeader, ",") {
		t.Errorf("header = %v", recs[0])
	}
	for path, status := range map[string]int{"/series.csv?metric=bombs": 400, "/series.csv?source=nope": 404} {
		if res, _ := get(t, h, path); res.StatusCode != status {
			t.Errorf("%s: status %d, want %d", path, res.StatusCode, status)
		}
	}
}

func TestStatic(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	res, body := get(t, h, "/static/style.css")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || !strings.Contains(body, "svg .mark") {
		t.Errorf("style.css: status %d, type %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(body))
	}
}

func TestAPIErrors(t *testing.T) {
	h := newTestHandler(t, fixture(t))
	tests := []struct {
		path   string
		status int
		reason string
	}{
		{"/api/series?from=2024-13", 400, `invalid from: invalid period "2024-13"`},
		{"/api/series?metric=bombs", 400, `unknown metric "bombs" (want one of attacks, deaths, injuries, arrests, abductions, casualties)`},
		{"/api/series?category=police", 400, `unknown category "police"`},
		{"/api/series?region=pakistan", 400, `invalid region "pakistan"`},
		{"/api/series?region=XX", 404, "no series matches region=XX"},
		{"/api/series?source=t&metric=arrests", 404, "no series matches source=t metric=arrests"},
		{"/api/series?period=2024-01", 400, `unknown parameter "period"`},
		{"/api/points?period=2024-13", 400, `invalid period: invalid period "2024-13"`},
		{"/api/points?source=nope", 404, "no series matches source=nope"},
		{"/api/documents?metric=deaths", 400, `unknown parameter "metric"`},
		{"/api/documents?limit=many", 400, `invalid limit "many"`},
		{"/api/alerts?active=2", 400, `invalid active "2"`},
		{"/api/alerts?to=2024-13", 400, `invalid to: invalid period "2024-13"`},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			res, body := get(t, h, tc.path)
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(e.Error, tc.reason) {
				t.Errorf("error = %q, want it to contain %q", e.Error, tc.reason)
			}
		})
	}
}
