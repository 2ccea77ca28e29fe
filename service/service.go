// Package service runs the collector as a daemon: sources are collected on
// cron schedules, one run at a time, and an HTTP server answers /healthz and
// /readyz (other packages mount more handlers, such as /metrics, on the same
// mux). On shutdown it stops scheduling, lets the running collection stop
// between documents and closes the HTTP server within a grace period.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/exporter-toolkit/web"
	"github.com/robfig/cron/v3"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
)

// Runner collects a set of sources once; *collector.Collector is one.
type Runner interface {
	Run(ctx context.Context, sources []collector.Source) collector.Summary
}

// Pinger reports whether the store is usable; *store.Store is one.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Job is a set of sources collected together on one cron schedule.
type Job struct {
	// Spec is a standard five-field cron spec or a descriptor such as
	// "@every 6h" or "@daily".
	Spec    string
	Sources []collector.Source
}

// Options configure a Service.
type Options struct {
	// Jobs are the schedules; see GroupBySchedule.
	Jobs []Job
	// Runner collects; Store is pinged by /readyz.
	Runner Runner
	Store  Pinger
	// Location is the time zone of the cron specs; UTC when nil.
	Location *time.Location
	// RunOnStart collects every job once at start, before waiting for
	// the schedules.
	RunOnStart bool
	// ShutdownGrace bounds the shutdown; default 30s.
	ShutdownGrace time.Duration
	// Logger receives the run and scheduler logs; discarded when nil.
	Logger *slog.Logger
	// AfterRun, when set, is called with the summary of every run (e.g.
	// to update metrics).
	AfterRun func(job Job, sum collector.Summary)
	// WebConfigFile is a Prometheus web configuration file (TLS and basic
	// auth for every path, read by prometheus/exporter-toolkit); "" serves
	// plain HTTP.
	WebConfigFile string
}

// Service is the collection daemon. Build it with New, add handlers with
// Handle, then call Serve or ListenAndServe once.
type Service struct {
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	cron   *cron.Cron
	sem    chan struct{} // one collection at a time, across schedules
	jobCtx context.Context

	ids []cron.EntryID // per job

	mu       sync.Mutex
	finished []bool // per job: a run has finished

	onRun []func(ctx context.Context, job Job, sum collector.Summary)
}

// New checks the schedules and builds the service.
func New(opts Options) (*Service, error) {
	if opts.Runner == nil || opts.Store == nil {
		return nil, errors.New("service: a runner and a store are required")
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		opts:     opts,
		log:      opts.Logger,
		mux:      http.NewServeMux(),
		sem:      make(chan struct{}, 1),
		finished: make([]bool, len(opts.Jobs)),
		jobCtx:   context.Background(),
	}
	clog := cronLogger{s.log.With("component", "cron")}
	s.cron = cron.New(
		cron.WithLocation(opts.Location),
		cron.WithLogger(clog),
		// Recover inside SkipIfStillRunning: a panicking run must release
		// the skip guard, or every later tick would be skipped.
		cron.WithChain(cron.SkipIfStillRunning(clog), cron.Recover(clog)),
	)
	for i, j := range opts.Jobs {
		id, err := s.cron.AddFunc(j.Spec, func() { s.runJob(i) })
		if err != nil {
			return nil, fmt.Errorf("schedule %q: %w", j.Spec, err)
		}
		s.ids = append(s.ids, id)
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	return s, nil
}

// Handle mounts h on the service's HTTP mux (e.g. "/metrics"); call it
// before Serve.
func (s *Service) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// OnRun adds f to the functions called in order after every run, after
// AfterRun, with the run's context (cancelled on shutdown); call it before
// Serve.
func (s *Service) OnRun(f func(ctx context.Context, job Job, sum collector.Summary)) {
	s.onRun = append(s.onRun, f)
}

// Handler returns the HTTP handler of the service.
func (s *Service) Handler() http.Handler { return s.mux }

// Entry is a scheduled job and its next run.
type Entry struct {
	Spec    string
	Sources []string
	Next    time.Time
}

// Entries returns the schedules in job order with their next run, in the
// service's time zone (zero before Serve starts the scheduler).
func (s *Service) Entries() []Entry {
	out := make([]Entry, len(s.opts.Jobs))
	for i, j := range s.opts.Jobs {
		out[i] = Entry{Spec: j.Spec, Sources: sourceNames(j.Sources), Next: s.cron.Entry(s.ids[i]).Next}
	}
	return out
}

// ListenAndServe listens on addr and calls Serve.
func (s *Service) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve answers HTTP on ln and collects on schedule until ctx is done, then
// shuts down: no new run starts, the running one stops between documents,
// the HTTP server closes. It returns nil when all of that fits in the grace
// period.
func (s *Service) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	httpErr := make(chan error, 1)
	go func() { httpErr <- s.serveHTTP(srv, ln) }()
	s.log.Info("listening", "addr", ln.Addr().String())

	jobCtx, cancelJobs := context.WithCancel(ctx)
	defer cancelJobs()
	s.jobCtx = jobCtx
	s.cron.Start()
	for _, e := range s.Entries() {
		s.log.Info("scheduled", "spec", e.Spec, "sources", strings.Join(e.Sources, ","), "next", e.Next)
	}
	startDone := make(chan struct{})
	go func() {
		defer close(startDone)
		if s.opts.RunOnStart {
			s.runAllOnce()
		}
	}()

	var err error
	select {
	case <-ctx.Done():
	case err = <-httpErr:
		err = fmt.Errorf("http server: %w", err)
		cancelJobs()
	}
	return errors.Join(err, s.shutdown(srv, startDone))
}

