#!/usr/bin/env bash
# bench.sh - runs walkeeper and its peers (pg_basebackup, pgBackRest) live, one after the other,
# on the same pgbench cluster, and prints walkeeper's ratio to each:
#   full backup (lz4), delta / incremental after ~2 % of pgbench_accounts pages changed,
#   restore into an empty directory, draining a backlog of N WAL segments through
#   archive_command, and recovery of a restored copy through N segments via restore_command.
# Seconds, bytes stored and peak RSS per row; "wk/peer" = walkeeper's figure divided by the peer's.
#
#   scripts/bench.sh [--scale N] [--segments N] [--workdir DIR] [--keep]
#
# Installs PostgreSQL, pgBackRest and GNU time from the OS packages when missing (needs root).
# Run as root or as a normal user; PostgreSQL and the tools run as the postgres OS user when run
# as root. Builds the CLI jar when it is missing.
set -euo pipefail

SCALE=50
SEGMENTS=50
WORK=
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --segments) SEGMENTS=$2; shift 2 ;;
    --workdir) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$WORK" ] || WORK=$(mktemp -d /tmp/walkeeper-bench.XXXXXX)

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
bash "$root/scripts/install-postgres.sh" >/dev/null 2>&1
need_pkgs=()
command -v pgbackrest >/dev/null || need_pkgs+=(pgbackrest)
[ -x /usr/bin/time ] || need_pkgs+=(time)
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "bench.sh: install ${need_pkgs[*]} first (needs root)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
jar="$root/walkeeper-examples/target/walkeeper-cli.jar"
[ -f "$jar" ] || (cd "$root" && ./mvnw -q -DskipTests package -pl walkeeper-examples -am)

