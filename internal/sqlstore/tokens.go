package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"

	"github.com/parley-forecast/parley"
	"github.com/parley-forecast/parley/store"
)

// secretPrefix starts every token secret, so that a leaked one is easy to
// recognise in logs and by secret scanners.
const secretPrefix = "parley_"

var tokenName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$`)

// hashSecret is how secrets are stored. A secret carries 256 random bits,
// so a plain SHA-256 cannot be reversed by guessing; no slow hash is
// needed.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// CreateToken implements store.Store.
func (db *DB) CreateToken(ctx context.Context, name string) (*store.Token, string, error) {
	if !tokenName.MatchString(name) {
		return nil, "", parley.Errorf(parley.EINVALID,
			"token name %q: want 1 to 64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit", name)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, "", err
	}
	secret := secretPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	t := &store.Token{ID: newID(), Name: name, CreatedAt: db.now()}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM tokens WHERE name = $1 AND revoked_at IS NULL`, name).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return parley.Errorf(parley.ECONFLICT, "a live token is already called %q; revoke it first or pick another name", name)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO tokens (id, name, hash, created_at) VALUES ($1, $2, $3, $4)`,
			t.ID, t.Name, hashSecret(secret), t.CreatedAt)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// Authenticate implements store.Store.
func (db *DB) Authenticate(ctx context.Context, secret string) (*store.Token, error) {
	if !strings.HasPrefix(secret, secretPrefix) {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "invalid token")
	}
	t := &store.Token{}
	err := db.readRow(ctx, `SELECT id, name, created_at FROM tokens
		WHERE hash = $1 AND revoked_at IS NULL`, hashSecret(secret)).Scan(&t.ID, &t.Name, timeScan{&t.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, parley.Errorf(parley.EUNAUTHORIZED, "invalid or revoked token")
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// RevokeToken implements store.Store. An id is tried before a name, so a
// name that happens to look like an id cannot revoke a second token.
func (db *DB) RevokeToken(ctx context.Context, idOrName string) error {
	for _, q := range []string{
		`UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
		`UPDATE tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL`,
	} {
		res, err := db.db.ExecContext(ctx, q, idOrName, db.now())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n > 0 {
			return nil
		}
	}
	return parley.Errorf(parley.ENOTFOUND, "no live token with id or name %q", idOrName)
}

// FindTokens implements store.Store.
func (db *DB) FindTokens(ctx context.Context) ([]*store.Token, error) {
	rows, err := db.readRows(ctx, `SELECT id, name, created_at, revoked_at FROM tokens ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Token
	for rows.Next() {
		t := &store.Token{}
		if err := rows.Scan(&t.ID, &t.Name, timeScan{&t.CreatedAt}, nullTimeScan{&t.RevokedAt}); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
