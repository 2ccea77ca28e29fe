package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"reflect"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// The multi-row inserts of Ingest (rowWriter) run most of the writer's CPU
// time, and through database/sql and the driver most of it went to
// handling arguments rather than to SQLite: database/sql converts every
// argument, the driver looks up each parameter's name, copies every text
// argument into a C string of its own, binds it under the connection's
// mutex, and after the statement binds NULL to it and frees it again.
//
// rawDB runs the same statements through the SQLite C API of
// modernc.org/sqlite/lib on the handle of the write connection, inside the
// transaction database/sql began: the text arguments of a statement are
// copied into one C buffer and bound without another copy (SQLITE_STATIC),
// the numbers are bound directly.
//
// The handle is read from the driver's connection with reflect, which
// checks the field names and types first: with a driver whose connection
// looks different, rawHandle reports false and the rows go through
// database/sql as before.

// useRaw can be turned off to force the database/sql path (tests).
var useRaw = true

// rawDB is the SQLite handle of a connection of the modernc.org/sqlite
// driver. It is valid only inside the function passed to sql.Conn.Raw.
type rawDB struct {
	tls *libc.TLS
	db  uintptr // *sqlite3
}

// rawHandle returns the SQLite handle of the driver connection dc, or
// false when dc is not a connection of modernc.org/sqlite as this code
// knows it.
func rawHandle(dc any) (rawDB, bool) {
	v := reflect.ValueOf(dc)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return rawDB{}, false
	}
	t := v.Elem().Type()
	if t.PkgPath() != "modernc.org/sqlite" || t.Name() != "conn" {
		return rawDB{}, false
	}
	fdb, ok1 := t.FieldByName("db")
	ftls, ok2 := t.FieldByName("tls")
	if !ok1 || !ok2 || fdb.Type != reflect.TypeFor[uintptr]() || ftls.Type != reflect.TypeFor[*libc.TLS]() {
		return rawDB{}, false
	}
	base := v.UnsafePointer()
	r := rawDB{db: *(*uintptr)(unsafe.Add(base, fdb.Offset)), tls: *(**libc.TLS)(unsafe.Add(base, ftls.Offset))}
	return r, r.db != 0 && r.tls != nil
}

// connHasRaw reports whether conn's driver connection has a raw handle
// (and useRaw is on).
func connHasRaw(conn *sql.Conn) bool {
	if !useRaw {
		return false
	}
	ok := false
	err := conn.Raw(func(dc any) error {
		_, ok = rawHandle(dc)
		return nil
	})
	return err == nil && ok
}

// err returns the connection's error message for result code rc.
func (r rawDB) err(rc int32) error {
	return fmt.Errorf("%s (%d)", libc.GoString(sqlite3.Xsqlite3_errmsg(r.tls, r.db)), rc)
}

// prepare compiles q into a persistent statement.
func (r rawDB) prepare(q string) (uintptr, error) {
	z, err := libc.CString(q)
	if err != nil {
		return 0, fmt.Errorf("prepare: %w", err)
	}
	defer libc.Xfree(r.tls, z)
	pp := r.tls.Alloc(8)
	defer r.tls.Free(8)
	if rc := sqlite3.Xsqlite3_prepare_v3(r.tls, r.db, z, int32(len(q)+1), sqlite3.SQLITE_PREPARE_PERSISTENT, pp, 0); rc != sqlite3.SQLITE_OK {
		return 0, fmt.Errorf("prepare: %w", r.err(rc))
	}
	st := uintptr(binary.NativeEndian.Uint64(libc.GoBytes(pp, 8)))
	if st == 0 {
		return 0, fmt.Errorf("prepare: empty statement")
	}
	return st, nil
}

// finalize deletes the statement st.
func (r rawDB) finalize(st uintptr) { sqlite3.Xsqlite3_finalize(r.tls, st) }

