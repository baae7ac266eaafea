#!/usr/bin/env bash
# End-to-end tests of the real desktop window: builds the UI and the app
# (serving the built UI, no dev server), starts Xvfb, a private D-Bus session
# with an unlocked gnome-keyring (for the keyring slot), and tauri-driver
# (which starts WebKitWebDriver, which starts the app), then runs the
# selenium-webdriver tests in tests/e2e/ under `node --test`. Screenshots
# go to artifacts/e2e/. Everything started here is stopped by PID on exit.
#
#   scripts/test-e2e.sh            build, then test
#   APIQ_E2E_SKIP_BUILD=1 scripts/test-e2e.sh   test the last build
#   APIQ_E2E_TESTS=account.test.js scripts/test-e2e.sh   one file
#   APIQ_E2E_PROFILE=release, APIQ_E2E_CMD="node bench.js"   (scripts/bench-app.sh)
#   APIQ_E2E_DISPLAY=97 APIQ_E2E_PORT=4454   to run beside another run
#
# Needs scripts/deps-app.sh once (apt packages, tauri-driver, npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PORT=${APIQ_E2E_PORT:-4444}
export APIQ_WEBDRIVER="http://127.0.0.1:$PORT/"

if [[ "${1:-}" == "--inner" ]]; then
    # Inside dbus-run-session: the keyring and tauri-driver live here.
    pids=()
    cleanup_inner() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    }
    trap cleanup_inner EXIT
    printf 'e2e-keyring-password' | gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$APIQ_E2E_TMP/keyring.log" 2>&1 &
    pids+=($!)
    sleep 0.5
    tauri-driver --port "$PORT" --native-port "$((PORT + 1))" >"$APIQ_E2E_LOGS/tauri-driver.log" 2>&1 &
    driver_pid=$!
    pids+=($driver_pid)
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -sf "http://127.0.0.1:$PORT/status" >/dev/null || { echo "tauri-driver did not start" >&2; cat "$APIQ_E2E_LOGS/tauri-driver.log" >&2; exit 1; }
    rc=0
    if [[ -n "${APIQ_E2E_CMD:-}" ]]; then
        (cd tests/e2e && eval "$APIQ_E2E_CMD") || rc=$?
        exit $rc
    fi
    # The account flow again, against a separately started apiq-server
    # given to the app by APIQ_SERVER_URL (then the server is stopped to see
    # the "unreachable" message).
    run_remote_account() {
        [[ -z "${APIQ_E2E_TESTS:-}" || "${APIQ_E2E_TESTS}" == *account* ]] || return 0
        local url="" server_pid out=0
        rm -f "$APIQ_E2E_TMP/remote.db" "$APIQ_E2E_TMP/remote.db-"* "$APIQ_E2E_TMP/server.out"
        "$APIQ_SERVER_BIN" --db "$APIQ_E2E_TMP/remote.db" --listen 127.0.0.1:0 \
            >"$APIQ_E2E_TMP/server.out" 2>"$APIQ_E2E_TMP/server.log" &
        server_pid=$!
        pids+=($server_pid)
        for _ in $(seq 1 100); do
            url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$APIQ_E2E_TMP/server.out" | head -1)
            [[ -n "$url" ]] && break
            sleep 0.1
        done
        [[ -n "$url" ]] || { echo "apiq-server did not start" >&2; cat "$APIQ_E2E_TMP/server.log" >&2; record account-remote 1; return 1; }
        kill "$driver_pid"; wait "$driver_pid" 2>/dev/null || true
        APIQ_SERVER_URL="$url" tauri-driver --port "$PORT" --native-port "$((PORT + 1))" >>"$APIQ_E2E_LOGS/tauri-driver.log" 2>&1 &
        driver_pid=$!
        pids+=($driver_pid)
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break; sleep 0.1; done
        echo "--- the account flow against apiq-server at $url (APIQ_SERVER_URL)"
        (cd tests/e2e && APIQ_E2E_REMOTE_URL="$url" APIQ_E2E_SERVER_PID="$server_pid" \
            node --test --test-reporter=spec account.test.js) || out=$?
        record account-remote "$out"
        kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true
        # Back to the bundled backend for the next run.
        kill "$driver_pid"; wait "$driver_pid" 2>/dev/null || true
        tauri-driver --port "$PORT" --native-port "$((PORT + 1))" >>"$APIQ_E2E_LOGS/tauri-driver.log" 2>&1 &
        driver_pid=$!
        pids+=($driver_pid)
        for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/status" >/dev/null 2>&1 && break; sleep 0.1; done
    }
    # One file at a time (they share the data folder and the driver; Node
    # 20's runner would start them together). APIQ_E2E_REPEAT=N runs the
    # whole selection N times in a row and counts each suite's passes: the
    # way to show a flake rate (docs/desktop.md).
    files=${APIQ_E2E_TESTS:-$(cd tests/e2e && ls ./*.test.js)}
    repeat=${APIQ_E2E_REPEAT:-1}
    declare -A passes=() fails=()
    record() { # suite, outcome
        if [[ $2 == 0 ]]; then passes[$1]=$(( ${passes[$1]:-0} + 1 )); else fails[$1]=$(( ${fails[$1]:-0} + 1 )); rc=1; fi
    }
    for run in $(seq 1 "$repeat"); do
        [[ $repeat -gt 1 ]] && echo "=== e2e run $run of $repeat"
        for f in $files; do
            out=0
            # A suite that hangs (a child process keeping node alive, a
            # session that never starts) fails after 15 minutes instead of
            # holding the whole run until CI's limit.
            (cd tests/e2e && timeout --kill-after=10 900 node --test --test-reporter=spec "$f") || out=$?
            record "$f" "$out"
        done
        run_remote_account || true
    done
    if [[ $repeat -gt 1 ]]; then
        echo "=== e2e: $repeat runs"
        total_pass=0; total_fail=0
        for f in "${!passes[@]}" "${!fails[@]}"; do echo "$f"; done | sort -u | while read -r f; do
            echo "    $f: ${passes[$f]:-0} of $repeat runs passed"
        done
        for f in "${!passes[@]}"; do total_pass=$(( total_pass + passes[$f] )); done
        for f in "${!fails[@]}"; do total_fail=$(( total_fail + fails[$f] )); done
        echo "suite runs: $total_pass passed, $total_fail failed"
    fi
    exit $rc
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/apiq-target}"
if [[ -z "${APIQ_E2E_SKIP_BUILD:-}" ]]; then
    [[ -d ui/node_modules ]] || npm --prefix ui ci --no-audit --no-fund
    npm --prefix ui run build
    # The same feature resolution as `cargo test --workspace` (every
    # member, every target), so after scripts/test.sh's test stage this
    # builds nothing: `-p apiq-authenticator` alone would resolve the
    # dependencies' features for one package and recompile a part of them.
    if [[ "${APIQ_E2E_PROFILE:-debug}" == release ]]; then
        cargo build --locked -p apiq-server --bin apiq-server
        cargo build --locked --release -p apiq-authenticator --bin apiq-authenticator --example minimal_window
    else
        cargo build --locked --workspace --all-targets
    fi
fi
[[ -d tests/e2e/node_modules ]] || npm --prefix tests/e2e ci --no-audit --no-fund
for tool in Xvfb tauri-driver WebKitWebDriver dbus-run-session gnome-keyring-daemon xclip qrencode zbarimg display curl xdotool faketime; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/deps-app.sh" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/apiq-e2e.XXXXXX)
export APIQ_E2E_TMP=$TMP
export APIQ_APP="$CARGO_TARGET_DIR/${APIQ_E2E_PROFILE:-debug}/apiq-authenticator"
export APIQ_SERVER_BIN="$CARGO_TARGET_DIR/debug/apiq-server"
export APIQ_DATA_DIR="$TMP/data"
# The app writes each command's name to its log (artifacts/e2e-logs), to
# tell a request that never reached Rust from a reply that was lost.
export APIQ_TRACE_IPC=1
export APIQ_SHOTS="$ROOT/artifacts/e2e"
# The app's and the driver's output (kept after the run).
export APIQ_E2E_LOGS="$ROOT/artifacts/e2e-logs"
mkdir -p "$APIQ_E2E_LOGS"; : >"$APIQ_E2E_LOGS/tauri-driver.log"
export HOME="$TMP/home"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
mkdir -p "$HOME" "$APIQ_DATA_DIR" "$APIQ_SHOTS"
[[ -n "${APIQ_E2E_CMD:-}" ]] || rm -f "$APIQ_SHOTS"/*.png

DISPLAY_NUM=${APIQ_E2E_DISPLAY:-98}
xvfb_pid=""
cleanup() {
    [[ -n "$xvfb_pid" ]] && kill "$xvfb_pid" 2>/dev/null || true
    [[ -n "$xvfb_pid" ]] && wait "$xvfb_pid" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
Xvfb ":$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp >"$TMP/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=":$DISPLAY_NUM"
for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; [[ -e /tmp/.X11-unix/X$DISPLAY_NUM ]] && break; sleep 0.1; done

dbus-run-session -- bash "$ROOT/scripts/test-e2e.sh" --inner
