package parser

import (
	"strings"
	"time"
)

// periodStarters are the words a period expression can begin with (besides
// numbers, months and ordinals).
var periodStarters = []string{"fiscal", "financial", "fy", "full", "whole", "entire", "between", "from", "the", "a", "this", "that", "last", "past", "previous", "preceding", "current", "same", "corresponding", "month", "quarter", "year", "period", "half", "q1", "q2", "q3", "q4", "h1", "h2"}

// findPeriods finds the period expressions of the sentence.
func (s *sentence) findPeriods(st *docState) {
	s.periods = s.periods[:0]
	n := len(s.toks)
	for i := 0; i < n; {
		if s.covered[i] || !s.mayStartPeriod(i) {
			i++
			continue
		}
		pm, ok := s.periodAt(i, st)
		if !ok || pm.j <= i {
			i++
			continue
		}
		for k := pm.i; k < pm.j; k++ {
			s.covered[k] = true
		}
		if (pm.kind == pmNormal || pm.kind == pmCurrent) && pm.i >= 2 && s.is(pm.i-1, wOf) && s.isAny(pm.i-2, wMonth, wMonths, wQuarter, wYear, wWeek, wDay) {
			pm.kind = pmFrame // "the bloodiest month of the first quarter of 2016"
		}
		if ytd, ok := s.sinceToDate(pm, st); ok {
			pm = ytd // "Since January, 79 Maoists have been killed"
		} else if pm.kind == pmNormal || pm.kind == pmFrame {
			if s.referenceBefore(pm.i) {
				pm.kind = pmReference
			}
			if len(s.periods) > 0 && s.is(pm.i-1, wOf) {
				if prev := s.periods[len(s.periods)-1]; prev.j == pm.i-1 && prev.kind == pmReference {
					pm.kind = pmReference // "the same quarter of 2016"
				}
			}
			// "the same quarter of 2016 and 2017": the second year is a frame too
			if len(s.periods) > 0 && s.isAny(pm.i-1, wAnd) {
				if prev := s.periods[len(s.periods)-1]; prev.j == pm.i-1 && (prev.kind == pmFrame || prev.kind == pmReference) {
					pm.kind = prev.kind
				}
			}
		}
		// "the UN said on Wednesday": the day of the report, not of events
		if pm.kind == pmDay && s.reportDate(pm) {
			i = pm.j
			continue
		}
		// "(2019)" right after a period repeats it
		if len(s.periods) > 0 && s.isPunct(pm.i-1, '(') && s.isPunct(pm.j, ')') && s.periods[len(s.periods)-1].j == pm.i-1 {
			i = pm.j
			continue
		}
		if s.ofFiscalYear(pm) {
			pm.kind = pmReference // it only placed the quarter: not the period in view
		}
		s.periods = append(s.periods, pm)
		i = pm.j
	}
}

// ofFiscalYear moves a quarter or half named by its ordinal into the
// fiscal year named right after it: "the first quarter of the current
// fiscal year" in Pakistan is July to September.
// It reports whether it did.
func (s *sentence) ofFiscalYear(fy periodMention) bool {
	if len(s.periods) == 0 || !fy.valid || fy.p.Granularity != Range || monthsBetween(fy.p.Start, fy.p.End) != 12 || !s.is(fy.i-1, wOf) {
		return false
	}
	prev := &s.periods[len(s.periods)-1]
	if prev.j != fy.i-1 || !prev.valid {
		return false
	}
	n := 0
	switch prev.p.Granularity {
	case Quarter:
		n = 3
	case Half:
		n = 6
	default:
		return false
	}
	idx := (int(prev.p.Start.Month()) - 1) / n // 0-based ordinal in its calendar year
	start := fy.p.Start.AddDate(0, n*idx, 0)
	prev.p = normalise(Period{Start: start, End: start.AddDate(0, n, 0), Granularity: Range})
	return true
}

