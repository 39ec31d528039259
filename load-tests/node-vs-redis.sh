#!/usr/bin/env bash
# Side-by-side benchmark: a Floe data node against redis-server on this machine, driven by the
# same Java harness (io.floe.loadtests.node.NodeVsRedis) at the same concurrency.
#   load-tests/node-vs-redis.sh [--wal s3|none] [harness flags...]
# e.g. --seconds 10 --depths 1,16 --durability memory   (see NodeVsRedis for every flag)
#   --wal s3 (default)  the node ships its WAL to an embedded S3 endpoint (S3Proxy, own JVM, local
#                       directory) whatever the durability, and logs wal-stats lines every second;
#                       the report gains the S3 PUTs/s and the lag to durable of the put phases
#   --wal none          no S3: the node acknowledges and keeps writes in memory only (memory mode)
# Environment:
#   FLOE_NODE_ARGS   extra node flags, expanded after the S3 variables below are set, e.g.
#                    FLOE_NODE_ARGS='--wal.flush-interval 100ms' (single quotes; may use $FLOE_S3_*)
#   With S3 on, FLOE_S3_ENDPOINT, FLOE_S3_BUCKET, FLOE_S3_REGION, FLOE_S3_ACCESS_KEY and
#   FLOE_S3_SECRET_KEY are exported (and passed to the node as its s3.* settings).
#   NODE_JAVA_OPTS / BENCH_JAVA_OPTS   JVM options of the node / the harness
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=load-tests/bench-lib.sh
source "$root/load-tests/bench-lib.sh"
ensure_redis redis-benchmark
build_bench_classpath
start_redis

node_args=()
bench_args=()
wal=s3
durability=memory
while [ $# -gt 0 ]; do
  case "$1" in
    --wal) wal=$2; shift 2 ;;
    --wal=*) wal=${1#--wal=}; shift ;;
    --durability) durability=$2; bench_args+=("$1" "$2"); shift 2 ;;
    --durability=*) durability=${1#--durability=}; bench_args+=("$1"); shift ;;
    *) bench_args+=("$1"); shift ;;
  esac
done
case "$wal" in s3 | none) ;; *) echo "--wal must be s3 or none, got '$wal'" >&2; exit 2 ;; esac
if [ "$durability" = s3 ] && [ "$wal" = none ]; then
  echo "--durability s3 needs --wal s3" >&2
  exit 2
fi
if [ "$wal" = s3 ]; then
  start_s3
  node_args+=(--s3.endpoint "$FLOE_S3_ENDPOINT" --s3.bucket "$FLOE_S3_BUCKET"
    --s3.region "$FLOE_S3_REGION" --s3.access-key "$FLOE_S3_ACCESS_KEY"
    --s3.secret-key "$FLOE_S3_SECRET_KEY" --s3.path-style true --wal.stats-interval 1s)
  bench_args+=(--node-log "$work/node.log"
    --note "WAL shipping on: the node ships every write to S3 (embedded S3Proxy over HTTP, local directory, same machine).")
else
  bench_args+=(--note "WAL shipping off: no S3 configured, writes live in memory only.")
fi
eval "node_args+=(${FLOE_NODE_ARGS:-})"

bench_jvm="-Xms1g -Xmx1g -Xmn600m -XX:+UseParallelGC"
start_node

mkdir -p "$root/load-tests/reports"
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-$bench_jvm} "$logback" -cp "$cp" io.floe.loadtests.node.NodeVsRedis \
  --floe "127.0.0.1:$node_port" --redis "127.0.0.1:$redis_port" \
  --floe-pid "$node_pid" --redis-pid "$redis_pid" \
  --report-dir "$root/load-tests/reports" "${bench_args[@]}" ||
  { echo "harness failed; node log tail:" >&2; tail -20 "$work/node.log" >&2; exit 1; }
grep -v 'wal-stats' "$work/node.log" | grep -E 'WARN|ERROR' | head -5 >&2 || true
