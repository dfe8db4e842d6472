#!/bin/sh
# Start the machine's PostgreSQL server and create the storage tests' role and database.
# Needs root and Debian's postgresql packages (pg_ctlcluster); otherwise it says so and the
# PostgreSQL half of tests/core/test_store.py skips (it fails instead under CI=true).
set -eu
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL tests: no local server to start (needs root and pg_ctlcluster)"
    exit 0
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
[ -n "$cluster" ] || { echo "PostgreSQL tests: no cluster found by pg_lsclusters"; exit 0; }
pg_ctlcluster $cluster start 2>/dev/null || true
psql_as_postgres() { su postgres -c "psql -tAq -c \"$1\""; }
[ "$(psql_as_postgres "SELECT 1 FROM pg_roles WHERE rolname='winterproof'")" = 1 ] ||
    psql_as_postgres "CREATE ROLE winterproof LOGIN SUPERUSER PASSWORD 'winterproof'"
[ "$(psql_as_postgres "SELECT 1 FROM pg_database WHERE datname='winterproof_test'")" = 1 ] ||
    su postgres -c "createdb -O winterproof winterproof_test"
echo "PostgreSQL tests: server up, database winterproof_test ready"
