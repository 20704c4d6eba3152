#!/usr/bin/env bash
# Runs walkeeper's whole test suite: unit tests, then the integration tests against real
# PostgreSQL servers and the storage servers. Installs what the tests need first: PostgreSQL
# server packages, and Azurite (the Azure Storage emulator, from npm; the tests start and stop it).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-postgres.sh
bash scripts/install-azurite.sh
exec ./mvnw -B -ntp verify "$@"
