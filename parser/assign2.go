package parser

import "strings"

// categoryFor completes the category: the number's own noun, "of whom",
// a category next to the metric word, or one named earlier in the clause.
func (s *sentence) categoryFor(d *draft, drafts []draft, st *docState) bool {
	nm := &s.nums[d.num]
	if d.metric == MetricAttacks || d.metric == MetricArrests || d.metric == MetricAbductions {
		d.category = "all"
		return true
	}
	if d.category == "none" {
		return false
	}
	if d.category == "" && s.isAny(nm.j, wOf) && s.isAny(nm.j+1, wWhom) {
		if c, ok := s.leftCategory(nm.i, -1); ok {
			d.category = c
		}
	}
	if d.category == "" && s.is(nm.j, wOf) && s.is(nm.j+1, wThem) {
		// "operations against militants, killing 242 of them": the people
		// named last before
		for k := nm.i - 1; k >= 0; k-- {
			c, ok := s.has(k, kCategory)
			adj := false
			if !ok {
				c, ok = s.has(k, kCategoryAdj)
				adj = true
			}
			// ("killed 290 Maoists ..., 217 of them", not "40 militant hideouts")
			if ok && k+c.n <= nm.i && c.str != "all" && c.str != "none" && !(adj && s.isNumTok(k-1)) {
				d.category = c.str
				break
			}
		}
	}
	if d.category == "" || d.category == "all" && !d.object {
		if c, ok := s.partOfFrame(nm); ok {
			d.category = c // "Of the 119 officers killed, 41 died in the tribal districts"
		}
	}
	if d.category == "" && d.cue >= 0 {
		d.category = s.cueCategory(d.cue, d.object)
	}
	if d.category == "" && d.cueNoun && s.isAny(nm.i-1, wSuffered, wSustained, wIncurred, wLost) {
		// "the FC suffered 94 casualties": whose losses the subject says
		if c, ok := s.leftCategory(nm.i, nm.i-1); ok {
			d.category = c
			d.conf -= 0.1
		}
	}
	if (d.category == "" || d.category == "all") && d.object && s.isAny(d.cue, wLost, wLosing, wSuffered) {
		d.category, d.object = "", false // a loss: whose loss the subject says ("the army lost 260 men")
	}
	if (d.category == "" || d.category == "none" && s.isAny(d.cue, wLost, wLosing)) && !d.object && !s.recordedBy(nm) {
		d.category = ""
		if c, ok := s.leftCategory(nm.i, d.cue); ok {
			d.category = c
			d.conf -= 0.1
		}
	}
	if d.category == "none" {
		return false
	}
	q := nm.i
	if t, j, ok := s.endsAt(nm.i, kQualifier); ok && t.str != "exact" {
		q = j // "261 civilians killed and around 500 wounded" (not "and another 491")
	}
	if d.category == "" && s.is(q-1, wAnd) && len(drafts) > 0 && !s.partIntro(s.nums[drafts[len(drafts)-1].num].i-1) {
		// "1,662 civilians died and 3,581 were wounded": the same people
		if prev := drafts[len(drafts)-1]; prev.category != "" && prev.category != "all" && prev.category != "none" &&
			prev.metric != d.metric && s.clause[s.nums[prev.num].i] == s.clause[nm.i] &&
			(s.isAny(nm.j, wWere, wWas, wHad, wHave) || s.hasAt(nm.j, kMetricVerb) && s.nums[prev.num].j+2 < nm.i) {
			d.category = prev.category
		}
	}
	if d.category == "" && len(drafts) > 0 && s.is(nm.i-2, wAnd) && s.hasAt(nm.i-1, kMetricVerb) && !s.hasAt(nm.j, kCategory) {
		// "killing 792 civilians and wounding 1,621": the same people
		if prev := drafts[len(drafts)-1]; prev.category != "" && prev.category != "all" && prev.category != "none" &&
			prev.metric != d.metric && s.categoryEndsAt(s.nums[prev.num].j, nm.i-2) {
			d.category = prev.category
		}
	}
	if (d.category == "" || d.category == "all") && s.is(nm.j, wOthers) {
		// "211 civilians were killed and 340 others wounded": the people of
		// the first count of the clause part, not of a part listed since
		// ("310 people died, among them 120 soldiers, and 402 others")
		for _, prev := range drafts {
			if s.sub[s.nums[prev.num].i] == s.sub[nm.i] && prev.metric != MetricAttacks && s.nums[prev.num].val > 1 {
				// (not "carried out 8,137 attacks, killing 2,936 civilians and
				// wounding 5,187 others"; "one official was killed and three
				// others hurt": other people, of any kind)
				if prev.category != "none" {
					d.category = prev.category
				}
				break
			}
		}
	}
	if d.category == "" || d.category == "all" {
		if st.publisherCategory != "" {
			d.category = st.publisherCategory
		} else {
			d.category = "all"
		}
	}
	return true
}

