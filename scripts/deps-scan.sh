#!/usr/bin/env bash
# System packages for the QR corpus (crates/scan tests and the corpus report):
# qrencode makes the codes, ImageMagick degrades them, zbar-tools gives the
# zbarimg baseline, fonts-dejavu-core gives ImageMagick a font for the
# screenshot backgrounds, python3 runs tests/qr-corpus/generate.py (standard
# library only). Idempotent: installs only what is missing.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
apt_install qrencode imagemagick zbar-tools fonts-dejavu-core python3
