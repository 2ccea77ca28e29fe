package deploy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/incidents-dev/incidents/internal/testserver"
)

// selector is a vector selector of a PromQL expression: the metric name
// and the text between its braces.
type selector struct {
	Name     string
	Matchers string
}

// Words of PromQL that are never metric names.
var (
	promqlModifiers  = []string{"by", "without", "on", "ignoring", "group_left", "group_right"}
	promqlKeywords   = []string{"and", "or", "unless", "bool", "offset", "inf", "nan", "atan2"}
	promqlAggregates = []string{"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio"}
)

// selectors lists the vector selectors of a PromQL expression that
// promtool has accepted: identifiers that are not functions, aggregations,
// keywords or label lists, and {__name__="..."} matchers. It is a lexer,
// not a parser: it relies on the expression being valid.
func selectors(expr string) ([]selector, error) {
	var out []selector
	l := &lexer{s: expr}
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.i++
		case c == '#':
			l.skipLine()
		case c == '"' || c == '\'' || c == '`':
			if err := l.skipString(); err != nil {
				return nil, err
			}
		case c == '{':
			body, err := l.group('{', '}')
			if err != nil {
				return nil, err
			}
			if m := nameMatcher.FindStringSubmatch(body); m != nil {
				out = append(out, selector{Name: m[1], Matchers: body})
			}
		case c == '[':
			if _, err := l.group('[', ']'); err != nil {
				return nil, err
			}
		case isIdentStart(c):
			sel, err := l.identifier()
			if err != nil {
				return nil, err
			}
			if sel != nil {
				out = append(out, *sel)
			}
		case c >= '0' && c <= '9' || c == '.':
			for l.i < len(l.s) && (isIdentPart(l.s[l.i]) || l.s[l.i] == '.') {
				l.i++
			}
		default:
			l.i++
		}
	}
	return out, nil
}

var nameMatcher = regexp.MustCompile(`__name__\s*=\s*"([^"]+)"`)

