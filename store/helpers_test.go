package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// testClock is a deterministic clock: each call returns one second later.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// openTest opens a store in a temp dir with a deterministic clock.
func openTest(t testing.TB) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "data", "incidents.db"))
}

func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	clk := &testClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	s.now = clk.now
	t.Cleanup(func() { s.Close() })
	return s
}

// day parses a YYYY-MM-DD date.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// figSpec describes a figure by the phrase of the text it is read from: the
// number is the first run of digits in the phrase.
type figSpec struct {
	period, metric, region, phrase string
}

// report builds an Ingest whose figures point into its text, like the
// parser's output: the value is parsed from the phrase and the evidence
// offsets are those of the number in the text.
func report(t testing.TB, source, published, text string, specs ...figSpec) Ingest {
	t.Helper()
	it := Ingest{Doc: Document{
		URL: "https://example.org/" + published, Source: source, Publisher: strings.ToUpper(source),
		Title: "Report " + published, Published: day(published), Fetched: day(published).Add(48 * time.Hour),
		Text: text,
	}}
	for _, sp := range specs {
		at := strings.Index(text, sp.phrase)
		if at < 0 {
			t.Fatalf("phrase %q not in text %q", sp.phrase, text)
		}
		start := at + strings.IndexAny(sp.phrase, "0123456789")
		end := start
		for end < len(text) && text[end] >= '0' && text[end] <= '9' {
			end++
		}
		var v int64
		fmt.Sscan(text[start:end], &v)
		region := sp.region
		if region == "" {
			region = "PK"
		}
		it.Figures = append(it.Figures, parser.Figure{
			Period: sp.period, Metric: sp.metric, Category: "all", Region: region, Value: v,
			Qualifier: "exact", Evidence: parser.Evidence{Text: sp.phrase, Start: start, End: end}, Confidence: 0.9,
		})
	}
	return it
}

// ingest calls Ingest and fails the test on error.
func ingest(t testing.TB, s *Store, items ...Ingest) []IngestResult {
	t.Helper()
	res, err := s.Ingest(context.Background(), items...)
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	return res
}

// dump renders every row of every table in a stable order.
func dump(t testing.TB, s *Store) string {
	t.Helper()
	ctx := context.Background()
	rows, err := s.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tbl := range tables {
		query := `SELECT * FROM "` + tbl + `"`
		if tbl == "schema_migrations" {
			// when a migration ran differs between two stores opened a
			// second apart; which ones ran is the content
			query = `SELECT version FROM schema_migrations`
		}
		cols, rows := queryAll(t, s, query)
		lines := make([]string, len(rows))
		for i, vals := range rows {
			lines[i] = fmt.Sprintf("%v", vals)
		}
		fmt.Fprintf(&b, "== %s %v (%d rows)\n%s\n", tbl, cols, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// queryAll runs q on s's readers and returns the column names and every
// row's values.
func queryAll(t testing.TB, s *Store, q string) ([]string, [][]any) {
	t.Helper()
	rows, err := s.read.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var all [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		all = append(all, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, all
}

// values renders accepted points as "period metric region=value" lines.
func values(ps []Point) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s %s %s=%d", p.Period, p.Metric, p.Region, p.Value))
	}
	return strings.Join(out, "\n")
}

// firstDiff shows the first line where two dumps differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(g), len(w))
}
