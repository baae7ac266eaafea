#!/usr/bin/env bash
# Benchmarks apiq-server (release build) on 127.0.0.1 with wrk:
#   1. token-authenticated getuserinfo req/s   vs the axum+SQLite floor (target >= 50 %)
#   2. signin req/s                            vs the Argon2id floor    (target >= 85 %)
#   3. p99 of getuserinfo while sign-ins saturate the hash pool       (target < 10 ms)
#   4. the server's peak RSS
# Floors (measured on this machine class): BENCH_FLOOR_DB=46000 req/s,
# BENCH_FLOOR_ARGON2=80 hashes/s. Duration per run: BENCH_SECONDS (10).
# Needs wrk (scripts/deps-server.sh --bench) and curl. Exits 1 when a target is missed.
# With --postgres: the PostgreSQL benchmarks instead (scripts/bench-server-pg.sh).
set -euo pipefail
if [ "${1:-}" = "--postgres" ]; then exec bash "$(dirname "$0")/bench-server-pg.sh"; fi
cd "$(dirname "$0")/.."

FLOOR_DB=${BENCH_FLOOR_DB:-46000}
FLOOR_ARGON2=${BENCH_FLOOR_ARGON2:-80}
SECS=${BENCH_SECONDS:-10}
TARGET=${CARGO_TARGET_DIR:-target}

command -v wrk >/dev/null || { echo "error: wrk missing: run scripts/deps-server.sh --bench" >&2; exit 2; }
cargo build --release --quiet -p apiq-server --bin apiq-server --example argon2_rate
BIN="$TARGET/release/apiq-server"
# The Argon2id rate of this machine right now (other load included): the
# sign-in ratio is also reported against it, to tell server overhead from
# a busy machine.
LOCAL_ARGON2=$("$TARGET/release/examples/argon2_rate" "$(nproc)" 5 | awk '{print $3}')
echo "== 0. Argon2id alone on $(nproc) threads: $LOCAL_ARGON2 hashes/s (floor given: $FLOOR_ARGON2)"

WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

RUST_LOG=warn "$BIN" --db "$WORK/bench.db" --listen 127.0.0.1:0 >"$WORK/out" 2>"$WORK/err" &
SERVER_PID=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$WORK/out" 2>/dev/null && break
    sleep 0.1
done
URL=$(head -1 "$WORK/out" | sed 's/^listening on //')
[ -n "$URL" ] || { echo "error: server did not start" >&2; cat "$WORK/err" >&2; exit 1; }

api() { curl -sf "$URL/1.0/users/$1" --data "$2"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

PW="bench-password-1"
api registration/rest/createaccount "email=bench%40x.io&password=$PW" >/dev/null
SESSION=$(api authentication/rest/signin "login=bench%40x.io&password=$PW" | json '["session"]')
TOKEN=$(api authentication/rest/createtoken \
    "session=$SESSION&password=$PW&description=bench&apiList=users.Account.GetUserInfo" | json '["token"]["value"]')
[ "$(curl -sf "$URL/1.0/users/account/rest/getuserinfo?session=$TOKEN" | json '["result"]')" = 0 ]

# Lua: counts replies that are not result 0, so a fast stream of errors
# cannot pass for throughput.
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
cat >"$WORK/signin.lua" <<LUA
wrk.method = "POST"
wrk.body = "login=bench%40x.io&password=$PW"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
LUA
cat "$WORK/check.lua" >>"$WORK/signin.lua"

rps() { awk '/^Requests\/sec:/ {print $2}'; }
bad() { awk '/^non-ok replies:/ {print $3}'; }
p99_ms() {
    awk '$1 == "99%" {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        if (u == "us") v = v / 1000; else if (u == "s") v = v * 1000; else if (u == "m") v = v * 60000;
        print v }'
}

echo "== 1. getuserinfo with a token (${SECS}s, 32 connections)"
OUT1=$(wrk -t1 -c32 -d"${SECS}s" --latency -s "$WORK/check.lua" "$URL/1.0/users/account/rest/getuserinfo?session=$TOKEN")
echo "$OUT1" | grep -E 'Requests/sec|99%|non-ok'
GUI=$(echo "$OUT1" | rps); GUI_BAD=$(echo "$OUT1" | bad)

# 4 connections: enough to keep the hash pool busy, and within the 5
# password checks one account may have in flight (issue 14).
echo "== 2. signin (${SECS}s, 4 connections)"
OUT2=$(wrk -t1 -c4 -d"${SECS}s" --latency -s "$WORK/signin.lua" "$URL/1.0/users/authentication/rest/signin")
echo "$OUT2" | grep -E 'Requests/sec|99%|non-ok'
SIGNIN=$(echo "$OUT2" | rps); SIGNIN_BAD=$(echo "$OUT2" | bad)

echo "== 3. getuserinfo p99 while sign-ins saturate the hash pool"
wrk -t1 -c16 -d"$((SECS + 4))s" -s "$WORK/signin.lua" "$URL/1.0/users/authentication/rest/signin" >"$WORK/bg" &
BG=$!
sleep 2
OUT3=$(wrk -t1 -c4 -d"${SECS}s" --latency -s "$WORK/check.lua" "$URL/1.0/users/account/rest/getuserinfo?session=$TOKEN")
wait "$BG"
echo "$OUT3" | grep -E 'Requests/sec|99%|non-ok'
echo "   (background signin: $(rps <"$WORK/bg") req/s)"
P99=$(echo "$OUT3" | p99_ms); MIX_BAD=$(echo "$OUT3" | bad)

RSS_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")

echo
echo "== results"
python3 - "$GUI" "$FLOOR_DB" "$SIGNIN" "$FLOOR_ARGON2" "$P99" "$RSS_KB" "$GUI_BAD" "$SIGNIN_BAD" "$MIX_BAD" "$LOCAL_ARGON2" <<'PY'
import sys
gui, floor_db, signin, floor_a2, p99, rss, b1, b2, b3, local_a2 = sys.argv[1:]
local_a2 = float(local_a2)
gui, floor_db, signin, floor_a2, p99 = map(float, (gui, floor_db, signin, floor_a2, p99))
ok = True
def line(name, value, target, passed):
    global ok
    ok &= passed
    print(f"{name:<44} {value:<28} target {target:<10} {'OK' if passed else 'MISSED'}")
line("getuserinfo (token) req/s / axum+SQLite floor", f"{gui:.0f} / {floor_db:.0f} = {gui/floor_db:.0%}", ">= 50%", gui / floor_db >= 0.5)
line("signin req/s / Argon2id floor", f"{signin:.1f} / {floor_a2:.0f} = {signin/floor_a2:.0%}", ">= 85%", signin / floor_a2 >= 0.85)
line("getuserinfo p99 under sign-in load", f"{p99:.2f} ms", "< 10 ms", p99 < 10)
line("non-ok replies (must be 0)", f"{b1} / {b2} / {b3}", "0", b1 == b2 == b3 == "0")
print(f"{'signin req/s / Argon2id measured just now':<44} {signin:.1f} / {local_a2:.1f} = {signin/local_a2:.0%}   (information)")
print(f"{'server peak RSS':<44} {int(rss)/1024:.1f} MiB")
sys.exit(0 if ok else 1)
PY
