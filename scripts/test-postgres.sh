#!/bin/sh
# Start the machine's PostgreSQL server and create the storage tests' role and admin database.
# Needs root and Debian's postgresql packages (pg_ctlcluster); otherwise it says so and the
# PostgreSQL half of tests/core/storage/test_store.py skips (it fails instead under CI=true).
# Each test run creates its own database, winterproof_test_<pid>_<random>, and drops it at the end;
# the role is SUPERUSER so that it may. Running this again changes nothing, except that it drops
# such databases left by a run that was killed (its pid no longer runs on this machine).
set -eu
if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL tests: no local server to start (needs root and pg_ctlcluster)"
    exit 0
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
[ -n "$cluster" ] || { echo "PostgreSQL tests: no cluster found by pg_lsclusters"; exit 0; }
pg_ctlcluster $cluster start >/dev/null 2>&1 || true  # "already running" is fine
# SQL on stdin, not in `su -c "..."`: no shell quoting to get wrong.
psql_as_postgres() { printf '%s\n' "$1" | su postgres -c "psql -tAq -v ON_ERROR_STOP=1"; }
if [ "$(psql_as_postgres "SELECT 1 FROM pg_roles WHERE rolname = 'winterproof'")" != 1 ]; then
    psql_as_postgres "CREATE ROLE winterproof LOGIN SUPERUSER PASSWORD 'winterproof'"
elif [ "$(psql_as_postgres "SELECT rolsuper AND rolcanlogin FROM pg_roles WHERE rolname = 'winterproof'")" != t ]; then
    psql_as_postgres "ALTER ROLE winterproof LOGIN SUPERUSER"  # made by an older version of this script
fi
[ "$(psql_as_postgres "SELECT 1 FROM pg_database WHERE datname = 'winterproof_test'")" = 1 ] ||
    psql_as_postgres "CREATE DATABASE winterproof_test OWNER winterproof"
for db in $(psql_as_postgres "SELECT datname FROM pg_database WHERE datname ~ '^winterproof_test_[0-9]+_[0-9a-f]{8}\$'"); do
    pid=$(echo "$db" | cut -d_ -f3)
    kill -0 "$pid" 2>/dev/null || { psql_as_postgres "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" && echo "PostgreSQL tests: dropped $db, left by a killed run"; }
done
echo "PostgreSQL tests: server up, role winterproof and database winterproof_test ready"
