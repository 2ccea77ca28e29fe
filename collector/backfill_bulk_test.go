package collector

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/incidents-dev/incidents/store"
)

// ingestIndexes counts the secondary indexes of the tables Ingest writes,
// read through a connection of its own.
func ingestIndexes(t *testing.T, st *store.Store) int {
	t.Helper()
	db, err := sql.Open("sqlite", st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('points', 'revisions')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// bulkSpy records the bulk loads of a store and the number of indexes
// present at each Ingest.
type bulkSpy struct {
	*store.Store
	t         *testing.T
	mu        sync.Mutex
	bulkLoads int
	indexes   []int
}

func (s *bulkSpy) BulkLoad(ctx context.Context) (func(context.Context) error, error) {
	s.mu.Lock()
	s.bulkLoads++
	s.mu.Unlock()
	return s.Store.BulkLoad(ctx)
}

func (s *bulkSpy) Ingest(ctx context.Context, items ...store.Ingest) ([]store.IngestResult, error) {
	n := ingestIndexes(s.t, s.Store)
	s.mu.Lock()
	s.indexes = append(s.indexes, n)
	s.mu.Unlock()
	return s.Store.Ingest(ctx, items...)
}

func TestBackfillBulkLoad(t *testing.T) {
	dir := t.TempDir()
	writeReports(t, dir, 150)
	opts := FileOptions{Source: "archive", Publisher: "P", Country: "PK"}
	fx := &fakeExtract{}

	plain := openTestStore(t)
	want := ingestIndexes(t, plain)
	if want == 0 {
		t.Fatal("the store has no secondary index: the test proves nothing")
	}
	if _, err := (&Backfill{Store: plain, Extract: fx.extract, File: opts, BatchSize: 20, BulkLoadMin: -1}).Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		min      int
		bulk     int // bulk loads expected
		indexes  int // indexes present during the Ingest calls
		prestore int // reports stored before the backfill
	}{
		{name: "large backfill into an empty store", min: 100, bulk: 1, indexes: 0},
		{name: "fewer files than the minimum", min: 151, bulk: 0, indexes: want},
		{name: "store holding more than half", min: 100, bulk: 0, indexes: want, prestore: 80},
		{name: "store holding half", min: 100, bulk: 1, indexes: 0, prestore: 75},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := openTestStore(t)
			if tc.prestore > 0 {
				pre := t.TempDir()
				writeReports(t, pre, tc.prestore)
				if _, err := (&Backfill{Store: st, Extract: fx.extract, File: opts, BulkLoadMin: -1}).Run(context.Background(), []string{pre}); err != nil {
					t.Fatal(err)
				}
			}
			spy := &bulkSpy{Store: st, t: t}
			stats, err := (&Backfill{Store: spy, Extract: fx.extract, File: opts, BatchSize: 20, BulkLoadMin: tc.min}).Run(context.Background(), []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			if stats.Stored+stats.Skipped != 150 {
				t.Errorf("stats %+v, want 150 stored or skipped", stats)
			}
			if spy.bulkLoads != tc.bulk {
				t.Errorf("%d bulk loads, want %d", spy.bulkLoads, tc.bulk)
			}
			for i, n := range spy.indexes {
				if n != tc.indexes {
					t.Errorf("Ingest %d saw %d indexes, want %d", i, n, tc.indexes)
				}
			}
			if n := ingestIndexes(t, st); n != want {
				t.Errorf("%d indexes after the backfill, want %d", n, want)
			}
			if a, b := dump(t, plain), dump(t, st); a != b {
				t.Errorf("store differs from one backfilled without bulk load:\n%s\nvs\n%s", a, b)
			}
		})
	}
}

func TestInterruptedBulkBackfillLeavesIndexes(t *testing.T) {
	dir := t.TempDir()
	writeReports(t, dir, 150)
	opts := FileOptions{Source: "archive", Publisher: "P", Country: "PK"}
	fx := &fakeExtract{}
	whole := openTestStore(t)
	if _, err := (&Backfill{Store: whole, Extract: fx.extract, File: opts, BulkLoadMin: -1}).Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	want := ingestIndexes(t, whole)

	st := openTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first, err := (&Backfill{Store: &cancelAfter{Store: st, n: 40, cancel: cancel}, Extract: fx.extract, File: opts,
		Jobs: 2, BatchSize: 7, BulkLoadMin: 100}).Run(ctx, []string{dir})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	if first.Stored < 40 || first.Processed >= 150 {
		t.Fatalf("interrupted run: %+v, want it stopped after at least 40 stored", first)
	}
	if n := ingestIndexes(t, st); n != want {
		t.Errorf("%d indexes after the interrupted backfill, want %d", n, want)
	}
	if _, err := (&Backfill{Store: st, Extract: fx.extract, File: opts, BatchSize: 7, BulkLoadMin: 100}).Run(context.Background(), []string{dir}); err != nil {
		t.Fatal(err)
	}
	if a, b := dump(t, whole), dump(t, st); a != b {
		t.Errorf("resumed store differs from an uninterrupted one:\n%s\nvs\n%s", a, b)
	}
	if n := ingestIndexes(t, st); n != want {
		t.Errorf("%d indexes after the resumed backfill, want %d", n, want)
	}
}

func TestBulkBackfillAfterCrashIsRepairedByOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "incidents.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	want := ingestIndexes(t, st)
	if _, err := st.BulkLoad(context.Background()); err != nil { // never finished
		t.Fatal(err)
	}
	st.Close()
	st, err = store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := ingestIndexes(t, st); n != want {
		t.Errorf("%d indexes after reopening, want %d", n, want)
	}
}