// cueCategory reads a category written with the metric word: "security
// personnel killed", "civilian deaths", "injured civilians", "deaths among
// militants".
func (s *sentence) cueCategory(cue int, object bool) string {
	t := s.ann[cue]
	n := 1
	for _, x := range t {
		if x.kind == kMetricNoun || x.kind == kMetricVerb {
			n = x.n
		}
	}
	if c, _, ok := s.endsAt(cue, kCategoryAdj); ok {
		return c.str
	}
	if c, j, ok := s.endsAt(cue, kCategory); ok && c.str != "all" && !s.numBefore(j) && !object {
		return c.str // "security personnel killed went from 33 to 16" (not "insurgents killed 30")
	}
	after := cue + n
	if s.is(after, wAmong) {
		after++
	}
	if c, ok := s.has(after, kCategory); ok && !s.numBefore(after) {
		return c.str
	}
	return ""
}

func (s *sentence) numBefore(j int) bool {
	if j <= 0 {
		return false
	}
	tk := &s.toks[j-1]
	if tk.kind == tNum {
		return true
	}
	_, ok := s.has(j-1, kNumberWord)
	return ok
}

// leftCategory finds the nearest category noun before token i in the clause
// that no number owns ("civilians made up most of the wounded, 91 out of
// 100").
func (s *sentence) leftCategory(i, cue int) (string, bool) {
	for k := i - 1; k >= 0; k-- {
		if s.clause[k] != s.clause[i] {
			break
		}
		c, ok := s.has(k, kCategory)
		if !ok || k+c.n > i {
			continue
		}
		if cue >= 0 && s.seg[k] != s.seg[i] && !(s.clauseSubject(k) && s.sub[k] == s.sub[i]) {
			continue
		}
		if c.str == "all" || c.str == "none" || s.owned(k) || s.hasAt(k+c.n, kMetricNoun) || s.hasAt(k+c.n, kMetricWeak) || s.hasAt(k+c.n, kViolence) {
			continue // "militant attacks", "militant violence": an adjective, not the people counted
		}
		if s.mixedCategory(k, c) {
			return "none", true // "Civilians and security personnel made up 698"
		}
		return c.str, true
	}
	return "", false
}

// recordedBy reports a verb of recording or blame right before the number
// (and its qualifier), or before the counts coordinated with it: "police
// recorded 116 deaths", "with the police recording over 100 deaths".
func (s *sentence) recordedBy(nm *numMention) bool {
	if s.allMask&(1<<kRecordVerb) == 0 {
		return false
	}
	k := s.numStart(nm)
	// back over a count before this one: "blamed for 1,141 of the deaths
	// and 2,348 of the injuries"
	for stop := k - 8; k > 0 && k > stop; k-- {
		if _, _, ok := s.endsAt(k, kRecordVerb); ok {
			return true
		}
		if !(s.isNumTok(k-1) || s.isAny(k-1, wAnd, wOf, wThe) || s.hasAt(k-1, kMetricNoun)) {
			return false
		}
	}
	return false
}

// partOfFrame returns the kind of people a sentence opening "Of the ...,"
// names, for a number after that comma: "Of the civilians killed, 42
// died at the hands of soldiers".
func (s *sentence) partOfFrame(nm *numMention) (string, bool) {
	if !s.is(0, wOf) || !s.is(1, wThe) {
		return "", false
	}
	for k := 2; k < nm.i && k <= 8; k++ {
		if s.isPunct(k, ',') {
			if s.clause[k] != s.clause[nm.i] {
				return "", false
			}
			for j := 2; j < k; j++ {
				// the people themselves, not "Of the militants' actions"
				if c, ok := s.has(j, kCategory); ok && c.str != "all" && c.str != "none" &&
					(j+c.n == k || s.hasAt(j+c.n, kMetricVerb) || s.is(j+c.n, wWho)) {
					return c.str, true
				}
			}
			return "", false
		}
	}
	return "", false
}

