package parser

import (
	"slices"
	"strings"
	"time"
)

// Extract reads every reported figure out of text. It is pure: the same
// text and context always give the same figures, in document order.
func Extract(text string, ctx Context) []Figure {
	lx, err := defaultLexicon()
	if err != nil {
		panic("parser: embedded lexicon is invalid: " + err.Error()) // caught by TestLexiconLoads
	}
	return lx.Extract(text, ctx)
}

// docState carries what earlier sentences established: the current period,
// the last region, the last comparison period.
type docState struct {
	ctx      Context
	pub      time.Time
	cur      *Period // the period the text is currently about
	main     *Period // the first period the text is about; earlier ones are history
	lastUnit Granularity
	lastBy   map[Granularity]Period // the last period of each granularity
	lastP    Period
	lastStr  string
	// asOf is the day of the statement the text reports ("police said on
	// Wednesday"), when it names one; counts to date run to it.
	asOf time.Time
	// focus is the region a document is about when its first figures are
	// regional and it never names the country as a scope (a provincial
	// assessment); figures without a place then belong to it.
	focus    string
	focusSet bool
	// figures placed in first-level regions, by region and in all: a text
	// about one province that names others in passing stays about it
	placedIn     map[string]int
	placedFigs   int
	seen         map[figKey]int
	countrySeen  bool
	places       map[string]bool // subnational regions named so far
	lastRegion   string          // last region named explicitly (for "there", "the province")
	lastBlock    bool            // the last place named was local or supra-national
	lastSole     bool            // the previous sentence named one place only
	lastCoded    string          // the last first-level region named (for "the province", "the state")
	prevCmp      *Period
	headedMetric string // the metric of the previous sentence's place-headed list ("Assam with 27")
	nounMetric   string // the metric of the last count named by its noun ("105 attacks in March. February had seen 79.")

	publisherCategory string
	figs              []Figure
}

// figKey identifies identical figures (GUIDE.md: annotated once).
type figKey struct {
	period, metric, category, region string
	value                            int64
}

// add appends f unless an identical figure is already there; a stated
// qualifier wins over "exact". Deduplicating as figures come keeps memory
// proportional to the distinct figures of a document.
func (st *docState) add(f Figure) {
	if f.Metric == MetricAttacks || f.Metric == MetricArrests || f.Metric == MetricAbductions {
		f.Category = "all"
	}
	k := figKey{f.Period, f.Metric, f.Category, f.Region, f.Value}
	if i, ok := st.seen[k]; ok {
		if st.figs[i].Qualifier == "exact" && f.Qualifier != "exact" {
			st.figs[i].Qualifier = f.Qualifier
		}
		return
	}
	if st.seen == nil {
		st.seen = map[figKey]int{}
	}
	st.seen[k] = len(st.figs)
	st.figs = append(st.figs, f)
}

// periodString formats p, reusing the last string for runs of figures of
// one period.
func (st *docState) periodString(p Period) string {
	if st.lastStr != "" && p == st.lastP {
		return st.lastStr
	}
	st.lastP, st.lastStr = p, p.String()
	return st.lastStr
}

// samePeriod returns old when it holds p, else a new pointer to p: most
// sentences keep the period in view, and a pointer per sentence was most
// of the parser's garbage.
func samePeriod(old *Period, p Period) *Period {
	if old != nil && *old == p {
		return old
	}
	return &p
}

// defaultRegion is the region of a figure whose text names no place.
func (st *docState) defaultRegion() string {
	if st.focus != "" && !st.countrySeen && (len(st.places) <= 1 || 2*st.placedIn[st.focus] > st.placedFigs) {
		return st.focus
	}
	return st.ctx.Country
}

func (st *docState) currentYear() int {
	if st.cur != nil {
		return st.cur.Start.Year()
	}
	return st.pub.Year()
}

// resolve turns a pmCurrent mention ("during the month", "the previous
// quarter") into a period.
func (st *docState) resolve(pm periodMention) (Period, bool) {
	if pm.valid {
		return pm.p, true
	}
	if pm.kind != pmCurrent {
		return Period{}, false
	}
	var p Period
	switch {
	case st.cur != nil && (pm.unit == "" || pm.unit == st.cur.Granularity):
		p = *st.cur
	case pm.unit == "":
		return Period{}, false
	case st.cur != nil && pm.unit == Year && st.cur.Granularity == Range && monthsBetween(st.cur.Start, st.cur.End) == 12:
		p = *st.cur // "during the year" of a fiscal year's report
	case st.cur != nil && pm.unit == Year:
		p = containing(Year, st.cur.Start)
	case st.lastBy[pm.unit] != (Period{}):
		p = st.lastBy[pm.unit]
	case pm.unit == Year:
		p = containing(Year, st.pub)
	default:
		p = lastComplete(pm.unit, st.pub)
	}
	return pm.shift(p), true
}

