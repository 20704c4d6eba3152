#!/usr/bin/env bash
# Installs Debian's PostgreSQL server and client tools for walkeeper's integration tests, if they
# are missing, and makes sure the 'postgres' OS account exists (the test fixture runs PostgreSQL
# as that account when the build runs as root). Idempotent. The tests start their own throw-away
# clusters, so the cluster the Debian package may create is stopped again.
set -euo pipefail

log() { printf 'install-postgres: %s\n' "$*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  SUDO=()
fi

have_postgres() {
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if have_postgres; then
  log "PostgreSQL binaries already present: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
else
  if ! command -v apt-get >/dev/null 2>&1; then
    log "no /usr/lib/postgresql/*/bin/initdb and no apt-get: install PostgreSQL by hand and set -Dwalkeeper.pg.bin=<bin dir>"
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
    log "installing PostgreSQL needs root (or sudo)"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Keep the package from starting a service where policy-rc.d is honoured (containers, CI).
  created_policy=false
  if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=true
  fi
  cleanup_policy() { if [ "$created_policy" = true ]; then rm -f /usr/sbin/policy-rc.d; fi; }
  trap cleanup_policy EXIT
  log "installing postgresql and postgresql-contrib with apt-get"
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    postgresql postgresql-contrib
  cleanup_policy
  trap - EXIT
  have_postgres || { log "apt-get finished but /usr/lib/postgresql/*/bin/initdb is still missing"; exit 1; }
fi

# The package creates this account; create it if the binaries came from elsewhere.
if ! id -u postgres >/dev/null 2>&1; then
  log "creating the 'postgres' OS account"
  if getent group postgres >/dev/null 2>&1; then
    "${SUDO[@]}" useradd --system --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash \
      --gid postgres postgres
  else
    "${SUDO[@]}" useradd --system --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash \
      --user-group postgres
  fi
fi

# The tests run their own clusters; stop any Debian-managed one the package started.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version name port status _rest; do
    if [ "$status" = online ]; then
      log "stopping the Debian-managed cluster $version/$name on port $port"
      "${SUDO[@]}" pg_ctlcluster "$version" "$name" stop || true
    fi
  done || true
fi
if command -v service >/dev/null 2>&1; then
  "${SUDO[@]}" service postgresql stop >/dev/null 2>&1 || true
fi

for dir in /usr/lib/postgresql/*/bin; do
  log "ready: $dir ($("$dir/initdb" --version))"
done
