package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// insertSpec is a multi-row "INSERT INTO table(cols) VALUES ... tail".
type insertSpec struct {
	table string
	cols  []string
	tail  string // e.g. ON CONFLICT ...
}

// The inserts of Ingest.
var (
	documentRows = &insertSpec{table: "documents", cols: []string{"id", "url", "source", "publisher", "title",
		"published", "fetched", "ingested", "main_period", "n_figures", "figures", "text", "min_start", "max_start"}}
	countRows = &insertSpec{table: "observation_counts", cols: []string{"source", "metric", "n"},
		tail: `ON CONFLICT(source, metric) DO UPDATE SET n = n + excluded.n`}
	pointRows = &insertSpec{table: "points", cols: []string{"source", "period", "metric", "category", "region",
		"period_start", "granularity", "value", "qualifier", "document_id", "seq", "accepted_at",
		"main", "published", "fetched", "ev_start", "ev_end", "evidence", "confidence", "revisions", "updated"},
		tail: `ON CONFLICT(source, period, metric, category, region) DO UPDATE SET
		value = excluded.value, qualifier = excluded.qualifier, document_id = excluded.document_id,
		seq = excluded.seq, accepted_at = excluded.accepted_at, main = excluded.main,
		published = excluded.published, fetched = excluded.fetched, ev_start = excluded.ev_start,
		ev_end = excluded.ev_end, evidence = excluded.evidence, confidence = excluded.confidence,
		revisions = excluded.revisions, updated = excluded.updated`}
	revisionRows = &insertSpec{table: "revisions", cols: []string{"source", "period", "metric", "category",
		"region", "value", "qualifier", "document_id", "seq", "accepted_at", "superseded_at"}}
	outboxRows = &insertSpec{table: "outbox", cols: []string{"source", "period", "metric", "category", "region",
		"enqueued"}}
	insertSpecs = []*insertSpec{documentRows, countRows, pointRows, revisionRows, outboxRows}
)

// maxRowsLog2 bounds a statement to 1<<maxRowsLog2 rows: n rows are
// inserted by n>>maxRowsLog2 statements of that size and one statement
// per bit set in the rest, so that a few prepared statements serve every n.
const maxRowsLog2 = 7

// sql returns the statement for n rows.
func (sp *insertSpec) sql(n int) string {
	row := "(?" + strings.Repeat(", ?", len(sp.cols)-1) + ")"
	return "INSERT INTO " + sp.table + "(" + strings.Join(sp.cols, ", ") + ") VALUES " +
		row + strings.Repeat(", "+row, n-1) + " " + sp.tail
}

// inserts holds the prepared statements of every insertSpec; stmts[k]
// inserts 1<<k rows. They are prepared on the write connection once and
// reused by every transaction: preparing a statement of 128 rows costs
// about as much as running it.
type inserts map[*insertSpec]*[maxRowsLog2 + 1]*sql.Stmt

// prepareInserts prepares the statements of the insertSpecs unless done.
// It takes the write connection, so it must not run inside a write
// transaction.
func (s *Store) prepareInserts(ctx context.Context) (inserts, error) {
	s.insMu.Lock()
	defer s.insMu.Unlock()
	if s.ins != nil {
		return s.ins, nil
	}
	ins := inserts{}
	for _, sp := range insertSpecs {
		ins[sp] = new([maxRowsLog2 + 1]*sql.Stmt)
		for k := range ins[sp] {
			st, err := s.write.PrepareContext(ctx, sp.sql(1<<k))
			if err != nil {
				closeInserts(ins)
				return nil, fmt.Errorf("prepare insert into %s: %w", sp.table, err)
			}
			ins[sp][k] = st
		}
	}
	s.ins = ins
	return ins, nil
}

// closeInserts closes the prepared statements.
func closeInserts(ins inserts) {
	for _, stmts := range ins {
		for _, st := range stmts {
			if st != nil {
				st.Close()
			}
		}
	}
}

// rowWriter inserts rows of one insertSpec in a transaction with the
// prepared multi-row statements, which costs far less per row than one
// statement per row.
type rowWriter struct {
	ctx   context.Context
	tx    *sql.Tx
	spec  *insertSpec
	stmts *[maxRowsLog2 + 1]*sql.Stmt // prepared on the write connection
	inTx  [maxRowsLog2 + 1]*sql.Stmt  // the same, bound to tx when used
	args  []any
	n     int
}

// newRowWriter returns a writer of sp's rows in tx.
func newRowWriter(ctx context.Context, tx *sql.Tx, ins inserts, sp *insertSpec) *rowWriter {
	return &rowWriter{ctx: ctx, tx: tx, spec: sp, stmts: ins[sp]}
}

// add queues one row; vals must have one value per column.
func (w *rowWriter) add(vals ...any) error {
	if len(vals) != len(w.spec.cols) {
		return fmt.Errorf("row of %d values for %d columns", len(vals), len(w.spec.cols))
	}
	w.args = append(w.args, vals...)
	w.n++
	if w.n == 1<<maxRowsLog2 {
		return w.flush()
	}
	return nil
}

// flush inserts the queued rows.
func (w *rowWriter) flush() error {
	args := w.args
	for k := maxRowsLog2; k >= 0; k-- {
		if w.n&(1<<k) == 0 {
			continue
		}
		if w.inTx[k] == nil {
			w.inTx[k] = w.tx.StmtContext(w.ctx, w.stmts[k])
		}
		n := (1 << k) * len(w.spec.cols)
		if _, err := w.inTx[k].ExecContext(w.ctx, args[:n]...); err != nil {
			return err
		}
		args = args[n:]
	}
	clear(w.args)
	w.args, w.n = w.args[:0], 0
	return nil
}

// close releases the transaction's handles on the statements.
func (w *rowWriter) close() {
	for _, st := range w.inTx {
		if st != nil {
			st.Close()
		}
	}
}
