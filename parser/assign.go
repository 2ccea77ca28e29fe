package parser

import "strings"

// draft is a figure being assembled for one number.
type draft struct {
	num      int // index into sentence.nums
	metric   string
	cue      int  // token of the metric cue, -1 when inherited
	cueNoun  bool // metric from a noun right after the number ("44 attacks")
	category string
	region   string
	regions  []string // "one each in A and B"
	period   Period
	periods  []Period // "in both months"
	conf     float64
	drop     bool
	object   bool // the number is the object of a verb ("killed 185 people")
	headed   bool // a place name heads the number ("KP 16")
	owned    int  // token of the participle in the number's own phrase ("56 injured"), -1 if none
	placed   bool // the region is a place named for the number, not the default
}

// extract assigns metric, category, region and period to each number of the
// sentence and appends the figures to st.figs.
func (s *sentence) extract(st *docState) {
	for k := range s.nums {
		s.exclude(k)
	}
	s.zeros(st)
	if len(s.nums) == 0 {
		return
	}
	drafts := s.drafts[:0]
	defer func() { s.drafts = drafts[:0] }()
	for k := range s.nums {
		nm := &s.nums[k]
		if nm.skip {
			continue
		}
		d := draft{num: k, cue: -1, conf: 0.95}
		if nm.zero {
			d.metric, d.category = nm.zeroMetric, "all"
			if nm.zeroCategory != "" && d.metric != MetricAttacks && d.metric != MetricArrests && d.metric != MetricAbductions {
				d.category = nm.zeroCategory // "not a single civilian death"
			}
			if !nm.zeroHere {
				d.regions = s.clauseRegions(nm.i)
			}
			if len(d.regions) == 0 && !s.regionFor(&d, st) {
				continue
			}
			if len(d.regions) > 0 {
				d.region = d.regions[0]
			}
			if s.periodFor(&d, st) {
				drafts = append(drafts, d)
			}
			continue
		}
		if nm.same {
			if len(drafts) == 0 {
				continue
			}
			nm.val = s.nums[drafts[len(drafts)-1].num].val
		}
		if !s.metricFor(&d, drafts, st) {
			continue
		}
		if d.metric != MetricArrests && d.metric != MetricAbductions && s.restricted(nm) {
			continue // a sub-type, a rate or a threshold
		}
		if s.segHas(nm.i, kThreshold) {
			continue // "went past 600"
		}
		if d.metric != MetricAttacks && s.singleEventFor(nm, d.cue) {
			continue // the toll of one event
		}
		if !s.categoryFor(&d, drafts, st) {
			continue
		}
		if !s.regionFor(&d, st) {
			continue
		}
		if !s.periodFor(&d, st) {
			continue
		}
		drafts = append(drafts, d)
	}
	s.pairs(drafts, st)
	s.respectively(drafts, st)
	drafts = s.breakdowns(drafts)
	st.headedMetric = ""
	for _, d := range drafts {
		if d.drop {
			continue
		}
		if d.headed || d.cueNoun && len(d.region) > 2 {
			st.headedMetric = d.metric // "Assam saw 11 deaths. Arunachal Pradesh recorded four."
		}
		if d.cueNoun || d.cue >= 0 && s.hasAt(d.cue, kMetricNoun) {
			st.nounMetric = d.metric
		}
		s.yearToDate(&d, st)
		s.emit(d, st)
	}
}

// yearToDate turns "this year" into January to the current period when the
// sentence counts what is "already" recorded: "with 2,414 deaths already
// recorded, the current year ...".
func (s *sentence) yearToDate(d *draft, st *docState) {
	if d.period.Granularity != Year || st.cur == nil || st.cur.Granularity == Year || st.cur.Granularity == Range {
		return
	}
	if !d.period.Start.Equal(containing(Year, st.cur.Start).Start) || !s.subHas(s.nums[d.num].i, kToDate) {
		return
	}
	d.period = normalise(Period{Start: d.period.Start, End: st.cur.End, Granularity: Range})
}

func (s *sentence) emit(d draft, st *docState) {
	nm := s.nums[d.num]
	regions := d.regions
	if len(regions) == 0 {
		regions = []string{d.region}
	}
	periods := d.periods
	if len(periods) == 0 {
		periods = []Period{d.period}
	}
	for _, r := range regions {
		if d.placed && len(r) > 2 {
			if st.placedIn == nil {
				st.placedIn = map[string]int{}
			}
			st.placedIn[r]++
			st.placedFigs++
		}
		for _, p := range periods {
			f := Figure{
				Period: st.periodString(p), Metric: d.metric, Category: d.category, Region: r,
				Value: nm.val, Qualifier: nm.qual,
				Evidence:   Evidence{Text: s.text[s.start:s.end], Start: nm.start, End: nm.end},
				Confidence: clamp(d.conf),
			}
			if f.Metric == MetricAttacks || f.Metric == MetricArrests || f.Metric == MetricAbductions {
				f.Category = "all"
			}
			st.add(f)
		}
	}
}

