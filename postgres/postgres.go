// Package postgres is the team store: store.Store on PostgreSQL through
// pgx, with River's database/sql driver (plus a pgx listener for
// LISTEN/NOTIFY, so idle workers wake as soon as a run is queued) as the
// run queue. parley serve uses it when --db is a postgres:// URL.
//
// One pgx pool serves both the store (through database/sql) and River's
// listener. Several parley serve processes may share one database: each
// runs workers, and River hands every job to exactly one of them.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/internal/sqlstore"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the store on one PostgreSQL database.
type DB = sqlstore.DB

// IsURL reports whether dsn names a PostgreSQL database.
func IsURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database at dsn (a postgres:// URL). Call Migrate
// on the result before use. logger may be nil.
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	if !IsURL(dsn) {
		return nil, parley.Errorf(parley.EINVALID, "want a postgres:// URL")
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The error may quote the URL with its password: say less.
		return nil, parley.Errorf(parley.EINVALID, "cannot parse the PostgreSQL URL")
	}
	if !strings.Contains(dsn, "pool_max_conns") && cfg.MaxConns < 16 {
		cfg.MaxConns = 16
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s:%d: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	db := stdlib.OpenDBFromPool(pool)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		db.Close()
		pool.Close()
		return nil, err
	}
	s, err := sqlstore.New(sqlstore.Config{
		Dialect:    goose.DialectPostgres,
		DB:         db,
		Driver:     riverdatabasesql.NewWithPgxListener(db, pool),
		Migrations: sub,
		Logger:     logger,
		OnClose:    pool.Close,
	})
	if err != nil {
		db.Close()
		pool.Close()
		return nil, err
	}
	return s, nil
}
