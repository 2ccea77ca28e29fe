package collector

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// BenchmarkBackfillIngest measures the writer of a backfill alone: the
// reports under $BENCH_REPORTS (made by scripts/gen-reports, e.g. kept by
// BENCH_KEEP=1 scripts/bench-backfill.sh) are read and parsed first, then
// stored as a backfill does (bulk load, batches of $BENCH_BATCH, default
// 1000) into a fresh store. cpu-ms/doc is the process CPU per document,
// steadier than the time on a shared machine.
func BenchmarkBackfillIngest(b *testing.B) {
	dir := os.Getenv("BENCH_REPORTS")
	if dir == "" {
		b.Skip("BENCH_REPORTS is not set")
	}
	files, err := ListFiles(dir)
	if err != nil {
		b.Fatal(err)
	}
	opts := FileOptions{Source: "bench", Publisher: "CCM", Country: "PK"}
	items := make([]store.Ingest, 0, len(files))
	for _, f := range files {
		doc, err := ReadFile(f, opts)
		if err != nil {
			b.Fatal(err)
		}
		item := Prepare(doc, store.DocumentID(doc.Text), nil)
		item.Encoded = store.EncodeFigures(item.Figures) // as the backfill's workers do
		items = append(items, item)
	}
	ctx := context.Background()
	var cpu time.Duration
	bs := 1000
	if v, err := strconv.Atoi(os.Getenv("BENCH_BATCH")); err == nil {
		bs = v
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cpuTime()
		finish, err := st.BulkLoad(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for start := 0; start < len(items); start += bs {
			if _, err := st.Ingest(ctx, items[start:min(start+bs, len(items))]...); err != nil {
				b.Fatal(err)
			}
		}
		if err := finish(ctx); err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*len(items)), "ms/doc")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N*len(items)), "cpu-ms/doc")
}

// cpuTime returns the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBackfillRun runs whole backfills of $BENCH_REPORTS into fresh
// stores (and, with BENCH_DRY=1, dry runs). BENCH_NOBULK=1 turns the bulk
// load off and BENCH_BATCH sets the batch size, for comparisons.
func BenchmarkBackfillRun(b *testing.B) {
	dir := os.Getenv("BENCH_REPORTS")
	if dir == "" {
		b.Skip("BENCH_REPORTS is not set")
	}
	ctx := context.Background()
	var cpu time.Duration
	docs := 0
	for b.Loop() {
		b.StopTimer()
		bf := &Backfill{File: FileOptions{Source: "bench", Publisher: "CCM", Country: "PK"}, DryRun: os.Getenv("BENCH_DRY") != ""}
		if os.Getenv("BENCH_NOBULK") != "" {
			bf.BulkLoadMin = -1
		}
		if v, err := strconv.Atoi(os.Getenv("BENCH_BATCH")); err == nil {
			bf.BatchSize = v
		}
		var st *store.Store
		if !bf.DryRun {
			var err error
			if st, err = store.Open(ctx, filepath.Join(b.TempDir(), "bench.db")); err != nil {
				b.Fatal(err)
			}
			bf.Store = st
		}
		b.StartTimer()
		c0 := cpuTime()
		stats, err := bf.Run(ctx, []string{dir})
		if err != nil {
			b.Fatal(err)
		}
		docs += int(stats.Processed)
		cpu += cpuTime() - c0
		b.StopTimer()
		if st != nil {
			st.Close()
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(docs), "cpu-ms/doc")
}
