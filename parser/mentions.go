package parser

// markComparisons marks the tokens inside comparison spans: from a marker
// ("against", "compared with", "down from") to the end of its clause part.
// A "from" span ends at "to", which opens a "to" span.
func (s *sentence) markComparisons() {
	n := len(s.toks)
	if cap(s.cmpSpan) < n {
		s.cmpSpan = make([]int8, n)
	}
	s.cmpSpan = s.cmpSpan[:n]
	for i := range s.cmpSpan {
		s.cmpSpan[i] = 0
	}
	s.cmpID = resize(s.cmpID, n)
	id := 0
	for i := 0; i < n && s.allMask&(1<<kComparison) != 0; i++ {
		t, ok := s.has(i, kComparison)
		if !ok || s.covered[i] {
			continue
		}
		if _, j, inQual := s.endsAt(i+1, kQualifier); inQual && j < i && s.isNumberStart(i+1) {
			continue // "more than 46", "no fewer than 901": a qualifier
		}
		// "over" and "on" compare only before a period ("over January",
		// "on the previous month")
		if s.isAny(i, wOver, wOn) && t.n == 1 {
			pm, ok := s.periodStarting(i + 1)
			if !ok || !pm.valid && pm.rel == 0 || i == 0 || s.isPunct(i-1) || s.is(i+1, wThe) && s.isAny(i+2, wPast, wLast) ||
				s.is(i+1, wThe) && s.hasAt(i+2, kOrdinal) || s.eventStartBefore(i) {
				continue // "over the past six months", "over the first half of the year": a duration
			}
		}
		isFrom := s.is(i+t.n-1, wFrom)
		if t.n == 1 && isFrom && !s.isNumberStart(i+1) && !s.hasAt(i+1, kQualifier) {
			if _, ok := s.periodStarting(i + 1); !ok {
				continue // "fatalities from organized violence"
			}
		}
		id++
		j := i + t.n
		depth := 0
		for ; j < n; j++ {
			if s.isPunct(j, '(') {
				depth++
				continue
			}
			if s.isPunct(j, ')') {
				if depth == 0 {
					break
				}
				depth--
				continue
			}
			if depth > 0 {
				continue
			}
			if s.isPunct(j, ',') && !isFrom && s.isNumberStart(i+t.n) && s.isNumberStart(j+1) {
				continue // "against 220 militants, 83 personnel and 54 civilians in 2017": one list
			}
			if s.isPunct(j, ',', ';', ':', '-') || s.isAny(j, wWhile, wWhereas, wBut) {
				break
			}
			if isFrom && s.is(j, wTo) && !s.covered[j] {
				break
			}
			if _, ok := s.has(j, kComparison); ok && j > i+t.n {
				break
			}
		}
		for k := i; k < j; k++ {
			s.cmpSpan[k] = 1
			s.cmpID[k] = id
		}
		if isFrom && j < n && s.is(j, wTo) {
			k := j + 1
			for ; k < n && !s.isPunct(k, ',', ';', ':', '-', ')') && !s.isAny(k, wWhile, wWhereas, wBut, wAnd); k++ {
				s.cmpSpan[k] = 2
			}
		}
		i = j - 1
	}
	kept := s.periods[:0]
	for _, pm := range s.periods {
		pm.cmp = s.cmpSpan[pm.i] == 1
		if pm.elliptic && !pm.cmp {
			continue // "in the second (case)": an ordinal alone names a period only in a comparison
		}
		kept = append(kept, pm)
	}
	s.periods = kept
}

// capsBefore reports that every token before i is a word in capitals
// ("NEW DELHI:" where only "DELHI" is a place name).
func (s *sentence) capsBefore(i int) bool {
	for k := 0; k < i; k++ {
		if !s.isPunct(k, ',') && (s.toks[k].kind != tWord || !s.allCaps(k)) {
			return false // ("MAIDUGURI, Nigeria (AP) —": a comma may part them)
		}
	}
	return true
}

// skipAgency returns the token after a news agency's name in brackets at
// k ("LASHKARGAH (PAN):", "QUETTA (Reuters) -"), else k.
func (s *sentence) skipAgency(k int) int {
	if !s.isPunct(k, '(') {
		return k
	}
	for m := k + 1; m < len(s.toks) && m <= k+4; m++ {
		if s.isPunct(m, ')') {
			return m + 1
		}
		if s.toks[m].kind != tWord {
			break
		}
	}
	return k
}

// allCaps reports a word in capitals ("ABUJA"), the form of a dateline.
func (s *sentence) allCaps(i int) bool {
	w := s.word(i)
	if len(w) < 3 {
		return false
	}
	for k := 0; k < len(w); k++ {
		if w[k] >= 'a' && w[k] <= 'z' {
			return false
		}
	}
	return true
}

