package collector

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/html/charset"
)

// ErrNotModified is returned by Fetcher.Fetch when the server answers 304 Not
// Modified to a conditional request: the caller already has the content and
// has nothing to parse.
var ErrNotModified = errors.New("not modified")

// Default fetch limits, used for zero fields of FetchOptions.
const (
	DefaultFetchTimeout    = 30 * time.Second
	DefaultMaxBodyBytes    = 10 << 20
	DefaultMaxRedirects    = 5
	DefaultRetryBackoff    = time.Second
	DefaultMaxRetryBackoff = 30 * time.Second
)

// UserAgent returns the User-Agent header the fetcher sends for a build of
// the given version.
func UserAgent(version string) string {
	if version == "" {
		version = "dev"
	}
	return "incidents/" + version + " (+https://github.com/incidents-dev/incidents)"
}

// FetchOptions are the limits of a Fetcher. Zero values take the defaults
// above; Retries and MinHostInterval are taken as given (0 = no retry, no
// spacing).
type FetchOptions struct {
	// Timeout bounds one attempt (connection, headers and body).
	Timeout time.Duration
	// MaxBodyBytes bounds a body after decompression.
	MaxBodyBytes int64
	// MaxRedirects is the number of redirects followed before giving up.
	MaxRedirects int
	// Retries is the number of attempts after the first one for transient
	// failures: 5xx, 429, timeouts and connection errors.
	Retries int
	// RetryBackoff is the first delay between attempts; it doubles on each
	// retry (with jitter) up to MaxRetryBackoff.
	RetryBackoff time.Duration
	// MaxRetryBackoff caps every delay, including a server's Retry-After.
	MaxRetryBackoff time.Duration
	// MinHostInterval is the minimum time between two requests to one host.
	MinHostInterval time.Duration
	// UserAgent is sent with every request; UserAgent("dev") when empty.
	UserAgent string
}

func (o FetchOptions) withDefaults() FetchOptions {
	if o.Timeout <= 0 {
		o.Timeout = DefaultFetchTimeout
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = DefaultRetryBackoff
	}
	if o.MaxRetryBackoff <= 0 {
		o.MaxRetryBackoff = DefaultMaxRetryBackoff
	}
	if o.MaxRetryBackoff < o.RetryBackoff {
		o.MaxRetryBackoff = o.RetryBackoff
	}
	if o.UserAgent == "" {
		o.UserAgent = UserAgent("")
	}
	return o
}

// Fetcher gets web documents with limits: one shared HTTP client, a
// timeout per attempt, a body size cap counted after decompression,
// bounded redirects over http and https only, conditional requests,
// bounded retries with backoff and a minimum interval between requests to
// the same host. A Fetcher is safe for concurrent use; a process needs one.
type Fetcher struct {
	opts   FetchOptions
	client *http.Client
	hosts  *hostLimiter
	logger *slog.Logger
}

// NewFetcher returns a Fetcher with the given limits. A nil logger
// discards the retry logs.
func NewFetcher(opts FetchOptions, logger *slog.Logger) *Fetcher {
	opts = opts.withDefaults()
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	f := &Fetcher{opts: opts, hosts: newHostLimiter(opts.MinHostInterval), logger: logger}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// Compression is negotiated and undone by Fetch itself, so that the size
	// cap applies to the decompressed bytes.
	transport.DisableCompression = true
	f.client = &http.Client{Transport: transport, CheckRedirect: f.checkRedirect}
	return f
}

// Options returns the effective limits, defaults applied.
func (f *Fetcher) Options() FetchOptions { return f.opts }

// FetchRequest is one conditional GET.
type FetchRequest struct {
	// URL is the absolute http or https address to get.
	URL string
	// ETag and LastModified are the validators of the copy the caller
	// already has; when set, a 304 answer makes Fetch return ErrNotModified.
	ETag, LastModified string
	// Timeout overrides the fetcher's timeout per attempt when positive.
	Timeout time.Duration
	// Accept is the Accept header; "*/*" when empty.
	Accept string
	// Logger, when set, receives the retry logs of this request instead of
	// the fetcher's logger (e.g. one tagged with the source name).
	Logger *slog.Logger
}

