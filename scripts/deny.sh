#!/usr/bin/env bash
# Supply-chain check with cargo-deny (issue 14 item 14), configured by
# deny.toml. cargo-deny comes from crates.io (scripts/deps-deny.sh).
#
# licenses, bans and sources need nothing but Cargo.lock and always run.
# advisories needs the RustSec advisory database, a git repository that
# cargo-deny clones from GitHub into $CARGO_HOME/advisory-dbs. Where GitHub
# is not reachable (this project's machines reach only the package
# registries), the check uses a database already on the machine without
# fetching (--disable-fetch); if there is none, advisories are reported as
# SKIPPED, loudly, and the rest still has to pass. APIQ_DENY_ADVISORIES=require
# turns a missing database into a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-deny >/dev/null || { echo "error: cargo-deny is not installed (run scripts/deps-deny.sh)" >&2; exit 1; }
db_dir=${CARGO_HOME:-$HOME/.cargo}/advisory-dbs

status=0
cargo deny check licenses bans sources || status=1

if cargo deny check advisories 2>/tmp/apiq-deny-advisories.log; then
  echo "advisories: ok (database fetched)"
elif ls -d "$db_dir"/*/ >/dev/null 2>&1 && cargo deny check --disable-fetch advisories; then
  echo "advisories: ok (database already in $db_dir, not refreshed)"
elif grep -qiE 'fetch|clone|network|resolve|connect|github' /tmp/apiq-deny-advisories.log && ! ls -d "$db_dir"/*/ >/dev/null 2>&1; then
  echo "advisories: SKIPPED: no advisory database on this machine and none reachable:"
  sed 's/^/  /' /tmp/apiq-deny-advisories.log | tail -5
  [ "${APIQ_DENY_ADVISORIES:-}" = require ] && status=1
else
  cat /tmp/apiq-deny-advisories.log >&2
  status=1
fi
exit $status
