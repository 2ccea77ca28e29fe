package parser

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestGrammarWordsInVocabulary checks that every word the code compares
// tokens with (s.is, s.isAny) has a vocabulary id: a word missing from
// grammarWords and the lexicon would silently never match.
func TestGrammarWordsInVocabulary(t *testing.T) {
	lx, err := defaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\.(?:is|isAny)\([^)]*\)`)
	lit := regexp.MustCompile(`"([^"]*)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range call.FindAllString(string(src), -1) {
			for _, m := range lit.FindAllStringSubmatch(c, -1) {
				if _, ok := lx.vocab[m[1]]; !ok {
					t.Errorf("%s compares tokens with %q, which has no vocabulary id (add it to grammarWords)", f, m[1])
				}
			}
		}
	}
}