// FetchResponse is a fetched document, its body decompressed but not decoded.
type FetchResponse struct {
	// URL is the final address, after redirects.
	URL *url.URL
	// StatusCode is the HTTP status of the final answer (2xx).
	StatusCode int
	// ContentType is the Content-Type header.
	ContentType string
	// ETag and LastModified are the validators to send next time.
	ETag, LastModified string
	// Body is the whole body, at most MaxBodyBytes long.
	Body []byte
}

// Modified returns the Last-Modified header as a time; zero when absent or
// malformed.
func (r *FetchResponse) Modified() time.Time {
	t, err := http.ParseTime(r.LastModified)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// UTF8 returns the body decoded to UTF-8, using the charset of the
// Content-Type header, a byte order mark or an HTML <meta charset>, in that
// order.
func (r *FetchResponse) UTF8() ([]byte, error) {
	rd, err := charset.NewReader(bytes.NewReader(r.Body), r.ContentType)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", r.URL, err)
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", r.URL, err)
	}
	return b, nil
}

// HTTPError is an answer with a status other than 2xx or 304. Fetch wraps
// it with the URL.
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
	// RetryAfter is the delay the server asked for (429, 503), if any.
	RetryAfter time.Duration
}

// Error implements error.
func (e *HTTPError) Error() string {
	return "status " + e.Status
}

// Temporary reports whether another attempt may succeed: 5xx and 429.
func (e *HTTPError) Temporary() bool {
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests
}

// SizeError is returned when a body, once decompressed, is larger than the
// fetcher's MaxBodyBytes.
type SizeError struct{ Limit int64 }

// Error implements error.
func (e *SizeError) Error() string { return fmt.Sprintf("body exceeds %d bytes", e.Limit) }

// Fetch gets req.URL. It returns ErrNotModified (wrapped) on a 304, an
// *HTTPError for any other non-2xx answer, a *SizeError when the body is too
// large; every error names the URL. Transient failures are retried up to
// Retries times with exponential backoff and jitter.
func (f *Fetcher) Fetch(ctx context.Context, req FetchRequest) (*FetchResponse, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch %q: %w", req.URL, err)
	}
	if err := checkScheme(u); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	attempts := f.opts.Retries + 1
	for attempt := 1; ; attempt++ {
		resp, err := f.attempt(ctx, u, req)
		if err == nil {
			return resp, nil
		}
		if errors.Is(err, ErrNotModified) {
			return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
		}
		if ctx.Err() != nil || attempt >= attempts || !retryable(err) {
			if attempt > 1 {
				return nil, fmt.Errorf("fetch %s: %w (%d attempts)", req.URL, err, attempt)
			}
			return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
		}
		delay := f.backoff(attempt, err)
		log := f.logger
		if req.Logger != nil {
			log = req.Logger
		}
		log.Warn("fetch failed, retrying", "url", req.URL, "attempt", attempt, "delay", delay, "err", err)
		if err := sleepContext(ctx, delay); err != nil {
			return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
		}
	}
}

// attempt makes one request and reads the whole body within the attempt's
// timeout.
func (f *Fetcher) attempt(ctx context.Context, u *url.URL, req FetchRequest) (*FetchResponse, error) {
	if err := f.hosts.wait(ctx, u.Host); err != nil {
		return nil, err
	}
	timeout := f.opts.Timeout
	if req.Timeout > 0 {
		timeout = req.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("User-Agent", f.opts.UserAgent)
	hreq.Header.Set("Accept-Encoding", "gzip")
	hreq.Header.Set("Accept", orDefault(req.Accept, "*/*"))
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	hresp, err := f.client.Do(hreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, err
	}
	defer hresp.Body.Close()
	switch {
	case hresp.StatusCode == http.StatusNotModified:
		return nil, ErrNotModified
	case hresp.StatusCode < 200 || hresp.StatusCode > 299:
		// Drain a little so the connection can be reused; never much.
		_, _ = io.Copy(io.Discard, io.LimitReader(hresp.Body, 4096))
		return nil, &HTTPError{
			URL: u.String(), StatusCode: hresp.StatusCode, Status: hresp.Status,
			RetryAfter: parseRetryAfter(hresp.Header.Get("Retry-After"), time.Now()),
		}
	}
	body, err := readBody(hresp, f.opts.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	return &FetchResponse{
		URL:          hresp.Request.URL,
		StatusCode:   hresp.StatusCode,
		ContentType:  hresp.Header.Get("Content-Type"),
		ETag:         hresp.Header.Get("ETag"),
		LastModified: hresp.Header.Get("Last-Modified"),
		Body:         body,
	}, nil
}

// checkRedirect bounds redirects, keeps them on http and https and spaces
// them like any other request to their host.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.opts.MaxRedirects {
		return fmt.Errorf("stopped after %d redirects (last to %s)", f.opts.MaxRedirects, req.URL)
	}
	if err := checkScheme(req.URL); err != nil {
		return fmt.Errorf("redirect to %s: %w", req.URL, err)
	}
	return f.hosts.wait(req.Context(), req.URL.Host)
}

