package store

import (
	"context"
	"database/sql"

	"github.com/incidents-dev/incidents/parser"
)

// Ingest is one document and the figures extracted from it.
type Ingest struct {
	Doc     Document
	Figures []parser.Figure
	// Encoded is EncodeFigures(Figures), the form the figures are stored
	// in; Ingest computes it when nil. Callers parsing in parallel set it
	// there, taking the work off the single writer.
	Encoded []byte
}

// IngestResult says what Ingest did with one document.
type IngestResult struct {
	// DocumentID is the document's ID (computed when Doc.ID was empty).
	DocumentID string
	// New is false when the document was already stored and was skipped.
	New bool
	// Figures is the number of observations stored for the document.
	Figures int
	// Revisions is the number of accepted values this document changed.
	Revisions int
}

// Ingest stores documents with their observations and updates the accepted
// series, all in one transaction: either every item is stored or none is.
// A document whose ID is already stored (or repeated within items) is
// skipped. Doc.ID is computed with DocumentID when empty. Each figure's
// period must be in the corpus format.
//
// Accepted values follow the rule of DESIGN.md: for each series point
// (source, period, metric, category, region) the value comes from the newest
// document (by Published, then Fetched, then ID) whose main period
// (parser.MainPeriod) is that period, or, when no document reports it as its
// main period, from the newest document mentioning it; within a document,
// the first figure in text order counts. A new accepted value that differs
// from the previous one is a revision: the previous value stays in History
// (this includes a main report replacing a different comparison value; an
// older report that loses to the accepted one is simply not accepted). A
// newer report with the same value moves the point's evidence to it without
// a revision. Each inserted or changed point gets one outbox row in the same
// transaction (one per Ingest call, however often it changed within it).
// A document's figures are stored with it as one value (see EncodeFigures).
func (s *Store) Ingest(ctx context.Context, items ...Ingest) ([]IngestResult, error) {
	results := make([]IngestResult, len(items))
	if len(items) == 0 {
		return results, s.check("ingest")
	}
	if err := s.check("ingest"); err != nil {
		return nil, err
	}
	ins, err := s.prepareInserts(ctx)
	if err != nil {
		return nil, s.wrap("ingest", err)
	}
	err = s.inTx(ctx, "ingest", func(tx *sql.Tx) error {
		b, err := newBatch(ctx, tx, ins, s.now())
		if err != nil {
			return err
		}
		return b.run(items, results)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// pointKey identifies a series point.
type pointKey struct{ source, period, metric, category, region string }

// rank orders the observations of one point: the best one is accepted.
type rank struct {
	main               bool
	published, fetched int64
	docID              string
	start              int
	seq                int // index of the figure in its document
}

// beats reports whether an observation ranked a is preferred to one ranked b.
func (a rank) beats(b rank) bool {
	switch {
	case a.main != b.main:
		return a.main
	case a.published != b.published:
		return a.published > b.published
	case a.fetched != b.fetched:
		return a.fetched > b.fetched
	case a.docID != b.docID:
		return a.docID > b.docID
	case a.start != b.start:
		return a.start < b.start
	}
	return a.seq < b.seq
}

// pointState is a point's row as this batch will leave it.
type pointState struct {
	key         pointKey
	periodStart int64
	granularity string
	value       int64
	qualifier   string
	acceptedAt  int64 // when the current value was accepted
	rank        rank  // of the accepted observation: its document and seq
	evidence    string
	evEnd       int
	confidence  float64
	revisions   int
	changed     bool // inserted or value changed: needs an outbox row
	queued      bool // in batch.dirty
}

// superseded is a formerly accepted value, a row of the revisions table.
type superseded struct {
	key        pointKey
	value      int64
	qualifier  string
	docID      string
	seq        int
	acceptedAt int64
}
