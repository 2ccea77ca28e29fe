package parser

// periodFor chooses the period: one written right after the number, else
// the nearest before it, else the compared period for a number in a
// comparison, else the sentence's, else the document's current period.
func (s *sentence) periodFor(d *draft, st *docState) bool {
	nm := &s.nums[d.num]
	inCmp := s.cmpSpan[nm.i] == 1
	cmpID := s.cmpID[nm.i]
	eligible := func(pm periodMention) bool {
		if pm.kind == pmReference || pm.kind == pmFrame || pm.kind == pmDay {
			return false
		}
		return !pm.cmp || (inCmp && s.cmpID[pm.i] == cmpID)
	}
	// "August recorded 49 and September 48": the period heading the count
	if p := s.headingPeriod(nm); p >= 0 {
		if per, ok := s.resolveAt(s.periods[p], st); ok {
			d.period = per
			return true
		}
	}
	// "in the last quarter of 2023, when 139 people had died": the period
	// right before ", when" owns the clause
	for k := nm.i - 1; k >= 1 && s.clause[k] == s.clause[nm.i]; k-- {
		if s.isPunct(k) && !s.isPunct(k, ',') {
			break
		}
		if s.is(k, wWhen) && s.isPunct(k-1, ',') {
			if pm, ok := s.periodEnding(k - 1); ok && (pm.kind == pmNormal || pm.kind == pmCurrent || pm.kind == pmReference && pm.valid) {
				if p, ok := s.resolveAt(pm, st); ok {
					d.period = p
					return true
				}
			}
			break
		}
	}
	// "stayed at eight in both months"
	for k := nm.j; k < len(s.toks) && k <= nm.j+4; k++ {
		if _, ok := s.has(k, kBothPeriods); ok {
			if a, b, ok := s.pairPeriods(nm.i, st); ok {
				d.periods = []Period{a, b}
				d.period = a
				return true
			}
		}
	}
	for k := nm.j; k < len(s.toks); k++ {
		if s.isPunct(k, ',', ';', ':', '(', ')', '-') || s.isNumTok(k) {
			break
		}
		pm, ok := s.periodStarting(k)
		if !ok {
			continue
		}
		if pm.kind == pmReference {
			k = pm.j - 1
			continue
		}
		if !eligible(pm) {
			break
		}
		if p, ok := s.resolveAt(pm, st); ok {
			d.period = p
			return true
		}
		break
	}
	if pm, ok := s.listPeriodAfter(nm); ok && eligible(pm) {
		if p, ok := s.resolveAt(pm, st); ok {
			d.period = p
			return true
		}
	}
	if inCmp {
		// "against 633 (251 civilians ...) in 2016": a period in the same
		// comparison, before or after the number
		for _, pm := range s.periods {
			if pm.cmp && s.cmpID[pm.i] == cmpID && pm.kind != pmReference && pm.kind != pmDay && pm.kind != pmFrame {
				if p, ok := s.resolveAt(pm, st); ok {
					d.period = p
					return true
				}
			}
		}
	}
	for k := len(s.periods) - 1; k >= 0; k-- {
		pm := s.periods[k]
		if pm.j > nm.i || !eligible(pm) || inCmp || s.depth(pm.i) > s.depth(nm.i) {
			continue // "(1,966 in 2011)" dates the number in the brackets only
		}
		if p, ok := s.resolveAt(pm, st); ok {
			d.period = p
			return true
		}
	}
	if inCmp {
		for k := len(s.periods) - 1; k >= 0; k-- {
			pm := s.periods[k]
			if pm.cmp && pm.i < nm.i && pm.kind != pmReference && pm.kind != pmDay {
				if p, ok := s.resolveAt(pm, st); ok {
					d.period = p
					d.conf -= 0.1
					return true
				}
			}
		}
		for _, pm := range s.periods {
			// "up from 33 civilians and down from 56 personnel in 2020"
			if pm.cmp && pm.i > nm.i && s.clause[pm.i] == s.clause[nm.i] && pm.kind == pmNormal {
				if p, ok := s.resolveAt(pm, st); ok {
					d.period = p
					d.conf -= 0.15
					return true
				}
			}
		}
		if s.cmpNamesPlace(cmpID) {
			// "40 fatalities in August, compared with 29 in Balochistan":
			// places compared within the period of the count before
			for k := len(s.periods) - 1; k >= 0; k-- {
				pm := s.periods[k]
				if pm.i < nm.i && !pm.cmp && (pm.kind == pmNormal || pm.kind == pmCurrent) {
					if p, ok := s.resolveAt(pm, st); ok {
						d.period = p
						d.conf -= 0.1
						return true
					}
				}
			}
			if st.cur != nil {
				d.period = *st.cur
				d.conf -= 0.15
				return true
			}
		}
		if st.prevCmp != nil {
			d.period = *st.prevCmp
			d.conf -= 0.15
			return true
		}
		return false
	}
	for _, pm := range s.periods {
		if pm.cmp || pm.kind != pmNormal && pm.kind != pmCurrent || s.clause[pm.i] != s.clause[nm.i] ||
			s.sub[pm.i] != s.sub[nm.i] && s.subordinate(pm.i) {
			// ("Adamawa, where the insurgents overran Mubi in late October,
			// recorded over 1,000 deaths": the where-clause's month is not the count's)
			continue
		}
		if p, ok := s.resolveAt(pm, st); ok {
			d.period = p
			d.conf -= 0.05
			return true
		}
	}
	for _, pm := range s.periods {
		if pm.kind == pmDay && s.sub[pm.i] == s.sub[nm.i] {
			return false // a day's events, not a period's count
		}
	}
	if s.segHas(nm.i, kDay) {
		return false // "on Tuesday", "at the weekend"
	}
	if st.cur != nil {
		d.period = *st.cur
		d.conf -= 0.1
		return true
	}
	return false
}

