package web

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// highlight is an evidence sentence split around the number it states, so
// that a template can wrap Number in <mark> while escaping every part.
type highlight struct {
	Before, Number, After string
}

// Marked reports whether the number was located in the sentence.
func (h highlight) Marked() bool { return h.Number != "" }

// highlightEvidence splits sentence around the number at byte offsets
// [start, end) of the document text doc. The sentence is located in doc
// around the offsets; when it is not there verbatim (or doc is unknown),
// the number's text is searched in the sentence as a whole word. When
// neither works the sentence is returned unsplit.
func highlightEvidence(doc, sentence string, start, end int) highlight {
	whole := highlight{Before: sentence}
	if start < 0 || end <= start || end > len(doc) {
		return whole
	}
	number := doc[start:end]
	// The sentence occurrence that contains the number starts in
	// [end-len(sentence), start].
	lo := max(0, end-len(sentence))
	for lo <= start {
		i := strings.Index(doc[lo:], sentence)
		if i < 0 || lo+i > start {
			break
		}
		at := lo + i
		if at+len(sentence) >= end {
			return split(sentence, start-at, end-at, whole)
		}
		lo = at + 1
	}
	if i := wordIndex(sentence, number); i >= 0 {
		return split(sentence, i, i+len(number), whole)
	}
	return whole
}

// split cuts s at [i, j), or returns fallback when the cut is not on
// UTF-8 character boundaries.
func split(s string, i, j int, fallback highlight) highlight {
	h := highlight{Before: s[:i], Number: s[i:j], After: s[j:]}
	if !utf8.ValidString(h.Before) || !utf8.ValidString(h.Number) || !utf8.ValidString(h.After) {
		return fallback
	}
	return h
}

// wordIndex returns the byte index of the first occurrence of word in s
// that is not part of a longer word or number, or -1.
func wordIndex(s, word string) int {
	if word == "" {
		return -1
	}
	for off := 0; ; {
		i := strings.Index(s[off:], word)
		if i < 0 {
			return -1
		}
		at := off + i
		before, _ := utf8.DecodeLastRuneInString(s[:at])
		after, _ := utf8.DecodeRuneInString(s[at+len(word):])
		if !isWordRune(before) && !isWordRune(after) {
			return at
		}
		off = at + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
