package service

import (
	"context"
	"errors"
	"github.com/incidents-dev/incidents/internal/testserver"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/collector"
	"github.com/incidents-dev/incidents/config"
)

// namedSource is a source with a name and no documents.
type namedSource string

func (s namedSource) Name() string { return string(s) }

func (namedSource) Documents(context.Context) iter.Seq2[collector.Document, error] {
	return func(func(collector.Document, error) bool) {}
}

// fakeRunner records runs. Each run takes delay, or until release is
// closed when set; it returns early when ctx is done unless stubborn.
type fakeRunner struct {
	delay    time.Duration
	release  chan struct{}
	stubborn bool
	panics   int // the first panics runs panic

	mu        sync.Mutex
	runs      []string // sources of each started run
	active    int
	maxActive int
	done      int
}

func (r *fakeRunner) Run(ctx context.Context, sources []collector.Source) collector.Summary {
	r.mu.Lock()
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = s.Name()
	}
	r.runs = append(r.runs, strings.Join(names, ","))
	r.active++
	r.maxActive = max(r.maxActive, r.active)
	panicNow := len(r.runs) <= r.panics
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.active--
		r.done++
		r.mu.Unlock()
	}()
	if panicNow {
		panic("source exploded")
	}
	var wait <-chan time.Time
	if r.release == nil {
		t := time.NewTimer(r.delay)
		defer t.Stop()
		wait = t.C
	}
	stop := ctx.Done()
	if r.stubborn {
		stop = nil
	}
	select {
	case <-wait:
	case <-r.release:
	case <-stop:
	}
	sum := collector.Summary{}
	for _, n := range names {
		sum.Sources = append(sum.Sources, collector.SourceSummary{Source: n, Interrupted: ctx.Err() != nil})
	}
	return sum
}

func (r *fakeRunner) snapshot() (runs []string, done, maxActive int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.runs...), r.done, r.maxActive
}

// fakeStore pings with err.
type fakeStore struct {
	mu  sync.Mutex
	err error
}

func (s *fakeStore) Ping(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// running is a started service.
type running struct {
	svc    *Service
	base   string
	cancel context.CancelFunc
	done   chan error
	logs   *testserver.SyncBuffer
}

func start(t *testing.T, opts Options) *running {
	t.Helper()
	logs := &testserver.SyncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{svc: svc, base: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1), logs: logs}
	go func() { r.done <- svc.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
			t.Error("service did not stop")
		}
	})
	return r
}

func (r *running) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(r.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for an event
	}
}

func TestServeHealthAndReady(t *testing.T) {
	runner := &fakeRunner{release: make(chan struct{})}
	st := &fakeStore{}
	r := start(t, Options{
		Jobs:   []Job{{Spec: "@every 1h", Sources: []collector.Source{namedSource("feed")}}},
		Runner: runner, Store: st, RunOnStart: true,
	})
	if code, body := r.get(t, "/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q, want 200 ok", code, body)
	}
	eventually(t, 5*time.Second, "the start run did not begin", func() bool { runs, _, _ := runner.snapshot(); return len(runs) == 1 })
	if code, body := r.get(t, "/readyz"); code != 503 || body != "not ready: waiting for the first run of schedule @every 1h\n" {
		t.Errorf("/readyz during the first run = %d %q, want 503 with the reason", code, body)
	}
	close(runner.release)
	eventually(t, 5*time.Second, "/readyz never turned 200", func() bool { code, _ := r.get(t, "/readyz"); return code == 200 })

	st.mu.Lock()
	st.err = errors.New("database is locked")
	st.mu.Unlock()
	if code, body := r.get(t, "/readyz"); code != 503 || body != "not ready: store: database is locked\n" {
		t.Errorf("/readyz with a broken store = %d %q", code, body)
	}
	if code, _ := r.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz = %d with a broken store, want 200 (the process is alive)", code)
	}
}