// cmpNamesPlace reports whether comparison span id names a place with a
// code ("compared with 29 in Balochistan").
func (s *sentence) cmpNamesPlace(id int) bool {
	for _, rm := range s.regions {
		if s.cmpID[rm.i] == id && s.cmpSpan[rm.i] != 0 && rm.code != "" && !rm.anaphor {
			return true
		}
	}
	return false
}

// subordinate reports whether token i is in a clause opened by ", where",
// ", as", ", after" or ", because".
func (s *sentence) subordinate(i int) bool {
	k := i
	for k > 0 && s.sub[k-1] == s.sub[i] {
		k--
	}
	return k > 0 && s.isPunct(k-1, ',') && s.isAny(k, wWhere, wAs, wAfter, wBecause)
}

func (s *sentence) periodEnding(k int) (periodMention, bool) {
	for _, pm := range s.periods {
		if pm.j == k {
			return pm, true
		}
	}
	return periodMention{}, false
}

// listPeriodAfter finds the period after a list of counts that starts
// with nm and shares it: "412 incidents, 611 deaths and 1,204 injuries
// recorded from July to October".
func (s *sentence) listPeriodAfter(nm *numMention) (periodMention, bool) {
	k, counts := nm.j, 0
	for ; k < len(s.toks) && s.clause[k] == s.clause[nm.i]; k++ {
		if s.isNumTok(k) {
			counts++
			continue
		}
		if !(s.hasAt(k, kMetricNoun) || s.hasAt(k, kMetricWeak) || s.hasAt(k, kCategory) || s.isPunct(k, ',') || s.is(k, wAnd)) {
			break
		}
	}
	if counts == 0 {
		return periodMention{}, false
	}
	if s.isAny(k, wRecorded, wReported) {
		k++
	}
	return s.periodStarting(k)
}

// periodStarting returns the period mention that starts at token k.
func (s *sentence) periodStarting(k int) (periodMention, bool) {
	if k < 0 || k >= len(s.covered) || !s.covered[k] {
		return periodMention{}, false // no period covers k
	}
	for _, pm := range s.periods {
		if pm.i == k {
			return pm, true
		}
	}
	return periodMention{}, false
}

// resolveAt resolves a mention; "the month" refers to a period named
// earlier in the same sentence before the document's current period.
func (s *sentence) resolveAt(pm periodMention, st *docState) (Period, bool) {
	if pm.kind != pmCurrent {
		return st.resolve(pm)
	}
	for k := len(s.periods) - 1; k >= 0; k-- {
		q := s.periods[k]
		if q.i >= pm.i || !q.valid || q.cmp || q.kind != pmNormal {
			continue
		}
		if pm.unit == "" || q.p.Granularity == pm.unit {
			return pm.shift(q.p), true
		}
	}
	return st.resolve(pm)
}

