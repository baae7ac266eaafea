#!/usr/bin/env bash
# Everything the desktop app (src-tauri/, ui/) needs to build, run under Xvfb
# and be driven end to end: WebKitGTK and GTK headers, Xvfb, the WebKit
# WebDriver, a Secret Service keyring for the keyring slot, ImageMagick and
# xdotool for screenshots, tauri-driver (cargo, only when missing) and the
# UI's npm packages. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
    libwebkit2gtk-4.1-dev build-essential libssl-dev libayatana-appindicator3-dev
    librsvg2-dev libgtk-3-dev libdbus-1-dev pkg-config xvfb xauth webkit2gtk-driver
    gnome-keyring libsecret-tools keyutils dbus xclip qrencode curl
    imagemagick xdotool fonts-dejavu-core zbar-tools faketime
    libxcb1-dev libxrandr-dev libdrm-dev libpipewire-0.3-dev libgbm-dev libegl-dev
    libclang-dev file
)
missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
    cargo install tauri-driver --locked --version '^2'
fi

if [[ ! -d ui/node_modules ]] || [[ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
    npm --prefix ui ci --no-audit --no-fund
fi
if [[ -f tests/e2e/package-lock.json ]] && { [[ ! -d tests/e2e/node_modules ]] || [[ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]]; }; then
    npm --prefix tests/e2e ci --no-audit --no-fund
fi
