// Package sqlstore implements store.Store on database/sql with one
// portable query set ($N placeholders, RETURNING, explicit columns, times
// and JSON passed as parameters) that runs unchanged on SQLite (modernc)
// and PostgreSQL (pgx), and with River as the job queue on the same
// database. Packages sqlite and postgres open the database, supply the
// dialect's migrations and River driver, and hand them to New.
//
// Times are written as time.Time parameters and read back through a
// scanner that accepts both a time.Time (PostgreSQL TIMESTAMPTZ) and the
// text SQLite stores. JSON is stored as text (SQLite TEXT, PostgreSQL
// json), so results come back byte for byte as they were written on both
// databases.
package sqlstore
