#!/usr/bin/env bash
# bench.sh - measures walkeeper against pg_basebackup on the same pgbench data, on this machine:
# full backup (lz4) time and size, restore time, per-segment wal-push and wal-fetch time.
# Prints a table with ratios; the pgBackRest figures are the medians measured with the peers'
# anchor script on the same kind of machine (2 cores), for reference.
#
#   scripts/bench.sh [--scale N] [--segments N] [--workdir DIR] [--keep]
#
# Run as root or as a normal user; PostgreSQL runs as the postgres OS user when run as root.
set -euo pipefail

SCALE=50
SEGMENTS=30
WORK=$(mktemp -d /tmp/walkeeper-bench.XXXXXX)
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --segments) SEGMENTS=$2; shift 2 ;;
    --workdir) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
bash "$root/scripts/install-postgres.sh" >/dev/null
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
jar="$root/walkeeper-examples/target/walkeeper-cli.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -DskipTests install)

mkdir -p "$WORK"
chmod 755 "$WORK"
PORT=$(( 20000 + RANDOM % 20000 ))
RPORT=$(( PORT + 1 ))
DATA=$WORK/data
REPO=$WORK/repo
CLI=$WORK/cli
mkdir -p "$REPO" "$CLI"
# the repository's own launcher and jar (with its class-data sharing archive), as a DBA runs them;
# the postgres OS user must be able to read the checkout
ln -s "$root/bin/walkeeper" "$CLI/walkeeper"
export WALKEEPER_JAR=$jar
cat > "$WORK/walkeeper.json" <<JSON
{"WALKEEPER_STORAGE": "file://$REPO", "WALKEEPER_COMPRESSION": "lz4"}
JSON
chmod 644 "$WORK/walkeeper.json"

if [ "$(id -u)" = 0 ]; then
  as_pg() { runuser -u postgres -- env WALKEEPER_JAR="$WALKEEPER_JAR" "$@"; }
  chown -R postgres:postgres "$WORK"
else
  as_pg() { "$@"; }
