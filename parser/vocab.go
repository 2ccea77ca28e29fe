package parser

import (
	"encoding/binary"
	"unsafe"
)

// vocabTable maps lower-case words to vocabulary ids. A text word made of
// ASCII letters, digits and inner '-', '.' or '&' only (a "plain" word, as
// the tokenizer marks it) is looked up without a lower-case copy: such
// bytes are lower-cased by setting bit 0x20, eight at a time.
//
// A slot holds what a lookup compares (the hash, the first eight bytes of
// the word), so most lookups read one cache line.
//
// Beside the slots, a byte per slot holds 7 bits of the hash (0 for an
// empty slot): a word that is not in the table, most of the words of a
// text, is told so by that small array without reading the slots.
type vocabTable struct {
	mask  uint32
	tags  []byte
	slots []vocabSlot
	words []string // id -> word
}

// slotTag is the byte kept for hash h: never 0.
func slotTag(h uint32) byte { return byte(h>>25) | 0x80 }

type vocabSlot struct {
	first uint64 // the word's first eight bytes, as chunk packs them
	hash  uint32
	id    int32 // -1: empty
}

// newVocabTable builds the table of words (id -> word) at a load factor
// of at most 1/2, which keeps probe sequences short for words that are not
// in it.
func newVocabTable(words []string) *vocabTable {
	size := 16
	for size < 2*len(words) {
		size *= 2
	}
	t := &vocabTable{mask: uint32(size - 1), tags: make([]byte, size), slots: make([]vocabSlot, size), words: words}
	for i := range t.slots {
		t.slots[i].id = -1
	}
	for id, w := range words {
		h := wordHash(w)
		i := h & t.mask
		for t.slots[i].id >= 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = vocabSlot{first: chunk(w, 0), hash: h, id: int32(id)}
		t.tags[i] = slotTag(h)
	}
	return t
}

const lowerBits = 0x2020202020202020

// chunk returns the bytes w[k:k+8] (fewer at the end, zero-padded) as a
// little-endian integer with bit 0x20 of each set: plain words in lower
// case.
func chunk(w string, k int) uint64 {
	var x uint64
	n := len(w) - k
	if n >= 8 {
		x = uint64(w[k]) | uint64(w[k+1])<<8 | uint64(w[k+2])<<16 | uint64(w[k+3])<<24 |
			uint64(w[k+4])<<32 | uint64(w[k+5])<<40 | uint64(w[k+6])<<48 | uint64(w[k+7])<<56
		return x | lowerBits
	}
	for i := n - 1; i >= 0; i-- {
		x = x<<8 | uint64(w[k+i])
	}
	return x | lowerBits&(1<<(8*uint(n))-1)
}

// chunkIn is chunk(text[:end], k), reading eight bytes at once when text
// has them.
func chunkIn(text string, k, end int) uint64 {
	if k+8 > len(text) {
		return chunk(text[:end], k)
	}
	// one load where the machine allows: the bytes are only read
	x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(text[k:]), 8))
	if n := end - k; n < 8 {
		return (x | lowerBits) & (1<<(8*uint(n)) - 1)
	}
	return x | lowerBits
}

// wordHash hashes the chunks of w. Words that differ only in the case of
// plain bytes hash alike.
func wordHash(w string) uint32 {
	return hashFrom(w, 0, len(w), chunk(w, 0))
}

// hashFrom hashes text[i:j] whose first chunk is first.
func hashFrom(text string, i, j int, first uint64) uint32 {
	h := (uint64(j-i) ^ first) * 0x9e3779b97f4a7c15
	h ^= h >> 32
	for k := i + 8; k < j; k += 8 {
		h = (h ^ chunkIn(text, k, j)) * 0x9e3779b97f4a7c15
		h ^= h >> 32
	}
	return uint32(h)
}

// lookupPlain finds the plain word text[i:j] in any case.
func (t *vocabTable) lookupPlain(text string, i, j int) (int32, bool) {
	var first uint64
	var h uint32
	if n := j - i; n < 8 && i+8 <= len(text) {
		// the common case, inline: a short word with eight bytes to read
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(text[i:]), 8))
		first = (x | lowerBits) & (1<<(8*uint(n)) - 1)
		hh := (uint64(n) ^ first) * 0x9e3779b97f4a7c15
		h = uint32(hh ^ hh>>32)
	} else {
		first = chunkIn(text, i, j)
		h = hashFrom(text, i, j, first)
	}
	tag := slotTag(h)
	for s := h & t.mask; ; s = (s + 1) & t.mask {
		switch t.tags[s] {
		case 0:
			return -1, false
		case tag:
		default:
			continue
		}
		sl := &t.slots[s]
		if sl.hash != h || sl.first != first {
			continue
		}
		// Words of the table hold no NUL bytes, so below eight bytes equal
		// chunks are equal words; longer ones compare the rest.
		if j-i < 8 || equalFold(t.words[sl.id], text[i:j]) {
			return sl.id, true
		}
	}
}

// lookup finds w exactly (a lookup form: see token.norm).
func (t *vocabTable) lookup(w string) (int32, bool) {
	h := wordHash(w)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		sl := &t.slots[i]
		if sl.id < 0 {
			return -1, false
		}
		if sl.hash == h && t.words[sl.id] == w {
			return sl.id, true
		}
	}
}

// equalFold reports whether the plain word w in lower case is lower.
func equalFold(lower, w string) bool {
	if len(lower) != len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// isPlain reports whether w is a plain word (see vocabTable).
func isPlain(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; !wordByte[c] && c != '-' && c != '.' && c != '&' {
			return false
		}
	}
	return len(w) > 0
}
