package parser

// sentence is one analysed sentence: its tokens, the lexicon matches at each
// token, and the mentions found in it.
type sentence struct {
	lx      *Lexicon
	text    string // the document text
	start   int    // byte offset of the sentence
	end     int
	toks    []token
	ann     [][]tag // lexicon matches starting at each token (longest per kind)
	covered []bool  // token belongs to a period mention or a number
	periods []periodMention
	regions []regionMention
	nums    []numMention
	clause  []int    // clause index of each token (split at ';')
	sub     []int    // sub-clause index (split at ';', dashes, "while", "whereas", "although", "but")
	seg     []int    // comma-segment index of each token
	cmpSpan []int8   // 0 none, 1 comparison span, 2 "to" span after a from-span
	cmpID   []int    // id of the comparison span a token is in (0 none)
	kmask   []uint64 // kinds of the phrases starting at each token
	emask   []uint64 // kinds of the phrases ending just before each token
	subMask []uint64 // kinds of the phrases starting in each sub-clause
	allMask uint64   // kinds of the phrases in the sentence
	segMask []uint64 // kinds of the phrases starting in each comma segment
	depths  []int    // bracket depth of each token
	numEnd  []bool   // a number ends at the token
	drafts  []draft  // scratch space reused across sentences
	spans   [][2]int // the sentences of the current document
	buf     []byte

	// buffers of the document's figures (see Lexicon.extract)
	figs  []Figure
	used  int // figs[:used] were written (see Lexicon.release)
	seen  map[figKey]int
	dedup map[figKey]int
	// indexes of dropSplitCasualties
	deaths   map[figKey][]int64
	injuries map[figKey]bool
	order    []int32
}

// regionMention is a place named in a sentence.
type regionMention struct {
	i, j     int
	code     string // ISO code; "" for a blocked place, a supra-national region or a local word
	negated  bool   // "not counting the erstwhile Fata"
	compared bool   // "as Balochistan"
	anaphor  bool   // "there", "the province": resolved to the previous region
	nation   bool   // "nationwide": the default country
	included bool   // "KP, including its merged districts": part of another place
	alt      string // the country the region's name also names ("Niger")
	local    bool   // a city or district (a blocked place)
}

// numMention is a number found in a sentence.
type numMention struct {
	i, j         int // token span
	val          int64
	qual         string
	start        int // byte offsets in the document
	end          int
	same         bool // "the same number": value copied from the previous number
	zero         bool // explicit zero from a negation
	skip         bool // not a count (percentage, date, age, ...)
	zeroMetric   string
	zeroHere     bool   // the zero is the place's right before it only ("and Mizoram none")
	zeroCategory string // "not a single civilian death"
}

func (s *sentence) has(i int, k kind) (tag, bool) {
	if i < 0 || i >= len(s.ann) || s.kmask[i]&(1<<k) == 0 {
		return tag{}, false
	}
	for _, t := range s.ann[i] {
		if t.kind == k {
			return t, true
		}
	}
	return tag{}, false
}

func (s *sentence) hasAt(i int, k kind) bool {
	_, ok := s.has(i, k)
	return ok
}

// endsAt finds a phrase of kind k that ends just before token i.
func (s *sentence) endsAt(i int, k kind) (tag, int, bool) {
	if i < 0 || i >= len(s.emask) || s.emask[i]&(1<<k) == 0 {
		return tag{}, 0, false
	}
	for j := max(i-6, 0); j < i; j++ { // the longest phrase first
		if t, ok := s.has(j, k); ok && j+t.n == i {
			return t, j, true
		}
	}
	return tag{}, 0, false
}

func (s *sentence) isPunct(i int, ps ...byte) bool {
	if i < 0 || i >= len(s.toks) || s.toks[i].kind != tPunct {
		return false
	}
	if len(ps) == 0 {
		return true
	}
	for _, p := range ps {
		if s.toks[i].punct == p {
			return true
		}
	}
	return false
}

// is reports whether token i is the grammar word w.
func (s *sentence) is(i int, w wordID) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].id == int32(w)
}

// isAny reports whether token i is one of the grammar words ws.
func (s *sentence) isAny(i int, ws ...wordID) bool {
	if i < 0 || i >= len(s.toks) {
		return false
	}
	id := s.toks[i].id
	for _, w := range ws {
		if id == int32(w) {
			return true
		}
	}
	return false
}

func (s *sentence) word(i int) string {
	return s.text[s.toks[i].start:s.toks[i].end]
}

func (s *sentence) capitalized(i int) bool {
	w := s.word(i)
	return len(w) > 0 && w[0] >= 'A' && w[0] <= 'Z'
}

