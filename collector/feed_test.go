package collector

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// reportSite serves the RSS feed of testdata/web and the pages it links to.
func reportSite(t *testing.T) *site {
	t.Helper()
	s := newSite(t)
	s.handle("/feed.xml", s.fixture(t, "feed.rss.xml"))
	s.handle("/reports/2024-03.html", s.fixture(t, "report-2024-03.html"))
	s.handle("/reports/2024-04.html", s.fixture(t, "report-2024-04.html"))
	s.handle("/news/cricket.html", s.fixture(t, "sports.html"))
	return s
}

func feedConfig(s *site) config.Source {
	return config.Source{Name: "ei", Kind: config.KindFeed, URL: s.URL + "/feed.xml", Publisher: "EI", Match: "security report"}
}

func TestFeedSelectsMatchingItems(t *testing.T) {
	s := reportSite(t)
	docs, errs := collect(mustSource(t, feedConfig(s), testDeps(newMemState())).Documents(context.Background()))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	want := []struct {
		url, title, text string
		published        time.Time
	}{
		{s.URL + "/reports/2024-04.html", "Security report April 2024", "47 militant attacks in April", time.Date(2024, 5, 2, 8, 0, 0, 0, time.UTC)},
		// A relative link is resolved against the feed, its fragment
		// dropped; the feed's date wins over the page's meta (04:30).
		{s.URL + "/reports/2024-03.html", "Security Report March 2024", "54 attacks across the country", time.Date(2024, 4, 2, 6, 15, 0, 0, time.UTC)},
	}
	if len(docs) != len(want) {
		t.Fatalf("got %d documents, want %d", len(docs), len(want))
	}
	for i, w := range want {
		d := docs[i]
		if d.URL != w.url || d.Title != w.title || !d.Published.Equal(w.published) || !strings.Contains(d.Text, w.text) {
			t.Errorf("document %d = {URL:%s Title:%q Published:%v}, want %s %q %v with %q", i, d.URL, d.Title, d.Published, w.url, w.title, w.published, w.text)
		}
		if d.Source != "ei" || d.Publisher != "EI" || d.Country != "PK" {
			t.Errorf("document %d: source %q publisher %q country %q", i, d.Source, d.Publisher, d.Country)
		}
	}
	if hits, _ := s.count("/news/cricket.html"); hits != 0 {
		t.Errorf("the unmatched item was fetched %d times", hits)
	}
}

// openStore opens a fresh store in a temp dir.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "incidents.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// noFigures stands in for the parser: these tests are about fetching.
func noFigures(string, parser.Context) []parser.Figure { return nil }

func TestFeedSecondRunFetchesNothingNew(t *testing.T) {
	s := reportSite(t)
	st := openStore(t)
	src := mustSource(t, feedConfig(s), testDeps(st))
	c := &Collector{Store: st, Extract: noFigures}
	ctx := context.Background()
	paths := []string{"/feed.xml", "/reports/2024-03.html", "/reports/2024-04.html"}

	first := c.RunSource(ctx, src)
	if first.New != 2 || first.Failed != 0 {
		t.Fatalf("first run: %+v, want 2 new documents", first)
	}
	second := c.RunSource(ctx, src)
	if second.New != 0 || second.Unchanged != 0 || second.Failed != 0 {
		t.Fatalf("second run: %+v, want nothing at all", second)
	}
	for _, p := range paths {
		hits, notModified := s.count(p)
		wantHits, want304 := 1, 0
		if p == "/feed.xml" {
			wantHits, want304 = 2, 1
		}
		if hits != wantHits || notModified != want304 {
			t.Errorf("%s: %d requests, %d answered 304; want %d and %d", p, hits, notModified, wantHits, want304)
		}
	}

	// A new item changes the feed: only the new page is downloaded, the
	// known ones are asked conditionally and answer 304.
	s.handle("/reports/2024-05.html", s.fixture(t, "report-latin1.html"))
	feed := strings.Replace(string(s.fixture(t, "feed.rss.xml")), "<item>", `<item><title>Security report May 2024</title><link>/reports/2024-05.html</link><pubDate>Sun, 02 Jun 2024 08:00:00 +0000</pubDate></item><item>`, 1)
	s.handle("/feed.xml", []byte(feed))
	third := c.RunSource(ctx, src)
	if third.New != 1 || third.Failed != 0 || third.Unchanged != 0 {
		t.Fatalf("third run: %+v, want the one new document", third)
	}
	for _, p := range paths[1:] {
		if hits, notModified := s.count(p); hits != 2 || notModified != 1 {
			t.Errorf("%s: %d requests, %d answered 304; want 2 and 1", p, hits, notModified)
		}
	}
}