func clamp(c float64) float64 {
	if c < 0.05 {
		return 0.05
	}
	if c > 1 {
		return 1
	}
	return float64(int(c*100+0.5)) / 100
}

// exclude marks numbers that are not counts: percentages, durations, ages,
// "one of", numbers in clauses about sub-types, rates and thresholds.
func (s *sentence) exclude(k int) {
	nm := &s.nums[k]
	if nm.skip {
		return
	}
	if t, ok := s.has(nm.j, kNotCountAfter); ok && !(s.is(nm.j, wTimes) && s.isAny(nm.i-1, wStruck, wAttacked, wHit)) &&
		!(s.is(nm.j, wA) && s.isAny(nm.j+t.n, wEarlier, wBefore, wAgo)) { // "up from 102 a year earlier" is no rate
		nm.skip = true
		return
	}
	if tk := &s.toks[nm.i]; nm.j == nm.i+1 && tk.kind == tNum && tk.val >= 1900 && tk.val <= 2100 && tk.end-tk.start == 4 &&
		s.isAny(nm.i-1, wThe, wThis, wThat, wIts, wTheir) && (s.hasAt(nm.j, kMetricNoun) || s.hasAt(nm.j, kMetricWeak)) {
		nm.skip = true // "The 2016 attacks killed 908 people": a year, not a count
		return
	}
	before := s.numStart(nm) // "displaced some 2 million"
	if s.is(before-1, wClaimed) && s.is(nm.j, wOf) && s.isAny(nm.j+1, wThe, wThese, wThose) {
		nm.skip = true // "ISKP claimed 71 of the attacks": a group's share, a sub-type
		return
	}
	if _, _, ok := s.endsAt(before, kNotCountBefore); ok {
		nm.skip = true
		return
	}
	if s.is(nm.j, wOf) && k+1 < len(s.nums) && s.nums[k+1].i <= nm.j+5 && s.isAny(s.nums[k+1].j, wProvinces, wStates, wDistricts, wRegions, wCountries, wCounties) {
		nm.skip = true // "in 28 of Afghanistan's 34 provinces": a share of places
		return
	}
	if s.is(nm.j, wIn) && k+1 < len(s.nums) && s.nums[k+1].i == nm.j+1 && s.nums[k+1].val <= 100 &&
		nm.val < s.nums[k+1].val && (s.is(s.nums[k+1].j, wOf) || s.isPunct(s.nums[k+1].j) || s.nums[k+1].j >= len(s.toks)) {
		nm.skip, s.nums[k+1].skip = true, true // "one in four of them": a ratio
		return
	}
	if nm.j < len(s.toks) && s.capitalized(nm.j) {
		for k := nm.j + 1; k < len(s.toks) && k <= nm.j+3 && s.toks[k].kind == tWord; k++ {
			if s.isAny(k, wDistricts, wProvinces, wStates, wRegions, wCountries, wCounties) {
				nm.skip = true // "158 of them in the five Garo Hills districts": a number of places
				return
			}
		}
	}
	if k := nm.j; k < len(s.toks) && s.toks[k].kind == tWord && s.toks[k].id < 0 && s.hasAt(k+1, kNotCountAfter) && !s.isPunct(k+1) {
		nm.skip = true // "3,000 looted weapons": a word the lexicon does not know before the noun
		return
	}
	c := nm.j
	for c < len(s.toks) && c <= nm.j+1 && s.toks[c].kind == tWord && s.kmask[c]&(1<<kCategory|1<<kMetricNoun|1<<kMetricVerb|1<<kMetricWeak) == 0 {
		c++ // "70,000 central paramilitary personnel are deployed"
	}
	if t, ok := s.has(c, kCategory); ok && s.toks[c+t.n-1].kind == tWord {
		k := c + t.n
		if s.isAny(k, wAre, wWere, wIs, wWas) {
			k++ // "70,000 personnel are deployed"
		}
		if _, ok := s.has(k, kNotCountAfter); ok && s.toks[k].kind == tWord {
			nm.skip = true // "9,000 people remain displaced", "13,000 personnel deployed"
			return
		}
	}
	if s.placesWith(nm) {
		nm.skip = true // "the states with more than 150 deaths": a threshold for places
		return
	}
	if nm.val == 1 && s.is(nm.i, wSingle) && (s.is(nm.i-1, wThe) || s.superlative(nm.i-1)) {
		nm.skip = true // "the single worst month", "the deadliest single incident": an adjective
		return
	}
	if nm.val == 1 && s.is(nm.i, wOne) && s.isAny(nm.j, wOf, wAnother) {
		nm.skip = true
		return
	}
	if s.isPunct(nm.j, '-') && nm.j+1 < len(s.toks) && s.toks[nm.j+1].kind == tNum { // "2016-17", "3-4"
		nm.skip = true
		return
	}
}

// segHas reports whether the comma segment of token i contains a phrase of kind k.
func (s *sentence) segHas(i int, k kind) bool {
	return s.segMask[s.seg[i]]&(1<<k) != 0
}

