#!/usr/bin/env bash
# YCSB side by side: one Floe data node and redis-server on this machine, the same YCSB workloads
# through the bindings in load-tests (Floe's Java client; Jedis for Redis), one run, one report
# (io.floe.loadtests.ycsb.YcsbVsRedis writes load-tests/reports/ycsb-vs-redis-<time>.md).
#   load-tests/ycsb-vs-redis.sh [--wal s3|none] [flags...]
# Flags (defaults in brackets; see YcsbVsRedis for all):
#   --workloads a,b,c,d,e,f   --threads 16,32   --records 100000   --fields 10   --field-bytes 100
#   --seconds 20 (whole seconds per phase) or --ops N (per phase)   --phases cold,warm   --rounds 3
#   --durability memory|s3    --partitions 8        --floe-props floe.connections=4,...
#   --verify true             YCSB's data-integrity check of every value read
#   --note TEXT               put first in the report's notes
#   --wal s3 (default)        the node ships its WAL to an embedded S3 endpoint (S3Proxy, own JVM,
#                             local directory) whatever the durability
#   --wal none                no S3: the node keeps writes in memory only (memory mode)
# Each run of a workload is a fresh YCSB JVM: a cold phase, then a warm one of the same length.
# Environment: FLOE_NODE_ARGS (extra node flags), NODE_JAVA_OPTS (the node's JVM),
#   YCSB_JAVA_OPTS (each YCSB JVM's, default -Xms1g -Xmx1g), S3_NICE (the S3 endpoint's nice, 4).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=load-tests/bench-lib.sh
source "$root/load-tests/bench-lib.sh"
ensure_redis
build_bench_classpath
start_redis

node_args=()
bench_args=()
wal=s3
durability=memory
user_note=
while [ $# -gt 0 ]; do
  case "$1" in
    --wal) wal=$2; shift 2 ;;
    --wal=*) wal=${1#--wal=}; shift ;;
    --durability) durability=$2; bench_args+=("$1" "$2"); shift 2 ;;
    --durability=*) durability=${1#--durability=}; bench_args+=("$1"); shift ;;
    --note) user_note=$2; shift 2 ;;
    --note=*) user_note=${1#--note=}; shift ;;
    *) bench_args+=("$1"); shift ;;
  esac
done
case "$wal" in s3 | none) ;; *) echo "--wal must be s3 or none, got '$wal'" >&2; exit 2 ;; esac
if [ "$durability" = s3 ] && [ "$wal" = none ]; then
  echo "--durability s3 needs --wal s3" >&2
  exit 2
fi
redis_version=$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')
if [ "$wal" = s3 ]; then
  start_s3
  node_args+=(--s3.endpoint "$FLOE_S3_ENDPOINT" --s3.bucket "$FLOE_S3_BUCKET"
    --s3.region "$FLOE_S3_REGION" --s3.access-key "$FLOE_S3_ACCESS_KEY"
    --s3.secret-key "$FLOE_S3_SECRET_KEY" --s3.path-style true)
  bench_args+=(--s3-pid "$s3_pid")
  note="WAL shipping on: the node ships every write to S3 (embedded S3Proxy over HTTP, local directory, same machine, at nice ${S3_NICE:-4} as the node's background work)."
else
  note="WAL shipping off: no S3 configured, writes live in memory only."
fi
note="$note redis-server $redis_version (\`--save '' --appendonly no\`)."
if [ -n "$user_note" ]; then note="$user_note $note"; fi
eval "node_args+=(${FLOE_NODE_ARGS:-})"

start_node

mkdir -p "$root/load-tests/reports"
java -Xmx256m "$logback" -cp "$cp" io.floe.loadtests.ycsb.YcsbVsRedis \
  --floe "127.0.0.1:$node_port" --redis "127.0.0.1:$redis_port" \
  --floe-pid "$node_pid" --redis-pid "$redis_pid" \
  --workload-dir "$root/load-tests/ycsb-workloads" --work-dir "$work/ycsb" \
  --report-dir "$root/load-tests/reports" --java-opts "${YCSB_JAVA_OPTS:--Xms1g -Xmx1g}" \
  --note "$note" "${bench_args[@]}" ||
  { echo "benchmark failed; node log tail:" >&2; tail -20 "$work/node.log" >&2; exit 1; }
grep -E 'WARN|ERROR' "$work/node.log" | head -5 >&2 || true
