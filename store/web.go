package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// DocumentInfo describes a stored document without its text.
type DocumentInfo struct {
	ID, URL, Source, Publisher, Title string
	// Published is the publication date, Fetched when the document was
	// read and Ingested when it was stored.
	Published, Fetched, Ingested time.Time
	// MainPeriod is the period the document mainly reports, "" when it
	// reports no figure.
	MainPeriod string
	// Figures is the number of observations stored from the document.
	Figures int
}

// DocumentFilter selects documents. Zero fields do not filter.
type DocumentFilter struct {
	Source string
	// From and To bound the publication date: From <= published < To.
	From, To time.Time
	// Limit caps how many documents are returned; 0 returns all.
	Limit int
}

// Documents returns the stored documents matching f, newest publication
// first (then newest fetch, then ID).
func (s *Store) Documents(ctx context.Context, f DocumentFilter) ([]DocumentInfo, error) {
	var conds []string
	var args []any
	if f.Source != "" {
		conds, args = append(conds, "d.source = ?"), append(args, f.Source)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "d.published >= ?"), append(args, unixOf(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "d.published < ?"), append(args, unixOf(f.To))
	}
	q := `SELECT d.id, d.url, d.source, d.publisher, d.title, d.published, d.fetched, d.ingested, d.main_period,
		d.n_figures
		FROM documents d`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY d.published DESC, d.fetched DESC, d.id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	var out []DocumentInfo
	err := s.query(ctx, s.read, "documents", q, args, func(rows *sql.Rows) error {
		var d DocumentInfo
		var published, fetched, ingested int64
		if err := rows.Scan(&d.ID, &d.URL, &d.Source, &d.Publisher, &d.Title, &published, &fetched, &ingested,
			&d.MainPeriod, &d.Figures); err != nil {
			return err
		}
		d.Published, d.Fetched, d.Ingested = timeOf(published), timeOf(fetched), timeOf(ingested)
		out = append(out, d)
		return nil
	})
	return out, err
}

// DocumentText returns the stored text of document id, which evidence
// offsets point into; ok is false when no such document is stored.
func (s *Store) DocumentText(ctx context.Context, id string) (text string, ok bool, err error) {
	op := "document text " + id
	if err := s.check(op); err != nil {
		return "", false, err
	}
	err = s.read.QueryRowContext(ctx, `SELECT text FROM documents WHERE id = ?`, id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, s.wrap(op, err)
	}
	return text, true, nil
}
