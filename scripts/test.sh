#!/usr/bin/env bash
# Runs walkeeper's whole test suite: unit tests, then the integration tests against real
# PostgreSQL servers. Installs what the tests need first (PostgreSQL server packages).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-postgres.sh
exec ./mvnw -B -ntp verify "$@"