func (s *sentence) dateAfter(k int) bool {
	for _, pm := range s.periods {
		if pm.i == k && pm.kind == pmDay {
			return true
		}
	}
	return false
}

func (s *sentence) onlyWords(a, b int) bool {
	for k := a; k < b; k++ {
		if s.toks[k].kind != tWord {
			return false
		}
	}
	return true
}

// isNumberStart reports whether a number starts at token i.
func (s *sentence) isNumberStart(i int) bool {
	if i >= len(s.toks) {
		return false
	}
	if s.toks[i].kind == tNum {
		return true
	}
	if _, ok := s.has(i, kNumberWord); ok {
		return true
	}
	_, ok := s.has(i, kNumPhrase)
	return ok
}

const placeKinds = 1<<kRegion | 1<<kCountry | 1<<kBlockedPlace | 1<<kSupra | 1<<kNationwide | 1<<kLocal | 1<<kAnaphor | 1<<kOrganisation

// findRegions finds the places named in the sentence.
func (s *sentence) findRegions(st *docState) {
	s.regions = s.regions[:0]
	n := len(s.toks)
	for i := 0; i < n; i++ {
		if s.kmask[i]&placeKinds == 0 {
			continue
		}
		if t, ok := s.has(i, kOrganisation); ok {
			i += t.n - 1 // a place inside an organisation's name is no scope
			continue
		}
		var best tag
		found := false
		for _, t := range s.ann[i] {
			switch t.kind {
			case kRegion, kCountry, kBlockedPlace, kSupra, kNationwide, kLocal, kAnaphor:
				if !found || t.n > best.n || (t.n == best.n && s.preferTag(t, best, st)) {
					best, found = t, true
				}
			}
		}
		if !found {
			continue
		}
		if best.kind == kNationwide && i > 0 && s.capitalized(i) && (s.capitalized(i-1) || i+best.n < len(s.toks) && s.capitalized(i+best.n)) {
			continue // "the Garo National Liberation Army": a name
		}
		if best.kind != kAnaphor && s.is(i-1, wIn) && (s.hasEndingAt(i-1, kReportVerb) || i >= 2 && s.toks[i-2].kind == tWord && s.hasEndingAt(i-2, kReportVerb)) {
			continue // where a statement was made: "the report, released in Abuja", "told reporters in Quetta"
		}
		if best.kind == kAnaphor && s.is(i, wThere) && s.isAny(i+1, wWere, wWas, wIs, wAre, wHave, wHas, wHad) {
			continue // existential "there were 12 attacks"
		}
		if e := i + best.n; best.kind == kAnaphor && s.isAny(e-1, wProvince, wState, wTerritory, wRegion) &&
			s.is(e, wOf) && s.hasAt(e+1, kRegion) {
			i = e // "the province of Balochistan": the place is named next
			continue
		}
		if e := s.skipAgency(i + best.n); (i == 0 || i <= 2 && s.capsBefore(i)) && best.kind != kAnaphor && (s.isPunct(e, ':') && !s.isNumberStart(e+1) || s.isPunct(e, ',') && (s.dateAfter(e+1) || s.allCaps(i)) || s.isPunct(e, '-') && (s.allCaps(i) || e > i+best.n)) {
			// ("Balochistan: 137 killed, 172 injured" is a table row, not a dateline)
			if best.kind == kCountry && best.str == st.ctx.Country && i == 0 {
				st.countrySeen = true // "Nigeria: ...", not "MAIDUGURI, Nigeria (AP) —"
			}
			continue // a dateline: "ISLAMABAD:", "Islamabad, August 1, 2019:"
		}
		rm := regionMention{i: i, j: i + best.n}
		switch best.kind {
		case kRegion:
			rm.code = s.pickRegion(i, best, st)
			if s.localAfter(i + best.n) {
				rm.code = "" // "the Kaduna Central senatorial district": a part of the state
			}
		case kCountry:
			rm.code = best.str
		case kBlockedPlace:
			rm.local = true
		case kNationwide:
			rm.nation = true
		case kAnaphor:
			rm.anaphor = true
		}
		if best.kind == kRegion || best.kind == kCountry || best.kind == kBlockedPlace {
			if _, _, ok := s.endsAt(i, kRegionNegator); ok {
				rm.negated = true
			} else if i >= 2 && s.isAny(i-1, wThe, wIts, wTheir) { // "excluding its tribal districts"
				if _, _, ok := s.endsAt(i-1, kRegionNegator); ok {
					rm.negated = true
				}
			}
			if _, _, ok := s.endsAt(i, kRegionComparison); ok && !rm.negated {
				rm.compared = true
			}
			// "including the former tribal districts"
			for k := i; k >= 1 && k >= i-3; k-- {
				if _, _, ok := s.endsAt(k, kRegionInclusion); ok {
					rm.included = true
					break
				}
				if !s.isAny(k-1, wThe, wIts, wFormer, wErstwhile, wMerged) {
					break
				}
			}
		}
		if best.kind == kRegion {
			rm.alt = s.countryAlso(i, best.n) // "Niger": also a country
		}
		s.regions = append(s.regions, rm)
		i += best.n - 1
	}
	s.countriesListed(st)
	for k := range s.regions {
		if r := s.possessiveRegion(k); r != k {
			s.regions[k].included = true // "Nigeria's Borno state": the country only places the state
		}
	}
}

