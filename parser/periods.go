package parser

import "time"

// pmKind classifies a period mention.
type pmKind uint8

const (
	pmNormal    pmKind = iota // a period numbers can belong to
	pmReference               // "since July 2018": a reference point without a count
	pmFrame                   // "the worst month of 2021": sets the context, owns no number
	pmDay                     // a single day: numbers tied to it are single events
	pmCurrent                 // "this period", "during the month": the current period
)

// periodMention is a period expression found in a sentence.
type periodMention struct {
	i, j     int // token span
	kind     pmKind
	p        Period
	valid    bool // p is set (false for pmCurrent until resolved)
	rel      int  // for pmCurrent with a relative offset (-1: "the previous month")
	unit     Granularity
	cmp      bool // inside a comparison span
	elliptic bool // "in the second": a quarter or half named by its ordinal alone
	inYear   int  // for pmCurrent: the same period moved to this year ("the same period of 2015")
}

func monthPeriod(y, m int) Period {
	st := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
	return Period{Start: st, End: st.AddDate(0, 1, 0), Granularity: Month}
}

func spanPeriod(y, m1, y2, m2 int) Period {
	st := time.Date(y, time.Month(m1), 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(y2, time.Month(m2), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	return normalise(Period{Start: st, End: end, Granularity: Range})
}

// normalise turns a range that is exactly a quarter, half or year into one.
func normalise(p Period) Period {
	n := monthsBetween(p.Start, p.End)
	m := int(p.Start.Month())
	switch {
	case n == 1:
		p.Granularity = Month
	case n == 3 && (m-1)%3 == 0:
		p.Granularity = Quarter
	case n == 6 && (m-1)%6 == 0:
		p.Granularity = Half
	case n == 12 && m == 1:
		p.Granularity = Year
	case n <= 0:
		p.Granularity = Month
		p.End = p.Start.AddDate(0, 1, 0)
	default:
		p.Granularity = Range
	}
	return p
}

func unitPeriod(g Granularity, y, idx int) Period {
	switch g {
	case Quarter:
		return spanPeriod(y, 3*idx-2, y, 3*idx)
	case Half:
		return spanPeriod(y, 6*idx-5, y, 6*idx)
	case Year:
		return spanPeriod(y, 1, y, 12)
	}
	return monthPeriod(y, idx)
}

// containing returns the period of granularity g that contains t.
func containing(g Granularity, t time.Time) Period {
	y, m := t.Year(), int(t.Month())
	switch g {
	case Quarter:
		return unitPeriod(Quarter, y, (m+2)/3)
	case Half:
		return unitPeriod(Half, y, (m+5)/6)
	case Year:
		return unitPeriod(Year, y, 1)
	}
	return monthPeriod(y, m)
}

// lastComplete returns the latest period of granularity g that ended on or
// before the month of publication began ("last month", "the quarter").
func lastComplete(g Granularity, pub time.Time) Period {
	return containing(g, pub).Previous()
}

// monthYear resolves a month named without a year: the most recent such
// month not after publication.
func monthYear(m int, pub time.Time) int {
	y := pub.Year()
	if m > int(pub.Month()) {
		y--
	}
	return y
}

// shift moves the period a relative mention resolved to by its offset:
// "the same month last year", "the previous quarter", "the same period of
// 2015".
func (pm periodMention) shift(p Period) Period {
	years := 0
	switch {
	case pm.inYear != 0:
		years = pm.inYear - p.Start.Year()
	case pm.rel == -12:
		years = -1
	case pm.rel < 0:
		return p.Previous()
	}
	if years == 0 {
		return p
	}
	return Period{Start: p.Start.AddDate(years, 0, 0), End: p.End.AddDate(years, 0, 0), Granularity: p.Granularity}
}
