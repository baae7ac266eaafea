#!/usr/bin/env bash
# Growth benchmark of apiq-server (issue 13): token `getuserinfo` and
# `signin` with 1,000 and with 1,000,000 accounts, on SQLite and on
# PostgreSQL (a throwaway cluster from scripts/test-postgres.sh --shell);
# each pair should be within 10 % of each other. The extra accounts are
# inserted straight into the database (a copy of one real Argon2id hash, so
# nothing about them is cheaper than a real account); the measured account
# is made through the API. One instance, release build, wrk on 127.0.0.1,
# BENCH_SECONDS per run (10); GROWTH_ENGINES=sqlite skips PostgreSQL. Needs wrk (scripts/deps-server.sh --bench).
# Prints a table; exits 1 when a pair differs by more than 10 %.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${BENCH_SECONDS:-10}
TARGET=${CARGO_TARGET_DIR:-target}
command -v wrk >/dev/null || { echo "error: wrk missing: run scripts/deps-server.sh --bench" >&2; exit 2; }
# The same build as bench-server-pg.sh (so one serves both).
cargo build --release --quiet -p apiq-server --bin apiq-server --example argon2_rate --example pg_floor
BIN="$TARGET/release/apiq-server"

WORK=$(mktemp -d)
cleanup() {
    for p in $(tac "$WORK/pids" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    sleep 1
    rm -rf "$WORK"
}
trap cleanup EXIT

bash scripts/test-postgres.sh --shell >"$WORK/pg" 2>&1 &
echo $! >>"$WORK/pids"
for _ in $(seq 300); do grep -q '^export APIQ_TEST_PG_URL=' "$WORK/pg" && break; sleep 0.2; done
ADMIN=$(sed -n "s/^export APIQ_TEST_PG_URL='\(.*\)'$/\1/p" "$WORK/pg")
[ -n "$ADMIN" ] || { echo "error: the PostgreSQL cluster did not start" >&2; cat "$WORK/pg" >&2; exit 1; }

PW="bench-password-1"
cat >"$WORK/check.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status ~= 200 or not (body:find('"result":0,', 1, true) or body:find('"result":0}', 1, true)) then
    bad = bad + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("non-ok replies: %d\n", total))
end
LUA
{ printf 'wrk.method = "POST"\nwrk.body = "login=bench%%40x.io&password=%s"\n' "$PW"
  printf 'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
  cat "$WORK/check.lua"; } >"$WORK/signin.lua"
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
bad() { awk '/^non-ok replies:/ {print $3}' "$1"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# $1 engine, $2 accounts: starts a server on a fresh database holding that
# many accounts, measures, prints "engine accounts getuserinfo signin bad".
run() {
    local engine=$1 n=$2 dbarg url pid
    local key="$WORK/$engine-$n.key"
    if [ "$engine" = postgres ]; then
        psql -q "$ADMIN" -c "CREATE DATABASE g_$n"
        dbarg="${ADMIN%/*}/g_$n"
    else
        dbarg="$WORK/g_$n.db"
    fi
    RUST_LOG=warn "$BIN" --db "$dbarg" --key-file "$key" --listen 127.0.0.1:0 >"$WORK/s_$engine$n" 2>&1 &
    pid=$!; echo $pid >>"$WORK/pids"
    for _ in $(seq 100); do grep -q '^listening on ' "$WORK/s_$engine$n" && break; sleep 0.1; done
    url=$(head -1 "$WORK/s_$engine$n" | sed 's/^listening on //')
    api() { curl -sf "$url/1.0/users/$1" --data "$2"; }
    api registration/rest/createaccount "email=bench%40x.io&password=$PW" >/dev/null
    # n - 1 more accounts with the same (real) password hash.
    local fill="INSERT INTO users (login, name, password_hash, created)
        SELECT 'user' || g || '@fill.example', '', (SELECT password_hash FROM users WHERE login = 'bench@x.io'), 0
        FROM generate_series(1, $((n - 1))) AS g"
    if [ "$engine" = postgres ]; then
        psql -q "$dbarg" -c "$fill" -c "ANALYZE"
    else
        python3 - "$dbarg" "$n" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
n = int(sys.argv[2])
phc = db.execute("SELECT password_hash FROM users WHERE login = 'bench@x.io'").fetchone()[0]
db.executemany("INSERT INTO users (login, name, password_hash, created) VALUES (?, '', ?, 0)",
               ((f"user{i}@fill.example", phc) for i in range(1, n)))
db.commit()
db.execute("ANALYZE")
# A database that has grown over time has its rows in the main file, not in
# the write-ahead log: move them there, as SQLite's checkpoints would have.
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.close()
PY
    fi
    local session token
    session=$(api authentication/rest/signin "login=bench%40x.io&password=$PW" | json '["session"]')
    token=$(api authentication/rest/createtoken \
        "session=$session&password=$PW&description=bench&apiList=users.Account.GetUserInfo" | json '["token"]["value"]')
    wrk -t1 -c32 -d"${SECS}s" -s "$WORK/check.lua" "$url/1.0/users/account/rest/getuserinfo?session=$token" >"$WORK/wg_$engine$n"
    wrk -t1 -c4 -d"${SECS}s" -s "$WORK/signin.lua" "$url/1.0/users/authentication/rest/signin" >"$WORK/ws_$engine$n"
    echo "$engine $n $(rps "$WORK/wg_$engine$n") $(rps "$WORK/ws_$engine$n") $(( $(bad "$WORK/wg_$engine$n") + $(bad "$WORK/ws_$engine$n") ))"
    kill $pid
}

{
    run sqlite 1000
    run sqlite 1000000
    [ "${GROWTH_ENGINES:-both}" = sqlite ] || run postgres 1000
    [ "${GROWTH_ENGINES:-both}" = sqlite ] || run postgres 1000000
} | tee "$WORK/results"

echo
echo "== growth (release, $(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg))"
python3 - "$WORK/results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    engine, n, g, s, bad = line.split()
    rows[(engine, int(n))] = (float(g), float(s), int(bad))
ok = True
for engine in ("sqlite", "postgres"):
    if (engine, 1000) not in rows:
        continue
    small, big = rows[(engine, 1000)], rows[(engine, 1000000)]
    for i, name in ((0, "getuserinfo"), (1, "signin")):
        ratio = big[i] / small[i]
        passed = abs(1 - ratio) <= 0.10
        ok &= passed
        print(f"{engine:<9} {name:<12} 1k: {small[i]:>9.1f}/s  1M: {big[i]:>9.1f}/s  1M/1k = {ratio:.0%}  {'OK' if passed else 'MISSED'} (within 10 %)")
    bad = small[2] + big[2]
    ok &= bad == 0
    print(f"{engine:<9} non-ok replies: {bad}")
sys.exit(0 if ok else 1)
PY
