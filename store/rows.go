package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// rowWriter inserts rows with multi-row INSERT statements, which costs far
// less per row than one statement per row.
type rowWriter struct {
	ctx       context.Context
	tx        *sql.Tx
	head      string // INSERT INTO t(a, b) VALUES
	tail      string // e.g. ON CONFLICT ...
	cols, per int
	args      []any
	n         int
	full      *sql.Stmt // prepared for per rows
}

// newRowWriter returns a writer for "INSERT INTO table(cols) VALUES ... tail".
func newRowWriter(ctx context.Context, tx *sql.Tx, table string, cols []string, tail string) *rowWriter {
	return &rowWriter{
		ctx: ctx, tx: tx, cols: len(cols), per: min(200, 30000/len(cols)), tail: tail,
		head: "INSERT INTO " + table + "(" + strings.Join(cols, ", ") + ") VALUES ",
	}
}

// add queues one row; vals must have one value per column.
func (w *rowWriter) add(vals ...any) error {
	if len(vals) != w.cols {
		return fmt.Errorf("row of %d values for %d columns", len(vals), w.cols)
	}
	w.args = append(w.args, vals...)
	w.n++
	if w.n == w.per {
		return w.flush()
	}
	return nil
}

// flush inserts the queued rows.
func (w *rowWriter) flush() error {
	if w.n == 0 {
		return nil
	}
	var err error
	if w.n == w.per {
		if w.full == nil {
			if w.full, err = w.tx.PrepareContext(w.ctx, w.sql(w.per)); err != nil {
				return err
			}
		}
		_, err = w.full.ExecContext(w.ctx, w.args...)
	} else {
		_, err = w.tx.ExecContext(w.ctx, w.sql(w.n), w.args...)
	}
	w.args, w.n = w.args[:0], 0
	return err
}

// sql returns the statement for n rows.
func (w *rowWriter) sql(n int) string {
	row := "(?" + strings.Repeat(", ?", w.cols-1) + ")"
	return w.head + row + strings.Repeat(", "+row, n-1) + " " + w.tail
}

// close releases the prepared statement.
func (w *rowWriter) close() {
	if w.full != nil {
		w.full.Close()
	}
}
