#!/usr/bin/env bash
# Checks the desktop app's Linux packages, then installs the .deb into this
# system, starts the installed app under Xvfb and removes the package again.
#
#   scripts/test-packages.sh            build both packages (scripts/package.sh), then check
#   APIQ_PKG_REUSE=1 scripts/test-packages.sh   check the packages built last
#                                       ($CARGO_TARGET_DIR/release/bundle/{deb,rpm})
#   APIQ_PKG_DEB=F APIQ_PKG_RPM=F scripts/test-packages.sh   check these files
#
# What is checked, in each package (listed with `dpkg-deb -c` / `rpm -qlp`,
# and unpacked with `dpkg-deb -x` / `rpm2cpio | cpio -idm` to read the files):
# the binary /usr/bin/apiq-authenticator (an ELF executable); the .desktop
# file (desktop-file-validate; `MimeType=` holding x-scheme-handler/otpauth;
# Exec and Icon naming the binary); an icon at each size in the hicolor
# theme that the project has, each PNG as large as its folder says; the
# licence file (and the .rpm's License tag); the AppStream metainfo file
# (appstreamcli validate --no-net; its launchable is the packaged .desktop
# file, its newest release is Cargo's version). Then: `apt-get install -y`
# the .deb (needs root: this machine and CI run as root), the scheme handler
# registered in the system's mimeinfo.cache, /usr/bin/apiq-authenticator
# started under its own Xvfb with a fresh HOME, its window found (xdotool),
# a screenshot in artifacts/e2e/package-deb-started.png that is not blank,
# the process still alive; then it is stopped and the package removed.
#
# Every check prints `ok: …` or `error: …`; the exit code is 1 if any failed.
# Needs scripts/deps-packages.sh (and, to build, scripts/deps.sh app).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/var/cache/apiq-target}

BIN=apiq-authenticator
PKG=apiq-authenticator
APP_ID=$(python3 -c 'import json,sys; print(json.load(open("tauri.conf.json"))["identifier"])')
PRODUCT=$(python3 -c 'import json,sys; print(json.load(open("tauri.conf.json"))["productName"])')
VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
TITLE=$(python3 -c 'import json,sys; print(json.load(open("tauri.conf.json"))["app"]["windows"][0]["title"])')
# Tauri's bundler names the .desktop file after productName.
DESKTOP=/usr/share/applications/$PRODUCT.desktop
METAINFO=/usr/share/metainfo/$APP_ID.metainfo.xml
# The icons the project has (icons/), by hicolor folder: 32, 128, 128 at
# scale 2 and 256 (the same 256 px file), 512.
ICONS=(32x32 128x128 128x128@2 256x256 512x512)

failures=0
ok() { echo "ok: $*"; }
fail() { echo "error: $*"; failures=$((failures + 1)); }

bash scripts/deps-packages.sh || { echo "error: installing the check tools failed (scripts/deps-packages.sh)"; exit 1; }

