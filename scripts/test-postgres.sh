#!/usr/bin/env bash
# The account server on PostgreSQL: starts a throwaway cluster (Debian's
# postgresql package: initdb/pg_ctl in a temporary folder, run as the
# `postgres` user when this runs as root, on a free port of 127.0.0.1,
# password authentication) and runs against it
#   1. the whole apiq-server suite and the apiq-client suite (the same
#      tests as on SQLite: they take the engine from APIQ_TEST_PG_URL);
#   2. the PostgreSQL-only tests: three apiq-server processes on one
#      database, bad URLs and credentials, a newer schema, connections
#      dropped while running (#[ignore]d in a plain `cargo test`);
#   3. the Python tests (py-jelastic, schemathesis, the CLI's account
#      commands) against servers on PostgreSQL (APIQ_TEST_PG_URL makes tests/py/conftest.py use it).
# The cluster is stopped and deleted on exit. Extra arguments are passed to
# every `cargo test` (e.g. a test name filter).
#
# With --shell: starts the cluster, prints `export APIQ_TEST_PG_URL=…` and
# waits (for running tests by hand); Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

shell=0
if [ "${1:-}" = "--shell" ]; then shell=1; shift; fi

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "error: PostgreSQL is not installed: run scripts/deps-server.sh" >&2; exit 2; }

WORK=$(mktemp -d /tmp/apiq-pg.XXXXXX)
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$WORK"; fi
chmod 700 "$WORK"
cleanup() {
    as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PASS=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
echo "$PASS" > "$WORK/pw"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$WORK/pw"; fi
as_pg "$PGBIN/initdb" -D "$WORK/data" -U apiq --pwfile="$WORK/pw" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 1; }
rm -f "$WORK/pw"
# fsync off: a test cluster that is thrown away needs no durability.
as_pg "$PGBIN/pg_ctl" -D "$WORK/data" -w -l "$WORK/server.log" \
    -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

export APIQ_TEST_PG_URL="postgres://apiq:$PASS@127.0.0.1:$PORT/postgres"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

if [ "$shell" = 1 ]; then
    echo "export APIQ_TEST_PG_URL='$APIQ_TEST_PG_URL'"
    echo "(Ctrl-C stops the cluster)"
    while :; do sleep 3600 & wait $!; done
fi

# Whole-workspace cargo commands (with test-target filters), so that feature
# resolution is the one of `cargo test --workspace` and nothing rebuilds.
status=0
step() {
    local name=$1; shift
    local start=$SECONDS
    if "$@"; then
        echo "--- postgresql: $name: ok ($((SECONDS - start)) s)"
    else
        echo "--- postgresql: $name: FAILED ($((SECONDS - start)) s)"
        status=1
    fi
}
step "server and client suites" \
    cargo test --workspace --locked --no-fail-fast --test api --test binary --test client "$@"
step "three instances, bad input, outages" \
    cargo test --workspace --locked --test postgres "$@" -- --ignored
if [ "${APIQ_PG_SKIP_PY:-0}" != 1 ]; then
    step "python clients" bash -c \
        'cargo build --workspace --locked -q --bins && python3 -m pytest -q tests/py'
fi
exit $status
