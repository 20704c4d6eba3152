#!/usr/bin/env bash
# bench-codecs.sh - measures walkeeper's compression codecs on real PostgreSQL data: makes a
# throw-away pgbench cluster, samples relation files and archived WAL segments from it, runs the
# JMH codec benchmarks (walkeeper-benchmarks/target/benchmarks.jar) on them and prints a table of
# compress and decompress throughput and ratio per codec, with the lz4 and zstd command-line tools
# on the same input for reference. Adds "openpgp+zstd" when the jar holds the OpenPGP provider and
# gpg can make a key pair.
#
#   scripts/bench-codecs.sh [--scale N] [--relation-mib N] [--wal-segments N] [--pgbench-seconds N]
#                           [--pgbin DIR] [--workdir DIR] [--keep] [--jmh 'EXTRA JMH ARGUMENTS']
#
# Run as root or as a normal user; PostgreSQL runs as the postgres OS user when run as root.
# MB/s are 10^6 bytes per second of uncompressed data; ratio is compressed size / original size.
set -euo pipefail

SCALE=10
RELATION_MIB=64
WAL_SEGMENTS=4
PGBENCH_SECONDS=15
PGBIN=/usr/lib/postgresql/15/bin
WORK=""
KEEP=0
JMH_EXTRA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --relation-mib) RELATION_MIB=$2; shift 2 ;;
    --wal-segments) WAL_SEGMENTS=$2; shift 2 ;;
    --pgbench-seconds) PGBENCH_SECONDS=$2; shift 2 ;;
    --pgbin) PGBIN=$2; shift 2 ;;
    --workdir) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --jmh) JMH_EXTRA=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export LC_ALL=C
[ -n "$WORK" ] || WORK=$(mktemp -d /tmp/walkeeper-bench-codecs.XXXXXX)

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
log() { printf 'bench-codecs: %s\n' "$*" >&2; }

if [ ! -x "$PGBIN/initdb" ]; then
  bash "$root/scripts/install-postgres.sh" >/dev/null
  [ -x "$PGBIN/initdb" ] || PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
jar="$root/walkeeper-benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ]; then
  log "building $jar"
  (cd "$root" && ./mvnw -q -pl walkeeper-benchmarks -am -DskipTests install)
fi
if ! command -v lz4 >/dev/null 2>&1 || ! command -v zstd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing the lz4 and zstd tools"
    apt-get install -y -q lz4 zstd >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q lz4 zstd >/dev/null; }
  else
    log "lz4 or zstd tool missing and cannot install it (not root): the reference rows will be skipped"
  fi
fi

