package influx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/incidents-dev/incidents/store"
)

var onePoint = []store.Point{{Source: "picss", Publisher: "PICSS", Period: "2024-03", Granularity: "month",
	Metric: "deaths", Category: "all", Region: "PK", Value: 7}}

// fakeInflux answers /api/v2/write with status, headers and body, and
// counts the requests.
func fakeInflux(t *testing.T, status int, header map[string]string, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func newTestClient(t *testing.T, url, bucket string, timeout time.Duration) *Client {
	t.Helper()
	c, err := New(Options{URL: url, Bucket: bucket, Token: "secret-token", Timeout: timeout, BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestWriteErrorClassification(t *testing.T) {
	v2json := map[string]string{"Content-Type": "application/json"}
	tests := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		want       string
		retryable  bool
		retryAfter time.Duration
	}{
		{"bad token 2.x", 401, v2json, `{"code":"unauthorized","message":"unauthorized access"}`,
			"influxdb rejected the token (401): unauthorized access", false, 0},
		{"bad token 1.8", 401, map[string]string{"Content-Type": "application/json", "X-Influxdb-Error": "authorization failed"},
			`{"error":"authorization failed"}`, "influxdb rejected the token (401): authorization failed", false, 0},
		{"read-only token", 403, v2json, `{"code":"forbidden","message":"insufficient permissions for write"}`,
			`influxdb token may not write bucket "incidents" (403): insufficient permissions for write`, false, 0},
		{"missing bucket 2.x", 404, v2json, `{"code":"not found","message":"bucket \"incidents\" not found"}`,
			`bucket "incidents" not found (404): bucket "incidents" not found`, false, 0},
		{"missing database 1.8", 404, map[string]string{"Content-Type": "application/json", "X-Influxdb-Error": `database not found: "incidents"`},
			`{"error":"database not found: \"incidents\""}`, `bucket "incidents" not found (404): database not found: "incidents"`, false, 0},
		{"rejected point", 400, v2json, `{"code":"invalid","message":"partial write: field type conflict"}`,
			"point rejected (400): partial write: field type conflict", false, 0},
		{"too large", 413, nil, "", "batch too large (413): lower influxdb.batch_size: Request Entity Too Large", false, 0},
		{"other 4xx", 405, nil, "", "influxdb refused the write (405): Method Not Allowed", false, 0},
		{"rate limited", 429, map[string]string{"Retry-After": "7"}, "",
			"influxdb is rate limiting (429): Too Many Requests", true, 7 * time.Second},
		{"unavailable", 503, nil, "", "influxdb server error (503): Service Unavailable", true, 0},
		{"internal error", 500, v2json, `{"code":"internal error","message":"engine: cache full"}`,
			"influxdb server error (500): engine: cache full", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := fakeInflux(t, tt.status, tt.header, tt.body)
			err := newTestClient(t, srv.URL, "incidents", time.Second).Write(context.Background(), onePoint)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Write error = %v (%T), want *Error", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err.Error(), tt.want)
			}
			if e.Status != tt.status || e.Retryable != tt.retryable || e.RetryAfter != tt.retryAfter {
				t.Errorf("status %d retryable %v retryAfter %v, want %d %v %v",
					e.Status, e.Retryable, e.RetryAfter, tt.status, tt.retryable, tt.retryAfter)
			}
			if strings.Contains(err.Error(), "secret-token") {
				t.Errorf("error reveals the token: %v", err)
			}
		})
	}
}

func TestWriteTransportErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })

	tests := []struct {
		name, url, cause string
	}{
		{"connection refused", closed, "cannot reach influxdb"},
		{"timeout", slow.URL, "influxdb timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := newTestClient(t, tt.url, "incidents", 100*time.Millisecond).Write(context.Background(), onePoint)
			var e *Error
			if !errors.As(err, &e) || !e.Retryable || e.Cause != tt.cause || e.Status != 0 {
				t.Fatalf("Write error = %#v, want retryable %q", err, tt.cause)
			}
		})
	}

	t.Run("cancelled context is not retryable", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := newTestClient(t, slow.URL, "incidents", time.Second).Write(ctx, onePoint)
		if !errors.Is(err, context.Canceled) || IsRetryable(err) {
			t.Fatalf("Write error = %v, want context.Canceled, not retryable", err)
		}
	})
}

func TestWriteBatches(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.URL.Query().Get("precision") != "s" || r.URL.Query().Get("bucket") != "db/rp" ||
			r.Header.Get("Authorization") != "Token secret-token" {
			t.Errorf("request %s with Authorization %q", r.URL, r.Header.Get("Authorization"))
		}
		bodies = append(bodies, string(b))
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL, "db/rp", time.Second) // batch size 10
	points := make([]store.Point, 25)
	for i := range points {
		points[i] = onePoint[0]
		points[i].Value = int64(i)
	}
	if err := c.Write(context.Background(), points); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 3 {
		t.Fatalf("%d requests, want 3", len(bodies))
	}
	for i, want := range []int{10, 10, 5} {
		if got := len(strings.Split(strings.TrimSpace(bodies[i]), "\n")); got != want {
			t.Errorf("request %d has %d lines, want %d:\n%s", i, got, want, bodies[i])
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(bodies[2]), "deaths=24i 1709251200") {
		t.Errorf("last line of the last batch: %q", bodies[2])
	}
}