// categoryEndsAt reports whether tokens [a,b) are empty or one category
// phrase ("killed 1,168 Taliban fighters and wounded 607").
func (s *sentence) categoryEndsAt(a, b int) bool {
	if a == b {
		return true
	}
	for _, t := range s.ann[a] {
		if t.kind == kCategory && a+t.n == b {
			return true
		}
	}
	return false
}

// clauseSubject reports whether the category at k opens its clause
// ("Militants suffered the heaviest losses, with 412 killed").
func (s *sentence) clauseSubject(k int) bool {
	if !(k == 0 || s.clause[k-1] != s.clause[k]) {
		return false
	}
	c, _ := s.has(k, kCategory)
	for j := k + c.n; j < len(s.toks) && j <= k+c.n+2; j++ {
		if s.hasAt(j, kAgentVerb) {
			return false // "Militants carried out 59 attacks": the perpetrators
		}
	}
	return true
}

// mixedCategory reports whether the category at k is coordinated with a
// different one ("civilians and security personnel"): the group fits no
// single category.
func (s *sentence) mixedCategory(k int, c tag) bool {
	j := k + c.n
	if s.isAny(j, wAnd, wOr) && !s.numBefore(k) {
		if o, ok := s.has(j+1, kCategory); ok && o.str != c.str && o.str != "all" && o.str != "none" {
			return true
		}
	}
	return false
}

// owned reports whether the category word at k belongs to a number before it.
func (s *sentence) owned(k int) bool {
	for j := k - 1; j >= 0 && j >= k-3; j-- {
		if s.toks[j].kind == tNum {
			return true
		}
		if _, ok := s.has(j, kNumberWord); ok {
			return true
		}
		if s.toks[j].kind == tPunct || s.isAny(j, wAnd, wOr) {
			return false
		}
	}
	return false
}