fi
wk() { as_pg "$CLI/walkeeper" --config "$WORK/walkeeper.json" "$@"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.3f", (b - a) / n }'; }
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$WORK/restored" -m immediate stop >/dev/null 2>&1 || true
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

echo "# walkeeper bench: scale=$SCALE segments=$SEGMENTS work=$WORK $(date -u +%FT%TZ)"
as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -A trust --data-checksums --no-locale -E UTF8 >/dev/null
cat >> "$DATA/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = replica
archive_mode = on
archive_command = '$CLI/walkeeper --config $WORK/walkeeper.json wal-push %p'
max_wal_size = 4GB
CONF
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$WORK/pg.log" -w start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
pgbench -i -s "$SCALE" -q postgres >/dev/null 2>&1
psql -qAtc "CHECKPOINT" postgres
dbsize=$(psql -qAtc "SELECT sum(pg_database_size(oid)) FROM pg_database" postgres)

t0=$(now); name=$(wk backup-push "$DATA" 2>"$WORK/backup.log" | tail -1); t1=$(now)
wk_backup=$(secs "$t0" "$t1")
wk_size=$(du -sb "$REPO/backups/$name" | cut -f1)

t0=$(now)
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$WORK/pgbb" -Ft --compress=client-lz4 -X stream -c fast
t1=$(now)
bb_backup=$(secs "$t0" "$t1")
bb_size=$(du -sb "$WORK/pgbb" | cut -f1)
rm -rf "$WORK/pgbb"

t0=$(now); wk backup-fetch "$WORK/restored" "$name" >/dev/null 2>"$WORK/restore.log"; t1=$(now)
wk_restore=$(secs "$t0" "$t1")
rm -rf "$WORK/restored"

# archive_command drain: stop archiving, make SEGMENTS segments, start it again and time until the
# archiver has stored all of them (this includes wal-push's look-ahead)
psql -qAtc "ALTER SYSTEM SET archive_command = '/bin/false'" -c "SELECT pg_reload_conf()" postgres >/dev/null
sleep 1
before=$(psql -qAtc "SELECT archived_count FROM pg_stat_archiver" postgres)
for i in $(seq 1 "$SEGMENTS"); do
  psql -qAtc "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid % 97 = $((i % 97)); SELECT pg_switch_wal()" postgres >/dev/null
done
psql -qAtc "ALTER SYSTEM RESET archive_command" postgres >/dev/null
t0=$(now)
psql -qAtc "SELECT pg_reload_conf()" postgres >/dev/null
while :; do
  done_n=$(psql -qAtc "SELECT archived_count FROM pg_stat_archiver" postgres)
  [ $((done_n - before)) -ge "$SEGMENTS" ] && break
  sleep 0.05
done
t1=$(now)
drain_per=$(per "$t0" "$t1" "$SEGMENTS")

# WAL: time pushing copies of the segments just archived into a fresh repository, one call at a time
# (no look-ahead: the copies have no archive_status), then fetching them back
mkdir -p "$WORK/segs" "$WORK/repo2" "$WORK/fetched"
# only segments PostgreSQL has archived: the others are recycled files waiting to be reused
ls "$DATA/pg_wal/archive_status" | grep -E '^[0-9A-F]{24}\.done$' | sed 's/\.done$//' | sort | tail -n "$SEGMENTS" \
  | while read -r s; do cp "$DATA/pg_wal/$s" "$WORK/segs/$s"; done
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$WORK/segs" "$WORK/repo2" "$WORK/fetched"
cat > "$WORK/walkeeper2.json" <<JSON
{"WALKEEPER_STORAGE": "file://$WORK/repo2", "WALKEEPER_COMPRESSION": "lz4"}
JSON
chmod 644 "$WORK/walkeeper2.json"
n=$(ls "$WORK/segs" | wc -l)
t0=$(now)
for s in $(ls "$WORK/segs"); do as_pg "$CLI/walkeeper" --config "$WORK/walkeeper2.json" wal-push "$WORK/segs/$s" 2>/dev/null; done
t1=$(now)
push_per=$(per "$t0" "$t1" "$n")
t0=$(now)
for s in $(ls "$WORK/segs"); do as_pg "$CLI/walkeeper" --config "$WORK/walkeeper2.json" wal-fetch "$s" "$WORK/fetched/$s" 2>/dev/null; done
t1=$(now)
fetch_per=$(per "$t0" "$t1" "$n")
cmp_ok=yes
for s in $(ls "$WORK/segs"); do cmp -s "$WORK/segs/$s" "$WORK/fetched/$s" || cmp_ok=no; done

printf '\n%-46s %10s %14s %12s\n' "operation" "seconds" "bytes" "vs peer"
printf '%-46s %10s %14s %12s\n' "database size (pgbench -s $SCALE)" "-" "$dbsize" "-"
printf '%-46s %10s %14s %12s\n' "walkeeper backup-push lz4" "$wk_backup" "$wk_size" "$(ratio "$wk_backup" "$bb_backup")x bb"
printf '%-46s %10s %14s %12s\n' "pg_basebackup -Ft client-lz4 -X stream" "$bb_backup" "$bb_size" "1.00x bb"
printf '%-46s %10s %14s %12s\n' "pgBackRest full lz4 p2 (anchor median, s50)" "5.821" "91733048" "$(ratio "$wk_backup" 5.821)x pgbr"
printf '%-46s %10s %14s %12s\n' "walkeeper backup-fetch (restore)" "$wk_restore" "-" "$(ratio "$wk_restore" 5.183)x pgbr"
printf '%-46s %10s %14s %12s\n' "pgBackRest restore lz4 p2 (anchor median, s50)" "5.183" "-" "-"
printf '%-46s %10s %14s %12s\n' "walkeeper wal-push per segment ($n)" "$push_per" "-" "$(ratio "$push_per" 0.081)x pgbr"
printf '%-46s %10s %14s %12s\n' "walkeeper archive_command drain per segment" "$drain_per" "-" "$(ratio "$drain_per" 0.082)x pgbr"
printf '%-46s %10s %14s %12s\n' "walkeeper wal-fetch per segment ($n)" "$fetch_per" "-" "$(ratio "$fetch_per" 0.084)x pgbr"
printf '%-46s %10s\n' "fetched segments identical to pushed ones" "$cmp_ok"
