package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// metaBulkIndexes is the meta key holding the definitions of the indexes
// dropped by BulkLoad (a JSON list of CREATE INDEX statements) until they
// are created again.
const metaBulkIndexes = "bulk_load_indexes"

// bulkTables are the tables Ingest writes whose secondary indexes BulkLoad
// drops. Ingest itself reads only primary keys (documents.id, the points
// key), which are kept. The documents' span index is kept too: it is small
// and cheap to update, where building it again would read every document.
var bulkTables = []string{"points", "revisions"}

// BulkLoad prepares the store for a large number of Ingest calls: it drops
// the secondary indexes of the tables Ingest writes, which otherwise cost
// an index update per inserted row, and returns finish, which creates them
// again in one sorted pass. Queries stay correct meanwhile, only slower.
//
// The definitions of the dropped indexes are kept in the meta table in
// the transaction that drops them, so a bulk load that never finishes
// (crash, kill) loses nothing: the next Open, or finish of any bulk load,
// creates them again. Calling finish again is a no-op.
func (s *Store) BulkLoad(ctx context.Context) (finish func(context.Context) error, err error) {
	err = s.inTx(ctx, "begin bulk load", func(tx *sql.Tx) error {
		pending, err := pendingIndexes(ctx, tx)
		if err != nil {
			return err
		}
		drop, err := secondaryIndexes(ctx, tx)
		if err != nil {
			return err
		}
		for _, ix := range drop {
			if _, err := tx.ExecContext(ctx, `DROP INDEX `+quoteIdent(ix.name)); err != nil {
				return fmt.Errorf("drop index %s: %w", ix.name, err)
			}
			pending = append(pending, ix.sql)
		}
		return setPendingIndexes(ctx, tx, pending)
	})
	if err != nil {
		return nil, err
	}
	// Ingest writes a document's row before the rows referring to it in
	// the same transaction, so the per-row foreign key lookups of this
	// connection can be spared meanwhile. The write pool's only
	// connection keeps this state; a new one starts with them on again.
	if _, err := s.write.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return nil, s.wrap("begin bulk load", err)
	}
	return s.endBulkLoad, nil
}

// endBulkLoad turns the foreign key checks on again and creates the
// indexes a bulk load dropped, if any.
func (s *Store) endBulkLoad(ctx context.Context) error {
	if err := s.check("end bulk load"); err != nil {
		return err
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err != nil {
		return s.wrap("end bulk load", err)
	}
	return s.inTx(ctx, "end bulk load", func(tx *sql.Tx) error {
		return restoreIndexes(ctx, tx)
	})
}

// restoreIndexes creates the indexes recorded under metaBulkIndexes in tx
// and forgets them.
func restoreIndexes(ctx context.Context, tx *sql.Tx) error {
	pending, err := pendingIndexes(ctx, tx)
	if err != nil || len(pending) == 0 {
		return err
	}
	for _, def := range pending {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("create index (%s): %w", def, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM meta WHERE key = ?`, metaBulkIndexes); err != nil {
		return fmt.Errorf("delete %s: %w", metaBulkIndexes, err)
	}
	return nil
}

// indexDef is an index and the statement that created it.
type indexDef struct{ name, sql string }

// secondaryIndexes lists the explicitly created indexes of bulkTables.
func secondaryIndexes(ctx context.Context, tx *sql.Tx) ([]indexDef, error) {
	args := make([]any, len(bulkTables))
	for i, t := range bulkTables {
		args[i] = t
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (?`+strings.Repeat(", ?", len(bulkTables)-1)+`)
		ORDER BY name`, args...)
	if err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	defer rows.Close()
	var defs []indexDef
	for rows.Next() {
		var d indexDef
		if err := rows.Scan(&d.name, &d.sql); err != nil {
			return nil, fmt.Errorf("list indexes: %w", err)
		}
		defs = append(defs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list indexes: %w", err)
	}
	return defs, nil
}

// pendingIndexes returns the index definitions a bulk load left to create.
func pendingIndexes(ctx context.Context, tx *sql.Tx) ([]string, error) {
	var v string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, metaBulkIndexes).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", metaBulkIndexes, err)
	}
	var defs []string
	if err := json.Unmarshal([]byte(v), &defs); err != nil {
		return nil, fmt.Errorf("read %s: %w", metaBulkIndexes, err)
	}
	return defs, nil
}

func setPendingIndexes(ctx context.Context, tx *sql.Tx, defs []string) error {
	if len(defs) == 0 {
		return nil
	}
	v, err := json.Marshal(defs)
	if err != nil {
		return err
	}
	if err := setMeta(ctx, tx, metaBulkIndexes, string(v)); err != nil {
		return fmt.Errorf("set %s: %w", metaBulkIndexes, err)
	}
	return nil
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	q := []byte{'"'}
	for i := range len(s) {
		if s[i] == '"' {
			q = append(q, '"')
		}
		q = append(q, s[i])
	}
	return string(append(q, '"'))
}
