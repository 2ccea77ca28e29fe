// Package influx writes the accepted series of the store to InfluxDB and
// reads them back. The SQLite store stays the source of truth: every change
// of an accepted point is queued in the store's outbox, and a Drainer sends
// the queued points to InfluxDB in batches through the blocking write API of
// influxdb-client-go, deleting them from the outbox only once InfluxDB has
// acknowledged them. A point's identity in InfluxDB is its tags and
// timestamp, so writing it again is harmless: resending after a crash or a
// resync converges to the store.
//
// It works with InfluxDB 2.x (org, bucket, token) and with 1.8+ through its
// v2 compatibility API (bucket "db/rp", token "user:password" or empty).
package influx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	influxdb2 "github.com/influxdata/influxdb-client-go/v2"
	"github.com/influxdata/influxdb-client-go/v2/api"
	"github.com/influxdata/influxdb-client-go/v2/api/write"

	"github.com/incidents-dev/incidents/config"
	"github.com/incidents-dev/incidents/store"
)

// Options configure a Client.
type Options struct {
	// URL is the InfluxDB base URL, e.g. http://127.0.0.1:8086.
	URL string
	// Org is the InfluxDB 2.x organisation; empty for 1.8.
	Org string
	// Bucket is the bucket ("db/rp" or "db" for 1.8).
	Bucket string
	// Token is the API token ("user:password" or empty for 1.8).
	Token string
	// Timeout bounds one HTTP request; 10s when zero.
	Timeout time.Duration
	// BatchSize is the number of points sent in one write; 500 when zero.
	BatchSize int
}

// OptionsFromConfig maps the influxdb section of the configuration.
func OptionsFromConfig(c config.InfluxDB) Options {
	return Options{
		URL: c.URL, Org: c.Org, Bucket: c.Bucket, Token: c.Token.Reveal(),
		Timeout: c.Timeout, BatchSize: c.BatchSize,
	}
}

// Client writes points to one bucket and queries them back. Its methods are
// safe for concurrent use.
type Client struct {
	opts   Options
	client influxdb2.Client
	write  api.WriteAPIBlocking
}

// New checks opts and returns a client; it does not contact the server.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("influxdb url %q: want an http or https URL", opts.URL)
	}
	if opts.Bucket == "" {
		return nil, errors.New("influxdb bucket: required")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	o := influxdb2.DefaultOptions().
		SetApplicationName("incidents").
		SetPrecision(time.Second).
		SetBatchSize(uint(opts.BatchSize)).
		SetHTTPClient(&http.Client{Timeout: opts.Timeout})
	c := influxdb2.NewClientWithOptions(opts.URL, opts.Token, o)
	return &Client{opts: opts, client: c, write: c.WriteAPIBlocking(opts.Org, opts.Bucket)}, nil
}

// Close releases the client's idle connections.
func (c *Client) Close() { c.client.Close() }

// Bucket returns the bucket written to.
func (c *Client) Bucket() string { return c.opts.Bucket }

// URL returns the server URL.
func (c *Client) URL() string { return c.opts.URL }

// Write sends points in batches of Options.BatchSize, each batch in one
// blocking request, and returns at the first batch InfluxDB did not
// acknowledge; the error is an *Error that says whether retrying can help.
// The batches before it were acknowledged.
func (c *Client) Write(ctx context.Context, points []store.Point) error {
	batch := make([]*write.Point, 0, min(len(points), c.opts.BatchSize))
	for i, p := range points {
		wp, err := NewPoint(p)
		if err != nil {
			return &Error{Op: "write", Cause: "point not writable", Err: err}
		}
		batch = append(batch, wp)
		if len(batch) == c.opts.BatchSize || i == len(points)-1 {
			if err := c.write.WritePoint(ctx, batch...); err != nil {
				return classify(ctx, "write", c.opts.Bucket, err)
			}
			batch = batch[:0]
		}
	}
	return nil
}

// Check reports whether the server answers its /ping endpoint, for
// readiness probes. It does not check the token or the bucket.
func (c *Client) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	if _, err := c.client.Ping(ctx); err != nil {
		return fmt.Errorf("influxdb %s unreachable: %w", c.opts.URL, err)
	}
	return nil
}
