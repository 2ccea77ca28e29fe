package parser_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/incidents-dev/incidents/corpus"
)

// corpusRoot holds the annotated cases, one folder per set (dev, and the
// cases written for each phenomenon), in the format of corpus/GUIDE.md.
const corpusRoot = "testdata/corpus"

// Thresholds of issue 2 for the whole corpus.
const (
	minF1                = 0.95
	minQualifierAccuracy = 0.95
)

// TestCorpus scores Extract on every folder of testdata/corpus, logs the
// score of each folder and of all cases together, and fails when the
// overall F1 or qualifier accuracy is below the thresholds. Run it with -v
// to see the scores; `incidents eval -v DIR` lists the errors per case.
func TestCorpus(t *testing.T) {
	entries, err := os.ReadDir(corpusRoot)
	if err != nil {
		t.Fatalf("read corpus: %v", err)
	}
	var all []corpus.Case
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		cases, err := corpus.Load(filepath.Join(corpusRoot, e.Name()))
		if err != nil {
			t.Fatalf("load corpus: %v", err)
		}
		logScore(t, e.Name(), corpus.Score(cases, corpus.Predict))
		all = append(all, cases...)
	}
	if len(all) == 0 {
		t.Fatalf("no cases under %s", corpusRoot)
	}
	r := corpus.Score(all, corpus.Predict)
	logScore(t, "overall", r)
	if r.F1 < minF1 {
		t.Errorf("overall F1 %.3f < %.2f (%d missed, %d spurious)", r.F1, minF1, r.Gold-r.Matched, r.Predicted-r.Matched)
	}
	if r.QualifierAccuracy < minQualifierAccuracy {
		t.Errorf("overall qualifier accuracy %.3f < %.2f (%d of %d matched figures)", r.QualifierAccuracy, minQualifierAccuracy,
			r.QualifiersCorrect, r.Matched)
	}
}

func logScore(t *testing.T, name string, r corpus.Report) {
	t.Helper()
	t.Logf("%-10s %3d cases  gold %4d  predicted %4d  matched %4d  precision %.3f  recall %.3f  F1 %.3f  qualifier accuracy %.3f",
		name, r.Cases, r.Gold, r.Predicted, r.Matched, r.Precision, r.Recall, r.F1, r.QualifierAccuracy)
}