// checkScheme accepts http and https URLs with a host.
func checkScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme %q not allowed (only http and https)", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("no host")
	}
	return nil
}

// readBody reads a body whole, undoing gzip, and fails once more than limit
// bytes come out of the decompressor, so a small compressed bomb is cut off
// like a large plain body.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	var r io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if resp.ContentLength > limit {
			return nil, &SizeError{Limit: limit}
		}
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("unsupported content encoding %q", enc)
	}
	size := int64(64 << 10)
	if resp.ContentLength > 0 {
		size = resp.ContentLength + 1
	}
	body, err := readLimited(r, min(size, limit+1), limit)
	if err != nil {
		return nil, err
	}
	return body, nil
}

// readLimited reads r to its end into a buffer that starts at size bytes
// and grows fourfold, never beyond limit+1 bytes, so at most about 1.5 times the limit
// is ever allocated; more than limit bytes is a *SizeError.
func readLimited(r io.Reader, size, limit int64) ([]byte, error) {
	buf := make([]byte, 0, max(size, 512))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, &SizeError{Limit: limit}
			}
			grown := make([]byte, len(buf), min(4*int64(cap(buf)), limit+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			if int64(len(buf)) > limit {
				return nil, &SizeError{Limit: limit}
			}
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read body: %w", err)
		}
	}
}

// retryable reports whether err is transient: a 5xx or 429 answer, a
// timeout, or a connection that failed or broke.
func retryable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Temporary()
	}
	var se *SizeError
	if errors.As(err, &se) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// backoff is the delay before attempt+1: RetryBackoff doubled per attempt,
// with equal jitter, raised to the server's Retry-After, capped at
// MaxRetryBackoff.
func (f *Fetcher) backoff(attempt int, err error) time.Duration {
	d := f.opts.RetryBackoff << min(attempt-1, 20)
	if d <= 0 || d > f.opts.MaxRetryBackoff {
		d = f.opts.MaxRetryBackoff
	}
	d = d/2 + rand.N(d/2+1)
	var he *HTTPError
	if errors.As(err, &he) && he.RetryAfter > d {
		d = he.RetryAfter
	}
	return min(d, f.opts.MaxRetryBackoff)
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(min(s, 86400)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// hostLimiter spaces requests to the same host by at least interval. Each
// caller reserves the next free slot of its host, then waits for it.
type hostLimiter struct {
	interval time.Duration
	mu       sync.Mutex
	next     map[string]time.Time
}

func newHostLimiter(interval time.Duration) *hostLimiter {
	return &hostLimiter{interval: interval, next: make(map[string]time.Time)}
}

// wait blocks until host may be contacted again, or ctx is done.
func (l *hostLimiter) wait(ctx context.Context, host string) error {
	if l.interval <= 0 {
		return nil
	}
	host = strings.ToLower(host)
	l.mu.Lock()
	now := time.Now()
	slot := l.next[host]
	if slot.Before(now) {
		slot = now
	}
	l.next[host] = slot.Add(l.interval)
	if len(l.next) > 1024 {
		for h, t := range l.next {
			if t.Before(now) {
				delete(l.next, h)
			}
		}
	}
	l.mu.Unlock()
	return sleepContext(ctx, time.Until(slot))
}
