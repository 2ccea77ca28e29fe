package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// schema renders the schema objects of s, sorted by name.
func schema(t *testing.T, s *Store) string {
	t.Helper()
	rows, err := s.read.QueryContext(context.Background(),
		`SELECT type, name, COALESCE(sql, '') FROM sqlite_schema ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s: %s\n", typ, name, sql)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// pragmaInt reads an integer pragma on the write connection.
func pragmaInt(t *testing.T, s *Store, name string) int {
	t.Helper()
	var v int
	if err := s.write.QueryRow(`PRAGMA ` + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// indexNames lists the explicitly created indexes of the tables Ingest writes.
func indexNames(t *testing.T, s *Store) string {
	t.Helper()
	var names []string
	rows, err := s.read.Query(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('points', 'revisions') ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	return strings.Join(names, " ")
}

// checkForeignKeys fails when a row refers to a missing one.
func checkForeignKeys(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.write.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Fatal("foreign_key_check reports a row referring to a missing one")
	}
}

func TestBulkLoadStoresTheSameRows(t *testing.T) {
	ctx := context.Background()
	corpus := genCorpus(t, rand.New(rand.NewPCG(5, 6)), 60)
	want := openTest(t)
	ingest(t, want, corpus[:20]...)
	ingest(t, want, corpus[20:]...)

	s := openTest(t)
	indexes := indexNames(t, s)
	if indexes == "" {
		t.Fatal("no secondary index to drop: the test proves nothing")
	}
	finish, err := s.BulkLoad(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := indexNames(t, s); got != "" {
		t.Errorf("indexes during a bulk load: %q, want none", got)
	}
	if fk := pragmaInt(t, s, "foreign_keys"); fk != 0 {
		t.Errorf("foreign_keys during a bulk load = %d, want 0", fk)
	}
	ingest(t, s, corpus[:20]...)
	// Queries work without the indexes.
	if obs, err := s.Observations(ctx, Filter{Metric: "deaths"}); err != nil || len(obs) == 0 {
		t.Fatalf("Observations during a bulk load: %d, %v", len(obs), err)
	}
	ingest(t, s, corpus[20:]...)
	for i := range 2 { // finish twice: the second is a no-op
		if err := finish(ctx); err != nil {
			t.Fatalf("finish %d: %v", i, err)
		}
	}
	if got := indexNames(t, s); got != indexes {
		t.Errorf("indexes after a bulk load: %q, want %q", got, indexes)
	}
	if fk := pragmaInt(t, s, "foreign_keys"); fk != 1 {
		t.Errorf("foreign_keys after a bulk load = %d, want 1", fk)
	}
	checkForeignKeys(t, s)
	if got, w := schema(t, s), schema(t, want); got != w {
		t.Errorf("schema after a bulk load:\n%s\nwant:\n%s", got, w)
	}
	if got, w := dump(t, s), dump(t, want); got != w {
		t.Errorf("rows stored in bulk differ from rows stored normally: %s", firstDiff(got, w))
	}
}

func TestUnfinishedBulkLoadIsRepairedByOpen(t *testing.T) {
	ctx := context.Background()
	corpus := genCorpus(t, rand.New(rand.NewPCG(7, 8)), 40)
	want := openTest(t)
	ingest(t, want, corpus...)

	path := filepath.Join(t.TempDir(), "incidents.db")
	s := openAt(t, path)
	if _, err := s.BulkLoad(ctx); err != nil {
		t.Fatal(err)
	}
	ingest(t, s, corpus[:25]...)
	s.Close() // as if the process died: finish is never called

	s = openAt(t, path)
	if got, w := schema(t, s), schema(t, want); got != w {
		t.Fatalf("schema after reopening an unfinished bulk load:\n%s\nwant:\n%s", got, w)
	}
	if v, err := s.Meta(ctx, metaBulkIndexes); err != nil || v != "" {
		t.Errorf("meta %s after the repair = %q, %v; want none", metaBulkIndexes, v, err)
	}
	// A second bulk load resumes: the documents stored are skipped.
	finish, err := s.BulkLoad(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res := ingest(t, s, corpus...)
	for i, r := range res {
		if r.New != (i >= 25) {
			t.Fatalf("document %d: New = %v after resuming", i, r.New)
		}
	}
	if err := finish(ctx); err != nil {
		t.Fatal(err)
	}
	checkForeignKeys(t, s)
	if got, w := values(mustSeries(t, s)), values(mustSeries(t, want)); got != w {
		t.Errorf("series after a resumed bulk load:\n%s\nwant:\n%s", got, w)
	}
	if got, w := schema(t, s), schema(t, want); got != w {
		t.Errorf("schema after the resumed bulk load:\n%s\nwant:\n%s", got, w)
	}
}

func TestBulkLoadsOverlapping(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	want := schema(t, s)
	finishA, err := s.BulkLoad(ctx)
	if err != nil {
		t.Fatal(err)
	}
	finishB, err := s.BulkLoad(ctx) // finds the indexes dropped already
	if err != nil {
		t.Fatal(err)
	}
	if err := finishB(ctx); err != nil {
		t.Fatal(err)
	}
	if got := schema(t, s); got != want {
		t.Errorf("schema after the inner bulk load ended:\n%s\nwant:\n%s", got, want)
	}
	if err := finishA(ctx); err != nil {
		t.Fatal(err)
	}
	if got := schema(t, s); got != want {
		t.Errorf("schema after both bulk loads ended:\n%s\nwant:\n%s", got, want)
	}
}

func mustSeries(t *testing.T, s *Store) []Point {
	t.Helper()
	ps, err := s.Series(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}
