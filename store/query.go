package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
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
	from, to, err := f.bounds()
	if err != nil {
		return "", nil, err
	}
	if from != nil {
		conds, args = append(conds, a+".period_start >= ?"), append(args, *from)
	}
	if to != nil {
		conds, args = append(conds, a+".period_start <= ?"), append(args, *to)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// bounds returns the starts (unix seconds) of the From and To periods, nil
// when not set.
func (f Filter) bounds() (from, to *int64, err error) {
	for _, b := range []struct {
		name, val string
		dst       **int64
	}{{"from", f.From, &from}, {"to", f.To, &to}} {
		if b.val == "" {
			continue
		}
		p, err := parser.ParsePeriod(b.val)
		if err != nil {
			return nil, nil, fmt.Errorf("filter %s: %w", b.name, err)
		}
		start := p.Start.Unix()
		*b.dst = &start
	}
	return from, to, nil
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

// pointCols are the columns scanned by scanPoint, for aliases p (point)
// and d (document).
const pointCols = `d.publisher, p.granularity, p.main, d.id, d.url, d.title, d.published,
	p.evidence, p.ev_start, p.ev_end, p.confidence`

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
		FROM points p JOIN documents d ON d.id = p.document_id` +
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
	figs := figureCache{}
	q := `SELECT ` + keyCols("r") + `, d.publisher, p.granularity, d.main_period, d.id, d.url, d.title,
		d.published, d.figures, r.seq, p.revisions, r.accepted_at, r.superseded_at
		FROM points p
		JOIN revisions r ON r.source = p.source AND r.period = p.period AND r.metric = p.metric
			AND r.category = p.category AND r.region = p.region
		JOIN documents d ON d.id = r.document_id` +
		where + ` ORDER BY r.id`
	err = s.query(ctx, tx, "history", q, args, func(rows *sql.Rows) error {
		var r Revision
		var main string
		var enc []byte
		var seq int
		var published, accepted, superseded int64
		if err := rows.Scan(&r.Source, &r.Period, &r.Metric, &r.Category, &r.Region, &r.Value, &r.Qualifier,
			&r.Publisher, &r.Granularity, &main, &r.DocumentID, &r.URL, &r.Title, &published, &enc, &seq,
			&r.Revisions, &accepted, &superseded); err != nil {
			return err
		}
		f, err := figs.figure(r.DocumentID, enc, seq)
		if err != nil {
			return err
		}
		r.Main, r.Published = main == r.Period, timeOf(published)
		r.Evidence, r.Start, r.End, r.Confidence = f.Evidence.Text, f.Evidence.Start, f.Evidence.End, f.Confidence
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
// document, ordered like Series and then by publication date, ingest
// order and position in the document. Revisions is always 0.
//
// Observations are stored per document (see EncodeFigures): this reads
// the figures of the documents that may hold a match, found by source and
// by the span of period starts each document reports (an index), so a
// point's observations cost a few documents, and a whole series all of
// the source's.
func (s *Store) Observations(ctx context.Context, f Filter) ([]Point, error) {
	from, to, err := f.bounds()
	if err != nil {
		return nil, s.wrap("observations", err)
	}
	var conds []string
	var args []any
	if f.Source != "" {
		conds, args = append(conds, "d.source = ?"), append(args, f.Source)
	}
	// A document holds a figure of the range only if its span of period
	// starts meets it (documents_span); a point's page reads few documents.
	if from != nil {
		conds, args = append(conds, "d.max_start >= ?"), append(args, *from)
	}
	if to != nil {
		conds, args = append(conds, "d.min_start <= ?", "d.n_figures > 0"), append(args, *to)
	}
	// Strings are stored as they are in the figures value: a document
	// without the wanted ones cannot match and is not decoded.
	for _, v := range []string{f.Metric, f.Category, f.Region} {
		if v != "" {
			conds, args = append(conds, "instr(d.figures, ?) > 0"), append(args, []byte(v))
		}
	}
	q := `SELECT d.source, d.publisher, d.main_period, d.id, d.url, d.title, d.published, d.figures
		FROM documents d`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	q += " ORDER BY d.published, d.rowid"
	var out []Point
	var starts []int64
	periods := periodCache{}
	of := &obsFilter{Filter: f, fromStart: from, toStart: to}
	err = s.query(ctx, s.read, "observations", q, args, func(rows *sql.Rows) error {
		var doc Point
		var main string
		var enc []byte
		var published int64
		if err := rows.Scan(&doc.Source, &doc.Publisher, &main, &doc.DocumentID, &doc.URL, &doc.Title,
			&published, &enc); err != nil {
			return err
		}
		doc.Published = timeOf(published)
		return of.collect(doc, main, enc, periods, func(p Point, start int64) {
			out, starts = append(out, p), append(starts, start)
		})
	})
	if err != nil {
		return nil, err
	}
	sortSeries(out, starts)
	return out, nil
}

// obsFilter is a Filter with its period bounds parsed.
type obsFilter struct {
	Filter
	fromStart, toStart *int64
}

// collect calls keep with every observation of doc (whose main period and
// figures value are main and enc) that f selects, and its period start.
// The metric, category and region are compared as string indexes, so only
// the figures kept are decoded.
func (f *obsFilter) collect(doc Point, main string, enc []byte, periods periodCache,
	keep func(Point, int64)) error {
	l, err := parseFigures(enc)
	if err != nil {
		return fmt.Errorf("document %s: %w", doc.DocumentID, err)
	}
	want := [3]int{-1, -1, -1} // metric, category, region; -1 = any
	for i, v := range []string{f.Metric, f.Category, f.Region} {
		if v != "" {
			if want[i] = l.index(v); want[i] < 0 {
				return nil // the document has no such figure
			}
		}
	}
	for {
		r, ok, err := l.next()
		if err != nil {
			return fmt.Errorf("document %s: %w", doc.DocumentID, err)
		}
		if !ok {
			return nil
		}
		if (want[0] >= 0 && r.metric != want[0]) || (want[1] >= 0 && r.category != want[1]) ||
			(want[2] >= 0 && r.region != want[2]) {
			continue
		}
		per, ok := periods[string(l.strs[r.period])] // (no string made for a hit)
		if !ok {
			if per, err = periods.parse(string(l.strs[r.period])); err != nil {
				return fmt.Errorf("document %s: %w", doc.DocumentID, err)
			}
		}
		start := per.Start.Unix()
		if (f.fromStart != nil && start < *f.fromStart) || (f.toStart != nil && start > *f.toStart) {
			continue
		}
		str := func(i int) string { return string(l.strs[i]) }
		p := doc
		p.Period, p.Granularity, p.Metric, p.Category, p.Region = str(r.period), string(per.Granularity),
			str(r.metric), str(r.category), str(r.region)
		p.Value, p.Qualifier, p.Main = r.value, str(r.qualifier), p.Period == main
		p.Evidence, p.Start, p.End, p.Confidence = str(r.evidence), r.start, r.end, r.confidence
		keep(p, start)
	}
}

// sortSeries sorts points (with their period starts) in series order,
// stably: points of one series and period keep their order.
func sortSeries(points []Point, starts []int64) {
	idx := make([]int, len(points))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &points[i], &points[j]
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Metric, b.Metric),
			cmp.Compare(a.Category, b.Category), cmp.Compare(a.Region, b.Region),
			cmp.Compare(starts[i], starts[j]), cmp.Compare(a.Period, b.Period))
	})
	sorted := make([]Point, len(points))
	for k, i := range idx {
		sorted[k] = points[i]
	}
	copy(points, sorted)
}

// figureCache decodes each document's figures once.
type figureCache map[string][]parser.Figure

// figure returns figure seq of document id, whose figures value is enc.
func (c figureCache) figure(id string, enc []byte, seq int) (parser.Figure, error) {
	figs, ok := c[id]
	if !ok {
		var err error
		if figs, err = decodeFigures(enc); err != nil {
			return parser.Figure{}, fmt.Errorf("document %s: %w", id, err)
		}
		c[id] = figs
	}
	if seq < 0 || seq >= len(figs) {
		return parser.Figure{}, fmt.Errorf("document %s has %d figures, no figure %d", id, len(figs), seq)
	}
	return figs[seq], nil
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
		(SELECT count(*) FROM documents), (SELECT coalesce(sum(n), 0) FROM observation_counts),
		(SELECT count(*) FROM points),
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
