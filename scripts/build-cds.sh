#!/usr/bin/env bash
# Optional: writes a class-data sharing (AppCDS) archive next to the CLI jar (<jar>.jsa).
# bin/walkeeper uses it while it is newer than the jar; it cuts the start of every command by
# about a third (wal-push of a 16 MiB segment: ~0.85 s -> ~0.5 s), which matters because
# PostgreSQL starts the CLI once per WAL segment. Rerun after every build of the jar; a stale
# archive is ignored. The archive is specific to the Java runtime that wrote it.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jar="${WALKEEPER_JAR:-$root/walkeeper-examples/target/walkeeper-cli.jar}"
if [[ -n "${JAVA:-}" ]]; then java="$JAVA"; elif [[ -n "${JAVA_HOME:-}" ]]; then java="$JAVA_HOME/bin/java"; else java=java; fi
if [[ ! -f "$jar" ]]; then
    echo "build-cds: no CLI jar at $jar; build it first: cd '$root' && ./mvnw -q -DskipTests package" >&2
    exit 3
fi
# the same options as bin/walkeeper: the archive is only used with a matching garbage collector
opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k)

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/repo"
printf '1\t0/3000000\tno recovery target specified\n' > "$tmp/00000002.history"
head -c 16777216 /dev/zero > "$tmp/000000010000000000000001"

# Training runs record the classes each command loads; failures are expected for some of them.
train() {
    local name="$1"; shift
    env -i PATH="$PATH" HOME="$tmp" WALKEEPER_STORAGE="file://$tmp/repo" \
        "$java" "${opts[@]}" -XX:DumpLoadedClassList="$tmp/$name.classes" -Dwalkeeper.launcher="$root/bin/walkeeper" \
        -jar "$jar" "$@" >/dev/null 2>&1 || true
}
train help --help
train push wal-push "$tmp/00000002.history"
train fetch wal-fetch 00000002.history "$tmp/fetched"
train missing wal-fetch 000000010000000000000009 "$tmp/missing"
train segment wal-push "$tmp/000000010000000000000001"
train list backup-list --json
train fetchhelp backup-fetch --help
sort -u "$tmp"/*.classes > "$tmp/all.classes"

"$java" "${opts[@]}" -Xshare:dump -XX:SharedClassListFile="$tmp/all.classes" \
    -XX:SharedArchiveFile="$tmp/walkeeper.jsa" -cp "$jar" > "$tmp/dump.log" 2>&1 || {
    echo "build-cds: the JVM could not write the archive:" >&2
    tail -20 "$tmp/dump.log" >&2
    exit 1
}
install -m 0644 "$tmp/walkeeper.jsa" "$jar.jsa"
echo "build-cds: wrote $jar.jsa ($(wc -l < "$tmp/all.classes") classes)"