// analyse tokenizes the sentence [start,end) of text and finds its lexicon
// matches, clauses, comparison spans, periods, regions and numbers.
func (s *sentence) analyse(lx *Lexicon, text string, start, end int, st *docState) {
	s.lx, s.text, s.start, s.end = lx, text, start, end
	s.toks = tokenize(text[start:end], s.toks[:0])
	if len(s.toks) > 600 {
		s.toks = s.toks[:600]
	}
	buf := s.buf[:0]
	defer func() { s.buf = buf[:0] }()
	numeric := false
	for k := range s.toks {
		tk := &s.toks[k]
		tk.start += int32(start)
		tk.end += int32(start)
		if tk.kind == tNum {
			numeric = true
			continue
		}
		if tk.kind == tPunct {
			tk.id = lx.punct[tk.punct]
			continue
		}
		numeric = numeric || tk.dash // "forty-four"
		if tk.plain {
			tk.id, _ = lx.table.lookupPlain(text, int(tk.start), int(tk.end))
			continue
		}
		buf = tk.norm(text, buf[:0])
		tk.id, _ = lx.table.lookup(string(buf))
	}
	s.match()
	s.structure()
	if st.asOf.IsZero() {
		st.asOf = s.statementDay(st.pub)
	}
	s.findPeriods(st)
	s.markComparisons()
	s.findRegions(st)
	if !numeric && s.allMask&wordyNumbers == 0 {
		s.nums = s.nums[:0] // nothing here can be a count: no digits, number words or negations
		return
	}
	s.findNumbers()
}

// wordyNumbers are the kinds that can make a count without digits.
const wordyNumbers = 1<<kNumberWord | 1<<kNumPhrase | 1<<kSameNumber | 1<<kNegator | 1<<kZeroFree | 1<<kZeroTrigger

// match fills ann with the longest lexicon phrase of each kind at each token.
func (s *sentence) match() {
	n := len(s.toks)
	if cap(s.ann) < n {
		s.ann = make([][]tag, n)
	}
	s.ann = s.ann[:n]
	for i := range s.ann {
		s.ann[i] = nil // matches are slices of the lexicon's trie.acc
	}
	if cap(s.kmask) < n {
		s.kmask = make([]uint64, n)
	}
	s.kmask = s.kmask[:n]
	for i := range s.kmask {
		s.kmask[i] = 0
	}
	if cap(s.emask) < n+1 {
		s.emask = make([]uint64, n+1)
	}
	s.emask = s.emask[:n+1]
	for i := range s.emask {
		s.emask[i] = 0
	}
	s.allMask = 0
	tr, toks := &s.lx.trie, s.toks[:n]
	for i := range toks {
		id := toks[i].id
		if id < 0 || int(id) >= len(tr.first) || tr.first[id] == 0 {
			continue
		}
		// the deepest node of the phrases at i holds the match (trie.acc)
		last := tr.first[id]
		for j := i + 1; j < n && j < i+8 && toks[j].id >= 0; j++ {
			nd := tr.child(&tr.nodes[last], toks[j].id)
			if nd == 0 {
				break
			}
			last = nd
		}
		node := &tr.nodes[last]
		acc := tr.acc[node.acc0:node.acc1:node.acc1] // read only: shared by all sentences
		s.ann[i] = acc
		s.kmask[i] = node.accMask
		for k := range acc {
			s.emask[i+acc[k].n] |= 1 << acc[k].kind
		}
	}
}

// structure computes clauses (split at ';'), sub-clauses, comma segments,
// bracket depths and the kinds of phrases in each.
func (s *sentence) structure() {
	n := len(s.toks)
	s.generalTypes()
	clause, seg, sub, depths := resize(s.clause, n), resize(s.seg, n), resize(s.sub, n), resize(s.depths, n)
	s.covered = resizeB(s.covered, n)
	subMask, segMask := append(s.subMask[:0], 0), append(s.segMask[:0], 0)
	toks, kmask, conj := s.toks[:n], s.kmask[:n], s.lx.conj
	clause, seg, sub, depths = clause[:n], seg[:n], sub[:n], depths[:n] // (lets the compiler drop bounds checks)
	var all uint64
	c, g, u, d := 0, 0, 0, 0
	prevComma := false
	outer := -1 // the clause part an open aside on a part interrupts
	for i := range toks {
		tk := &toks[i]
		if tk.kind == tPunct {
			switch tk.punct {
			case ';':
				c++
				g++
				u++
				outer = -1
			case ',':
				g++
				if outer >= 0 && s.closesAside(i) {
					u, outer = outer, -1 // ", many of them aimed at candidates, killed 212"
				}
			case ':', '(', ')':
				g++
			case '-':
				g++
				u++
			case '"':
				u++ // a quotation is a clause of its own
			}
		} else if id := tk.id; id >= 0 && int(id) < len(conj) && conj[id] {
			u++
		} else if prevComma && s.asideAfterComma(i) {
			if s.partAside(i) && outer < 0 {
				outer = u
			}
			u++
		}
		prevComma = tk.kind == tPunct && tk.punct == ','
		clause[i], seg[i], sub[i], depths[i] = c, g, u, d
		if len(subMask) <= u {
			subMask = append(subMask, 0)
		}
		if len(segMask) <= g {
			segMask = append(segMask, 0)
		}
		subMask[u] |= kmask[i]
		segMask[g] |= kmask[i]
		all |= kmask[i]
		if tk.kind == tPunct {
			if tk.punct == '(' {
				d++
			} else if tk.punct == ')' && d > 0 {
				d--
			}
		}
	}
	s.clause, s.seg, s.sub, s.depths = clause, seg, sub, depths
	s.subMask, s.segMask, s.allMask = subMask, segMask, all
}

