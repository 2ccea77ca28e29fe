package corpus

import (
	"math"
	"reflect"
	"testing"

	"github.com/incidents-dev/incidents/parser"
)

// fig builds a gold figure for region PK and category all.
func fig(period, metric string, value int64, qualifier string) Figure {
	return Figure{Period: period, Metric: metric, Category: "all", Region: "PK", Value: value, Qualifier: qualifier}
}

// pred turns gold figures into predictions, with evidence so that tests
// can tell which prediction ended up where.
func pred(figs ...Figure) []parser.Figure {
	out := make([]parser.Figure, len(figs))
	for i, f := range figs {
		out[i] = parser.Figure{Period: f.Period, Metric: f.Metric, Category: f.Category, Region: f.Region,
			Value: f.Value, Qualifier: f.Qualifier, Evidence: parser.Evidence{Start: i}, Confidence: 0.9}
	}
	return out
}

func TestScore(t *testing.T) {
	jan := fig("2023-01", "deaths", 134, "exact")
	inj := fig("2023-01", "injuries", 254, "exact")
	att := fig("2023-01", "attacks", 44, "at_least")
	attExact := fig("2023-01", "attacks", 44, "exact")
	att45 := fig("2023-01", "attacks", 45, "at_least")
	otherRegion := jan
	otherRegion.Region = "PK-KP"
	otherCategory := jan
	otherCategory.Category = "civilians"
	otherPeriod := jan
	otherPeriod.Period = "2022-12"
	otherMetric := jan
	otherMetric.Metric = "casualties"

	type caseWant struct {
		matched        int
		missed         []Figure
		spurious       int
		wrongQualifier []QualifierMiss
	}
	tests := []struct {
		name      string
		gold      [][]Figure
		preds     [][]parser.Figure
		gold1     int // totals
		predicted int
		matched   int
		qualOK    int
		precision float64
		recall    float64
		f1        float64
		qualAcc   float64
		perCase   []caseWant
	}{
		{
			name: "perfect", gold: [][]Figure{{jan, inj, att}}, preds: [][]parser.Figure{pred(att, jan, inj)},
			gold1: 3, predicted: 3, matched: 3, qualOK: 3, precision: 1, recall: 1, f1: 1, qualAcc: 1,
			perCase: []caseWant{{matched: 3, missed: []Figure{}}},
		},
		{
			name: "duplicate prediction matches once", gold: [][]Figure{{jan}}, preds: [][]parser.Figure{pred(jan, jan)},
			gold1: 1, predicted: 2, matched: 1, qualOK: 1, precision: 0.5, recall: 1, f1: 2.0 / 3, qualAcc: 1,
			perCase: []caseWant{{matched: 1, missed: []Figure{}, spurious: 1}},
		},
		{
			name: "wrong value is a miss and a spurious figure", gold: [][]Figure{{jan, att}}, preds: [][]parser.Figure{pred(jan, att45)},
			gold1: 2, predicted: 2, matched: 1, qualOK: 1, precision: 0.5, recall: 0.5, f1: 0.5, qualAcc: 1,
			perCase: []caseWant{{matched: 1, missed: []Figure{att}, spurious: 1}},
		},
		{
			name: "each field must be equal", gold: [][]Figure{{jan}}, preds: [][]parser.Figure{pred(otherRegion, otherCategory, otherPeriod, otherMetric)},
			gold1: 1, predicted: 4, matched: 0, qualOK: 0, precision: 0, recall: 0, f1: 0, qualAcc: 1,
			perCase: []caseWant{{matched: 0, missed: []Figure{jan}, spurious: 4}},
		},
		{
			name: "wrong qualifier still matches", gold: [][]Figure{{jan, att}}, preds: [][]parser.Figure{pred(jan, attExact)},
			gold1: 2, predicted: 2, matched: 2, qualOK: 1, precision: 1, recall: 1, f1: 1, qualAcc: 0.5,
			perCase: []caseWant{{matched: 2, missed: []Figure{}, wrongQualifier: []QualifierMiss{{Gold: att, Predicted: "exact"}}}},
		},
		{
			name: "same qualifier preferred among duplicates", gold: [][]Figure{{att}}, preds: [][]parser.Figure{pred(attExact, att)},
			gold1: 1, predicted: 2, matched: 1, qualOK: 1, precision: 0.5, recall: 1, f1: 2.0 / 3, qualAcc: 1,
			perCase: []caseWant{{matched: 1, missed: []Figure{}, spurious: 1}},
		},
		{
			name: "nothing predicted", gold: [][]Figure{{jan, inj}}, preds: [][]parser.Figure{nil},
			gold1: 2, predicted: 0, matched: 0, qualOK: 0, precision: 1, recall: 0, f1: 0, qualAcc: 1,
			perCase: []caseWant{{matched: 0, missed: []Figure{jan, inj}}},
		},
		{
			name: "distractor case with spurious figure", gold: [][]Figure{{}}, preds: [][]parser.Figure{pred(jan)},
			gold1: 0, predicted: 1, matched: 0, qualOK: 0, precision: 0, recall: 1, f1: 0, qualAcc: 1,
			perCase: []caseWant{{matched: 0, missed: []Figure{}, spurious: 1}},
		},
		{
			name: "distractor case handled", gold: [][]Figure{{}}, preds: [][]parser.Figure{nil},
			gold1: 0, predicted: 0, matched: 0, qualOK: 0, precision: 1, recall: 1, f1: 1, qualAcc: 1,
			perCase: []caseWant{{matched: 0, missed: []Figure{}}},
		},
		{
			// Pooled over cases: 4/7 and 4/5, not the mean of per-case scores.
			name: "micro average over cases", gold: [][]Figure{{jan, inj, att, otherRegion}, {otherPeriod}},
			preds: [][]parser.Figure{pred(jan, inj, attExact, otherRegion), pred(jan, inj, att)},
			gold1: 5, predicted: 7, matched: 4, qualOK: 3, precision: 4.0 / 7, recall: 0.8, f1: 2 * (4.0 / 7) * 0.8 / (4.0/7 + 0.8), qualAcc: 0.75,
			perCase: []caseWant{
				{matched: 4, missed: []Figure{}, wrongQualifier: []QualifierMiss{{Gold: att, Predicted: "exact"}}},
				{matched: 0, missed: []Figure{otherPeriod}, spurious: 3},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cases := make([]Case, len(tt.gold))
			byID := map[string][]parser.Figure{}
			for i := range tt.gold {
				id := string(rune('a' + i))
				cases[i] = Case{ID: id, Figures: tt.gold[i]}
				byID[id] = tt.preds[i]
			}
			r := Score(cases, func(c Case) []parser.Figure { return byID[c.ID] })
			counts := [5]int{r.Cases, r.Gold, r.Predicted, r.Matched, r.QualifiersCorrect}
			if want := [5]int{len(cases), tt.gold1, tt.predicted, tt.matched, tt.qualOK}; counts != want {
				t.Errorf("cases, gold, predicted, matched, qualifiers correct = %v, want %v", counts, want)
			}
			for _, s := range []struct {
				name      string
				got, want float64
			}{{"precision", r.Precision, tt.precision}, {"recall", r.Recall, tt.recall}, {"F1", r.F1, tt.f1}, {"qualifier accuracy", r.QualifierAccuracy, tt.qualAcc}} {
				if math.Abs(s.got-s.want) > 1e-9 {
					t.Errorf("%s = %v, want %v", s.name, s.got, s.want)
				}
			}
			if len(r.PerCase) != len(tt.perCase) {
				t.Fatalf("%d case reports, want %d", len(r.PerCase), len(tt.perCase))
			}
			for i, w := range tt.perCase {
				cr := r.PerCase[i]
				if cr.ID != cases[i].ID || cr.Gold != len(tt.gold[i]) || cr.Predicted != len(tt.preds[i]) || cr.Matched != w.matched {
					t.Errorf("case %d: id %s gold %d predicted %d matched %d, want %s %d %d %d", i, cr.ID, cr.Gold, cr.Predicted, cr.Matched,
						cases[i].ID, len(tt.gold[i]), len(tt.preds[i]), w.matched)
				}
				if !reflect.DeepEqual(cr.Missed, w.missed) {
					t.Errorf("case %d missed = %v, want %v", i, cr.Missed, w.missed)
				}
				if len(cr.Spurious) != w.spurious {
					t.Errorf("case %d: %d spurious, want %d: %v", i, len(cr.Spurious), w.spurious, cr.Spurious)
				}
				if w.wrongQualifier == nil {
					w.wrongQualifier = []QualifierMiss{}
				}
				if !reflect.DeepEqual(cr.WrongQualifier, w.wrongQualifier) {
					t.Errorf("case %d wrong qualifiers = %v, want %v", i, cr.WrongQualifier, w.wrongQualifier)
				}
			}
		})
	}
}

func TestScoreSpuriousKeepsEvidence(t *testing.T) {
	jan := fig("2023-01", "deaths", 134, "exact")
	dec := fig("2022-12", "deaths", 90, "exact")
	preds := pred(jan, dec, jan)
	r := Score([]Case{{ID: "a", Figures: []Figure{jan}}}, func(Case) []parser.Figure { return preds })
	got := r.PerCase[0].Spurious
	// The first jan is matched; dec and the second jan are spurious, in order.
	if len(got) != 2 || got[0].Evidence.Start != 1 || got[1].Evidence.Start != 2 {
		t.Errorf("spurious = %+v, want predictions 1 and 2 in order", got)
	}
}
