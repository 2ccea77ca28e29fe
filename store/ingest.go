package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// Ingest is one document and the figures extracted from it.
type Ingest struct {
	Doc     Document
	Figures []parser.Figure
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
// from the previous one is a revision: the previous value stays in History.
// Each changed point gets one outbox row in the same transaction.
func (s *Store) Ingest(ctx context.Context, items ...Ingest) ([]IngestResult, error) {
	results := make([]IngestResult, len(items))
	if len(items) == 0 {
		return results, s.check("ingest")
	}
	err := s.inTx(ctx, "ingest", func(tx *sql.Tx) error {
		b, err := newBatch(ctx, tx, s.now())
		if err != nil {
			return err
		}
		defer b.close()
		for i := range items {
			if results[i], err = b.add(&items[i]); err != nil {
				return err
			}
		}
		return b.flush()
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
	obsID              int64
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
	return a.obsID < b.obsID
}

// pointState is a point's row as this batch will leave it.
type pointState struct {
	key         pointKey
	periodStart int64
	granularity string
	value       int64
	qualifier   string
	obsID       int64
	revisionID  int64 // the history row of the current value
	rank        rank
	revisions   int
	changed     bool // inserted or value changed: needs an outbox row
	queued      bool // in batch.dirty
}

// histRow is a row of the revisions table touched by this batch.
type histRow struct {
	id         int64
	key        pointKey
	value      int64
	qualifier  string
	obsID      int64
	accepted   int64
	superseded sql.NullInt64
	isNew      bool
}

// batch accumulates the point and history changes of one Ingest call and
// writes them in flush.
type batch struct {
	ctx     context.Context
	tx      *sql.Tx
	now     int64
	nextObs int64
	nextRev int64
	newDocs int

	seen    map[string]bool          // document IDs added by this batch
	periods map[string]parser.Period // parsed period cache
	points  map[pointKey]*pointState // loaded or created points; nil = absent
	dirty   []*pointState            // points to write, in first-touch order
	hist    map[int64]*histRow       // history rows to write
	histSeq []*histRow               // ... in creation order

	hasDoc, insDoc, insObs, getPoint *sql.Stmt
}

func newBatch(ctx context.Context, tx *sql.Tx, now time.Time) (*batch, error) {
	b := &batch{
		ctx: ctx, tx: tx, now: now.Unix(),
		seen:    map[string]bool{},
		periods: map[string]parser.Period{},
		points:  map[pointKey]*pointState{},
		hist:    map[int64]*histRow{},
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM observations`).Scan(&b.nextObs); err != nil {
		return nil, fmt.Errorf("next observation id: %w", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM revisions`).Scan(&b.nextRev); err != nil {
		return nil, fmt.Errorf("next revision id: %w", err)
	}
	stmts := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&b.hasDoc, `SELECT count(*) FROM documents WHERE id = ?`},
		{&b.insDoc, `INSERT INTO documents(id, url, source, publisher, title, published, fetched, ingested, main_period, text)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.insObs, `INSERT INTO observations(id, document_id, seq, source, period, period_start, granularity,
			metric, category, region, value, qualifier, confidence, evidence, ev_start, ev_end, main)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&b.getPoint, `SELECT period_start, granularity, value, qualifier, observation_id, revision_id,
			main, published, fetched, document_id, ev_start, revisions
			FROM points WHERE source = ? AND period = ? AND metric = ? AND category = ? AND region = ?`},
	}
	for _, st := range stmts {
		var err error
		if *st.dst, err = tx.PrepareContext(ctx, st.sql); err != nil {
			b.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	return b, nil
}

func (b *batch) close() {
	for _, st := range []*sql.Stmt{b.hasDoc, b.insDoc, b.insObs, b.getPoint} {
		if st != nil {
			st.Close()
		}
	}
}

// add stores one document and its observations and offers each of its
// figures to the accepted series.
func (b *batch) add(it *Ingest) (IngestResult, error) {
	doc := it.Doc
	if doc.ID == "" {
		doc.ID = DocumentID(doc.Text)
	}
	res := IngestResult{DocumentID: doc.ID}
	if known, err := b.known(doc.ID); err != nil || known {
		return res, err
	}
	periods := make([]parser.Period, len(it.Figures))
	for i, f := range it.Figures {
		p, err := b.period(f.Period)
		if err != nil {
			return res, fmt.Errorf("document %s (%s): figure %d: %w", doc.ID, doc.URL, i, err)
		}
		periods[i] = p
	}
	mainPeriod := parser.MainPeriod(it.Figures)
	if _, err := b.insDoc.ExecContext(b.ctx, doc.ID, doc.URL, doc.Source, doc.Publisher, doc.Title,
		unixOf(doc.Published), unixOf(doc.Fetched), b.now, mainPeriod, doc.Text); err != nil {
		return res, fmt.Errorf("insert document %s (%s): %w", doc.ID, doc.URL, err)
	}
	b.seen[doc.ID] = true
	b.newDocs++
	res.New = true

	first := map[string]int{} // point key -> index of the figure that counts
	obsIDs := make([]int64, len(it.Figures))
	for i, f := range it.Figures {
		obsIDs[i] = b.nextObs
		b.nextObs++
		main := f.Period == mainPeriod
		if _, err := b.insObs.ExecContext(b.ctx, obsIDs[i], doc.ID, i, doc.Source, f.Period, periods[i].Start.Unix(),
			string(periods[i].Granularity), f.Metric, f.Category, f.Region, f.Value, f.Qualifier, f.Confidence,
			f.Evidence.Text, f.Evidence.Start, f.Evidence.End, boolInt(main)); err != nil {
			return res, fmt.Errorf("insert observation of document %s (%s): %w", doc.ID, doc.URL, err)
		}
		if j, ok := first[f.Key()]; !ok || f.Evidence.Start < it.Figures[j].Evidence.Start {
			first[f.Key()] = i
		}
	}
	res.Figures = len(it.Figures)
	for i, f := range it.Figures {
		if first[f.Key()] != i {
			continue
		}
		r := rank{main: f.Period == mainPeriod, published: unixOf(doc.Published), fetched: unixOf(doc.Fetched),
			docID: doc.ID, start: f.Evidence.Start, obsID: obsIDs[i]}
		key := pointKey{doc.Source, f.Period, f.Metric, f.Category, f.Region}
		revised, err := b.offer(key, periods[i], f, r)
		if err != nil {
			return res, err
		}
		if revised {
			res.Revisions++
		}
	}
	return res, nil
}

// known reports whether document id is stored or was added by this batch.
func (b *batch) known(id string) (bool, error) {
	if b.seen[id] {
		return true, nil
	}
	var n int
	if err := b.hasDoc.QueryRowContext(b.ctx, id).Scan(&n); err != nil {
		return false, fmt.Errorf("look up document %s: %w", id, err)
	}
	return n > 0, nil
}

func (b *batch) period(s string) (parser.Period, error) {
	if p, ok := b.periods[s]; ok {
		return p, nil
	}
	p, err := parser.ParsePeriod(s)
	if err != nil {
		return p, err
	}
	b.periods[s] = p
	return p, nil
}

// offer makes the observation ranked r the accepted value of key when it
// beats the current one, and reports whether that is a revision (the
// accepted value changed).
func (b *batch) offer(key pointKey, p parser.Period, f parser.Figure, r rank) (bool, error) {
	st, err := b.point(key)
	if err != nil {
		return false, err
	}
	if st == nil {
		st = &pointState{key: key, periodStart: p.Start.Unix(), granularity: string(p.Granularity),
			value: f.Value, qualifier: f.Qualifier, obsID: r.obsID, rank: r, changed: true}
		st.revisionID = b.newHist(key, f, r.obsID).id
		b.points[key] = st
		b.queue(st)
		return false, nil
	}
	if !r.beats(st.rank) {
		return false, nil
	}
	b.queue(st)
	cur := b.histFor(st)
	revised := f.Value != st.value
	if revised {
		cur.superseded = sql.NullInt64{Int64: b.now, Valid: true}
		st.revisionID = b.newHist(key, f, r.obsID).id
		st.revisions++
		st.changed = true
	} else {
		cur.obsID, cur.qualifier = r.obsID, f.Qualifier
	}
	st.value, st.qualifier, st.obsID, st.rank = f.Value, f.Qualifier, r.obsID, r
	return revised, nil
}

// queue marks st to be written by flush.
func (b *batch) queue(st *pointState) {
	if !st.queued {
		st.queued = true
		b.dirty = append(b.dirty, st)
	}
}

// point returns the state of key, loading it from the database on first
// use; nil means the point does not exist yet.
func (b *batch) point(key pointKey) (*pointState, error) {
	if st, ok := b.points[key]; ok {
		return st, nil
	}
	st := &pointState{key: key}
	var main int
	err := b.getPoint.QueryRowContext(b.ctx, key.source, key.period, key.metric, key.category, key.region).Scan(
		&st.periodStart, &st.granularity, &st.value, &st.qualifier, &st.obsID, &st.revisionID,
		&main, &st.rank.published, &st.rank.fetched, &st.rank.docID, &st.rank.start, &st.revisions)
	if errors.Is(err, sql.ErrNoRows) {
		b.points[key] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load point %v: %w", key, err)
	}
	st.rank.main = main != 0
	st.rank.obsID = st.obsID
	b.points[key] = st
	return st, nil
}

// newHist creates the history row of a newly accepted value.
func (b *batch) newHist(key pointKey, f parser.Figure, obsID int64) *histRow {
	h := &histRow{id: b.nextRev, key: key, value: f.Value, qualifier: f.Qualifier, obsID: obsID,
		accepted: b.now, isNew: true}
	b.nextRev++
	b.hist[h.id] = h
	b.histSeq = append(b.histSeq, h)
	return h
}

// histFor returns the history row of st's current value, which for a point
// loaded from the database mirrors the point's value and observation.
func (b *batch) histFor(st *pointState) *histRow {
	if h, ok := b.hist[st.revisionID]; ok {
		return h
	}
	h := &histRow{id: st.revisionID, key: st.key, value: st.value, qualifier: st.qualifier, obsID: st.obsID}
	b.hist[h.id] = h
	b.histSeq = append(b.histSeq, h)
	return h
}

// flush writes the touched points, history rows and outbox rows.
func (b *batch) flush() error {
	for _, st := range b.dirty {
		if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO points(source, period, metric, category, region,
			period_start, granularity, value, qualifier, observation_id, revision_id,
			main, published, fetched, document_id, ev_start, revisions, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(source, period, metric, category, region) DO UPDATE SET
			value = excluded.value, qualifier = excluded.qualifier, observation_id = excluded.observation_id,
			revision_id = excluded.revision_id, main = excluded.main, published = excluded.published,
			fetched = excluded.fetched, document_id = excluded.document_id, ev_start = excluded.ev_start,
			revisions = excluded.revisions, updated = excluded.updated`,
			st.key.source, st.key.period, st.key.metric, st.key.category, st.key.region,
			st.periodStart, st.granularity, st.value, st.qualifier, st.obsID, st.revisionID,
			boolInt(st.rank.main), st.rank.published, st.rank.fetched, st.rank.docID, st.rank.start,
			st.revisions, b.now); err != nil {
			return fmt.Errorf("write point %v: %w", st.key, err)
		}
	}
	for _, h := range b.histSeq {
		if err := b.writeHist(h); err != nil {
			return err
		}
	}
	for _, st := range b.dirty {
		if !st.changed {
			continue
		}
		if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO outbox(source, period, metric, category, region, enqueued)
			VALUES (?, ?, ?, ?, ?, ?)`, st.key.source, st.key.period, st.key.metric, st.key.category, st.key.region,
			b.now); err != nil {
			return fmt.Errorf("enqueue point %v: %w", st.key, err)
		}
	}
	if b.newDocs > 0 {
		if err := setMeta(b.ctx, b.tx, metaLastIngest, strconv.FormatInt(b.now, 10)); err != nil {
			return fmt.Errorf("set %s: %w", metaLastIngest, err)
		}
	}
	return nil
}

func (b *batch) writeHist(h *histRow) error {
	var err error
	if h.isNew {
		_, err = b.tx.ExecContext(b.ctx, `INSERT INTO revisions(id, source, period, metric, category, region,
			value, qualifier, observation_id, accepted_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			h.id, h.key.source, h.key.period, h.key.metric, h.key.category, h.key.region,
			h.value, h.qualifier, h.obsID, h.accepted, h.superseded)
	} else {
		_, err = b.tx.ExecContext(b.ctx, `UPDATE revisions SET qualifier = ?, observation_id = ?, superseded_at = ?
			WHERE id = ?`, h.qualifier, h.obsID, h.superseded, h.id)
	}
	if err != nil {
		return fmt.Errorf("write revision of point %v: %w", h.key, err)
	}
	return nil
}

// metaLastIngest is the meta key holding the unix time of the last Ingest
// that stored a new document.
const metaLastIngest = "last_ingest"

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