// subHas reports whether the sub-clause of token i contains a phrase of kind k.
// restricted reports a restrictor (a sub-type, a rate, a threshold) in
// the number's clause part, leaving out one that belongs to a later
// count's noun ("killed 41 militants and arrested 612 cadres of various
// outfits").
func (s *sentence) restricted(nm *numMention) bool {
	if !s.subHas(nm.i, kRestrictor) {
		return false
	}
	c := s.sub[nm.i]
	later := -1 // the first count after nm
	for k := range s.nums {
		if s.nums[k].i >= nm.j && !s.nums[k].skip {
			later = s.nums[k].i
			break
		}
	}
	for j := range s.toks {
		if s.sub[j] != c || !s.hasAt(j, kRestrictor) {
			continue
		}
		if later >= 0 && j > later && (s.is(j-1, wOf) || s.is(j-2, wOf) && s.toks[j-1].kind == tWord) {
			continue // "612 cadres of various outfits": the later count's
		}
		return true
	}
	return false
}

// singleEventFor reports a word of a single event in the number's clause
// part, other than its own verb ("gunned down 21 Maoists in encounters"
// is a count; "a policeman was gunned down" is not).
func (s *sentence) singleEventFor(nm *numMention, cue int) bool {
	if !s.subHas(nm.i, kSingleEvent) {
		return false
	}
	c := s.sub[nm.i]
	for j := range s.toks {
		if s.sub[j] != c || !s.hasAt(j, kSingleEvent) || j == cue {
			continue
		}
		if t, ok := s.has(j, kMetricVerb); ok && s.isNumberStart(j+t.n) {
			continue // another count's verb: "gunned down 21 Maoists ... and arrested 187"
		}
		return true
	}
	return false
}

func (s *sentence) subHas(i int, k kind) bool {
	if s.subMask[s.sub[i]]&(1<<k) == 0 {
		return false
	}
	c := s.sub[i]
	for j := range s.toks {
		if s.sub[j] != c {
			continue
		}
		if _, ok := s.has(j, k); ok {
			return true
		}
	}
	return false
}

// clauseHas reports whether the clause of token i contains a phrase of kind k.
func (s *sentence) clauseHas(i int, k kind) bool {
	c := s.clause[i]
	for j := range s.toks {
		if s.clause[j] != c {
			continue
		}
		if _, ok := s.has(j, k); ok {
			return true
		}
	}
	return false
}

