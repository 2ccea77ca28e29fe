package corpus

import (
	"strconv"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// Report is the score of a parser over a set of cases, as defined in
// corpus/GUIDE.md "Scoring".
type Report struct {
	// Cases is the number of cases scored.
	Cases int `json:"cases"`
	// Gold, Predicted and Matched count figures over all cases together.
	Gold      int `json:"gold"`
	Predicted int `json:"predicted"`
	Matched   int `json:"matched"`
	// QualifiersCorrect counts matched figures whose qualifier is right too.
	QualifiersCorrect int `json:"qualifiers_correct"`
	// Precision is Matched/Predicted, Recall is Matched/Gold, F1 their
	// harmonic mean. A ratio with a zero denominator is 1: predicting
	// nothing has no false positives, and no gold figure cannot be missed.
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	// QualifierAccuracy is QualifiersCorrect/Matched (1 when nothing matched).
	QualifierAccuracy float64 `json:"qualifier_accuracy"`
	// PerCase holds one result for every case, in the order scored.
	PerCase []CaseReport `json:"per_case"`
}

// CaseReport is the score of one case.
type CaseReport struct {
	ID        string `json:"id"`
	Gold      int    `json:"gold"`
	Predicted int    `json:"predicted"`
	Matched   int    `json:"matched"`
	// Missed lists the gold figures no prediction matched.
	Missed []Figure `json:"missed"`
	// Spurious lists the predictions that matched no gold figure.
	Spurious []parser.Figure `json:"spurious"`
	// WrongQualifier lists matched pairs whose qualifiers differ.
	WrongQualifier []QualifierMiss `json:"wrong_qualifier"`
}

// QualifierMiss is a matched figure whose predicted qualifier is wrong.
type QualifierMiss struct {
	Gold      Figure `json:"gold"`
	Predicted string `json:"predicted"`
}

// Score runs predict on every case and scores the predictions against the
// gold figures. A prediction matches a gold figure when period, metric,
// category, region and value are equal; each gold figure and each
// prediction is matched at most once. Among equal candidates a gold figure
// with the same qualifier is preferred, so qualifier accuracy does not
// depend on the order of the predictions.
func Score(cases []Case, predict func(Case) []parser.Figure) Report {
	r := Report{Cases: len(cases), PerCase: make([]CaseReport, 0, len(cases))}
	for _, c := range cases {
		cr := scoreCase(c, predict(c))
		r.Gold += cr.Gold
		r.Predicted += cr.Predicted
		r.Matched += cr.Matched
		r.QualifiersCorrect += cr.Matched - len(cr.WrongQualifier)
		r.PerCase = append(r.PerCase, cr)
	}
	r.Precision = ratio(r.Matched, r.Predicted)
	r.Recall = ratio(r.Matched, r.Gold)
	if r.Precision+r.Recall > 0 {
		r.F1 = 2 * r.Precision * r.Recall / (r.Precision + r.Recall)
	}
	r.QualifierAccuracy = ratio(r.QualifiersCorrect, r.Matched)
	return r
}

func ratio(n, d int) float64 {
	if d == 0 {
		return 1
	}
	return float64(n) / float64(d)
}

// matchKey is the part of a figure that must be equal for a match.
func matchKey(f Figure) string {
	return f.Period + "|" + f.Metric + "|" + f.Category + "|" + f.Region + "|" + strconv.FormatInt(f.Value, 10)
}

func scoreCase(c Case, preds []parser.Figure) CaseReport {
	cr := CaseReport{ID: c.ID, Gold: len(c.Figures), Predicted: len(preds),
		Missed: []Figure{}, Spurious: []parser.Figure{}, WrongQualifier: []QualifierMiss{}}
	open := map[string][]int{} // match key -> indices of unmatched gold figures
	for i, g := range c.Figures {
		k := matchKey(g)
		open[k] = append(open[k], i)
	}
	pairedGold := make([]bool, len(c.Figures))
	pairedWith := make([]int, len(preds)) // gold index + 1, 0 when unpaired
	take := func(pi int, sameQualifier bool) {
		p := FromParser(preds[pi])
		k := matchKey(p)
		for j, gi := range open[k] {
			if sameQualifier && c.Figures[gi].Qualifier != p.Qualifier {
				continue
			}
			open[k] = append(open[k][:j:j], open[k][j+1:]...)
			pairedGold[gi] = true
			pairedWith[pi] = gi + 1
			return
		}
	}
	for pi := range preds {
		take(pi, true)
	}
	for pi := range preds {
		if pairedWith[pi] == 0 {
			take(pi, false)
		}
	}
	for pi, gi := range pairedWith {
		if gi == 0 {
			cr.Spurious = append(cr.Spurious, preds[pi])
			continue
		}
		cr.Matched++
		if g := c.Figures[gi-1]; g.Qualifier != preds[pi].Qualifier {
			cr.WrongQualifier = append(cr.WrongQualifier, QualifierMiss{Gold: g, Predicted: preds[pi].Qualifier})
		}
	}
	for gi, g := range c.Figures {
		if !pairedGold[gi] {
			cr.Missed = append(cr.Missed, g)
		}
	}
	return cr
}

// Predict runs the parser on a case the way the CLI runs it on a document:
// the publication date, country and publisher come from the case.
func Predict(c Case) []parser.Figure {
	published, _ := time.Parse(DateLayout, c.Published) // validated by Load
	return parser.Extract(c.Text, parser.Context{
		Published: published,
		Country:   c.Context.Country,
		Publisher: c.Context.Source,
	})
}
