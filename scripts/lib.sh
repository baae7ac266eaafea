# Shared helpers for the deps-*.sh scripts; source it, don't run it.
#   apt_install PKG...   installs the Debian packages that are missing
#   pip_install ARG...   pip-installs into the machine's python3, quietly
# Both are idempotent and cheap when everything is already there.

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  # The package lists are needed before the first install on a new machine.
  local stamp=/var/cache/apiq-apt-updated
  if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
    $SUDO apt-get update -qq
    $SUDO touch "$stamp" 2>/dev/null || true
  fi
  echo "deps: apt-get install ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pip_install() {
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "$@" \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages "$@"
}