// regionFor chooses the region: the nearest place named before the number
// in its clause, else one named right after it, else the country.
func (s *sentence) regionFor(d *draft, st *docState) bool {
	nm := &s.nums[d.num]
	c := s.clause[nm.i]
	pick := s.regionAfter(nm)
	if pick < 0 {
		pick = s.listRegionAfter(nm) // "14 personnel, 18 civilians and 22 Maoists were killed in the state"
	}

	if pick < 0 {
		pick = s.relativeHead(nm) // "Balochistan overtook Fata, which saw nine"
	}
	if pick < 0 && d.headed {
		// "Zamfara led with 540, ahead of Kaduna with 517": the place the
		// count is "with", even one compared
		if k := s.headEnd(nm); s.is(k+1, wWith) {
			if r := s.placeEndingAt(k); r >= 0 && s.regions[r].code != "" && !s.regions[r].negated {
				pick = r
			}
		}
	}
	for k := len(s.regions) - 1; k >= 0 && pick < 0; k-- {
		rm := s.regions[k]
		if rm.j > nm.i || s.clause[rm.i] != c || rm.negated || rm.compared || rm.included || s.sub[rm.i] > s.sub[nm.i] {
			continue // (a place in a closed aside before the number is the aside's)
		}
		if s.betweenTotal(rm, nm) {
			continue
		}
		if s.isAny(rm.i-1, wMostly, wMainly, wLargely, wParticularly, wEspecially) {
			continue // "Sindh, mostly Karachi, had three attacks": the part named aside
		}
		if rm.local && s.is(rm.i-1, wIn) && s.colonBetween(rm.j, nm.i) {
			// "as the offensive pressed on in North Waziristan: 612 of the
			// dead were militants": the place of the clause before the colon
			continue
		}
		pick = k
		break
	}
	if pick >= 0 && d.headed && s.regions[pick].code == "" && !s.regions[pick].anaphor && !s.regions[pick].nation {
		// "Sindh, where most of it was in Karachi, with 187": the head,
		// not the city of the relative clause
		if r := s.placeEndingAt(s.headEnd(nm)); r >= 0 {
			pick = r
		}
	}
	if pick < 0 {
		seg := s.seg[nm.i]
		for k, rm := range s.regions {
			if rm.i < nm.j || s.clause[rm.i] != c || rm.negated || rm.compared || rm.included || rm.anaphor && (s.seg[rm.i] != seg || s.isAny(rm.i, wThey, wThese, wThose)) {
				continue
			}
			if s.seg[rm.i] == seg || s.seg[rm.i] == seg+1 && s.isPunct(rm.i-1, ',') && !s.numBetween(nm.j, rm.i) {
				pick = k
			}
			break
		}
	}
	if pick < 0 {
		pick = s.regionPastAside(nm)
	}
	// "a single death each in Islamabad and Gilgit-Baltistan"
	if each := s.eachRegions(nm); len(each) > 0 {
		d.regions = each
		d.region = each[0]
		return true
	}
	if pick < 0 {
		d.region = st.defaultRegion()
		if code, ok := s.prevClauseRegion(c, st); ok {
			d.region = code
			d.conf -= 0.1
		}
		return true
	}
	d.placed = true
	rm := s.regions[pick]
	if s.inList(pick) && !s.clauseHasAfter(nm.i, kRespectively) {
		return false // "Punjab and Sindh together": a sum over several places
	}
	if s.foreignInPassing(rm, st) {
		// a foreign country named in passing ("attacks from Afghanistan"):
		// the place of the sentence named before it, else the default
		d.region = st.defaultRegion()
		for k := pick - 1; k >= 0; k-- {
			if r := s.regions[k]; len(r.code) > 2 && !r.anaphor && !r.negated && !r.compared && !r.included {
				d.region = r.code
				break
			}
		}
		return true
	}
	switch {
	case rm.nation:
		d.region = st.ctx.Country
	case rm.anaphor:
		code, block := st.lastRegion, st.lastBlock
		if st.lastCoded != "" && (s.isAny(rm.j-1, wProvince, wState, wTerritory) || s.is(rm.j-1, wRegion) && !st.lastBlock) {
			code, block = st.lastCoded, false // "the state": a first-level region, not the district named since
		}
		if s.isAny(rm.i, wThey, wThese, wThose) && !st.lastSole {
			code, block = st.ctx.Country, false // "Among those killed": people, not a place
		}
		here := false                                          // the place is named before in this sentence
		unit := s.isAny(rm.j-1, wProvince, wState, wTerritory) // "the state": a first-level region
		for k := pick - 1; k >= 0; k-- {
			r := s.regions[k]
			if unit && r.code == "" && !r.nation {
				continue // a city named before is not "the state"
			}
			if !r.anaphor && !r.negated && !r.compared && !s.foreignInPassing(r, st) {
				code, block, here = r.code, r.code == "", true
				if r.nation {
					code, block = st.ctx.Country, false
				}
				break
			}
		}
		if block && !here && s.isAny(rm.i, wThey, wThese, wThose) && !s.isAny(rm.i-1, wIn, wOf, wAcross) {
			// "Police said they had arrested": people, not the district named
			// before; the province in view is the scope
			code, block = st.lastCoded, false
		}
		if block {
			return false
		}
		if code == "" {
			code = st.ctx.Country
		}
		d.region = code
		d.conf -= 0.05
	case rm.code == "":
		return false // a city, a district or a multi-country region
	default:
		d.region = rm.code
	}
	return true
}

// relativeHead returns the region a relative clause holding the number
// is about ("..., Fata, which saw nine", "ahead of Balochistan, where 954
// casualties - 432 dead ... - were reported"), else -1: the place right
// before ", which" or ", where".
func (s *sentence) relativeHead(nm *numMention) int {
	for k := nm.i - 1; k >= 2 && k >= nm.i-12; k-- {
		if s.isPunct(k, ',', ';', ':', '(', ')') {
			return -1
		}
		if !s.isAny(k, wWhich, wWho, wWhere) || !s.isPunct(k-1, ',') {
			continue
		}
		for _, rm := range s.regions {
			if rm.i > k && rm.i < nm.i {
				return -1 // the clause names a place of its own
			}
		}
		if r := s.placeEndingAt(k - 2); r >= 0 && s.regions[r].code != "" && !s.regions[r].negated && !s.regions[r].included {
			return r
		}
		return -1
	}
	return -1
}

// colonBetween reports a colon in tokens [a,b).
func (s *sentence) colonBetween(a, b int) bool {
	for k := a; k < b; k++ {
		if s.isPunct(k, ':') {
			return true
		}
	}
	return false
}

