// Package sqlite is the embedded store: store.Store on a SQLite file
// through the pure-Go modernc driver, with River's SQLite driver as the
// run queue. It is what parley serve uses when no --db is given.
//
// The database runs in WAL mode (readers do not block the writer) with a
// 10 s busy timeout and foreign keys enforced. Writes, transactions and the
// queue go through one connection, as River's SQLite driver requires:
// SQLite has one writer at a time anyway, and a single connection turns
// lock contention into orderly queueing inside the process. Plain reads
// (the API's GETs, token checks) use a separate pool of read-only
// connections, which WAL lets run beside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/sqlstore"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the store on one SQLite file.
type DB = sqlstore.DB

// DefaultPath is the database file parley serve uses without --db.
const DefaultPath = "parley.db"

// pragmas are applied by the driver to every connection it opens;
// _time_format=sqlite makes the driver write times as SQLite's own
// "YYYY-MM-DD HH:MM:SS.SSS+00:00" text, which its date functions read.
const pragmas = "_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite"

// DSN returns the driver's data source name for the file at path.
func DSN(path string) (string, error) {
	if path == "" {
		return "", parley.Errorf(parley.EINVALID, "no database file given")
	}
	if strings.ContainsAny(path, "?#") {
		return "", parley.Errorf(parley.EINVALID, "database file name %q must not contain '?' or '#'", path)
	}
	return "file:" + path + "?" + pragmas, nil
}

// Open opens (creating it if needed) the SQLite database at path. Call
// Migrate on the result before use. logger may be nil.
func Open(ctx context.Context, path string, logger *slog.Logger) (*DB, error) {
	dsn, err := DSN(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("open %s: cannot use WAL mode (journal_mode %q, %v)", path, mode, err)
	}
	// The read pool opens its connections lazily, after Migrate has
	// created the tables.
	rdb, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(max(4, runtime.NumCPU()))
	rdb.SetMaxIdleConns(max(4, runtime.NumCPU()))
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		db.Close()
		rdb.Close()
		return nil, err
	}
	s, err := sqlstore.New(sqlstore.Config{
		Dialect:    goose.DialectSQLite3,
		DB:         db,
		ReadDB:     rdb,
		Driver:     riversqlite.New(db),
		Migrations: sub,
		Logger:     logger,
		// SQLite cannot notify idle workers of a new run, so they look
		// often; the query is cheap.
		PollInterval: 100 * time.Millisecond,
	})
	if err != nil {
		db.Close()
		rdb.Close()
		return nil, err
	}
	return s, nil
}
