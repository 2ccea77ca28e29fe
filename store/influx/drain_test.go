package influx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// scriptedWriter fails with the scripted errors, in order, then succeeds,
// and records every point it accepted.
type scriptedWriter struct {
	errs    []error
	calls   int
	written []store.Point
}

func (w *scriptedWriter) Write(_ context.Context, points []store.Point) error {
	w.calls++
	if len(w.errs) > 0 {
		err := w.errs[0]
		w.errs = w.errs[1:]
		return err
	}
	w.written = append(w.written, points...)
	return nil
}

func retryable(cause string) error { return &Error{Op: "write", Retryable: true, Cause: cause} }

func TestDrain(t *testing.T) {
	unavailable := retryable("influxdb server error (503)")
	badToken := &Error{Op: "write", Status: 401, Cause: "influxdb rejected the token (401)"}
	tests := []struct {
		name        string
		errs        []error
		maxAttempts int
		wantErr     string // "" when the drain must succeed
		wantRetries int
	}{
		{name: "no errors"},
		{name: "retryable errors then success", errs: []error{unavailable, retryable("cannot reach influxdb"), unavailable}, wantRetries: 3},
		{name: "retryable errors exhaust the attempts", errs: []error{unavailable, unavailable, unavailable}, maxAttempts: 3,
			wantErr: "influxdb server error (503) (after 3 attempts)", wantRetries: 2},
		{name: "permanent error stops at once", errs: []error{badToken}, wantErr: "influxdb rejected the token (401)"},
		{name: "permanent error after retries", errs: []error{unavailable, badToken},
			wantErr: "influxdb rejected the token (401) (after 2 attempts)", wantRetries: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			points := ingest(t, st, genReports(30, 0))
			w := &scriptedWriter{errs: tt.errs}
			sl := &noSleep{}
			d := &Drainer{Outbox: st, Writer: w, BatchSize: 100, MaxAttempts: tt.maxAttempts,
				MinBackoff: 100 * time.Millisecond, MaxBackoff: 250 * time.Millisecond, sleep: sl.sleep}
			res, err := d.Drain(context.Background())
			if res.Retries != tt.wantRetries || len(sl.waits) != tt.wantRetries {
				t.Errorf("Retries = %d, waits %v, want %d", res.Retries, sl.waits, tt.wantRetries)
			}
			for i, wait := range sl.waits {
				step := min(100*time.Millisecond<<i, 250*time.Millisecond)
				if wait < step/2 || wait > step {
					t.Errorf("wait %d = %v, want within [%v, %v]", i, wait, step/2, step)
				}
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if res.Written != points || len(w.written) != points || outboxLen(t, st) != 0 {
					t.Errorf("written %d (writer got %d), outbox %d; want %d, 0", res.Written, len(w.written), outboxLen(t, st), points)
				}
				if meta(t, st, MetaLastWrite) == "" || meta(t, st, MetaLastError) != "" {
					t.Errorf("meta last write %q, last error %q", meta(t, st, MetaLastWrite), meta(t, st, MetaLastError))
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Drain error = %v, want %q", err, tt.wantErr)
			}
			if got := outboxLen(t, st); got != points || res.Written != 0 {
				t.Errorf("outbox has %d rows after the failure, written %d; want %d kept", got, res.Written, points)
			}
			if got := meta(t, st, MetaLastError); got != tt.wantErr || meta(t, st, MetaLastErrorTime) == "" {
				t.Errorf("meta last error %q at %q, want %q", got, meta(t, st, MetaLastErrorTime), tt.wantErr)
			}
		})
	}
}

func TestDrainKeepsRowsOfFailedBatchOnly(t *testing.T) {
	st := openStore(t)
	points := ingest(t, st, genReports(30, 0))
	w := &failAfter{ok: 2}
	d := &Drainer{Outbox: st, Writer: w, BatchSize: 50, MaxAttempts: 1}
	res, err := d.Drain(context.Background())
	if !IsRetryable(err) {
		t.Fatalf("Drain error = %v, want the retryable error", err)
	}
	if res.Written != 100 || res.Batches != 2 || outboxLen(t, st) != points-100 {
		t.Errorf("written %d in %d batches, outbox %d; want 100, 2, %d", res.Written, res.Batches, outboxLen(t, st), points-100)
	}
}

