#!/usr/bin/env bash
# Installs Azurite, the Azure Storage emulator that walkeeper-storage-azure's tests run against,
# into a project-local directory with npm, unless it is there already. Idempotent; the tests do
# the same install themselves when it is missing, so running this first only moves the download
# out of the test run (CI, offline test runs).
#
#   bash scripts/install-azurite.sh [DIR]     # default DIR: <repository root>/.tools/azurite
#
# The tests look for it in the same default place; point them at another install with the system
# property walkeeper.azurite.home or the environment variable WALKEEPER_AZURITE_HOME (the DIR
# given here, i.e. the directory holding node_modules/azurite).
set -euo pipefail

AZURITE_VERSION=3.35.0   # 3.36+ needs Node.js 21 or later

log() { printf 'install-azurite: %s\n' "$*" >&2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-${WALKEEPER_AZURITE_HOME:-$root/.tools/azurite}}
main_js="$dir/node_modules/azurite/dist/src/blob/main.js"

installed_version() {
  local pkg="$dir/node_modules/azurite/package.json"
  [ -f "$pkg" ] && [ -f "$main_js" ] || return 1
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$pkg"
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    log "installing Node.js and npm from the Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends nodejs npm >&2
  fi
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    log "'$tool' is not on the PATH: install Node.js 18-20 with npm (Debian: apt-get install nodejs npm)"
    exit 1
  fi
done

if [ "$(installed_version 2>/dev/null || true)" = "$AZURITE_VERSION" ]; then
  log "azurite $AZURITE_VERSION already installed in $dir"
  exit 0
fi

# Install into a fresh directory next to the target and move it into place, so that a test JVM
# installing at the same moment never sees a half-written install.
parent=$(dirname "$dir")
mkdir -p "$parent"
staging=$(mktemp -d "$parent/.azurite-install.XXXXXX")
trap 'rm -rf "$staging"' EXIT
log "installing azurite@$AZURITE_VERSION into $dir"
npm install --prefix "$staging" "azurite@$AZURITE_VERSION" --no-audit --no-fund --no-save --loglevel=error >&2

if [ "$(installed_version 2>/dev/null || true)" = "$AZURITE_VERSION" ]; then
  log "azurite $AZURITE_VERSION was installed in $dir meanwhile"
  exit 0
fi
rm -rf "$dir"
mv "$staging" "$dir"
trap - EXIT
log "installed azurite $(installed_version) in $dir"