mkdir -p "$WORK"
chmod 755 "$WORK"
PORT=$(( 20000 + RANDOM % 20000 ))
DATA=$WORK/data
ARCHIVE=$WORK/archive
SAMPLES=$WORK/samples
mkdir -p "$ARCHIVE" "$SAMPLES/relation" "$SAMPLES/wal"
if [ "$(id -u)" = 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
  chown postgres:postgres "$WORK" "$ARCHIVE"
else
  as_pg() { "$@"; }
fi
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${GNUPGHOME:-}" ] && gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
now() { date +%s.%N; }

# 1. a throw-away cluster with WAL archiving, loaded and exercised by pgbench
log "cluster: pgbench -i -s $SCALE, then ${PGBENCH_SECONDS}s of pgbench ($PGBIN, work $WORK)"
as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -A trust --data-checksums --no-locale -E UTF8 >/dev/null
cat >> "$DATA/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = replica
archive_mode = on
archive_command = 'cp %p $ARCHIVE/%f'
CONF
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$WORK/postgres.log" -w start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
"$PGBIN/pgbench" -i -s "$SCALE" -q postgres >/dev/null 2>&1
"$PGBIN/psql" -qAtc "CHECKPOINT" postgres
"$PGBIN/pgbench" -c 2 -j 2 -T "$PGBENCH_SECONDS" postgres >"$WORK/pgbench.log" 2>&1
last=$("$PGBIN/psql" -qAtc "SELECT pg_walfile_name(pg_switch_wal())" postgres)
for _ in $(seq 1 600); do
  [ -f "$ARCHIVE/$last" ] && break
  sleep 0.1
done
[ -f "$ARCHIVE/$last" ] || { log "WAL segment $last was not archived"; exit 1; }
dboid=$("$PGBIN/psql" -qAtc "SELECT oid FROM pg_database WHERE datname = 'postgres'" postgres)
as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null

# 2. samples: the last WAL_SEGMENTS full segments the pgbench run wrote (not the switched one,
# mostly zeros), and RELATION_MIB MiB of the database's relation files, smallest first (catalogs,
# small tables, indexes, then the start of pgbench_accounts)
ls "$ARCHIVE" | grep -E '^[0-9A-F]{24}$' | sort | grep -v "^$last\$" | tail -n "$WAL_SEGMENTS" \
  | while read -r s; do cp "$ARCHIVE/$s" "$SAMPLES/wal/$s"; done
budget=$(( RELATION_MIB * 1024 * 1024 ))
n=0
while read -r size file; do
  [ "$budget" -le 0 ] && break
  n=$((n + 1))
  name=$(printf '%05d-%s' "$n" "$(basename "$file")")
  if [ "$size" -le "$budget" ]; then
    cp "$file" "$SAMPLES/relation/$name"
  else
    head -c "$budget" "$file" > "$SAMPLES/relation/$name"
    size=$budget
  fi
  budget=$((budget - size))
done < <(find "$DATA/base/$dboid" -maxdepth 1 -type f -size +0 -printf '%s %p\n' | sort -n)
wal_bytes=$(cat "$SAMPLES"/wal/* | wc -c)
rel_bytes=$(cat "$SAMPLES"/relation/* | wc -c)
log "samples: $(ls "$SAMPLES/relation" | wc -l) relation files ($rel_bytes bytes), $(ls "$SAMPLES/wal" | wc -l) WAL segments ($wal_bytes bytes)"

# 3. an OpenPGP key pair for openpgp+zstd, if the jar has the provider and gpg is here
codecs="lz4,zstd-1,zstd-3,brotli,xz,none"
KEYS=""
listing=$(unzip -Z1 "$jar" 2>/dev/null || jar tf "$jar" 2>/dev/null || true)
if grep -qx 'io/walkeeper/crypto/OpenPgpProvider.class' <<<"$listing" && command -v gpg >/dev/null 2>&1; then
  export GNUPGHOME=$WORK/gnupg
  KEYS=$WORK/keys
  mkdir -p "$GNUPGHOME" "$KEYS"
  chmod 700 "$GNUPGHOME"
  pass=bench-$RANDOM$RANDOM
  printf '%s\n' "$pass" > "$KEYS/passphrase"
  gpg_batch() { gpg --batch --quiet --pinentry-mode loopback --passphrase "$pass" "$@"; }
  if gpg_batch --quick-gen-key 'walkeeper bench <bench@example.invalid>' rsa3072 cert never 2>/dev/null; then
    fpr=$(gpg --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }')
    gpg_batch --quick-add-key "$fpr" rsa3072 encr never 2>/dev/null
    gpg --armor --export "$fpr" > "$KEYS/public.asc" 2>/dev/null
    gpg_batch --armor --export-secret-keys "$fpr" > "$KEYS/private.asc" 2>/dev/null
    codecs="$codecs,openpgp+zstd"
  else
    log "gpg could not make a key pair: openpgp+zstd skipped"
    KEYS=""
  fi
else
  log "no OpenPGP provider in the jar, or no gpg: openpgp+zstd skipped"
fi

# 4. JMH
log "JMH: $codecs on relation and wal (log: $WORK/jmh.log)"
# shellcheck disable=SC2086
if ! java -Duser.language=en -Duser.country=US -jar "$jar" CodecBenchmark -p codec="$codecs" -p data=relation,wal \
    -p samples="$SAMPLES" -p keys="$KEYS" -rf csv -rff "$WORK/jmh.csv" $JMH_EXTRA >"$WORK/jmh.log" 2>&1; then
  tail -40 "$WORK/jmh.log" >&2
  KEEP=1
  exit 1
fi

# 5. the command-line tools on the same bytes (each sample as one file), best of three runs
mkdir -p "$WORK/ref"
cat "$SAMPLES"/relation/* > "$WORK/ref/relation"
cat "$SAMPLES"/wal/* > "$WORK/ref/wal"
best_seconds() { # command... : the shortest of three wall-clock times
  local best="" t0 t1 s
  for _ in 1 2 3; do
    t0=$(now); "$@" >/dev/null; t1=$(now)
    s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    best=$(awk -v a="$best" -v b="$s" 'BEGIN { if (a == "" || b < a) print b; else print a }')
  done
  echo "$best"
}
tool_rows=""
for tool in lz4 zstd; do
  command -v "$tool" >/dev/null 2>&1 || continue
  for data in relation wal; do
    in=$WORK/ref/$data
    bytes=$(wc -c < "$in")
    "$tool" -1 -q -c "$in" > "$in.$tool"
    c=$(best_seconds "$tool" -1 -q -c "$in")
    d=$(best_seconds "$tool" -d -q -c "$in.$tool")
    tool_rows+=$(awk -v t="$tool -1 (tool)" -v d="$data" -v b="$bytes" -v c="$c" -v x="$d" -v z="$(wc -c < "$in.$tool")" \
      'BEGIN { printf "%-18s %-9s %14.1f %16.1f %8.3f", t, d, b / 1e6 / c, b / 1e6 / x, z / b }')
    tool_rows+=$'\n'
  done
done

# 6. the table, from JMH's CSV: the "bytes" secondary result is uncompressed bytes per second;
# the ratio is the sum of compressedBytes over the sum of plainBytes
printf '\n# walkeeper codecs on PostgreSQL %s data (pgbench -s %s): %s bytes of relation files, %s bytes of WAL\n' \
  "$("$PGBIN/postgres" --version | awk '{ print $3 }')" "$SCALE" "$rel_bytes" "$wal_bytes"
printf '# JMH: 16 MiB per operation; %s; %s cores; %s\n' "$(java -version 2>&1 | head -1)" "$(nproc)" "$(date -u +%FT%TZ)"
printf '%-18s %-9s %14s %16s %8s\n' "codec" "data" "compress MB/s" "decompress MB/s" "ratio"
awk -F, '
  function unq(s) { gsub(/"/, "", s); return s }
  NR == 1 { for (i = 1; i <= NF; i++) { h = unq($i); if (h == "Param: codec") ci = i; if (h == "Param: data") di = i }; next }
  {
    name = unq($1); codec = unq($ci); data = unq($di); key = codec SUBSEP data; score = unq($5) + 0
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    if (name ~ /\.compress:bytes$/) cmp[key] = score
    else if (name ~ /\.decompress:bytes$/) dec[key] = score
    else if (name ~ /\.compress:plainBytes$/) plain[key] = score
    else if (name ~ /\.compress:compressedBytes$/) packed[key] = score
  }
  END {
    for (i = 1; i <= n; i++) {
      split(order[i], k, SUBSEP)
      printf "%-18s %-9s %14.1f %16.1f %8.3f\n", k[1], k[2], cmp[order[i]] / 1e6, dec[order[i]] / 1e6,
        (plain[order[i]] > 0 ? packed[order[i]] / plain[order[i]] : 0)
    }
  }' "$WORK/jmh.csv"
printf '%s' "$tool_rows"
