package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Document is one fetched report.
type Document struct {
	// ID is the hex SHA-256 of the normalised text (see DocumentID).
	ID string
	// URL is the address or file path the document was read from.
	URL string
	// Source is the configured source name; Publisher the think tank.
	Source, Publisher string
	// Title is the document title, "" when unknown.
	Title string
	// Published is the publication date; Fetched when it was read.
	Published, Fetched time.Time
	// Text is the main text the figures were extracted from.
	Text string
}

// DocumentID returns the identity of a document text: the hex SHA-256 of the
// text in Unicode NFC with line endings made LF, trailing white space removed
// from every line, runs of blank lines collapsed to one and leading and
// trailing white space removed. Texts differing only in those respects have
// the same ID.
func DocumentID(text string) string {
	sum := sha256.Sum256([]byte(normalize(text)))
	return hex.EncodeToString(sum[:])
}

// normalize returns text in the form DocumentID hashes.
func normalize(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = norm.NFC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	blank := false
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		if line == "" {
			blank = true
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
			if blank {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(line)
	}
	return strings.TrimLeftFunc(b.String(), unicode.IsSpace)
}

// HasDocument reports whether a document with this ID is stored.
func (s *Store) HasDocument(ctx context.Context, id string) (bool, error) {
	if err := s.check("has document " + id); err != nil {
		return false, err
	}
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE id = ?`, id).Scan(&n)
	if err != nil {
		return false, s.wrap("has document "+id, err)
	}
	return n > 0, nil
}

// unixOf converts t to the unix seconds stored in the database.
func unixOf(t time.Time) int64 { return t.Unix() }

// timeOf converts stored unix seconds back to a UTC time; the zero time
// round-trips to the zero time.
func timeOf(sec int64) time.Time {
	if sec == (time.Time{}).Unix() {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}
