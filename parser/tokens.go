package parser

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// tokKind classifies a token.
type tokKind uint8

const (
	tWord tokKind = iota + 1
	tNum          // digits, possibly with thousands separators
	tPunct
)

// token is a span of the document text. Offsets are bytes into the text.
type token struct {
	val        int64 // numeric value of a tNum
	start, end int32 // byte offsets (documents are capped well below 2 GiB)
	id         int32 // vocabulary id of the normalised form, -1 when unknown
	kind       tokKind
	suffix     byte // tNum followed by letters: 'p' percent ("63pc"), 'o' ordinal ("7th"), 'x' other
	punct      byte // for tPunct: ',', ';', ':', '(', ')', '-', '.', '%', '"', ...
	decimal    bool // tNum with a fractional part ("19.4")
	dash       bool // a word with an inner hyphen ("forty-four")
	plain      bool // a word of ASCII letters, digits and inner '-', '.', '&' only
}

// norm appends the lower-case lookup form of tk to buf: possessive endings
// and surrounding quotes are dropped.
func (tk token) norm(text string, buf []byte) []byte {
	s := text[tk.start:tk.end]
	if tk.kind == tPunct {
		return append(buf, tk.punct)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '’' || r == '‘' {
			buf = append(buf, '\'')
		} else {
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
		i += n
	}
	// strip possessive and quotes
	for len(buf) > 0 && buf[0] == '\'' {
		buf = buf[1:]
	}
	if n := len(buf); n > 2 && buf[n-2] == '\'' && buf[n-1] == 's' {
		buf = buf[:n-2]
	}
	for len(buf) > 0 && buf[len(buf)-1] == '\'' {
		buf = buf[:len(buf)-1]
	}
	return buf
}

func isWordByte(c byte) bool { return wordByte[c] }

// wordByte marks the ASCII letters and digits.
var wordByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

// tokenize splits s into tokens (appending to dst). Offsets are relative to s.
// Words keep inner hyphens, apostrophes, ampersands and dots ("K-P",
// "Pakistan's", "U.S."); numbers keep thousands separators and decimals.
func tokenize(s string, dst []token) []token {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				i++
			case c >= '0' && c <= '9':
				i = scanNumber(s, i, &dst)
			case isWordByte(c):
				i = scanWord(s, i, &dst)
			default:
				p := c
				if c == '\'' || c == '`' {
					p = '\''
				}
				dst = append(dst, token{start: int32(i), end: int32(i + 1), kind: tPunct, punct: p, id: -1})
				i++
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			i++
		case unicode.IsLetter(r):
			i = scanWord(s, i, &dst)
		case unicode.IsSpace(r):
			i += n
		default:
			p := byte('?')
			switch r {
			case '—', '–', '−':
				p = '-'
			case '’', '‘':
				p = '\''
			case '“', '”':
				p = '"'
			case '…':
				p = '.'
			}
			dst = append(dst, token{start: int32(i), end: int32(i + n), kind: tPunct, punct: p, id: -1})
			i += n
		}
	}
	return dst
}

