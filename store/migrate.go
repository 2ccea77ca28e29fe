package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migration is one schema version: SQL, then optionally a Go step for
// what SQL cannot do (re-encoding data).
type migration struct {
	sql string
	fn  func(ctx context.Context, tx *sql.Tx) error
}

// migrations are applied in order, each in its own transaction; version N is
// migrations[N-1]. Never edit a released migration: append a new one.
var migrations = []migration{
	// 1: documents, observations, accepted series (points: current
	// values; revisions: superseded values), fetch state, outbox and meta.
	// Times are unix seconds (UTC).
	{sql: `
CREATE TABLE documents (
	id          TEXT PRIMARY KEY,
	url         TEXT NOT NULL,
	source      TEXT NOT NULL,
	publisher   TEXT NOT NULL,
	title       TEXT NOT NULL,
	published   INTEGER NOT NULL,
	fetched     INTEGER NOT NULL,
	ingested    INTEGER NOT NULL,
	main_period TEXT NOT NULL,
	text        TEXT NOT NULL
);
CREATE TABLE observations (
	id           INTEGER PRIMARY KEY,
	document_id  TEXT NOT NULL REFERENCES documents(id),
	seq          INTEGER NOT NULL,
	source       TEXT NOT NULL,
	period       TEXT NOT NULL,
	period_start INTEGER NOT NULL,
	granularity  TEXT NOT NULL,
	metric       TEXT NOT NULL,
	category     TEXT NOT NULL,
	region       TEXT NOT NULL,
	value        INTEGER NOT NULL,
	qualifier    TEXT NOT NULL,
	confidence   REAL NOT NULL,
	evidence     TEXT NOT NULL,
	ev_start     INTEGER NOT NULL,
	ev_end       INTEGER NOT NULL,
	main         INTEGER NOT NULL
);
CREATE INDEX observations_point ON observations(source, metric, category, region, period_start);
CREATE TABLE points (
	source         TEXT NOT NULL,
	period         TEXT NOT NULL,
	metric         TEXT NOT NULL,
	category       TEXT NOT NULL,
	region         TEXT NOT NULL,
	period_start   INTEGER NOT NULL,
	granularity    TEXT NOT NULL,
	value          INTEGER NOT NULL,
	qualifier      TEXT NOT NULL,
	observation_id INTEGER NOT NULL REFERENCES observations(id),
	accepted_at    INTEGER NOT NULL,
	main           INTEGER NOT NULL,
	published      INTEGER NOT NULL,
	fetched        INTEGER NOT NULL,
	document_id    TEXT NOT NULL,
	ev_start       INTEGER NOT NULL,
	revisions      INTEGER NOT NULL,
	updated        INTEGER NOT NULL,
	PRIMARY KEY (source, period, metric, category, region)
) WITHOUT ROWID;
CREATE INDEX points_series ON points(source, metric, category, region, period_start);
CREATE TABLE revisions (
	id             INTEGER PRIMARY KEY,
	source         TEXT NOT NULL,
	period         TEXT NOT NULL,
	metric         TEXT NOT NULL,
	category       TEXT NOT NULL,
	region         TEXT NOT NULL,
	value          INTEGER NOT NULL,
	qualifier      TEXT NOT NULL,
	observation_id INTEGER NOT NULL REFERENCES observations(id),
	accepted_at    INTEGER NOT NULL,
	superseded_at  INTEGER NOT NULL
);
CREATE INDEX revisions_point ON revisions(source, period, metric, category, region, id);
CREATE TABLE fetch_state (
	url           TEXT PRIMARY KEY,
	etag          TEXT NOT NULL,
	last_modified TEXT NOT NULL,
	updated       INTEGER NOT NULL
);
CREATE TABLE outbox (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	source   TEXT NOT NULL,
	period   TEXT NOT NULL,
	metric   TEXT NOT NULL,
	category TEXT NOT NULL,
	region   TEXT NOT NULL,
	enqueued INTEGER NOT NULL
);
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`},
	// 2: spike alerts, one row per series and period (see alerts.go).
	{sql: `
CREATE TABLE alerts (
	source      TEXT NOT NULL,
	metric      TEXT NOT NULL,
	category    TEXT NOT NULL,
	region      TEXT NOT NULL,
	period      TEXT NOT NULL,
	publisher   TEXT NOT NULL,
	value       INTEGER NOT NULL,
	previous    INTEGER,
	ratio       REAL,
	zscore      REAL,
	summary     TEXT NOT NULL,
	evidence    TEXT NOT NULL,
	url         TEXT NOT NULL,
	detected_at INTEGER NOT NULL,
	ends_at     INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	webhook_at  INTEGER NOT NULL DEFAULT 0,
	sent_at     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (source, metric, category, region, period)
) WITHOUT ROWID;
CREATE INDEX alerts_ends ON alerts(ends_at);
`},
	// 3: cheaper observation inserts. observations_point ordered every
	// new row into the middle of a large index (one random page touched,
	// journaled and rewritten per figure, a third of the ingest cost);
	// an index on (source, metric) grows at the end of a few runs, still
	// narrows Observations filters and covers ObservationCounts.
	{sql: `
DROP INDEX observations_point;
CREATE INDEX observations_metric ON observations(source, metric);
`},
	// 4: a document's observations become one value on its row (see
	// figures.go); points and revisions refer to them by document and
	// index; the counts per source and metric get a table of their own.
	{sql: documentsV4, fn: migrateFigures},
	// 5: the span of period starts each document reports, indexed, so
	// that the observations of one point are found without reading every
	// document's figures (see Observations).
	{sql: `
ALTER TABLE documents ADD COLUMN min_start INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN max_start INTEGER NOT NULL DEFAULT 0;
`, fn: migrateSpans},
}

// migrate creates the schema_migrations table and applies every migration
// the database has not seen yet.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		applied INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var current int
	if err := s.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program supports (%d)", current, len(migrations))
	}
	if current >= 1 { // the meta table exists
		if err := s.restoreAfterBulk(ctx); err != nil {
			return err
		}
	}
	for v := current + 1; v <= len(migrations); v++ {
		if err := s.applyMigration(ctx, v); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	return nil
}

// applyMigration applies migration v in its own transaction unless another
// process applied it meanwhile.
func (s *Store) applyMigration(ctx context.Context, v int) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&done); err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	m := migrations[v-1]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if m.fn != nil {
		if err := m.fn(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied) VALUES (?, ?)`, v, s.now().Unix()); err != nil {
		return err
	}
	return tx.Commit()
}

// restoreAfterBulk creates the indexes an unfinished BulkLoad dropped, so
// that the migrations and every query find the schema they expect.
func (s *Store) restoreAfterBulk(ctx context.Context) error {
	var n int
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = ?`, metaBulkIndexes).Scan(&n); err != nil {
		return fmt.Errorf("read %s: %w", metaBulkIndexes, err)
	}
	if n == 0 {
		return nil
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := restoreIndexes(ctx, tx); err != nil {
		return fmt.Errorf("restore indexes of an unfinished bulk load: %w", err)
	}
	return tx.Commit()
}