// sinceToDate reads "since January", "since the beginning of the year" and
// "since the start of 2023" in a text published that year as a count from that month up to the last
// month before publication.
func (s *sentence) sinceToDate(pm periodMention, st *docState) (periodMention, bool) {
	k := pm.i - 1
	start, year := -1, st.pub.Year()
	switch {
	case s.isAny(k, wIn, wOn) && (s.eventStartBefore(k) && s.sinceWithin(k-2, 16) || s.eventSince(k)) && (pm.valid || pm.kind == pmDay && !pm.p.Start.IsZero()) && pm.p.Granularity == Month:
		// "killed since the offensive began in August 2022", "arrested
		// since the law took effect on November 1, 2017": to date
		start, year = int(pm.p.Start.Month()), pm.p.Start.Year()
	case s.is(k, wSince) && !s.referenceSince(k) && (pm.valid || pm.kind == pmDay && !pm.p.Start.IsZero()) && pm.p.Granularity == Month:
		// "since May": within the year before the statement
		start, year = int(pm.p.Start.Month()), pm.p.Start.Year()
		if pm.p.Start.Before(st.pub.AddDate(-1, 0, 0)) {
			return pm, false
		}
	case s.is(k, wOf) && s.isAny(k-1, wBeginning, wStart) && s.is(k-2, wThe) && s.is(k-3, wSince) &&
		(!pm.valid && pm.unit == Year || pm.valid && pm.p.Granularity == Year):
		// "since the beginning of the year", "since the start of 2023"
		start = 1
		if pm.valid {
			year = pm.p.Start.Year()
		}
		pm.i = k - 3
	default:
		return pm, false
	}
	// the count runs to the day of the statement or of publication: into
	// its month, unless that is the first ("said on 1 May": January to
	// April)
	asOf := st.pub
	if !st.asOf.IsZero() {
		asOf = st.asOf
	}
	end := containing(Month, asOf).Start
	if asOf.Day() > 1 {
		end = end.AddDate(0, 1, 0)
	}
	first := time.Date(year, time.Month(start), 1, 0, 0, 0, 0, time.UTC)
	if !end.After(first) {
		return pm, false
	}
	pm.kind, pm.valid = pmNormal, true
	// a count to date stays a range even when it spans a quarter, half
	// or year ("since January", said in July, is 2023-01/2023-06), as
	// annotators write it; one month is that month
	pm.p = Period{Start: first, End: end, Granularity: Range}
	if monthsBetween(first, end) == 1 {
		pm.p.Granularity = Month
	}
	return pm, true
}

// referenceBefore reports a reference marker shortly before token i in the
// same segment: "since July 2018", "since UNAMA began documenting in 2009".
func (s *sentence) referenceBefore(i int) bool {
	for j := i - 1; j >= 0 && j >= i-8; j-- {
		if s.toks[j].kind == tPunct || s.toks[j].kind == tNum {
			return false
		}
		if t, ok := s.has(j, kReference); ok && j+t.n <= i {
			return true
		}
		for _, pm := range s.periods {
			if pm.j == j+1 {
				return false
			}
		}
	}
	return false
}

func (s *sentence) mayStartPeriod(i int) bool {
	tk := &s.toks[i]
	switch tk.kind {
	case tNum:
		return tk.val >= 1 && tk.val <= 31 || tk.end-tk.start == 4 && tk.val >= 1900 && tk.val <= 2100 || tk.suffix == 'o' ||
			tk.suffix == 'x' && tk.val >= 1900 && tk.val <= 2100 // "2017-18"
	case tWord:
		if tk.dash && tk.id < 0 {
			c := s.text[tk.start]
			return c >= 'A' && c <= 'Z' // "January-March"
		}
		if tk.id < 0 || int(tk.id) >= len(s.lx.starts) || !s.lx.starts[tk.id] {
			return false
		}
		if tk.id == s.lx.idThe || tk.id == s.lx.idA { // only before another period word: "the third quarter"
			return i+1 < len(s.toks) && (s.toks[i+1].kind == tNum && s.toks[i+1].suffix == 'o' || s.toks[i+1].kind == tWord && s.toks[i+1].id >= 0 && int(s.toks[i+1].id) < len(s.lx.starts) && s.lx.starts[s.toks[i+1].id])
		}
		return true
	}
	return false
}

// fiscalYear reads "fiscal year 2022-23", "FY2023-24", "the current fiscal
// year" and "the previous fiscal year": the twelve months from the
// country's fiscal_year_start (regions data).
func (s *sentence) fiscalYear(i int, st *docState) (periodMention, bool) {
	pm := periodMention{i: i, kind: pmNormal, valid: true}
	start := s.lx.fiscal[st.ctx.Country]
	if start <= 1 {
		return pm, false
	}
	fyOf := func(y int) Period { // the fiscal year that ends in year y
		return spanPeriod(y-1, start, y, start-1)
	}
	w := strings.ToLower(s.word(i))
	switch {
	case s.toks[i].kind == tNum:
		// a bare "2017-18" where the fiscal year is not the calendar's,
		// as the time of events ("in 2017-18"), not a title ("the annual
		// report for 2019-20")
		if y, ok := fiscalEnd(w); ok && s.isAny(i-1, wIn, wDuring, wThrough, wThroughout, wOver, wSince, wUntil, wTill, wBy) {
			pm.j, pm.p = i+1, fyOf(y)
			return pm, true
		}
	case strings.HasPrefix(w, "fy") && len(w) > 2:
		if y, ok := fiscalEnd(w[2:]); ok {
			pm.j, pm.p = i+1, fyOf(y)
			return pm, true
		}
	case s.isAny(i, wFy, wFiscal, wFinancial):
		k := i + 1
		if s.is(k, wYear) {
			k++
		}
		if k < len(s.toks) {
			if y, ok := fiscalEnd(s.word(k)); ok {
				pm.j, pm.p = k+1, fyOf(y)
				return pm, true
			}
		}
	case s.isAny(i, wThe, wThis, wLast) && (s.isAny(i+1, wFiscal, wFinancial) || s.isAny(i+1, wCurrent, wPrevious, wLast, wOutgoing) && s.isAny(i+2, wFiscal, wFinancial)):
		k, rel := i+1, 0
		switch {
		case s.is(i, wLast) || s.isAny(k, wPrevious, wLast):
			rel = -1
		}
		if s.isAny(k, wCurrent, wPrevious, wLast, wOutgoing) {
			k++
		}
		if !s.is(k+1, wYear) {
			return pm, false
		}
		if k+2 < len(s.toks) {
			if y, ok := fiscalEnd(s.word(k + 2)); ok { // "the fiscal year 2022-23"
				pm.j, pm.p = k+3, fyOf(y)
				return pm, true
			}
		}
		// the fiscal year the text is about, else the last one completed
		// before publication ("the current fiscal year": the running one)
		y := st.pub.Year()
		if int(st.pub.Month()) >= start {
			y++ // the fiscal year running at publication ends next calendar year
		}
		current := s.isAny(i+1, wCurrent) || s.is(i, wThis) // the running one, whatever the text was about
		if c := st.cur; !current && c != nil && c.Granularity == Range && int(c.Start.Month()) == start && monthsBetween(c.Start, c.End) == 12 {
			y = c.End.Year() // the fiscal year the text is about
		} else if rel == 0 && !current {
			y-- // "the fiscal year": the last one completed
		}
		pm.j, pm.p = k+2, fyOf(y+rel)
		return pm, true
	}
	return pm, false
}

