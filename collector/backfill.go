package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// Backfill ingests an archive of report files: Jobs workers read and parse
// files in parallel and one writer stores them in batched transactions.
// Documents already stored are skipped before parsing, so an interrupted
// backfill resumes where it stopped when run again (into an empty store
// the check is skipped; the store itself ignores repeated texts).
type Backfill struct {
	Store  Store
	Logger *slog.Logger
	// Extract defaults to parser.Extract.
	Extract ExtractFunc
	// File labels every document (source, publisher, country, published
	// override) and bounds its size.
	File FileOptions
	// Jobs is the number of parsing workers; default runtime.NumCPU().
	Jobs int
	// BatchSize and BatchInterval bound a transaction: it commits after
	// this many documents or this long, whichever comes first. Defaults:
	// 1000 documents, 1s (on 20,000 reports, batches of 500 store about
	// 1.7 times faster than batches of 100, batches of 1000 another 10%
	// faster: every commit rewrites the pages of the randomly ordered
	// primary keys it touched).
	BatchSize     int
	BatchInterval time.Duration
	// DryRun reads and parses without storing or consulting the store.
	DryRun bool
	// BulkLoadMin is the number of files from which a backfill into a
	// store holding at most half as many documents loads in bulk (see
	// bulkLoad); default 1000, negative: never.
	BulkLoadMin int

	total, processed, stored, skipped, failed, figures, revisions atomic.Int64
	// empty is set when the store held no document at the start: nothing
	// can be known, so the per-document check is skipped.
	empty bool
}

// storedDocuments returns the number of documents in the store, or -1
// when the store cannot tell.
func (b *Backfill) storedDocuments(ctx context.Context) int64 {
	s, ok := b.Store.(interface {
		Stats(context.Context) (store.Stats, error)
	})
	if !ok || b.DryRun {
		return -1
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return -1
	}
	return st.Documents
}

// bulkLoader is a store that can drop the indexes Ingest does not need
// during a bulk load (see store.Store.BulkLoad).
type bulkLoader interface {
	BulkLoad(ctx context.Context) (finish func(context.Context) error, err error)
}

// bulkLoad switches the store to bulk loading when the backfill is large:
// at least BulkLoadMin files and at least twice as many as the documents
// stored already, since building the indexes again costs in proportion to
// the whole store and saves in proportion to the new rows (a resumed
// backfill that is mostly stored keeps the indexes). It returns the
// function that ends the bulk load (a no-op when there is none).
func (b *Backfill) bulkLoad(ctx context.Context, files int, stored int64) (func(context.Context) error, error) {
	none := func(context.Context) error { return nil }
	bl, ok := b.Store.(bulkLoader)
	if !ok || b.DryRun || b.BulkLoadMin < 0 || files < b.bulkLoadMin() || stored < 0 || 2*stored > int64(files) {
		return none, nil
	}
	finish, err := bl.BulkLoad(ctx)
	if err != nil {
		return none, fmt.Errorf("begin bulk load: %w", err)
	}
	b.logger().Debug("bulk load: indexes dropped until the end of the backfill", "files", files, "stored", stored)
	return finish, nil
}

// BackfillStats counts the documents of a backfill so far.
type BackfillStats struct {
	// Total is the number of files found; Processed how many are done.
	Total, Processed int64
	// Stored were new and stored (parsed only, with DryRun); Skipped were
	// stored already; Failed could not be read or parsed.
	Stored, Skipped, Failed int64
	// Figures and Revisions count what the stored documents brought.
	Figures, Revisions int64
}

// Stats returns the counts so far; it is safe to call during Run.
func (b *Backfill) Stats() BackfillStats {
	return BackfillStats{
		Total: b.total.Load(), Processed: b.processed.Load(), Stored: b.stored.Load(),
		Skipped: b.skipped.Load(), Failed: b.failed.Load(), Figures: b.figures.Load(), Revisions: b.revisions.Load(),
	}
}

// Run backfills the files under paths (files, directories or globs). When
// ctx ends, workers stop taking files, the documents already parsed are
// committed and Run returns ctx's error. A store failure stops the run.
func (b *Backfill) Run(ctx context.Context, paths []string) (BackfillStats, error) {
	var files []string
	for _, p := range paths {
		fs, err := ListFiles(p)
		if err != nil {
			return b.Stats(), err
		}
		files = append(files, fs...)
	}
	b.total.Store(int64(len(files)))
	stored := b.storedDocuments(ctx)
	b.empty = stored == 0
	finish, err := b.bulkLoad(ctx, len(files), stored)
	if err != nil {
		return b.Stats(), err
	}
	stats, err := b.run(ctx, files)
	// The indexes come back even when ctx ended: an interrupted backfill
	// leaves a complete store.
	start := time.Now()
	if ferr := finish(context.WithoutCancel(ctx)); ferr != nil {
		err = errors.Join(err, fmt.Errorf("end bulk load: %w", ferr))
	}
	b.logger().Debug("backfill finished", "stored", stats.Stored, "finish", time.Since(start))
	return stats, err
}

