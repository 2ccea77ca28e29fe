package collector

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testFetchOptions are fast limits for tests: short backoff, a few retries.
func testFetchOptions() FetchOptions {
	return FetchOptions{
		Timeout:         2 * time.Second,
		Retries:         2,
		RetryBackoff:    time.Millisecond,
		MaxRetryBackoff: 5 * time.Millisecond,
		UserAgent:       UserAgent("test"),
	}
}

// countingServer starts a server on 127.0.0.1 that counts its requests.
func countingServer(t *testing.T, h func(n int64, w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(n.Add(1), w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestFetchStatusAndRetries(t *testing.T) {
	tests := []struct {
		name     string
		handler  func(n int64, w http.ResponseWriter, r *http.Request)
		wantBody string
		wantErr  string
		wantReqs int64
	}{
		{
			name: "500 then 200 is retried",
			handler: func(n int64, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					http.Error(w, "boom", http.StatusInternalServerError)
					return
				}
				fmt.Fprint(w, "ok")
			},
			wantBody: "ok",
			wantReqs: 2,
		},
		{
			name: "429 with a long Retry-After is retried after a capped delay",
			handler: func(n int64, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", "3600")
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				fmt.Fprint(w, "later")
			},
			wantBody: "later",
			wantReqs: 2,
		},
		{
			name: "persistent 503 gives up after the retries",
			handler: func(_ int64, w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusServiceUnavailable)
			},
			wantErr:  "status 503 Service Unavailable (3 attempts)",
			wantReqs: 3,
		},
		{
			name: "404 is not retried",
			handler: func(_ int64, w http.ResponseWriter, _ *http.Request) {
				http.NotFound(w, nil)
			},
			wantErr:  "status 404 Not Found",
			wantReqs: 1,
		},
		{
			name: "connection dropped mid-answer is retried",
			handler: func(n int64, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						_ = conn.Close()
					}
					return
				}
				fmt.Fprint(w, "second")
			},
			wantBody: "second",
			wantReqs: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, reqs := countingServer(t, tt.handler)
			f := NewFetcher(testFetchOptions(), nil)
			start := time.Now()
			resp, err := f.Fetch(context.Background(), FetchRequest{URL: srv.URL + "/doc"})
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("fetch took %v; retry delays are not capped", elapsed)
			}
			if got := reqs.Load(); got != tt.wantReqs {
				t.Errorf("server saw %d requests, want %d", got, tt.wantReqs)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), srv.URL+"/doc") {
					t.Fatalf("err = %v, want one naming the URL and %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if string(resp.Body) != tt.wantBody {
				t.Errorf("body = %q, want %q", resp.Body, tt.wantBody)
			}
		})
	}
}

func TestFetchHostileTimeout(t *testing.T) {
	release := make(chan struct{})
	srv, reqs := countingServer(t, func(_ int64, _ http.ResponseWriter, r *http.Request) {
		select { // never answers
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	opts := testFetchOptions()
	opts.Timeout = 5 * time.Second
	opts.Retries = 1
	f := NewFetcher(opts, nil)
	start := time.Now()
	// The per-request timeout overrides the fetcher's.
	_, err := f.Fetch(context.Background(), FetchRequest{URL: srv.URL, Timeout: 100 * time.Millisecond})
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("err = %v, want a deadline error naming %s", err, srv.URL)
	}
	if got := reqs.Load(); got != 2 {
		t.Errorf("server saw %d requests, want 2 (a timeout is retried once)", got)
	}
	if elapsed < 200*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("fetch took %v, want about 2 x 100ms", elapsed)
	}
}

func TestFetchHostileBody(t *testing.T) {
	const limit = DefaultMaxBodyBytes
	chunk := bytes.Repeat([]byte("all work and no play "), 1600) // ~32 KiB
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{
			name: "50 MB streamed without length",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				for sent := 0; sent < 50<<20; sent += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
		},
		{
			name: "50 MB announced by Content-Length",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(50<<20))
				for sent := 0; sent < 50<<20; sent += len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			},
		},
		{
			name: "gzip bomb of 1 GiB",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				member := gzipBombMember()
				for range 1024 { // 1024 members of 1 MiB of zeros each
					if _, err := w.Write(member); err != nil {
						return
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			f := NewFetcher(testFetchOptions(), nil)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := f.Fetch(context.Background(), FetchRequest{URL: srv.URL})
			runtime.ReadMemStats(&after)
			var se *SizeError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SizeError", err)
			}
			if want := fmt.Sprintf("fetch %s: body exceeds 10485760 bytes", srv.URL); err.Error() != want {
				t.Errorf("err = %q, want %q", err, want)
			}
			// The body is cut at the limit: what was allocated meanwhile
			// stays within a few times the limit, far below 50 MB or 1 GiB.
			t.Logf("allocated %d bytes", after.TotalAlloc-before.TotalAlloc)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 2*limit {
				t.Errorf("allocated %d bytes while fetching, want < %d", alloc, 2*limit)
			}
		})
	}
}

