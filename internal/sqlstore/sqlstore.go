package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
)

// Config describes one database for New.
type Config struct {
	// Dialect is goose's name for the database: goose.DialectSQLite3 or
	// goose.DialectPostgres.
	Dialect goose.Dialect
	// DB is the connection pool; New takes ownership and Close closes it.
	DB *sql.DB
	// ReadDB, when set, serves the queries that only read, outside
	// transactions (SQLite: a pool of read-only connections beside the
	// single writer). New takes ownership of it too.
	ReadDB *sql.DB
	// Driver is River's driver on DB.
	Driver riverdriver.Driver[*sql.Tx]
	// Migrations holds the dialect's goose migrations at its root.
	Migrations fs.FS
	// Logger receives River's and the workers' logs; nil discards them.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// OnClose runs after DB is closed (to close a pgx pool, say).
	OnClose func()
	// PollInterval is the workers' default store.WorkConfig.PollInterval:
	// short where the database cannot wake idle workers (SQLite).
	PollInterval time.Duration
}

// DB is a store.Store on one SQL database.
type DB struct {
	cfg    Config
	db     *sql.DB
	rdb    *sql.DB // reads; db when there is no separate pool
	log    *slog.Logger
	insert *river.Client[*sql.Tx]

	mu      sync.Mutex
	workers *river.Client[*sql.Tx]
	closed  bool

	// stmts caches prepared read statements by query: preparing a
	// statement costs more than running these small ones.
	stmts sync.Map // string → *sql.Stmt
}

// readStmt returns the prepared statement of read query q.
func (db *DB) readStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := db.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.rdb.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// readRow runs a read query expected to return at most one row.
func (db *DB) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return db.rdb.QueryRowContext(ctx, q, args...) // reports the error
	}
	return st.QueryRowContext(ctx, args...)
}

// readRows runs a read query.
func (db *DB) readRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

var _ store.Store = (*DB)(nil)

// New returns a store on cfg.DB. Call Migrate before using it.
func New(cfg Config) (*DB, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// The insert-only client never starts: it writes jobs inside our
	// transactions and cancels them. Workers get a client of their own.
	insert, err := river.NewClient(cfg.Driver, &river.Config{Logger: log, SkipUnknownJobCheck: true})
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	rdb := cfg.ReadDB
	if rdb == nil {
		rdb = cfg.DB
	}
	return &DB{cfg: cfg, db: cfg.DB, rdb: rdb, log: log, insert: insert}, nil
}

// SQL returns the underlying pool, for tests and tools.
func (db *DB) SQL() *sql.DB { return db.db }

// Migrate brings the schema up to date: Parley's tables with goose, then
// River's with its own migrator. It is safe to run at every start.
func (db *DB) Migrate(ctx context.Context) error {
	var opts []goose.ProviderOption
	if db.cfg.Dialect == goose.DialectPostgres {
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(db.cfg.Dialect, db.db, db.cfg.Migrations, opts...)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	m, err := rivermigrate.New(db.cfg.Driver, &rivermigrate.Config{Logger: db.log})
	if err != nil {
		return fmt.Errorf("migrate queue: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate queue: %w", err)
	}
	return nil
}

// Close stops the workers, waiting for running jobs until ctx is done,
// and closes the database.
func (db *DB) Close(ctx context.Context) error {
	db.mu.Lock()
	w := db.workers
	db.workers = nil
	already := db.closed
	db.closed = true
	db.mu.Unlock()
	if already {
		return nil
	}
	var errs []error
	if w != nil {
		if err := w.Stop(ctx); err != nil {
			// Jobs still running are cancelled; they are retried by a
			// later worker since their results were not committed.
			errs = append(errs, w.StopAndCancel(context.WithoutCancel(ctx)))
		}
	}
	db.stmts.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	if db.rdb != db.db {
		errs = append(errs, db.rdb.Close())
	}
	errs = append(errs, db.db.Close())
	if db.cfg.OnClose != nil {
		db.cfg.OnClose()
	}
	return errors.Join(errs...)
}

func (db *DB) now() time.Time { return db.cfg.Now().UTC().Round(time.Microsecond) }

// tx runs fn in a transaction, committing when it returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// newID returns a random identifier of 16 lowercase letters and digits.
func newID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// validID reports whether id could have come from newID, so that other
// strings are answered "not found" without a query.
func validID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Cursors are the seq of the last item of the page, base64url-encoded so
// that clients treat them as opaque.
func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(seq, 10)))
}

func decodeCursor(c string) (int64, error) {
	if c == "" {
		return math.MaxInt64, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if n, err := strconv.ParseInt(string(b), 10, 64); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, parley.Errorf(parley.EINVALID, "invalid cursor %q: use the next value of the previous page", c)
}

func limit(p store.Page) (int, error) {
	switch {
	case p.Limit < 0:
		return 0, parley.Errorf(parley.EINVALID, "limit must be at least 1, got %d", p.Limit)
	case p.Limit == 0:
		return store.DefaultLimit, nil
	case p.Limit > store.MaxLimit:
		return store.MaxLimit, nil
	}
	return p.Limit, nil
}

// timeScan reads a time written as a time.Time parameter: PostgreSQL
// returns a time.Time, SQLite the text modernc wrote.
type timeScan struct{ t *time.Time }

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST", // time.Time.String
	"2006-01-02 15:04:05",
}

func (s timeScan) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		*s.t = v.UTC()
		return nil
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	}
	return fmt.Errorf("cannot read %T as a time", v)
}

func (s timeScan) parse(v string) error {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			*s.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("cannot read %q as a time", v)
}

// nullTimeScan reads a nullable time into a *time.Time.
type nullTimeScan struct{ t **time.Time }

func (s nullTimeScan) Scan(v any) error {
	if v == nil {
		*s.t = nil
		return nil
	}
	var t time.Time
	if err := (timeScan{&t}).Scan(v); err != nil {
		return err
	}
	*s.t = &t
	return nil
}

// text passes JSON and documents as strings, which both drivers send as
// text (a []byte would be bytea on PostgreSQL).
func text(b []byte) string { return string(b) }

// bytesScan reads text into a []byte.
type bytesScan struct{ b *[]byte }

func (s bytesScan) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.b = nil
	case string:
		*s.b = []byte(v)
	case []byte:
		*s.b = append([]byte(nil), v...)
	default:
		return fmt.Errorf("cannot read %T as text", v)
	}
	return nil
}

var (
	_ sql.Scanner = timeScan{}
	_ sql.Scanner = nullTimeScan{}
	_ sql.Scanner = bytesScan{}
)
