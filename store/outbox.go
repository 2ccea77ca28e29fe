package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// OutboxRow is a series point waiting to be written to InfluxDB.
type OutboxRow struct {
	// ID identifies the row for OutboxDelete.
	ID int64
	// Point is the point's accepted value when the batch is read (a point
	// changed twice before the drain carries its latest value both times).
	Point Point
	// Enqueued is when the change was recorded.
	Enqueued time.Time
}

// OutboxBatch returns up to limit outbox rows, oldest first.
func (s *Store) OutboxBatch(ctx context.Context, limit int) ([]OutboxRow, error) {
	if limit <= 0 {
		return nil, s.wrap("outbox batch", fmt.Errorf("limit %d: must be positive", limit))
	}
	q := `SELECT ` + keyCols("p") + `, ` + pointCols + `, p.revisions, x.id, x.enqueued
		FROM outbox x
		JOIN points p ON p.source = x.source AND p.period = x.period AND p.metric = x.metric
			AND p.category = x.category AND p.region = x.region
		JOIN documents d ON d.id = p.document_id
		ORDER BY x.id LIMIT ?`
	var out []OutboxRow
	err := s.query(ctx, s.read, "outbox batch", q, []any{limit}, func(rows *sql.Rows) error {
		var r OutboxRow
		var enqueued int64
		if err := scanPoint(rows, &r.Point, &r.ID, &enqueued); err != nil {
			return err
		}
		r.Enqueued = timeOf(enqueued)
		out = append(out, r)
		return nil
	})
	return out, err
}

// OutboxDelete removes the rows with these IDs, once InfluxDB has
// acknowledged them. Unknown IDs are ignored.
func (s *Store) OutboxDelete(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return s.check("outbox delete")
	}
	return s.inTx(ctx, "outbox delete", func(tx *sql.Tx) error {
		const chunk = 500
		for len(ids) > 0 {
			n := min(chunk, len(ids))
			args := make([]any, n)
			for i, id := range ids[:n] {
				args[i] = id
			}
			q := `DELETE FROM outbox WHERE id IN (?` + strings.Repeat(", ?", n-1) + `)`
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
}

// OutboxEnqueueRange appends an outbox row for every accepted point matching
// f, so that the range is rewritten to InfluxDB, and returns how many.
func (s *Store) OutboxEnqueueRange(ctx context.Context, f Filter) (int, error) {
	where, args, err := f.where("p")
	if err != nil {
		return 0, s.wrap("outbox enqueue", err)
	}
	var n int64
	err = s.inTx(ctx, "outbox enqueue", func(tx *sql.Tx) error {
		q := `INSERT INTO outbox(source, period, metric, category, region, enqueued)
			SELECT p.source, p.period, p.metric, p.category, p.region, ? FROM points p` + where + seriesOrder("p")
		res, err := tx.ExecContext(ctx, q, append([]any{s.now().Unix()}, args...)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