// shutdown stops the scheduler, waits for the running collection and
// closes the HTTP server, all within the grace period.
func (s *Service) shutdown(srv *http.Server, startDone <-chan struct{}) error {
	s.log.Info("shutting down", "grace", s.opts.ShutdownGrace)
	ctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownGrace)
	defer cancel()
	cronDone := s.cron.Stop()
	var err error
	for _, done := range []<-chan struct{}{cronDone.Done(), startDone} {
		select {
		case <-done:
		case <-ctx.Done():
			err = fmt.Errorf("collection still running after the %v grace period", s.opts.ShutdownGrace)
		}
	}
	if herr := srv.Shutdown(ctx); herr != nil {
		err = errors.Join(err, fmt.Errorf("http shutdown: %w", herr))
	}
	if err == nil {
		s.log.Info("stopped")
	}
	return err
}

// runAllOnce runs every job once, in order, through the same wrapped jobs
// as the scheduler, so that a tick during the start run is skipped.
func (s *Service) runAllOnce() {
	for _, id := range s.ids {
		if s.jobCtx.Err() != nil {
			return
		}
		s.cron.Entry(id).WrappedJob.Run()
	}
}

// runJob collects job i, waiting for any other run to finish first.
func (s *Service) runJob(i int) {
	ctx := s.jobCtx
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return
	}
	defer func() { <-s.sem }()
	if ctx.Err() != nil {
		return
	}
	job := s.opts.Jobs[i]
	log := s.log.With("schedule", job.Spec)
	log.Info("collection started", "sources", strings.Join(sourceNames(job.Sources), ","))
	sum := s.opts.Runner.Run(ctx, job.Sources)
	failed := failedSources(sum)
	log.Info("collection finished", "sources", len(sum.Sources), "failed", len(failed), "failed_sources", strings.Join(failed, ","),
		"duration", sum.Duration.Round(time.Millisecond), "interrupted", ctx.Err() != nil)
	s.mu.Lock()
	if ctx.Err() == nil {
		s.finished[i] = true
	}
	s.mu.Unlock()
	if s.opts.AfterRun != nil {
		s.opts.AfterRun(job, sum)
	}
	for _, f := range s.onRun {
		f(ctx, job, sum)
	}
}

// serveHTTP serves on ln, through exporter-toolkit when a web
// configuration file is set.
func (s *Service) serveHTTP(srv *http.Server, ln net.Listener) error {
	if s.opts.WebConfigFile == "" {
		return srv.Serve(ln)
	}
	file := s.opts.WebConfigFile
	return web.Serve(ln, srv, &web.FlagConfig{WebConfigFile: &file}, s.log.With("component", "web"))
}

// healthz answers 200 while the process is alive.
func (s *Service) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// readyz answers 200 once every schedule has finished a run and the store
// answers a ping, 503 with the reason otherwise.
func (s *Service) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if reason := s.notReady(r.Context()); reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "not ready:", reason)
		return
	}
	fmt.Fprintln(w, "ok")
}

// notReady returns why the service is not ready, "" when it is.
func (s *Service) notReady(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.opts.Store.Ping(ctx); err != nil {
		return "store: " + err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var waiting []string
	for i, done := range s.finished {
		if !done {
			waiting = append(waiting, s.opts.Jobs[i].Spec)
		}
	}
	if len(waiting) > 0 {
		return fmt.Sprintf("waiting for the first run of schedule %s", strings.Join(waiting, ", "))
	}
	return ""
}

// GroupBySchedule builds the jobs: each source goes to its own `schedule`
// when set, else to the global spec; jobs come in the order their first
// source is configured. sources are matched to cfgs by name.
func GroupBySchedule(cfgs []config.Source, sources []collector.Source, global string) []Job {
	spec := make(map[string]string, len(cfgs))
	for _, c := range cfgs {
		spec[c.Name] = c.Schedule
	}
	var jobs []Job
	index := map[string]int{}
	for _, src := range sources {
		sp := spec[src.Name()]
		if sp == "" {
			sp = global
		}
		i, ok := index[sp]
		if !ok {
			i = len(jobs)
			index[sp] = i
			jobs = append(jobs, Job{Spec: sp})
		}
		jobs[i].Sources = append(jobs[i].Sources, src)
	}
	return jobs
}

func sourceNames(sources []collector.Source) []string {
	out := make([]string, len(sources))
	for i, s := range sources {
		out[i] = s.Name()
	}
	return out
}

// failedSources names the sources of a run that failed (not those merely
// interrupted by shutdown).
func failedSources(sum collector.Summary) []string {
	var out []string
	for _, s := range sum.Sources {
		if !s.OK() && !s.Interrupted {
			out = append(out, s.Source)
		}
	}
	return out
}

// cronLogger sends the scheduler's logs to slog: its chatter at debug,
// skipped runs at info, panics and errors at error.
type cronLogger struct{ log *slog.Logger }

// Info implements cron.Logger.
func (l cronLogger) Info(msg string, keysAndValues ...any) {
	level := slog.LevelDebug
	if msg == "skip" {
		level = slog.LevelInfo
		msg = "run skipped, the previous one is still running"
	}
	l.log.Log(context.Background(), level, msg, keysAndValues...)
}

// Error implements cron.Logger.
func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error(msg, append(keysAndValues, "err", err)...)
}
