#!/usr/bin/env bash
# Installs Debian's PostgreSQL, starts it on 127.0.0.1 and creates a role
# and database for the store contract tests and the server tests. Prints
# the DSN to use as TEST_PG_DSN on its last line.
#
#   export TEST_PG_DSN=$(.ci/postgres.sh | tail -n1)
#
# Idempotent: safe to run again on a machine where it already ran. Needs
# root (apt-get, pg_ctlcluster, su postgres).
set -euo pipefail

PG_USER="${PG_USER:-parley}"
PG_PASSWORD="${PG_PASSWORD:-parley}"
PG_DB="${PG_DB:-parley_test}"
PG_PORT="${PG_PORT:-5432}"

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
fi

version=$(ls /usr/lib/postgresql | sort -n | tail -n1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
# Listen on loopback only.
conf="/etc/postgresql/$version/main/postgresql.conf"
if ! grep -q "^listen_addresses = '127.0.0.1'" "$conf"; then
  echo "listen_addresses = '127.0.0.1'" >> "$conf"
  echo "port = $PG_PORT" >> "$conf"
fi
pg_ctlcluster "$version" main start >&2 || pg_ctlcluster "$version" main status >&2

for _ in $(seq 1 30); do
  if su postgres -c "pg_isready -q -h 127.0.0.1 -p $PG_PORT"; then break; fi
  sleep 1
done

# Administration goes over the Unix socket as the postgres user (peer
# authentication); the tests connect over TCP with a password.
psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -q -p $PG_PORT -d postgres $*" >&2; }
# The role may create databases: the tests make one per test case.
if ! su postgres -c "psql -p $PG_PORT -d postgres -tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'\"" | grep -q 1; then
  psql_admin "-c \"CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'\""
fi
if ! su postgres -c "psql -p $PG_PORT -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname = '$PG_DB'\"" | grep -q 1; then
  psql_admin "-c \"CREATE DATABASE $PG_DB OWNER $PG_USER\""
fi

echo "postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB?sslmode=disable"