// pairPeriods returns the compared and the main period of a "from ... to"
// sentence for "in both months".
func (s *sentence) pairPeriods(i int, st *docState) (Period, Period, bool) {
	var a, b *Period
	for _, pm := range s.periods {
		if pm.i > i || pm.kind == pmReference || pm.kind == pmDay {
			continue
		}
		p, ok := s.resolveAt(pm, st)
		if !ok {
			continue
		}
		pp := p
		if pm.cmp {
			a = &pp
		} else {
			b = &pp
		}
	}
	if a == nil && st.prevCmp != nil {
		a = st.prevCmp
	}
	if b == nil && st.cur != nil {
		b = st.cur
	}
	if a == nil || b == nil {
		return Period{}, Period{}, false
	}
	return *a, *b, true
}

// zeros finds explicit zeros: "no attack was recorded in Sindh", "Sindh
// did not see a single terrorist attack", "no other unit, including Sindh
// and Punjab, recorded any militant attack".
func (s *sentence) zeros(st *docState) {
	if s.allMask&(1<<kNegator|1<<kZeroFree) == 0 {
		return // every zero pattern needs a negation or "free of"
	}
	for k := 0; k < len(s.toks); k++ {
		metric, at, ok := "", k, false
		if t, has := s.has(k, kZeroTrigger); has && s.negatedBefore(k) {
			if m, mk, found := s.metricNounAfter(k+t.n, 3); found {
				metric, at, ok = m, mk, true
			} else if k+t.n >= len(s.toks) || s.toks[k+t.n].kind == tPunct {
				// "whereas Islamabad did not see any": the count named before
				if m, found := s.metricNounBefore(k); found {
					metric, at, ok = m, k+t.n-1, true
				}
			} else if m, mk, found := s.passiveAfter(k+t.n, 6); found {
				metric, at, ok = m, mk, true // "not a single security force personnel was killed"
			}
			if !ok {
				// "not a single incident linked to ...": no zero read, and
				// no count of one either
				for n := range s.nums {
					if s.nums[n].i >= k && s.nums[n].i < k+t.n {
						s.nums[n].skip = true
					}
				}
			}
		} else if t, has := s.has(k, kZeroFree); has {
			if m, mk, found := s.metricNounAfter(k+t.n, 3); found {
				metric, at, ok = m, mk, true
			}
		} else if s.is(k, wNone) && (s.placeEndsAt(k) || s.isAny(k-1, wSaw, wRecorded, wReported, wHad, wWitnessed, wRegistered, wExperienced, wSuffered) && s.placeEndsAt(k-1)) &&
			(s.isPunct(k+1) || k+1 >= len(s.toks)) {
			// "Tripura saw just two incidents and Mizoram none", "while Islamabad saw none"
			for j := k - 1; j >= 0 && s.clause[j] == s.clause[k] && !ok; j-- {
				if t, has := s.has(j, kMetricNoun); has {
					metric, at, ok = t.str, k, true
				} else if t, has := s.has(j, kMetricWeak); has && !s.mixed(j) {
					metric, at, ok = t.str, k, true
				}
			}
		} else if s.is(k, wNo) {
			if m, mk, found := s.metricNounAfter(k+1, 2); found {
				// "no attack was reported", "Gilgit-Baltistan reported no fatality"
				if _, hasV := s.zeroVerbAfter(mk); hasV || s.hasEndingAt(k, kZeroVerb) || s.isAny(k-1, wSaw, wHad, wSuffered) {
					metric, at, ok = m, mk, true
				}
			}
		}
		if !ok || s.hasRestrictorIn(k, at+1) {
			continue // "no suicide attack was recorded": a sub-type
		}
		// the trigger replaces any number read from it ("a single")
		for n := range s.nums {
			if s.nums[n].i >= k && s.nums[n].i <= at {
				s.nums[n].skip = true
			}
		}
		s.nums = append(s.nums, numMention{i: k, j: at, val: 0, qual: "exact", zero: true,
			start: int(s.toks[k].start), end: int(s.toks[at].end), zeroMetric: metric, zeroHere: s.is(k, wNone),
			zeroCategory: s.categoryWithin(k, at)})
		s.numEnd[at-1] = true
		k = at
	}
}

