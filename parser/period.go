package parser

import (
	"fmt"
	"strconv"
	"time"
)

// Granularity is the length class of a period; it is a tag in InfluxDB.
type Granularity string

// Granularities of periods.
const (
	Month   Granularity = "month"
	Quarter Granularity = "quarter"
	Half    Granularity = "half"
	Year    Granularity = "year"
	Range   Granularity = "range"
)

// Period is a calendar period: [Start, End) in UTC.
type Period struct {
	Start, End  time.Time
	Granularity Granularity
}

// ParsePeriod reads a period in the corpus format: YYYY-MM, YYYY-Qn,
// YYYY-Hn, YYYY, or YYYY-MM/YYYY-MM (inclusive months).
func ParsePeriod(s string) (Period, error) {
	bad := fmt.Errorf("invalid period %q (want YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY or YYYY-MM/YYYY-MM)", s)
	if len(s) == 15 && s[7] == '/' {
		a, err1 := ParsePeriod(s[:7])
		b, err2 := ParsePeriod(s[8:])
		if err1 != nil || err2 != nil || a.Granularity != Month || b.Granularity != Month || !a.Start.Before(b.Start) {
			return Period{}, bad
		}
		return Period{Start: a.Start, End: b.End, Granularity: Range}, nil
	}
	if len(s) < 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1900 || y > 2200 {
		return Period{}, bad
	}
	mk := func(m, n int, g Granularity) Period {
		st := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		return Period{Start: st, End: st.AddDate(0, n, 0), Granularity: g}
	}
	switch {
	case len(s) == 4:
		return mk(1, 12, Year), nil
	case len(s) == 7 && s[4] == '-' && s[5] == 'Q' && s[6] >= '1' && s[6] <= '4':
		return mk(3*int(s[6]-'0')-2, 3, Quarter), nil
	case len(s) == 7 && s[4] == '-' && s[5] == 'H' && (s[6] == '1' || s[6] == '2'):
		return mk(6*int(s[6]-'0')-5, 6, Half), nil
	case len(s) == 7 && s[4] == '-':
		m, err := strconv.Atoi(s[5:])
		if err != nil || m < 1 || m > 12 || s[5] == '+' {
			return Period{}, bad
		}
		return mk(m, 1, Month), nil
	}
	return Period{}, bad
}

// String formats the period in the corpus format.
func (p Period) String() string {
	var b [16]byte
	y := p.Start.Year()
	m := int(p.Start.Month())
	out := appendYear(b[:0], y)
	switch p.Granularity {
	case Month:
		return string(append(out, '-', byte('0'+m/10), byte('0'+m%10)))
	case Quarter:
		return string(append(out, '-', 'Q', byte('0'+(m+2)/3)))
	case Half:
		return string(append(out, '-', 'H', byte('0'+(m+5)/6)))
	case Year:
		return string(out)
	}
	last := p.End.AddDate(0, -1, 0)
	lm := int(last.Month())
	out = append(out, '-', byte('0'+m/10), byte('0'+m%10), '/')
	out = appendYear(out, last.Year())
	return string(append(out, '-', byte('0'+lm/10), byte('0'+lm%10)))
}

func appendYear(b []byte, y int) []byte {
	if y < 0 || y > 9999 {
		return fmt.Appendf(b, "%04d", y)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
}

// Previous returns the period of the same granularity just before p
// (for a range: the range of equal length ending where p starts).
func (p Period) Previous() Period {
	n := monthsBetween(p.Start, p.End)
	st := p.Start.AddDate(0, -n, 0)
	return Period{Start: st, End: p.Start, Granularity: p.Granularity}
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}
