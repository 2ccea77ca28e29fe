// Package collector gets report documents from the configured sources
// (files, web pages, feeds), parses each new one and stores its figures.
package collector

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/config"
)

// Document is one report as read from a source, before parsing.
type Document struct {
	// Source is the configured source name.
	Source string
	// Publisher is the think tank or outlet; Country the default region.
	Publisher, Country string
	// URL is the web address or file path the document was read from.
	URL string
	// Title is the document title, "" when unknown.
	Title string
	// Published is the publication date; Fetched when the document was read.
	Published, Fetched time.Time
	// Text is the main text: HTML is already reduced to its article.
	Text string
}

// Source yields the documents of one configured source. An error item
// stands for one document that failed (it names the file or URL); a fatal
// error of the whole source is yielded as the last item. Documents stops
// early when the consumer stops or ctx is done.
type Source interface {
	Name() string
	Documents(ctx context.Context) iter.Seq2[Document, error]
}

// State keeps the conditional-request validators of fetched URLs; the
// store implements it.
type State interface {
	FetchState(ctx context.Context, url string) (etag, lastModified string, err error)
	SetFetchState(ctx context.Context, url, etag, lastModified string) error
}

// Deps are what sources share: one fetcher, the fetch state, a logger and
// the configured limits and defaults.
type Deps struct {
	// Fetcher gets web documents; file sources do not use it.
	Fetcher *Fetcher
	// State keeps ETag and Last-Modified per URL.
	State State
	// Logger is tagged with the source name by NewSources.
	Logger *slog.Logger
	// Defaults are the configured defaults (country, publisher).
	Defaults config.Defaults
	// MaxBytes bounds the size of one document (fetch.max_body_bytes).
	MaxBytes int64
}

// Factory builds a Source of one kind from its configuration.
type Factory func(cfg config.Source, deps Deps) (Source, error)

// Kinds maps a source kind to its factory; each kind registers itself
// from an init function in its own file.
var Kinds = map[string]Factory{}

// NewSources builds the configured sources, all of them when names is
// empty, else those named (in configuration order). An unknown name is an
// error listing the known ones.
func NewSources(cfgs []config.Source, deps Deps, names ...string) ([]Source, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []Source
	for _, c := range cfgs {
		if len(want) > 0 && !want[c.Name] {
			continue
		}
		delete(want, c.Name)
		f, ok := Kinds[c.Kind]
		if !ok {
			return nil, fmt.Errorf("source %s: unknown kind %q", c.Name, c.Kind)
		}
		d := deps
		if d.Logger == nil {
			d.Logger = slog.New(slog.DiscardHandler)
		}
		d.Logger = d.Logger.With("source", c.Name)
		s, err := f(c, d)
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", c.Name, err)
		}
		out = append(out, s)
	}
	if len(want) > 0 {
		return nil, &UnknownSourceError{Names: sortedKeys(want), Known: sourceNames(cfgs)}
	}
	return out, nil
}

// UnknownSourceError reports source names that are not configured.
type UnknownSourceError struct {
	Names, Known []string
}

func (e *UnknownSourceError) Error() string {
	return fmt.Sprintf("unknown source %s (configured: %s)", strings.Join(e.Names, ", "), strings.Join(e.Known, ", "))
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sourceNames(cfgs []config.Source) []string {
	out := make([]string, 0, len(cfgs))
	for _, c := range cfgs {
		out = append(out, c.Name)
	}
	return out
}
