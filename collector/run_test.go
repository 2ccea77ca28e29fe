package collector

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// fakeExtract reads figures from lines "FIG period metric category region
// value" so that these tests do not depend on the real parser; calls counts
// its invocations.
type fakeExtract struct{ calls atomic.Int64 }

func (f *fakeExtract) extract(text string, _ parser.Context) []parser.Figure {
	f.calls.Add(1)
	var out []parser.Figure
	off := 0
	for line := range strings.SplitSeq(text, "\n") {
		fs := strings.Fields(line)
		if len(fs) == 6 && fs[0] == "FIG" {
			v, _ := strconv.ParseInt(fs[5], 10, 64)
			start := off + strings.LastIndex(line, fs[5])
			out = append(out, parser.Figure{Period: fs[1], Metric: fs[2], Category: fs[3], Region: fs[4], Value: v,
				Qualifier: "exact", Evidence: parser.Evidence{Text: line, Start: start, End: start + len(fs[5])}, Confidence: 1})
		}
		off += len(line) + 1
	}
	return out
}

func openTestStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "db", "incidents.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// writeReports writes n reports, report i about month i+1 of 2024.
func writeReports(t *testing.T, dir string, n int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		m := fmt.Sprintf("2024-%02d", i%12+1)
		// Reports on one month have distinct dates, so that the accepted
		// value does not depend on the order of storing.
		body := fmt.Sprintf("Published: %s-%02d\n\nReport %d for %s\nFIG %s attacks all PK %d\nFIG %s deaths all PK %d\nFIG %s deaths civilians PK-BA %d\n",
			m, 1+i/12, i, m, m, 40+i, m, 50+i, m, 10+i%7)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("r%03d.txt", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// staticSource yields fixed documents and errors, then runs after.
type staticSource struct {
	name  string
	items []any // Document or error
	after func()
}

func (s *staticSource) Name() string { return s.name }

func (s *staticSource) Documents(ctx context.Context) iter.Seq2[Document, error] {
	return func(yield func(Document, error) bool) {
		for _, it := range s.items {
			if ctx.Err() != nil {
				yield(Document{}, ctx.Err())
				return
			}
			var ok bool
			switch v := it.(type) {
			case Document:
				ok = yield(v, nil)
			case error:
				ok = yield(Document{URL: "bad://" + s.name}, v)
			}
			if !ok {
				return
			}
			if s.after != nil {
				s.after()
			}
		}
	}
}

func doc(source, text string) Document {
	return Document{Source: source, Publisher: "P", Country: "PK", URL: "mem://" + source, Published: day("2024-05-01"), Text: text}
}

func laterDoc(source, text string) Document {
	d := doc(source, text)
	d.Published = d.Published.AddDate(0, 0, 1)
	return d
}

func TestRunCountsAndIsolatesFailures(t *testing.T) {
	st := openTestStore(t)
	dir := t.TempDir()
	writeReports(t, dir, 5)
	files, err := NewSources([]config.Source{{Name: "files", Kind: "file", Path: dir, Publisher: "P", Country: "PK"}}, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	broken := &staticSource{name: "broken", items: []any{
		doc("broken", "FIG 2024-04 attacks all PK 7"),
		errors.New("fetch http://x/2: 500 Internal Server Error"),
		laterDoc("broken", "FIG 2024-04 attacks all PK 8\nsecond text"),
	}}
	fatal := &staticSource{name: "fatal", items: []any{errors.New("list /nope: no such file or directory")}}
	fx := &fakeExtract{}
	c := &Collector{Store: st, Extract: fx.extract}
	sources := append(files, broken, fatal)

	first := c.Run(context.Background(), sources)
	second := c.Run(context.Background(), sources)
	tests := []struct {
		name string
		got  SourceSummary
		want SourceSummary
	}{
		{"files first", first.Sources[0], SourceSummary{Source: "files", New: 5, Figures: 15}},
		{"broken first", first.Sources[1], SourceSummary{Source: "broken", New: 2, Failed: 1, Figures: 2, Revisions: 1,
			Errors: []string{"fetch http://x/2: 500 Internal Server Error"}}},
		{"fatal first", first.Sources[2], SourceSummary{Source: "fatal", Failed: 1, Errors: []string{"list /nope: no such file or directory"}}},
		{"files second", second.Sources[0], SourceSummary{Source: "files", Unchanged: 5}},
		{"broken second", second.Sources[1], SourceSummary{Source: "broken", Unchanged: 2, Failed: 1,
			Errors: []string{"fetch http://x/2: 500 Internal Server Error"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.got
			got.Duration = 0
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if first.OK() || !first.Sources[0].OK() {
		t.Errorf("OK: run %v, files %v; want false, true", first.OK(), first.Sources[0].OK())
	}
	if n := fx.calls.Load(); n != 7 {
		t.Errorf("parsed %d times, want 7: unchanged documents must not be parsed", n)
	}
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Documents != 7 || stats.Observations != 17 {
		t.Errorf("store holds %d documents, %d observations; want 7, 17", stats.Documents, stats.Observations)
	}
}

func TestRunStopsBetweenDocumentsOnCancel(t *testing.T) {
	st := openTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := &staticSource{name: "s", after: cancel, items: []any{
		doc("s", "FIG 2024-01 attacks all PK 1"),
		doc("s", "FIG 2024-02 attacks all PK 2"),
	}}
	other := &staticSource{name: "other", items: []any{doc("other", "FIG 2024-03 attacks all PK 3")}}
	fx := &fakeExtract{}
	sum := (&Collector{Store: st, Extract: fx.extract}).Run(ctx, []Source{src, other})
	if s := sum.Sources[0]; s.New != 1 || !s.Interrupted || s.Failed != 0 {
		t.Errorf("source s: %+v, want 1 new and interrupted", s)
	}
	if s := sum.Sources[1]; s.New != 0 || !s.Interrupted {
		t.Errorf("source other: %+v, want not run and interrupted", s)
	}
	if sum.OK() {
		t.Error("an interrupted run is not OK")
	}
	stats, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.Documents != 1 {
		t.Errorf("%d documents stored, want the 1 finished before the cancel", stats.Documents)
	}
}

func TestRunStoresDocumentFields(t *testing.T) {
	st := openTestStore(t)
	d := doc("s", "Title line\nFIG 2024-04 deaths all PK 12")
	d.Title = "Title line"
	d.Fetched = time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	fx := &fakeExtract{}
	sum := (&Collector{Store: st, Extract: fx.extract}).Run(context.Background(), []Source{&staticSource{name: "s", items: []any{d}}})
	if !sum.OK() {
		t.Fatalf("run: %+v", sum)
	}
	pts, err := st.Series(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 {
		t.Fatalf("%d points, want 1", len(pts))
	}
	p := pts[0]
	got := fmt.Sprintf("%s %s %s %s %d %s %s %s %s", p.Source, p.Publisher, p.Period, p.Metric, p.Value, p.URL, p.Title, p.Published.Format(time.DateOnly), p.DocumentID)
	want := fmt.Sprintf("s P 2024-04 deaths 12 mem://s Title line 2024-05-01 %s", store.DocumentID(d.Text))
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
