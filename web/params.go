package web

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/parser"
	"github.com/incidents-dev/incidents/store"
)

// paramError is a bad query parameter: the request gets a 400 with the
// message.
type paramError struct{ msg string }

func (e *paramError) Error() string { return e.msg }

func badParam(format string, args ...any) error {
	return &paramError{msg: fmt.Sprintf(format, args...)}
}

// notFoundError is a request for something the store does not hold: the
// request gets a 404 with the message.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }

func notFound(format string, args ...any) error {
	return &notFoundError{msg: fmt.Sprintf(format, args...)}
}

// statusOf returns the HTTP status an error of a handler maps to.
func statusOf(err error) int {
	var pe *paramError
	var nf *notFoundError
	switch {
	case errors.As(err, &pe):
		return 400
	case errors.As(err, &nf):
		return 404
	}
	return 500
}

// Parameter names.
const (
	pSource   = "source"
	pMetric   = "metric"
	pCategory = "category"
	pRegion   = "region"
	pFrom     = "from"
	pTo       = "to"
	pPeriod   = "period"
	pLimit    = "limit"
	pActive   = "active"
)

// seriesParams are the filters of the series routes.
var seriesParams = []string{pSource, pMetric, pCategory, pRegion, pFrom, pTo}

// query is a request's validated parameters.
type query struct {
	store.Filter
	// Period, when set, selects exactly this period.
	Period string
	// Limit caps a listing; 0 is no cap.
	Limit int
	// Active, when set, keeps only active (true) or ended (false) alerts.
	Active *bool
	// from, to and period are the parsed From, To and Period.
	from, to, period parser.Period
}

// regionRE matches an ISO 3166-1 alpha-2 country or an ISO 3166-2 code.
var regionRE = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

// maxParamLen bounds every parameter value.
const maxParamLen = 200

// parseQuery validates the parameters of a request: only the allowed
// names, each at most once; empty values are the same as absent ones (as
// an HTML form sends them).
func parseQuery(v url.Values, allowed ...string) (query, error) {
	var q query
	for name, vals := range v {
		if !slices.Contains(allowed, name) {
			return q, badParam("unknown parameter %q (this page takes %s)", name, strings.Join(allowed, ", "))
		}
		if len(vals) > 1 {
			return q, badParam("parameter %q given %d times", name, len(vals))
		}
		if len(vals[0]) > maxParamLen {
			return q, badParam("parameter %q is longer than %d bytes", name, maxParamLen)
		}
	}
	get := v.Get
	q.Source = get(pSource)
	q.Metric = get(pMetric)
	if q.Metric != "" && !slices.Contains(parser.Metrics, q.Metric) {
		return q, badParam("unknown metric %q (want one of %s)", q.Metric, strings.Join(parser.Metrics, ", "))
	}
	q.Category = get(pCategory)
	if q.Category != "" && !slices.Contains(parser.Categories, q.Category) {
		return q, badParam("unknown category %q (want one of %s)", q.Category, strings.Join(parser.Categories, ", "))
	}
	q.Region = get(pRegion)
	if q.Region != "" && !regionRE.MatchString(q.Region) {
		return q, badParam("invalid region %q (want a country such as PK or a province such as PK-KP)", q.Region)
	}
	var err error
	if q.From, q.from, err = periodParam(v, pFrom); err != nil {
		return q, err
	}
	if q.To, q.to, err = periodParam(v, pTo); err != nil {
		return q, err
	}
	if q.From != "" && q.To != "" && q.from.Start.After(q.to.Start) {
		return q, badParam("from %s is after to %s", q.From, q.To)
	}
	if q.Period, q.period, err = periodParam(v, pPeriod); err != nil {
		return q, err
	}
	if s := get(pLimit); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 1 {
			return q, badParam("invalid limit %q (want a positive integer)", s)
		}
	}
	if s := get(pActive); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, badParam("invalid active %q (want true or false)", s)
		}
		q.Active = &b
	}
	return q, nil
}

// periodParam reads a period parameter in the corpus format.
func periodParam(v url.Values, name string) (string, parser.Period, error) {
	s := v.Get(name)
	if s == "" {
		return "", parser.Period{}, nil
	}
	p, err := parser.ParsePeriod(s)
	if err != nil {
		return "", p, badParam("invalid %s: %v", name, err)
	}
	return s, p, nil
}

// require reports the first of names that q leaves empty.
func (q query) require(names ...string) error {
	for _, n := range names {
		var v string
		switch n {
		case pSource:
			v = q.Source
		case pMetric:
			v = q.Metric
		case pCategory:
			v = q.Category
		case pRegion:
			v = q.Region
		case pPeriod:
			v = q.Period
		}
		if v == "" {
			return badParam("missing parameter %q (a point is named by %s)", n, strings.Join(names, ", "))
		}
	}
	return nil
}

// keyed reports whether q names a series by any of its key fields.
func (q query) keyed() bool {
	return q.Source != "" || q.Metric != "" || q.Category != "" || q.Region != ""
}

// describe names the filters of q for a message, e.g. `metric=deaths region=XX`.
func (q query) describe() string {
	var parts []string
	for _, kv := range [][2]string{
		{pSource, q.Source}, {pMetric, q.Metric}, {pCategory, q.Category}, {pRegion, q.Region},
		{pPeriod, q.Period}, {pFrom, q.From}, {pTo, q.To},
	} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if len(parts) == 0 {
		return "no filter"
	}
	return strings.Join(parts, " ")
}

// values encodes the filters of q as URL parameters (empty ones left out).
func (q query) values() url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{
		{pSource, q.Source}, {pMetric, q.Metric}, {pCategory, q.Category}, {pRegion, q.Region},
		{pFrom, q.From}, {pTo, q.To},
	} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	return v
}

// publishedRange turns the from and to periods into a publication date
// range: from the start of from to the end of to.
func (q query) publishedRange() (from, to time.Time) {
	if q.From != "" {
		from = q.from.Start
	}
	if q.To != "" {
		to = q.to.End
	}
	return from, to
}

// pointURL is the address of the page of one series point.
func pointURL(source, period, metric, category, region string) string {
	v := url.Values{}
	v.Set(pSource, source)
	v.Set(pPeriod, period)
	v.Set(pMetric, metric)
	v.Set(pCategory, category)
	v.Set(pRegion, region)
	return "/point?" + v.Encode()
}

// seriesURL is the address of the series page of one series.
func seriesURL(source, metric, category, region string) string {
	q := query{Filter: store.Filter{Source: source, Metric: metric, Category: category, Region: region}}
	return "/series?" + q.values().Encode()
}