mkdir -p "$WORK"
chmod 755 "$WORK"
PORT=$(( 20000 + RANDOM % 20000 ))
RPORT=$(( PORT + 1 ))
DATA=$WORK/data
RDATA=$WORK/restored
REPO=$WORK/repo
CLI=$WORK/cli
LOG=$WORK/log
PGBR_REPO=$WORK/pgbackrest-repo
CONF=$WORK/pgbackrest.conf
mkdir -p "$REPO" "$CLI" "$LOG" "$PGBR_REPO" "$WORK/pgbackrest-lock" "$WORK/pgbackrest-spool"
# the repository's own launcher and jar, as a DBA runs them; the postgres OS user must be able to
# read the checkout
ln -sfn "$root/bin/walkeeper" "$CLI/walkeeper"
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
WK="$CLI/walkeeper --config $WORK/walkeeper.json"
PGBR="pgbackrest --config=$CONF"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
dusize() { { du -sb "$@" 2>/dev/null || true; } | awk '{ s += $1 } END { print s + 0 }'; }
q() { psql -X -qAt -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "$1"; }
qr() { psql -X -qAt -h 127.0.0.1 -p "$RPORT" -U postgres -d postgres -c "$1" 2>/dev/null; }
note() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$RDATA" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  [ "$KEEP" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------- measuring one command
# measure NAME cmd... runs cmd as the postgres OS user under /usr/bin/time -v and sets M_SECS and
# M_RSS (peak RSS in KiB: the larger of time's "Maximum resident set size", exact for a single
# process, and a 0.1 s sample of the summed RSS of all processes under it, which counts
# pgBackRest's process-max workers). The command's standard output is in $LOG/NAME.out.
measure() {
  local name=$1 t0 t1 pid spid rc=0 single peak
  shift
  # every tool starts with no dirty pages of an earlier step still being written back
  sync
  t0=$(now)
  as_pg /usr/bin/time -v -o "$LOG/$name.time" "$@" >"$LOG/$name.out" 2>"$LOG/$name.err" &
  pid=$!
  (
    set +e
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
      s=$(ps -e -o pid=,ppid=,rss=,comm= | awk -v r="$pid" '
        { pp[$1] = $2; rss[$1] = $3; c[$1] = $4 }
        END { for (p in pp) { if (p == r || c[p] == "runuser" || c[p] == "time" || c[p] == "env") continue
                q = p; while ((q in pp) && q > 1) { if (q == r) { s += rss[p]; break }; q = pp[q] } }
              print s + 0 }')
      [ "$s" -gt "$peak" ] && peak=$s && echo "$peak" >"$LOG/$name.sampled"
      sleep 0.1
    done
  ) &
  spid=$!
  wait "$pid" || rc=$?
  t1=$(now)
  wait "$spid" 2>/dev/null || true
  M_SECS=$(secs "$t0" "$t1")
  single=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$LOG/$name.time" 2>/dev/null)
  peak=$(cat "$LOG/$name.sampled" 2>/dev/null || echo 0)
  M_RSS=$(( ${single:-0} > peak ? ${single:-0} : peak ))
  note "$name: ${M_SECS}s, peak RSS ${M_RSS} KiB (single process ${single:-?})"
  if [ "$rc" != 0 ]; then
    echo "bench.sh: $name failed ($rc):" >&2
    tail -20 "$LOG/$name.err" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- the result table
ROWS=$WORK/rows.tsv
: >"$ROWS"
# row GROUP TOOL SECONDS BYTES RSS_KIB: the first row of a group is walkeeper's
row() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"; }

print_table() {
  awk -F'\t' '
    function r(a, b) { return (a == "-" || b == "-" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
    function mib(k) { return k == "-" ? "-" : sprintf("%.0f", k / 1024) }
    BEGIN { printf "%-22s %-46s %9s %13s %8s   %s\n", "operation", "tool", "seconds", "bytes", "RSS MiB", "wk/peer: time  bytes  RSS" }
    {
      if ($1 != g) { g = $1; ws = $3; wb = $4; wr = $5; printf "%-22s %-46s %9s %13s %8s   %s\n", $1, $2, $3, $4, mib($5), "-"; next }
      printf "%-22s %-46s %9s %13s %8s   %13s %6s %6s\n", "", $2, $3, $4, mib($5), r(ws, $3), r(wb, $4), r(wr, $5)
    }' "$ROWS"
}

# ---------------------------------------------------------------- archive_command helpers
set_archive_command() {
  q "ALTER SYSTEM SET archive_command = \$ac\$$1\$ac\$" >/dev/null
  q "SELECT pg_reload_conf()" >/dev/null
  local i
  for i in $(seq 1 100); do
    [ "$(q 'SHOW archive_command')" = "$1" ] && return 0
    sleep 0.05
  done
  echo "bench.sh: archive_command did not change" >&2; exit 1
}
ready_count() { find "$DATA/pg_wal/archive_status" -name '*.ready' | wc -l; }
wait_archiver_idle() {
  local i
  for i in $(seq 1 12000); do
    [ "$(ready_count)" = 0 ] && return 0
    sleep 0.05
  done
  echo "bench.sh: the archiver did not catch up" >&2; exit 1
}
segno() { echo $(( 16#${1:8:8} * 256 + 16#${1:16:8} )); }
archived() { q "SELECT archived_count FROM pg_stat_archiver"; }

# gen_wal N: writes WAL until N segments are complete, the last one closed by pg_switch_wal();
# sets GEN_N to the number of segments made (N, or N+1 on overshoot). The WAL is inserts of rows
# shaped like pgbench_accounts' (ids, a balance, the blank-padded filler) into a table of its own,
# 100,000 rows (~15 MB of WAL) at a time: pgbench itself writes WAL too slowly on 2 cores
gen_wal() {
  local n=$1 first last cur
  q "CREATE TABLE IF NOT EXISTS wal_fill (aid bigint, bid int, abalance int, filler char(84))" >/dev/null
  q "CHECKPOINT" >/dev/null
  first=$(q "SELECT pg_walfile_name(pg_current_wal_lsn())")
  while :; do
    cur=$(q "SELECT pg_walfile_name(pg_current_wal_lsn())")
    [ $(( $(segno "$cur") - $(segno "$first") )) -ge $(( n - 1 )) ] && break
    q "INSERT INTO wal_fill SELECT g, g % 50 + 1, (g * 7919) % 10000 - 5000, '' FROM generate_series(1, 100000) g" >/dev/null
  done
  last=$(q "SELECT pg_walfile_name(pg_switch_wal())")
  GEN_N=$(( $(segno "$last") - $(segno "$first") + 1 ))
}

# drain NAME COMMAND [START]: stops archiving (archive_command = /bin/false), makes SEGMENTS segments,
# waits for the archiver to be back in its sleep after its retries, then (after running START, if
# given, inside the timing) restores COMMAND and times
# until pg_stat_archiver has counted every one of them as archived
drain() {
  local name=$1 cmd=$2 before t0 t1
  wait_archiver_idle
  set_archive_command "/bin/false"
  before=$(archived)
  gen_wal "$SEGMENTS"
  sleep 4
  sync
  t0=$(now)
  [ -z "${3:-}" ] || "$3"
  set_archive_command "$cmd"
  while [ $(( $(archived) - before )) -lt "$GEN_N" ]; do
    if [ "$(secs "$t0" "$(now)" | cut -d. -f1)" -gt 1800 ]; then
      echo "bench.sh: $name: the archiver did not drain in 30 minutes:" >&2; tail -20 "$LOG/pg.log" >&2; exit 1
    fi
    sleep 0.05
  done
  t1=$(now)
  D_SECS=$(secs "$t0" "$t1")
  note "$name drain: $GEN_N segments in ${D_SECS}s"
}

# recover NAME: starts the restored copy in $RDATA (archive_mode off, its own port) and times until
# recovery has replayed the archive and promoted; checks the data against the source
recover() {
  local name=$1 t0 t1 got
  echo "recovery_target_action = 'promote'" >>"$RDATA/postgresql.auto.conf"
  sync
  t0=$(now)
  as_pg "$PGBIN/pg_ctl" -D "$RDATA" -l "$LOG/$name.pg.log" -o "-p $RPORT -c archive_mode=off" -W start >/dev/null
  until [ "$(qr 'SELECT pg_is_in_recovery()')" = f ]; do
    if ! [ -f "$RDATA/postmaster.pid" ] || [ "$(secs "$t0" "$(now)" | cut -d. -f1)" -gt 1800 ]; then
      echo "bench.sh: the restored copy ($name) stopped or did not finish recovery in 30 minutes:" >&2; tail -20 "$LOG/$name.pg.log" >&2; exit 1
    fi
    sleep 0.1
  done
  t1=$(now)
  R_SECS=$(secs "$t0" "$t1")
  got=$(qr "$CHECK_SQL")
  if [ "$got" = "$EXPECT" ]; then R_CHECK=ok; else R_CHECK="DIFFERS ($got, source $EXPECT)"; fi
  note "$name recovery: ${R_SECS}s, data $R_CHECK"
  as_pg "$PGBIN/pg_ctl" -D "$RDATA" -m fast -w stop >/dev/null
  rm -rf "$RDATA"
}
empty_rdata() { rm -rf "$RDATA"; mkdir -m 700 "$RDATA"; [ "$(id -u)" != 0 ] || chown postgres:postgres "$RDATA"; }

# ---------------------------------------------------------------- the cluster
note "walkeeper bench: scale=$SCALE segments=$SEGMENTS work=$WORK"
as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -A trust --data-checksums --no-locale -E UTF8 >/dev/null
cat >> "$DATA/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = replica
archive_mode = on
archive_command = '/bin/true'
shared_buffers = 256MB
max_wal_size = 4GB
checkpoint_timeout = 30min
CONF
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG/pg.log" -w start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
note "pgbench -i -s $SCALE (archive_command = /bin/true: WAL before the backups is not needed)"
pgbench -i -s "$SCALE" -q postgres >/dev/null 2>&1
q "CHECKPOINT" >/dev/null
q "SELECT pg_switch_wal()" >/dev/null
dbsize=$(q "SELECT sum(pg_database_size(oid)) FROM pg_database")

# ---------------------------------------------------------------- pgBackRest stanzas
# "bench": the pgBackRest default layout; "bench-block": block incremental (repo-bundle and
# repo-block), which pgBackRest 2.45 to 2.51 offer as a beta feature. Both live in one repository.
# WAL is archived to "bench" only, so "bench-block" backs up without waiting for it
# (archive-check=n): its backups are timed and restored, never recovered.
pgbr_version=$(pgbackrest version | awk '{ print $2 }')
block=no
block_note=""
if pgbackrest help backup repo-block >/dev/null 2>&1; then
  block=yes
  if pgbackrest help backup repo-block | grep -q 'FOR BETA TESTING'; then block_note=" (beta=y)"; fi
fi
cat >"$CONF" <<CONF
[global]
repo1-path=$PGBR_REPO
repo1-retention-full=99
log-path=$LOG
lock-path=$WORK/pgbackrest-lock
spool-path=$WORK/pgbackrest-spool
log-level-console=warn
log-level-file=info
compress-type=lz4
process-max=2
start-fast=y
archive-timeout=300

[bench]
pg1-path=$DATA
pg1-port=$PORT
pg1-socket-path=$WORK
CONF
if [ "$block" = yes ]; then
  cat >>"$CONF" <<CONF

[bench-block]
pg1-path=$DATA
pg1-port=$PORT
pg1-socket-path=$WORK
archive-check=n
repo1-bundle=y
repo1-block=y
CONF
  [ -z "$block_note" ] || echo "beta=y" >>"$CONF"
fi
[ "$(id -u)" != 0 ] || chown postgres:postgres "$CONF" "$LOG"
as_pg $PGBR --stanza=bench stanza-create >/dev/null
[ "$block" = no ] || as_pg $PGBR --stanza=bench-block stanza-create >/dev/null
pgbr_label() { ls "$PGBR_REPO/backup/$1" | grep -E '^[0-9]{8}-[0-9]{6}[FDI]' | sort | tail -1; }

# ---------------------------------------------------------------- archive_command drain
# One tool at a time: archive_command is walkeeper's wal-push alone, then pgBackRest's
# archive-push alone (sync, one process per segment as PostgreSQL calls it). This WAL predates
# the backups, so neither archive needs the other's segments.
wk_wal0=$(dusize "$REPO/wal")
drain walkeeper "$WK wal-push %p"
wk_drain=("$GEN_N" "$D_SECS" $(( $(dusize "$REPO/wal") - wk_wal0 )))
# the same with the resident archiver (wal-daemon), started when the timing starts (so that it
# meets the whole backlog): archive_command is still wal-push, which then waits for the daemon to
# have stored the segment instead of starting a JVM
daemon_pidfile=$DATA/pg_wal/.walkeeper-daemon.pid
start_daemon() { as_pg $WK wal-daemon --pgdata "$DATA" >"$LOG/wal-daemon.log" 2>&1 & }
wk_wal1=$(dusize "$REPO/wal")
drain walkeeper-daemon "$WK wal-push %p" start_daemon
[ -s "$daemon_pidfile" ] || { echo "bench.sh: wal-daemon did not start:" >&2; tail -20 "$LOG/wal-daemon.log" >&2; exit 1; }
wk_daemon_drain=("$GEN_N" "$D_SECS" $(( $(dusize "$REPO/wal") - wk_wal1 )))
daemon_pid=$(cut -d' ' -f1 "$daemon_pidfile")
kill -TERM "$daemon_pid"
for _ in $(seq 300); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
pgbr_wal0=$(dusize "$PGBR_REPO/archive/bench")
drain pgbackrest "$PGBR --stanza=bench archive-push %p"
pgbr_drain=("$GEN_N" "$D_SECS" $(( $(dusize "$PGBR_REPO/archive/bench") - pgbr_wal0 )))

# from here on archive_command calls both tools, so both archives hold all the WAL the backups
# and the recovery comparisons need
q "DROP TABLE wal_fill" >/dev/null
wait_archiver_idle
set_archive_command "$WK wal-push %p && $PGBR --stanza=bench archive-push %p"

# ---------------------------------------------------------------- full backups
q "CHECKPOINT" >/dev/null
measure wk-full $WK backup-push --full "$DATA"
wk_full=$(tail -1 "$LOG/wk-full.out")
row "full backup" "walkeeper backup-push --full lz4" "$M_SECS" "$(dusize "$REPO/backups/$wk_full" "$REPO/backups/$wk_full.json")" "$M_RSS"

measure pgbb "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$WORK/pgbb" -Ft --compress=client-lz4 -X stream -c fast
row "full backup" "pg_basebackup -Ft client-lz4 -X stream" "$M_SECS" "$(dusize "$WORK/pgbb")" "$M_RSS"
rm -rf "$WORK/pgbb"

measure pgbr-full $PGBR --stanza=bench backup --type=full
row "full backup" "pgBackRest full lz4 p2" "$M_SECS" "$(dusize "$PGBR_REPO/backup/bench/$(pgbr_label bench)")" "$M_RSS"
if [ "$block" = yes ]; then
  measure pgbr-block-full $PGBR --stanza=bench-block backup --type=full
  row "full backup" "pgBackRest full lz4 p2 bundle+block$block_note" "$M_SECS" "$(dusize "$PGBR_REPO/backup/bench-block/$(pgbr_label bench-block)")" "$M_RSS"
fi

# ---------------------------------------------------------------- ~2 % page churn, then deltas
pages=$(q "SELECT pg_relation_size('pgbench_accounts') / 8192")
changed=$(q "WITH u AS (UPDATE pgbench_accounts SET abalance = abalance + 1
                        WHERE ((ctid::text::point)[0])::bigint % 50 = 7 RETURNING 1) SELECT count(*) FROM u")
q "CHECKPOINT" >/dev/null
note "churn: every row on every 50th page of pgbench_accounts ($changed rows, $(( pages / 50 )) of $pages pages)"

measure wk-delta env WALKEEPER_DELTA_MAX_STEPS=6 $WK backup-push "$DATA"
wk_delta=$(tail -1 "$LOG/wk-delta.out")
case "$wk_delta" in *_D_*) ;; *) echo "bench.sh: expected a delta backup, got $wk_delta" >&2; exit 1 ;; esac
row "delta after 2% churn" "walkeeper delta (WALKEEPER_DELTA_MAX_STEPS=6)" "$M_SECS" "$(dusize "$REPO/backups/$wk_delta" "$REPO/backups/$wk_delta.json")" "$M_RSS"
measure pgbr-incr $PGBR --stanza=bench backup --type=incr
row "delta after 2% churn" "pgBackRest incr lz4 p2" "$M_SECS" "$(dusize "$PGBR_REPO/backup/bench/$(pgbr_label bench)")" "$M_RSS"
if [ "$block" = yes ]; then
  measure pgbr-block-incr $PGBR --stanza=bench-block backup --type=incr
  row "delta after 2% churn" "pgBackRest incr lz4 p2 bundle+block$block_note" "$M_SECS" "$(dusize "$PGBR_REPO/backup/bench-block/$(pgbr_label bench-block)")" "$M_RSS"
fi

# ---------------------------------------------------------------- WAL for the recovery comparison
note "writing $SEGMENTS segments of WAL after the backups (archived to both tools)"
gen_wal "$SEGMENTS"
wait_archiver_idle
CHECK_SQL="SELECT (SELECT sum(abalance) FROM pgbench_accounts) || '/' || (SELECT count(*) || '/' || sum(abalance) FROM wal_fill)"
EXPECT=$(q "$CHECK_SQL")
REC_N=$GEN_N

# ---------------------------------------------------------------- restore, then recovery
# Each tool restores its newest backup (the delta / incr on its full) into an empty directory;
# the copy is then started with the tool's restore_command and recovers through the WAL above.
empty_rdata
measure wk-restore $WK backup-fetch "$RDATA" LATEST
row "restore (latest)" "walkeeper backup-fetch" "$M_SECS" "$(dusize "$RDATA")" "$M_RSS"
recover walkeeper
wk_rec=$R_SECS; wk_check=$R_CHECK

empty_rdata
measure pgbr-restore $PGBR --stanza=bench --pg1-path="$RDATA" restore
row "restore (latest)" "pgBackRest restore p2" "$M_SECS" "$(dusize "$RDATA")" "$M_RSS"
echo "restore_command = '$PGBR --stanza=bench --pg1-path=$RDATA --archive-async archive-get %f \"%p\"'" >>"$RDATA/postgresql.auto.conf"
recover pgbackrest-async
pgbr_async=$R_SECS; pgbr_async_check=$R_CHECK

empty_rdata
as_pg $PGBR --stanza=bench --pg1-path="$RDATA" restore
echo "restore_command = '$PGBR --stanza=bench --pg1-path=$RDATA archive-get %f \"%p\"'" >>"$RDATA/postgresql.auto.conf"
recover pgbackrest-sync
pgbr_sync=$R_SECS; pgbr_sync_check=$R_CHECK

if [ "$block" = yes ]; then
  empty_rdata
  measure pgbr-block-restore $PGBR --stanza=bench-block --pg1-path="$RDATA" restore
  row "restore (latest)" "pgBackRest restore p2 bundle+block" "$M_SECS" "$(dusize "$RDATA")" "$M_RSS"
  rm -rf "$RDATA"
fi

row "archive drain" "walkeeper wal-push (${wk_drain[0]} seg, push-ahead 8)" "${wk_drain[1]}" "${wk_drain[2]}" -
row "archive drain" "pgBackRest archive-push sync (${pgbr_drain[0]} seg)" "${pgbr_drain[1]}" "${pgbr_drain[2]}" -
row "drain, wal-daemon" "walkeeper wal-push + wal-daemon (${wk_daemon_drain[0]} seg)" "${wk_daemon_drain[1]}" "${wk_daemon_drain[2]}" -
row "drain, wal-daemon" "pgBackRest archive-push sync (same run as above)" "${pgbr_drain[1]}" "${pgbr_drain[2]}" -
row "recovery ($REC_N seg)" "walkeeper wal-fetch" "$wk_rec" - -
row "recovery ($REC_N seg)" "pgBackRest archive-get async p2" "$pgbr_async" - -
row "recovery ($REC_N seg)" "pgBackRest archive-get sync" "$pgbr_sync" - -

# ---------------------------------------------------------------- report
echo
echo "# walkeeper bench $(date -u +%F) scale=$SCALE ($dbsize bytes in the cluster), PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }'), pgBackRest $pgbr_version, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
print_table
echo
echo "bytes: backups as stored (pg_basebackup: base.tar.lz4 + pg_wal.tar.lz4); restore rows: the restored directory;"
echo "       archive drain: what the segments took in the archive. RSS: peak of the tool's processes"
echo "       (pgBackRest p2 counts its workers). wk/peer: walkeeper's figure divided by the peer's."
echo "churn: every row on every 50th page of pgbench_accounts ($changed rows, ~2 % of $pages pages), then CHECKPOINT."
if [ "$block" = yes ]; then
  echo "block incremental: pgBackRest $pgbr_version has repo-bundle + repo-block$block_note; its stanza does not archive WAL (archive-check=n)."
else
  echo "block incremental: not available in pgBackRest $pgbr_version (no repo-block option); only plain incr was run."
fi
echo "archive drain: archive_command=/bin/false while the segments were made, then one tool's command alone"
echo "       (walkeeper twice: wal-push alone, then wal-push with wal-daemon running)."
echo "recovery: restored copy started with the tool's restore_command until pg_is_in_recovery() = false;"
echo "       data after recovery vs source: walkeeper $wk_check, pgBackRest async $pgbr_async_check, sync $pgbr_sync_check."
