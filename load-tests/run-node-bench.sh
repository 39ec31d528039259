#!/usr/bin/env bash
# Starts a data node (durability=memory) on a loopback port and drives it with NodeBench:
# 20 connections unpipelined, then 20 connections x 16 in flight. Extra args: seconds per phase.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_PHASE="${1:-10}"
PORT="${FLOE_BENCH_PORT:-7499}"
# One reactor run: each module's classpath then points at its siblings' freshly built jars.
mvn -B -q -pl data-plane,load-tests -am package dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -DskipTests -Dspotless.check.skip=true
CP_NODE="$(cat data-plane/target/classpath.txt):data-plane/target/classes"
CP_BENCH="$(cat load-tests/target/classpath.txt):load-tests/target/classes"
java -Xmx2g -cp "$CP_NODE" io.floe.dataplane.DataNode --node.listen-port "$PORT" --node.memory-limit-bytes 1073741824 &
NODE=$!
trap 'kill $NODE; wait $NODE 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
java -Xmx1g -cp "$CP_BENCH" io.floe.loadtests.node.NodeBench "127.0.0.1:$PORT" 20 1 "$SECONDS_PER_PHASE"
java -Xmx1g -cp "$CP_BENCH" io.floe.loadtests.node.NodeBench "127.0.0.1:$PORT" 20 16 "$SECONDS_PER_PHASE"