// countryAlso returns the country a region's name also names ("niger"),
// else "".
func (s *sentence) countryAlso(i, n int) string {
	for _, t := range s.ann[i] {
		if t.kind == kCountry && t.n == n {
			return t.str
		}
	}
	return ""
}

// countriesListed reads a name that is both a region and a country as the
// country when it is listed with another foreign country: "troops from
// Chad and Niger".
func (s *sentence) countriesListed(st *docState) {
	for k := range s.regions {
		rm := &s.regions[k]
		if rm.alt == "" {
			continue
		}
		for _, o := range []int{k - 1, k + 1} {
			if o < 0 || o >= len(s.regions) {
				continue
			}
			other := s.regions[o]
			a, b := min(rm.i, other.i), max(rm.i, other.i)
			gap := b - s.regions[min(k, o)].j
			if len(other.code) == 2 && other.code != st.ctx.Country && gap <= 1 && (gap == 0 || s.isAny(a+1, wAnd, wOr) || s.isPunct(b-1, ',') || s.isAny(b-1, wAnd, wOr)) {
				rm.code = rm.alt
				break
			}
		}
	}
}

func (s *sentence) preferTag(t, best tag, st *docState) bool {
	// at equal length a region of the document's country wins, then a
	// country over another country's region ("Niger": the state in a
	// Nigerian text, the country elsewhere)
	rank := func(t tag) int {
		switch {
		case t.kind == kRegion && len(t.str) > 2 && t.str[:2] == st.ctx.Country:
			return 3
		case t.kind == kCountry:
			return 2
		}
		return 1
	}
	return rank(t) > rank(best)
}

// pickRegion chooses among regions of several countries sharing a name
// ("Punjab"): the document's country first.
func (s *sentence) pickRegion(i int, best tag, st *docState) string {
	code := best.str
	for _, t := range s.ann[i] {
		if t.kind == kRegion && t.n == best.n && len(t.str) > 2 && t.str[:2] == st.ctx.Country {
			code = t.str
		}
	}
	return code
}

// findNumbers finds the numbers of the sentence: digits, number words and
// phrases ("a single", "a dozen", "one hundred and thirty").
func (s *sentence) findNumbers() {
	s.nums = s.nums[:0]
	s.numEnd = resizeB(s.numEnd, len(s.toks))
	defer func() {
		for _, nm := range s.nums {
			s.numEnd[nm.j-1] = true
		}
	}()
	n := len(s.toks)
	for i := 0; i < n; i++ {
		if s.covered[i] {
			continue
		}
		tk := &s.toks[i]
		var nm numMention
		ok := false
		switch {
		case tk.kind == tNum:
			nm = numMention{i: i, j: i + 1, val: tk.val}
			nm.skip = tk.decimal || tk.suffix != 0
			ok = true
		case tk.kind != tWord:
		case s.kmask[i]&(1<<kNumPhrase|1<<kNumberWord|1<<kSameNumber) == 0 && !tk.dash && !s.isAny(i, wA, wAn):
		default:
			if t, has := s.has(i, kNumPhrase); has {
				// "a hundred and ..." continues as words
				if v, nn, okw := s.wordNumber(i); okw && nn > t.n {
					nm = numMention{i: i, j: i + nn, val: v}
				} else {
					nm = numMention{i: i, j: i + t.n, val: t.num}
				}
				ok = true
			} else if v, nn, okw := s.wordNumber(i); okw {
				nm = numMention{i: i, j: i + nn, val: v}
				ok = true
			} else if t, has := s.has(i, kSameNumber); has {
				nm = numMention{i: i, j: i + t.n, same: true}
				ok = true
			} else if s.coordinatedOne(i) {
				nm = numMention{i: i, j: i + 1, val: 1} // "two soldiers and a policeman"
				ok = true
			}
		}
		if !ok {
			continue
		}
		nm.start, nm.end = int(s.toks[nm.i].start), int(s.toks[nm.j-1].end)
		if q, _, has := s.endsAt(nm.i, kQualifier); has {
			nm.qual = q.str
		} else {
			nm.qual = "exact"
			if len(s.nums) > 0 && s.is(nm.i-1, wAnd) {
				prev := s.nums[len(s.nums)-1]
				if prev.qual != "exact" && nm.i-1-prev.j <= 2 && s.onlyWords(prev.j, nm.i-1) {
					nm.qual = prev.qual
				}
			}
		}
		s.nums = append(s.nums, nm)
		i = nm.j - 1
	}
}