// fiscalEnd reads "2022-23", "2022-2023" or "2023-24" and returns the
// calendar year the fiscal year ends in.
func fiscalEnd(w string) (int, bool) {
	dash := strings.IndexAny(w, "-/")
	if dash != 4 || len(w) < 7 {
		return 0, false
	}
	a, b := w[:4], w[5:]
	for _, c := range a + b {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	y1 := int(a[0]-'0')*1000 + int(a[1]-'0')*100 + int(a[2]-'0')*10 + int(a[3]-'0')
	var y2 int
	switch len(b) {
	case 2:
		y2 = y1/100*100 + int(b[0]-'0')*10 + int(b[1]-'0')
	case 4:
		y2 = int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	default:
		return 0, false
	}
	if y2 != y1+1 || y1 < 1900 {
		return 0, false
	}
	return y2, true
}

// monthPair reads a hyphenated pair of months ("January-March", "Jan-Mar").
func (lx *Lexicon) monthPair(w string) (int, int, bool) {
	dash := strings.IndexByte(w, '-')
	if dash <= 0 || dash == len(w)-1 || w[0] < 'A' || w[0] > 'Z' {
		return 0, 0, false
	}
	m1, ok1 := lx.month(w[:dash])
	m2, ok2 := lx.month(w[dash+1:])
	return m1, m2, ok1 && ok2
}

func (lx *Lexicon) month(w string) (int, bool) {
	t, ok := lx.wordTag(w, kMonth)
	return int(t.num), ok
}

// rangeDate reads one end of a range at i: a month, maybe abbreviated,
// with an optional day before or after it and an optional year ("July",
// "Aug. 15, 2021", "15 August 2021", "May 30 this year"). It returns the
// month, the year if stated and the index after the date.
func (s *sentence) rangeDate(i int, st *docState) (m, y int, hasY bool, j int, ok bool) {
	j = i
	dayFirst := s.dayNum(j)
	if dayFirst {
		j++
	}
	if m, ok = s.monthAt(j); !ok {
		return 0, 0, false, i, false
	}
	j++
	if s.isPunct(j, '.') && s.toks[j].start == s.toks[j-1].end {
		j++ // "Aug."
	}
	if !dayFirst {
		j = s.skipDay(j)
	}
	y, n, hasY := s.yearRef(j, st) // "2016", "this year", "last year"
	if hasY {
		j += n
	}
	return m, y, hasY, j, true
}

// afterYear skips an optional year after a day: "March 3, 2016", "1
// November 2018".
// dayMonth is the month of a day mention ending at j (see afterYear): of
// its year when it states one ("May 3, 2023"), else of the year the
// month last had by the publication date.
func (s *sentence) dayMonth(m, j, end int, st *docState) Period {
	if end > j {
		if y, ok := s.yearAt(end - 1); ok {
			return monthPeriod(y, m)
		}
	}
	return monthPeriod(monthYear(m, st.pub), m)
}

// skipDay returns the token after a day number at j ("3", "3," before a
// year), else j.
func (s *sentence) skipDay(j int) int {
	if !s.dayNum(j) || s.countNounAt(j+1) {
		return j
	}
	if s.isPunct(j+1, ',') && s.yearAtOK(j+2) {
		return j + 2
	}
	return j + 1
}

func (s *sentence) afterYear(j int) int {
	if s.isPunct(j, ',') {
		if _, ok := s.yearAt(j + 1); ok {
			return j + 2
		}
	} else if _, ok := s.yearAt(j); ok {
		return j + 1
	}
	return j
}

func (s *sentence) yearAtOK(i int) bool {
	_, ok := s.yearAt(i)
	return ok
}

// yearAt reads a four-digit year at token i.
func (s *sentence) yearAt(i int) (int, bool) {
	if i < 0 || i >= len(s.toks) {
		return 0, false
	}
	tk := &s.toks[i]
	if tk.kind != tNum || tk.decimal || tk.suffix != 0 || tk.end-tk.start != 4 || tk.val < 1900 || tk.val > 2100 {
		return 0, false
	}
	return int(tk.val), true
}

// countNounAt reports whether token i starts a noun that makes a preceding
// four-digit number a count ("1987 militants") rather than a year.
func (s *sentence) countNounAt(i int) bool {
	for _, k := range []kind{kCategory, kMetricNoun, kMetricWeak} {
		if _, ok := s.has(i, k); ok {
			return true
		}
	}
	if _, ok := s.has(i, kCategoryAdj); ok {
		return true
	}
	return false
}

func (s *sentence) monthAt(i int) (int, bool) {
	if t, ok := s.has(i, kMonth); ok && t.n == 1 && s.capitalized(i) {
		return int(t.num), true
	}
	return 0, false
}

func (s *sentence) dayNum(i int) bool {
	if i < 0 || i >= len(s.toks) {
		return false
	}
	tk := &s.toks[i]
	return tk.kind == tNum && !tk.decimal && (tk.suffix == 0 || tk.suffix == 'o') && tk.val >= 1 && tk.val <= 31 && tk.end-tk.start <= 2+2
}

// yearRef reads "2023", "the year", "this year", "last year", "the
// previous year", "the calendar year" at token i, returning the year and the
// number of tokens.
func (s *sentence) yearRef(i int, st *docState) (int, int, bool) {
	if y, ok := s.yearAt(i); ok {
		return y, 1, true
	}
	k := i
	if s.isAny(k, wThe) {
		k++
	}
	if s.isAny(k, wCalendar) {
		k++
	}
	switch {
	case s.is(k, wYear) && (k == i+1 || k == i+2):
		return st.currentYear(), k + 1 - i, true
	case s.isAny(k, wThis, wCurrent) && s.is(k+1, wYear):
		return st.currentYear(), k + 2 - i, true
	case s.is(k, wLast) && s.is(k+1, wYear) && k == i:
		return st.pub.Year() - 1, 2, true
	case s.isAny(k, wPrevious, wPreceding) && s.is(k+1, wYear):
		return st.currentYear() - 1, k + 2 - i, true
	}
	return 0, 0, false
}

func (s *sentence) unitAt(i int) (Granularity, bool) {
	switch {
	case s.isAny(i, wMonth):
		return Month, true
	case s.isAny(i, wQuarter):
		return Quarter, true
	case s.isAny(i, wHalf):
		return Half, true
	case s.isAny(i, wYear):
		return Year, true
	case s.isAny(i, wPeriod):
		return "", true
	}
	return "", false
}

// periodAt parses a period expression starting at token i.
func (s *sentence) periodAt(i int, st *docState) (periodMention, bool) {
	pm := periodMention{i: i, kind: pmNormal, valid: true}
	tk := &s.toks[i]
	// day-month dates: "1 November 2018", "27 Jul, 2024"
	if s.dayNum(i) && !s.countNounAt(i+2) {
		if m, ok := s.monthAt(i + 1); ok {
			j := i + 2
			pm.j, pm.kind, pm.valid = s.afterYear(j), pmDay, false
			pm.p = s.dayMonth(m, j, pm.j, st) // the month of the day, for "since 3 May"
			return pm, true
		}
	}
	// range of months: "between July and September 2016", "from July to
	// September"; days are read as the months they fall in: "between
	// January 1 and June 30", "from Aug. 15, 2021, to May 30 this year",
	// "between 15 August and 30 September"
	if s.isAny(i, wBetween, wFrom) {
		if m1, y1, hasY1, j, ok := s.rangeDate(i+1, st); ok {
			if s.isPunct(j, ',') && hasY1 {
				j++
			}
			if s.isAny(j, wAnd, wTo, wUntil, wThrough) || s.isPunct(j, '-') {
				if m2, y2, hasY2, k, ok := s.rangeDate(j+1, st); ok {
					switch {
					case hasY2:
					case hasY1: // "between August 15 last year and June 15"
						y2 = y1
						if m2 < m1 {
							y2++
						}
					default:
						y2 = monthYear(m2, st.pub)
					}
					if !hasY1 {
						y1 = y2
						if m1 > m2 {
							y1--
						}
					}
					pm.j, pm.p = k, spanPeriod(y1, m1, y2, m2)
					return pm, true
				}
			}
		}
	}
	// "January-March 2024", "the January-March period"
	if tk.kind == tWord && tk.dash {
		if m1, m2, ok := s.lx.monthPair(s.word(i)); ok {
			y2, hasY := s.yearAt(i + 1)
			j := i + 1
			if hasY {
				j++
			} else {
				y2 = monthYear(m2, st.pub)
			}
			y1 := y2
			if m1 > m2 {
				y1--
			}
			if s.is(j, wPeriod) {
				j++
			}
			pm.j, pm.p = j, spanPeriod(y1, m1, y2, m2)
			return pm, true
		}
	}
	// month [day] [year] / month this year / month of last year
	if m, ok := s.monthAt(i); ok {
		// "in May and June": two consecutive months together
		if s.is(i+1, wAnd) {
			if m2, ok := s.monthAt(i + 2); ok && m2 == m+1 && !s.dayNum(i+3) {
				j := i + 3
				y, hasY := s.yearAt(j)
				if hasY {
					j++
				} else {
					y = monthYear(m2, st.pub)
				}
				pm.j, pm.p = j, spanPeriod(y, m, y, m2)
				return pm, true
			}
		}
		j := i + 1
		if s.isPunct(j, '.') && s.dayNum(j+1) && s.toks[j].start == s.toks[i].end {
			j++ // "Sept. 28"
		}
		if s.dayNum(j) && !s.countNounAt(j+1) && !s.hasAt(j+1, kCategoryAdj) {
			j++
			pm.j, pm.kind, pm.valid = s.afterYear(j), pmDay, false
			pm.p = s.dayMonth(m, j, pm.j, st) // the month of the day, for "since May 3"
			return pm, true
		}
		if y, ok := s.yearAt(j); ok {
			pm.j, pm.p = j+1, monthPeriod(y, m)
			return pm, true
		}
		if s.isPunct(j, ',') {
			if y, ok := s.yearAt(j + 1); ok && !s.countNounAt(j+2) {
				pm.j, pm.p = j+2, monthPeriod(y, m)
				return pm, true
			}
		}
		k := j
		if s.is(k, wOf) {
			k++
		}
		if s.isAny(k, wThis, wLast, wThe) {
			if y, n, ok := s.yearRef(k, st); ok {
				pm.j, pm.p = k+n, monthPeriod(y, m)
				return pm, true
			}
		}
		pm.j, pm.p = j, monthPeriod(monthYear(m, st.pub), m)
		return pm, true
	}
	// a bare year
	if y, ok := s.yearAt(i); ok {
		afterPrep := s.isAny(i-1, wIn, wDuring, wFor, wSince, wOf, wBy, wUntil, wThrough, wThroughout)
		// "the 2008 toll", "2019's final quarter"
		if s.isPunct(i+1, '\'') && s.is(i+2, wS) {
			if t, ok := s.has(i+3, kOrdinal); ok && t.n == 1 {
				if g, ok := s.unitAt(i + 4); ok && g != "" && g != Year {
					idx := int(t.num)
					if idx == -1 {
						idx = map[Granularity]int{Month: 12, Quarter: 4, Half: 2}[g]
					}
					if idx >= 1 && idx <= map[Granularity]int{Month: 12, Quarter: 4, Half: 2}[g] {
						pm.j, pm.p = i+5, unitPeriod(g, y, idx)
						return pm, true
					}
				}
			}
		}
		yearNoun := s.isAny(i+1, wToll, wTolls, wTotal, wFigure, wFigures, wTally, wLevel, wLevels)
		if (s.countNounAt(i+1) && !afterPrep && !yearNoun) || s.isPunct(i+1, '%') {
			return pm, false // "killed 1987 militants", not "in 2019 SFs arrested"
		}
		pm.j, pm.p = i+1, unitPeriod(Year, y, 1)
		if s.isAny(i+1, wLevel, wLevels) {
			pm.kind = pmReference // "below the 2019 level"
		} else if i >= 2 && s.is(i-1, wOf) && s.isAny(i-2, wMonth, wMonths, wYear) {
			pm.kind = pmFrame
		}
		return pm, true
	}
	if tk.kind == tNum && tk.suffix == 'x' {
		return s.fiscalYear(i, st) // "in 2017-18"
	}
	if tk.kind == tNum && tk.suffix != 'o' {
		return pm, false
	}
	if fy, ok := s.fiscalYear(i, st); ok {
		return fy, true
	}
	// Q3 2025, H1 2023
	if tk.kind == tWord {
		for q, w := range []wordID{wQ1, wQ2, wQ3, wQ4} {
			if s.is(i, w) {
				return s.withYear(pm, i+1, Quarter, q+1, st), true
			}
		}
		for h, w := range []wordID{wH1, wH2} {
			if s.is(i, w) {
				return s.withYear(pm, i+1, Half, h+1, st), true
			}
		}
	}
	return s.phrasePeriod(i, st)
}

// withYear completes "Q3" with an optional year ("Q3 2025", "Q3 of 2025").
func (s *sentence) withYear(pm periodMention, j int, g Granularity, idx int, st *docState) periodMention {
	if s.is(j, wOf) {
		if y, n, ok := s.yearRef(j+1, st); ok {
			pm.j, pm.p = j+1+n, unitPeriod(g, y, idx)
			return pm
		}
	}
	if y, ok := s.yearAt(j); ok {
		pm.j, pm.p = j+1, unitPeriod(g, y, idx)
		return pm
	}
	pm.j, pm.p = j, unitPeriod(g, st.currentYear(), idx)
	return pm
}

// phrasePeriod parses the worded periods: "the third quarter of 2025",
// "the first nine months of the year", "the 7th month of the year", "last
// month", "the previous quarter", "the past six months", "this year".
func (s *sentence) phrasePeriod(i int, st *docState) (periodMention, bool) {
	pm := periodMention{i: i, kind: pmNormal, valid: true}
	k := i
	if s.isAny(k, wThe, wA) {
		k++
	}
	// "the year 2009": the year named
	if s.is(k, wYear) {
		if y, ok := s.yearAt(k + 1); ok {
			pm.j, pm.p = k+2, unitPeriod(Year, y, 1)
			return pm, true
		}
	}
	// ordinal + unit: "the third quarter (of 2025)", "the 7th month of the year"
	ord, isOrd := int64(0), false
	if t, ok := s.has(k, kOrdinal); ok && t.n == 1 && !(t.num == -1 && s.isAny(k+1, wMonth, wYear, wQuarter, wHalf, wPeriod) && !s.is(k+2, wOf)) {
		ord, isOrd = t.num, true
	} else if k < len(s.toks) && s.toks[k].kind == tNum && s.toks[k].suffix == 'o' && s.toks[k].val <= 12 {
		ord, isOrd = s.toks[k].val, true
	}
	if isOrd {
		// "the first nine months of 2023"
		if n, nn, ok := s.smallNumber(k + 1); ok && s.is(k+1+nn, wMonths) && ord == 1 {
			j := k + 1 + nn + 1
			y, yn, ok := s.ofYear(j, st)
			if ok {
				j += yn
			} else {
				y = st.currentYear()
			}
			pm.j, pm.p = j, spanPeriod(y, 1, y, int(n))
			return pm, true
		}
		// "the last three months of 2020": the year's closing months
		if n, nn, ok := s.smallNumber(k + 1); ok && s.is(k+1+nn, wMonths) && ord == -1 && n >= 1 && n <= 12 {
			j := k + 1 + nn + 1
			if y, yn, ok := s.ofYear(j, st); ok {
				pm.j, pm.p = j+yn, spanPeriod(y, 13-int(n), y, 12)
				return pm, true
			}
		}
		if g, ok := s.unitAt(k + 1); ok && g != "" && g != Year {
			j := k + 2
			y, yn, ok := s.ofYear(j, st)
			if ok {
				j += yn
			} else {
				y = s.yearInView(st)
			}
			idx := int(ord)
			max := map[Granularity]int{Month: 12, Quarter: 4, Half: 2}[g]
			if idx == -1 {
				idx = max
			}
			if idx < 1 || idx > max {
				return pm, false
			}
			pm.j, pm.p = j, unitPeriod(g, y, idx)
			return pm, true
		}
		// elliptic ordinal: "from 616 in the second" (quarter)
		if k == i+1 && ord >= 1 && ord <= 4 && st.lastUnit != "" && st.lastUnit != Month && st.lastUnit != Year && !s.wordAt(k+1) {
			pm.j, pm.p, pm.elliptic = k+1, unitPeriod(st.lastUnit, st.currentYear(), int(ord)), true
			return pm, true
		}
	}
	// relative: last/past/previous/preceding/this/current + unit
	if s.is(k, wOne) && s.is(i, wThis) {
		pm.j, pm.kind, pm.valid = k+1, pmCurrent, false
		return pm, true
	}
	if s.is(i, wThis) && s.is(i+1, wOne) {
		pm.j, pm.kind, pm.valid = i+2, pmCurrent, false
		return pm, true
	}
	if s.is(i, wThe) && s.isAny(i+1, wFull, wWhole, wEntire) {
		if s.is(i+2, wOf) { // "the whole of 2023"
			if y, ok := s.yearAt(i + 3); ok {
				pm.j, pm.p = i+4, unitPeriod(Year, y, 1)
				return pm, true
			}
		}
		if s.isAny(i+2, wYear) { // "for the full year"
			pm.j, pm.kind, pm.valid, pm.unit = i+3, pmCurrent, false, Year
			return pm, true
		}
	}
	if s.is(i, wA) && s.isAny(i+1, wQuarter, wHalf) && s.is(i+2, wOf) {
		return pm, false // "a quarter of casualties"
	}
	// "the preceding three months": the quarter (half, year) before
	if k == i+1 && s.isAny(k, wPrevious, wPreceding) {
		if n, nn, ok := s.smallNumber(k + 1); ok && s.is(k+1+nn, wMonths) {
			if g, ok := map[int64]Granularity{3: Quarter, 6: Half, 12: Year}[n]; ok {
				pm.j, pm.kind, pm.valid, pm.unit, pm.rel = k+2+nn, pmCurrent, false, g, -1
				return pm, true
			}
		}
	}
	switch {
	case s.is(i, wA) && k == i+1 && !s.isAny(k+1, wEarlier, wBefore, wAgo):
		return pm, false // "in over a year": a duration
	case s.isAny(k, wLast, wPast, wPrevious, wPreceding, wThis, wCurrent, wThat, wSame, wCorresponding) || (k > i && s.isAny(k, wMonth, wQuarter, wYear, wPeriod, wHalf)):
		word := k
		u := k
		if !s.isAny(k, wMonth, wQuarter, wYear, wPeriod, wHalf) {
			u = k + 1
		}
		// "the past six months"
		if s.isAny(word, wPast, wLast) {
			if n, nn, ok := s.smallNumber(k + 1); ok && s.isAny(k+1+nn, wMonths) {
				end := containing(Month, st.pub).Start
				p := normalise(Period{Start: end.AddDate(0, -int(n), 0), End: end, Granularity: Range})
				pm.j, pm.p = k+1+nn+1, p
				return pm, true
			}
		}
		g, ok := s.unitAt(u)
		if !ok {
			return pm, false
		}
		j := u + 1
		if s.isAny(word, wSame, wCorresponding) {
			// "the same month last year": the current period a year back
			k2 := j
			if s.is(k2, wOf) {
				k2++
			}
			if s.is(k2, wLast) && s.is(k2+1, wYear) || s.is(k2, wThe) && s.isAny(k2+1, wPrevious, wPreceding) && s.is(k2+2, wYear) || s.is(k2, wA) && s.is(k2+1, wYear) && s.isAny(k2+2, wEarlier, wBefore, wAgo) {
				n := 2
				if s.is(k2, wThe) || s.is(k2, wA) {
					n = 3
				}
				pm.j, pm.kind, pm.valid, pm.unit, pm.rel = k2+n, pmCurrent, false, g, -12
				return pm, true
			}
			if s.isAny(j, wIn, wOf) && !(s.is(j+2, wAnd) && s.yearAtOK(j+3)) {
				if y, ok := s.yearAt(j + 1); ok {
					// "the same period of 2015": the period in view, in 2015
					pm.j, pm.kind, pm.valid, pm.unit, pm.inYear = j+2, pmCurrent, false, g, y
					return pm, true
				}
			}
			if s.isAny(j, wIn, wOf, wA, wLast) || s.yearAtOK(j) {
				pm.j, pm.kind, pm.valid = j, pmReference, false // "the same quarter of 2016 and 2017"
				return pm, true
			}
			pm.j, pm.kind, pm.valid, pm.unit = j, pmCurrent, false, g // "over the same period"
			return pm, true
		}
		// "the month before", "a month earlier"
		rel := 0
		switch {
		case s.isAny(word, wPrevious, wPreceding):
			rel = -1
		case s.isAny(j, wBefore, wEarlier) && !s.isAny(word, wThis, wCurrent) &&
			!(s.is(j, wBefore) && s.isAny(j+1, wThe, wA, wAn, wThis, wIts, wTheir, wHis, wHer)):
			rel = -1 // "the month before", not "this year before the attack"
			j++
		}
		if s.isAny(word, wLast, wPast) && k == i && rel == 0 {
			if g == "" {
				return pm, false
			}
			pm.j, pm.p = j, lastComplete(g, st.pub)
			if s.is(word, wPast) && i > 0 && s.isAny(i-1, wThe) {
				pm.i = i - 1
			}
			return pm, true
		}
		if s.isAny(word, wLast, wPast) && k == i+1 && rel == 0 { // "the last month", "the past month"
			if g == "" {
				return pm, false
			}
			pm.j, pm.p = j, lastComplete(g, st.pub)
			return pm, true
		}
		pm.j, pm.kind, pm.valid, pm.rel, pm.unit = j, pmCurrent, false, rel, g
		return pm, true
	case s.is(k, wOne) && s.is(i, wThis):
		pm.j, pm.kind, pm.valid = k+1, pmCurrent, false
		return pm, true
	}
	return pm, false
}

func (s *sentence) wordAt(i int) bool {
	return i < len(s.toks) && s.toks[i].kind == tWord && !s.isAny(i, wAnd, wOr, wTo, wIn, wOf, wThan, wAgainst)
}

// ofYear reads "of 2023", "of the year", "of this year", "of last year",
// "(2019)" after a unit.
func (s *sentence) ofYear(j int, st *docState) (int, int, bool) {
	if s.is(j, wOf) {
		if y, n, ok := s.yearRef(j+1, st); ok {
			return y, n + 1, true
		}
		// "a record for the first half of a year in 2017": the year named after
		if s.isAny(j+1, wA, wAny) && s.is(j+2, wYear) && s.is(j+3, wIn) {
			if y, ok := s.yearAt(j + 4); ok {
				return y, 5, true
			}
		}
	}
	if y, ok := s.yearAt(j); ok {
		return y, 1, true
	}
	if s.isAny(j, wThis, wLast) {
		if y, n, ok := s.yearRef(j, st); ok {
			return y, n, true
		}
	}
	// an aside before the year: "the first quarter (January-March) of 2023"
	if e := s.parenEnd(j); e > j {
		if y, n, ok := s.ofYear(e, st); ok {
			return y, e - j + n, true
		}
	}
	return 0, 0, false
}

// parenEnd returns the index after a short parenthetical starting at j, or
// j when there is none.
func (s *sentence) parenEnd(j int) int {
	if !s.isPunct(j, '(') {
		return j
	}
	if e := s.closing(j); e <= j+8 && s.isPunct(e, ')') {
		return e + 1
	}
	return j
}

// smallNumber reads a number (digits or words) at i for period phrases.
func (s *sentence) smallNumber(i int) (int64, int, bool) {
	if i >= len(s.toks) {
		return 0, 0, false
	}
	if tk := &s.toks[i]; tk.kind == tNum && tk.suffix == 0 && !tk.decimal && tk.val <= 24 {
		return tk.val, 1, true
	}
	if t, ok := s.has(i, kNumberWord); ok && t.str == "unit" {
		return t.num, 1, true
	}
	return 0, 0, false
}

// yearInView is the year of a period named without one ("compared with 181
// in the third quarter"): the year of the document's period, or in the
// first sentence that has one, of the last period the sentence named.
func (s *sentence) yearInView(st *docState) int {
	if st.cur != nil {
		return st.currentYear()
	}
	for k := len(s.periods) - 1; k >= 0; k-- {
		if pm := s.periods[k]; pm.valid && pm.kind == pmNormal && pm.p.Granularity != Range {
			return pm.p.Start.Year()
		}
	}
	return st.currentYear()
}

// statementDay returns the day of a statement named by its weekday ("police
// officials said on Wednesday"): the last such day on or before the
// publication date pub. It is zero when the sentence names none.
func (s *sentence) statementDay(pub time.Time) time.Time {
	if s.allMask&(1<<kReportVerb) == 0 || s.allMask&(1<<kWeekday) == 0 {
		return time.Time{}
	}
	for k := 1; k+1 < len(s.toks); k++ {
		if !s.is(k, wOn) {
			continue
		}
		t, ok := s.has(k+1, kWeekday)
		if _, _, said := s.endsAt(k, kReportVerb); !ok || !said {
			continue
		}
		back := (int(pub.Weekday()) - int(t.num) + 7) % 7
		return pub.AddDate(0, 0, -back)
	}
	return time.Time{}
}

// reportDate reports a day named as the date of a statement: "the United
// Nations said on Wednesday", "a report released on Tuesday".
func (s *sentence) reportDate(pm periodMention) bool {
	k := pm.i
	if !s.is(k, wOn) {
		if !s.is(k-1, wOn) {
			return false
		}
		k--
	}
	_, _, ok := s.endsAt(k, kReportVerb)
	return ok
}

// eventSince reports "since" opening a noun phrase that names an event and
// ends at token k: "since the abrogation of Article 370 in August 2019".
func (s *sentence) eventSince(k int) bool {
	for j := k - 1; j >= 0 && j >= k-8; j-- {
		if s.toks[j].kind == tPunct || s.toks[j].kind == tNum && j < k-1 {
			return false
		}
		if s.is(j, wSince) {
			return j < k-1 && !s.referenceSince(j) && s.isAny(j+1, wThe, wA, wAn)
		}
	}
	return false
}

// referenceSince reports a "since" at k that names a record, not a span:
// "the highest since October 2012".
func (s *sentence) referenceSince(k int) bool {
	t, _, ok := s.endsAt(k+1, kReference)
	return ok && t.n > 1
}

// eventStartBefore reports a verb of beginning right before token k:
// "began", "erupted", "took effect".
// A place may come between: "was launched in the Garo Hills in May".
func (s *sentence) eventStartBefore(k int) bool {
	for j := k - 1; j >= 1 && j >= k-10; j-- {
		if s.hasAt(j, kEventStart) {
			return true
		}
		if s.toks[j].kind != tWord {
			return false
		}
	}
	return false
}

// sinceWithin reports "since" at most n tokens back from k.
func (s *sentence) sinceWithin(k, n int) bool {
	for j := k; j >= 0 && j > k-n; j-- {
		if s.is(j, wSince) {
			return true
		}
		if s.toks[j].kind == tPunct {
			return false
		}
	}
	return false
}
