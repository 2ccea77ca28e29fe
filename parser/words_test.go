package parser

import "testing"

// TestGrammarWordIDs checks that each grammar word's constant is its
// vocabulary id, which is what lets s.is compare integers.
func TestGrammarWordIDs(t *testing.T) {
	lx, err := defaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	for id, w := range grammarWords {
		if w == "" {
			t.Errorf("grammar word %d has no spelling in grammarWords", id)
			continue
		}
		if got, ok := lx.vocab[w]; !ok || got != int32(id) {
			t.Errorf("grammar word %q: vocabulary id %d (present %v), want %d", w, got, ok, id)
		}
	}
	toks := tokenize("The attacks rose in Q3", nil)
	s := &sentence{lx: lx, text: "The attacks rose in Q3"}
	s.analyse(lx, s.text, 0, len(s.text), &docState{})
	if !s.is(0, wThe) || !s.isAny(2, wFell, wRose) || !s.is(4, wQ3) || s.is(1, wThe) || s.is(len(toks), wThe) || s.is(-1, wThe) {
		t.Errorf("token comparisons by word id failed on %q", s.text)
	}
}