// coordinatedOne reports an "a"/"an" that counts one person in a list of
// counts: "two soldiers and a policeman were killed".
func (s *sentence) coordinatedOne(i int) bool {
	if !s.isAny(i, wA, wAn) || !s.is(i-1, wAnd) || !s.hasAt(i+1, kCategory) {
		return false
	}
	c, _ := s.has(i+1, kCategory)
	if c.str == "all" || c.str == "none" {
		return false
	}
	for k := i - 2; k >= 0 && k >= i-5; k-- {
		if s.toks[k].kind == tNum {
			return true
		}
		if _, ok := s.has(k, kNumberWord); ok {
			return true
		}
		if s.toks[k].kind == tPunct {
			return false
		}
	}
	return false
}

// wordNumber reads a number written in words at i: "forty-four", "one
// hundred and thirty", "a hundred", "two thousand five hundred".
func (s *sentence) wordNumber(i int) (int64, int, bool) {
	var total, cur int64
	j := i
	seen := false
	if s.is(j, wA) {
		if t, ok := s.has(j+1, kNumberWord); ok && t.str == "scale" {
			cur = 1
			j++
		} else {
			return 0, 0, false
		}
	}
	for j < len(s.toks) {
		tk := &s.toks[j]
		if tk.kind != tWord {
			break
		}
		if s.is(j, wAnd) && seen {
			if t, ok := s.numberWordValue(j + 1); ok && t.str != "scale" && (cur >= 100 || total >= 1000) {
				j++
				continue
			}
			break
		}
		v, okv := s.numberWordValue(j)
		if !okv {
			break
		}
		if !seen && v.str == "scale" && cur == 0 {
			return 0, 0, false // "Rs1 million": a scale word alone is no count
		}
		switch {
		case v.str == "scale":
			if cur == 0 {
				cur = 1
			}
			if v.num >= 1000 {
				total += cur * v.num
				cur = 0
			} else {
				cur *= v.num
			}
		default:
			if seen && cur%100 != 0 && v.num < 10 && cur%10 == 0 && cur >= 20 {
				cur += v.num
			} else if seen && cur != 0 && cur%100 != 0 {
				return total + cur, j - i, true
			} else {
				cur += v.num
			}
		}
		seen = true
		j++
	}
	if !seen {
		return 0, 0, false
	}
	return total + cur, j - i, true
}

// numberWordValue reads one number word, including hyphenated compounds
// ("forty-four").
func (s *sentence) numberWordValue(j int) (tag, bool) {
	if j >= len(s.toks) || s.toks[j].kind != tWord {
		return tag{}, false // "one And" at the end of a text
	}
	if t, ok := s.has(j, kNumberWord); ok && t.n == 1 {
		return t, true
	}
	w := s.word(j)
	dash := -1
	for k := 0; k < len(w); k++ {
		if w[k] == '-' {
			dash = k
			break
		}
	}
	if dash <= 0 {
		return tag{}, false
	}
	a, okA := s.lx.numberWord(w[:dash])
	b, okB := s.lx.numberWord(w[dash+1:])
	if okA && okB && a.str == "tens" && b.str == "unit" && b.num < 10 {
		return tag{kind: kNumberWord, str: "tens", num: a.num + b.num}, true
	}
	return tag{}, false
}

func (lx *Lexicon) numberWord(w string) (tag, bool) {
	return lx.wordTag(w, kNumberWord)
}

// localAfter reports a local unit ("district", "senatorial district")
// right after a place name, past at most two capitalised words.
func (s *sentence) localAfter(j int) bool {
	for k := j; k < len(s.toks) && k <= j+2; k++ {
		if s.hasAt(k, kLocal) {
			return true
		}
		if s.toks[k].kind != tWord || !s.capitalized(k) || s.kmask[k]&placeKinds != 0 {
			return false
		}
	}
	return false
}