// asideEnd returns the comma that closes an aside on parts opened by the
// comma at k (", among them 23 foreigners, were kidnapped"), else k.
func (s *sentence) asideEnd(k int) int {
	if !s.isPunct(k, ',') || !(s.partAside(k+1) || s.isAny(k+1, wAmong, wIncluding)) {
		return k
	}
	for e := k + 2; e < len(s.toks) && e <= k+12; e++ {
		if s.toks[e].kind == tPunct {
			if s.isPunct(e, ',') && s.closesAside(e) {
				return e
			}
			if !s.isPunct(e, ',') {
				return k
			}
		}
	}
	return k
}

// partAside reports an aside on a part at i ("many of them", "mostly"),
// which ends at the next comma followed by the predicate it interrupted.
func (s *sentence) partAside(i int) bool {
	return s.isAny(i, wMany, wMost, wSome, wSeveral) && s.is(i+1, wOf) || s.isAny(i, wMostly, wMainly, wLargely, wWhich)
}

// closesAside reports whether the comma at i ends an aside: a verb or a
// conjunction follows it, not the next item of a list inside the aside.
func (s *sentence) closesAside(i int) bool {
	k := i + 1
	if s.isAny(k, wAnd) {
		k++
		if t, ok := s.has(k, kCategory); ok {
			k += t.n // ", and police rounded up"
		}
	}
	return s.hasAt(k, kMetricVerb) || s.hasAt(k, kAgentVerb) || s.isAny(k, wHad, wHave, wHas, wWere, wWas, wAre, wIs, wLeft, wClaimed, wComprised)
}

// asideAfterComma reports a word after a comma that opens a clause of its
// own: ", as armed groups clashed ...", or an aside on a part: "282
// deaths, many of them in the January 30 bombing", "six militants, mostly
// would-be suicide bombers".
func (s *sentence) asideAfterComma(i int) bool {
	return s.isAny(i, wBecause, wAfter, wWhere) || s.timeAfter(i) || s.is(i, wWhich) && s.isAny(i+1, wIncluded, wResulted) || s.is(i, wAs) && !s.isAny(i+1, wAgainst, wWell, wMany, wMuch, wCompared) ||
		s.isAny(i, wMany, wMost, wSome, wSeveral) && s.is(i+1, wOf) && s.isAny(i+2, wThem, wWhom) ||
		s.isAny(i, wMuch, wMost, wSome) && s.is(i+1, wOf) && s.isAny(i+2, wIt, wThis) || s.isAny(i, wMostly, wMainly, wLargely)
}

// timeAfter reports "two days after", "a week before", "days after" at i:
// a clause dated by another event.
func (s *sentence) timeAfter(i int) bool {
	if s.isNumberStart(i) || s.isAny(i, wA) {
		i++
	}
	return s.isAny(i, wDays, wDay, wWeeks, wWeek, wHours, wHour, wMonths) && s.isAny(i+1, wAfter, wBefore)
}

func resize(a []int, n int) []int {
	if cap(a) < n {
		return make([]int, n)
	}
	a = a[:n]
	for i := range a {
		a[i] = 0
	}
	return a
}

func resizeB(a []bool, n int) []bool {
	if cap(a) < n {
		return make([]bool, n)
	}
	a = a[:n]
	for i := range a {
		a[i] = false
	}
	return a
}

// generalTypes clears a restrictor coordinated with a general kind of
// violence: "1,577 terrorist, insurgent and sectarian attacks" counts all
// attacks, not the sectarian ones.
func (s *sentence) generalTypes() {
	for i := 2; i < len(s.toks); i++ {
		if s.kmask[i]&(1<<kRestrictor) == 0 || !s.isAny(i-1, wAnd, wOr) {
			continue
		}
		// anywhere in the list: "Militant, nationalist and sectarian groups"
		for k := i - 2; k >= 0 && k >= i-7 && (s.toks[k].kind == tWord || s.isPunct(k, ',')); k-- {
			if s.hasAt(k, kCategory) || s.hasAt(k, kCategoryAdj) {
				s.kmask[i] &^= 1 << kRestrictor
				break
			}
		}
	}
}