var gzipBombMember = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	return buf.Bytes()
})

func TestFetchGzip(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, "expected gzip", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprint(zw, "compressed report")
		_ = zw.Close()
	}))
	defer srv.Close()
	resp, err := NewFetcher(testFetchOptions(), nil).Fetch(context.Background(), FetchRequest{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != "compressed report" {
		t.Errorf("body = %q", resp.Body)
	}
}

func TestFetchRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/loop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		http.Redirect(w, r, fmt.Sprintf("/loop/%d", (n+1)%2), http.StatusFound)
	})
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			fmt.Fprint(w, "end of chain")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/chain/%d", n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "file:///etc/passwd")
		w.WriteHeader(http.StatusFound)
	})
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	defer srv.Close()

	tests := []struct {
		name     string
		path     string
		wantBody string
		wantErr  string
		wantHits int64
	}{
		{name: "five redirects are followed", path: "/chain/5", wantBody: "end of chain", wantHits: 6},
		{name: "six redirects are too many", path: "/chain/6", wantErr: "stopped after 5 redirects", wantHits: 6},
		{name: "a loop is cut", path: "/loop/0", wantErr: "stopped after 5 redirects", wantHits: 6},
		{name: "a redirect to file is refused", path: "/to-file", wantErr: `redirect to file:///etc/passwd: scheme "file" not allowed`, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			resp, err := NewFetcher(testFetchOptions(), nil).Fetch(context.Background(), FetchRequest{URL: srv.URL + tt.path})
			if got := hits.Load(); got != tt.wantHits {
				t.Errorf("server saw %d requests, want %d (errors must not be retried)", got, tt.wantHits)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != tt.wantBody || resp.URL.Path != "/chain/0" {
				t.Errorf("body = %q at %s", resp.Body, resp.URL)
			}
		})
	}
}

func TestFetchRejectsSchemes(t *testing.T) {
	f := NewFetcher(testFetchOptions(), nil)
	for _, u := range []string{"file:///etc/passwd", "ftp://example.org/x", "gopher://x", "/relative/path"} {
		t.Run(u, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), FetchRequest{URL: u})
			if err == nil || !strings.Contains(err.Error(), u) {
				t.Fatalf("err = %v, want an error naming %s", err, u)
			}
		})
	}
}

func TestFetchConditional(t *testing.T) {
	const etag = `"v1"`
	const modified = "Tue, 02 Jan 2024 10:00:00 GMT"
	srv, reqs := countingServer(t, func(_ int64, w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != UserAgent("test") {
			http.Error(w, "bad user agent "+r.Header.Get("User-Agent"), http.StatusBadRequest)
			return
		}
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == modified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		fmt.Fprint(w, "report")
	})
	f := NewFetcher(testFetchOptions(), nil)
	ctx := context.Background()
	resp, err := f.Fetch(ctx, FetchRequest{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ETag != etag || resp.LastModified != modified {
		t.Fatalf("validators = %q, %q", resp.ETag, resp.LastModified)
	}
	if want := time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC); !resp.Modified().Equal(want) {
		t.Errorf("Modified() = %v, want %v", resp.Modified(), want)
	}
	for _, req := range []FetchRequest{
		{URL: srv.URL, ETag: resp.ETag},
		{URL: srv.URL, LastModified: resp.LastModified},
	} {
		if _, err := f.Fetch(ctx, req); !errors.Is(err, ErrNotModified) {
			t.Errorf("conditional fetch %+v: err = %v, want ErrNotModified", req, err)
		}
	}
	if got := reqs.Load(); got != 3 {
		t.Errorf("server saw %d requests, want 3 (304 is not retried)", got)
	}
}

func TestFetchCharset(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		want        string
	}{
		{name: "ISO-8859-1 from the header", contentType: "text/html; charset=ISO-8859-1", body: "<p>Pe\xf1a killed in Quetta; caf\xe9</p>", want: "Peña killed in Quetta; café"},
		{name: "windows-1252 from meta", contentType: "text/html", body: "<html><head><meta charset=\"windows-1252\"></head><body>\x93quoted\x94</body></html>", want: "\u201cquoted\u201d"},
		{name: "UTF-8 untouched", contentType: "text/html; charset=utf-8", body: "<p>Peña</p>", want: "Peña"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			resp, err := NewFetcher(testFetchOptions(), nil).Fetch(context.Background(), FetchRequest{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			text, err := resp.UTF8()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(text), tt.want) {
				t.Errorf("decoded %q, want it to contain %q", text, tt.want)
			}
		})
	}
}