// hasCategoryNoun reports whether a category noun follows the number.
func (s *sentence) rightWindow(nm *numMention) (metric tag, mTok int, cat string, cTok int) {
	mTok, cTok = -1, -1
	n := len(s.toks)
	for k, limit := nm.j, nm.j+7; k < n && k < limit; k++ {
		if s.clause[k] != s.clause[nm.i] {
			break
		}
		tk := &s.toks[k]
		if tk.kind == tPunct {
			if tk.punct == '\'' || tk.punct == '"' {
				continue
			}
			if tk.punct == ',' && mTok < 0 && (s.hasAt(k-1, kCategory) || s.hasAt(k-1, kCategoryAdj)) &&
				(s.hasAt(k+1, kCategory) || s.hasAt(k+1, kCategoryAdj)) {
				continue // "2,586 terrorist, insurgent and sectarian attacks": kinds before the noun
			}
			// "160 people, among them 23 foreigners, were kidnapped": the
			// predicate after an aside on the parts is the number's
			if e := s.asideEnd(k); e > k && mTok < 0 {
				k, limit = e, e+7
				continue
			}
			break
		}
		if tk.kind == tNum {
			break
		}
		if _, ok := s.has(k, kNumberWord); ok && k > nm.j {
			break
		}
		if _, ok := s.has(k, kSameNumber); ok {
			break
		}
		if s.isAny(k, wOf) && s.isAny(k+1, wWhom, wThem, wWhich) {
			k++
			continue
		}
		if _, ops := s.has(k, kOperations); ops && mTok < 0 {
			cat = "none" // "100 operations", "14 operational strikes"
			return
		}
		if s.isAny(k, wOf) && s.isAny(k+1, wThe, wThose, wThese) && mTok < 0 {
			// "193 of the dead", "55 of the injured", "126 of the incidents",
			// "781 of the quarter's dead"
			if s.isAny(k+2, wQuarter, wYear, wMonth, wPeriod) && strings.HasSuffix(s.word(k+2), "'s") {
				k++ // (the possessive is one token)
			}
			t, ok := s.has(k+2, kMetricNoun)
			if !ok {
				t, ok = s.has(k+2, kMetricWeak)
			}
			if !ok && s.isAny(k+1, wThose, wThese) {
				// "600 of those killed were civilians": people of a kind
				if v, isVerb := s.has(k+2, kMetricVerb); isVerb && (v.str == MetricDeaths || v.str == MetricInjuries) &&
					s.isAny(k+2+v.n, wWere, wWas) && s.hasAt(k+3+v.n, kCategory) {
					t, ok = v, true
				}
			}
			if ok {
				metric, mTok = t, k+2
				if j := k + 2 + t.n; cat == "" && s.isAny(j, wWere, wWas, wAre, wIs) {
					if c, ok := s.has(j+1, kCategory); ok {
						cat, cTok = c.str, j+1 // "Sixteen of the dead were soldiers"
					}
				}
				break
			}
		}
		if c, ok := s.has(k+2, kCategory); ok && s.is(k, wOf) && s.isAny(k+1, wIts, wTheir, wThe) && mTok < 0 &&
			cat == "" && !s.hasAt(k+2+c.n, kMetricNoun) && !s.hasAt(k+2+c.n, kMetricWeak) {
			// "17 of its security personnel were killed": people of a
			// kind (not "19 of the Maoist fatalities", a share)
			k++
			continue
		}
		if s.isAny(k, wOut, wOf) {
			break
		}
		if mTok < 0 {
			for _, want := range []kind{kMetricNoun, kMetricWeak, kMetricVerb} {
				if t, ok := s.has(k, want); ok {
					// "killed and injured" as one noun only right after the number
					if t.str == MetricCasualties && t.n > 1 && k != nm.j && cat == "" {
						continue
					}
					if want == kMetricVerb {
						// "were killed or injured": the longer casualties phrase inside wins
						for j := k; j < k+t.n; j++ {
							if c, ok := s.has(j, kMetricNoun); ok && c.str == MetricCasualties && j+c.n > k+t.n {
								t, k = c, j
								break
							}
						}
					}
					metric, mTok = t, k
					break
				}
			}
			if mTok >= 0 {
				if metric.n > 1 {
					k += metric.n - 1
				}
				if metric.kind != kMetricVerb || cTok >= 0 || k == mTok {
					// a participle after a category ends the phrase
				}
				if cat == "" && s.is(k+1, wAmong) {
					if c, ok := s.has(k+2, kCategory); ok {
						cat, cTok = c.str, k+2
						if (s.isPunct(k+2+c.n, ',') || s.is(k+2+c.n, wAnd)) && s.hasAt(k+3+c.n, kCategory) {
							cat = "all" // among civilians, security personnel and outlaws
						}
					}
				}
				if cat != "" || metric.kind != kMetricVerb {
					break
				}
				continue
			}
		}
		if cat == "" {
			if t, ok := s.has(k, kCategory); ok {
				cat, cTok = t.str, k
				k += t.n - 1
				if _, ops := s.has(k+1, kOperations); ops {
					cat = "none" // "22 security forces operations" counts operations
					return
				}
				continue
			}
		}
		if s.isAny(k, wAmong) {
			// "599 injuries among civilians, security personnel and outlaws"
			if c, ok := s.has(k+1, kCategory); ok && (s.isPunct(k+1+c.n, ',') || s.is(k+1+c.n, wAnd)) {
				if _, ok2 := s.has(k+2+c.n, kCategory); ok2 && cat == "" {
					cat, cTok = "all", k+1
				}
			}
			continue
		}
		if s.isAny(k, wIn, wDuring, wAt, wFrom, wTo, wAgainst, wOn, wAcross, wOver, wSince, wFor, wBy, wWith, wAfter, wBefore, wBetween, wThan, wAs, wWhile, wWhereas, wBut, wWhich, wThat, wWho, wWhen, wAnd, wOr) {
			if s.isAny(k, wAnd, wOr) && mTok < 0 && cTok >= 0 && (s.hasAt(k-1, kCategory) || s.hasAt(k-1, kCategoryAdj)) && s.isPunct(k-2, ',') {
				continue // "terrorist, insurgent and sectarian attacks": a list of kinds before the noun
			}
			if s.is(k, wAnd) && cat == "" && mTok < 0 {
				// "killed and injured": keep looking for a casualties noun
				if t, ok := s.has(k-1, kMetricVerb); ok && t.n == 1 {
					continue
				}
			}
			break
		}
	}
	return
}