// failAfter accepts ok batches, then fails with a retryable error.
type failAfter struct{ ok int }

func (f *failAfter) Write(context.Context, []store.Point) error {
	if f.ok == 0 {
		return retryable("cannot reach influxdb")
	}
	f.ok--
	return nil
}

func TestDrainRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)

	t.Run("waits what the server asked", func(t *testing.T) {
		calls.Store(0)
		st := openStore(t)
		ingest(t, st, genReports(2, 0))
		start := time.Now()
		d := &Drainer{Outbox: st, Writer: newTestClient(t, srv.URL, "incidents", time.Second), BatchSize: 10,
			MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Second}
		res, err := d.Drain(context.Background())
		elapsed := time.Since(start)
		if err != nil || res.Retries != 1 || int(calls.Load()) != res.Batches+1 {
			t.Fatalf("Drain: %v, %d retries, %d requests; want success after 1 retry", err, res.Retries, calls.Load())
		}
		if elapsed < time.Second || elapsed > 3*time.Second {
			t.Errorf("drain took %v, want the 1s of Retry-After (not the 1ms backoff)", elapsed)
		}
	})

	t.Run("longer than MaxBackoff ends the drain", func(t *testing.T) {
		calls.Store(0)
		st := openStore(t)
		n := ingest(t, st, genReports(2, 0))
		sl := &noSleep{}
		d := &Drainer{Outbox: st, Writer: newTestClient(t, srv.URL, "incidents", time.Second),
			MaxBackoff: 500 * time.Millisecond, sleep: sl.sleep}
		_, err := d.Drain(context.Background())
		if err == nil || !strings.Contains(err.Error(), "server asked to retry after 1s") || len(sl.waits) != 0 {
			t.Fatalf("Drain error = %v, waits %v; want a stop asking for 1s", err, sl.waits)
		}
		if outboxLen(t, st) != n {
			t.Errorf("outbox %d, want %d kept", outboxLen(t, st), n)
		}
	})
}

func TestDrainCancelled(t *testing.T) {
	st := openStore(t)
	n := ingest(t, st, genReports(2, 0))
	ctx, cancel := context.WithCancel(context.Background())
	w := &scriptedWriter{errs: []error{retryable("cannot reach influxdb")}}
	d := &Drainer{Outbox: st, Writer: w, sleep: func(context.Context, time.Duration) error {
		cancel()
		return context.Canceled
	}}
	_, err := d.Drain(ctx)
	if !errors.Is(err, context.Canceled) || outboxLen(t, st) != n {
		t.Fatalf("Drain error = %v, outbox %d; want context.Canceled and %d rows kept", err, outboxLen(t, st), n)
	}
	if got := meta(t, st, MetaLastError); got != "" {
		t.Errorf("a cancelled drain recorded the error %q", got)
	}
}

// TestDrainOnWritten checks that OnWritten hears of every acknowledged
// point once (incidents_influxdb_points_written_total counts them) and of
// nothing from a batch that failed.
func TestDrainOnWritten(t *testing.T) {
	st := openStore(t)
	points := ingest(t, st, genReports(30, 0))
	var told atomic.Int64
	w := &scriptedWriter{errs: []error{&Error{Op: "write", Status: 401, Cause: "influxdb rejected the token (401)"}}}
	d := &Drainer{Outbox: st, Writer: w, BatchSize: 100, sleep: (&noSleep{}).sleep,
		OnWritten: func(n int) { told.Add(int64(n)) }}
	if _, err := d.Drain(context.Background()); err == nil {
		t.Fatal("want the 401 to stop the drain")
	}
	if told.Load() != 0 {
		t.Fatalf("OnWritten heard of %d points from a failed batch", told.Load())
	}
	res, err := d.Drain(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if int(told.Load()) != points || res.Written != points {
		t.Errorf("OnWritten heard of %d points, Drain wrote %d; want %d", told.Load(), res.Written, points)
	}
}
