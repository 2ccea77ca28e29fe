package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/incidents-dev/incidents/parser"
)

// defaultEvidenceWidth is the evidence column width, in runes, when
// standard output is not a terminal.
const defaultEvidenceWidth = 80

// writeFigures prints figures read from doc as a table or a JSON array.
func writeFigures(w io.Writer, doc string, figs []parser.Figure, format string, width int) error {
	if format == "json" {
		if figs == nil {
			figs = []parser.Figure{}
		}
		return writeJSON(w, figs)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PERIOD\tMETRIC\tCATEGORY\tREGION\tVALUE\tQUALIFIER\tCONF\tEVIDENCE")
	for _, f := range figs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%.2f\t%s\n", f.Period, f.Metric, f.Category, f.Region,
			f.Value, f.Qualifier, f.Confidence, snippet(doc, f.Evidence, width))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write figures: %w", err)
	}
	return nil
}

// writeJSON prints v as indented JSON, leaving <, > and & readable.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// evidenceWidth fits the evidence column to the terminal when w is one.
func evidenceWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return defaultEvidenceWidth
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return defaultEvidenceWidth
	}
	// The other columns take about 70 runes.
	return max(30, cols-70)
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// snippet renders the evidence sentence on one line of at most width runes,
// the number in [brackets], cut around the number with "…" when too long.
func snippet(doc string, e parser.Evidence, width int) string {
	start, end, ok := locateNumber(doc, e)
	if !ok {
		return clip(oneLine(e.Text), width)
	}
	pre, num, post := oneLine(e.Text[:start]), "["+oneLine(e.Text[start:end])+"]", oneLine(e.Text[end:])
	room := width - utf8.RuneCountInString(num)
	preN, postN := utf8.RuneCountInString(pre), utf8.RuneCountInString(post)
	if preN+postN <= room {
		return pre + num + post
	}
	// Give each side half the room, and a short side's spare to the other.
	left := min(preN, max(room/2, room-postN))
	right := max(room-left, 0)
	return tail(pre, left) + num + head(post, right)
}

// locateNumber finds the number's byte range inside the evidence sentence:
// from the document offsets when the sentence is found around them, else
// from the number's only occurrence in the sentence.
func locateNumber(doc string, e parser.Evidence) (int, int, bool) {
	s := e.Text
	if e.Start < 0 || e.End > len(doc) || e.Start >= e.End || s == "" {
		return 0, 0, false
	}
	// Any occurrence of s starting in [End-len(s), Start] contains the number.
	lo, hi := max(0, e.End-len(s)), min(len(doc), e.Start+len(s))
	if i := strings.Index(doc[lo:hi], s); i >= 0 {
		at := lo + i
		return e.Start - at, e.End - at, true
	}
	num := doc[e.Start:e.End]
	if strings.Count(s, num) == 1 {
		i := strings.Index(s, num)
		return i, i + len(num), true
	}
	return 0, 0, false
}

// oneLine turns every run of white space into one space, keeping a
// leading or trailing one so that the pieces of a sentence join up.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// clip keeps the first width runes of s, marking a cut with "…".
func clip(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	return head(s, width)
}

// head keeps at most n runes from the start of s, the last being "…" when
// s is longer.
func head(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// tail keeps at most n runes from the end of s, the first being "…" when
// s is longer.
func tail(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return "…" + string(r[len(r)-n+1:])
}