func scanNumber(s string, i int, dst *[]token) int {
	start := i
	var v int64
	overflow := false
	add := func(d byte) {
		if v > (1<<62)/10 {
			overflow = true
		}
		v = v*10 + int64(d-'0')
	}
	for i < len(s) {
		c := s[i]
		if c >= '0' && c <= '9' {
			add(c)
			i++
			continue
		}
		// thousands separator: comma followed by exactly three digits
		if c == ',' && i+3 < len(s)+0 && i+3 <= len(s)-0 && isDigits(s, i+1, 3) && (i+4 >= len(s) || !isDigit(s[i+4])) {
			for k := 1; k <= 3; k++ {
				add(s[i+k])
			}
			i += 4
			continue
		}
		break
	}
	tk := token{start: int32(start), kind: tNum, id: -1}
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		tk.decimal = true
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	if i < len(s) && (isWordByte(s[i])) {
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		suf := s[i:j]
		switch suf {
		case "pc", "PC", "Pc":
			tk.suffix = 'p'
		case "st", "nd", "rd", "th", "ST", "ND", "RD", "TH":
			tk.suffix = 'o'
		default:
			tk.suffix = 'x'
		}
		i = j
	}
	// a hyphenated compound ("2-day", "3-year-old") is not a count
	if i+1 < len(s) && s[i] == '-' && isWordByte(s[i+1]) {
		tk.suffix = 'x'
		for i < len(s) && (isWordByte(s[i]) || s[i] == '-') {
			i++
		}
	}
	if overflow {
		tk.suffix = 'x'
	}
	tk.end = int32(i)
	tk.val = v
	*dst = append(*dst, tk)
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDigits(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return true
}

func isLetterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if s[i] < utf8.RuneSelf {
		return isWordByte(s[i])
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func scanWord(s string, i int, dst *[]token) int {
	start := i
	dash, plain := false, true
	for i < len(s) {
		i = skipWordBytes(s, i)
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			// inner joiners: K-P, Pakistan's, U.S., J&K
			if (c == '-' || c == '\'' || c == '.' || c == '&') && isLetterAt(s, i+1) {
				dash = dash || c == '-'
				plain = plain && c != '\''
				i++
				continue
			}
			if c == '\'' && i > start && s[i-1] == 's' { // militants'
				plain = false
				i++
				break
			}
			break
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsMark(r) || r == '’' && isLetterAt(s, i+n) {
			plain = false
			i += n
			continue
		}
		if r == '’' && s[i-1] == 's' {
			plain = false
			i += n
			break
		}
		break
	}
	// a trailing dot belongs to short abbreviations written with dots ("k.p.")
	if i < len(s) && s[i] == '.' && i-start >= 2 && s[i-2] == '.' {
		i++
	}
	*dst = append(*dst, token{start: int32(start), end: int32(i), kind: tWord, id: -1, dash: dash, plain: plain})
	return i
}

// abbreviations after which a dot does not end a sentence.
var abbrevs = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "no": true, "gen": true, "lt": true, "col": true, "maj": true, "capt": true, "sgt": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "vs": true, "etc": false, "approx": true, "govt": true, "prof": true, "rs": true, "inc": true, "co": true}

// sentences returns [start,end) byte ranges of the sentences of text: split
// at ., ! and ? before a capital letter, digit, quote or bullet, and at line
// breaks.
func sentences(text string, dst [][2]int) [][2]int {
	start := 0
	emit := func(end int) {
		s, e := start, end
		for s < e && (text[s] == ' ' || text[s] == '\n' || text[s] == '\t' || text[s] == '\r') {
			s++
		}
		for e > s && (text[e-1] == ' ' || text[e-1] == '\n' || text[e-1] == '\t' || text[e-1] == '\r') {
			e--
		}
		if e > s {
			dst = append(dst, [2]int{s, e})
		}
	}
	for i := 0; i < len(text); i++ {
		if n := indexStop(text[i:]); n < 0 {
			break
		} else if i+n-start > 4000 {
			i = start + 4000 // runaway "sentence" (garbage, tables): cut
			emit(i)
			start = i
			continue
		} else {
			i += n
		}
		c := text[i]
		switch c {
		case '\n':
			emit(i)
			start = i + 1
		case '.', '!', '?':
			j := i + 1
			for j < len(text) && (text[j] == '"' || text[j] == '\'' || text[j] == ')') {
				j++
			}
			if j < len(text) && text[j] != ' ' && text[j] != '\n' && text[j] != '\t' {
				continue
			}
			k := j
			for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			if k < len(text) && text[k] != '\n' && !sentenceStart(text, k) {
				continue
			}
			if c == '.' && isAbbrevBefore(text, i) {
				continue
			}
			emit(j)
			start = j
			i = j - 1
		}
	}
	for len(text)-start > 4000 {
		emit(start + 4000)
		start += 4000
	}
	emit(len(text))
	return dst
}

func sentenceStart(text string, k int) bool {
	c := text[k]
	if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '"' || c == '\'' || c == '-' || c == '(' || c == '*' || c == '[' {
		return true
	}
	if c >= utf8.RuneSelf {
		r, _ := utf8.DecodeRuneInString(text[k:])
		return unicode.IsUpper(r) || r == '“' || r == '‘' || r == '—' || r == '–' || r == '•'
	}
	return false
}

func isAbbrevBefore(text string, i int) bool {
	j := i
	for j > 0 && isWordByte(text[j-1]) {
		j--
	}
	w := text[j:i]
	if len(w) == 1 && w[0] >= 'A' && w[0] <= 'Z' { // initials: "A. Khan"
		return true
	}
	if len(w) > 5 {
		return false
	}
	var b [5]byte
	for k := 0; k < len(w); k++ {
		c := w[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[k] = c
	}
	return abbrevs[string(b[:len(w)])]
}

// stopByte marks the bytes that may end a sentence.
var stopByte = [256]bool{'.': true, '!': true, '?': true, '\n': true}

// indexStop is strings.IndexAny(s, ".!?\n"), testing eight bytes at a
// time.
func indexStop(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
		if m := zeroBytes(x^('.'*ones)) | zeroBytes(x^('!'*ones)) | zeroBytes(x^('?'*ones)) | zeroBytes(x^('\n'*ones)); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		if stopByte[s[i]] {
			return i
		}
	}
	return -1
}

// zeroBytes sets the high bit of each zero byte of x (and of no byte
// before the first zero one, which is all indexStop needs).
func zeroBytes(x uint64) uint64 {
	return (x - ones) &^ x & highs
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// skipWordBytes returns the index of the first byte at or after i that is
// not an ASCII letter or digit, testing eight bytes at a time.
func skipWordBytes(s string, i int) int {
	for i+8 <= len(s) {
		x := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
		m := wordBytes(x)
		if m == highs {
			i += 8
			continue
		}
		return i + bits.TrailingZeros64(^m&highs)/8
	}
	for i < len(s) && wordByte[s[i]] {
		i++
	}
	return i
}

// wordBytes sets the high bit of each byte of x that is an ASCII letter
// or digit (and of no other byte).
func wordBytes(x uint64) uint64 {
	ascii := ^x & highs // bytes below 0x80; the range tests need them
	y := x & ^uint64(highs)
	lower := y | 0x20*ones
	letter := (lower + (0x80-'a')*ones) &^ (lower + (0x7f-'z')*ones)
	digit := (y + (0x80-'0')*ones) &^ (y + (0x7f-'9')*ones)
	return (letter | digit) & ascii & highs
}