func TestServeMountsHandlers(t *testing.T) {
	svc, err := New(Options{Runner: &fakeRunner{}, Store: &fakeStore{}})
	if err != nil {
		t.Fatal(err)
	}
	svc.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "up 1\n") }))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx, ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "up 1\n" {
		t.Errorf("/metrics = %q", b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestServeScheduleRunsAgainNeverTwoAtOnce(t *testing.T) {
	// Two schedules firing every second with runs of 700ms would overlap
	// without the service's one-run-at-a-time rule.
	runner := &fakeRunner{delay: 700 * time.Millisecond}
	r := start(t, Options{
		Jobs: []Job{
			{Spec: "@every 1s", Sources: []collector.Source{namedSource("a")}},
			{Spec: "* * * * *", Sources: []collector.Source{namedSource("b")}},
			{Spec: "@every 1s", Sources: []collector.Source{namedSource("c")}},
		},
		Runner: runner, Store: &fakeStore{}, RunOnStart: true,
	})
	eventually(t, 10*time.Second, "fewer than 5 runs", func() bool { _, done, _ := runner.snapshot(); return done >= 5 })
	runs, _, maxActive := runner.snapshot()
	if maxActive != 1 {
		t.Errorf("%d runs at once, want 1", maxActive)
	}
	count := map[string]int{}
	for _, run := range runs {
		count[run]++
	}
	if count["a"] < 2 || count["b"] < 1 || count["c"] < 1 {
		t.Errorf("runs %v: want every schedule run, and the @every 1s ones again", runs)
	}
	if !strings.Contains(r.logs.String(), `msg="collection finished" schedule="@every 1s" sources=1 failed=0`) {
		t.Errorf("no run log line with counts:\n%s", r.logs.String())
	}
}

func TestServeSkipsTicksWhileRunning(t *testing.T) {
	runner := &fakeRunner{release: make(chan struct{})}
	r := start(t, Options{
		Jobs:   []Job{{Spec: "@every 1s", Sources: []collector.Source{namedSource("slow")}}},
		Runner: runner, Store: &fakeStore{}, RunOnStart: true,
	})
	eventually(t, 5*time.Second, "no tick was skipped", func() bool { return strings.Contains(r.logs.String(), "run skipped") })
	if runs, _, _ := runner.snapshot(); len(runs) != 1 {
		t.Errorf("%d runs started while the first was running, want 1", len(runs))
	}
	close(runner.release)
	eventually(t, 5*time.Second, "no run after the slow one", func() bool { runs, _, _ := runner.snapshot(); return len(runs) >= 2 })
}

func TestServePerSourceSchedule(t *testing.T) {
	cfgs := []config.Source{
		{Name: "a"},
		{Name: "hourly", Schedule: "@every 1h"},
		{Name: "c", Schedule: "@every 1s"},
		{Name: "d"},
	}
	sources := []collector.Source{namedSource("a"), namedSource("hourly"), namedSource("c"), namedSource("d")}
	jobs := GroupBySchedule(cfgs, sources, "@every 1s")
	if len(jobs) != 2 || jobs[0].Spec != "@every 1s" || len(jobs[0].Sources) != 3 || jobs[1].Spec != "@every 1h" || len(jobs[1].Sources) != 1 {
		t.Fatalf("jobs = %+v, want [@every 1s: a c d] [@every 1h: hourly]", jobs)
	}
	runner := &fakeRunner{}
	r := start(t, Options{Jobs: jobs, Runner: runner, Store: &fakeStore{}})
	eventually(t, 5*time.Second, "the global schedule did not run twice", func() bool { _, done, _ := runner.snapshot(); return done >= 2 })
	runs, _, _ := runner.snapshot()
	for _, run := range runs {
		if run != "a,c,d" {
			t.Errorf("run of %q, want only a,c,d (hourly has its own schedule)", run)
		}
	}
	entries := r.svc.Entries()
	if until := time.Until(entries[1].Next); until < 59*time.Minute {
		t.Errorf("hourly next run in %v, want about an hour", until)
	}
}

func TestServeTimeZone(t *testing.T) {
	pkt := time.FixedZone("PKT", 5*3600)
	r := start(t, Options{
		Jobs:   []Job{{Spec: "30 9 * * *", Sources: []collector.Source{namedSource("daily")}}},
		Runner: &fakeRunner{}, Store: &fakeStore{}, Location: pkt,
	})
	eventually(t, 5*time.Second, "not scheduled", func() bool { return !r.svc.Entries()[0].Next.IsZero() })
	next := r.svc.Entries()[0].Next
	if h, m := next.In(pkt).Hour(), next.In(pkt).Minute(); h != 9 || m != 30 {
		t.Errorf("next run %v, want 09:30 PKT", next.In(pkt))
	}
	if h := next.UTC().Hour(); h != 4 {
		t.Errorf("next run %v, want 04:30 UTC", next.UTC())
	}
}

func TestServeRecoversPanic(t *testing.T) {
	runner := &fakeRunner{panics: 1}
	r := start(t, Options{
		Jobs:   []Job{{Spec: "@every 1s", Sources: []collector.Source{namedSource("boom")}}},
		Runner: runner, Store: &fakeStore{}, RunOnStart: true,
	})
	eventually(t, 5*time.Second, "no run after the panic", func() bool { _, done, _ := runner.snapshot(); return done >= 2 })
	if !strings.Contains(r.logs.String(), "source exploded") {
		t.Errorf("panic not logged:\n%s", r.logs.String())
	}
	if code, _ := r.get(t, "/healthz"); code != 200 {
		t.Errorf("/healthz = %d after a panic", code)
	}
}

func TestServeShutdown(t *testing.T) {
	tests := []struct {
		name     string
		stubborn bool
		wantErr  string
	}{
		{name: "running collection stops and the service exits cleanly"},
		{name: "a collection that overstays the grace is an error", stubborn: true, wantErr: "collection still running after the 200ms grace period"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runner := &fakeRunner{delay: time.Hour, stubborn: tt.stubborn}
			if tt.stubborn {
				runner.delay = 2 * time.Second
			}
			var sums []collector.Summary
			var mu sync.Mutex
			r := start(t, Options{
				Jobs:   []Job{{Spec: "@every 1h", Sources: []collector.Source{namedSource("feed")}}},
				Runner: runner, Store: &fakeStore{}, RunOnStart: true, ShutdownGrace: 200 * time.Millisecond,
				AfterRun: func(_ Job, s collector.Summary) { mu.Lock(); sums = append(sums, s); mu.Unlock() },
			})
			eventually(t, 5*time.Second, "the run did not start", func() bool { runs, _, _ := runner.snapshot(); return len(runs) == 1 })
			began := time.Now()
			r.cancel()
			var err error
			select {
			case err = <-r.done:
			case <-time.After(5 * time.Second):
				t.Fatal("Serve did not return")
			}
			if took := time.Since(began); took > time.Second {
				t.Errorf("shutdown took %v, want within the 200ms grace", took)
			}
			r.done <- err // for the cleanup
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Serve = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Serve = %v, want nil", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(sums) != 1 || !sums[0].Sources[0].Interrupted {
				t.Errorf("summaries %+v, want the one interrupted run", sums)
			}
			if _, err := http.Get(r.base + "/healthz"); err == nil {
				t.Error("HTTP server still answers after shutdown")
			}
		})
	}
}

func TestNewRejectsBadSpec(t *testing.T) {
	_, err := New(Options{Runner: &fakeRunner{}, Store: &fakeStore{}, Jobs: []Job{{Spec: "61 * * * *"}}})
	if err == nil || !strings.HasPrefix(err.Error(), `schedule "61 * * * *": `) {
		t.Fatalf("err = %v, want one naming the spec", err)
	}
}
