#!/usr/bin/env bash
# `apiq code -` over 100,000 URIs versus pyotp doing the same in one Python
# process (parse each URI, compute its code). Target: apiq >= 20x faster.
# Uses the release build. Prints both times and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/cache/apiq-target}
cargo build --release --bin apiq -q
apiq="$CARGO_TARGET_DIR/release/apiq"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
python3 - "$work/uris.txt" <<'PY'
import base64, random, sys
rng = random.Random(7)
with open(sys.argv[1], "w") as f:
    for i in range(100_000):
        key = bytes(rng.randrange(256) for _ in range(20))
        s = base64.b32encode(key).decode().rstrip("=")
        f.write(f"otpauth://totp/Issuer{i % 97}:user{i}%40example.com?secret={s}&issuer=Issuer{i % 97}&algorithm=SHA1&digits=6&period=30\n")
PY
best() { # best of 3 wall-clock seconds of a command
  local b=999
  for _ in 1 2 3; do
    local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    b=$(python3 -c "print(min($b, $e - $s))")
  done
  echo "$b"
}
ours=$(best sh -c "'$apiq' code - --at 1234567890 < '$work/uris.txt'")
theirs=$(best python3 -c "
import pyotp, sys
for line in open('$work/uris.txt'):
    pyotp.parse_uri(line.strip()).at(1234567890)
")
# Both must agree before their speed is compared.
"$apiq" code - --at 1234567890 < "$work/uris.txt" > "$work/ours.txt"
python3 -c "
import pyotp
for line in open('$work/uris.txt'):
    print(pyotp.parse_uri(line.strip()).at(1234567890))
" > "$work/theirs.txt"
cmp -s "$work/ours.txt" "$work/theirs.txt" || { echo "error: apiq and pyotp disagree"; exit 1; }
python3 -c "
o, t = $ours, $theirs
print(f'apiq code - over 100,000 URIs: {o*1000:.0f} ms ({o*1e9/100000:.0f} ns/URI)')
print(f'pyotp, same work in one process: {t*1000:.0f} ms ({t*1e9/100000:.0f} ns/URI)')
print(f'ratio pyotp/apiq = {t/o:.1f}x (target >= 20x)')
"
