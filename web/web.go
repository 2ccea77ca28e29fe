// Package web serves the pages an analyst reads the data on: an overview
// of the latest month of every source with a chart per metric, one page
// per series (chart, table, CSV), one page per series point with every
// sentence that reported it and its revisions, the collected documents and
// the spike alerts; and the JSON API behind them. Charts are SVG drawn on
// the server; the pages need no script and fetch nothing from elsewhere.
package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// Store is what the pages read; *store.Store is one.
type Store interface {
	Series(ctx context.Context, f store.Filter) ([]store.Point, error)
	History(ctx context.Context, f store.Filter) ([]store.Revision, error)
	Observations(ctx context.Context, f store.Filter) ([]store.Point, error)
	Stats(ctx context.Context) (store.Stats, error)
	Meta(ctx context.Context, key string) (string, error)
	Alerts(ctx context.Context, activeAt time.Time) ([]store.Alert, error)
	Documents(ctx context.Context, f store.DocumentFilter) ([]store.DocumentInfo, error)
	DocumentText(ctx context.Context, id string) (string, bool, error)
}

// Options configure a Handler.
type Options struct {
	Store Store
	// Spike marks the spike months on the charts and tables; the zero rule
	// marks only the points that have an alert.
	Spike SpikeRule
	// Runs, when set, gives the collector health of the Overview.
	Runs *Runs
	// InfluxDB says whether InfluxDB is enabled, so that the Overview shows
	// its backlog.
	InfluxDB bool
	// Logger receives the errors of failed requests; discarded when nil.
	Logger *slog.Logger
	// Now is the clock of the Alerts page; time.Now when nil.
	Now func() time.Time
	// Timeout bounds the store queries of one request; default 30s.
	Timeout time.Duration
}

// Handler serves the pages and the API.
type Handler struct {
	opts  Options
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageNames are the templates of the pages, each rendered with base.html
// and chart.html.
var pageNames = []string{"overview.html", "series.html", "point.html", "documents.html", "alerts.html", "error.html"}

// New parses the templates and builds the handler.
func New(opts Options) (*Handler, error) {
	if opts.Store == nil {
		return nil, errors.New("web: a store is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	h := &Handler{opts: opts, log: opts.Logger, pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/base.html", "templates/chart.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		h.pages[name] = t
	}
	for pattern, handler := range h.routes() {
		h.mux.Handle(pattern, handler)
	}
	return h, nil
}

// routes maps each pattern to its handler.
func (h *Handler) routes() map[string]http.Handler {
	static, _ := fs.Sub(staticFS, "static")
	return map[string]http.Handler{
		"GET /{$}":           h.page(h.overview),
		"GET /series":        h.page(h.seriesPage),
		"GET /series.csv":    http.HandlerFunc(h.seriesCSV),
		"GET /point":         h.page(h.pointPage),
		"GET /documents":     h.page(h.documentsPage),
		"GET /alerts":        h.page(h.alertsPage),
		"GET /api/series":    h.api(h.apiSeries),
		"GET /api/points":    h.api(h.apiPoints),
		"GET /api/documents": h.api(h.apiDocuments),
		"GET /api/alerts":    h.api(h.apiAlerts),
		"GET /static/":       http.StripPrefix("/static/", http.FileServerFS(static)),
	}
}

// Mux is what Register mounts the routes on; *http.ServeMux and
// *service.Service are ones.
type Mux interface {
	Handle(pattern string, h http.Handler)
}

// Register mounts every route on m. The overview is "GET /{$}" so that
// other handlers (/metrics, /healthz) can share the mux.
func (h *Handler) Register(m Mux) {
	for pattern, handler := range h.routes() {
		m.Handle(pattern, withHeaders(handler))
	}
}

// ServeHTTP serves the routes alone (for tests and embedding).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	withHeaders(h.mux).ServeHTTP(w, r)
}

// csp allows nothing from elsewhere: no script at all, styles and images
// from this server only.
const csp = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// withHeaders adds the security headers of every response.
func withHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// pageFunc loads the data of a page: the template name, a title and the
// data, or an error (see statusOf).
type pageFunc func(ctx context.Context, r *http.Request) (name, title string, data any, err error)

// view is what base.html renders.
type view struct {
	Title, Nav string
	Data       any
}

// page renders a page, or the error page with the error's status.
func (h *Handler) page(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
		defer cancel()
		name, title, data, err := fn(ctx, r)
		status := http.StatusOK
		if err != nil {
			status = h.failed(r, err)
			name, title, data = "error.html", http.StatusText(status), errorView{Status: status, Message: publicMessage(err, status)}
		}
		h.render(w, r, status, name, view{Title: title, Nav: r.URL.Path, Data: data})
	})
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Message string
}

// render executes a page template into a buffer, then writes it, so that
// a template error is a clean 500.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "base", v); err != nil {
		h.log.Error("render page", "page", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error: the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// failed logs err when it is the server's fault and returns its status.
func (h *Handler) failed(r *http.Request, err error) int {
	status := statusOf(err)
	if status >= 500 {
		h.log.Error("request failed", "path", r.URL.Path, "query", r.URL.RawQuery, "err", err)
	}
	return status
}

// publicMessage is what the client is told of err: the reason for a 4xx,
// nothing of the internals for a 5xx.
func publicMessage(err error, status int) string {
	if status >= 500 {
		return "internal error: the store could not be read (see the server log)"
	}
	return err.Error()
}

// apiFunc loads the JSON answer of an API route.
type apiFunc func(ctx context.Context, r *http.Request) (any, error)

// api writes the answer of fn as JSON, or {"error": reason} with the
// error's status.
func (h *Handler) api(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.Timeout)
		defer cancel()
		v, err := fn(ctx, r)
		status := http.StatusOK
		if err != nil {
			status = h.failed(r, err)
			v = map[string]string{"error": publicMessage(err, status)}
		}
		body, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			h.log.Error("encode json", "path", r.URL.Path, "err", err)
			http.Error(w, "internal error: the answer could not be encoded", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(append(body, '\n'))
	})
}
