#!/usr/bin/env bash
# System packages for the QR corpus (crates/scan tests and the corpus report):
# qrencode makes the codes, ImageMagick degrades them, zbar-tools gives the
# zbarimg baseline, fonts-dejavu-core gives ImageMagick a font for the
# screenshot backgrounds, python3 runs tests/qr-corpus/generate.py (standard
# library only). Idempotent: installs only what is missing.
set -euo pipefail

pkgs=(qrencode imagemagick zbar-tools fonts-dejavu-core)
missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if ! command -v python3 >/dev/null 2>&1; then
    missing+=(python3)
fi

if ((${#missing[@]})); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