// metricFor finds the metric of the number (and a category the number's
// own phrase names).
func (s *sentence) metricFor(d *draft, drafts []draft, st *docState) bool {
	nm := &s.nums[d.num]
	mt, mTok, cat, cTok := s.rightWindow(nm)
	if cat == "none" && !(mTok >= 0 && (mt.str == MetricArrests || mt.str == MetricAbductions)) {
		// whoever is arrested or abducted counts: "arrested 94 over-ground workers"
		if !s.seizedBy(nm) {
			return false
		}
	}
	if cat != "" {
		d.category = cat
		_ = cTok
	}
	// "killed 185 people": an active verb right before the number
	qStart := s.numStart(nm)
	if t, j, ok := s.endsAt(qStart, kMetricVerb); ok && !s.covered[j] {
		d.metric, d.cue, d.object = t.str, j, true
		return true
	}
	if mTok >= 0 && !(mt.kind == kMetricWeak && s.mixed(nm.i)) {
		if mt.kind == kMetricWeak && s.mixed(nm.i) {
			return false
		}
		_, participle := s.has(mTok, kMetricVerb)
		d.metric, d.cue, d.cueNoun = mt.str, mTok, mt.kind != kMetricVerb && !participle
		return true
	}
	if mTok >= 0 && mt.kind == kMetricWeak {
		return false // incidents that mix attacks and operations
	}
	if cat == "" {
		// "30 and 32 fatalities", "421, 377 and 308 civilian casualties":
		// coordinated numbers share the noun after the last of them
		if last := s.listLast(d.num); last != d.num {
			if t, tk, c, _ := s.rightWindow(&s.nums[last]); tk >= 0 && t.kind != kMetricVerb {
				d.metric, d.cue, d.cueNoun, d.conf = t.str, tk, true, d.conf-0.05
				if c != "" && c != "none" {
					d.category = c
				}
				return true
			}
		}
		// "2,268 and 2,255": the second of a pair is like the first
		if len(drafts) > 0 && s.isAny(nm.i-1, wAnd, wOr) {
			prev := drafts[len(drafts)-1]
			if s.nums[prev.num].j == nm.i-1 {
				d.metric, d.cue, d.category, d.conf = prev.metric, prev.cue, prev.category, d.conf-0.05
				return true
			}
		}
		// "221 terrorists in 2020, 180 in 2021 and 187 last year": a list
		// of counts by period repeats the first count's kind
		if len(drafts) > 0 && (s.isPunct(nm.i-1, ',') || s.isAny(nm.i-1, wAnd)) && s.periodNext(nm.j) {
			prev := drafts[len(drafts)-1]
			if s.periodListed(prev, nm) {
				d.metric, d.cue, d.category, d.object, d.conf = prev.metric, prev.cue, prev.category, prev.object, d.conf-0.05
				return true
			}
		}
	}
	// "KP 16", "Punjab a further two", "Balochistan with 17": ellipsis
	if cat == "" && s.regionHeaded(nm) {
		d.headed = true
		if k := s.listHead(nm, drafts); k >= 0 {
			d.metric, d.cue, d.conf = drafts[k].metric, -1, d.conf-0.1
			return true
		}
		for k := len(drafts) - 1; k >= 0; k-- {
			if drafts[k].cueNoun || drafts[k].headed {
				d.metric, d.cue, d.conf = drafts[k].metric, -1, d.conf-0.1
				return true
			}
		}
		// "412 people were abducted in Zamfara, while Kaduna recorded
		// 298": the kind of the count before, named by its verb, and its
		// people ("killed 290 Maoists, 217 of them in Chhattisgarh, while
		// Jharkhand reported 31")
		if n := len(drafts); n > 0 && drafts[n-1].region != "" && len(drafts[n-1].region) > 2 {
			d.metric, d.cue, d.conf = drafts[n-1].metric, -1, d.conf-0.15
			if c := drafts[n-1].category; c != "" && c != "none" {
				d.category = c
			}
			return true
		}
		// "... followed by Assam with 27. Meghalaya recorded 22 and
		// Nagaland 20": the list goes on in the next sentence
		if len(drafts) == 0 && st.headedMetric != "" {
			d.metric, d.cue, d.conf = st.headedMetric, -1, d.conf-0.15
			return true
		}
		// "Balochistan 41, ..., Sindh 22 and Punjab three, while
		// Islamabad recorded one attack": the kind is named at the end
		if len(drafts) == 0 && s.depth(nm.i) == 0 && (s.isPunct(nm.j, ',') || s.is(nm.j, wAnd)) {
			for k := nm.j; k < len(s.toks) && s.clause[k] == s.clause[nm.i]; k++ {
				if t, ok := s.has(k, kMetricNoun); ok {
					d.metric, d.cue, d.conf = t.str, -1, d.conf-0.2
					return true
				}
			}
		}
	}
	// "July ... with 76 deaths; August recorded 49 and September 48"
	if cat == "" && mTok < 0 && s.periodHeaded(nm) {
		for k := len(drafts) - 1; k >= 0; k-- {
			if drafts[k].cueNoun {
				d.metric, d.cue, d.conf = drafts[k].metric, -1, d.conf-0.15
				return true
			}
		}
		if len(drafts) == 0 && st.nounMetric != "" {
			d.metric, d.cue, d.conf = st.nounMetric, -1, d.conf-0.2 // "February had seen 79."
			return true
		}
	}
	// "7 of the 12 attacks": the metric of the total
	if cat == "" {
		k := nm.j
		if s.is(k, wOut) {
			k++
		}
		if s.is(k, wOf) {
			k++
			if s.is(k, wThe) {
				k++
			}
			for n := range s.nums {
				if s.nums[n].i == k {
					if t, tk, _, _ := s.rightWindow(&s.nums[n]); tk >= 0 && t.kind != kMetricVerb {
						d.metric, d.cue, d.conf = t.str, tk, d.conf-0.05
						return true
					}
				}
			}
		}
	}
	h := nm.j // "56 had surrendered", "4,600 candidates had contested": another predicate
	if h < len(s.toks) && s.toks[h].kind == tWord && s.toks[h].id < 0 && s.kmask[h] == 0 {
		h++
	}
	if cat == "" && s.isAny(h, wHad, wHave, wHas, wWere, wWas, wAre, wIs) && h+1 < len(s.toks) {
		k := h + 1
		for s.isAny(k, wBeen, wAlso, wNot) {
			k++
		}
		_, isCat := s.has(k, kCategory)
		_, isVerb := s.has(k, kMetricVerb)
		if !isCat && !isVerb && s.toks[k].kind == tWord && !s.isAny(k, wAmong, wKilled, wRecorded, wReported) {
			return false // "56 had surrendered": another predicate
		}
	}
	if cat == "" && (s.is(nm.j, wTook) && s.is(nm.j+1, wPlace) || s.isAny(nm.j, wOccurred, wHappened)) {
		if m, ok := s.metricNounBefore(nm.i); ok && m == MetricAttacks {
			d.metric, d.conf = MetricAttacks, d.conf-0.1 // "while 96 took place in ..."
			return true
		}
	}
	// "struck 11 times": attacks
	if s.is(nm.j, wTimes) && s.isAny(nm.i-1, wStruck, wAttacked, wHit) {
		d.metric, d.conf = MetricAttacks, d.conf-0.1
		return true
	}
	lt, lTok := s.leftCue(nm.i, cat != "")
	// a number in a comparison takes the metric of the number compared with
	if s.cmpSpan[nm.i] == 1 && len(drafts) > 0 && cat == "" {
		prev := drafts[len(drafts)-1]
		for k := len(drafts) - 1; k >= 0; k-- {
			if s.depth(s.nums[drafts[k].num].i) == s.depth(nm.i) {
				prev = drafts[k]
				break
			}
		}
		// "240 lives, including 173 civilians and 67 personnel, down from
		// 263": the comparison is with the total, not its last part
		if t, ok := s.totalBeforeParts(drafts, nm); ok {
			prev = t
		}
		// "killed in violent incidents ..., up from 1,348": a weak noun
		// between is the setting of the compared count, not its metric
		if lTok < s.nums[prev.num].i || prev.cue >= 0 && lTok >= prev.cue && lTok <= s.cueEnd(prev.cue)+3 || lt.kind == kMetricWeak {
			d.metric, d.cue, d.category, d.conf = prev.metric, prev.cue, prev.category, d.conf-0.05
			// "security personnel killed went from 33 to 16 and civilians from 38"
			for k := s.nums[prev.num].j; k < nm.i; k++ {
				if c, ok := s.has(k, kCategory); ok && c.str != "none" && !s.owned(k) && !s.is(k-1, wBy) { // not "raids by gunmen"
					d.category = c.str
				}
			}
			return true
		}
	}
	// "from 38 to three": the number after "to" is the from-number's kind
	if cat == "" && s.cmpSpan[nm.i] == 2 && s.is(nm.i-1, wTo) && len(drafts) > 0 {
		prev := drafts[len(drafts)-1]
		if s.cmpSpan[s.nums[prev.num].i] == 1 && lTok < s.nums[prev.num].i {
			d.metric, d.cue, d.category, d.conf = prev.metric, prev.cue, prev.category, d.conf-0.05
			return true
		}
	}
	if lTok >= 0 && cat == "" {
		// "(188 killed and 56 injured), 609 in Fata": a participle that
		// belongs to another number does not reach a bare number; the list's
		// noun does.
		for k := len(drafts) - 1; k >= 0; k-- {
			if drafts[k].cue == lTok && !drafts[k].cueNoun && !drafts[k].object {
				for m := k - 1; m >= 0; m-- {
					if drafts[m].cueNoun {
						d.metric, d.cue, d.conf = drafts[m].metric, -1, d.conf-0.15
						return true
					}
				}
				break
			}
		}
	}
	if lTok >= 0 {
		if lt.kind == kMetricWeak && s.mixed(nm.i) {
			return false
		}
		d.metric, d.cue, d.conf = lt.str, lTok, d.conf-0.1
		return true
	}
	if cat != "" {
		if t, k, ok := s.rightCue(nm); ok {
			d.metric, d.cue, d.conf = t.str, k, d.conf-0.15
			return true
		}
	}
	return false
}

