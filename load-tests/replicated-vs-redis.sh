#!/usr/bin/env bash
# Replicated writes side by side: a Floe cluster on this machine (etcd, embedded S3, three data
# nodes) with one table per durability mode, every partition on all three nodes (3 replicas),
# against a Redis primary with two replicas where each SET is followed by WAIT 1 0 (one replica of
# two acknowledges: two copies of three, a majority) and, for reference, plain SET. The same Java
# harness (io.floe.loadtests.node.ReplicatedVsRedis) drives all at the connections and pipelining
# depths of node-vs-redis.sh; one report: load-tests/reports/replicated-vs-redis-<time>.md.
#   load-tests/replicated-vs-redis.sh [--modes memory,replicated,s3] [harness flags...]
# e.g. --seconds 3 --rounds 1 --depths 1,16 (see ReplicatedVsRedis for every flag)
#   --modes        the Floe durability modes to measure, one table each (default all three)
#   --partitions   partitions of each table (default: --connections, 20)
# Environment:
#   FLOE_NODE_ARGS   extra flags for every node, expanded after FLOE_S3_* are set (single quotes)
#   NODE_JAVA_OPTS   JVM options of each node (default: a 2 GiB heap, as three nodes share the
#                    machine); BENCH_JAVA_OPTS those of the harness
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# shellcheck source=load-tests/bench-lib.sh
source "$root/load-tests/bench-lib.sh"

modes=memory,replicated,s3
connections=20
partitions=
bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --modes) modes=$2; shift 2 ;;
    --modes=*) modes=${1#--modes=}; shift ;;
    --partitions) partitions=$2; shift 2 ;;
    --partitions=*) partitions=${1#--partitions=}; shift ;;
    --connections) connections=$2; bench_args+=("$1" "$2"); shift 2 ;;
    --connections=*) connections=${1#--connections=}; bench_args+=("$1"); shift ;;
    *) bench_args+=("$1"); shift ;;
  esac
done
partitions=${partitions:-$connections}
IFS=, read -r -a mode_list <<<"$modes"
for mode in "${mode_list[@]}"; do
  case "$mode" in memory | replicated | s3) ;; *)
    echo "--modes takes memory, replicated and s3, got '$mode'" >&2
    exit 2
    ;;
  esac
done

ensure_redis redis-cli
build_bench_classpath
start_etcd
start_s3
start_redis_replicas

cluster=bench
node_ids=(n1 n2 n3)
node_endpoints=()
node_metrics=()
node_pids=()
export NODE_JAVA_OPTS=${NODE_JAVA_OPTS:-"-Xms2g -Xmx2g -Xmn700m -XX:+UseParallelGC -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled"}
for id in "${node_ids[@]}"; do
  node_args=(--node.id "$id" --etcd.endpoints "$etcd_endpoint" --cluster.name "$cluster"
    --s3.endpoint "$FLOE_S3_ENDPOINT" --s3.bucket "$FLOE_S3_BUCKET" --s3.region "$FLOE_S3_REGION"
    --s3.access-key "$FLOE_S3_ACCESS_KEY" --s3.secret-key "$FLOE_S3_SECRET_KEY" --s3.path-style true)
  metrics_port=$(free_port)
  node_args+=(--node.metrics-port "$metrics_port")
  eval "node_args+=(${FLOE_NODE_ARGS:-})"
  start_node "node-$id"
  node_endpoints+=("127.0.0.1:$node_port")
  node_metrics+=("127.0.0.1:$metrics_port")
  node_pids+=("$node_pid")
  echo "data node $id at 127.0.0.1:$node_port (pid $node_pid)"
done

# The harness's table (k int64 key, v bytes): FloeDriver.SCHEMA, which the harness checks.
cat >"$work/schema.json" <<'JSON'
{"format-version": 1, "schema-id": 1,
 "columns": [{"name": "k", "type": "int64", "nullable": false},
             {"name": "v", "type": "bytes", "nullable": false}],
 "primary-key": ["k"]}
JSON
# Created one by one, replicated last: a node that cannot host a table's mode (replicated, until
# the replication engine registers it) stops converging at that table, and must not hold up the
# others. The report keeps the order of --modes.
creation_order=()
for mode in "${mode_list[@]}"; do [ "$mode" = replicated ] || creation_order+=("$mode"); done
for mode in "${mode_list[@]}"; do [ "$mode" != replicated ] || creation_order+=("$mode"); done
tid=0
for mode in "${creation_order[@]}"; do
  tid=$((tid + 1))
  java "$logback" -cp "$cp" io.floe.dataplane.cluster.AssignmentAdmin create-table \
    --etcd "$etcd_endpoint" --cluster "$cluster" --table "bench.kv_$mode" --tid "$tid" \
    --schema "$work/schema.json" --partitions "$partitions" --replicas 3 --durability "$mode" \
    --nodes "$(IFS=,; echo "${node_ids[*]}")" >/dev/null
done
tables=()
for mode in "${mode_list[@]}"; do tables+=("$mode=bench.kv_$mode"); done
echo "tables: ${tables[*]}"

bench_jvm="-Xms1g -Xmx1g -Xmn600m -XX:+UseParallelGC"
mkdir -p "$root/load-tests/reports"
# shellcheck disable=SC2086
java ${BENCH_JAVA_OPTS:-$bench_jvm} "$logback" -cp "$cp" io.floe.loadtests.node.ReplicatedVsRedis \
  --floe "$(IFS=,; echo "${node_endpoints[*]}")" --floe-pids "$(IFS=,; echo "${node_pids[*]}")" \
  --floe-metrics "$(IFS=,; echo "${node_metrics[*]}")" \
  --tables "$(IFS=,; echo "${tables[*]}")" --replicas 3 --partitions "$partitions" \
  --redis "127.0.0.1:$redis_port" --redis-pids "$(IFS=,; echo "${redis_pids[*]}")" \
  --redis-wait 1 --report-dir "$root/load-tests/reports" "${bench_args[@]}" ||
  {
    echo "harness failed; node log tails:" >&2
    for id in "${node_ids[@]}"; do tail -5 "$work/node-$id.log" >&2; done
    exit 1
  }
for id in "${node_ids[@]}"; do
  grep -E 'WARN|ERROR' "$work/node-$id.log" | sed "s/^/$id: /" | head -3 >&2 || true
done
