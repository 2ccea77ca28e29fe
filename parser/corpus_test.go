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

// Thresholds of issue 2: the shared dev set must score F1 and qualifier
// accuracy of at least 0.95. Our own sets keep a regression floor. Each
// was written blind and scored once before any tuning, which is the
// measure of generalisation to unseen reports (own4 scored F1 0.775 on its
// first run, own5 0.745, own6 0.779, own7 0.776, own8 0.747, own9 0.750,
// own10 0.788, own11 0.840, own12 0.907, own13 0.885, own14 0.873, own15 0.762); a set added blind gets a floor
// a little below its blind score here until it has been worked through.
const (
	minF1                = 0.95
	minQualifierAccuracy = 0.95
)

// folderFloors is the minimum F1 per folder; folders not listed use
// defaultFloor.
var folderFloors = map[string]float64{
	"dev":   minF1,
	"own8":  0.80, // scored blind (0.747), then partly worked through
	"own9":  0.80, // scored blind (0.750), then partly worked through
	"own10": 0.75, // scored blind (0.788), then partly worked through
	"own11": 0.80, // written blind (0.840); held out
	"own12": 0.85, // written blind (0.907); held out
	"own13": 0.83, // written blind (0.885 with Telangana's current code; 0.827 for the parser of the stop's start)
	"own14": 0.83, // written blind (0.873; 0.865 for the parser of the stop's start)
	"own15": 0.80, // written blind to find where the parser breaks (0.762; 0.760 at the stop's start), then partly worked through
}

const defaultFloor = 0.85

// TestCorpus scores Extract on every folder of testdata/corpus, logs the
// score of each folder and of all cases together, and fails when a
// folder's F1 or qualifier accuracy is below its floor. Run it with -v
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
		r := corpus.Score(cases, corpus.Predict)
		logScore(t, e.Name(), r)
		floor, ok := folderFloors[e.Name()]
		if !ok {
			floor = defaultFloor
		}
		if r.F1 < floor {
			t.Errorf("%s: F1 %.3f < %.2f (%d missed, %d spurious)", e.Name(), r.F1, floor, r.Gold-r.Matched, r.Predicted-r.Matched)
		}
		if r.QualifierAccuracy < minQualifierAccuracy {
			t.Errorf("%s: qualifier accuracy %.3f < %.2f", e.Name(), r.QualifierAccuracy, minQualifierAccuracy)
		}
		all = append(all, cases...)
	}
	if len(all) == 0 {
		t.Fatalf("no cases under %s", corpusRoot)
	}
	logScore(t, "overall", corpus.Score(all, corpus.Predict))
}

func logScore(t *testing.T, name string, r corpus.Report) {
	t.Helper()
	t.Logf("%-10s %3d cases  gold %4d  predicted %4d  matched %4d  precision %.3f  recall %.3f  F1 %.3f  qualifier accuracy %.3f",
		name, r.Cases, r.Gold, r.Predicted, r.Matched, r.Precision, r.Recall, r.F1, r.QualifierAccuracy)
}