// exec binds args to the statement st (one argument per parameter, in
// order), runs it, resets it and clears its bindings. The text arguments
// are gathered in scratch, copied once into a C buffer for the statement
// and bound without another copy (SQLITE_STATIC: the buffer lives until
// the bindings are cleared).
func (r rawDB) exec(st uintptr, args []any, scratch *[]byte) error {
	if n := int(sqlite3.Xsqlite3_bind_parameter_count(r.tls, st)); n != len(args) {
		return fmt.Errorf("%d arguments for %d parameters", len(args), n)
	}
	// A NULL pointer would bind NULL, so the buffer is never empty and
	// even "" points into it.
	texts := append((*scratch)[:0], 0)
	for _, a := range args {
		if s, ok := a.(string); ok {
			texts = append(texts, s...)
		}
	}
	*scratch = texts
	p, err := libc.CString(unsafe.String(&texts[0], len(texts)))
	if err != nil {
		return err
	}
	defer libc.Xfree(r.tls, p)
	defer sqlite3.Xsqlite3_clear_bindings(r.tls, st)
	off := uintptr(1)
	for i, a := range args {
		idx := int32(i + 1)
		var rc int32
		switch x := a.(type) {
		case string:
			rc = sqlite3.Xsqlite3_bind_text(r.tls, st, idx, p+off, int32(len(x)), 0)
			off += uintptr(len(x))
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, st, idx, x)
		case int:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, st, idx, int64(x))
		case float64:
			rc = sqlite3.Xsqlite3_bind_double(r.tls, st, idx, x)
		case bool:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, st, idx, int64(boolInt(x)))
		case nil:
			rc = sqlite3.Xsqlite3_bind_null(r.tls, st, idx)
		default:
			return fmt.Errorf("argument %d: unsupported type %T", idx, a)
		}
		if rc != sqlite3.SQLITE_OK {
			return fmt.Errorf("bind argument %d: %w", idx, r.err(rc))
		}
	}
	rc := sqlite3.Xsqlite3_step(r.tls, st)
	if rc == sqlite3.SQLITE_DONE {
		if rc = sqlite3.Xsqlite3_reset(r.tls, st); rc == sqlite3.SQLITE_OK {
			return nil
		}
		return r.err(rc)
	}
	err = r.err(rc) // before reset, which may clear the message
	sqlite3.Xsqlite3_reset(r.tls, st)
	return err
}

// rawInserts are the statements of the insertSpecs prepared on one SQLite
// handle. Only the writer (holding the write
// connection) uses them.
type rawInserts struct {
	db      uintptr
	stmts   map[*insertSpec]*[maxRowsLog2 + 1]uintptr
	scratch []byte // the text arguments of a statement
}

// stmt returns the statement inserting 1<<k rows of sp on r, preparing it
// when needed. Statements of another handle (the write connection was
// replaced) are forgotten: they were finalized with it.
func (ri *rawInserts) stmt(r rawDB, sp *insertSpec, k int) (uintptr, error) {
	if ri.db != r.db {
		*ri = rawInserts{db: r.db, stmts: map[*insertSpec]*[maxRowsLog2 + 1]uintptr{}}
	}
	a := ri.stmts[sp]
	if a == nil {
		a = new([maxRowsLog2 + 1]uintptr)
		ri.stmts[sp] = a
	}
	if a[k] == 0 {
		st, err := r.prepare(sp.sql(1 << k))
		if err != nil {
			return 0, err
		}
		a[k] = st
	}
	return a[k], nil
}

// close finalizes the statements prepared on r.
func (ri *rawInserts) close(r rawDB) {
	if ri.db != r.db {
		return
	}
	for _, a := range ri.stmts {
		for _, st := range a {
			if st != 0 {
				r.finalize(st)
			}
		}
	}
	*ri = rawInserts{}
}

// closeRaw finalizes the raw statements on the write connection.
func (s *Store) closeRaw(ctx context.Context) {
	s.insMu.Lock()
	defer s.insMu.Unlock()
	if s.raw.db == 0 {
		return
	}
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	conn.Raw(func(dc any) error {
		if r, ok := rawHandle(dc); ok {
			s.raw.close(r)
		}
		return nil
	})
}
