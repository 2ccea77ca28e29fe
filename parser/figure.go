// Package parser turns the prose of periodic security reports into figures:
// counts of attacks, deaths, injuries, arrests, abductions and casualties for
// a period, a region and a category of people, each with the sentence it came
// from. It does no I/O and never reads the clock: the publication date is an
// input, so the same text always gives the same figures.
package parser

import (
	"strconv"
	"time"
)

// Context is what the parser knows about a document besides its text.
type Context struct {
	// Published is the publication date; months named without a year and
	// relative periods ("last month") are resolved against it.
	Published time.Time
	// Country is the ISO 3166-1 alpha-2 code figures default to when the
	// text names no region (e.g. "PK").
	Country string
	// Publisher names the think tank or outlet (e.g. "PICSS"); publisher
	// defaults in the lexicon may depend on it.
	Publisher string
}

// Evidence ties a figure to the text it was read from.
type Evidence struct {
	// Text is the sentence that states the figure.
	Text string `json:"text"`
	// Start and End are byte offsets of the number in the document text.
	Start int `json:"start"`
	End   int `json:"end"`
}

// Figure is one reported count, in the format of corpus/GUIDE.md.
type Figure struct {
	Period     string   `json:"period"`
	Metric     string   `json:"metric"`
	Category   string   `json:"category"`
	Region     string   `json:"region"`
	Value      int64    `json:"value"`
	Qualifier  string   `json:"qualifier"`
	Evidence   Evidence `json:"evidence"`
	Confidence float64  `json:"confidence"`
}

// Metric names, as in corpus/GUIDE.md.
const (
	MetricAttacks    = "attacks"
	MetricDeaths     = "deaths"
	MetricInjuries   = "injuries"
	MetricArrests    = "arrests"
	MetricAbductions = "abductions"
	MetricCasualties = "casualties"
)

// Metrics lists every metric in a stable order.
var Metrics = []string{MetricAttacks, MetricDeaths, MetricInjuries, MetricArrests, MetricAbductions, MetricCasualties}

// Categories lists every category in a stable order.
var Categories = []string{"all", "civilians", "security_forces", "militants"}

// Qualifiers lists every qualifier.
var Qualifiers = []string{"exact", "at_least", "approx", "at_most"}

// Key identifies a figure up to its value: two figures with equal keys
// report the same series point.
func (f Figure) Key() string {
	return f.Period + "|" + f.Metric + "|" + f.Category + "|" + f.Region
}

// QualifiedValue writes a value with the sign of its qualifier ("≥44",
// "~80", "≤10", "134"), the one short form the CLI and the web page share.
func QualifiedValue(v int64, q string) string {
	s := strconv.FormatInt(v, 10)
	switch q {
	case "at_least":
		return "≥" + s
	case "at_most":
		return "≤" + s
	case "approx":
		return "~" + s
	}
	return s
}
