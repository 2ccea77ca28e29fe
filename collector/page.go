package collector

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/store"
)

func init() { Kinds[config.KindPage] = newPageSource }

// acceptHTML is the Accept header of page requests.
const acceptHTML = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"

// pageSource is one article URL, fetched on every run (conditionally once
// its validators are known).
type pageSource struct {
	web webSource
	url string
}

// newPageSource builds a page source; it needs a URL and a fetcher.
func newPageSource(cfg config.Source, deps Deps) (Source, error) {
	web, err := newWebSource(cfg, deps)
	if err != nil {
		return nil, err
	}
	return &pageSource{web: web, url: web.url.String()}, nil
}

// Name returns the configured source name.
func (s *pageSource) Name() string { return s.web.cfg.Name }

// Documents yields the page as one document, or nothing when it has not
// changed since its validators were stored.
func (s *pageSource) Documents(ctx context.Context) iter.Seq2[Document, error] {
	return func(yield func(Document, error) bool) {
		doc, validators, err := s.web.fetchPage(ctx, s.url, itemHint{})
		if errors.Is(err, ErrNotModified) {
			s.web.deps.Logger.Debug("page not modified", "url", s.url)
			return
		}
		if err != nil {
			yield(s.web.failed(s.url), err)
			return
		}
		if !yield(doc, nil) {
			return
		}
		s.web.saveValidators(ctx, validators, doc.Text)
	}
}

// webSource holds what page and feed sources share: the configuration,
// the dependencies and the parsed URL.
type webSource struct {
	cfg  config.Source
	deps Deps
	url  *url.URL
}

func newWebSource(cfg config.Source, deps Deps) (webSource, error) {
	if deps.Fetcher == nil {
		return webSource{}, errors.New("no fetcher for a web source")
	}
	u, err := url.Parse(cfg.URL)
	if err != nil {
		return webSource{}, fmt.Errorf("url %q: %w", cfg.URL, err)
	}
	if err := checkScheme(u); err != nil {
		return webSource{}, fmt.Errorf("url %q: %w", cfg.URL, err)
	}
	return webSource{cfg: cfg, deps: deps, url: u}, nil
}

// failed is the document yielded with an error: only its source and URL
// are known, so that the error is reported with both.
func (w webSource) failed(link string) Document {
	return Document{Source: w.cfg.Name, Publisher: w.cfg.Publisher, URL: link}
}

// itemHint is what a feed says about an item before its page is fetched.
type itemHint struct {
	title     string
	published time.Time
}

// validators are the conditional-request state of one fetched URL, saved
// only once the document it produced is stored.
type validators struct {
	url, etag, lastModified string
}

// fetchPage gets one article page and reduces it to a document. The
// publication date is, in order: the source's `published` override, the
// feed item's date, the HTML meta, HTTP Last-Modified, the fetch time. It
// returns ErrNotModified (wrapped) when the stored validators still hold.
func (w webSource) fetchPage(ctx context.Context, link string, hint itemHint) (Document, validators, error) {
	req := FetchRequest{URL: link, Timeout: w.cfg.Timeout, Accept: acceptHTML, Logger: w.deps.Logger}
	req.ETag, req.LastModified = w.loadValidators(ctx, link)
	resp, err := w.deps.Fetcher.Fetch(ctx, req)
	if err != nil {
		return Document{}, validators{}, err
	}
	fetched := time.Now().UTC()
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return Document{}, validators{}, fmt.Errorf("page %s: empty body", link)
	}
	title, text, published, err := pageText(resp)
	if err != nil {
		return Document{}, validators{}, fmt.Errorf("page %s: %w", link, err)
	}
	if strings.TrimSpace(text) == "" {
		return Document{}, validators{}, fmt.Errorf("page %s: no text found", link)
	}
	doc := Document{
		Source:    w.cfg.Name,
		Publisher: orDefault(w.cfg.Publisher, w.deps.Defaults.Publisher),
		Country:   orDefault(w.cfg.Country, w.deps.Defaults.Country),
		URL:       link,
		Title:     orDefault(hint.title, title),
		Published: firstTime(w.cfg.PublishedTime(), hint.published, published, resp.Modified(), fetched),
		Fetched:   fetched,
		Text:      text,
	}
	return doc, validators{url: link, etag: resp.ETag, lastModified: resp.LastModified}, nil
}

// pageText decodes a fetched page: HTML (or a body without a type) is
// reduced to its article, plain text is taken whole, anything else (PDF,
// images...) is an error naming the type.
func pageText(resp *FetchResponse) (title, text string, published time.Time, err error) {
	mediaType, _, _ := mime.ParseMediaType(resp.ContentType)
	switch mediaType {
	case "", "text/html", "application/xhtml+xml":
	case "text/plain":
		body, err := resp.UTF8()
		return "", strings.TrimSpace(string(body)), time.Time{}, err
	default:
		return "", "", time.Time{}, fmt.Errorf("unsupported content type %q", mediaType)
	}
	body, err := resp.UTF8()
	if err != nil {
		return "", "", time.Time{}, err
	}
	return HTMLText(bytes.NewReader(body), resp.URL)
}

// loadValidators returns the stored ETag and Last-Modified of link; a
// state that cannot be read only costs an unconditional request.
func (w webSource) loadValidators(ctx context.Context, link string) (etag, lastModified string) {
	if w.deps.State == nil {
		return "", ""
	}
	etag, lastModified, err := w.deps.State.FetchState(ctx, link)
	if err != nil {
		w.deps.Logger.Warn("cannot read fetch state", "url", link, "err", err)
		return "", ""
	}
	return etag, lastModified
}

// documentChecker is implemented by a State that can tell whether a
// document is stored (the store does).
type documentChecker interface {
	HasDocument(ctx context.Context, id string) (bool, error)
}

// saveValidators stores v once the document with this text is known to be
// stored (when the state can tell), so that a document lost between fetch
// and commit is fetched again next time instead of answering 304 forever.
// An empty text skips the check (feeds).
func (w webSource) saveValidators(ctx context.Context, v validators, text string) {
	if w.deps.State == nil || (v.etag == "" && v.lastModified == "") || ctx.Err() != nil {
		return
	}
	if dc, ok := w.deps.State.(documentChecker); ok && text != "" {
		stored, err := dc.HasDocument(ctx, store.DocumentID(text))
		if err != nil || !stored {
			w.deps.Logger.Debug("document not stored, validators not saved", "url", v.url, "err", err)
			return
		}
	}
	if err := w.deps.State.SetFetchState(ctx, v.url, v.etag, v.lastModified); err != nil {
		w.deps.Logger.Warn("cannot save fetch state", "url", v.url, "err", err)
	}
}

// firstTime returns the first non-zero time.
func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
