package influx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	influxhttp "github.com/influxdata/influxdb-client-go/v2/api/http"
)

// Error is a failed request to InfluxDB, classified: Retryable says whether
// sending the same request again later can succeed.
type Error struct {
	// Op is what failed: "write" or "query".
	Op string
	// Status is the HTTP status, 0 when no response came.
	Status int
	// Retryable is true for connection errors, timeouts, 429 and 5xx.
	Retryable bool
	// RetryAfter is the server's Retry-After, 0 when absent.
	RetryAfter time.Duration
	// Cause names the problem for a person, e.g. "influxdb rejected the
	// token (401)".
	Cause string
	// Err is the underlying error.
	Err error
}

// Error returns the cause followed by the server's message.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Cause
	}
	return e.Cause + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// IsRetryable reports whether err is an *Error worth retrying.
func IsRetryable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Retryable
}

// classify turns an error of the client library into an *Error. An error
// caused by ctx ending is returned as is: the caller stopped, nothing to
// retry.
func classify(ctx context.Context, op, bucket string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("influxdb %s: %w", op, ctx.Err())
	}
	var he *influxhttp.Error
	if !errors.As(err, &he) || he.StatusCode == 0 {
		return transportError(op, err)
	}
	e := &Error{Op: op, Status: he.StatusCode, RetryAfter: time.Duration(he.RetryAfter) * time.Second,
		Err: errors.New(serverMessage(he))}
	s := he.StatusCode
	switch {
	case s == http.StatusUnauthorized:
		e.Cause = "influxdb rejected the token (401)"
	case s == http.StatusForbidden:
		e.Cause = fmt.Sprintf("influxdb token may not %s bucket %q (403)", op, bucket)
	case s == http.StatusNotFound:
		e.Cause = fmt.Sprintf("bucket %q not found (404)", bucket)
	case s == http.StatusBadRequest:
		e.Cause = "point rejected (400)"
		if op != "write" {
			e.Cause = op + " rejected (400)"
		}
	case s == http.StatusRequestEntityTooLarge:
		e.Cause = "batch too large (413): lower influxdb.batch_size"
	case s == http.StatusTooManyRequests:
		e.Cause, e.Retryable = "influxdb is rate limiting (429)", true
	case s >= 500:
		e.Cause, e.Retryable = fmt.Sprintf("influxdb server error (%d)", s), true
	default:
		e.Cause = fmt.Sprintf("influxdb refused the %s (%d)", op, s)
	}
	return e
}

// transportError classifies an error that came without an HTTP response:
// every such error (refused or reset connection, DNS, timeout) is retryable.
func transportError(op string, err error) error {
	var ne net.Error
	cause := "cannot reach influxdb"
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		cause = "influxdb timed out"
	}
	var he *influxhttp.Error
	if errors.As(err, &he) && he.Err != nil {
		err = he.Err
	}
	return &Error{Op: op, Retryable: true, Cause: cause, Err: err}
}

// serverMessage returns the error text InfluxDB sent: the JSON message of
// 2.x, the X-Influxdb-Error header of 1.8, or the status line.
func serverMessage(he *influxhttp.Error) string {
	if msg := he.Header.Get("X-Influxdb-Error"); msg != "" {
		return msg
	}
	if he.Message != "" {
		return strings.TrimSpace(he.Message)
	}
	if he.Err != nil {
		return he.Err.Error()
	}
	return http.StatusText(he.StatusCode)
}