// depth is the bracket depth of token i ("54 deaths (29 security
// personnel ...)": the 29 is at depth 1).
// listLast returns the last number of the coordinated list number n
// opens ("421, 377 and 308"), n itself when none follows.
func (s *sentence) listLast(n int) int {
	for n+1 < len(s.nums) {
		cur, next := &s.nums[n], &s.nums[n+1]
		between := next.i - cur.j
		if !(between == 1 && (s.isAny(cur.j, wAnd, wOr, wTo) || s.isPunct(cur.j, ',')) ||
			between == 2 && s.isPunct(cur.j, ',') && s.isAny(cur.j+1, wAnd, wOr)) {
			break
		}
		n++
	}
	return n
}

func (s *sentence) depth(i int) int { return s.depths[i] }

// regionHeaded reports whether a place name stands right before the number
// ("KP 16", "Punjab a further two", "Balochistan with 17").
func (s *sentence) regionHeaded(nm *numMention) bool {
	return s.placeEndingAt(s.headEnd(nm)) >= 0
}

// placeEndingAt returns the region mention whose last token is k, -1 when
// none or when it is an anaphor or "nationwide". (Mentions do not overlap:
// at most one ends at a token.)
func (s *sentence) placeEndingAt(k int) int {
	for r, rm := range s.regions {
		if rm.j-1 == k {
			if rm.anaphor || rm.nation {
				return -1
			}
			return r
		}
	}
	return -1
}

