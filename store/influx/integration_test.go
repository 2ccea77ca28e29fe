package influx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
	"github.com/incidents-dev/incidents/store/influx/influxtest"
)

// shared is the influxd of the package's integration tests, started by
// the first one: influxd 1.8 takes seconds to start (it compiles Flux).
var shared struct {
	once sync.Once
	srv  *influxtest.Server
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.srv != nil {
		shared.srv.Close()
	}
	os.Exit(code)
}

// skipShort skips integration tests under -short.
func skipShort(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs influxd")
	}
}

// sharedInflux returns the shared influxd and a new database for t.
func sharedInflux(t testing.TB) (srv *influxtest.Server, db string) {
	t.Helper()
	skipShort(t)
	bin := influxtest.Binary(t)
	shared.once.Do(func() { shared.srv, shared.err = influxtest.Launch(bin, influxtest.Options{}) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.srv, shared.srv.NewDatabase(t)
}

// clientFor returns a client of database db of srv.
func clientFor(t *testing.T, srv *influxtest.Server, db string, batch int) *Client {
	t.Helper()
	c, err := New(Options{URL: srv.URL, Bucket: db, Token: srv.Token(), Timeout: 5 * time.Second, BatchSize: batch})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// drainer returns a drainer with short backoffs.
func drainer(st *store.Store, c *Client, batch int) *Drainer {
	return &Drainer{Outbox: st, Writer: c, BatchSize: batch, MaxAttempts: 3,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
}

func mustDrain(t *testing.T, d *Drainer) Result {
	t.Helper()
	res, err := d.Drain(context.Background())
	if err != nil {
		t.Fatalf("Drain: %v", err)
	}
	return res
}

// verify compares the store with InfluxDB and fails on any difference; it
// returns the number of rows InfluxDB holds.
func verify(t *testing.T, st *store.Store, c *Client) int {
	t.Helper()
	want, err := st.Series(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Query(context.Background(), Range{})
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := Compare(want, got)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range diffs {
		if i == 10 {
			t.Errorf("... %d differences in all", len(diffs))
			break
		}
		t.Errorf("difference: %s", d)
	}
	if len(got) != len(want) {
		t.Errorf("influxdb holds %d rows, the store %d points", len(got), len(want))
	}
	return len(got)
}

// TestWriteQueryBackIntegration writes every accepted point and reads each
// back with its exact tags, field, integer value and timestamp, computed
// here independently of the writer's own key function.
func TestWriteQueryBackIntegration(t *testing.T) {
	srv, db := sharedInflux(t)
	st := openStore(t)
	n := ingest(t, st, genReports(40, 0))
	c := clientFor(t, srv, db, 100)
	if res := mustDrain(t, drainer(st, c, 150)); res.Written != n || res.Batches != (n+149)/150 {
		t.Errorf("drain wrote %d in %d batches, want %d in %d", res.Written, res.Batches, n, (n+149)/150)
	}
	points, err := st.Series(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.Query(context.Background(), Range{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range rows {
		got[fmt.Sprintf("%v %s %s", r.Tags, r.Field, r.Time.Format(time.RFC3339))] = r.Value
	}
	ranges := 0
	for _, p := range points {
		tags := map[string]string{"source": p.Source, "publisher": "PICSS", "region": p.Region,
			"category": p.Category, "granularity": p.Granularity}
		y, m := 0, 0
		fmt.Sscanf(p.Period, "%d-%d", &y, &m)
		if strings.Contains(p.Period, "/") {
			tags["period"] = p.Period
			ranges++
		}
		ts := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		k := fmt.Sprintf("%v %s %s", tags, p.Metric, ts.Format(time.RFC3339))
		if v, ok := got[k]; !ok || v != p.Value {
			t.Errorf("point %s %s: influxdb has %d (found %v), want %d", k, p.Period, v, ok, p.Value)
		}
	}
	if len(rows) != len(points) || ranges == 0 {
		t.Errorf("influxdb has %d rows for %d points (%d ranges)", len(rows), len(points), ranges)
	}
	if outboxLen(t, st) != 0 {
		t.Errorf("outbox not empty after the drain")
	}

	t.Run("query range", func(t *testing.T) {
		r, err := RangeOf("2010-03", "2010-04")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := c.Query(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		want, err := st.Series(context.Background(), store.Filter{From: "2010-03", To: "2010-04"})
		if err != nil {
			t.Fatal(err)
		}
		if diffs, err := Compare(want, rows); err != nil || len(diffs) != 0 || len(rows) == 0 {
			t.Errorf("range 2010-03..2010-04: %d rows, differences %v, err %v", len(rows), diffs, err)
		}
	})
}

// TestIdempotentIntegration: draining again, re-enqueueing everything twice
// and ingesting revisions leave InfluxDB equal to the store, point for
// point, with no duplicate.
func TestIdempotentIntegration(t *testing.T) {
	srv, db := sharedInflux(t)
	st := openStore(t)
	n := ingest(t, st, genReports(50, 0))
	c := clientFor(t, srv, db, 200)
	d := drainer(st, c, 200)
	mustDrain(t, d)
	if got := verify(t, st, c); got != n {
		t.Fatalf("%d rows after the first drain, want %d", got, n)
	}
	for i := range 2 {
		enq, err := st.OutboxEnqueueRange(context.Background(), store.Filter{})
		if err != nil || enq != n {
			t.Fatalf("resync %d: enqueued %d, %v; want %d", i, enq, err, n)
		}
		if res := mustDrain(t, d); res.Written != n {
			t.Errorf("resync %d wrote %d, want %d", i, res.Written, n)
		}
		if got := verify(t, st, c); got != n {
			t.Errorf("resync %d: %d rows, want %d", i, got, n)
		}
	}
	// Newer reports for the same months revise every value.
	if got := ingest(t, st, genReports(50, 1)); got != n {
		t.Fatalf("%d points after the revisions, want %d", got, n)
	}
	mustDrain(t, d)
	verify(t, st, c)
}

// TestOutageIntegration stops influxd before a drain and again in the
// middle of one: the drain fails with a retryable error recorded in the
// store, the unwritten rows stay, and after a restart the next drain
// converges with nothing lost or duplicated.
func TestOutageIntegration(t *testing.T) {
	t.Parallel()
	skipShort(t)
	srv := influxtest.Start(t, influxtest.Options{})
	st := openStore(t)
	n := ingest(t, st, genReports(60, 0))
	c := clientFor(t, srv, influxtest.Database, 100)

	down, err := New(Options{URL: closedURL(t), Bucket: influxtest.Database})
	if err != nil {
		t.Fatal(err)
	}
	_, err = drainer(st, down, 100).Drain(context.Background())
	if !IsRetryable(err) || !strings.Contains(err.Error(), "cannot reach influxdb") {
		t.Fatalf("drain while stopped: %v, want a retryable connection error", err)
	}
	if outboxLen(t, st) != n || !strings.Contains(meta(t, st, MetaLastError), "cannot reach influxdb") {
		t.Fatalf("outbox %d (want %d), last error %q", outboxLen(t, st), n, meta(t, st, MetaLastError))
	}

	d := drainer(st, c, 100)
	batches := 0
	d.AfterWrite = func([]store.OutboxRow) error {
		if batches++; batches == 2 {
			srv.Stop() // the third batch meets a dead server
		}
		return nil
	}
	res, err := d.Drain(context.Background())
	if !IsRetryable(err) || res.Written != 200 || outboxLen(t, st) != n-200 {
		t.Fatalf("drain stopped midway: %v, wrote %d, outbox %d; want retryable, 200, %d", err, res.Written, outboxLen(t, st), n-200)
	}

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	d.AfterWrite = nil
	mustDrain(t, d)
	if got := verify(t, st, c); got != n || outboxLen(t, st) != 0 {
		t.Errorf("after recovery %d rows (want %d), outbox %d", got, n, outboxLen(t, st))
	}
}

// TestCrashBeforeDeleteIntegration: a batch InfluxDB acknowledged but whose
// rows were not deleted (the process died in between) is sent again on the
// next drain, without duplicating anything.
func TestCrashBeforeDeleteIntegration(t *testing.T) {
	srv, db := sharedInflux(t)
	st := openStore(t)
	n := ingest(t, st, genReports(30, 0))
	c := clientFor(t, srv, db, 50)
	d := drainer(st, c, 50)
	crash := errors.New("crash between write and delete")
	calls := 0
	d.AfterWrite = func([]store.OutboxRow) error {
		if calls++; calls == 3 {
			return crash
		}
		return nil
	}
	res, err := d.Drain(context.Background())
	if !errors.Is(err, crash) || res.Written != 100 || outboxLen(t, st) != n-100 {
		t.Fatalf("drain: %v, wrote %d, outbox %d; want the crash after 100 deleted, %d kept", err, res.Written, outboxLen(t, st), n-100)
	}
	d.AfterWrite = nil
	if res := mustDrain(t, d); res.Written != n-100 {
		t.Errorf("second drain wrote %d, want %d (the acknowledged batch again)", res.Written, n-100)
	}
	verify(t, st, c)
}

// killEnv makes the test binary a drain process for TestKillDuringDrainIntegration.
const killEnv = "INCIDENTS_INFLUX_DRAIN_CHILD"

// TestDrainChildProcess is not a test: TestKillDuringDrainIntegration runs
// the test binary with killEnv set to "store-path influx-url database", and this
// drains that store into that database, in small batches, until killed.
func TestDrainChildProcess(t *testing.T) {
	arg := os.Getenv(killEnv)
	if arg == "" {
		t.Skip("helper process of TestKillDuringDrainIntegration")
	}
	parts := strings.Fields(arg)
	path, url, db := parts[0], parts[1], parts[2]
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{URL: url, Bucket: db, BatchSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&Drainer{Outbox: st, Writer: c, BatchSize: 20}).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestKillDuringDrainIntegration kills (SIGKILL) a process in the middle of
// a large drain; a new drain then completes and InfluxDB equals the store.
func TestKillDuringDrainIntegration(t *testing.T) {
	srv, db := sharedInflux(t)
	path := t.TempDir() + "/incidents.db"
	st := openStoreAt(t, path)
	n := ingest(t, st, genReports(600, 0))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestDrainChildProcess$")
	cmd.Env = append(os.Environ(), killEnv+"="+path+" "+srv.URL+" "+db)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once a tenth of the outbox is gone, far from the end.
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for left := outboxLen(t, st); left > n*9/10; left = outboxLen(t, st) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child drained too little in 30s (outbox %d of %d):\n%s", left, n, out.String())
		}
		<-tick.C
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	left := outboxLen(t, st)
	t.Logf("killed the drain with %d of %d rows left (%v)", left, n, err)
	if left == 0 {
		t.Fatalf("the child finished before the kill:\n%s", out.String())
	}
	c := clientFor(t, srv, db, 500)
	if res := mustDrain(t, drainer(st, c, 500)); res.Written != left {
		t.Errorf("resumed drain wrote %d, want the %d rows left", res.Written, left)
	}
	if got := verify(t, st, c); got != n {
		t.Errorf("%d rows in influxdb, want %d", got, n)
	}
}

// TestRejectedIntegration: a wrong token, a missing database and a rejected
// point each stop the drain with one clear error and keep the backlog.
func TestRejectedIntegration(t *testing.T) {
	plain, db := sharedInflux(t)
	conflictDB := plain.NewDatabase(&namedTB{t, t.Name() + "_conflict"})
	t.Parallel()
	secure := influxtest.Start(t, influxtest.Options{Auth: true, User: "admin", Password: "s3cret"})
	// A float field "deaths" makes every integer "deaths" a type conflict.
	fc, err := New(Options{URL: plain.URL, Bucket: conflictDB})
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Close()
	if err := fc.write.WriteRecord(context.Background(), "incidents deaths=1.5 1262304000"); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, url, bucket, token, want string
	}{
		{"wrong token", secure.URL, influxtest.Database, "admin:wrong", "influxdb rejected the token (401): Unauthorized"},
		{"no token", secure.URL, influxtest.Database, "", "influxdb rejected the token (401): Unauthorized"},
		{"missing database", plain.URL, "nope", "", `bucket "nope" not found (404): database not found: "nope"`},
		{"type conflict", plain.URL, conflictDB, "", `point rejected (400): partial write: field type conflict`},
		{"no problem", plain.URL, db, "", ""},
		{"right token", secure.URL, influxtest.Database, "admin:s3cret", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			n := ingest(t, st, genReports(5, 0))
			c, err := New(Options{URL: tt.url, Bucket: tt.bucket, Token: tt.token, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			res, err := drainer(st, c, 500).Drain(context.Background())
			if tt.want == "" {
				if err != nil || res.Written != n {
					t.Fatalf("drain: %v, wrote %d of %d", err, res.Written, n)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || IsRetryable(err) {
				t.Fatalf("drain error = %v, want a permanent %q", err, tt.want)
			}
			if res.Retries != 0 || outboxLen(t, st) != n {
				t.Errorf("%d retries, outbox %d; want 0 retries and %d rows kept", res.Retries, outboxLen(t, st), n)
			}
			if got := meta(t, st, MetaLastError); got != err.Error() {
				t.Errorf("recorded error %q, want %q", got, err.Error())
			}
			if _, err := strconv.ParseInt(meta(t, st, MetaLastErrorTime), 10, 64); err != nil {
				t.Errorf("recorded error time: %v", err)
			}
		})
	}
}

// TestPeriodsCollideWithoutRangeTag shows why ranges carry a period tag:
// two year-to-date ranges of one year start on the same day.
func TestPeriodsCollideWithoutRangeTag(t *testing.T) {
	a, _ := parser.ParsePeriod("2024-01/2024-05")
	b, _ := parser.ParsePeriod("2024-01/2024-06")
	if !a.Start.Equal(b.Start) {
		t.Skip("periods no longer share a start")
	}
	ka, _ := keyOf(store.Point{Source: "s", Period: "2024-01/2024-05", Metric: "attacks", Category: "all", Region: "PK"})
	kb, _ := keyOf(store.Point{Source: "s", Period: "2024-01/2024-06", Metric: "attacks", Category: "all", Region: "PK"})
	if ka.String() == kb.String() {
		t.Errorf("two ranges with one start have the same identity %s", ka)
	}
}

// namedTB renames a testing.TB, for a second database in one test.
type namedTB struct {
	testing.TB
	name string
}

func (n *namedTB) Name() string { return n.name }

// closedURL returns the URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	return "http://" + ln.Addr().String()
}

// TestRetentionPolicyBucketIntegration writes and reads back through a 1.8
// "database/retention-policy" bucket.
func TestRetentionPolicyBucketIntegration(t *testing.T) {
	srv, db := sharedInflux(t)
	st := openStore(t)
	n := ingest(t, st, genReports(12, 0))
	c := clientFor(t, srv, db+"/autogen", 100)
	if res := mustDrain(t, drainer(st, c, 100)); res.Written != n {
		t.Fatalf("wrote %d of %d", res.Written, n)
	}
	if got := verify(t, st, c); got != n {
		t.Errorf("read back %d of %d", got, n)
	}
}
