#!/usr/bin/env bash
# Side-by-side benchmark: a Floe data node against redis-server on this machine, driven by the
# same Java harness (io.floe.loadtests.node.NodeVsRedis) at the same concurrency.
#   load-tests/node-vs-redis.sh [harness flags...]
# e.g. --seconds 10 --depths 1,16 --durability memory   (see NodeVsRedis for every flag)
# Environment: FLOE_NODE_ARGS (extra flags for the node, e.g. its S3 settings),
#   FLOE_BENCH_S3=1 (also start an embedded S3 endpoint and pass its settings in FLOE_NODE_ARGS
#   style via FLOE_S3_* variables to the node), NODE_JAVA_OPTS / BENCH_JAVA_OPTS (JVM options).
# The report is printed and written to load-tests/reports/node-vs-redis-<time>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq redis-server redis-tools >/dev/null
  else
    echo "redis-server/redis-benchmark missing: apt-get install redis-server redis-tools (as root)" >&2
    exit 1
  fi
fi

cp_file="$root/load-tests/target/bench.classpath"
mvn -B -q -pl load-tests -am package dependency:build-classpath -DskipTests \
  -Dspotless.check.skip=true -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
cp="$root/load-tests/target/classes:$(cat "$cp_file")"
logback="-Dlogback.configurationFile=$root/load-tests/bench-logback.xml"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_port() {
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on port $1" >&2
  return 1
}

pids=()
work=$(mktemp -d)
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
pids+=($redis_pid)

node_args=()
if [ "${FLOE_BENCH_S3:-0}" = 1 ]; then
  # An embedded S3 endpoint (S3Proxy over HTTP) in its own JVM, on a local directory.
  java "$logback" -cp "$cp" io.floe.testsupport.s3.S3Server "$work/s3" floe-bench >"$work/s3.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^S3 endpoint' "$work/s3.log" && break; sleep 0.1; done
  s3_endpoint=$(sed -n 's/^S3 endpoint \([^ ]*\) .*/\1/p' "$work/s3.log")
  echo "embedded S3 at $s3_endpoint (bucket floe-bench)"
  export FLOE_S3_ENDPOINT="$s3_endpoint" FLOE_S3_BUCKET=floe-bench
fi
# shellcheck disable=SC2206
node_args+=(${FLOE_NODE_ARGS:-})

# The node keeps every row on the heap and rewrites it on each put: a fixed heap with a large young
# generation and the throughput collector keeps young collections rare and short (G1's default
# sizing here gave 20-70 ms pauses every half second under puts).
node_jvm="-Xms3g -Xmx3g -Xmn1g -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled"
bench_jvm="-Xms1g -Xmx1g -Xmn600m -XX:+UseParallelGC"
node_port=$(free_port)
# shellcheck disable=SC2086
java ${NODE_JAVA_OPTS:-$node_jvm} "$logback" -cp "$cp" io.floe.dataplane.DataNode \
  --node.listen-port "$node_port" --node.memory-limit-bytes 1073741824 "${node_args[@]}" &
node_pid=$!
pids+=($node_pid)
wait_port "$redis_port"
wait_port "$node_port"

mkdir -p "$root/load-tests/reports"
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-$bench_jvm} "$logback" -cp "$cp" io.floe.loadtests.node.NodeVsRedis \
  --floe "127.0.0.1:$node_port" --redis "127.0.0.1:$redis_port" \
  --floe-pid "$node_pid" --redis-pid "$redis_pid" \
  --report-dir "$root/load-tests/reports" "$@"
