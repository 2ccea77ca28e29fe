package influx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/incidents-dev/incidents/store"
)

// Meta keys the Drainer records in the store.
const (
	// MetaLastError is the last write error ("" never cleared: compare
	// its time with MetaLastWrite).
	MetaLastError = "influx_last_error"
	// MetaLastErrorTime is the unix time of MetaLastError.
	MetaLastErrorTime = "influx_last_error_time"
	// MetaLastWrite is the unix time of the last acknowledged batch.
	MetaLastWrite = "influx_last_write"
)

// Outbox is what the Drainer needs of the store; *store.Store is one.
type Outbox interface {
	OutboxBatch(ctx context.Context, limit int) ([]store.OutboxRow, error)
	OutboxDelete(ctx context.Context, ids []int64) error
	SetMeta(ctx context.Context, key, value string) error
}

// PointWriter writes points to InfluxDB; *Client is one. Its errors say
// whether a retry can help (see IsRetryable).
type PointWriter interface {
	Write(ctx context.Context, points []store.Point) error
}

// Drainer sends the outbox to InfluxDB. Set the exported fields, then call
// Drain or Loop; concurrent calls take turns.
type Drainer struct {
	Outbox Outbox
	Writer PointWriter
	// BatchSize is the number of outbox rows read and written at once;
	// 500 when zero.
	BatchSize int
	// MaxAttempts bounds the attempts per batch within one Drain call;
	// 5 when zero. Rows that could not be written stay in the outbox for
	// the next call.
	MaxAttempts int
	// MinBackoff is the wait before the first retry, doubled on each
	// further one up to MaxBackoff, each wait between half and all of
	// that (jitter); 500ms and 30s when zero. A Retry-After answer is
	// waited exactly when it is no longer than MaxBackoff; a longer one
	// ends the call.
	MinBackoff, MaxBackoff time.Duration
	// Logger receives retry and progress logs; discarded when nil.
	Logger *slog.Logger
	// AfterWrite, when set, is called after InfluxDB acknowledged a batch
	// and before its rows are deleted; an error ends Drain with the rows
	// kept, as a crash at that moment would (for tests).
	AfterWrite func(rows []store.OutboxRow) error
	// OnWritten, when set, is told how many points InfluxDB acknowledged
	// after each batch is deleted from the outbox (for
	// incidents_influxdb_points_written_total).
	OnWritten func(n int)

	mu sync.Mutex // one drain at a time
	// sleep waits d or until ctx ends; a fake in tests.
	sleep func(ctx context.Context, d time.Duration) error
	// now is the clock of the meta times.
	now func() time.Time
}

// Result counts what one Drain call did.
type Result struct {
	// Written is the number of outbox rows written and deleted.
	Written int
	// Batches is the number of acknowledged batches; Retries the number
	// of failed attempts that were retried.
	Batches, Retries int
}

// Drain writes outbox rows to InfluxDB, oldest first, batch by batch, and
// deletes each batch once acknowledged, until the outbox is empty. Retryable
// errors are retried with backoff; after MaxAttempts, or at once for a
// permanent error (bad token, missing bucket, rejected point), Drain stops
// and returns the error, keeping the rows. Every failure is recorded in the
// store's meta (MetaLastError, MetaLastErrorTime).
func (d *Drainer) Drain(ctx context.Context) (Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var res Result
	err := d.drain(ctx, &res)
	if res.Batches > 0 {
		err = errors.Join(err, d.setMeta(MetaLastWrite, strconv.FormatInt(d.clock().Unix(), 10)))
	}
	if err != nil && ctx.Err() == nil {
		err = errors.Join(err, d.recordError(err))
	}
	return res, err
}

// Loop drains every interval until ctx ends, so that a backlog left by an
// outage is written within about interval of InfluxDB coming back, without
// waiting for the next collection. Errors are logged: they are also
// recorded in the store by Drain.
func (d *Drainer) Loop(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := d.Drain(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			d.logger().Warn("influxdb backlog not written", "err", err, "written", res.Written)
		case res.Written > 0:
			d.logger().Info("influxdb backlog written", "points", res.Written, "batches", res.Batches)
		}
	}
}

func (d *Drainer) drain(ctx context.Context, res *Result) error {
	size := d.BatchSize
	if size <= 0 {
		size = 500
	}
	for {
		rows, err := d.Outbox.OutboxBatch(ctx, size)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := d.writeBatch(ctx, rows, res); err != nil {
			return err
		}
		if d.AfterWrite != nil {
			if err := d.AfterWrite(rows); err != nil {
				return err
			}
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		if err := d.Outbox.OutboxDelete(ctx, ids); err != nil {
			return err
		}
		res.Written += len(rows)
		res.Batches++
		if d.OnWritten != nil {
			d.OnWritten(len(rows))
		}
	}
}

// writeBatch writes the points of rows, retrying retryable errors.
func (d *Drainer) writeBatch(ctx context.Context, rows []store.OutboxRow, res *Result) error {
	points := make([]store.Point, len(rows))
	for i, r := range rows {
		points[i] = r.Point
	}
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 5
	}
	for attempt := 1; ; attempt++ {
		err := d.Writer.Write(ctx, points)
		if err == nil {
			return nil
		}
		var e *Error
		if !errors.As(err, &e) || !e.Retryable || attempt == maxAttempts {
			if attempt > 1 {
				return fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return err
		}
		wait, ok := d.backoff(attempt, e.RetryAfter)
		if !ok {
			return fmt.Errorf("%w (server asked to retry after %v)", err, e.RetryAfter)
		}
		d.logger().Warn("influxdb write failed, retrying", "err", err, "attempt", attempt, "wait", wait, "points", len(points))
		res.Retries++
		if err := d.sleepFor(ctx, wait); err != nil {
			return fmt.Errorf("influxdb write: %w", err)
		}
	}
}

// backoff returns the wait before retry number attempt (1 for the first
// retry); ok is false when the server's Retry-After exceeds MaxBackoff.
func (d *Drainer) backoff(attempt int, retryAfter time.Duration) (time.Duration, bool) {
	lo, hi := d.MinBackoff, d.MaxBackoff
	if lo <= 0 {
		lo = 500 * time.Millisecond
	}
	if hi <= 0 {
		hi = 30 * time.Second
	}
	if retryAfter > 0 {
		return retryAfter, retryAfter <= hi
	}
	w := lo
	for i := 1; i < attempt && w < hi; i++ {
		w *= 2
	}
	w = min(w, hi)
	return w/2 + rand.N(w/2+1), true
}

func (d *Drainer) sleepFor(ctx context.Context, w time.Duration) error {
	if d.sleep != nil {
		return d.sleep(ctx, w)
	}
	t := time.NewTimer(w)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// recordError stores err and its time in the store's meta.
func (d *Drainer) recordError(err error) error {
	return errors.Join(
		d.setMeta(MetaLastError, err.Error()),
		d.setMeta(MetaLastErrorTime, strconv.FormatInt(d.clock().Unix(), 10)))
}

// setMeta writes meta with its own short context, so that a cancelled
// drain is still recorded.
func (d *Drainer) setMeta(key, value string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return d.Outbox.SetMeta(ctx, key, value)
}

func (d *Drainer) clock() time.Time {
	if d.now != nil {
		return d.now()
	}
	return time.Now()
}

func (d *Drainer) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}
