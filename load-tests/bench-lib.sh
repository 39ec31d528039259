# Shared by the side-by-side benchmark scripts (node-vs-redis.sh, ycsb-vs-redis.sh); sourced from
# the repository root. Defines: ensure_redis, build_bench_classpath (sets cp and logback),
# free_port, wait_port, a work directory ($work) with every started process ($pids) stopped on
# exit, start_redis (sets redis_port, redis_pid) and start_s3 (sets FLOE_S3_*).

# Installs redis-server (and redis-tools) with apt-get when missing and root.
ensure_redis() {
  local tools=(redis-server "$@")
  local missing=0
  for t in "${tools[@]}"; do command -v "$t" >/dev/null || missing=1; done
  [ "$missing" = 0 ] && return 0
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq redis-server redis-tools >/dev/null
  else
    echo "${tools[*]} missing: apt-get install redis-server redis-tools (as root)" >&2
    exit 1
  fi
}

# Builds the harness (no install) and sets $cp (its runtime classpath) and $logback.
build_bench_classpath() {
  local cp_file="$root/load-tests/target/bench.classpath"
  mvn -B -q -pl load-tests -am package dependency:build-classpath -DskipTests \
    -Dspotless.check.skip=true -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
  cp="$root/load-tests/target/classes:$(cat "$cp_file")"
  logback="-Dlogback.configurationFile=$root/load-tests/bench-logback.xml"
}

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

# redis-server on a free loopback port, no persistence.
start_redis() {
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
  redis_pid=$!
  pids+=($redis_pid)
}

# An embedded S3 endpoint (S3Proxy over HTTP) in its own JVM on a local directory, bucket
# floe-bench; exports FLOE_S3_ENDPOINT, FLOE_S3_REGION, FLOE_S3_ACCESS_KEY, FLOE_S3_SECRET_KEY,
# FLOE_S3_BUCKET.
start_s3() {
  java "$logback" -cp "$cp" io.floe.testsupport.s3.S3Server "$work/s3" floe-bench >"$work/s3.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^S3 endpoint' "$work/s3.log" && break; sleep 0.1; done
  # "S3 endpoint URI region R access key K secret S"
  read -r _ _ FLOE_S3_ENDPOINT _ FLOE_S3_REGION _ _ FLOE_S3_ACCESS_KEY _ FLOE_S3_SECRET_KEY \
    < <(grep '^S3 endpoint' "$work/s3.log")
  export FLOE_S3_ENDPOINT FLOE_S3_REGION FLOE_S3_ACCESS_KEY FLOE_S3_SECRET_KEY FLOE_S3_BUCKET=floe-bench
  echo "embedded S3 at $FLOE_S3_ENDPOINT (bucket floe-bench)"
}

# The data node under test with "${node_args[@]}" on a free port (sets node_port, node_pid), then
# waits for it and for Redis. The node keeps every row on the heap and rewrites it on each put: a
# fixed heap with a large young generation and the throughput collector keeps young collections
# rare and short (G1's default sizing here gave 20-70 ms pauses every half second under puts).
# NODE_JAVA_OPTS replaces those JVM options.
start_node() {
  local node_jvm="-Xms3g -Xmx3g -Xmn1g -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled"
  node_port=$(free_port)
  # shellcheck disable=SC2086
  java ${NODE_JAVA_OPTS:-$node_jvm} "$logback" -cp "$cp" io.floe.dataplane.DataNode \
    --node.listen-port "$node_port" --node.memory-limit-bytes 1073741824 "${node_args[@]}" \
    2>"$work/node.log" &
  node_pid=$!
  pids+=($node_pid)
  wait_port "$redis_port"
  wait_port "$node_port" || { cat "$work/node.log" >&2; exit 1; }
}