// passiveAfter finds a metric verb in the passive ("was killed", "were
// injured") at most max tokens after k in its clause part.
func (s *sentence) passiveAfter(k, max int) (string, int, bool) {
	for j := k; j < len(s.toks) && j <= k+max && s.sub[j] == s.sub[k]; j++ {
		if s.toks[j].kind == tPunct || s.toks[j].kind == tNum {
			return "", 0, false
		}
		if t, ok := s.has(j, kMetricVerb); ok && s.isAny(j-1, wWas, wWere, wBeen) {
			return t.str, j, true
		}
	}
	return "", 0, false
}

// categoryWithin returns the category named between tokens a and b
// ("a single civilian death"), or "".
func (s *sentence) categoryWithin(a, b int) string {
	for j := a; j < b && j < len(s.toks); j++ {
		for _, k := range []kind{kCategoryAdj, kCategory} {
			if t, ok := s.has(j, k); ok && t.str != "all" && t.str != "none" {
				return t.str
			}
		}
	}
	return ""
}

func (s *sentence) hasRestrictorIn(a, b int) bool {
	for j := a; j < b && j < len(s.toks); j++ {
		if s.hasAt(j, kRestrictor) {
			return true
		}
	}
	return false
}

func (s *sentence) negatedBefore(k int) bool {
	for j := k - 1; j >= 0 && j >= k-20; j-- {
		if s.clause[j] != s.clause[k] {
			return false
		}
		if _, ok := s.has(j, kNegator); ok {
			return true
		}
	}
	return false
}

// districtsBefore reports "districts" in the clause part before token k:
// a statement about some districts, not a region.
func (s *sentence) districtsBefore(k int) bool {
	for j := k - 1; j >= 0 && s.sub[j] == s.sub[k]; j-- {
		if s.is(j, wDistricts) {
			return true
		}
	}
	return false
}

func (s *sentence) metricNounAfter(k, max int) (string, int, bool) {
	for j := k; j < len(s.toks) && j <= k+max; j++ {
		if t, ok := s.has(j, kMetricNoun); ok {
			return t.str, j, true
		}
		if t, ok := s.has(j, kMetricWeak); ok && !s.mixed(j) && (j+t.n >= len(s.toks) || s.isPunct(j+t.n)) && !s.districtsBefore(k) {
			// "West Bengal recorded no incident." (not "no incident linked
			// to the group", nor "four of its districts saw no incident")
			return t.str, j, true
		}
		if s.toks[j].kind != tWord {
			return "", 0, false
		}
	}
	return "", 0, false
}

func (s *sentence) metricNounBefore(k int) (string, bool) {
	for j := k - 1; j >= 0; j-- {
		if t, ok := s.has(j, kMetricNoun); ok {
			return t.str, true
		}
	}
	return "", false
}

func (s *sentence) zeroVerbAfter(k int) (int, bool) {
	for j := k + 1; j < len(s.toks) && j <= k+4; j++ {
		if _, ok := s.has(j, kZeroVerb); ok {
			return j, true
		}
	}
	return 0, false
}

// clauseRegions lists the regions named in the clause of token i (for
// zeros: "including Sindh, Islamabad and Punjab").
func (s *sentence) clauseRegions(i int) []string {
	var out []string
	for _, rm := range s.regions {
		if s.sub[rm.i] == s.sub[i] && rm.code != "" && !rm.negated && !rm.compared && !rm.anaphor && !rm.nation &&
			(s.seg[rm.i] == s.seg[i] || !s.segHasCount(s.seg[rm.i])) {
			// (not "Islamabad lost two lives, and neither Gilgit-Baltistan
			// nor ... reported a single fatality": Islamabad has its count)
			out = append(out, rm.code)
		}
	}
	return out
}

// segHasCount reports a number other than a zero in comma segment g.
func (s *sentence) segHasCount(g int) bool {
	for _, nm := range s.nums {
		if s.seg[nm.i] == g && !nm.zero && !nm.skip {
			return true
		}
	}
	return false
}