// MaxText is the longest text Extract reads; the rest of a longer one is
// ignored (token offsets are 32-bit; callers cap documents far lower).
const MaxText = 1 << 30

// Extract is Extract with this lexicon.
func (lx *Lexicon) Extract(text string, ctx Context) []Figure {
	if len(text) > MaxText {
		text = text[:MaxText]
	}
	return lx.extract(text, ctx, nil)
}

// extract runs the sentences in order; trace, when set, sees each analysed
// sentence and the figures it gave (for debugging tests).
func (lx *Lexicon) extract(text string, ctx Context, trace func(s *sentence, st *docState, figs []Figure)) []Figure {
	// The scratch space of a sentence and the figure buffers are reused
	// across calls: growing them afresh for every document costs more than
	// parsing a short one, and their garbage is most of the collector's work.
	sp, _ := lx.scratch.Get().(*sentence)
	if sp == nil {
		sp = &sentence{seen: map[figKey]int{}, dedup: map[figKey]int{}, deaths: map[figKey][]int64{}, injuries: map[figKey]bool{}}
	}
	defer lx.release(sp)
	st := &docState{ctx: ctx, pub: ctx.Published, lastBy: map[Granularity]Period{}}
	st.figs, st.seen = sp.figs[:0], sp.seen
	if st.pub.IsZero() {
		st.pub = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if ctx.Country == "" {
		st.ctx.Country = "ZZ"
	}
	st.publisherCategory = lx.publishers[strings.ToLower(strings.TrimSpace(ctx.Publisher))]
	if st.publisherCategory == "" {
		st.publisherCategory = lx.citedPublisher(text)
	}

	sp.spans = sentences(text, sp.spans[:0])
	sents := sp.spans
	s := sp
	for _, r := range sents {
		s.analyse(lx, text, r[0], r[1], st)
		n0 := len(st.figs)
		s.extract(st)
		if !st.focusSet && len(st.figs) > n0 {
			st.focusSet = true
			if r := st.figs[n0].Region; len(r) > 3 && r[:2] == st.ctx.Country {
				st.focus = r
			}
		}
		if trace != nil {
			trace(s, st, st.figs[n0:])
		}
		s.updateState(st)
	}
	sp.used = len(st.figs) // the part of the buffer release clears
	if hasCasualties(st.figs) {
		// figures are unique here (docState.add); a relabelled casualties
		// figure may now repeat a deaths one, which finish removes
		relabelled := st.relabelCasualties()
		st.figs = dropSplitCasualties(st.figs, sp.deaths, sp.injuries)
		if relabelled {
			st.figs = finish(st.figs, sp.dedup)
		}
	}
	sp.figs = st.figs // keep a grown buffer
	return sortedCopy(st.figs, sp)
}

// sortedCopy returns a new slice of figs in text order (stable), sorting
// indexes rather than moving the figures themselves.
func sortedCopy(figs []Figure, sp *sentence) []Figure {
	order := sp.order[:0]
	for i := range figs {
		order = append(order, int32(i))
	}
	slices.SortStableFunc(order, func(a, b int32) int { return figs[a].Evidence.Start - figs[b].Evidence.Start })
	out := make([]Figure, len(figs))
	for i, k := range order {
		out[i] = figs[k]
	}
	sp.order = order
	return out
}

// release empties the buffers of sp, which must not keep the document
// alive, and returns it to the pool unless a huge document grew them.
func (lx *Lexicon) release(sp *sentence) {
	sp.text = ""
	clear(sp.figs[:sp.used]) // the rest is still zero
	sp.figs, sp.used = sp.figs[:0], 0
	// Clearing a map costs its capacity, not its length: the buffers of
	// a long document are left to the garbage collector rather than
	// cleared again for every short one after it.
	if cap(sp.spans) > 1<<16 || cap(sp.figs) > 1<<14 || cap(sp.order) > 1<<14 || len(sp.seen) > 1<<13 || len(sp.dedup) > 1<<13 {
		return
	}
	clear(sp.seen)
	clear(sp.dedup)
	clear(sp.deaths)
	clear(sp.injuries)
	lx.scratch.Put(sp)
}

func hasCasualties(figs []Figure) bool {
	for _, f := range figs {
		if f.Metric == MetricCasualties {
			return true
		}
	}
	return false
}

// dropSplitCasualties removes a casualties total that the text also gives
// split into deaths and injuries ("1,534 casualties ... 924 people were
// killed and 610 injured"). The deaths and injuries are indexed by period,
// category and region first, so a long text costs one pass, not a pass per
// casualties figure.
//
// deaths and injuries are empty maps the caller reuses; their keys are
// figure keys without the metric.
func dropSplitCasualties(figs []Figure, deaths map[figKey][]int64, injuries map[figKey]bool) []Figure {
	for _, f := range figs {
		switch f.Metric {
		case MetricDeaths:
			k := figKey{f.Period, "", f.Category, f.Region, 0}
			deaths[k] = append(deaths[k], f.Value)
		case MetricInjuries:
			injuries[figKey{f.Period, "", f.Category, f.Region, f.Value}] = true
		}
	}
	out := figs[:0]
next:
	for _, f := range figs {
		if f.Metric == MetricCasualties {
			for _, d := range deaths[figKey{f.Period, "", f.Category, f.Region, 0}] {
				if d <= f.Value && injuries[figKey{f.Period, "", f.Category, f.Region, f.Value - d}] {
					continue next // the total equals a deaths plus an injuries figure
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// relabelCasualties turns "casualties" into deaths where the text plainly
// uses the word for deaths: the same number is reported as deaths for the
// same period, region and category elsewhere. The other casualties figures
// of that sentence (its comparison values) follow.
//
// It reports whether it relabelled any.
func (st *docState) relabelCasualties() bool {
	sents := map[string]bool{}
	for _, f := range st.figs {
		if f.Metric == MetricCasualties {
			if _, ok := st.seen[figKey{f.Period, MetricDeaths, f.Category, f.Region, f.Value}]; ok {
				sents[f.Evidence.Text] = true
			}
		}
	}
	if len(sents) == 0 {
		return false
	}
	for i, f := range st.figs {
		if f.Metric == MetricCasualties && sents[f.Evidence.Text] {
			st.figs[i].Metric = MetricDeaths
		}
	}
	return true
}

// dayIn reports a date in clause part u (not a dateline's "ISLAMABAD, Jan 2
// (Reuters) -"): the clause tells of one day's events. "..., according to
// a report released on Saturday" in another part dates only the report.
func (s *sentence) dayIn(u int) bool {
	for _, pm := range s.periods {
		if pm.kind == pmDay && s.sub[pm.i] == u && !(pm.i <= 3 && (s.isPunct(pm.j, ':', '(', '-') || s.isPunct(pm.j, ',') && pm.i <= 2)) {
			return true
		}
	}
	return false
}

// updateState carries the sentence's period and region to the next ones.
func (s *sentence) updateState(st *docState) {
	var lastCmp *Period
	// a sentence about one event or one day does not move the document's
	// period ("during Friday prayers ... this year")
	event := s.allMask&(1<<kSingleEvent) != 0 || s.allMask&(1<<kRestrictor) != 0 && st.cur != nil
	for _, pm := range s.periods {
		incident := event || s.dayIn(s.sub[pm.i])
		if pm.kind == pmReference || pm.kind == pmDay {
			continue
		}
		p, ok := st.resolve(pm)
		if !ok {
			continue
		}
		if pm.cmp {
			lastCmp = samePeriod(st.prevCmp, p)
			continue
		}
		fiscal := p.Granularity == Range && monthsBetween(p.Start, p.End) == 12
		// a range moves the period in view only when it opens the text
		// ("The first eight months of 2023 were the bloodiest ...")
		opening := st.main == nil && pm.kind == pmNormal && s.start < openingBytes
		if p.Granularity == Range && !fiscal && !opening || incident || s.is(pm.j, wAlone) {
			continue // "the second quarter alone": a part, not the subject
		}
		if pm.kind == pmCurrent && st.cur != nil && *st.cur != p && !p.Start.After(st.cur.Start) && !p.End.Before(st.cur.End) {
			continue // "earlier in the year": the frame around the period in view
		}
		if st.main == nil {
			pp := p
			st.main = &pp
		} else if !p.End.After(st.main.Start) {
			continue // "In 2020, the think tank had recorded ...": history
		} else if p != *st.main && !p.Start.Before(st.main.Start) && !p.End.After(st.main.End) && p.Granularity != Year {
			continue // "the second quarter" of a half-year report: a part of it
		} else if !p.Start.After(st.main.Start) && !p.End.Before(st.main.End) {
			pp := p
			st.main = &pp // a wider period the text is about ("2021" after "May 2021")
		}
		st.cur = samePeriod(st.cur, p)
		st.lastUnit = p.Granularity
		st.lastBy[p.Granularity] = p
	}
	st.prevCmp = lastCmp
	named, sole := "", true // the places named; one only?
	for _, rm := range s.regions {
		if !rm.anaphor && !rm.negated && !rm.compared && !rm.included && !rm.nation && rm.code != "" {
			if named != "" && rm.code != named {
				sole = false
			}
			named = rm.code
		}
	}
	if named != "" {
		st.lastSole = sole
	}
	for _, rm := range s.regions {
		switch {
		case rm.anaphor || rm.negated || rm.compared || rm.included:
		case rm.nation || rm.code == st.ctx.Country:
			st.lastRegion, st.lastBlock = st.ctx.Country, false
			st.countrySeen = true
		case rm.code == "":
			st.lastBlock = true
		case len(rm.code) == 2 && rm.code != st.ctx.Country:
			// a foreign country named in passing is not the scope
		default:
			st.lastRegion, st.lastBlock = rm.code, false
			if len(rm.code) > 2 {
				st.lastCoded = rm.code
				if st.places == nil {
					st.places = map[string]bool{}
				}
				st.places[rm.code] = true
			}
		}
	}
}

// finish removes repeated figures in place, keeping a stated qualifier over
// "exact"; idx is an empty map it may use.
func finish(figs []Figure, idx map[figKey]int) []Figure {
	out := figs[:0]
	for _, f := range figs {
		k := figKey{f.Period, f.Metric, f.Category, f.Region, f.Value}
		if i, ok := idx[k]; ok {
			if out[i].Qualifier == "exact" && f.Qualifier != "exact" {
				out[i].Qualifier = f.Qualifier
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, f)
	}
	return out
}

func itoa(v int64) string {
	var b [24]byte
	i := len(b)
	if v == 0 {
		return "0"
	}
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

// MainPeriod returns the period a document mainly reports on: the period
// with the most figures, the latest one on a tie. It is "" for no figures.
// The store uses it for the accepted-value rule (a main report beats a
// comparison mention).
func MainPeriod(figs []Figure) string {
	count := map[string]int{}
	best := ""
	for _, f := range figs {
		count[f.Period]++
	}
	for p, n := range count {
		if best == "" || n > count[best] || (n == count[best] && p > best) {
			best = p
		}
	}
	return best
}

// openingBytes is where the opening sentence of a story ends at the latest
// (a dateline and one long sentence).
const openingBytes = 400

// leadBytes bounds the search for a cited publisher to the lead of a story,
// where the source of its figures is named.
const leadBytes = 1500

// citedPublisher returns the default category of the publisher that the
// lead of a story cites first ("..., the UN Assistance Mission in
// Afghanistan said"): a news report of a count keeps the counter's scope.
// indexFold is strings.Index(strings.ToLower(s), lower) for ASCII case
// differences, without lower-casing s (this runs once per document).
func indexFold(s, lower string) int {
	if lower == "" {
		return 0
	}
	c0, c1 := lower[0], lower[0]
	if 'a' <= c0 && c0 <= 'z' {
		c1 = c0 - ('a' - 'A')
	}
	for off := 0; off+len(lower) <= len(s); {
		i := strings.IndexByte(s[off:], c0)
		if j := strings.IndexByte(s[off:], c1); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 || off+i+len(lower) > len(s) {
			return -1
		}
		a := off + i
		if hasPrefixFold(s[a:], lower) {
			return a
		}
		off = a + 1
	}
	return -1
}

// hasPrefixFold reports whether s starts with lower, ASCII case aside.
func hasPrefixFold(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func (lx *Lexicon) citedPublisher(text string) string {
	if len(lx.publishers) == 0 {
		return ""
	}
	lead := text[:min(len(text), leadBytes)]
	cat, first := "", len(lead)
	for name, c := range lx.publishers {
		for off := 0; off < first; {
			k := indexFold(lead[off:], name)
			if k < 0 {
				break
			}
			a, b := off+k, off+k+len(name)
			if (a == 0 || !isWordByte(lead[a-1])) && (b == len(lead) || !isWordByte(lead[b])) {
				if a < first {
					cat, first = c, a
				}
				break
			}
			off = b
		}
	}
	return cat
}
