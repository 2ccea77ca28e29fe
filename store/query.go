package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-dev/incidents/parser"
)

// Filter selects series points. Empty fields do not filter.
type Filter struct {
	Metric, Region, Category, Source string
	// From and To are periods in the corpus format (e.g. 2024-01, 2024-Q2);
	// a point is in range when its period starts no earlier than From
	// starts and no later than To starts.
	From, To string
}

// where returns the SQL condition (starting with " WHERE" when not empty)
// and its arguments for the columns of table alias a.
func (f Filter) where(a string) (string, []any, error) {
	var conds []string
	var args []any
	for _, c := range []struct{ col, val string }{
		{"source", f.Source}, {"metric", f.Metric}, {"category", f.Category}, {"region", f.Region},
	} {
		if c.val != "" {
			conds = append(conds, a+"."+c.col+" = ?")
			args = append(args, c.val)
		}
	}
	for _, b := range []struct {
		name, val, op string
	}{{"from", f.From, ">="}, {"to", f.To, "<="}} {
		if b.val == "" {
			continue
		}
		p, err := parser.ParsePeriod(b.val)
		if err != nil {
			return "", nil, fmt.Errorf("filter %s: %w", b.name, err)
		}
		conds = append(conds, a+".period_start "+b.op+" ?")
		args = append(args, p.Start.Unix())
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// Point is a value of a series point with the document it comes from.
type Point struct {
	Source, Publisher, Period, Granularity, Metric, Category, Region string
	Value                                                            int64
	Qualifier                                                        string
	// Main is true when the value comes from a document whose main period
	// is this period (not from a comparison mention).
	Main bool
	// DocumentID, URL, Title and Published describe the document the value
	// comes from.
	DocumentID, URL, Title string
	Published              time.Time
	// Evidence is the sentence stating the value; Start and End are the
	// byte offsets of the number in the document text.
	Evidence   string
	Start, End int
	Confidence float64
	// Revisions is the number of superseded accepted values of the point.
	Revisions int
}

// pointCols are the columns scanned by scanPoint, for aliases p (point or
// revision key), o (observation) and d (document).
const pointCols = `d.publisher, o.granularity, o.main, d.id, d.url, d.title, d.published,
	o.evidence, o.ev_start, o.ev_end, o.confidence`

// scanPoint scans the key columns of alias k, the value and qualifier,
// pointCols, the revision count, then extra.
func scanPoint(rows *sql.Rows, p *Point, extra ...any) error {
	var published int64
	dst := []any{&p.Source, &p.Period, &p.Metric, &p.Category, &p.Region, &p.Value, &p.Qualifier,
		&p.Publisher, &p.Granularity, &p.Main, &p.DocumentID, &p.URL, &p.Title, &published,
		&p.Evidence, &p.Start, &p.End, &p.Confidence, &p.Revisions}
	if err := rows.Scan(append(dst, extra...)...); err != nil {
		return err
	}
	p.Published = timeOf(published)
	return nil
}

// keyCols lists the point key, value and qualifier of alias a.
func keyCols(a string) string {
	return fmt.Sprintf("%[1]s.source, %[1]s.period, %[1]s.metric, %[1]s.category, %[1]s.region, %[1]s.value, %[1]s.qualifier", a)
}

// seriesOrder orders by series then period start, for alias a.
func seriesOrder(a string) string {
	return fmt.Sprintf(" ORDER BY %[1]s.source, %[1]s.metric, %[1]s.category, %[1]s.region, %[1]s.period_start, %[1]s.period", a)
}

// Series returns the accepted points matching f, ordered by source, metric,
// category, region and period start.
func (s *Store) Series(ctx context.Context, f Filter) ([]Point, error) {
	cur, err := s.current(ctx, s.read, "series", f)
	if err != nil {
		return nil, err
	}
	out := make([]Point, len(cur))
	for i, r := range cur {
		out[i] = r.Point
	}
	return out, nil
}

// current returns the accepted points matching f with the time they were
// accepted, in series order.
func (s *Store) current(ctx context.Context, db queryer, op string, f Filter) ([]Revision, error) {
	where, args, err := f.where("p")
	if err != nil {
		return nil, s.wrap(op, err)
	}
	q := `SELECT ` + keyCols("p") + `, ` + pointCols + `, p.revisions, p.accepted_at
		FROM points p JOIN observations o ON o.id = p.observation_id JOIN documents d ON d.id = o.document_id` +
		where + seriesOrder("p")
	var out []Revision
	err = s.query(ctx, db, op, q, args, func(rows *sql.Rows) error {
		var r Revision
		var accepted int64
		if err := scanPoint(rows, &r.Point, &accepted); err != nil {
			return err
		}
		r.AcceptedAt = timeOf(accepted)
		out = append(out, r)
		return nil
	})
	return out, err
}

// Revision is a value a series point has had.
type Revision struct {
	Point
	// AcceptedAt is when the value became the accepted one.
	AcceptedAt time.Time
	// SupersededAt is when a newer value replaced it; nil for the current
	// value.
	SupersededAt *time.Time
}

// History returns every accepted value the points matching f have had,
// ordered like Series and oldest first within a point; the last entry of
// each point is its current value.
func (s *Store) History(ctx context.Context, f Filter) ([]Revision, error) {
	where, args, err := f.where("p")
	if err != nil {
		return nil, s.wrap("history", err)
	}
	if err := s.check("history"); err != nil {
		return nil, err
	}
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot for both queries
	if err != nil {
		return nil, s.wrap("history", err)
	}
	defer tx.Rollback()
	cur, err := s.current(ctx, tx, "history", f)
	if err != nil {
		return nil, err
	}
	old := map[pointKey][]Revision{}
	q := `SELECT ` + keyCols("r") + `, ` + pointCols + `, p.revisions, r.accepted_at, r.superseded_at
		FROM points p
		JOIN revisions r ON r.source = p.source AND r.period = p.period AND r.metric = p.metric
			AND r.category = p.category AND r.region = p.region
		JOIN observations o ON o.id = r.observation_id JOIN documents d ON d.id = o.document_id` +
		where + ` ORDER BY r.id`
	err = s.query(ctx, tx, "history", q, args, func(rows *sql.Rows) error {
		var r Revision
		var accepted, superseded int64
		if err := scanPoint(rows, &r.Point, &accepted, &superseded); err != nil {
			return err
		}
		r.AcceptedAt = timeOf(accepted)
		t := timeOf(superseded)
		r.SupersededAt = &t
		k := pointKey{r.Source, r.Period, r.Metric, r.Category, r.Region}
		old[k] = append(old[k], r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Revision
	for _, c := range cur {
		out = append(out, old[pointKey{c.Source, c.Period, c.Metric, c.Category, c.Region}]...)
		out = append(out, c)
	}
	return out, nil
}

// Observations returns every stored observation matching f, from every
// document, ordered like Series and then by publication date. Revisions is
// always 0.
func (s *Store) Observations(ctx context.Context, f Filter) ([]Point, error) {
	where, args, err := f.where("o")
	if err != nil {
		return nil, s.wrap("observations", err)
	}
	q := `SELECT ` + keyCols("o") + `, ` + pointCols + `, 0
		FROM observations o JOIN documents d ON d.id = o.document_id` +
		where + seriesOrder("o") + `, d.published, o.id`
	var out []Point
	err = s.query(ctx, s.read, "observations", q, args, func(rows *sql.Rows) error {
		var p Point
		if err := scanPoint(rows, &p); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// queryer is what query needs of *sql.DB and *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// query runs q on db and calls fn for every row.
func (s *Store) query(ctx context.Context, db queryer, op, q string, args []any, fn func(*sql.Rows) error) error {
	if err := s.check(op); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return s.wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return s.wrap(op, err)
		}
	}
	return s.wrap(op, rows.Err())
}

// Stats counts what the store holds.
type Stats struct {
	Documents, Observations, Points, Revisions, Outbox int64
	// LastIngest is when documents were last stored; zero when never.
	LastIngest time.Time
}

// Stats returns the row counts of the store and the time of the last ingest.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	if err := s.check("stats"); err != nil {
		return st, err
	}
	var last sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM documents), (SELECT count(*) FROM observations), (SELECT count(*) FROM points),
		(SELECT count(*) FROM revisions), (SELECT count(*) FROM outbox),
		(SELECT value FROM meta WHERE key = ?)`, metaLastIngest).Scan(
		&st.Documents, &st.Observations, &st.Points, &st.Revisions, &st.Outbox, &last)
	if err != nil {
		return st, s.wrap("stats", err)
	}
	if last.Valid {
		sec, err := strconv.ParseInt(last.String, 10, 64)
		if err != nil {
			return st, s.wrap("stats", fmt.Errorf("meta %s %q: %w", metaLastIngest, last.String, err))
		}
		st.LastIngest = timeOf(sec)
	}
	return st, nil
}