func TestFetchHostInterval(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
	}))
	defer srv.Close()
	const interval = 60 * time.Millisecond
	opts := testFetchOptions()
	opts.MinHostInterval = interval
	f := NewFetcher(opts, nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := f.Fetch(context.Background(), FetchRequest{URL: srv.URL}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if len(times) != 4 {
		t.Fatalf("server saw %d requests, want 4", len(times))
	}
	for i := 1; i < len(times); i++ {
		// Reservations are spaced exactly; allow for scheduling noise on
		// the server side.
		if gap := times[i].Sub(times[i-1]); gap < interval-15*time.Millisecond {
			t.Errorf("requests %d and %d were %v apart, want >= %v", i-1, i, gap, interval)
		}
	}

	t.Run("waiting honours the context", func(t *testing.T) {
		opts.MinHostInterval = time.Hour
		f := NewFetcher(opts, nil)
		if _, err := f.Fetch(context.Background(), FetchRequest{URL: srv.URL}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		if _, err := f.Fetch(ctx, FetchRequest{URL: srv.URL}); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want the context's deadline", err)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in string
		want     time.Duration
	}{
		{"empty", "", 0},
		{"seconds", "7", 7 * time.Second},
		{"negative", "-3", 0},
		{"http date", "Wed, 01 May 2024 12:00:30 GMT", 30 * time.Second},
		{"date in the past", "Wed, 01 May 2024 11:00:00 GMT", 0},
		{"garbage", "soon", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseRetryAfter(tt.in, now); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFetchBackoffGrowsAndIsCapped(t *testing.T) {
	f := NewFetcher(FetchOptions{RetryBackoff: 100 * time.Millisecond, MaxRetryBackoff: time.Second}, nil)
	for attempt, want := range map[int][2]time.Duration{
		1: {50 * time.Millisecond, 100 * time.Millisecond},
		2: {100 * time.Millisecond, 200 * time.Millisecond},
		3: {200 * time.Millisecond, 400 * time.Millisecond},
		9: {500 * time.Millisecond, time.Second},
	} {
		t.Run(fmt.Sprint("attempt ", attempt), func(t *testing.T) {
			for range 20 {
				if d := f.backoff(attempt, errors.New("x")); d < want[0] || d > want[1] {
					t.Fatalf("backoff = %v, want in [%v, %v]", d, want[0], want[1])
				}
			}
		})
	}
	t.Run("Retry-After raises the delay up to the cap", func(t *testing.T) {
		if d := f.backoff(1, &HTTPError{StatusCode: 503, RetryAfter: 700 * time.Millisecond}); d != 700*time.Millisecond {
			t.Errorf("backoff = %v, want 700ms", d)
		}
		if d := f.backoff(1, &HTTPError{StatusCode: 503, RetryAfter: time.Hour}); d != time.Second {
			t.Errorf("backoff = %v, want the 1s cap", d)
		}
	})
}

func TestFetchConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/gone"
	srv.Close()
	var logs bytes.Buffer
	f := NewFetcher(testFetchOptions(), nil)
	_, err := f.Fetch(context.Background(), FetchRequest{URL: url, Logger: slog.New(slog.NewTextHandler(&logs, nil)).With("source", "gone")})
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.HasSuffix(err.Error(), "(3 attempts)") || !strings.HasPrefix(err.Error(), "fetch "+url+": ") {
		t.Fatalf("err = %v, want a refused connection tried 3 times, naming %s", err, url)
	}
	if n := strings.Count(logs.String(), `msg="fetch failed, retrying" source=gone url=`+url); n != 2 {
		t.Errorf("%d retry log lines with source and URL, want 2:\n%s", n, logs.String())
	}
}
