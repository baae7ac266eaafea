#!/usr/bin/env bash
# Builds the desktop app's Linux packages: the UI, the app (release, with the
# built UI inside) and, through Tauri's bundler, the .deb and the .rpm. Prints
# the two package paths on stdout, one a line (everything else goes to
# stderr), so that `scripts/package.sh | ...` gets just the files.
#
#   scripts/package.sh                 install what is missing, build, bundle
#   APIQ_PKG_SKIP_DEPS=1 scripts/package.sh   skip the dependency check
#
# The AppImage (`--bundles appimage`) is not built here: the bundler downloads
# linuxdeploy and its plugins for it, which needs network access
# (docs/packages.md). The bundler writes the .rpm itself (no rpmbuild).
# Cost: the release build of the app is ~8-10 min cold on 2 cores. With the
# target dir kept (CARGO_TARGET_DIR, default /var/cache/apiq-target) only the
# app crate is compiled again, ~2.5 min: the UI build rewrites ui/dist, whose
# files the crate embeds. Bundling both takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/cache/apiq-target}
mkdir -p "$CARGO_TARGET_DIR"

if [[ -z "${APIQ_PKG_SKIP_DEPS:-}" ]]; then
    bash scripts/deps.sh app >&2
fi
[[ -x ui/node_modules/.bin/tauri ]] || npm --prefix ui ci --no-audit --no-fund >&2

bundle=$CARGO_TARGET_DIR/release/bundle
# Old packages (another version, an earlier name) must not be taken for new ones.
rm -f "$bundle"/deb/*.deb "$bundle"/rpm/*.rpm

npm --prefix ui run build >&2
# The CLI reads src-tauri/tauri.conf.json (a link to the root one: see
# docs/packages.md) and runs `cargo build --release --features
# custom-protocol` for the app crate; what follows `--` goes to cargo.
TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui \
    ui/node_modules/.bin/tauri build --bundles deb,rpm -- --locked >&2

shopt -s nullglob
debs=("$bundle"/deb/*.deb)
rpms=("$bundle"/rpm/*.rpm)
if [[ ${#debs[@]} -ne 1 || ${#rpms[@]} -ne 1 ]]; then
    echo "error: expected one .deb and one .rpm under $bundle, found ${#debs[@]} and ${#rpms[@]}" >&2
    exit 1
fi
printf '%s\n' "${debs[0]}" "${rpms[0]}"
