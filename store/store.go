// Package store keeps documents, the figures they report (observations, with
// their evidence) and the accepted time series derived from them in an
// embedded SQLite database. It also keeps the conditional-GET state of web
// sources, a small key/value table and the outbox that carries every change
// of the accepted series to InfluxDB.
//
// The database is opened twice: one connection writes (every write is a
// BEGIN IMMEDIATE transaction, so writers queue instead of failing) and a
// pool of read-only connections serves queries, which in WAL mode never wait
// for the writer.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// ErrClosed is returned by every method called after Close.
var ErrClosed = errors.New("store is closed")

// busyTimeout is how long SQLite waits for a lock held by another
// connection or process before failing with SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// lockWait is how long a write transaction keeps retrying to take the write
// lock. SQLite's busy handler is not fair: a process that writes without
// pause can starve another one beyond busyTimeout, so BEGIN is retried.
const lockWait = 2 * time.Minute

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	path   string
	write  *sql.DB // one connection: all writes
	read   *sql.DB // read-only pool: all queries
	closed atomic.Bool
	now    func() time.Time // clock for ingest/outbox times; replaced in tests

	insMu sync.Mutex
	ins   inserts // prepared on first Ingest; see prepareInserts
}

// Open opens the database at path, creating it and its parent directories
// when missing, and applies pending schema migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open store %q: want a file path", path)
	}
	if strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open store %s: path must not contain '?'", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	s := &Store{path: path, now: time.Now}
	var err error
	// temp_store(MEMORY): the statement journals of multi-row INSERTs stay
	// in memory instead of a temp file written page by page. cache_size:
	// 8 MiB; a larger cache took several times its size in memory and
	// saved no measurable time.
	if s.write, err = openPool(path, 1, "_txlock=immediate&_pragma=synchronous(NORMAL)&_pragma=cache_size(-8192)&_pragma=temp_store(MEMORY)"); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.setup(ctx); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	readers := max(4, runtime.GOMAXPROCS(0))
	if s.read, err = openPool(path, readers, "_pragma=query_only(1)"); err != nil {
		s.write.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.read.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// pageSize is the page size of a new database. A document of a few KB
// and its figures fit in one 16 KB page, where with SQLite's default 4 KB
// every document spilled onto a chain of overflow pages: the backfill
// writer's CPU per document was 0.073 ms at 4 KB, 0.048-0.060 at 16 KB
// and 0.050-0.057 at 32 KB, whose pages made the writer's page cache
// take more memory (peak RSS of a 20,000-document backfill 114 MiB at
// 16 KB, 150 MiB at 32 KB, both with an 8 MiB cache). An existing
// database keeps its page size.
const pageSize = 16384

// setup sets the page size of a new (empty) database, then WAL mode. This
// is not in the DSN: the driver applies DSN pragmas in alphabetical order,
// and in WAL mode the page size can no longer change.
func (s *Store) setup(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", pageSize)); err != nil {
		return fmt.Errorf("set page size: %w", err)
	}
	var mode string
	if err := s.write.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("set WAL mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("set WAL mode: the database stays in journal mode %q", mode)
	}
	return nil
}

// openPool opens a connection pool on path with the common pragmas plus
// extra DSN parameters.
func openPool(path string, conns int, extra string) (*sql.DB, error) {
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&%s",
		path, busyTimeout.Milliseconds(), extra)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close closes the database. Calling it again is a no-op.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.insMu.Lock()
	closeInserts(s.ins)
	s.insMu.Unlock()
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Ping checks that the database can be read and written.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.check("ping"); err != nil {
		return err
	}
	if err := s.read.PingContext(ctx); err != nil {
		return s.wrap("ping", err)
	}
	var n int
	if err := s.write.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return s.wrap("ping", err)
	}
	return nil
}

// check returns ErrClosed, naming the file and the operation, after Close.
func (s *Store) check(op string) error {
	if s.closed.Load() {
		return fmt.Errorf("store %s: %s: %w", s.path, op, ErrClosed)
	}
	return nil
}

// wrap names the file and the operation in err.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store %s: %s: %w", s.path, op, err)
}

// inTx runs fn in a write transaction, committing when fn succeeds.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if err := s.check(op); err != nil {
		return err
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return s.wrap(op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}

// begin starts a write transaction (BEGIN IMMEDIATE), retrying while the
// database is locked by another process, for at most lockWait.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	deadline := time.Now().Add(lockWait)
	for {
		tx, err := s.write.BeginTx(ctx, nil)
		if err == nil || !isBusy(err) || ctx.Err() != nil || time.Now().After(deadline) {
			return tx, err
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY (the database is locked).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
}

// SetMeta stores value under key in the key/value table.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return s.inTx(ctx, "set meta "+key, func(tx *sql.Tx) error {
		return setMeta(ctx, tx, key, value)
	})
}

func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		key, value)
	return err
}

// Meta returns the value stored under key, or "" when there is none.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	if err := s.check("meta " + key); err != nil {
		return "", err
	}
	var v string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, s.wrap("meta "+key, err)
}

// FetchState returns the ETag and Last-Modified validators last seen for
// url, each "" when unknown.
func (s *Store) FetchState(ctx context.Context, url string) (etag, lastModified string, err error) {
	if err := s.check("fetch state " + url); err != nil {
		return "", "", err
	}
	err = s.read.QueryRowContext(ctx,
		`SELECT etag, last_modified FROM fetch_state WHERE url = ?`, url).Scan(&etag, &lastModified)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil
	}
	if err != nil {
		return "", "", s.wrap("fetch state "+url, err)
	}
	return etag, lastModified, nil
}

// SetFetchState records the ETag and Last-Modified validators of url.
func (s *Store) SetFetchState(ctx context.Context, url, etag, lastModified string) error {
	return s.inTx(ctx, "set fetch state "+url, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO fetch_state(url, etag, last_modified, updated) VALUES (?, ?, ?, ?)
			ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, updated = excluded.updated`,
			url, etag, lastModified, s.now().Unix())
		return err
	})
}
