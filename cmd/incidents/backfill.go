package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
)

func init() { commands = append(commands, newBackfillCmd) }

type backfillOptions struct {
	source, publisher, country, published string
	jobs, batch                           int
	dryRun                                bool
	cpuProfile                            string
}

func newBackfillCmd() *cobra.Command {
	var o backfillOptions
	cmd := &cobra.Command{
		Use:   "backfill PATH ...",
		Short: "Ingest an archive of report files",
		Long: `backfill ingests every report file (.txt, .md, .html) under the given
files, directories (walked recursively) or globs. --jobs workers read and
parse in parallel; one writer stores the documents in batched
transactions (--batch-size documents or one second, whichever comes first). Documents already stored are skipped before parsing, so an
interrupted backfill resumes when run again. Documents are labelled with
--source (default "backfill"); when it names a configured source, that
source's publisher and country are the defaults of --publisher and
--country.

A progress bar (documents, rate, ETA) is drawn when stderr is a terminal;
otherwise a log line reports progress every 5 seconds. Ctrl-C stops
cleanly: documents already parsed are committed and the command exits 1.
--dry-run reads and parses without touching the store (to measure parsing
throughput). --cpuprofile FILE writes a Go CPU profile of the run to FILE
(read it with: go tool pprof bin/incidents FILE).

Example:
  incidents backfill archive/picss/ --source picss --publisher PICSS --country PK
  incidents backfill 'archive/*/2023-*.txt' --jobs 4`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runBackfill(cmd, args, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.source, "source", "backfill", "source name the documents are stored under")
	f.StringVar(&o.publisher, "publisher", "", "publisher of the documents (default: the source's, or defaults.publisher)")
	f.StringVar(&o.country, "country", "", "country of the documents (default: the source's, or defaults.country)")
	f.StringVar(&o.published, "published", "", "publication date YYYY-MM-DD for every document (default: from each file)")
	f.IntVar(&o.jobs, "jobs", runtime.NumCPU(), "number of parsing workers")
	f.IntVar(&o.batch, "batch-size", 1000, "documents per transaction (a transaction also commits every second)")
	f.BoolVar(&o.dryRun, "dry-run", false, "parse without storing")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (for go tool pprof)")
	return cmd
}

// fileOptions resolves the labels of backfilled documents from the flags,
// the configured source of that name and the defaults.
func (o backfillOptions) fileOptions(cfg *config.Config) (collector.FileOptions, error) {
	fo := collector.FileOptions{Source: o.source, Publisher: cfg.Defaults.Publisher, Country: cfg.Defaults.Country, MaxBytes: cfg.Fetch.MaxBodyBytes}
	for _, s := range cfg.Sources {
		if s.Name == o.source {
			fo.Publisher, fo.Country, fo.Published = s.Publisher, s.Country, s.PublishedTime()
		}
	}
	if o.publisher != "" {
		fo.Publisher = o.publisher
	}
	if o.country != "" {
		if len(o.country) != 2 || o.country[0] < 'A' || o.country[0] > 'Z' || o.country[1] < 'A' || o.country[1] > 'Z' {
			return fo, usageErrorf("invalid --country %q: want two upper-case letters, e.g. PK", o.country)
		}
		fo.Country = o.country
	}
	if o.published != "" {
		t, err := time.Parse(time.DateOnly, o.published)
		if err != nil {
			return fo, usageErrorf("invalid --published %q: want YYYY-MM-DD", o.published)
		}
		fo.Published = t
	}
	if o.source == "" {
		return fo, usageErrorf("--source must not be empty")
	}
	if o.jobs < 1 {
		return fo, usageErrorf("invalid --jobs %d: want at least 1", o.jobs)
	}
	if o.batch < 1 {
		return fo, usageErrorf("invalid --batch-size %d: want at least 1", o.batch)
	}
	return fo, nil
}

func runBackfill(cmd *cobra.Command, paths []string, o backfillOptions) error {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	fo, err := o.fileOptions(cfg)
	if err != nil {
		return err
	}
	logger, err := commandLogger(cmd, cfg)
	if err != nil {
		return err
	}
	b := &collector.Backfill{Logger: logger, File: fo, Jobs: o.jobs, BatchSize: o.batch, DryRun: o.dryRun}
	if !o.dryRun {
		_, _, st, err := setup(cmd)
		if err != nil {
			return err
		}
		defer st.Close()
		b.Store = st
	}
	if o.cpuProfile != "" {
		stopProfile, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	done := make(chan struct{})
	progressDone := make(chan struct{})
	go func() { defer close(progressDone); showProgress(cmd.ErrOrStderr(), b, logger, done) }()
	stats, err := b.Run(ctx, paths)
	close(done)
	<-progressDone
	elapsed := time.Since(start)
	fmt.Fprintf(cmd.OutOrStdout(), "backfill: %d documents in %s (%.1f docs/s): %d stored, %d skipped, %d failed, %d figures, %d revisions%s\n",
		stats.Processed, elapsed.Round(time.Millisecond), float64(stats.Processed)/elapsed.Seconds(),
		stats.Stored, stats.Skipped, stats.Failed, stats.Figures, stats.Revisions, dryRunNote(o.dryRun))
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return fmt.Errorf("interrupted: %d documents stored, run again to resume", stats.Stored)
	case err != nil:
		return err
	case stats.Failed > 0:
		return fmt.Errorf("%d of %d documents failed (see the log)", stats.Failed, stats.Total)
	}
	return nil
}

// startCPUProfile starts writing a CPU profile to path and returns the
// function that stops it and closes the file.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func dryRunNote(dry bool) string {
	if dry {
		return " (dry run: nothing stored)"
	}
	return ""
}

// showProgress draws a progress bar on a terminal, or logs progress every
// 5 seconds otherwise, until done is closed.
func showProgress(w io.Writer, b *collector.Backfill, logger *slog.Logger, done <-chan struct{}) {
	f, ok := w.(*os.File)
	if ok && isTerminal(f) {
		drawBar(f, b, done)
		return
	}
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	start := time.Now()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			s := b.Stats()
			logger.Info("backfill progress", "processed", s.Processed, "total", s.Total, "stored", s.Stored,
				"skipped", s.Skipped, "failed", s.Failed, "rate", fmt.Sprintf("%.1f/s", float64(s.Processed)/time.Since(start).Seconds()))
		}
	}
}

func drawBar(w io.Writer, b *collector.Backfill, done <-chan struct{}) {
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("backfill"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("docs"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			_ = bar.Finish()
			return
		case <-tick.C:
			s := b.Stats()
			if s.Total > 0 && bar.GetMax64() != s.Total {
				bar.ChangeMax64(s.Total)
			}
			_ = bar.Set64(s.Processed)
		}
	}
}
