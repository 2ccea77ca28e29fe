package collector

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// cancelAfter is a Store that cancels a context once n documents are
// committed, as Ctrl-C would during a backfill.
type cancelAfter struct {
	*store.Store
	n      int
	cancel context.CancelFunc
	seen   int
}

func (c *cancelAfter) Ingest(ctx context.Context, items ...store.Ingest) ([]store.IngestResult, error) {
	res, err := c.Store.Ingest(ctx, items...)
	c.seen += len(items)
	if c.seen >= c.n {
		c.cancel()
	}
	return res, err
}

func dump(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	obs, err := st.Observations(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	pts, err := st.Series(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, o := range obs {
		out += fmt.Sprintf("obs %s %s %s %s %s %d %s\n", o.Source, o.Period, o.Metric, o.Category, o.Region, o.Value, o.DocumentID[:8])
	}
	for _, p := range pts {
		out += fmt.Sprintf("point %s %s %s %s %s %d\n", p.Source, p.Period, p.Metric, p.Category, p.Region, p.Value)
	}
	return out
}

func TestBackfillResumesAfterInterruption(t *testing.T) {
	dir := t.TempDir()
	writeReports(t, filepath.Join(dir, "a"), 150)
	writeReports(t, filepath.Join(dir, "b", "c"), 90) // 90 texts equal to a/ files: duplicates
	opts := FileOptions{Source: "archive", Publisher: "P", Country: "PK"}

	whole := openTestStore(t)
	fx := &fakeExtract{}
	stats, err := (&Backfill{Store: whole, Extract: fx.extract, File: opts, Jobs: 3, BatchSize: 7}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Total != 240 || stats.Processed != 240 || stats.Stored != 150 || stats.Skipped != 90 || stats.Failed != 0 {
		t.Errorf("uninterrupted: %+v, want 240 processed, 150 stored, 90 skipped", stats)
	}

	resumed := openTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first, err := (&Backfill{Store: &cancelAfter{Store: resumed, n: 40, cancel: cancel}, Extract: fx.extract, File: opts, Jobs: 3, BatchSize: 7}).Run(ctx, []string{dir})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	if first.Stored < 40 || first.Processed >= 240 {
		t.Fatalf("interrupted run: %+v, want it stopped after at least 40 stored", first)
	}
	mid, err := resumed.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if mid.Documents != first.Stored {
		t.Errorf("after the interruption the store holds %d documents, the run reported %d stored", mid.Documents, first.Stored)
	}
	calls := fx.calls.Load()
	second, err := (&Backfill{Store: resumed, Extract: fx.extract, File: opts, Jobs: 3, BatchSize: 7}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if first.Stored+second.Stored != 150 {
		t.Errorf("stored %d then %d, want 150 in all", first.Stored, second.Stored)
	}
	if parsed := fx.calls.Load() - calls; parsed > 240-first.Stored {
		t.Errorf("resume parsed %d documents, more than the %d not stored", parsed, 240-first.Stored)
	}
	if a, b := dump(t, whole), dump(t, resumed); a != b {
		t.Errorf("resumed store differs from an uninterrupted one:\n%s\nvs\n%s", a, b)
	}
	st, _ := resumed.Stats(context.Background())
	if st.Documents != 150 || st.Observations != 450 {
		t.Errorf("resumed store: %d documents, %d observations; want 150, 450", st.Documents, st.Observations)
	}
}

func TestBackfillDryRunAndFailures(t *testing.T) {
	dir := t.TempDir()
	writeReports(t, dir, 20)
	writeReports(t, filepath.Join(dir, "big"), 0)
	fx := &fakeExtract{}
	stats, err := (&Backfill{Extract: fx.extract, DryRun: true, File: FileOptions{MaxBytes: 100}, Jobs: 2}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	// Every report is over 100 bytes: all fail, none reaches the parser.
	if stats.Failed != 20 || stats.Stored != 0 || fx.calls.Load() != 0 {
		t.Errorf("size-capped dry run: %+v, %d parses", stats, fx.calls.Load())
	}
	stats, err = (&Backfill{Extract: fx.extract, DryRun: true, Jobs: 2}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Stored != 20 || stats.Figures != 60 || stats.Processed != 20 {
		t.Errorf("dry run: %+v, want 20 parsed with 60 figures", stats)
	}
	if _, err := (&Backfill{DryRun: true}).Run(context.Background(), []string{filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing path: no error")
	}
}

// gateStore holds its first Ingest until release is closed or a deadline
// passes, recording which.
type gateStore struct {
	*store.Store
	release  <-chan struct{}
	parsed   *atomic.Int64 // documents parsed so far
	calls    int
	timedOut bool
	atTime   int64 // documents parsed when the deadline passed
}

func (g *gateStore) Ingest(ctx context.Context, items ...store.Ingest) ([]store.IngestResult, error) {
	g.calls++
	if g.calls == 1 {
		select {
		case <-g.release:
		case <-time.After(10 * time.Second):
			g.timedOut, g.atTime = true, g.parsed.Load()
		}
	}
	return g.Store.Ingest(ctx, items...)
}

// TestBackfillParsesWhileCommitting checks that parsing goes on while a
// batch is being committed: with the first commit held, the workers parse
// two more batches (more than the item buffer holds) before it ends.
func TestBackfillParsesWhileCommitting(t *testing.T) {
	dir := t.TempDir()
	writeReports(t, dir, 60)
	const batch = 10
	fx := &fakeExtract{}
	release := make(chan struct{})
	var once sync.Once
	extract := func(text string, pc parser.Context) []parser.Figure {
		figs := fx.extract(text, pc)
		if fx.calls.Load() >= 3*batch {
			once.Do(func() { close(release) })
		}
		return figs
	}
	gs := &gateStore{Store: openTestStore(t), release: release, parsed: &fx.calls}
	stats, err := (&Backfill{Store: gs, Extract: extract, File: FileOptions{Source: "archive"}, Jobs: 2,
		BatchSize: batch, BatchInterval: time.Hour}).Run(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if gs.timedOut {
		t.Errorf("the first commit was held 10s and only %d documents were parsed meanwhile, want %d", gs.atTime, 3*batch)
	}
	if stats.Stored != 60 || stats.Processed != 60 {
		t.Errorf("stats %+v, want 60 stored", stats)
	}
}

// failStore fails every Ingest after the first.
type failStore struct {
	*store.Store
	calls int
}

var errDiskFull = errors.New("disk full")

func (f *failStore) Ingest(ctx context.Context, items ...store.Ingest) ([]store.IngestResult, error) {
	f.calls++
	if f.calls > 1 {
		return nil, errDiskFull
	}
	return f.Store.Ingest(ctx, items...)
}

func TestBackfillStopsOnStoreFailure(t *testing.T) {
	dir := t.TempDir()
	writeReports(t, dir, 100)
	fx := &fakeExtract{}
	fs := &failStore{Store: openTestStore(t)}
	stats, err := (&Backfill{Store: fs, Extract: fx.extract, File: FileOptions{Source: "archive"}, Jobs: 2,
		BatchSize: 10, BatchInterval: time.Hour}).Run(context.Background(), []string{dir})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("err = %v, want the store's error", err)
	}
	if stats.Stored != 10 || fs.calls != 2 {
		t.Errorf("stats %+v after %d Ingest calls, want 10 stored and no Ingest after the failure", stats, fs.calls)
	}
	st, err := fs.Store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Documents != 10 {
		t.Errorf("store holds %d documents, want the 10 of the first batch", st.Documents)
	}
}
