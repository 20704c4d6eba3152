#!/usr/bin/env bash
# walkeeper's first command: point-in-time recovery, end to end, on a throw-away PostgreSQL.
#
# Installs the PostgreSQL server packages if no initdb is found, builds the CLI jar if it is
# missing, then runs `walkeeper demo`: a cluster archives WAL with wal-push, backup-push takes a
# base backup, two batches of rows are written with a target time between them, the cluster is
# destroyed, backup-fetch restores it to the target time, PostgreSQL replays WAL fetched with
# wal-fetch, and the data is checked. Exits 0 only if every check passes.
#
#   scripts/demo.sh [--keep] [--scale N] [--workdir DIR]
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && ! command -v initdb >/dev/null 2>&1; then
    echo "demo: PostgreSQL is not installed; installing it with scripts/install-postgres.sh" >&2
    bash "$root/scripts/install-postgres.sh"
fi

jar="${WALKEEPER_JAR:-$root/walkeeper-examples/target/walkeeper-cli.jar}"
if [[ ! -f "$jar" ]]; then
    echo "demo: building the CLI jar (./mvnw -q -DskipTests install)" >&2
    # -DskipITs as well: from failsafe 3.6 on, -DskipTests alone no longer skips integration tests
    (cd "$root" && ./mvnw -q -DskipTests -DskipITs install)
fi

exec "$root/bin/walkeeper" demo "$@"