// numStart returns the first token of the number with its qualifier
// ("over [1,000]", "some [2] million").
func (s *sentence) numStart(nm *numMention) int {
	if _, j, ok := s.endsAt(nm.i, kQualifier); ok {
		return j
	}
	return nm.i
}

// periodHeaded reports a count headed by a month or other period with no
// noun of its own: "August recorded 49 and September 48".
func (s *sentence) periodHeaded(nm *numMention) bool {
	return s.headingPeriod(nm) >= 0
}

// headingPeriod returns the index in s.periods of the period heading nm
// (see periodHeaded), or -1.
func (s *sentence) headingPeriod(nm *numMention) int {
	k := s.headEnd(nm)
	for p, pm := range s.periods {
		if pm.j-1 == k && pm.kind == pmNormal && !pm.cmp && !s.is(pm.i-1, wIn) {
			return p
		}
	}
	return -1
}

// headEnd returns the token before a count's verb or "with", where a
// place or period heading it ends.
// headWord reports the words between a place (or period) heading a count
// and the count: "Balochistan followed with 41", "KP came next with 198",
// "Jharkhand reported 69", "Kaduna and Niger states recorded 298".
func headWord(id int32) bool {
	switch wordID(id) {
	case wWith, wHad, wSaw, wRecorded, wWitnessed, wRegistered, wExperienced, wSuffered, wAnd, wFollowed, wThen, wBy,
		wCame, wNext, wRanked, wWas, wStood, wAt, wStates, wProvinces, wSeen, wReported:
		return true
	}
	return false
}

func (s *sentence) headEnd(nm *numMention) int {
	k := s.numStart(nm) - 1
	if s.isAny(k, wJust, wOnly, wMerely) {
		k-- // "Odisha recorded just nine"
	}
	for k >= 0 && (headWord(s.toks[k].id) || s.hasAt(k, kOrdinal) && s.isAny(k+1, wWith) || s.isPunct(k, '(')) {
		k-- // "Balochistan followed with 41, then Sindh (32)", "KP came next with 198", "Sindh was third with 187"
	}
	if s.isPunct(k, ',') {
		// "and Sindh, where most of the violence was in Karachi, with 187":
		// the head is before the relative clause
		for j := k - 1; j > 0 && j >= k-16; j-- {
			if s.isPunct(j, ',') {
				if s.isAny(j+1, wWhere, wWhich) {
					return j - 1
				}
				break
			}
		}
	}
	return k
}

// listHead finds, for a count headed by a place ("Sindh 19"), the first
// count of the place named before it in the clause part: the head of the
// list, whose kind the ellipsis repeats ("Balochistan lost 116 people and
// injured 40, Sindh 19", "Balochistan recorded four attacks that killed 19
// people, and Punjab a further two"). It returns the index in drafts, or -1.
func (s *sentence) listHead(nm *numMention, drafts []draft) int {
	head, prev := -1, -1
	for k, rm := range s.regions {
		if rm.j > nm.i {
			break
		}
		head, prev = k, head
	}
	if prev < 0 {
		return -1
	}
	p := s.regions[prev]
	if s.sub[p.i] != s.sub[nm.i] || p.negated || p.compared || p.anaphor {
		return -1
	}
	for k, d := range drafts {
		if i := s.nums[d.num].i; i >= p.j && i < s.regions[head].i {
			return k
		}
	}
	return -1
}

// cueEnd is the index of the last token of the metric phrase at cue
// ("have been killed").
func (s *sentence) cueEnd(cue int) int {
	end := cue
	for _, k := range []kind{kMetricVerb, kMetricNoun, kMetricWeak} {
		if t, ok := s.has(cue, k); ok && cue+t.n-1 > end {
			end = cue + t.n - 1
		}
	}
	return end
}

// leftCue finds the nearest metric word before token i in its clause. With a
// people noun, attack words are passed over (people are not attacks).
func (s *sentence) leftCue(i int, people bool) (tag, int) {
	for k := i - 1; k >= 0; k-- {
		if s.clause[k] != s.clause[i] {
			break
		}
		if !people && (s.sub[k] != s.sub[i] && !s.metricAnaphor(i) || i-k > 30) {
			break // a bare number reaches only a nearby word of its own sub-clause
		}
		for _, want := range []kind{kMetricVerb, kMetricNoun, kMetricWeak} {
			t, ok := s.has(k, want)
			if !ok || k+t.n > i {
				continue
			}
			if people && t.str == MetricAttacks {
				continue
			}
			if h, hk, ok := s.headBefore(k); ok {
				return h, hk // "Deaths from ... communal attacks rose to 1,093"
			}
			return t, k
		}
	}
	return tag{}, -1
}