// pairs handles "N out of M" and "N of the M": M is the total (category
// all, the wider region) and a category after M ("being security forces
// personnel") is N's.
func (s *sentence) pairs(drafts []draft, st *docState) {
	for a := 0; a+1 < len(drafts); a++ {
		na, nb := s.nums[drafts[a].num], s.nums[drafts[a+1].num]
		k := na.j
		switch {
		case s.is(k, wOut) && s.is(k+1, wOf):
			k += 2
		case s.is(k, wOf):
			k++
		default:
			continue
		}
		if s.is(k, wThe) {
			k++
		}
		if k != nb.i {
			continue
		}
		b := &drafts[a+1]
		if c, ok := s.has(nb.j, kCategory); ok && c.str != "none" && drafts[a].category == "all" || ok && drafts[a].category == "" {
			drafts[a].category = c.str
		}
		if s.isAny(nb.j, wBeing, wWere, wAre, wWas, wIs) {
			if c, ok := s.has(nb.j+1, kCategory); ok && c.str != "none" {
				drafts[a].category = c.str
			}
		}
		if (drafts[a].category == "all" || drafts[a].category == st.publisherCategory) && drafts[a].metric != MetricAttacks {
			// "civilians made up most of the wounded, 91 out of 100"
			if c, ok := s.leftCategory(na.i, -1); ok {
				drafts[a].category = c
			}
		}
		if b.metric != MetricAttacks && b.metric != MetricArrests && b.metric != MetricAbductions {
			b.category = "all"
			if st.publisherCategory != "" {
				b.category = st.publisherCategory
			}
		}
		if b.metric == "" {
			b.metric = drafts[a].metric
		}
		if !s.regionBetween(na.j, nb.i) {
			b.region = st.defaultRegion() // "7 of the 12 attacks" in KP: 12 is national
			b.regions = nil
		}
	}
}

func (s *sentence) regionBetween(a, b int) bool {
	for _, rm := range s.regions {
		if rm.i >= a && rm.j <= b {
			return true
		}
	}
	return false
}

// respectively maps "30 and 32 fatalities respectively" onto the list of
// categories or regions named before: "civilians and security forces".
func (s *sentence) respectively(drafts []draft, st *docState) {
	for k := range s.toks {
		if _, ok := s.has(k, kRespectively); !ok {
			continue
		}
		var idx []int
		for d := len(drafts) - 1; d >= 0; d-- {
			nm := s.nums[drafts[d].num]
			if nm.i >= k || s.clause[nm.i] != s.clause[k] {
				continue
			}
			a := nm.j
			if t, ok := s.has(a, kMetricNoun); ok {
				a += t.n // "two attacks and one attack respectively"
			}
			if len(idx) > 0 && !s.onlyJoiners(a, s.nums[drafts[idx[0]].num].i) {
				break
			}
			idx = append([]int{d}, idx...)
		}
		if len(idx) < 2 {
			continue
		}
		if s.respectivePeriods(drafts, idx, st) {
			continue
		}
		first := s.nums[drafts[idx[0]].num].i
		// the nearest list before the counts is theirs: "Odisha and
		// Maharashtra registered 29 and 38, respectively" after "(15
		// civilians, 14 SFs and 30 Maoists)" names places
		lastPlace := -1
		for _, rm := range s.regions {
			if rm.j <= first && s.clause[rm.i] == s.clause[k] && rm.code != "" && !rm.anaphor && !rm.nation {
				lastPlace = rm.i
			}
		}
		var cats []string
		for j := first - 1; j > lastPlace && s.clause[j] == s.clause[k]; j-- {
			if c, ok := s.has(j, kCategory); ok && j+c.n <= first && c.str != "all" && c.str != "none" {
				cats = append([]string{c.str}, cats...)
				if len(cats) == len(idx) {
					break
				}
			}
		}
		if len(cats) == len(idx) {
			for n, d := range idx {
				if drafts[d].metric != MetricAttacks {
					drafts[d].category = cats[n]
				}
			}
			continue
		}
		// "Khyber Pakhtunkhwa and Balochistan stood at 1,093 and 612 respectively"
		var places []string
		for r := len(s.regions) - 1; r >= 0; r-- {
			rm := s.regions[r]
			if rm.j > first || s.clause[rm.i] != s.clause[k] || rm.code == "" || rm.anaphor || rm.nation || rm.negated || rm.compared {
				continue
			}
			if len(places) > 0 && !s.placeJoiners(rm.j, s.regions[r+1].i) {
				break
			}
			places = append([]string{rm.code}, places...)
			if len(places) == len(idx) {
				break
			}
		}
		if len(places) == len(idx) {
			for n, d := range idx {
				drafts[d].region, drafts[d].regions = places[n], nil
			}
		}
	}
}

