package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigrates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "incidents.db")
	s := openAt(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not created: %v", err)
	}
	versions := func(s *Store) []int {
		rows, err := s.read.QueryContext(ctx, `SELECT version FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var vs []int
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			vs = append(vs, v)
		}
		return vs
	}
	if got := versions(s); len(got) != len(migrations) || got[len(got)-1] != len(migrations) {
		t.Fatalf("applied versions %v, want 1..%d", got, len(migrations))
	}
	var mode string
	if err := s.read.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var pageSize int
	if err := s.read.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil || pageSize != 16384 {
		t.Fatalf("page_size = %d, %v; want 16384", pageSize, err)
	}
	var fk int
	if err := s.write.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v; want 1", fk, err)
	}
	ingest(t, s, report(t, "picss", "2024-02-01", "In January 40 people died.", figSpec{"2024-01", "deaths", "", "40 people"}))
	before := dump(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("reopen is idempotent", func(t *testing.T) {
		s2 := openAt(t, path)
		if got := versions(s2); len(got) != len(migrations) {
			t.Fatalf("versions after reopen %v", got)
		}
		if after := dump(t, s2); after != before {
			t.Fatalf("reopen changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
	t.Run("newer schema is refused", func(t *testing.T) {
		s3 := openAt(t, path)
		if _, err := s3.write.ExecContext(ctx, `INSERT INTO schema_migrations(version, applied) VALUES (?, 0)`, len(migrations)+5); err != nil {
			t.Fatal(err)
		}
		s3.Close()
		_, err := Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "newer than this program supports") {
			t.Fatalf("Open on a newer schema: err = %v", err)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	if err := os.WriteFile(corrupt, []byte(strings.Repeat("this is not a database file\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       []string
	}{
		{"corrupt file", corrupt, []string{corrupt, "not a database"}},
		{"parent is a file", filepath.Join(blocker, "x.db"), []string{filepath.Join(blocker, "x.db"), "not a directory"}},
		{"memory", ":memory:", []string{"want a file path"}},
		{"question mark", filepath.Join(dir, "a?b.db"), []string{"must not contain"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(ctx, tt.path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestClosedStore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	calls := map[string]func() error{
		"Ping":          func() error { return s.Ping(ctx) },
		"Series":        func() error { _, err := s.Series(ctx, Filter{}); return err },
		"History":       func() error { _, err := s.History(ctx, Filter{}); return err },
		"Observations":  func() error { _, err := s.Observations(ctx, Filter{}); return err },
		"Stats":         func() error { _, err := s.Stats(ctx); return err },
		"HasDocument":   func() error { _, err := s.HasDocument(ctx, "x"); return err },
		"Ingest":        func() error { _, err := s.Ingest(ctx, Ingest{Doc: Document{Text: "x"}}); return err },
		"FetchState":    func() error { _, _, err := s.FetchState(ctx, "u"); return err },
		"SetFetchState": func() error { return s.SetFetchState(ctx, "u", "e", "l") },
		"Meta":          func() error { _, err := s.Meta(ctx, "k"); return err },
		"SetMeta":       func() error { return s.SetMeta(ctx, "k", "v") },
		"OutboxBatch":   func() error { _, err := s.OutboxBatch(ctx, 1); return err },
		"OutboxDelete":  func() error { return s.OutboxDelete(ctx, []int64{1}) },
		"OutboxEnqueue": func() error { _, err := s.OutboxEnqueueRange(ctx, Filter{}); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			if !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), s.Path()) {
				t.Fatalf("err = %v; want ErrClosed naming %s", err, s.Path())
			}
		})
	}
}

func TestPing(t *testing.T) {
	s := openTest(t)
	if err := s.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestFetchState(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	steps := []struct {
		name, url, etag, lastModified string
		set                           bool
	}{
		{name: "unknown url", url: "https://a.example/feed"},
		{name: "set", url: "https://a.example/feed", etag: `"v1"`, lastModified: "Mon, 01 Jan 2024 00:00:00 GMT", set: true},
		{name: "other url still unknown", url: "https://b.example/feed"},
		{name: "overwrite", url: "https://a.example/feed", etag: `W/"v2"`, lastModified: "", set: true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.set {
				if err := s.SetFetchState(ctx, st.url, st.etag, st.lastModified); err != nil {
					t.Fatal(err)
				}
			}
			etag, lm, err := s.FetchState(ctx, st.url)
			if err != nil || etag != st.etag || lm != st.lastModified {
				t.Fatalf("FetchState = %q, %q, %v; want %q, %q", etag, lm, err, st.etag, st.lastModified)
			}
		})
	}
}

func TestMeta(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if v, err := s.Meta(ctx, "influx_last_error"); err != nil || v != "" {
		t.Fatalf("unset Meta = %q, %v", v, err)
	}
	for _, v := range []string{"401 unauthorized", ""} {
		if err := s.SetMeta(ctx, "influx_last_error", v); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Meta(ctx, "influx_last_error"); err != nil || got != v {
			t.Fatalf("Meta = %q, %v; want %q", got, err, v)
		}
	}
}

func TestDocumentID(t *testing.T) {
	base := "Security report\n\nIn January, 40 people died.\nCafé attacks rose."
	tests := []struct {
		name, text string
		same       bool
	}{
		{"identical", base, true},
		{"crlf", strings.ReplaceAll(base, "\n", "\r\n"), true},
		{"trailing spaces", strings.ReplaceAll(base, "\n", " \t\n") + "   ", true},
		{"blank line runs", strings.Replace(base, "\n\n", "\n\n\n \n\n", 1), true},
		{"surrounding space", "\n\n  " + base + "\n\n", true},
		{"decomposed accent (NFD)", strings.Replace(base, "Café", "Cafe\u0301", 1), true},
		{"changed number", strings.Replace(base, "40", "41", 1), false},
		{"blank line removed", strings.Replace(base, "\n\n", "\n", 1), false},
		{"indentation kept", strings.Replace(base, "\nIn", "\n  In", 1), false},
	}
	want := DocumentID(base)
	if len(want) != 64 {
		t.Fatalf("DocumentID length %d", len(want))
	}
	if got := DocumentID("hello"); got != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Fatalf("DocumentID(hello) = %s; want the SHA-256 of hello", got)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DocumentID(tt.text); (got == want) != tt.same {
				t.Fatalf("DocumentID(%q) = %s, base %s; same = %v, want %v", tt.text, got, want, got == want, tt.same)
			}
		})
	}
}
