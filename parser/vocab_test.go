package parser

import (
	"strings"
	"testing"
)

// TestVocabTable checks lookups of every vocabulary word: exactly, and as
// a plain word of the text in upper case, with and without bytes after it
// (the eight-byte reads near the end of a text).
func TestVocabTable(t *testing.T) {
	lx, err := defaultLexicon()
	if err != nil {
		t.Fatal(err)
	}
	tb := lx.table
	for id, w := range lx.words {
		if got, ok := tb.lookup(w); !ok || got != int32(id) {
			t.Errorf("lookup(%q) = %d, %v; want %d", w, got, ok, id)
		}
		if !isPlain(w) {
			continue
		}
		up := strings.ToUpper(w)
		for _, text := range []string{up, "x " + up + " and more text after it", "(" + up} {
			i := strings.Index(text, up)
			if got, ok := tb.lookupPlain(text, i, i+len(up)); !ok || got != int32(id) {
				t.Errorf("lookupPlain(%q in %q) = %d, %v; want %d", up, text, got, ok, id)
			}
		}
	}
	for _, miss := range []string{"zzz", "attackss", "Khyber-Pakhtunkhwa-Province-Extra", "a.b.c.d.e.f.g.h.i"} {
		if id, ok := tb.lookupPlain(miss, 0, len(miss)); ok {
			t.Errorf("lookupPlain(%q) found id %d (%q)", miss, id, lx.words[id])
		}
	}
}

func TestPlainTokens(t *testing.T) {
	for _, tc := range []struct {
		text  string
		plain []bool
	}{
		{"The K-P police", []bool{true, true, true}},
		{"Pakistan's U.S. J&K", []bool{false, true, true}},
		{"militants' Peshāwar", []bool{false, false}},
		{"attacks— more", []bool{true, false, true}}, // the dash is punctuation
	} {
		toks := tokenize(tc.text, nil)
		if len(toks) != len(tc.plain) {
			t.Errorf("%q: %d tokens, want %d", tc.text, len(toks), len(tc.plain))
			continue
		}
		for i, tk := range toks {
			if tk.kind == tWord && tk.plain != tc.plain[i] {
				t.Errorf("%q: token %q plain = %v, want %v", tc.text, tc.text[tk.start:tk.end], tk.plain, tc.plain[i])
			}
		}
	}
}

// TestWordBytes checks the eight-at-a-time test against the byte table on
// every byte value in every position.
func TestWordBytes(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			b := []byte("aZ09mQ5x")
			b[pos] = byte(c)
			s := string(b) + "!"
			want := 0
			for want < len(s) && wordByte[s[want]] {
				want++
			}
			if got := skipWordBytes(s, 0); got != want {
				t.Fatalf("skipWordBytes(%q) = %d, want %d", s, got, want)
			}
		}
	}
}

// TestIndexStop checks the eight-at-a-time search against a byte loop for
// every stop byte in every position, after every other byte value.
func TestIndexStop(t *testing.T) {
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 12; pos++ {
			b := []byte("abcdefghijklmnop")
			b[pos] = byte(c)
			s := string(b)
			want := strings.IndexAny(s, ".!?\n")
			if got := indexStop(s); got != want {
				t.Fatalf("indexStop(%q) = %d, want %d", s, got, want)
			}
		}
	}
	if got := indexStop("x.y!"); got != 1 {
		t.Fatalf("indexStop short = %d", got)
	}
}

func TestIndexFold(t *testing.T) {
	for _, tc := range []struct {
		s, lower string
		want     int
	}{
		{"The UNAMA report", "unama", 4},
		{"the unama report", "unama", 4},
		{"UN Assistance Mission in Afghanistan said", "un assistance mission in afghanistan", 0},
		{"no publisher here", "unama", -1},
		{"uNaMa", "unama", 0},
		{"unam", "unama", -1},
		{"xx Unama", "unama", 3},
	} {
		if got := indexFold(tc.s, tc.lower); got != tc.want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", tc.s, tc.lower, got, tc.want)
		}
	}
}
