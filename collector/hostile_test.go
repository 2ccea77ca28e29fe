package collector

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/config"
)

// hostileServer starts a server for one hostile case.
func hostileServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestHostileServersInOneRun runs well-behaved and hostile sources in one
// collector run: each hostile one fails alone with an error naming its URL
// and cause, the others store their documents, and nothing partial is
// stored.
func TestHostileServersInOneRun(t *testing.T) {
	good := reportSite(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	hang := hostileServer(t, func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	var flakyHits atomic.Int64
	flakyPage := strings.Replace(string(good.fixture(t, "report-2024-04.html")), "36 suspects", "35 suspects", 1)
	flaky := hostileServer(t, func(w http.ResponseWriter, _ *http.Request) {
		if flakyHits.Add(1) == 1 {
			http.Error(w, "database is down", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, flakyPage)
	})
	chunk := bytes.Repeat([]byte("<p>flood "), 4096)
	huge := hostileServer(t, func(w http.ResponseWriter, _ *http.Request) {
		for sent := 0; sent < 50<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	bomb := hostileServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		for range 1024 {
			if _, err := w.Write(gzipBombMember()); err != nil {
				return
			}
		}
	})
	loop := hostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	})
	links := newSite(t)
	links.handle("/feed.xml", links.fixture(t, "feed-links.atom.xml", "$OTHER", good.URL))
	links.handle("/reports/2024-04.html", []byte(strings.Replace(flakyPage, "35 suspects", "34 suspects", 1)))
	pages := newSite(t)
	pages.handle("/latin1.html", pages.fixture(t, "report-latin1.html"), func(p *sitePage) { p.contentType = "text/html; charset=ISO-8859-1" })
	pages.handle("/malformed.html", pages.fixture(t, "malformed.html"))
	pages.handle("/empty.html", nil)

	tests := []struct {
		cfg        config.Source
		wantNew    int
		wantErrors []string // each error contains all of these
	}{
		{cfg: config.Source{Name: "good", Kind: "feed", URL: good.URL + "/feed.xml", Match: "security report"}, wantNew: 2},
		{cfg: config.Source{Name: "timeout", Kind: "page", URL: hang + "/report", Timeout: 150 * time.Millisecond}, wantErrors: []string{"fetch " + hang + "/report: context deadline exceeded (3 attempts)"}},
		{cfg: config.Source{Name: "flaky", Kind: "page", URL: flaky + "/report"}, wantNew: 1},
		{cfg: config.Source{Name: "huge", Kind: "page", URL: huge + "/report"}, wantErrors: []string{"fetch " + huge + "/report: body exceeds 10485760 bytes"}},
		{cfg: config.Source{Name: "bomb", Kind: "page", URL: bomb + "/report"}, wantErrors: []string{"fetch " + bomb + "/report: body exceeds 10485760 bytes"}},
		{cfg: config.Source{Name: "loop", Kind: "page", URL: loop + "/r"}, wantErrors: []string{"fetch " + loop + "/r: stopped after 5 redirects"}},
		{cfg: config.Source{Name: "links", Kind: "feed", URL: links.URL + "/feed.xml"}, wantNew: 1, wantErrors: []string{
			`link file:///etc/passwd: scheme "file" not allowed`,
			"link " + good.URL + "/reports/2024-03.html: host",
		}},
		{cfg: config.Source{Name: "latin1", Kind: "page", URL: pages.URL + "/latin1.html"}, wantNew: 1},
		{cfg: config.Source{Name: "malformed", Kind: "page", URL: pages.URL + "/malformed.html"}, wantNew: 1},
		{cfg: config.Source{Name: "empty", Kind: "page", URL: pages.URL + "/empty.html"}, wantErrors: []string{"page " + pages.URL + "/empty.html: empty body"}},
	}

	st := openStore(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	deps := testDeps(st)
	deps.Logger = logger
	cfgs := make([]config.Source, len(tests))
	for i, tt := range tests {
		cfgs[i] = tt.cfg
	}
	sources, err := NewSources(cfgs, deps)
	if err != nil {
		t.Fatal(err)
	}
	c := &Collector{Store: st, Logger: logger, Extract: noFigures}
	start := time.Now()
	sum := c.Run(context.Background(), sources)
	t.Logf("run took %v", time.Since(start))

	if sum.OK() {
		t.Error("summary OK, want it to report the failures")
	}
	totalNew := 0
	for i, tt := range tests {
		got := sum.Sources[i]
		totalNew += tt.wantNew
		t.Run(tt.cfg.Name, func(t *testing.T) {
			if got.Source != tt.cfg.Name || got.New != tt.wantNew || got.Failed != len(tt.wantErrors) || got.Interrupted {
				t.Fatalf("summary %+v, want %d new and %d failed", got, tt.wantNew, len(tt.wantErrors))
			}
			for j, want := range tt.wantErrors {
				if !strings.Contains(got.Errors[j], want) {
					t.Errorf("error %d = %q, want it to contain %q", j, got.Errors[j], want)
				}
				if !strings.Contains(logs.String(), "source="+tt.cfg.Name) {
					t.Errorf("no log line names source %s", tt.cfg.Name)
				}
			}
		})
	}
	if got := flakyHits.Load(); got != 2 {
		t.Errorf("flaky server saw %d requests, want 2", got)
	}
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Documents != int64(totalNew) {
		t.Errorf("store holds %d documents, want exactly the %d good ones", stats.Documents, totalNew)
	}
	// Every failure is logged with its source and the error naming the URL.
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "document failed") && (!strings.Contains(line, "source=") || !strings.Contains(line, "http://127.0.0.1:")) {
			t.Errorf("log line lacks source or URL: %s", line)
		}
	}
}
