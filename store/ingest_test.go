package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// ruleDocs are small reports of one think tank used by the accepted-value
// tests. Each main period has more figures than its comparisons.
func ruleDocs(t *testing.T) map[string]Ingest {
	return map[string]Ingest{
		"dec": report(t, "picss", "2024-01-05",
			"In December 2023, 58 attacks killed 40 people.",
			figSpec{"2023-12", "attacks", "", "58 attacks"}, figSpec{"2023-12", "deaths", "", "40 people"}),
		"jan": report(t, "picss", "2024-02-03",
			"In January 2024, militants carried out 71 attacks in which 90 people were killed. In December 2023 there were 60 attacks.",
			figSpec{"2024-01", "attacks", "", "71 attacks"}, figSpec{"2024-01", "deaths", "", "90 people"},
			figSpec{"2023-12", "attacks", "", "60 attacks"}),
		"janRevised": report(t, "picss", "2024-02-20",
			"Revised January 2024 data: 74 attacks and 90 people killed.",
			figSpec{"2024-01", "attacks", "", "74 attacks"}, figSpec{"2024-01", "deaths", "", "90 people"}),
		"feb": report(t, "picss", "2024-03-02",
			"In February 2024, 80 attacks killed 100 people. January had seen 70 attacks.",
			figSpec{"2024-02", "attacks", "", "80 attacks"}, figSpec{"2024-02", "deaths", "", "100 people"},
			figSpec{"2024-01", "attacks", "", "70 attacks"}),
		"mar": report(t, "picss", "2024-04-02",
			"In March 2024, 65 attacks killed 50 people. In January 2024 there were 72 attacks.",
			figSpec{"2024-03", "attacks", "", "65 attacks"}, figSpec{"2024-03", "deaths", "", "50 people"},
			figSpec{"2024-01", "attacks", "", "72 attacks"}),
		// Two national death tolls for the same month: all violence first,
		// then militant attacks only. Figures listed out of text order.
		"twoTolls": report(t, "picss", "2024-02-04",
			"In January 2024, 95 people died in all violence, including 75 people killed in militant attacks.",
			figSpec{"2024-01", "deaths", "", "75 people"}, figSpec{"2024-01", "deaths", "", "95 people"}),
	}
}

// wantPoint is the expected state of the series point "period metric" of
// source picss in region PK.
type wantPoint struct {
	period, metric string
	value          int64
	doc            string // document the value comes from
	main           bool
	history        []int64 // accepted values, oldest first
}

