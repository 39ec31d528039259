#!/usr/bin/env bash
# Runs one data node as a process (see README "Running a data node"):
#   scripts/floe-node.sh [--config node.properties] [--key value ...]
# e.g. --node.id n1 --node.listen-port 7401 --etcd.endpoints http://127.0.0.1:2379
#      --cluster.name local --s3.endpoint http://127.0.0.1:9000 --s3.bucket floe ...
# SIGTERM/Ctrl-C shuts it down cleanly (the WAL is flushed). JVM options: FLOE_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/lib/run-module.sh data-plane io.floe.dataplane.DataNode "$@"
