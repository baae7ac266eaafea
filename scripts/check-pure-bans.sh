#!/usr/bin/env bash
# Proves the pure crates' bans bite (issue 11 item 5): clippy, with this
# repository's clippy.toml, must report every line marked `// BANNED` in the
# probe crate tests/pure-bans (which carries the same deny attribute as
# crates/otp and crates/formats), and nothing else; and both pure crates
# must carry that attribute. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
attr='#![deny(clippy::disallowed_methods, clippy::disallowed_types)]'
for lib in crates/otp/src/lib.rs crates/formats/src/lib.rs; do
  grep -qxF "$attr" "$lib" || { echo "error: $lib lacks $attr" >&2; exit 1; }
done
probe=tests/pure-bans
target=${CARGO_TARGET_DIR:-/var/cache/apiq-target}/pure-bans
out=$(cargo clippy --quiet --manifest-path "$probe/Cargo.toml" --target-dir "$target" \
  --message-format short 2>&1 || true)
want=$(grep -n ' // BANNED$' "$probe/src/lib.rs" | cut -d: -f1 | sort -un)
got=$(printf '%s\n' "$out" | sed -n 's|^.*src/lib.rs:\([0-9]*\):[0-9]*: error: .*|\1|p' | sort -un)
if [ "$want" != "$got" ]; then
  echo "error: the bans in clippy.toml do not match the probe's BANNED lines" >&2
  diff <(echo "$want") <(echo "$got") | sed 's/^</missing ban on line/; s/^>/unexpected error on line/' >&2 || true
  printf '%s\n' "$out" >&2
  exit 1
fi
echo "pure-crate bans: all $(echo "$want" | wc -l) banned APIs are refused by clippy"
