package influx

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// Row is one field value of a point as InfluxDB returns it.
type Row struct {
	// Tags are the point's tags (measurement and field excluded).
	Tags map[string]string
	// Field is the metric; Value its value.
	Field string
	Value int64
	// Time is the point's timestamp, UTC.
	Time time.Time
}

// Range bounds a query by timestamp: Start inclusive, Stop exclusive; a
// zero bound is open.
type Range struct{ Start, Stop time.Time }

// Query reads every point of the measurement in r with Flux through the
// client's QueryAPI. A value that is not an integer is an error.
func (c *Client) Query(ctx context.Context, r Range) ([]Row, error) {
	start, stop := r.Start, r.Stop
	if start.IsZero() {
		start = time.Unix(0, 0)
	}
	if stop.IsZero() {
		stop = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	flux := fmt.Sprintf(`from(bucket: %s)
  |> range(start: %s, stop: %s)
  |> filter(fn: (r) => r._measurement == %s)`,
		fluxString(c.opts.Bucket), start.UTC().Format(time.RFC3339), stop.UTC().Format(time.RFC3339), fluxString(Measurement))
	res, err := c.client.QueryAPI(c.opts.Org).Query(ctx, flux)
	if err != nil {
		return nil, classify(ctx, "query", c.opts.Bucket, err)
	}
	defer res.Close()
	var out []Row
	for res.Next() {
		rec := res.Record()
		v, ok := rec.Value().(int64)
		if !ok {
			return nil, fmt.Errorf("influxdb query: field %s at %s: value %v is %T, want an integer",
				rec.Field(), rec.Time().Format(time.RFC3339), rec.Value(), rec.Value())
		}
		row := Row{Tags: map[string]string{}, Field: rec.Field(), Value: v, Time: rec.Time().UTC()}
		for k, val := range rec.Values() {
			if s, ok := val.(string); ok && !strings.HasPrefix(k, "_") && k != "result" && k != "table" {
				row.Tags[k] = s
			}
		}
		out = append(out, row)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("influxdb query: %w", err)
	}
	return out, nil
}

// fluxString quotes s as a Flux string literal.
func fluxString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "${", `\${`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// Difference is one point on which InfluxDB and the store disagree.
type Difference struct {
	// Key identifies the point: measurement, tags, field and timestamp.
	Key string
	// Kind is "missing" (in the store, not in InfluxDB), "extra" (in
	// InfluxDB, not in the store) or "value" (different values).
	Kind string
	// Want is the store's value, Got InfluxDB's (0 when absent).
	Want, Got int64
}

// String describes the difference on one line.
func (d Difference) String() string {
	switch d.Kind {
	case "missing":
		return fmt.Sprintf("missing in influxdb: %s = %d", d.Key, d.Want)
	case "extra":
		return fmt.Sprintf("not in the store: %s = %d", d.Key, d.Got)
	}
	return fmt.Sprintf("value differs: %s: store %d, influxdb %d", d.Key, d.Want, d.Got)
}

// Compare matches the accepted points of the store with the rows read from
// InfluxDB by tags, field and timestamp, and returns every difference,
// sorted by key. Two store points with the same InfluxDB identity are an
// error: InfluxDB can only keep one of them.
func Compare(want []store.Point, got []Row) ([]Difference, error) {
	w := make(map[string]int64, len(want))
	for _, p := range want {
		k, err := keyOf(p)
		if err != nil {
			return nil, err
		}
		s := k.String()
		if _, dup := w[s]; dup {
			return nil, fmt.Errorf("two store points have the InfluxDB identity %s", s)
		}
		w[s] = p.Value
	}
	g := make(map[string]int64, len(got))
	for _, r := range got {
		g[rowKey(r).String()] = r.Value
	}
	var out []Difference
	for k, v := range w {
		gv, ok := g[k]
		switch {
		case !ok:
			out = append(out, Difference{Key: k, Kind: "missing", Want: v})
		case gv != v:
			out = append(out, Difference{Key: k, Kind: "value", Want: v, Got: gv})
		}
	}
	for k, v := range g {
		if _, ok := w[k]; !ok {
			out = append(out, Difference{Key: k, Kind: "extra", Got: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// rowKey is the identity of a row read back, in the form of keyOf.
func rowKey(r Row) pointKey {
	k := pointKey{field: r.Field, time: r.Time.UTC()}
	for name, v := range r.Tags {
		if v != "" {
			k.tags = append(k.tags, tag{name, v})
		}
	}
	sort.Slice(k.tags, func(i, j int) bool { return k.tags[i].key < k.tags[j].key })
	return k
}

// RangeOf returns the timestamps of the points whose period starts between
// the starts of the periods from and to (both optional, in the corpus
// format), like store.Filter's From and To.
func RangeOf(from, to string) (Range, error) {
	var r Range
	if from != "" {
		p, err := parser.ParsePeriod(from)
		if err != nil {
			return r, fmt.Errorf("from: %w", err)
		}
		r.Start = p.Start
	}
	if to != "" {
		p, err := parser.ParsePeriod(to)
		if err != nil {
			return r, fmt.Errorf("to: %w", err)
		}
		r.Stop = p.Start.Add(time.Second)
	}
	return r, nil
}
