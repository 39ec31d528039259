# Shared by the side-by-side benchmark scripts (node-vs-redis.sh, ycsb-vs-redis.sh,
# replicated-vs-redis.sh) and chaos.sh; sourced from the repository root. Defines: ensure_redis,
# build_bench_classpath (sets cp and logback; snapshot_classpath copies the code a run executes),
# free_port, wait_port, a work directory ($work) with every started process ($pids) stopped on exit
# (the last started first), start_redis (sets redis_port, redis_pid), start_redis_replicas (a
# primary and two replicas: also sets redis_pids), start_etcd (sets etcd_endpoint), start_s3 (sets
# FLOE_S3_* and s3_pid) and start_node.

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

# Builds the harness (no install) and sets $cp (its runtime classpath, the project's own part copied
# by snapshot_classpath) and $logback.
build_bench_classpath() {
  local cp_file="$root/load-tests/target/bench.classpath"
  mvn -B -q -pl load-tests -am package dependency:build-classpath -DskipTests \
    -Dspotless.check.skip=true -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
  snapshot_classpath "$root/load-tests/target/classes:$(cat "$cp_file")"
  logback="-Dlogback.configurationFile=$root/load-tests/bench-logback.xml"
}

# Sets $cp to classpath $1 with every entry inside this checkout copied under $work/code: a run
# executes the code it was started with, and a build in the checkout meanwhile (maven rewrites its
# jars in place, under processes that still load classes from them) cannot change or corrupt it.
snapshot_classpath() {
  local code="$work/code" entry copy i=0
  local -a entries out=()
  mkdir -p "$code"
  IFS=: read -r -a entries <<<"$1"
  for entry in "${entries[@]}"; do
    case "$entry" in
      "$root"/*)
        i=$((i + 1))
        copy="$code/$i-$(basename "$entry")"
        cp -r "$entry" "$copy"
        out+=("$copy")
        ;;
      *) out+=("$entry") ;;
    esac
  done
  cp=$(IFS=:; echo "${out[*]}")
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Waits until something listens on port $1: at most $2 seconds (10), and when a pid $3 is given, only
# while that process runs.
wait_port() {
  for _ in $(seq $((${2:-10} * 10))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    [ -z "${3:-}" ] || alive "$3" || break
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# True while process $1 runs (an exited child not yet waited for is a zombie, not running).
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}

pids=()
work=$(mktemp -d)
# Stops the started processes in the reverse order of their start, each with SIGTERM and up to 10 s
# to finish (then SIGKILL): data nodes close while etcd and S3 still answer them.
cleanup() {
  local i p
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    p=${pids[i]}
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 100); do alive "$p" || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
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

# A primary (start_redis: redis_port, redis_pid) and two replicas of it (--replicaof), each with the
# primary's flags, in its own directory; returns once the primary reports both replicas connected
# and online. Sets redis_pids (primary first) for CPU accounting.
start_redis_replicas() {
  start_redis
  redis_pids=($redis_pid)
  wait_port "$redis_port"
  local r port
  for r in 1 2; do
    port=$(free_port)
    mkdir -p "$work/redis-replica-$r"
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --replicaof 127.0.0.1 "$redis_port" \
      --dir "$work/redis-replica-$r" --logfile "$work/redis-replica-$r.log" &
    pids+=($!)
    redis_pids+=($!)
  done
  # The primary waits repl-diskless-sync-delay (5 s) for more replicas before the first full sync.
  local info
  for _ in $(seq 300); do
    info=$(redis-cli -p "$redis_port" info replication 2>/dev/null | tr -d '\r')
    if grep -q '^connected_slaves:2$' <<<"$info" && [ "$(grep -c 'state=online' <<<"$info")" = 2 ]; then
      echo "redis primary on $redis_port with 2 replicas online"
      return 0
    fi
    sleep 0.1
  done
  echo "redis replicas did not come online; primary says:" >&2
  echo "$info" >&2
  exit 1
}

# A single-member etcd on free loopback ports with its data under $work (the binary: FLOE_ETCD_BIN
# or etcd on PATH; scripts/ensure-etcd.sh installs it), with the compaction and watch-progress
# settings of EtcdOptions; sets etcd_endpoint once /health says true.
start_etcd() {
  "$root/scripts/ensure-etcd.sh"
  local client peer
  client=$(free_port)
  peer=$(free_port)
  etcd_endpoint="http://127.0.0.1:$client"
  "${FLOE_ETCD_BIN:-etcd}" --name bench --data-dir "$work/etcd" \
    --listen-client-urls "$etcd_endpoint" --advertise-client-urls "$etcd_endpoint" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "bench=http://127.0.0.1:$peer" --initial-cluster-state new \
    --auto-compaction-mode periodic --auto-compaction-retention 5m \
    --experimental-watch-progress-notify-interval 1s \
    >"$work/etcd.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do
    curl -fsS "$etcd_endpoint/health" 2>/dev/null | grep -q '"health":"true"' && {
      echo "etcd at $etcd_endpoint"
      return 0
    }
    sleep 0.1
  done
  echo "etcd did not become healthy; log tail:" >&2
  tail -20 "$work/etcd.log" >&2
  exit 1
}

# An embedded S3 endpoint (S3Proxy over HTTP) in its own JVM on a local directory, bucket
# floe-bench; exports FLOE_S3_ENDPOINT, FLOE_S3_REGION, FLOE_S3_ACCESS_KEY, FLOE_S3_SECRET_KEY,
# FLOE_S3_BUCKET. It stands in for a remote service, so it runs at the priority of the node's
# background work that feeds it (nice 4, as node.background-nice): on a machine of few cores it
# then takes its share of CPU after the stores and the benchmark's clients, not before them.
start_s3() {
  nice -n "${S3_NICE:-4}" java "$logback" -cp "$cp" io.floe.testsupport.s3.S3Server "$work/s3" floe-bench >"$work/s3.log" 2>&1 &
  s3_pid=$!
  pids+=($s3_pid)
  for _ in $(seq 100); do grep -q '^S3 endpoint' "$work/s3.log" && break; sleep 0.1; done
  # "S3 endpoint URI region R access key K secret S"
  read -r _ _ FLOE_S3_ENDPOINT _ FLOE_S3_REGION _ _ FLOE_S3_ACCESS_KEY _ FLOE_S3_SECRET_KEY \
    < <(grep '^S3 endpoint' "$work/s3.log")
  export FLOE_S3_ENDPOINT FLOE_S3_REGION FLOE_S3_ACCESS_KEY FLOE_S3_SECRET_KEY FLOE_S3_BUCKET=floe-bench
  echo "embedded S3 at $FLOE_S3_ENDPOINT (bucket floe-bench)"
}

# A data node with "${node_args[@]}" on a free port (sets node_port, node_pid, node_log: the log is
# $work/NAME.log, NAME the first argument, default node), then waits for it and for Redis when one
# was started. The node keeps every row on the heap and rewrites it on each put: a fixed heap with a
# large young generation and the throughput collector keeps young collections rare and short (G1's
# default sizing here gave 20-70 ms pauses every half second under puts). NODE_JAVA_OPTS replaces
# those JVM options.
start_node() {
  local node_jvm="-Xms3g -Xmx3g -Xmn1g -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled"
  node_port=$(free_port)
  node_log="$work/${1:-node}.log"
  # shellcheck disable=SC2086
  java ${NODE_JAVA_OPTS:-$node_jvm} "$logback" -cp "$cp" io.floe.dataplane.DataNode \
    --node.listen-port "$node_port" --node.memory-limit-bytes 1073741824 "${node_args[@]}" \
    2>"$node_log" &
  node_pid=$!
  pids+=($node_pid)
  [ -z "${redis_port:-}" ] || wait_port "$redis_port"
  # AlwaysPreTouch of a 3 GiB heap alone takes 10-20 s on a small VM.
  wait_port "$node_port" 120 "$node_pid" || { cat "$node_log" >&2; exit 1; }
}
