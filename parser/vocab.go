package parser

// vocabTable maps lower-case words to vocabulary ids. It is probed with a
// hash computed while folding the token's bytes to lower case, so looking
// up a word of the text needs neither a lower-case copy nor a second pass
// over its bytes; a Go map needs both for capitalised words.
//
// A slot packs a word's hash (high half) and its id + 1 (low half, 0 for
// an empty slot) in 8 bytes, so the table of a few thousand words stays in
// the first-level cache.
type vocabTable struct {
	mask  uint32
	slots []uint64
	words []string // id -> word
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// newVocabTable builds the table of words (id -> word) at a load factor
// of at most 1/2, which keeps probe sequences short for words that are not
// in it.
func newVocabTable(words []string) *vocabTable {
	size := 16
	for size < 2*len(words) {
		size *= 2
	}
	t := &vocabTable{mask: uint32(size - 1), slots: make([]uint64, size), words: words}
	for id, w := range words {
		h := foldHash(w)
		i := h & t.mask
		for t.slots[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = uint64(h)<<32 | uint64(id+1)
	}
	return t
}

// foldHash is the FNV-1a hash of w in ASCII lower case.
func foldHash(w string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// plainHash returns foldHash(w) when w's lookup form is w in ASCII lower
// case (no apostrophes, no other scripts); ok is false otherwise.
func plainHash(w string) (h uint32, ok bool) {
	h = fnvOffset
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == '\'' || c >= 0x80 {
			return 0, false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h, true
}

// lookup finds w, compared in ASCII lower case, whose foldHash is h.
func (t *vocabTable) lookup(w string, h uint32) (int32, bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := t.slots[i]
		if sl == 0 {
			return -1, false
		}
		if uint32(sl>>32) == h {
			if id := int32(uint32(sl)) - 1; equalFold(t.words[id], w) {
				return id, true
			}
		}
	}
}

// equalFold reports whether w in ASCII lower case is lower.
func equalFold(lower, w string) bool {
	if len(lower) != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