// onlyJoiners reports whether tokens [a,b) are only "and", "or" and commas.
func (s *sentence) onlyJoiners(a, b int) bool {
	for k := a; k < b; k++ {
		if !s.isPunct(k, ',') && !s.isAny(k, wAnd, wOr) {
			return false
		}
	}
	return a < b
}

// placeJoiners reports whether tokens [a,b) join two places of a list:
// "and", "or", commas, then maybe an article and "former" ("Sindh and
// the former tribal districts").
func (s *sentence) placeJoiners(a, b int) bool {
	for b > a+1 && s.isAny(b-1, wThe, wFormer, wErstwhile, wMerged) {
		b--
	}
	return s.onlyJoiners(a, b)
}

// respectivePeriods maps numbers onto a coordinated list of periods named
// before them: "the same quarter of 2016 and 2017, which stood at 2,268 and
// 2,255 respectively".
func (s *sentence) respectivePeriods(drafts []draft, idx []int, st *docState) bool {
	first := s.nums[drafts[idx[0]].num].i
	var list []periodMention
	for k := len(s.periods) - 1; k >= 0; k-- {
		pm := s.periods[k]
		if pm.j > first || !pm.valid {
			continue
		}
		if len(list) > 0 && !s.onlyJoiners(pm.j, list[0].i) {
			break
		}
		list = append([]periodMention{pm}, list...)
	}
	if len(list) != len(idx) {
		// "62 killed in 2020, 42 in 2021 and 32 in 2022, while civilian
		// deaths stood at 37, 41 and 31 respectively": the periods listed
		// before, one per count
		list = list[:0]
		for _, pm := range s.periods {
			if pm.j <= first && pm.valid && !pm.cmp && pm.kind == pmNormal && s.clause[pm.i] == s.clause[first] {
				list = append(list, pm)
			}
		}
	}
	if len(list) != len(idx) {
		// "1,320, 2,170 and 2,290 people were wounded in 2018, 2017 and
		// 2016 respectively": the periods listed after the counts
		last := s.nums[drafts[idx[len(idx)-1]].num].j
		list = list[:0]
		for _, pm := range s.periods {
			if pm.i < last || !pm.valid || pm.cmp || pm.kind != pmNormal || s.clause[pm.i] != s.clause[first] {
				continue
			}
			if len(list) > 0 && !s.onlyJoiners(list[len(list)-1].j, pm.i) {
				break
			}
			list = append(list, pm)
		}
	}
	if len(list) != len(idx) {
		return false
	}
	// "the same quarter of 2016": the unit of the current period in that year
	var unit Granularity
	if h := list[0].i; h >= 3 && s.is(h-1, wOf) && s.isAny(h-3, wSame, wCorresponding) {
		unit, _ = s.unitAt(h - 2)
	}
	for n, d := range idx {
		p := list[n].p
		if unit != "" && st.cur != nil && p.Granularity == Year {
			cur := *st.cur
			shift := monthsBetween(containing(Year, cur.Start).Start, cur.Start)
			p = Period{Start: p.Start.AddDate(0, shift, 0), End: p.Start.AddDate(0, shift+monthsBetween(cur.Start, cur.End), 0), Granularity: cur.Granularity}
		}
		drafts[d].period = p
	}
	return true
}