// foreignInPassing reports a foreign country named in passing: "attacks
// from Afghanistan", "the province bordering Afghanistan".
func (s *sentence) foreignInPassing(rm regionMention, st *docState) bool {
	before := rm.i - 1
	if s.is(before, wThe) {
		before--
	}
	return len(rm.code) == 2 && rm.code != st.ctx.Country &&
		s.isAny(before, wFrom, wWith, wInto, wBordering, wAgainst, wAcross, wTo, wOf, wAnd)
}

// clauseHasAfter reports a phrase of kind k after token i in its clause.
func (s *sentence) clauseHasAfter(i int, k kind) bool {
	for j := i + 1; j < len(s.toks) && s.clause[j] == s.clause[i]; j++ {
		if s.hasAt(j, k) {
			return true
		}
	}
	return false
}

// inList reports whether region mention r is one of a coordinated list
// ("Zamfara, Katsina, Kaduna and Niger states").
func (s *sentence) inList(r int) bool {
	rm := s.regions[r]
	for k, o := range s.regions {
		if k == r || o.negated || o.anaphor || o.nation || o.included || o.code == "" {
			continue
		}
		if o.j <= rm.i && s.placeJoiners(o.j, rm.i) || rm.j <= o.i && s.placeJoiners(rm.j, o.i) {
			return true
		}
	}
	return false
}

// prevClauseRegion returns the one region the previous clause was about
// ("... fell from 85 to 20; one militant was wounded"); a list of regions
// there does not carry over.
func (s *sentence) prevClauseRegion(c int, st *docState) (string, bool) {
	if c == 0 {
		return "", false
	}
	code := ""
	for _, rm := range s.regions {
		if s.clause[rm.i] != c-1 || rm.negated || rm.compared || rm.included {
			continue
		}
		r := rm.code
		if rm.anaphor {
			r = st.lastRegion
		}
		if rm.nation || r == "" || code != "" && code != r {
			return "", false
		}
		code = r
	}
	return code, code != ""
}

// regionAfter finds a place named right after the number's own phrase:
// "a single attack in Azad Jammu and Kashmir", "the one attack reported in
// Punjab", "609 in Fata".
func (s *sentence) regionAfter(nm *numMention) int {
	for k := nm.j; k < len(s.toks) && k <= nm.j+7; k++ {
		if s.toks[k].kind != tWord {
			return -1
		}
		if _, ok := s.has(k, kMetricVerb); ok && !s.is(k, wReported) {
			return -1
		}
		if s.isAny(k, wIn, wFrom) {
			at := k + 1
			if s.is(at, wThe) {
				at++
			}
			for r, rm := range s.regions {
				if rm.i == at && !rm.anaphor && !rm.negated && !rm.compared {
					return s.possessiveRegion(r)
				}
			}
		}
	}
	return -1
}

// regionPastAside finds the place of a count whose predicate follows an
// aside on its parts: "19 people, including four engineers, had been
// kidnapped by militants in Balochistan". It returns -1 for none.
func (s *sentence) regionPastAside(nm *numMention) int {
	j := nm.j
	if t, ok := s.has(j, kCategory); ok {
		j += t.n
	}
	e := s.asideEnd(j)
	if e == j || !s.isAny(j+1, wIncluding, wAmong) {
		return -1
	}
	for k, rm := range s.regions {
		if rm.i > e && s.clause[rm.i] == s.clause[nm.i] && s.seg[rm.i] == s.seg[e+1] && s.is(rm.i-1, wIn) &&
			!rm.negated && !rm.compared && !rm.included && !rm.anaphor {
			return k
		}
	}
	return -1
}

// possessiveRegion returns the region of the country named at regions[r]
// in the possessive right before it ("Nigeria's northeastern Borno
// state", "Pakistan's Khyber Pakhtunkhwa province"), else r.
func (s *sentence) possessiveRegion(r int) int {
	rm := s.regions[r]
	if len(rm.code) != 2 || r+1 >= len(s.regions) {
		return r
	}
	w := s.word(rm.j - 1)
	if !strings.HasSuffix(w, "'s") && !strings.HasSuffix(w, "’s") {
		return r
	}
	next := s.regions[r+1]
	if next.i <= rm.j+2 && strings.HasPrefix(next.code, rm.code+"-") && !next.negated && !next.compared && !next.anaphor {
		return r + 1
	}
	return r
}