func TestFeedMaxItems(t *testing.T) {
	s := reportSite(t)
	st := openStore(t)
	cfg := feedConfig(s)
	cfg.MaxItems = 1
	src := mustSource(t, cfg, testDeps(st))
	c := &Collector{Store: st, Extract: noFigures}
	ctx := context.Background()

	if sum := c.RunSource(ctx, src); sum.New != 1 || !sum.OK() {
		t.Fatalf("first run: %+v, want 1 new document", sum)
	}
	if hits, _ := s.count("/reports/2024-03.html"); hits != 0 {
		t.Fatalf("the second item was fetched beyond max_items")
	}
	// The cut run did not save the feed's validators: the next run reads
	// the feed again and goes on with the item left over.
	if sum := c.RunSource(ctx, src); sum.New != 1 || !sum.OK() {
		t.Fatalf("second run: %+v, want the remaining document", sum)
	}
	if hits, notModified := s.count("/reports/2024-04.html"); hits != 2 || notModified != 1 {
		t.Errorf("first item: %d requests, %d answered 304; want 2 and 1", hits, notModified)
	}
	if sum := c.RunSource(ctx, src); sum.New != 0 || !sum.OK() {
		t.Fatalf("third run: %+v, want nothing new", sum)
	}
	if _, notModified := s.count("/feed.xml"); notModified != 1 {
		t.Errorf("feed answered 304 %d times, want once (third run)", notModified)
	}
}

func TestFeedRejectsLinks(t *testing.T) {
	other := newSite(t)
	other.handle("/reports/2024-03.html", other.fixture(t, "report-2024-03.html"))
	s := newSite(t)
	s.handle("/feed.xml", s.fixture(t, "feed-links.atom.xml", "$OTHER", other.URL))
	s.handle("/reports/2024-04.html", s.fixture(t, "report-2024-04.html"))
	otherHost := strings.TrimPrefix(other.URL, "http://")

	tests := []struct {
		name       string
		allowHosts []string
		wantDocs   []string
		wantErrs   []string
	}{
		{
			name:     "file and off-host links fail, the others succeed",
			wantDocs: []string{s.URL + "/reports/2024-04.html"},
			wantErrs: []string{
				`feed ` + s.URL + `/feed.xml: item "Security report: local file": link file:///etc/passwd: scheme "file" not allowed (only http and https)`,
				`feed ` + s.URL + `/feed.xml: item "Security report: elsewhere": link ` + other.URL + `/reports/2024-03.html: host "` + otherHost + `" is not the feed's host "` + strings.TrimPrefix(s.URL, "http://") + `" nor in allow_hosts`,
			},
		},
		{
			name:       "allow_hosts admits the other host",
			allowHosts: []string{otherHost},
			wantDocs:   []string{other.URL + "/reports/2024-03.html", s.URL + "/reports/2024-04.html"},
			wantErrs:   []string{`feed ` + s.URL + `/feed.xml: item "Security report: local file": link file:///etc/passwd: scheme "file" not allowed (only http and https)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Source{Name: "ei", Kind: config.KindFeed, URL: s.URL + "/feed.xml", AllowHosts: tt.allowHosts}
			docs, errs := collect(mustSource(t, cfg, testDeps(newMemState())).Documents(context.Background()))
			var gotDocs, gotErrs []string
			for _, d := range docs {
				gotDocs = append(gotDocs, d.URL)
			}
			for _, e := range errs {
				gotErrs = append(gotErrs, e.Error())
			}
			if strings.Join(gotDocs, "\n") != strings.Join(tt.wantDocs, "\n") {
				t.Errorf("documents:\n%s\nwant:\n%s", strings.Join(gotDocs, "\n"), strings.Join(tt.wantDocs, "\n"))
			}
			if strings.Join(gotErrs, "\n") != strings.Join(tt.wantErrs, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(gotErrs, "\n"), strings.Join(tt.wantErrs, "\n"))
			}
		})
	}
}

func TestFeedErrors(t *testing.T) {
	s := newSite(t)
	s.handle("/empty.xml", nil)
	s.handle("/garbage.xml", []byte("<html><body>this is not a feed</body></html>"))
	s.handle("/nolink.xml", []byte(`<rss version="2.0"><channel><title>x</title><item><title>Security report</title></item></channel></rss>`))
	tests := []struct {
		name, path, wantErr string
	}{
		{"empty body", "/empty.xml", "feed $BASE/empty.xml: empty body"},
		{"not a feed", "/garbage.xml", "feed $BASE/garbage.xml: failed to detect feed type"},
		{"item without link", "/nolink.xml", `feed $BASE/nolink.xml: item "Security report": no link`},
		{"feed not found", "/missing.xml", "fetch $BASE/missing.xml: status 404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Source{Name: "ei", Kind: config.KindFeed, URL: s.URL + tt.path}
			docs, errs := collect(mustSource(t, cfg, testDeps(nil)).Documents(context.Background()))
			want := strings.ReplaceAll(tt.wantErr, "$BASE", s.URL)
			if len(docs) != 0 || len(errs) != 1 || errs[0].Error() != want {
				t.Fatalf("got %d documents, errors %v; want the error %q", len(docs), errs, want)
			}
		})
	}
}
