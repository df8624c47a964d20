#!/usr/bin/env bash
# The test suite on SQLite and, when GREENCERT_TEST_DATABASE_URL names a PostgreSQL server, on
# PostgreSQL too. The two runs go side by side: much of the suite waits on servers, browsers and
# child processes, so together they take little longer than the slower one alone. Each run's
# output goes to its own log under var/, shown whole when both are over.
#
# Usage: scripts/test-engines.sh PYTEST [ARGS...]
set -uo pipefail

mkdir -p var
sqlite_log=var/test-sqlite.log
postgres_log=var/test-postgresql.log

if [ -z "${GREENCERT_TEST_DATABASE_URL:-}" ]; then
    echo "== test suite on SQLite =="
    echo "GREENCERT_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped"
    exec env -u GREENCERT_DATABASE_URL "$@"
fi

echo "== test suite on SQLite and on PostgreSQL ($GREENCERT_TEST_DATABASE_URL), side by side =="
echo "   progress: tail -f $sqlite_log $postgres_log"
started=$SECONDS
env -u GREENCERT_DATABASE_URL "$@" > "$sqlite_log" 2>&1 &
sqlite_pid=$!
GREENCERT_DATABASE_URL="$GREENCERT_TEST_DATABASE_URL" "$@" > "$postgres_log" 2>&1 &
postgres_pid=$!
trap 'kill $sqlite_pid $postgres_pid 2>/dev/null' INT TERM

wait $sqlite_pid
sqlite_status=$?
wait $postgres_pid
postgres_status=$?

for run in "SQLite:$sqlite_log:$sqlite_status" "PostgreSQL:$postgres_log:$postgres_status"; do
    IFS=: read -r engine log status <<< "$run"
    echo "== test suite on $engine (exit status $status) =="
    cat "$log"
done
echo "== both runs took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s =="
[ "$sqlite_status" -eq 0 ] && [ "$postgres_status" -eq 0 ]
