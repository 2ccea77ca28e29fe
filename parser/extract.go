package parser

// Extract reads every reported figure out of text. It is pure: the same
// text and context always give the same figures, in document order.
func Extract(text string, ctx Context) []Figure {
	return nil // implemented in the parser issue; this stub keeps the API compilable
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
