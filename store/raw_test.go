package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/incidents-dev/incidents/parser"
)

// withRaw runs fn with the raw insert path on or off.
func withRaw(t *testing.T, on bool, fn func()) {
	t.Helper()
	old := useRaw
	useRaw = on
	defer func() { useRaw = old }()
	fn()
}

// usesRaw reports whether Ingest on s takes the raw path.
func usesRaw(t *testing.T, s *Store) bool {
	t.Helper()
	conn, err := s.write.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return connHasRaw(conn)
}

// odd is a document whose texts and numbers exercise the binding of every
// argument type: NUL bytes, invalid UTF-8, quotes, non-ASCII text, empty
// strings, extreme integers and floats that need every digit.
func odd(n int) Ingest {
	text := fmt.Sprintf("Report %d: it's \"quoted\", back\\slashed, Ünïcödé — 12 attacks.\x00 Bad \xff\xfe bytes; 7 deaths.", n)
	it := Ingest{Doc: Document{URL: fmt.Sprintf("file:///r/%d\x00.txt", n), Source: "odd", Publisher: "",
		Title: "", Published: day("2024-02-03"), Fetched: day("2024-02-05"), Text: text}}
	values := []int64{math.MaxInt64, math.MinInt64, 0, -1, 12}
	confs := []float64{0.7500000000000001, 1e-300, math.SmallestNonzeroFloat64, 0.1 + 0.2, 0}
	evid := []string{"", "\x00", "it's \"quoted\"", "Bad \xff\xfe bytes", strings.Repeat("long ", 1000)}
	for i := range 5 {
		it.Figures = append(it.Figures, parser.Figure{Period: fmt.Sprintf("2024-%02d", i+1), Metric: "attacks", Category: "all",
			Region: "PK-\x00" + fmt.Sprint(i), Value: values[i], Qualifier: "exact", Confidence: confs[(i+n)%5],
			Evidence: parser.Evidence{Text: evid[(i+n)%5], Start: i, End: i + 1}})
	}
	return it
}

// many is a document with n figures, more than one statement holds.
func many(n int) Ingest {
	it := Ingest{Doc: Document{URL: "file:///many", Source: "many", Publisher: "P", Title: "Many",
		Published: day("2024-06-01"), Fetched: day("2024-06-02"), Text: fmt.Sprintf("%d figures", n)}}
	for i := range n {
		it.Figures = append(it.Figures, parser.Figure{Period: fmt.Sprintf("%d-%02d", 2000+i/12, i%12+1), Metric: "deaths",
			Category: "civilians", Region: "PK", Value: int64(i), Qualifier: "approx", Confidence: 0.5,
			Evidence: parser.Evidence{Text: fmt.Sprintf("sentence %d", i), Start: i, End: i + 1}})
	}
	return it
}

// TestIngestRawMatchesSQL ingests the same batches through the raw path
// and through database/sql and compares every table.
func TestIngestRawMatchesSQL(t *testing.T) {
	tests := []struct {
		name    string
		batches [][]Ingest
	}{
		{name: "odd texts and numbers", batches: [][]Ingest{{odd(0), odd(1)}, {odd(2), odd(3), odd(4)}}},
		{name: "every statement size", batches: [][]Ingest{{many(255)}, {many(1)}}},
		{name: "revisions", batches: [][]Ingest{
			{report(t, "picss", "2024-02-01", "In January, 10 attacks took place.", figSpec{"2024-01", "attacks", "", "10 attacks"})},
			{report(t, "picss", "2024-02-03", "In January, 12 attacks took place.", figSpec{"2024-01", "attacks", "", "12 attacks"}),
				report(t, "picss", "2024-02-02", "In January, 11 attacks took place.", figSpec{"2024-01", "attacks", "", "11 attacks"})},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dumps [2]string
			for i, raw := range []bool{false, true} {
				withRaw(t, raw, func() {
					s := openTest(t)
					if got := usesRaw(t, s); got != raw {
						t.Fatalf("raw path used: %v, want %v", got, raw)
					}
					for _, b := range tt.batches {
						ingest(t, s, b...)
					}
					dumps[i] = dump(t, s)
				})
			}
			if dumps[1] != dumps[0] {
				t.Errorf("raw path stored other rows than database/sql: %s", firstDiff(dumps[1], dumps[0]))
			}
		})
	}
}

// TestIngestRawBulkLoad checks that the raw statements survive the schema
// changes of a bulk load and a reopened store.
func TestIngestRawBulkLoad(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ingest(t, s, odd(0))
	finish, err := s.BulkLoad(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ingest(t, s, odd(1), many(130))
	if err := finish(ctx); err != nil {
		t.Fatal(err)
	}
	ingest(t, s, odd(2))
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	ingest(t, s, odd(3))
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 5 || st.Observations != 4*5+130 {
		t.Errorf("stats %+v, want 5 documents, 150 observations", st)
	}
}

func TestRawHandle(t *testing.T) {
	type conn struct {
		db  uintptr
		tls *int
	}
	tests := []struct {
		name string
		dc   any
	}{
		{"nil", nil},
		{"not a pointer", 1},
		{"nil pointer", (*conn)(nil)},
		{"another driver's connection", &conn{db: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := rawHandle(tt.dc); ok {
				t.Errorf("rawHandle(%#v) = true", tt.dc)
			}
		})
	}
	if !usesRaw(t, openTest(t)) {
		t.Error("the driver's connection has no raw handle")
	}
}

// TestRawExecErrors checks that the raw path reports failing statements
// and leaves the transaction usable for a rollback.
func TestRawExecErrors(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	conn, err := s.write.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE u (a TEXT UNIQUE, b INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []any
		wantErr string
	}{
		{"ok", []any{"x", 1}, ""},
		{"constraint", []any{"x", 2}, "UNIQUE constraint failed"},
		{"too few arguments", []any{"y"}, "1 arguments for 2 parameters"},
		{"unsupported type", []any{"y", []int{1}}, "unsupported type"},
		{"ok after errors", []any{"z", nil}, ""},
	}
	err = conn.Raw(func(dc any) error {
		r, ok := rawHandle(dc)
		if !ok {
			t.Fatal("no raw handle")
		}
		st, err := r.prepare(`INSERT INTO u(a, b) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer r.finalize(st)
		var scratch []byte
		for _, tt := range tests {
			err := r.exec(st, tt.args, &scratch)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("%s: exec(%v) = %v, want error %q", tt.name, tt.args, err, tt.wantErr)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM u`).Scan(&n); err != nil || n != 2 {
		t.Errorf("rows: %d (%v), want 2", n, err)
	}
}
