package collector

import (
	"context"
	"crypto/sha256"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/config"
)

// site is a test web server on 127.0.0.1 serving fixtures of
// testdata/web with ETags, answering conditional requests with 304 and
// counting requests per path.
type site struct {
	*httptest.Server
	mu          sync.Mutex
	pages       map[string]sitePage
	hits        map[string]int
	notModified map[string]int
}

// sitePage is one served path.
type sitePage struct {
	body         []byte
	contentType  string
	lastModified string
	noETag       bool
}

func newSite(t *testing.T) *site {
	t.Helper()
	s := &site{pages: map[string]sitePage{}, hits: map[string]int{}, notModified: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	p, ok := s.pages[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(p.body))
	if !p.noETag {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			s.mu.Lock()
			s.notModified[r.URL.Path]++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if p.lastModified != "" {
		w.Header().Set("Last-Modified", p.lastModified)
	}
	w.Header().Set("Content-Type", p.contentType)
	_, _ = w.Write(p.body)
}

// fixture reads testdata/web/name, replacing $BASE with this site's URL
// and the other variables given as name, value pairs.
func (s *site) fixture(t *testing.T, name string, vars ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "web", name))
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(append([]string{"$BASE", s.URL}, vars...)...)
	return []byte(r.Replace(string(b)))
}

// handle serves body at path with a content type guessed from the path.
func (s *site) handle(path string, body []byte, opts ...func(*sitePage)) {
	p := sitePage{body: body, contentType: "text/html; charset=utf-8"}
	if strings.HasSuffix(path, ".xml") {
		p.contentType = "application/xml"
	}
	for _, o := range opts {
		o(&p)
	}
	s.mu.Lock()
	s.pages[path] = p
	s.mu.Unlock()
}

func (s *site) count(path string) (hits, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path], s.notModified[path]
}

// memState is an in-memory State.
type memState struct {
	mu sync.Mutex
	m  map[string][2]string
}

func newMemState() *memState { return &memState{m: map[string][2]string{}} }

func (s *memState) FetchState(_ context.Context, url string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.m[url]
	return v[0], v[1], nil
}

func (s *memState) SetFetchState(_ context.Context, url, etag, lastModified string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[url] = [2]string{etag, lastModified}
	return nil
}

// testDeps are dependencies with a fast fetcher and the given state.
func testDeps(state State) Deps {
	return Deps{
		Fetcher:  NewFetcher(testFetchOptions(), nil),
		State:    state,
		Logger:   slog.New(slog.DiscardHandler),
		Defaults: config.Defaults{Country: "PK"},
	}
}

// collect drains a source into its documents and errors.
func collect(seq iter.Seq2[Document, error]) (docs []Document, errs []error) {
	for d, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, d)
	}
	return docs, errs
}