# --- the packages -----------------------------------------------------------
deb=${APIQ_PKG_DEB:-}
rpm=${APIQ_PKG_RPM:-}
if [[ -z "$deb$rpm" ]]; then
    if [[ -z "${APIQ_PKG_REUSE:-}" ]]; then
        start=$SECONDS
        mapfile -t built < <(bash scripts/package.sh) || true
        echo "package.sh: $((SECONDS - start)) s"
        [[ ${#built[@]} -eq 2 ]] || { echo "error: scripts/package.sh did not print a .deb and a .rpm"; exit 1; }
    fi
    shopt -s nullglob
    debs=("$CARGO_TARGET_DIR"/release/bundle/deb/*.deb)
    rpms=("$CARGO_TARGET_DIR"/release/bundle/rpm/*.rpm)
    shopt -u nullglob
    [[ ${#debs[@]} -eq 1 ]] && deb=${debs[0]}
    [[ ${#rpms[@]} -eq 1 ]] && rpm=${rpms[0]}
fi
[[ -f "$deb" ]] || { echo "error: no .deb (APIQ_PKG_DEB, or exactly one under $CARGO_TARGET_DIR/release/bundle/deb)"; exit 1; }
[[ -f "$rpm" ]] || { echo "error: no .rpm (APIQ_PKG_RPM, or exactly one under $CARGO_TARGET_DIR/release/bundle/rpm)"; exit 1; }
echo "deb: $deb ($(stat -c %s "$deb") bytes)"
echo "rpm: $rpm ($(stat -c %s "$rpm") bytes)"

TMP=$(mktemp -d /tmp/apiq-pkg-test.XXXXXX)
app_pid=""; xvfb_pid=""; installed=""
cleanup() {
    if [[ -n "$app_pid" ]]; then kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; fi
    if [[ -n "$xvfb_pid" ]]; then kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null; fi
    if [[ -n "$installed" ]]; then apt-get remove -y -qq "$PKG" >/dev/null 2>&1; fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# --- what each package holds ------------------------------------------------
# check_package KIND LISTING_FILE TREE
check_package() {
    local kind=$1 list=$2 tree=$3 f size want got
    echo "--- $kind: $(wc -l <"$list") paths"

    if grep -qxF "/usr/bin/$BIN" "$list" && [[ -x "$tree/usr/bin/$BIN" ]] \
        && file -b "$tree/usr/bin/$BIN" | grep -q '^ELF 64-bit .* executable'; then
        ok "$kind: /usr/bin/$BIN ($(stat -c %s "$tree/usr/bin/$BIN") bytes, $(file -b "$tree/usr/bin/$BIN" | cut -d, -f1-2))"
    else
        fail "$kind: no executable /usr/bin/$BIN"
    fi

    f=$tree$DESKTOP
    if grep -qxF "$DESKTOP" "$list" && [[ -f "$f" ]]; then
        ok "$kind: $DESKTOP"
        if grep -qE '^MimeType=(.*;)?x-scheme-handler/otpauth;' "$f"; then
            ok "$kind: the .desktop file has $(grep '^MimeType=' "$f")"
        else
            fail "$kind: the .desktop file has no MimeType=x-scheme-handler/otpauth; (found: $(grep '^MimeType' "$f" || echo nothing))"
        fi
        if grep -qE "^Exec=$BIN( |\$)" "$f" && grep -qxF "Icon=$BIN" "$f"; then
            ok "$kind: the .desktop file's $(grep '^Exec=' "$f"), $(grep '^Icon=' "$f")"
        else
            fail "$kind: the .desktop file's Exec/Icon do not name $BIN ($(grep -E '^(Exec|Icon)=' "$f" | tr '\n' ' '))"
        fi
        if out=$(desktop-file-validate "$f" 2>&1) && [[ -z "$out" ]]; then
            ok "$kind: desktop-file-validate: no complaints"
        else
            fail "$kind: desktop-file-validate: $out"
        fi
    else
        fail "$kind: no $DESKTOP"
    fi

    for size in "${ICONS[@]}"; do
        f=/usr/share/icons/hicolor/$size/apps/$BIN.png
        # 128x128@2 holds a 256 px image.
        want=${size%%x*}
        [[ $size == *@2 ]] && want=$((want * 2))
        want="${want}x${want}"
        if grep -qxF "$f" "$list" && [[ -f "$tree$f" ]]; then
            got=$(identify -format '%wx%h' "$tree$f" 2>/dev/null)
            if [[ "$got" == "$want" ]]; then
                ok "$kind: $f ($got PNG)"
            else
                fail "$kind: $f is ${got:-not an image}, not $want"
            fi
        else
            fail "$kind: no icon $f"
        fi
    done
    got=$(grep -E '^/usr/share/icons/hicolor/[^/]+/apps/' "$list" | cut -d/ -f6 | sort | tr '\n' ' ')
    echo "    $kind: icon folders in the package: $got"

    if [[ $kind == deb ]]; then f=/usr/share/doc/$PKG/copyright; else f=/usr/share/licenses/$PKG/copyright; fi
    if grep -qxF "$f" "$list" && grep -q 'GPL-3' "$tree$f" 2>/dev/null; then
        ok "$kind: licence file $f ($(grep -m1 '^License:' "$tree$f"))"
    else
        fail "$kind: no licence file $f naming the GPL-3"
    fi

    f=$METAINFO
    if grep -qxF "$f" "$list" && [[ -f "$tree$f" ]]; then
        ok "$kind: $f"
        if out=$(appstreamcli validate --no-net --explain "$tree$f" 2>&1); then
            ok "$kind: appstreamcli validate --no-net: $(echo "$out" | tail -1)"
        else
            fail "$kind: appstreamcli validate --no-net failed:"; echo "$out" | sed 's/^/    /'
        fi
        got=$(sed -n 's|.*<launchable type="desktop-id">\(.*\)</launchable>.*|\1|p' "$tree$f")
        if [[ "/usr/share/applications/$got" == "$DESKTOP" ]]; then
            ok "$kind: the metainfo's launchable is the packaged $got"
        else
            fail "$kind: the metainfo's launchable '$got' is not the packaged $(basename "$DESKTOP")"
        fi
        got=$(sed -n 's|.*<release version="\([^"]*\)".*|\1|p' "$tree$f" | head -1)
        if [[ "$got" == "$VERSION" ]]; then
            ok "$kind: the metainfo's newest release is $got (Cargo.toml)"
        else
            fail "$kind: the metainfo's newest release is '$got', Cargo.toml says $VERSION"
        fi
        if grep -q '<mediatype>x-scheme-handler/otpauth</mediatype>' "$tree$f"; then
            ok "$kind: the metainfo provides x-scheme-handler/otpauth"
        else
            fail "$kind: the metainfo does not provide x-scheme-handler/otpauth"
        fi
    else
        fail "$kind: no $f"
    fi
}

mkdir -p "$TMP/deb" "$TMP/rpm"
if dpkg-deb -c "$deb" >"$TMP/deb.raw" && dpkg-deb -x "$deb" "$TMP/deb"; then
    # `drwxr-xr-x 0/0 0 2026-01-01 00:00 ./usr/bin/x`: keep the path (it may hold spaces).
    sed -E 's|^.{1,80} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} (\./)?|/|; s|/$||; s| -> .*||' "$TMP/deb.raw" >"$TMP/deb.list"
    check_package deb "$TMP/deb.list" "$TMP/deb"
    got=$(dpkg-deb -f "$deb" Package Version Depends | tr '\n' ' ')
    if [[ $(dpkg-deb -f "$deb" Package) == "$PKG" && $(dpkg-deb -f "$deb" Version) == "$VERSION" ]]; then
        ok "deb: control: $got"
    else
        fail "deb: control is not $PKG $VERSION: $got"
    fi
else
    fail "deb: dpkg-deb cannot read $deb"
fi

# rpm2cpio exits 1 on the bundler's .rpm even though it writes the whole
# payload: the rpm crate leaves out the archive-size tag that rpm2cpio
# compares its byte count with. So its status is not used; instead the
# digests must check out (rpm -K) and every listed file must come out.
if rpm -qlp "$rpm" >"$TMP/rpm.list" 2>"$TMP/rpm.err" \
    && { rpm2cpio "$rpm" >"$TMP/rpm.cpio" 2>>"$TMP/rpm.err"; true; } \
    && (cd "$TMP/rpm" && cpio -idm --quiet <"$TMP/rpm.cpio" 2>"$TMP/cpio.err"); then
    if out=$(rpm -K "$rpm" 2>&1) && [[ $out == *"digests OK"* ]]; then
        ok "rpm: rpm -K: digests OK"
    else
        fail "rpm: rpm -K: $out"
    fi
    missing=$(while IFS= read -r f; do [[ -e "$TMP/rpm$f" ]] || echo "$f"; done <"$TMP/rpm.list")
    if [[ -z "$missing" ]]; then
        ok "rpm: rpm2cpio | cpio unpacked all $(wc -l <"$TMP/rpm.list") listed files"
    else
        fail "rpm: not in the payload: $missing"
    fi
    check_package rpm "$TMP/rpm.list" "$TMP/rpm"
    got=$(rpm -qp --queryformat '%{NAME} %{VERSION} %{LICENSE}' "$rpm" 2>/dev/null)
    if [[ "$got" == "$PKG $VERSION GPL-3.0-or-later" ]]; then
        ok "rpm: header: name, version, License: $got"
    else
        fail "rpm: header is not '$PKG $VERSION GPL-3.0-or-later': $got"
    fi
else
    fail "rpm: rpm -qlp / rpm2cpio cannot read $rpm: $(cat "$TMP/rpm.err" "$TMP/cpio.err" 2>/dev/null)"
fi

# --- the .deb installed and started -----------------------------------------
echo "--- install the .deb and start it"
if [[ $(id -u) -ne 0 ]]; then
    fail "installing the .deb needs root (apt-get install), this runs as $(id -un)"
    exit 1
fi
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "install ok installed"; then
    echo "note: $PKG was installed before this test ($(dpkg-query -W -f='${Version}' "$PKG")); it is replaced and removed at the end"
fi
# apt wants a path without spaces (the bundler's name has the product's).
cp "$deb" "$TMP/${PKG}_test.deb"
if apt-get install -y -qq --no-install-recommends "$TMP/${PKG}_test.deb" >"$TMP/apt.log" 2>&1; then
    installed=1
    ok "apt-get install: $PKG $(dpkg-query -W -f='${Version}' "$PKG") installed"
else
    fail "apt-get install of the .deb failed:"; tail -20 "$TMP/apt.log" | sed 's/^/    /'
fi
if [[ -n "$installed" ]]; then
    if [[ -x /usr/bin/$BIN ]] && dpkg -S "/usr/bin/$BIN" 2>/dev/null | grep -q "^$PKG:"; then
        ok "/usr/bin/$BIN is installed, from $PKG"
    else
        fail "/usr/bin/$BIN is not installed by $PKG"
    fi
    # desktop-file-utils' dpkg trigger runs update-desktop-database.
    if grep -q "^x-scheme-handler/otpauth=.*$(basename "$DESKTOP")" /usr/share/applications/mimeinfo.cache 2>/dev/null; then
        ok "the system's mimeinfo.cache: $(grep '^x-scheme-handler/otpauth=' /usr/share/applications/mimeinfo.cache)"
    else
        fail "the installed .desktop file is not registered for x-scheme-handler/otpauth in /usr/share/applications/mimeinfo.cache"
    fi
fi

if [[ -n "$installed" ]]; then
    # Its own X server on a free display (-displayfd picks one).
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$TMP/display" >"$TMP/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 1 100); do [[ -s "$TMP/display" ]] && break; sleep 0.1; done
    export DISPLAY=":$(head -1 "$TMP/display")"
    if ! xdpyinfo >/dev/null 2>&1; then
        fail "Xvfb did not start: $(cat "$TMP/xvfb.log")"
    else
        ok "Xvfb on $DISPLAY"
        # A fresh user: nothing from this machine's HOME or data folders.
        export HOME=$TMP/home XDG_DATA_HOME=$TMP/home/.local/share XDG_CONFIG_HOME=$TMP/home/.config \
            XDG_CACHE_HOME=$TMP/home/.cache XDG_RUNTIME_DIR=$TMP/runtime
        unset APIQ_DATA_DIR APIQ_SERVER_URL WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
        mkdir -p "$HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
        export WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1
        start=$SECONDS
        /usr/bin/$BIN >"$TMP/app.log" 2>&1 &
        app_pid=$!
        wid=$(timeout 60 xdotool search --sync --onlyvisible --name "^$TITLE\$" 2>/dev/null | head -1)
        if [[ -n "$wid" ]]; then
            ok "the window '$(xdotool getwindowname "$wid")' (id $wid, pid $(xdotool getwindowpid "$wid" 2>/dev/null || echo ?)) after $((SECONDS - start)) s"
        else
            fail "no window named '$TITLE' within 60 s; the app's output:"; tail -20 "$TMP/app.log" | sed 's/^/    /'
        fi
        # The web view renders after the window maps: wait until the window
        # shows more than a few colours (text, a button), up to 30 s.
        colours=0
        for _ in $(seq 1 30); do
            [[ -n "$wid" ]] || break
            colours=$(import -window "$wid" png:- 2>/dev/null | identify -format '%k' - 2>/dev/null || echo 0)
            [[ ${colours:-0} -gt 64 ]] && break
            sleep 1
        done
        mkdir -p "$ROOT/artifacts/e2e"
        shot=$ROOT/artifacts/e2e/package-deb-started.png
        if import -window root "$shot" 2>"$TMP/import.err"; then
            ok "screenshot: ${shot#"$ROOT"/} ($(identify -format '%wx%h' "$shot"))"
        else
            fail "no screenshot: $(cat "$TMP/import.err")"
        fi
        if [[ ${colours:-0} -gt 64 ]]; then
            ok "the window shows content ($colours colours)"
        else
            fail "the window looks blank (${colours:-0} colours in it)"
        fi
        if kill -0 "$app_pid" 2>/dev/null; then
            kids=$(ps -o comm= --ppid "$app_pid" | sort -u | tr '\n' ' ')
            ok "the process $app_pid is alive ($(ps -o rss= -p "$app_pid" | awk '{printf "%d MB", $1/1024}'); children: ${kids:-none})"
        else
            wait "$app_pid"; rc=$?; app_pid=""
            fail "the app exited (status $rc); its output:"; tail -20 "$TMP/app.log" | sed 's/^/    /'
        fi
        if grep -qiE 'panick|error' "$TMP/app.log"; then
            echo "    the app's output has errors:"; grep -iE 'panick|error' "$TMP/app.log" | head -10 | sed 's/^/    /'
        fi
        if [[ -n "$app_pid" ]]; then
            kill "$app_pid" 2>/dev/null
            for _ in $(seq 1 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
            if kill -0 "$app_pid" 2>/dev/null; then
                kill -9 "$app_pid" 2>/dev/null
                fail "the app did not stop on SIGTERM within 5 s (killed)"
            else
                ok "the app stopped on SIGTERM"
            fi
            wait "$app_pid" 2>/dev/null; app_pid=""
        fi
    fi
    kill "$xvfb_pid" 2>/dev/null; wait "$xvfb_pid" 2>/dev/null; xvfb_pid=""
fi

if [[ -n "$installed" ]]; then
    if apt-get remove -y -qq "$PKG" >"$TMP/apt-remove.log" 2>&1 && [[ ! -e /usr/bin/$BIN ]] \
        && ! dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "install ok installed"; then
        installed=""
        ok "apt-get remove: $PKG removed, /usr/bin/$BIN gone"
    else
        fail "apt-get remove $PKG left it installed:"; tail -5 "$TMP/apt-remove.log" | sed 's/^/    /'
    fi
fi

echo
if [[ $failures -gt 0 ]]; then
    echo "error: $failures package check(s) failed"
    exit 1
fi
echo "all package checks passed"