// run backfills files: see Run.
func (b *Backfill) run(ctx context.Context, files []string) (BackfillStats, error) {

	work, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	paths2 := make(chan string)
	items := make(chan store.Ingest, 2*b.jobs())
	go func() {
		defer close(paths2)
		for _, f := range files {
			select {
			case paths2 <- f:
			case <-work.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range b.jobs() {
		wg.Go(func() { b.worker(work, paths2, items) })
	}
	go func() { wg.Wait(); close(items) }()

	if err := b.write(ctx, items); err != nil {
		stop(err)
		for range items { // let the workers finish
		}
		return b.Stats(), err
	}
	if err := ctx.Err(); err != nil {
		return b.Stats(), err
	}
	return b.Stats(), nil
}

func (b *Backfill) worker(ctx context.Context, paths <-chan string, items chan<- store.Ingest) {
	for p := range paths {
		if ctx.Err() != nil {
			return
		}
		item, ok := b.prepare(ctx, p)
		if !ok {
			b.processed.Add(1)
			continue
		}
		items <- item // the writer drains items until they are closed
	}
}

// prepare reads and parses one file; ok is false when it needs no storing.
func (b *Backfill) prepare(ctx context.Context, path string) (store.Ingest, bool) {
	doc, err := ReadFile(path, b.File)
	if err != nil {
		b.failed.Add(1)
		b.logger().Warn("document failed", "url", path, "err", err)
		return store.Ingest{}, false
	}
	id := store.DocumentID(doc.Text)
	if !b.DryRun && !b.empty {
		known, err := b.Store.HasDocument(ctx, id)
		if err != nil {
			if ctx.Err() == nil {
				b.failed.Add(1)
				b.logger().Warn("document failed", "url", path, "err", err)
			}
			return store.Ingest{}, false
		}
		if known {
			b.skipped.Add(1)
			return store.Ingest{}, false
		}
	}
	item := Prepare(doc, id, b.Extract)
	if !b.DryRun { // encoded here, by every worker, rather than by the single writer
		item.Encoded = store.EncodeFigures(item.Figures)
	}
	return item, true
}

// write is the single writer: it gathers items into batches until items is
// closed and commits them in another goroutine, so that gathering (and
// parsing) goes on while a batch is committed. At most three batches are
// held: one committing, one queued and one being gathered. Batches are
// committed even when ctx is done; after a failed commit the rest are
// dropped.
func (b *Backfill) write(ctx context.Context, items <-chan store.Ingest) error {
	batches := make(chan []store.Ingest, 1)
	failed := make(chan struct{})
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		for batch := range batches {
			if err != nil {
				continue
			}
			if err = b.commit(context.WithoutCancel(ctx), batch); err != nil {
				close(failed)
			}
		}
	}()
	b.gather(items, batches, failed)
	close(batches)
	<-done
	return err
}

// gather reads items into batches of batchSize, sent to batches when full,
// when items is closed, or at every batchInterval tick if the committer is
// free. It returns when items is closed or failed is.
func (b *Backfill) gather(items <-chan store.Ingest, batches chan<- []store.Ingest, failed <-chan struct{}) {
	size := b.batchSize()
	batch := make([]store.Ingest, 0, size)
	tick := time.NewTicker(b.batchInterval())
	defer tick.Stop()
	// send hands the batch over, waiting for the committer unless wait
	// is false; it reports false when the committer failed.
	send := func(wait bool) bool {
		if len(batch) == 0 {
			return true
		}
		if !wait {
			select {
			case batches <- batch:
				batch = make([]store.Ingest, 0, size)
			default:
			}
			return true
		}
		select {
		case batches <- batch:
			batch = make([]store.Ingest, 0, size)
			return true
		case <-failed:
			return false
		}
	}
	for {
		select {
		case it, ok := <-items:
			if !ok {
				send(true)
				return
			}
			batch = append(batch, it)
			if len(batch) >= size && !send(true) {
				return
			}
		case <-tick.C:
			send(false)
		case <-failed:
			return
		}
	}
}

func (b *Backfill) commit(ctx context.Context, batch []store.Ingest) error {
	defer b.processed.Add(int64(len(batch)))
	if b.DryRun {
		for _, it := range batch {
			b.stored.Add(1)
			b.figures.Add(int64(len(it.Figures)))
		}
		return nil
	}
	res, err := b.Store.Ingest(ctx, batch...)
	if err != nil {
		b.failed.Add(int64(len(batch)))
		return fmt.Errorf("store batch of %d documents (first %s): %w", len(batch), batch[0].Doc.URL, err)
	}
	for _, r := range res {
		if !r.New {
			b.skipped.Add(1)
			continue
		}
		b.stored.Add(1)
		b.figures.Add(int64(r.Figures))
		b.revisions.Add(int64(r.Revisions))
	}
	return nil
}

func (b *Backfill) jobs() int {
	if b.Jobs > 0 {
		return b.Jobs
	}
	return runtime.NumCPU()
}

func (b *Backfill) batchSize() int {
	if b.BatchSize > 0 {
		return b.BatchSize
	}
	return 1000
}

func (b *Backfill) bulkLoadMin() int {
	if b.BulkLoadMin > 0 {
		return b.BulkLoadMin
	}
	return 1000
}

func (b *Backfill) batchInterval() time.Duration {
	if b.BatchInterval > 0 {
		return b.BatchInterval
	}
	return time.Second
}

func (b *Backfill) logger() *slog.Logger {
	if b.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return b.Logger
}
