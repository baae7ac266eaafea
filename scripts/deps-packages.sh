#!/usr/bin/env bash
# System packages for scripts/test-packages.sh (the .deb and .rpm checks):
# rpm and rpm2cpio list and unpack the .rpm (the bundler itself writes it
# without rpmbuild), cpio unpacks what rpm2cpio gives, appstream validates the
# metainfo file, desktop-file-utils validates the .desktop file, and Xvfb,
# xauth, xdotool, x11-utils and ImageMagick start the installed app, find its
# window and take the screenshot. The app's own build needs are in
# deps-app.sh. Idempotent: installs only what is missing.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
apt_install rpm rpm2cpio cpio appstream desktop-file-utils \
    xvfb xauth xdotool x11-utils imagemagick