// betweenTotal: in "7 of the 12 attacks" the region before 7 is not 12's.
func (s *sentence) betweenTotal(rm regionMention, nm *numMention) bool {
	return nm.i >= 2 && s.isAny(nm.i-1, wThe) && s.isAny(nm.i-2, wOf) && nm.i >= 3 && s.isNumTok(nm.i-3)
}

func (s *sentence) isNumTok(i int) bool {
	return i >= 0 && i < len(s.numEnd) && s.numEnd[i]
}

func (s *sentence) numBetween(a, b int) bool {
	for _, nm := range s.nums {
		if nm.i >= a && nm.i < b && !nm.skip {
			return true
		}
	}
	return false
}

// eachRegions returns the regions a number is distributed over by "each":
// "Islamabad and Gilgit had one each", "ICT, KPK and Punjab each reported a
// single attack", "a single death each in Islamabad and Gilgit-Baltistan".
func (s *sentence) eachRegions(nm *numMention) []string {
	e := -1
	for k := nm.j; k < len(s.toks) && k <= nm.j+3; k++ {
		if _, ok := s.has(k, kDistributor); ok {
			e = k
			break
		}
		if s.toks[k].kind == tPunct {
			break
		}
	}
	if e < 0 {
		for k := nm.i - 1; k >= 0 && k >= nm.i-4; k-- {
			if _, ok := s.has(k, kDistributor); ok {
				e = k
				break
			}
		}
	}
	if e < 0 {
		return nil
	}
	// a coordinated list of regions right before "each"/the number, or after
	var list []string
	found := 0
	collect := func(from, step int) {
		k := from
		for k >= 0 && k < len(s.toks) {
			if s.isPunct(k, ',') || s.isAny(k, wAnd, wIn, wFrom, wWas, wWere, wReported, wRecorded) {
				k += step
				continue
			}
			hit := false
			for _, rm := range s.regions {
				if (step < 0 && rm.j-1 == k) || (step > 0 && rm.i == k) {
					if rm.negated || rm.compared || rm.included || rm.anaphor || rm.nation {
						return
					}
					found++
					if rm.code != "" {
						list = append(list, rm.code)
					}
					if step < 0 {
						k = rm.i - 1
					} else {
						k = rm.j
					}
					hit = true
					break
				}
			}
			if !hit {
				return
			}
		}
	}
	start := nm.i - 1
	if e < nm.i {
		start = e - 1
	}
	for start >= 0 && s.isAny(start, wHad, wSaw, wRecorded, wReported) {
		start--
	}
	collect(start, -1)
	if found < 2 {
		list, found = list[:0], 0
		collect(e+1, 1)
	}
	if found < 2 && s.isAny(e+1, wProvince, wRegion, wState, wTerritory, wOf) {
		// "Sindh and Punjab each saw two attacks, with two people killed in
		// each province": the list named before
		list, found = list[:0], 0
		for r := len(s.regions) - 1; r >= 0; r-- {
			if s.regions[r].j <= nm.i && s.inList(r) {
				collect(s.regions[r].j-1, -1)
				break
			}
		}
	}
	if found < 2 || len(list) == 0 {
		return nil
	}
	return list
}

// listRegionAfter finds the place named after a list of counts that
// starts with nm and shares one predicate: "14 security personnel, 18
// civilians and 22 Maoists had been killed in the state".
func (s *sentence) listRegionAfter(nm *numMention) int {
	others, k := 0, nm.j
	for k < len(s.toks) && s.clause[k] == s.clause[nm.i] {
		if t, ok := s.has(k, kCategory); ok {
			k += t.n
			continue
		}
		if t, ok := s.has(k, kQualifier); ok {
			k += t.n
			continue
		}
		if s.isNumTok(k) || s.hasAt(k, kNumberWord) {
			others++
		} else if !s.isPunct(k, ',') && !s.is(k, wAnd) {
			break
		}
		k++
	}
	if others == 0 || !(s.hasAt(k, kMetricVerb) || s.isAny(k, wWere, wWas, wHad, wHave, wHas)) {
		return -1
	}
	for j := k; j < len(s.toks) && j <= k+8 && s.toks[j].kind != tPunct; j++ {
		for r, rm := range s.regions {
			if rm.i == j && !rm.negated && !rm.compared && !rm.included && (rm.code != "" || rm.anaphor) {
				return r // a district named after the list is left to the rules before
			}
		}
	}
	return -1
}
