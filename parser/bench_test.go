package parser

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corpusText joins the texts of every annotated case under testdata/corpus.
func corpusText(b *testing.B) string {
	b.Helper()
	files, err := filepath.Glob("testdata/corpus/*/*.json")
	if err != nil || len(files) == 0 {
		b.Fatalf("no corpus files: %v", err)
	}
	var sb strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var c struct{ Text string }
		if err := json.Unmarshal(raw, &c); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		sb.WriteString(c.Text)
		sb.WriteString("\n\n")
	}
	return sb.String()
}

var benchCtx = Context{Published: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC), Country: "PK", Publisher: "PICSS"}

// BenchmarkExtract measures full extraction over the corpus text repeated
// 1, 10 and 100 times: MB/s should stay flat (time linear in size).
func BenchmarkExtract(b *testing.B) {
	text := corpusText(b)
	if _, err := defaultLexicon(); err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 10, 100} {
		in := strings.Repeat(text, n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				Extract(in, benchCtx)
			}
		})
	}
}

// BenchmarkSplitWords is the bare pass that BenchmarkExtract is compared
// with: it only splits the same text into sentences and tokens.
func BenchmarkSplitWords(b *testing.B) {
	text := corpusText(b)
	for _, n := range []int{1, 10, 100} {
		in := strings.Repeat(text, n)
		b.Run(sizeName(n), func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			var toks []token
			var sents [][2]int
			for b.Loop() {
				sents = sentences(in, sents[:0])
				for _, s := range sents {
					toks = tokenize(in[s[0]:s[1]], toks[:0])
				}
			}
		})
	}
}

func sizeName(n int) string {
	switch n {
	case 1:
		return "1x"
	case 10:
		return "10x"
	}
	return "100x"
}