// headBefore finds a metric noun whose "from" phrase holds token k:
// "Deaths from insurgency, banditry and communal attacks": the count is of
// deaths, the attacks are their cause.
func (s *sentence) headBefore(k int) (tag, int, bool) {
	for j := k - 1; j >= 0 && j >= k-10 && s.clause[j] == s.clause[k]; j-- {
		if s.is(j, wFrom) {
			if t, h, ok := s.endsAt(j, kMetricNoun); ok {
				return t, h, true
			}
			return tag{}, -1, false
		}
	}
	return tag{}, -1, false
}

// metricAnaphor reports "the figures for KP and Balochistan stood at ...":
// a word in the number's sub-clause that stands for the count named before.
func (s *sentence) metricAnaphor(i int) bool {
	for k := i - 1; k >= 0 && s.sub[k] == s.sub[i]; k-- {
		if s.isAny(k, wFigures, wFigure, wTally, wCount, wNumbers) {
			return true
		}
	}
	return false
}

// seizedBy reports whether the number counts people arrested or abducted,
// by a verb before it or a cue after it.
func (s *sentence) seizedBy(nm *numMention) bool {
	if t, _, ok := s.rightCue(nm); ok && (t.str == MetricArrests || t.str == MetricAbductions) {
		return true
	}
	qStart := nm.i
	if _, j, ok := s.endsAt(qStart, kQualifier); ok {
		qStart = j
	}
	t, _, ok := s.endsAt(qStart, kMetricVerb)
	return ok && (t.str == MetricArrests || t.str == MetricAbductions)
}

// rightCue scans past a list ("72 security personnel and 31 civilians ...
// were killed") for the participle that applies to it.
func (s *sentence) rightCue(nm *numMention) (tag, int, bool) {
	for k := nm.j; k < len(s.toks); k++ {
		if s.clause[k] != s.clause[nm.i] {
			break
		}
		if s.isAny(k, wWhile, wWhereas, wBut, wWhich, wThat, wWho, wWhen) {
			break
		}
		for _, want := range []kind{kMetricVerb, kMetricNoun} {
			if t, ok := s.has(k, want); ok && t.str != MetricAttacks {
				return t, k, true
			}
		}
	}
	return tag{}, 0, false
}

// mixed reports whether the sentence counts attacks together with security
// operations, which makes "incidents" not an attacks count.
func (s *sentence) mixed(i int) bool {
	return s.allMask&(1<<kOperations) != 0
}

// periodNext reports a period right at k or after "in", "during", "for".
func (s *sentence) periodNext(k int) bool {
	if s.isAny(k, wIn, wDuring, wFor) {
		k++
	}
	_, ok := s.periodStarting(k)
	return ok
}

// periodListed reports whether nm continues a list that prev opened with a
// count and its period: prev is in the same clause, dated right after its
// phrase, and no other metric word stands between them.
func (s *sentence) periodListed(prev draft, nm *numMention) bool {
	pn := s.nums[prev.num]
	if s.clause[pn.i] != s.clause[nm.i] || pn.i >= nm.i {
		return false
	}
	dated := false
	for k := pn.j; k < nm.i; k++ {
		if s.isNumTok(k) {
			return false
		}
		inCue := prev.cue >= 0 && k >= prev.cue && k < prev.cue+4 // prev's own metric words
		if !inCue && (s.hasAt(k, kMetricNoun) || s.hasAt(k, kMetricVerb) || s.hasAt(k, kMetricWeak)) {
			return false
		}
		if _, ok := s.periodStarting(k); ok {
			dated = true
		}
	}
	return dated
}

// superlative reports a word like "deadliest", "largest", "worst".
func (s *sentence) superlative(i int) bool {
	if i < 0 || i >= len(s.toks) || s.toks[i].kind != tWord || s.isAny(i, wLeast) {
		return false
	}
	w := s.text[s.toks[i].start:s.toks[i].end]
	return len(w) > 4 && strings.EqualFold(w[len(w)-3:], "est") || s.isAny(i, wWorst, wBest)
}

// placesWith reports a number that sorts places rather than counting:
// "the list of states with more than 150 deaths", "districts with over 20
// attacks".
func (s *sentence) placesWith(nm *numMention) bool {
	k := s.numStart(nm)
	if !s.is(k-1, wWith) || !s.isAny(k-2, wStates, wProvinces, wDistricts, wCountries, wRegions, wAreas, wCities, wCounties, wLgas) {
		return false
	}
	r := s.placeEndingAt(k - 2)
	return r < 0 || s.regions[r].code == "" // not "the tribal areas with 559": a place's name
}

// totalBeforeParts finds the total whose parts ("including ...") stand
// between it and nm in the clause.
func (s *sentence) totalBeforeParts(drafts []draft, nm *numMention) (draft, bool) {
	for k := len(drafts) - 1; k >= 0; k-- {
		dn := s.nums[drafts[k].num]
		if s.clause[dn.i] != s.clause[nm.i] {
			break
		}
		if k+1 < len(drafts) {
			if next := s.nums[drafts[k+1].num]; next.i > dn.j && s.partIntro(next.i-1) {
				return drafts[k], true
			}
		}
	}
	return draft{}, false
}
