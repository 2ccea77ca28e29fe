package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/incidents-dev/incidents/parser"
)

// documentsV4 is the documents table of schema version 4. The figures
// come before the text, so that reading them does not read the text's
// overflow pages.
const documentsV4 = `
CREATE TABLE documents_v4 (
	id          TEXT PRIMARY KEY,
	url         TEXT NOT NULL,
	source      TEXT NOT NULL,
	publisher   TEXT NOT NULL,
	title       TEXT NOT NULL,
	published   INTEGER NOT NULL,
	fetched     INTEGER NOT NULL,
	ingested    INTEGER NOT NULL,
	main_period TEXT NOT NULL,
	n_figures   INTEGER NOT NULL,
	figures     BLOB NOT NULL,
	text        TEXT NOT NULL
);
`

// seriesV4 moves points and revisions from observation IDs to (document,
// seq), keeps the accepted value's evidence on the point, counts the
// observations, then drops the old tables (children first, as foreign
// keys are on) and renames the new ones.
const seriesV4 = `
CREATE TABLE points_v4 (
	source       TEXT NOT NULL,
	period       TEXT NOT NULL,
	metric       TEXT NOT NULL,
	category     TEXT NOT NULL,
	region       TEXT NOT NULL,
	period_start INTEGER NOT NULL,
	granularity  TEXT NOT NULL,
	value        INTEGER NOT NULL,
	qualifier    TEXT NOT NULL,
	document_id  TEXT NOT NULL,
	seq          INTEGER NOT NULL,
	accepted_at  INTEGER NOT NULL,
	main         INTEGER NOT NULL,
	published    INTEGER NOT NULL,
	fetched      INTEGER NOT NULL,
	ev_start     INTEGER NOT NULL,
	ev_end       INTEGER NOT NULL,
	evidence     TEXT NOT NULL,
	confidence   REAL NOT NULL,
	revisions    INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	PRIMARY KEY (source, period, metric, category, region)
) WITHOUT ROWID;
INSERT INTO points_v4(source, period, metric, category, region, period_start, granularity, value, qualifier,
	document_id, seq, accepted_at, main, published, fetched, ev_start, ev_end, evidence, confidence, revisions, updated)
SELECT p.source, p.period, p.metric, p.category, p.region, p.period_start, p.granularity, p.value, p.qualifier,
	o.document_id, o.seq, p.accepted_at, p.main, p.published, p.fetched, p.ev_start, o.ev_end, o.evidence,
	o.confidence, p.revisions, p.updated
FROM points p JOIN observations o ON o.id = p.observation_id;

CREATE TABLE revisions_v4 (
	id            INTEGER PRIMARY KEY,
	source        TEXT NOT NULL,
	period        TEXT NOT NULL,
	metric        TEXT NOT NULL,
	category      TEXT NOT NULL,
	region        TEXT NOT NULL,
	value         INTEGER NOT NULL,
	qualifier     TEXT NOT NULL,
	document_id   TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	accepted_at   INTEGER NOT NULL,
	superseded_at INTEGER NOT NULL
);
INSERT INTO revisions_v4(id, source, period, metric, category, region, value, qualifier, document_id, seq,
	accepted_at, superseded_at)
SELECT r.id, r.source, r.period, r.metric, r.category, r.region, r.value, r.qualifier, o.document_id, o.seq,
	r.accepted_at, r.superseded_at
FROM revisions r JOIN observations o ON o.id = r.observation_id;

CREATE TABLE observation_counts (
	source TEXT NOT NULL,
	metric TEXT NOT NULL,
	n      INTEGER NOT NULL,
	PRIMARY KEY (source, metric)
) WITHOUT ROWID;
INSERT INTO observation_counts(source, metric, n)
SELECT source, metric, count(*) FROM observations GROUP BY source, metric;

DROP TABLE points;
DROP TABLE revisions;
DROP TABLE observations;
DROP TABLE documents;
ALTER TABLE documents_v4 RENAME TO documents;
ALTER TABLE points_v4 RENAME TO points;
ALTER TABLE revisions_v4 RENAME TO revisions;
CREATE INDEX points_series ON points(source, metric, category, region, period_start);
CREATE INDEX revisions_point ON revisions(source, period, metric, category, region, id);
`