func mustSource(t *testing.T, cfg config.Source, deps Deps) Source {
	t.Helper()
	f, ok := Kinds[cfg.Kind]
	if !ok {
		t.Fatalf("kind %q not registered", cfg.Kind)
	}
	src, err := f(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestPageSource(t *testing.T) {
	s := newSite(t)
	const lastMod = "Fri, 03 May 2024 11:00:00 GMT"
	s.handle("/march.html", s.fixture(t, "report-2024-03.html"))
	s.handle("/april.html", s.fixture(t, "report-2024-04.html"))
	s.handle("/april-lm.html", s.fixture(t, "report-2024-04.html"), func(p *sitePage) { p.lastModified = lastMod })
	s.handle("/latin1.html", s.fixture(t, "report-latin1.html"), func(p *sitePage) { p.contentType = "text/html" })
	s.handle("/latin1-header.html", s.fixture(t, "report-latin1.html"), func(p *sitePage) { p.contentType = "text/html; charset=ISO-8859-1" })
	s.handle("/malformed.html", s.fixture(t, "malformed.html"))
	s.handle("/malformed-title.html", s.fixture(t, "malformed-title.html"))
	s.handle("/empty.html", nil)
	s.handle("/report.pdf", []byte("%PDF-1.7 binary"), func(p *sitePage) { p.contentType = "application/pdf" })
	s.handle("/report.txt", []byte("In July, militants carried out 38 attacks.\n"), func(p *sitePage) { p.contentType = "text/plain; charset=utf-8" })
	s.handle("/blank.html", []byte(" \n\t "))

	tests := []struct {
		name          string
		path          string
		published     string
		wantPublished time.Time // zero: the fetch time
		wantTitle     string
		wantText      []string
		notText       []string
		wantErr       string
	}{
		{
			name: "date from HTML meta", path: "/march.html",
			wantPublished: time.Date(2024, 4, 2, 4, 30, 0, 0, time.UTC), wantTitle: "Security report March 2024 | Example Institute",
			wantText: []string{"54 attacks across the country", "arrested 41 suspected militants"},
			notText:  []string{"About us", "All rights reserved"},
		},
		{
			name: "date from Last-Modified", path: "/april-lm.html",
			wantPublished: time.Date(2024, 5, 3, 11, 0, 0, 0, time.UTC),
			wantText:      []string{"47 militant attacks in April"},
		},
		{name: "date is the fetch time", path: "/april.html", wantText: []string{"47 militant attacks in April"}},
		{
			name: "published override wins", path: "/march.html", published: "2024-04-05",
			wantPublished: time.Date(2024, 4, 5, 0, 0, 0, 0, time.UTC),
		},
		{name: "ISO-8859-1 from meta charset", path: "/latin1.html", wantText: []string{"outside a café on Jinnah Road", "47 in April · a decline"}},
		{name: "ISO-8859-1 from Content-Type", path: "/latin1-header.html", wantText: []string{"outside a café on Jinnah Road"}},
		{name: "malformed HTML", path: "/malformed.html", wantText: []string{"41 attacks across the country", "arrested 30 suspects"}, notText: []string{"not text"}},
		// An unclosed <title> swallows the whole page: nothing readable is
		// left, which must be a clear error, not an empty document.
		{name: "unclosed title", path: "/malformed-title.html", wantErr: "page $BASE/malformed-title.html: extract article: no readable content"},
		{name: "plain text taken whole", path: "/report.txt", wantText: []string{"In July, militants carried out 38 attacks."}},
		{name: "PDF is refused", path: "/report.pdf", wantErr: `page $BASE/report.pdf: unsupported content type "application/pdf"`},
		{name: "empty body", path: "/empty.html", wantErr: "page $BASE/empty.html: empty body"},
		{name: "blank body", path: "/blank.html", wantErr: "page $BASE/blank.html: empty body"},
		{name: "not found", path: "/missing.html", wantErr: "fetch $BASE/missing.html: status 404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Source{Name: "web", Kind: config.KindPage, URL: s.URL + tt.path, Publisher: "EI", Published: tt.published}
			before := time.Now().UTC()
			docs, errs := collect(mustSource(t, cfg, testDeps(nil)).Documents(context.Background()))
			after := time.Now().UTC()
			if tt.wantErr != "" {
				want := strings.ReplaceAll(tt.wantErr, "$BASE", s.URL)
				if len(docs) != 0 || len(errs) != 1 || errs[0].Error() != want {
					t.Fatalf("got %d documents, errors %v; want only the error %q", len(docs), errs, want)
				}
				return
			}
			if len(errs) != 0 || len(docs) != 1 {
				t.Fatalf("got %d documents, errors %v; want one document", len(docs), errs)
			}
			d := docs[0]
			if d.Source != "web" || d.Publisher != "EI" || d.Country != "PK" || d.URL != cfg.URL {
				t.Errorf("document = %+v", d)
			}
			if tt.wantPublished.IsZero() {
				if d.Published.Before(before) || d.Published.After(after) {
					t.Errorf("published = %v, want the fetch time", d.Published)
				}
			} else if !d.Published.Equal(tt.wantPublished) {
				t.Errorf("published = %v, want %v", d.Published, tt.wantPublished)
			}
			if tt.wantTitle != "" && d.Title != tt.wantTitle {
				t.Errorf("title = %q, want %q", d.Title, tt.wantTitle)
			}
			for _, w := range tt.wantText {
				if !strings.Contains(d.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, d.Text)
				}
			}
			for _, w := range tt.notText {
				if strings.Contains(d.Text, w) {
					t.Errorf("text has %q:\n%s", w, d.Text)
				}
			}
		})
	}
}

func TestPageNotModified(t *testing.T) {
	s := newSite(t)
	s.handle("/march.html", s.fixture(t, "report-2024-03.html"))
	state := newMemState()
	src := mustSource(t, config.Source{Name: "web", Kind: config.KindPage, URL: s.URL + "/march.html"}, testDeps(state))

	docs, errs := collect(src.Documents(context.Background()))
	if len(docs) != 1 || len(errs) != 0 {
		t.Fatalf("first run: %d documents, errors %v", len(docs), errs)
	}
	docs, errs = collect(src.Documents(context.Background()))
	if len(docs) != 0 || len(errs) != 0 {
		t.Fatalf("second run: %d documents, errors %v; want nothing", len(docs), errs)
	}
	if hits, notModified := s.count("/march.html"); hits != 2 || notModified != 1 {
		t.Errorf("server saw %d requests and answered %d with 304, want 2 and 1", hits, notModified)
	}
}

func TestPageSourceConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     config.Source
		deps    Deps
		wantErr string
	}{
		{name: "file URL", cfg: config.Source{Kind: config.KindPage, URL: "file:///etc/passwd"}, deps: testDeps(nil), wantErr: `url "file:///etc/passwd": scheme "file" not allowed (only http and https)`},
		{name: "no host", cfg: config.Source{Kind: config.KindPage, URL: "http:///x"}, deps: testDeps(nil), wantErr: `url "http:///x": no host`},
		{name: "no fetcher", cfg: config.Source{Kind: config.KindPage, URL: "http://127.0.0.1/"}, wantErr: "no fetcher for a web source"},
		{name: "bad match", cfg: config.Source{Kind: config.KindFeed, URL: "http://127.0.0.1/", Match: "(("}, deps: testDeps(nil), wantErr: "match \"((\": error parsing regexp: missing closing ): `(?i)((`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Kinds[tt.cfg.Kind](tt.cfg, tt.deps)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}
