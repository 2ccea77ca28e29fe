package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// fig names a figure by the phrase of the document text that states it:
// the value is the last run of digits of the phrase, the evidence is the
// phrase and the offsets those of the number in the text.
type fig struct {
	period, metric, category, region, phrase string
}

// doc builds an Ingest of source "t" (publisher TT) whose figures point into
// its text like the parser's output.
func doc(t *testing.T, published, title, text string, figs ...fig) store.Ingest {
	t.Helper()
	day, err := time.Parse(time.DateOnly, published)
	if err != nil {
		t.Fatal(err)
	}
	it := store.Ingest{Doc: store.Document{
		URL: "https://tt.example/" + published, Source: "t", Publisher: "TT", Title: title,
		Published: day, Fetched: day.Add(time.Hour), Text: text,
	}}
	for _, f := range figs {
		at := strings.Index(text, f.phrase)
		if at < 0 {
			t.Fatalf("phrase %q not in %q", f.phrase, text)
		}
		end := at + strings.LastIndexAny(f.phrase, "0123456789") + 1
		start := end
		for start > at && text[start-1] >= '0' && text[start-1] <= '9' {
			start--
		}
		v, err := strconv.ParseInt(text[start:end], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		it.Figures = append(it.Figures, parser.Figure{
			Period: f.period, Metric: f.metric, Category: f.category, Region: f.region, Value: v,
			Qualifier: "exact", Evidence: parser.Evidence{Text: f.phrase, Start: start, End: end}, Confidence: 0.9,
		})
	}
	return it
}

// fixture is a store with four months of source t:
//
//	deaths PK all: 10, 12 (revised from 14), 30 (a spike), 28
//	attacks PK all: 5, 6, 7, 7; deaths PK-KP and PK-BA, civilians in 2024-04;
//	a quarter 2024-Q1 of deaths; and an alert on deaths 2024-04.
//
// The 2024-02 report quotes a <script> element next to its number.
func fixture(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "incidents.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	all := func(period, metric, phrase string) fig { return fig{period, metric, "all", "PK", phrase} }
	items := []store.Ingest{
		doc(t, "2024-02-01", "January report", "In January, 5 attacks killed 10 people.",
			all("2024-01", "attacks", "5 attacks"), all("2024-01", "deaths", "killed 10 people")),
		doc(t, "2024-03-01", "February report", "In February, 6 attacks took place. Officials said <script>alert(1)</script> 14 people died.",
			all("2024-02", "attacks", "6 attacks"), all("2024-02", "deaths", "Officials said <script>alert(1)</script> 14 people died.")),
		doc(t, "2024-03-10", "February correction", "February correction: 12 people died, not 14.",
			all("2024-02", "deaths", "12 people died")),
		doc(t, "2024-04-01", "March report", "In March, 7 attacks killed 30 people. The first quarter saw 52 deaths.",
			all("2024-03", "attacks", "7 attacks"), all("2024-03", "deaths", "killed 30 people"),
			all("2024-Q1", "deaths", "quarter saw 52 deaths")),
		doc(t, "2024-05-01", "April report", "In April, 7 attacks killed 28 people: 20 in Khyber Pakhtunkhwa and 8 in Balochistan, 9 of them civilians.",
			all("2024-04", "attacks", "7 attacks"), all("2024-04", "deaths", "killed 28 people"),
			fig{"2024-04", "deaths", "all", "PK-KP", "20 in Khyber"}, fig{"2024-04", "deaths", "all", "PK-BA", "8 in Baloch"},
			fig{"2024-04", "deaths", "civilians", "PK", "9 of them civilians"}),
	}
	if _, err := st.Ingest(ctx, items...); err != nil {
		t.Fatal(err)
	}
	prev := int64(30)
	_, err = st.RecordAlerts(ctx, time.Now(), time.Hour, []store.Alert{{
		Source: "t", Publisher: "TT", Metric: "deaths", Category: "all", Region: "PK", Period: "2024-04",
		Value: 28, Previous: &prev, Summary: "deaths stayed high at 28", Evidence: "killed 28 people", URL: "https://tt.example/2024-05-01",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// newTestHandler serves the fixture with the default spike rule.
func newTestHandler(t *testing.T, st Store) *Handler {
	t.Helper()
	h, err := New(Options{Store: st, Spike: SpikeRule{MinRatio: 0.5, MinValue: 20}, Runs: NewRuns()})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// get requests path from h and returns the response and its body.
func get(t *testing.T, h http.Handler, path string) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}
