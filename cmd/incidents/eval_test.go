package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/incidents-dev/incidents/corpus"
	"github.com/incidents-dev/incidents/parser"
)

// The testdata/eval corpus has two cases and two gold figures. The figure
// of "unmatchable" has no number in its text, so any parser misses it.
const evalDir = "testdata/eval"

var unmatchable = corpus.Figure{Period: "2024-02", Metric: "deaths", Category: "all", Region: "PK", Value: 7, Qualifier: "exact"}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[max(0, len(lines)-n):]
}

// checkSummary checks that the table output ends with the summary lines
// for the two gold figures of testdata/eval.
func checkSummary(t *testing.T, out string) {
	t.Helper()
	want := []*regexp.Regexp{
		regexp.MustCompile(`^figures: gold 2, predicted \d+, matched [01] \(2 cases\)$`),
		regexp.MustCompile(`^precision [01]\.\d{3}  recall 0\.[05]00  F1 [01]\.\d{3}$`),
		regexp.MustCompile(`^qualifier accuracy [01]\.\d{3} \(\d of [01] matched\)$`),
	}
	for i, line := range lastLines(out, 3) {
		if !want[i].MatchString(line) {
			t.Errorf("summary line %d = %q, want it to match %s", i+1, line, want[i])
		}
	}
}

func TestEvalTable(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		have    []string
		notHave []string
	}{
		{name: "summary", args: []string{"eval", evalDir},
			have:    []string{"CASE ", "\nplain ", "\nunmatchable  "},
			notHave: []string{"  missed "}},
		{name: "verbose", args: []string{"eval", "-v", evalDir},
			have: []string{"\nunmatchable\n  missed     " + unmatchable.String() + "\n"}},
		{name: "verbose long flag", args: []string{"eval", evalDir, "--verbose"},
			have: []string{"\nunmatchable\n  missed     " + unmatchable.String() + "\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := execCLI(t, "", tt.args...)
			if err != nil {
				t.Fatalf("eval: %v", err)
			}
			for _, s := range tt.have {
				if !strings.Contains(stdout, s) {
					t.Errorf("output does not contain %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.notHave {
				if strings.Contains(stdout, s) {
					t.Errorf("output contains %q:\n%s", s, stdout)
				}
			}
			checkSummary(t, stdout)
		})
	}
}

func TestEvalJSON(t *testing.T) {
	stdout, _, err := execCLI(t, "", "eval", "--format", "json", evalDir)
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var r corpus.Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("output is not a report: %v\n%s", err, stdout)
	}
	if r.Cases != 2 || r.Gold != 2 || len(r.PerCase) != 2 {
		t.Fatalf("cases %d, gold %d, %d case reports; want 2, 2, 2", r.Cases, r.Gold, len(r.PerCase))
	}
	if r.Matched > r.Predicted || r.Matched > 1 || r.QualifiersCorrect > r.Matched {
		t.Errorf("inconsistent counts: %+v", r)
	}
	c := r.PerCase[1]
	if c.ID != "unmatchable" || len(c.Missed) != 1 || c.Missed[0] != unmatchable {
		t.Errorf("case 2 = %+v, want unmatchable missing %v", c, unmatchable)
	}
}

func TestEvalExitCodes(t *testing.T) {
	runExitCases(t, []exitCase{
		{name: "ok", args: []string{"eval", evalDir}, code: 0, stderrHave: ""},
		{name: "no dir", args: []string{"eval"}, code: 2, stderrHave: "accepts 1 arg(s), received 0"},
		{name: "two dirs", args: []string{"eval", evalDir, evalDir}, code: 2, stderrHave: "accepts 1 arg(s), received 2"},
		{name: "bad format", args: []string{"eval", "--format", "csv", evalDir}, code: 2, stderrHave: `invalid --format "csv"`},
		{name: "missing dir", args: []string{"eval", "testdata/nope"}, code: 1, stderrHave: "testdata/nope: no such file or directory"},
		{name: "broken case", args: []string{"eval", "testdata/eval-bad"}, code: 1,
			stderrHave: filepath.Join("testdata", "eval-bad", "broken.json") + ": invalid JSON at line 3, column 3"},
	})
}

// TestWriteEvalTable checks the exact layout on a report built by hand.
func TestWriteEvalTable(t *testing.T) {
	text := "In February, 12 attacks killed 20 people."
	n20 := strings.Index(text, "20")
	gold := []corpus.Figure{
		{Period: "2024-02", Metric: "attacks", Category: "all", Region: "PK", Value: 12, Qualifier: "at_least"},
		{Period: "2024-02", Metric: "deaths", Category: "all", Region: "PK", Value: 20, Qualifier: "exact"},
	}
	cases := []corpus.Case{{ID: "feb", Text: text, Figures: gold}, {ID: "empty", Text: "Nothing."}}
	preds := map[string][]parser.Figure{"feb": {
		{Period: "2024-02", Metric: "attacks", Category: "all", Region: "PK", Value: 12, Qualifier: "exact"},
		{Period: "2024-02", Metric: "deaths", Category: "civilians", Region: "PK", Value: 20, Qualifier: "exact",
			Evidence: parser.Evidence{Text: text, Start: n20, End: n20 + 2}},
	}}
	r := corpus.Score(cases, func(c corpus.Case) []parser.Figure { return preds[c.ID] })
	var buf bytes.Buffer
	if err := writeEvalTable(&buf, cases, r, true); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"CASE   GOLD  PRED  MATCHED  MISSED  SPURIOUS  QUAL-WRONG  F1\n" +
		"feb    2     2     1        1       1         1           0.500\n" +
		"empty  0     0     0        0       0         0           1.000\n" +
		"\n" +
		"feb\n" +
		"  missed     2024-02 deaths all PK 20 exact\n" +
		"  spurious   2024-02 deaths civilians PK 20 exact  In February, 12 attacks killed [20] people.\n" +
		"  qualifier  2024-02 attacks all PK 12 at_least (predicted exact)\n" +
		"\n" +
		"figures: gold 2, predicted 2, matched 1 (2 cases)\n" +
		"precision 0.500  recall 0.500  F1 0.500\n" +
		"qualifier accuracy 0.000 (0 of 1 matched)\n"
	if buf.String() != want {
		t.Errorf("table =\n%s\nwant\n%s", buf.String(), want)
	}
}