func TestAcceptedValueRule(t *testing.T) {
	docs := ruleDocs(t)
	tests := []struct {
		name      string
		calls     [][]string // Ingest calls, each with documents by name
		revisions [][]int    // IngestResult.Revisions of each call
		want      []wantPoint
	}{
		{
			name:      "main report beats a newer comparison mention",
			calls:     [][]string{{"jan"}, {"feb"}},
			revisions: [][]int{{0}, {0}},
			want:      []wantPoint{{"2024-01", "attacks", 71, "jan", true, []int64{71}}},
		},
		{
			name:      "main report replaces a comparison stored earlier",
			calls:     [][]string{{"feb"}, {"jan"}},
			revisions: [][]int{{0}, {1}},
			want:      []wantPoint{{"2024-01", "attacks", 71, "jan", true, []int64{70, 71}}},
		},
		{
			name:      "main report beats comparison for the previous month",
			calls:     [][]string{{"dec"}, {"jan"}},
			revisions: [][]int{{0}, {0}},
			want:      []wantPoint{{"2023-12", "attacks", 58, "dec", true, []int64{58}}},
		},
		{
			name:      "newer main report is a revision",
			calls:     [][]string{{"jan"}, {"janRevised"}},
			revisions: [][]int{{0}, {1}},
			want: []wantPoint{
				{"2024-01", "attacks", 74, "janRevised", true, []int64{71, 74}},
				{"2024-01", "deaths", 90, "janRevised", true, []int64{90}},
			},
		},
		{
			name:      "older main report arriving later is not accepted",
			calls:     [][]string{{"janRevised"}, {"jan"}},
			revisions: [][]int{{0}, {0}},
			want: []wantPoint{
				{"2024-01", "attacks", 74, "janRevised", true, []int64{74}},
				{"2024-01", "deaths", 90, "janRevised", true, []int64{90}},
			},
		},
		{
			name:      "revision within one batch",
			calls:     [][]string{{"jan", "janRevised"}},
			revisions: [][]int{{0, 1}},
			want:      []wantPoint{{"2024-01", "attacks", 74, "janRevised", true, []int64{71, 74}}},
		},
		{
			name:      "older report later in the same batch",
			calls:     [][]string{{"janRevised", "jan"}},
			revisions: [][]int{{0, 0}},
			want:      []wantPoint{{"2024-01", "attacks", 74, "janRevised", true, []int64{74}}},
		},
		{
			name:      "without a main report the newest mention wins",
			calls:     [][]string{{"feb"}, {"mar"}},
			revisions: [][]int{{0}, {1}},
			want:      []wantPoint{{"2024-01", "attacks", 72, "mar", false, []int64{70, 72}}},
		},
		{
			name:      "older mention arriving later is not accepted",
			calls:     [][]string{{"mar"}, {"feb"}},
			revisions: [][]int{{0}, {0}},
			want:      []wantPoint{{"2024-01", "attacks", 72, "mar", false, []int64{72}}},
		},
		{
			name:      "main report after two mentions",
			calls:     [][]string{{"mar"}, {"feb"}, {"jan"}, {"janRevised"}},
			revisions: [][]int{{0}, {0}, {1}, {1}},
			want:      []wantPoint{{"2024-01", "attacks", 74, "janRevised", true, []int64{72, 71, 74}}},
		},
		{
			name:      "first figure in text order wins within a document",
			calls:     [][]string{{"twoTolls"}},
			revisions: [][]int{{0}},
			want:      []wantPoint{{"2024-01", "deaths", 95, "twoTolls", true, []int64{95}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			for i, call := range tt.calls {
				var items []Ingest
				for _, name := range call {
					items = append(items, docs[name])
				}
				res := ingest(t, s, items...)
				for j, r := range res {
					if !r.New || r.Figures != len(items[j].Figures) || r.Revisions != tt.revisions[i][j] {
						t.Errorf("call %d item %s: result %+v; want new, %d figures, %d revisions",
							i, call[j], r, len(items[j].Figures), tt.revisions[i][j])
					}
				}
			}
			for _, w := range tt.want {
				checkPoint(t, s, docs, w)
			}
		})
	}
}

// checkPoint compares a point's Series and History entries with w.
func checkPoint(t *testing.T, s *Store, docs map[string]Ingest, w wantPoint) {
	t.Helper()
	ctx := context.Background()
	f := Filter{Source: "picss", Metric: w.metric, Region: "PK", Category: "all", From: w.period, To: w.period}
	series, err := s.Series(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var got []Point
	for _, p := range series {
		if p.Period == w.period {
			got = append(got, p)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%s %s: %d points: %s", w.period, w.metric, len(got), values(series))
	}
	p, doc := got[0], docs[w.doc]
	if p.Value != w.value || p.DocumentID != DocumentID(doc.Doc.Text) || p.Main != w.main || p.Revisions != len(w.history)-1 {
		t.Errorf("%s %s = %d from %s (main %v, %d revisions); want %d from %s (main %v, %d revisions)",
			w.period, w.metric, p.Value, p.Title, p.Main, p.Revisions, w.value, doc.Doc.Title, w.main, len(w.history)-1)
	}
	if ev := doc.Doc.Text[p.Start:p.End]; ev != fmt.Sprint(p.Value) {
		t.Errorf("evidence offsets [%d:%d] give %q, want %d", p.Start, p.End, ev, p.Value)
	}
	hist, err := s.History(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	var vals []int64
	for i, r := range hist {
		vals = append(vals, r.Value)
		if last := i == len(hist)-1; last != (r.SupersededAt == nil) {
			t.Errorf("history %d (%d): SupersededAt %v, last %v", i, r.Value, r.SupersededAt, last)
		}
		if r.SupersededAt != nil && r.SupersededAt.Before(r.AcceptedAt) {
			t.Errorf("history %d superseded at %v before accepted at %v", i, r.SupersededAt, r.AcceptedAt)
		}
	}
	if !reflect.DeepEqual(vals, w.history) {
		t.Errorf("%s %s history %v; want %v", w.period, w.metric, vals, w.history)
	}
	if cur := hist[len(hist)-1]; cur.DocumentID != p.DocumentID || cur.Start != p.Start {
		t.Errorf("current history row from %s@%d, series from %s@%d", cur.Title, cur.Start, p.Title, p.Start)
	}
}

func TestIngestSkipsKnownDocuments(t *testing.T) {
	docs := ruleDocs(t)
	s := openTest(t)
	jan := docs["jan"]
	// Same text with CRLF line ends and trailing blanks: same document.
	variant := jan
	variant.Doc.Text = "\r\n" + jan.Doc.Text + " \t\r\n\r\n"
	variant.Doc.URL = "https://mirror.example/jan"
	res := ingest(t, s, jan, jan, variant)
	want := []IngestResult{
		{DocumentID: DocumentID(jan.Doc.Text), New: true, Figures: 3},
		{DocumentID: DocumentID(jan.Doc.Text)},
		{DocumentID: DocumentID(jan.Doc.Text)},
	}
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("results %+v; want %+v", res, want)
	}
	res = ingest(t, s, jan)
	if res[0].New || res[0].Figures != 0 {
		t.Fatalf("second Ingest: %+v", res[0])
	}
	ok, err := s.HasDocument(context.Background(), DocumentID(variant.Doc.Text))
	if err != nil || !ok {
		t.Fatalf("HasDocument = %v, %v", ok, err)
	}
	if ok, _ := s.HasDocument(context.Background(), DocumentID("other")); ok {
		t.Fatal("HasDocument true for an unknown document")
	}
	st, err := s.Stats(context.Background())
	if err != nil || st.Documents != 1 || st.Observations != 3 || st.Points != 3 || st.Outbox != 3 || st.LastIngest.IsZero() {
		t.Fatalf("Stats = %+v, %v", st, err)
	}
}

func TestIngestIsAtomic(t *testing.T) {
	docs := ruleDocs(t)
	s := openTest(t)
	ingest(t, s, docs["dec"])
	before := dump(t, s)
	bad := docs["feb"]
	bad.Figures = append([]parser.Figure(nil), bad.Figures...)
	bad.Figures[2].Period = "January"
	_, err := s.Ingest(context.Background(), docs["jan"], bad)
	if err == nil || !strings.Contains(err.Error(), `invalid period "January"`) || !strings.Contains(err.Error(), bad.Doc.URL) {
		t.Fatalf("Ingest with a bad period: err = %v", err)
	}
	if after := dump(t, s); after != before {
		t.Fatalf("failed Ingest changed the database:\n%s", after)
	}
}

func TestQueries(t *testing.T) {
	ctx := context.Background()
	docs := ruleDocs(t)
	s := openTest(t)
	ingest(t, s, docs["dec"], docs["jan"], docs["feb"], docs["mar"])
	other := report(t, "crss", "2024-02-10", "CRSS: in January 2024, 33 people died in Balochistan.",
		figSpec{"2024-01", "deaths", "PK-BA", "33 people"})
	ingest(t, s, other)

	tests := []struct {
		name   string
		filter Filter
		want   string
	}{
		{"metric", Filter{Source: "picss", Metric: "attacks"},
			"2023-12 attacks PK=58\n2024-01 attacks PK=71\n2024-02 attacks PK=80\n2024-03 attacks PK=65"},
		{"range", Filter{Source: "picss", Metric: "deaths", From: "2024-01", To: "2024-02"},
			"2024-01 deaths PK=90\n2024-02 deaths PK=100"},
		{"quarter bounds", Filter{Metric: "deaths", From: "2024-Q1", To: "2024-Q1"},
			"2024-01 deaths PK-BA=33\n2024-01 deaths PK=90"},
		{"region", Filter{Region: "PK-BA"}, "2024-01 deaths PK-BA=33"},
		{"source", Filter{Source: "crss"}, "2024-01 deaths PK-BA=33"},
		{"category none", Filter{Category: "militants"}, ""},
		{"open end", Filter{Source: "picss", Metric: "deaths", From: "2024-03"}, "2024-03 deaths PK=50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Series(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if values(got) != tt.want {
				t.Fatalf("Series(%+v):\n%s\nwant:\n%s", tt.filter, values(got), tt.want)
			}
		})
	}

	t.Run("point fields", func(t *testing.T) {
		got, err := s.Series(ctx, Filter{Source: "crss"})
		if err != nil || len(got) != 1 {
			t.Fatalf("Series = %v, %v", got, err)
		}
		want := Point{
			Source: "crss", Publisher: "CRSS", Period: "2024-01", Granularity: "month", Metric: "deaths",
			Category: "all", Region: "PK-BA", Value: 33, Qualifier: "exact", Main: true,
			DocumentID: DocumentID(other.Doc.Text), URL: other.Doc.URL, Title: other.Doc.Title,
			Published: day("2024-02-10"), Evidence: "33 people", Confidence: 0.9,
			Start: strings.Index(other.Doc.Text, "33"), End: strings.Index(other.Doc.Text, "33") + 2,
		}
		if !reflect.DeepEqual(got[0], want) {
			t.Fatalf("point\n%+v\nwant\n%+v", got[0], want)
		}
	})

	t.Run("observations keep every document", func(t *testing.T) {
		got, err := s.Observations(ctx, Filter{Source: "picss", Metric: "attacks", From: "2024-01", To: "2024-01"})
		if err != nil {
			t.Fatal(err)
		}
		var desc []string
		for _, o := range got {
			desc = append(desc, fmt.Sprintf("%d main=%v %s", o.Value, o.Main, o.Published.Format(time.DateOnly)))
		}
		want := "71 main=true 2024-02-03|70 main=false 2024-03-02|72 main=false 2024-04-02"
		if strings.Join(desc, "|") != want {
			t.Fatalf("Observations = %s; want %s", strings.Join(desc, "|"), want)
		}
	})

	t.Run("bad filter", func(t *testing.T) {
		for _, f := range []Filter{{From: "Jan 2024"}, {To: "2024-13"}} {
			if _, err := s.Series(ctx, f); err == nil || !strings.Contains(err.Error(), "invalid period") {
				t.Errorf("Series(%+v) err = %v", f, err)
			}
			if _, err := s.History(ctx, f); err == nil {
				t.Errorf("History(%+v) accepted", f)
			}
			if _, err := s.Observations(ctx, f); err == nil {
				t.Errorf("Observations(%+v) accepted", f)
			}
		}
	})
}

// genCorpus generates n monthly reports of one source with overlapping
// comparison figures, re-published revisions and repeated values.
func genCorpus(t testing.TB, r *rand.Rand, n int) []Ingest {
	regions := []string{"PK", "PK-KP", "PK-BA", "PK-PB", "PK-SD"}
	var out []Ingest
	for i := range n {
		month := time.Date(2020, time.Month(1+r.IntN(24)), 1, 0, 0, 0, 0, time.UTC)
		prev := month.AddDate(0, -1, 0)
		published := month.AddDate(0, 1, r.IntN(40))
		var b strings.Builder
		var specs []figSpec
		fmt.Fprintf(&b, "Report %d for %s.\n", i, month.Format("January 2006"))
		for _, region := range regions {
			for _, metric := range []string{"attacks", "deaths", "injuries"} {
				phrase := fmt.Sprintf("%d %s in %s", r.IntN(5)+10, metric, region)
				fmt.Fprintf(&b, "There were %s during the month.\n", phrase)
				specs = append(specs, figSpec{month.Format("2006-01"), metric, region, phrase})
			}
		}
		for _, metric := range []string{"attacks", "deaths"} {
			phrase := fmt.Sprintf("%d %s in PK", r.IntN(5)+10, metric)
			fmt.Fprintf(&b, "The previous month saw %s.\n", phrase)
			specs = append(specs, figSpec{prev.Format("2006-01"), metric, "PK", phrase})
		}
		it := report(t, "picss", published.Format(time.DateOnly), b.String(), specs...)
		it.Doc.Fetched = published.Add(time.Duration(r.IntN(3)) * time.Hour)
		out = append(out, it)
	}
	return out
}

// expectedSeries computes the accepted values from scratch with the rule of
// DESIGN.md: main reports first, then newest document, then text order.
func expectedSeries(items []Ingest) map[string]string {
	type cand struct {
		main               bool
		published, fetched time.Time
		id                 string
		start              int
		value              int64
	}
	best := map[string]cand{}
	better := func(a, b cand) bool {
		if a.main != b.main {
			return a.main
		}
		if !a.published.Equal(b.published) {
			return a.published.After(b.published)
		}
		if !a.fetched.Equal(b.fetched) {
			return a.fetched.After(b.fetched)
		}
		if a.id != b.id {
			return a.id > b.id
		}
		return a.start < b.start
	}
	for _, it := range items {
		mp := parser.MainPeriod(it.Figures)
		for _, f := range it.Figures {
			c := cand{f.Period == mp, it.Doc.Published, it.Doc.Fetched, DocumentID(it.Doc.Text), f.Evidence.Start, f.Value}
			k := it.Doc.Source + " " + f.Key()
			if old, ok := best[k]; !ok || better(c, old) {
				best[k] = c
			}
		}
	}
	out := map[string]string{}
	for k, c := range best {
		out[k] = fmt.Sprintf("%d %s", c.value, c.id)
	}
	return out
}

func TestAcceptedSeriesIndependentOfOrder(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	corpus := genCorpus(t, r, 60)
	want := expectedSeries(corpus)
	for trial := range 4 {
		t.Run(fmt.Sprintf("permutation %d", trial), func(t *testing.T) {
			s := openTest(t)
			items := append([]Ingest(nil), corpus...)
			r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
			for len(items) > 0 {
				n := min(len(items), 1+r.IntN(10))
				ingest(t, s, items[:n]...)
				items = items[n:]
			}
			series, err := s.Series(ctx, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, p := range series {
				got[p.Source+" "+p.Period+"|"+p.Metric+"|"+p.Category+"|"+p.Region] = fmt.Sprintf("%d %s", p.Value, p.DocumentID)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("accepted series differs from the rule: %d points, want %d", len(got), len(want))
			}
			checkHistoryConsistent(t, s, series)
		})
	}
}

// checkHistoryConsistent verifies that every point's history ends with its
// accepted value and has Revisions superseded entries, and that no two
// consecutive history values are equal.
func checkHistoryConsistent(t *testing.T, s *Store, series []Point) {
	t.Helper()
	hist, err := s.History(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string][]Revision{}
	for _, h := range hist {
		k := h.Source + h.Period + h.Metric + h.Category + h.Region
		byKey[k] = append(byKey[k], h)
	}
	var stats Stats
	for _, p := range series {
		hs := byKey[p.Source+p.Period+p.Metric+p.Category+p.Region]
		if len(hs) != p.Revisions+1 {
			t.Fatalf("%s %s %s: %d history rows, %d revisions", p.Period, p.Metric, p.Region, len(hs), p.Revisions)
		}
		last := hs[len(hs)-1]
		if last.Value != p.Value || last.DocumentID != p.DocumentID || last.SupersededAt != nil {
			t.Fatalf("%s %s %s: last history %d from %s, accepted %d from %s", p.Period, p.Metric, p.Region,
				last.Value, last.DocumentID, p.Value, p.DocumentID)
		}
		for i := 1; i < len(hs); i++ {
			if hs[i].Value == hs[i-1].Value {
				t.Fatalf("%s %s: revision without a value change: %d", p.Period, p.Metric, hs[i].Value)
			}
		}
		stats.Revisions += int64(p.Revisions)
	}
	st, err := s.Stats(context.Background())
	if err != nil || st.Revisions != stats.Revisions || st.Points != int64(len(series)) {
		t.Fatalf("Stats %+v, %v; want %d points, %d revisions", st, err, len(series), stats.Revisions)
	}
}

func TestIngestTwiceLeavesIdenticalTables(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	corpus := genCorpus(t, r, 40)
	s := openTest(t)
	ingest(t, s, corpus[:25]...)
	ingest(t, s, corpus[25:]...)
	first := dump(t, s)
	for _, size := range []int{1, 7, len(corpus)} {
		t.Run(fmt.Sprintf("batches of %d", size), func(t *testing.T) {
			for i := 0; i < len(corpus); i += size {
				for _, res := range ingest(t, s, corpus[i:min(i+size, len(corpus))]...) {
					if res.New || res.Figures != 0 || res.Revisions != 0 {
						t.Fatalf("re-ingest result %+v", res)
					}
				}
			}
			if again := dump(t, s); again != first {
				t.Fatalf("second ingest changed the tables")
			}
		})
	}
}

// TestObservationsFilters checks Observations against every figure ingested,
// filtered here: the span index and the string prefilter may skip reading
// a document, never one of its matching figures.
func TestObservationsFilters(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	items := genCorpus(t, rand.New(rand.NewPCG(7, 7)), 60)
	ingest(t, s, items...)
	all, err := s.Observations(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(all); n != 60*17 {
		t.Fatalf("Observations() = %d figures, want %d", n, 60*17)
	}
	start := func(period string) int64 {
		p, err := parser.ParsePeriod(period)
		if err != nil {
			t.Fatal(err)
		}
		return p.Start.Unix()
	}
	for _, f := range []Filter{
		{From: "2020-06", To: "2020-06"},
		{Metric: "deaths", Region: "PK-KP", From: "2021-03", To: "2021-05"},
		{Source: "picss", Metric: "attacks", From: "2021-11"},
		{Region: "PK", To: "2020-02"},
		{Category: "all", From: "2019-12", To: "2019-12"},
		{Region: "PK-XX"},
	} {
		got, err := s.Observations(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var want []Point
		for _, p := range all {
			if (f.Source == "" || p.Source == f.Source) && (f.Metric == "" || p.Metric == f.Metric) &&
				(f.Category == "" || p.Category == f.Category) && (f.Region == "" || p.Region == f.Region) &&
				(f.From == "" || start(p.Period) >= start(f.From)) && (f.To == "" || start(p.Period) <= start(f.To)) {
				want = append(want, p)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Observations(%+v) = %d figures, want %d (those of the unfiltered list)", f, len(got), len(want))
		}
	}
}