// migrateFigures fills documents_v4 from the documents and their
// observation rows (a merge of both, ordered by document ID), keeping each
// document's rowid so that the ingest order is kept, then runs seriesV4.
func migrateFigures(ctx context.Context, tx *sql.Tx) error {
	docs, err := tx.QueryContext(ctx, `SELECT rowid, id, url, source, publisher, title, published, fetched,
		ingested, main_period, text FROM documents ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	defer docs.Close()
	obs, err := tx.QueryContext(ctx, `SELECT document_id, period, metric, category, region, value, qualifier,
		confidence, evidence, ev_start, ev_end FROM observations ORDER BY document_id, seq`)
	if err != nil {
		return fmt.Errorf("read observations: %w", err)
	}
	defer obs.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO documents_v4(rowid, id, url, source, publisher, title,
		published, fetched, ingested, main_period, n_figures, figures, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	merge := &observationMerge{rows: obs}
	for docs.Next() {
		var rowid, published, fetched, ingested int64
		var id, url, source, publisher, title, main, text string
		if err := docs.Scan(&rowid, &id, &url, &source, &publisher, &title, &published, &fetched, &ingested,
			&main, &text); err != nil {
			return fmt.Errorf("read documents: %w", err)
		}
		figs, err := merge.next(id)
		if err != nil {
			return fmt.Errorf("read observations of document %s: %w", id, err)
		}
		if _, err := ins.ExecContext(ctx, rowid, id, url, source, publisher, title, published, fetched, ingested,
			main, len(figs), nonNil(EncodeFigures(figs)), text); err != nil {
			return fmt.Errorf("copy document %s: %w", id, err)
		}
	}
	if err := docs.Err(); err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	if err := merge.done(); err != nil {
		return err
	}
	docs.Close()
	obs.Close()
	if _, err := tx.ExecContext(ctx, seriesV4); err != nil {
		return fmt.Errorf("rebuild points and revisions: %w", err)
	}
	return nil
}

// observationMerge reads the observation rows of each document from rows
// ordered by document ID, for document IDs given in increasing order.
type observationMerge struct {
	rows       *sql.Rows
	pending    *parser.Figure // read, of document pendingDoc, not yet returned
	pendingDoc string
}

// next returns the figures of document id in seq order. A row of a
// document that sorts before id belongs to no document: an error.
func (m *observationMerge) next(id string) ([]parser.Figure, error) {
	var figs []parser.Figure
	for {
		if m.pending == nil {
			if !m.rows.Next() {
				return figs, m.rows.Err()
			}
			var f parser.Figure
			if err := m.rows.Scan(&m.pendingDoc, &f.Period, &f.Metric, &f.Category, &f.Region, &f.Value,
				&f.Qualifier, &f.Confidence, &f.Evidence.Text, &f.Evidence.Start, &f.Evidence.End); err != nil {
				return nil, err
			}
			m.pending = &f
		}
		switch {
		case m.pendingDoc == id:
			figs = append(figs, *m.pending)
			m.pending = nil
		case m.pendingDoc < id:
			return nil, fmt.Errorf("observation of unknown document %s", m.pendingDoc)
		default:
			return figs, nil
		}
	}
}

// done fails when rows are left: observations of no document.
func (m *observationMerge) done() error {
	if m.pending != nil || m.rows.Next() {
		if m.pending == nil {
			m.rows.Scan(&m.pendingDoc, new(any), new(any), new(any), new(any), new(any), new(any), new(any),
				new(any), new(any), new(any))
		}
		return fmt.Errorf("observation of unknown document %s", m.pendingDoc)
	}
	return m.rows.Err()
}

// nonNil turns a nil value into an empty one, for NOT NULL blob columns.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// migrateSpans fills documents.min_start and max_start from each
// document's figures, then creates their index.
func migrateSpans(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT rowid, figures FROM documents WHERE length(figures) > 0`)
	if err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	defer rows.Close()
	upd, err := tx.PrepareContext(ctx, `UPDATE documents SET min_start = ?, max_start = ? WHERE rowid = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	periods := periodCache{}
	var ps []parser.Period
	for rows.Next() {
		var rowid int64
		var enc []byte
		if err := rows.Scan(&rowid, &enc); err != nil {
			return fmt.Errorf("read documents: %w", err)
		}
		figs, err := decodeFigures(enc)
		if err != nil {
			return fmt.Errorf("document row %d: %w", rowid, err)
		}
		ps = ps[:0]
		for _, f := range figs {
			p, err := periods.parse(f.Period)
			if err != nil {
				return fmt.Errorf("document row %d: %w", rowid, err)
			}
			ps = append(ps, p)
		}
		lo, hi := periodSpan(ps)
		if _, err := upd.ExecContext(ctx, lo, hi, rowid); err != nil {
			return fmt.Errorf("document row %d: %w", rowid, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read documents: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE INDEX documents_span ON documents(source, max_start, min_start)`); err != nil {
		return fmt.Errorf("index document spans: %w", err)
	}
	return nil
}
