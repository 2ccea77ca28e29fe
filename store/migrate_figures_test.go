package store

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// TestMigrateFigures writes, with the schema of version 3 (one row per
// observation), the very rows the same ingests produce in a store of the
// current version, opens it (migrating it) and expects every table and
// query to be equal to the current store's.
func TestMigrateFigures(t *testing.T) {
	ctx := context.Background()
	items := genCorpus(t, rand.New(rand.NewPCG(4, 4)), 40)
	items = append(items, report(t, "crss", "2024-02-03", "No figures in this one."))
	fresh := openTest(t)
	for start := 0; start < len(items); start += 7 { // several batches, with revisions between them
		ingest(t, fresh, items[start:min(start+7, len(items))]...)
	}
	path := filepath.Join(t.TempDir(), "v3.db")
	writeV3(t, path, fresh)

	migrated := openAt(t, path)
	if got, want := dump(t, migrated), dump(t, fresh); got != want {
		t.Fatalf("migrated store differs from a store written by this version: %s", firstDiff(got, want))
	}
	queries := map[string]func(s *Store) (any, error){
		"Series":       func(s *Store) (any, error) { return s.Series(ctx, Filter{}) },
		"History":      func(s *Store) (any, error) { return s.History(ctx, Filter{}) },
		"Observations": func(s *Store) (any, error) { return s.Observations(ctx, Filter{Region: "PK"}) },
		"Counts":       func(s *Store) (any, error) { return s.ObservationCounts(ctx) },
		"Stats":        func(s *Store) (any, error) { return s.Stats(ctx) },
		"Documents":    func(s *Store) (any, error) { return s.Documents(ctx, DocumentFilter{}) },
	}
	for name, q := range queries {
		got, err := q(migrated)
		if err != nil {
			t.Fatalf("%s on the migrated store: %v", name, err)
		}
		want, err := q(fresh)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs after migration:\n got  %+v\n want %+v", name, got, want)
		}
	}
	hist, _ := fresh.History(ctx, Filter{})
	if len(hist) <= len(mustSeries(t, fresh)) {
		t.Fatalf("the corpus made no revision (%d history entries): the test proves less than it says", len(hist))
	}
}

// writeV3 creates a store of schema version 3 at path holding what src
// holds, in the rows version 3 wrote: observations numbered in ingest
// order, referred to by ID from points and revisions.
func writeV3(t *testing.T, path string, src *Store) {
	t.Helper()
	ctx := context.Background()
	db, err := openPool(path, 1, "_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	old := &Store{write: db, now: func() time.Time { return time.Unix(1, 0) }}
	if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for v := 1; v <= 3; v++ {
		if err := old.applyMigration(ctx, v); err != nil {
			t.Fatalf("migration %d: %v", v, err)
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	obsID := map[[2]any]int64{} // (document, seq) -> observation ID
	each(t, src, `SELECT id, url, source, publisher, title, published, fetched, ingested, main_period, figures, text
		FROM documents ORDER BY rowid`, func(v []any) {
		exec(`INSERT INTO documents(id, url, source, publisher, title, published, fetched, ingested, main_period, text)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[10])
		figs, err := decodeFigures(v[9].([]byte))
		if err != nil {
			t.Fatal(err)
		}
		for seq, f := range figs {
			p, err := parser.ParsePeriod(f.Period)
			if err != nil {
				t.Fatal(err)
			}
			id := int64(len(obsID) + 1)
			obsID[[2]any{v[0], int64(seq)}] = id
			exec(`INSERT INTO observations(id, document_id, seq, source, period, period_start, granularity, metric,
				category, region, value, qualifier, confidence, evidence, ev_start, ev_end, main)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, v[0], seq, v[2], f.Period, p.Start.Unix(), string(p.Granularity), f.Metric, f.Category, f.Region,
				f.Value, f.Qualifier, f.Confidence, f.Evidence.Text, f.Evidence.Start, f.Evidence.End,
				boolInt(f.Period == v[8].(string)))
		}
	})
	each(t, src, `SELECT source, period, metric, category, region, period_start, granularity, value, qualifier,
		document_id, seq, accepted_at, main, published, fetched, ev_start, revisions, updated FROM points`, func(v []any) {
		exec(`INSERT INTO points(source, period, metric, category, region, period_start, granularity, value,
			qualifier, observation_id, accepted_at, main, published, fetched, document_id, ev_start, revisions, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], obsID[[2]any{v[9], v[10]}], v[11], v[12], v[13],
			v[14], v[9], v[15], v[16], v[17])
	})
	each(t, src, `SELECT id, source, period, metric, category, region, value, qualifier, document_id, seq,
		accepted_at, superseded_at FROM revisions`, func(v []any) {
		exec(`INSERT INTO revisions(id, source, period, metric, category, region, value, qualifier, observation_id,
			accepted_at, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], obsID[[2]any{v[8], v[9]}], v[10], v[11])
	})
	each(t, src, `SELECT id, source, period, metric, category, region, enqueued FROM outbox`, func(v []any) {
		exec(`INSERT INTO outbox(id, source, period, metric, category, region, enqueued) VALUES (?, ?, ?, ?, ?, ?, ?)`, v...)
	})
	each(t, src, `SELECT key, value FROM meta`, func(v []any) {
		exec(`INSERT INTO meta(key, value) VALUES (?, ?)`, v...)
	})
}

// each calls fn with the values of every row of q on src.
func each(t *testing.T, src *Store, q string, fn func([]any)) {
	t.Helper()
	_, rows := queryAll(t, src, q)
	for _, v := range rows {
		fn(v)
	}
}
