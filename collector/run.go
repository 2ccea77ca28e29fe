package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// Store is what the collector needs from the store.
type Store interface {
	HasDocument(ctx context.Context, id string) (bool, error)
	Ingest(ctx context.Context, items ...store.Ingest) ([]store.IngestResult, error)
}

// ExtractFunc reads the figures of a document text; parser.Extract is the
// default.
type ExtractFunc func(text string, ctx parser.Context) []parser.Figure

// Collector runs sources: each new document is parsed and stored, an
// already stored one is counted as unchanged without parsing.
type Collector struct {
	Store  Store
	Logger *slog.Logger
	// Extract defaults to parser.Extract.
	Extract ExtractFunc
	// StoreTimeout bounds the storing of one document, which goes on after
	// the run's context is cancelled so that it commits. Default 1 minute.
	StoreTimeout time.Duration
}

// SourceSummary is the outcome of one run of one source.
type SourceSummary struct {
	Source string
	// New documents were parsed and stored; Unchanged ones were already
	// stored; Failed ones could not be read or stored.
	New, Unchanged, Failed int
	// Figures is the number of observations stored; Revisions the number
	// of accepted values the new documents changed.
	Figures, Revisions int
	// Errors names each failure with its file or URL.
	Errors []string
	// Interrupted is set when the run's context ended before the source
	// was finished.
	Interrupted bool
	Duration    time.Duration
}

// OK reports whether the source ran to the end without any failure.
func (s SourceSummary) OK() bool { return s.Failed == 0 && len(s.Errors) == 0 && !s.Interrupted }

// Summary is the outcome of one run over several sources.
type Summary struct {
	Sources  []SourceSummary
	Duration time.Duration
}

// OK reports whether every source succeeded.
func (s Summary) OK() bool {
	for _, src := range s.Sources {
		if !src.OK() {
			return false
		}
	}
	return true
}

// Run runs every source in turn; a source that fails does not stop the
// others. It stops between documents when ctx is done.
func (c *Collector) Run(ctx context.Context, sources []Source) Summary {
	start := time.Now()
	var sum Summary
	for _, src := range sources {
		if ctx.Err() != nil {
			sum.Sources = append(sum.Sources, SourceSummary{Source: src.Name(), Interrupted: true})
			continue
		}
		sum.Sources = append(sum.Sources, c.RunSource(ctx, src))
	}
	sum.Duration = time.Since(start)
	return sum
}

// RunSource runs one source and logs one line with its counts.
func (c *Collector) RunSource(ctx context.Context, src Source) SourceSummary {
	start := time.Now()
	logger := c.logger().With("source", src.Name())
	sum := SourceSummary{Source: src.Name()}
	for doc, err := range src.Documents(ctx) {
		if err == nil {
			err = c.document(ctx, doc, &sum)
		}
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				sum.Interrupted = true
				break
			}
			sum.Failed++
			sum.Errors = append(sum.Errors, err.Error())
			logger.Warn("document failed", "url", doc.URL, "err", err)
		}
		if ctx.Err() != nil {
			sum.Interrupted = true
			break
		}
	}
	sum.Duration = time.Since(start)
	level := slog.LevelInfo
	if !sum.OK() {
		level = slog.LevelWarn
	}
	logger.Log(ctx, level, "source run", "new", sum.New, "unchanged", sum.Unchanged, "failed", sum.Failed,
		"figures", sum.Figures, "revisions", sum.Revisions, "interrupted", sum.Interrupted, "duration", sum.Duration.Round(time.Millisecond))
	return sum
}

// document stores one document unless it is stored already.
func (c *Collector) document(ctx context.Context, doc Document, sum *SourceSummary) error {
	id := store.DocumentID(doc.Text)
	known, err := c.Store.HasDocument(ctx, id)
	if err != nil {
		return fmt.Errorf("%s: %w", doc.URL, err)
	}
	if known {
		sum.Unchanged++
		return nil
	}
	item := Prepare(doc, id, c.Extract)
	// The document is committed even if ctx ends now: a run stops between
	// documents, never inside one.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.storeTimeout())
	defer cancel()
	res, err := c.Store.Ingest(sctx, item)
	if err != nil {
		return fmt.Errorf("store %s: %w", doc.URL, err)
	}
	for _, r := range res {
		if !r.New {
			sum.Unchanged++
			continue
		}
		sum.New++
		sum.Figures += r.Figures
		sum.Revisions += r.Revisions
	}
	return nil
}

// Prepare parses a document into the item the store ingests; extract
// defaults to parser.Extract.
func Prepare(doc Document, id string, extract ExtractFunc) store.Ingest {
	if extract == nil {
		extract = parser.Extract
	}
	figs := extract(doc.Text, parser.Context{Published: doc.Published, Country: doc.Country, Publisher: doc.Publisher})
	return store.Ingest{
		Doc: store.Document{
			ID: id, URL: doc.URL, Source: doc.Source, Publisher: doc.Publisher, Title: doc.Title,
			Published: doc.Published, Fetched: doc.Fetched, Text: doc.Text,
		},
		Figures: figs,
	}
}

func (c *Collector) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

func (c *Collector) storeTimeout() time.Duration {
	if c.StoreTimeout <= 0 {
		return time.Minute
	}
	return c.StoreTimeout
}
