#!/usr/bin/env bash
# Install the Debian 12 (bookworm) packages the tracker needs to build and test:
#   - PostgreSQL 15 server + client (throwaway test clusters, see scripts/postgres.sh)
#   - Chromium (Playwright's python package drives /usr/bin/chromium via executable_path)
#   - fonts for Chromium screenshots and WeasyPrint PDFs
#   - the shared libraries WeasyPrint (>= 61, incl. 66) loads through cffi:
#     Pango >= 1.44 (libpango-1.0-0, libpangoft2-1.0-0), HarfBuzz + its subsetter
#     (libharfbuzz0b, libharfbuzz-subset0), fontconfig, libffi
#   - poppler-utils (pdftotext/pdftoppm, to check generated PDFs in tests)
#   - redis-server (the job runner's queue in production; the tests start their own, scripts/redis.sh)
#   - faketime (libfaketime: the suite run on another day, to show it does not depend on the date)
#
# Idempotent and fast when everything is already there: one dpkg-query call, no apt.
# Must run as root (CI and dev machines run as root).
set -euo pipefail

PACKAGES=(
  # PostgreSQL 15 (Debian 12's version); binaries in /usr/lib/postgresql/15/bin
  postgresql-15
  postgresql-client-15
  # headless browser for Playwright (executable_path=/usr/bin/chromium)
  chromium
  # fonts
  fontconfig
  fonts-dejavu-core
  fonts-liberation
  # WeasyPrint runtime libraries (Debian list from the WeasyPrint docs + libffi)
  libpango-1.0-0
  libpangoft2-1.0-0
  libharfbuzz0b
  libharfbuzz-subset0
  libfontconfig1
  libffi-dev
  shared-mime-info
  # PDF inspection in tests
  poppler-utils
  # `faketime '2030-01-01 09:00:00' make test-sqlite` runs the suite on another day (README, "Tests")
  faketime
  # the job runner's production queue (README, "Jobs"); tests start their own with scripts/redis.sh
  redis-server
)

# Which packages are not fully installed? ("install ok installed" is the only good state;
# plain `dpkg -s` also succeeds for removed-but-not-purged packages.)
missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system-deps: all ${#PACKAGES[@]} Debian packages already installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "system-deps: must run as root to install: ${missing[*]}" >&2
  exit 1
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 -o Dpkg::Use-Pty=0
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

# apt/dpkg chatter (debconf, invoke-rc.d, ...) goes to a log, shown only on failure.
aptlog=$(mktemp /tmp/system-deps.XXXXXX.log)
trap 'rm -f "$aptlog"' EXIT
apt_quiet() {
  if ! "$@" >>"$aptlog" 2>&1; then
    cat "$aptlog" >&2
    echo "system-deps: FAILED: $*" >&2
    exit 1
  fi
}

apt_quiet apt-get update -qq -o DPkg::Lock::Timeout=120

# Don't let the postgresql-15 package create (and try to start) a default "main" cluster
# on port 5432: the tests start their own throwaway clusters with scripts/postgres.sh.
if ! dpkg-query -W -f='${Status}' postgresql-common 2>/dev/null | grep -q "install ok installed"; then
  apt_quiet apt-get install "${APT_OPTS[@]}" postgresql-common
fi
conf=/etc/postgresql-common/createcluster.conf
if [[ -f $conf ]] && ! grep -Eq '^[[:space:]]*create_main_cluster[[:space:]]*=[[:space:]]*false' "$conf"; then
  sed -ri 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*$/create_main_cluster = false/' "$conf"
fi

# Nor let redis-server (or any package) start its service: the tests start their own on loopback.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f "$aptlog" /usr/sbin/policy-rc.d' EXIT
fi

apt_quiet apt-get install "${APT_OPTS[@]}" "${missing[@]}"
echo "system-deps: done in ${SECONDS}s"