type lexer struct {
	s string
	i int
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func (l *lexer) skipLine() {
	for l.i < len(l.s) && l.s[l.i] != '\n' {
		l.i++
	}
}

func (l *lexer) skipSpace() {
	for l.i < len(l.s) && strings.IndexByte(" \t\r\n", l.s[l.i]) >= 0 {
		l.i++
	}
}

// skipString skips a quoted string starting at l.i.
func (l *lexer) skipString() error {
	q := l.s[l.i]
	for j := l.i + 1; j < len(l.s); j++ {
		if l.s[j] == '\\' && q != '`' {
			j++
			continue
		}
		if l.s[j] == q {
			l.i = j + 1
			return nil
		}
	}
	return fmt.Errorf("unterminated string at %d in %q", l.i, l.s)
}

// group skips a bracketed group starting at l.i (strings inside included)
// and returns its content.
func (l *lexer) group(open, close byte) (string, error) {
	start, depth := l.i, 0
	for l.i < len(l.s) {
		switch c := l.s[l.i]; {
		case c == '"' || c == '\'' || c == '`':
			if err := l.skipString(); err != nil {
				return "", err
			}
			continue
		case c == open:
			depth++
		case c == close:
			depth--
			if depth == 0 {
				l.i++
				return l.s[start+1 : l.i-1], nil
			}
		}
		l.i++
	}
	return "", fmt.Errorf("unclosed %c at %d in %q", open, start, l.s)
}

// identifier reads the identifier at l.i and returns a selector when it is
// a metric name, with the braces that follow it.
func (l *lexer) identifier() (*selector, error) {
	start := l.i
	for l.i < len(l.s) && isIdentPart(l.s[l.i]) {
		l.i++
	}
	word := l.s[start:l.i]
	l.skipSpace()
	next := byte(0)
	if l.i < len(l.s) {
		next = l.s[l.i]
	}
	lower := strings.ToLower(word)
	switch {
	case slices.Contains(promqlModifiers, lower):
		if next == '(' {
			_, err := l.group('(', ')')
			return nil, err
		}
		return nil, nil
	case slices.Contains(promqlKeywords, lower), next == '(':
		return nil, nil
	case slices.Contains(promqlAggregates, lower) && l.followedByModifier():
		return nil, nil
	}
	sel := &selector{Name: word}
	if next == '{' {
		body, err := l.group('{', '}')
		if err != nil {
			return nil, err
		}
		sel.Matchers = body
	}
	return sel, nil
}

// followedByModifier reports whether by or without comes at l.i.
func (l *lexer) followedByModifier() bool {
	rest := l.s[l.i:]
	for _, m := range []string{"by", "without"} {
		if strings.HasPrefix(rest, m) && (len(rest) == len(m) || !isIdentPart(rest[len(m)])) {
			return true
		}
	}
	return false
}

func TestSelectors(t *testing.T) {
	tests := []struct {
		name, expr string
		want       []string
	}{
		{"bare", "up", []string{"up"}},
		{"matchers", `incidents_latest_value{source="a{b}", region=~"PK-.*"}`, []string{"incidents_latest_value"}},
		{"function and range", `rate(incidents_documents_total{state="new"}[5m])`, []string{"incidents_documents_total"}},
		{"aggregation before", `sum by (source, le) (rate(x_bucket[5m]))`, []string{"x_bucket"}},
		{"aggregation after", `sum(rate(x_bucket[5m])) by (le)`, []string{"x_bucket"}},
		{"aggregation without parens", `count without (instance) (y)`, []string{"y"}},
		{"binary with matching", `a / on (instance) group_left (version) b > 0`, []string{"a", "b"}},
		{"group_left without list", `a * on (job) group_left b`, []string{"a", "b"}},
		{"keywords and numbers", `time() - c > 13 * 3600 and d offset 1h or e unless f`, []string{"c", "d", "e", "f"}},
		{"bool and scientific", `g == bool 1e3`, []string{"g"}},
		{"name matcher", `{__name__="h", job="x"}`, []string{"h"}},
		{"subquery", `max_over_time(i[1h:5m])`, []string{"i"}},
		{"aggregate name as metric", `count`, []string{"count"}},
		{"label named like a keyword", `j{by="x", on="y"}`, []string{"j"}},
		{"comment", "k # not_a_metric", []string{"k"}},
		{"colons", `job:requests:rate5m`, []string{"job:requests:rate5m"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sels, err := selectors(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range sels {
				got = append(got, s.Name)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("selectors(%q) = %v, want %v", tt.expr, got, tt.want)
			}
		})
	}
}

// promqlValues are the values the PromQL of the dashboards is checked
// with, in place of Grafana's variables and interval macros.
var promqlValues = map[string]string{
	"__rate_interval": "5m",
	"__interval":      "5m",
	"__range":         "1d",
	"instance":        ".+",
	"source":          "examples",
}

// grafanaVar matches $name, ${name} and ${name:format}.
var grafanaVar = regexp.MustCompile(`\$\{(\w+)(?::(\w+))?\}|\$(\w+)`)

// substitutePromQL replaces the Grafana variables of expr by
// promqlValues; an unknown variable is an error.
func substitutePromQL(expr string) (string, error) {
	var err error
	out := grafanaVar.ReplaceAllStringFunc(expr, func(m string) string {
		g := grafanaVar.FindStringSubmatch(m)
		name := g[1] + g[3]
		v, ok := promqlValues[name]
		if !ok {
			err = fmt.Errorf("unknown variable %s in %q", m, expr)
		}
		return v
	})
	return out, err
}

// promQuery is a PromQL expression of a dashboard and where it is.
type promQuery struct {
	Where, Expr string
}

// TestDashboardPromQL checks every PromQL expression of the dashboards
// with promtool (as recording rules) and checks that it only names metrics
// /metrics exposes (the names of the package's real serve scrape), or
// ALERTS of alerts that deploy/prometheus/rules define.
func TestDashboardPromQL(t *testing.T) {
	var queries []promQuery
	for _, d := range dashboards(t) {
		queries = append(queries, d.promQueries()...)
	}
	if len(queries) < 10 {
		t.Fatalf("found %d PromQL expressions in the dashboards; the walk is broken", len(queries))
	}
	promtool := testserver.LookBin(t, "promtool")
	rules := map[string]any{"groups": []any{map[string]any{"name": "dashboards", "rules": recordingRules(t, queries)}}}
	b, err := yaml.Marshal(rules)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dashboards.yml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runTool(t, "", promtool, "check", "rules", path)
	if !strings.Contains(out, fmt.Sprintf("SUCCESS: %d rules found", len(queries))) {
		t.Fatalf("promtool check rules: %s", out)
	}

	exposed := exposedNames(t)
	alerts := ruleAlerts(t)
	for _, q := range queries {
		t.Run(q.Where, func(t *testing.T) {
			expr, err := substitutePromQL(q.Expr)
			if err != nil {
				t.Fatal(err)
			}
			sels, err := selectors(expr)
			if err != nil {
				t.Fatal(err)
			}
			if len(sels) == 0 {
				t.Fatalf("%q names no metric", expr)
			}
			for _, s := range sels {
				if s.Name == "ALERTS" {
					checkAlertsSelector(t, s, alerts)
					continue
				}
				if !exposed[s.Name] {
					t.Errorf("%q names %s, which /metrics does not expose", expr, s.Name)
				}
			}
		})
	}
}

// recordingRules turns each expression into a recording rule.
func recordingRules(t *testing.T, queries []promQuery) []any {
	t.Helper()
	var out []any
	for i, q := range queries {
		expr, err := substitutePromQL(q.Expr)
		if err != nil {
			t.Fatalf("%s: %v", q.Where, err)
		}
		out = append(out, map[string]any{"record": fmt.Sprintf("dashboard:expr_%d", i), "expr": expr})
	}
	return out
}

var alertnameMatcher = regexp.MustCompile(`alertname\s*(=~|=)\s*"([^"]*)"`)

// checkAlertsSelector checks that ALERTS is selected by alert names that
// the shipped rules define.
func checkAlertsSelector(t *testing.T, s selector, alerts map[string]bool) {
	t.Helper()
	m := alertnameMatcher.FindStringSubmatch(s.Matchers)
	if m == nil {
		t.Errorf("ALERTS{%s}: select the alerts by alertname", s.Matchers)
		return
	}
	names := []string{m[2]}
	if m[1] == "=~" {
		names = strings.Split(m[2], "|")
	}
	for _, n := range names {
		if !alerts[n] {
			t.Errorf("ALERTS{%s}: no rule of deploy/prometheus/rules defines alert %s", s.Matchers, n)
		}
	}
}

// ruleAlerts returns the alert names defined in deploy/prometheus/rules.
func ruleAlerts(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "deploy/prometheus/rules/*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yml") {
			continue
		}
		var doc struct {
			Groups []struct {
				Rules []struct {
					Alert string `yaml:"alert"`
				} `yaml:"rules"`
			} `yaml:"groups"`
		}
		rel, _ := filepath.Rel(repoRoot, f)
		readYAML(t, rel, &doc)
		for _, g := range doc.Groups {
			for _, r := range g.Rules {
				if r.Alert != "" {
					out[r.Alert] = true
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("deploy/prometheus/rules defines no alert")
	}
	return out
}

var labelValues = regexp.MustCompile(`^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$`)

// TestDashboardPromVariables checks the Prometheus template variables:
// label_values(metric, label) of a metric /metrics exposes with that label.
func TestDashboardPromVariables(t *testing.T) {
	samples := startStack(t).Samples
	n := 0
	for _, d := range dashboards(t) {
		for _, v := range d.variables() {
			if digString(v, "datasource", "type") != "prometheus" {
				continue
			}
			n++
			q := digString(v, "query", "query")
			if q == "" {
				q = digString(v, "query")
			}
			m := labelValues.FindStringSubmatch(q)
			if m == nil {
				t.Errorf("%s variable %v: query %q is not label_values(metric, label)", d.File, v["name"], q)
				continue
			}
			found := false
			for _, s := range samples {
				_, has := s.Labels[m[2]]
				found = found || (s.Name == m[1] && (has || m[2] == "instance" || m[2] == "job"))
			}
			if !found {
				t.Errorf("%s variable %v: /metrics exposes no %s with label %s", d.File, v["name"], m[1], m[2])
			}
		}
	}
	if n == 0 {
		t.Fatal("no Prometheus variable found; the walk is broken")
	}
}