// breakdowns drops numbers that only split another one: a branch split in
// brackets after a category total ("7 security forces personnel (3 army
// soldiers, 2 FC men ...)"), and a casualties total given with its killed
// and injured split ("244 casualties (188 killed and 56 injured)").
func (s *sentence) breakdowns(drafts []draft) []draft {
	for a := range drafts {
		na := s.nums[drafts[a].num]
		open := -1
		for k := na.j; k < len(s.toks) && k <= na.j+5; k++ {
			if s.isPunct(k, '(', '-') {
				open = k
				break
			}
			if s.isNumTok(k) {
				break
			}
		}
		if open >= 0 && drafts[a].category != "all" && drafts[a].category != "" {
			close := s.closing(open)
			for b := a + 1; b < len(drafts); b++ {
				nb := s.nums[drafts[b].num]
				if nb.i > open && nb.i < close && drafts[b].category == drafts[a].category && drafts[b].metric == drafts[a].metric {
					drafts[b].drop = true
				}
			}
		}
		// attacks, arrests and abductions have no categories: their parts
		// are kinds of people or groups ("27 abducted, among them six
		// children"), not reported apart
		m := drafts[a].metric
		uncategorised := m == MetricAttacks || m == MetricArrests || m == MetricAbductions
		if uncategorised {
			// "160 people, among them 23 foreigners, were kidnapped": the
			// counts inside the aside are parts, whatever they read as
			k := na.j
			if t, ok := s.has(k, kCategory); ok {
				k += t.n
			}
			if e := s.asideEnd(k); e > k {
				for b := a + 1; b < len(drafts); b++ {
					if i := s.nums[drafts[b].num].i; i > k && i < e {
						drafts[b].drop = true
					}
				}
			}
			// "abducted 11 people, four of them employees": a part, unless
			// it places the count ("59 attacks, 33 of them in KP")
			if a+1 < len(drafts) && s.isPunct(k, ',') {
				nb := s.nums[drafts[a+1].num]
				if nb.i == k+1 && s.is(nb.j, wOf) && s.isAny(nb.j+1, wThem, wWhom) && drafts[a+1].region == drafts[a].region {
					drafts[a+1].drop = true
				}
			}
		}
		if c := drafts[a].category; (c != "all" && c != "" || uncategorised) && a+1 < len(drafts) {
			nb := s.nums[drafts[a+1].num]
			if k := nb.i - 1; s.partIntro(k) && k-na.j <= 8 && drafts[a+1].category == c && drafts[a+1].metric == drafts[a].metric && nb.val < na.val {
				// "46 personnel martyred, among them 31 soldiers and 15 policemen": parts of the total
				sum := int64(0)
				for b := a + 1; b < len(drafts); b++ {
					db, nb := drafts[b], s.nums[drafts[b].num]
					if db.category != c || db.metric != drafts[a].metric || s.clause[nb.i] != s.clause[na.i] || sum+nb.val > na.val {
						break
					}
					sum += nb.val
					drafts[b].drop = true
				}
			}
		}
		if drafts[a].metric != MetricCasualties {
			continue
		}
		var dv, iv int64 = -1, -1
		for b := a + 1; b < len(drafts) && b <= a+3; b++ {
			db := drafts[b]
			if db.metric == MetricCasualties {
				break
			}
			if db.metric == MetricDeaths && dv < 0 {
				dv = s.nums[db.num].val
			}
			if db.metric == MetricInjuries && iv < 0 {
				iv = s.nums[db.num].val
			}
		}
		if dv >= 0 && iv >= 0 && dv+iv == na.val {
			drafts[a].drop = true
			// "1,293 civilian casualties - 533 killed and 760 injured": the
			// split is of the same people
			if c := drafts[a].category; c != "all" && c != "" {
				for b := a + 1; b < len(drafts) && b <= a+3; b++ {
					if m := drafts[b].metric; (m == MetricDeaths || m == MetricInjuries) && drafts[b].category == "all" {
						drafts[b].category = c
					}
				}
			}
		} else if dv < 0 && iv >= 0 {
			// "165 casualties, while another 224 people sustained injuries":
			// injuries given apart, so the casualties are the dead
			drafts[a].metric = MetricDeaths
		}
	}
	return drafts
}

// closing finds the token that closes the bracket or dash pair opened at k.
func (s *sentence) closing(k int) int {
	want := byte(')')
	if s.isPunct(k, '-') {
		want = '-'
	}
	for j := k + 1; j < len(s.toks); j++ {
		if s.isPunct(j, want) {
			return j
		}
		if want == ')' && s.isPunct(j, ';') {
			return j
		}
	}
	return len(s.toks)
}

// partIntro reports whether the words ending at k open the parts of a
// total: "including", "among them", "among whom", "of whom".
func (s *sentence) partIntro(k int) bool {
	return s.is(k, wIncluding) || s.isAny(k, wThem, wWhom) && s.isAny(k-1, wAmong, wOf)
}

// hasEndingAt reports a phrase of kind k ending right before token i.
func (s *sentence) hasEndingAt(i int, k kind) bool {
	_, _, ok := s.endsAt(i, k)
	return ok
}

// placeEndsAt reports a first-level place named right before token i.
func (s *sentence) placeEndsAt(i int) bool {
	for _, rm := range s.regions {
		if rm.j == i && len(rm.code) > 2 && !rm.anaphor {
			return true
		}
	}
	return false
}
